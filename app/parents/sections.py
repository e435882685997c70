"""The family page is the parent's home: each feature adds its own section to it.

A feature registers, from its blueprint's `record_once`:

    register_section(state.app, "surveys/_family_section.html", surveys_for, order=20)

`provider(contact)` returns the template's context (a dict), or None to leave the section out
(nothing to show this parent). Sections render in `order`, above the parent's own details.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

_EXTENSION_KEY = "homelink_family_sections"


@dataclass(frozen=True)
class Section:
    """One feature's part of the family page."""

    template: str
    provider: Callable
    order: int


def register_section(app: Flask, template: str, provider: Callable, order: int = 50) -> None:
    """Add a section to the family page of `app`."""
    sections = app.extensions.setdefault(_EXTENSION_KEY, [])
    if all(s.template != template for s in sections):
        sections.append(Section(template, provider, order))
        sections.sort(key=lambda s: s.order)


def sections_for(contact) -> list[tuple[str, dict]]:
    """(template, context) for every section that has something for this contact."""
    shown = []
    for section in current_app.extensions.get(_EXTENSION_KEY, []):
        context = section.provider(contact)
        if context is not None:
            shown.append((section.template, context))
    return shown
