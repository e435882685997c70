"""A questionnaire screen, rendered once and kept by each process; a request only puts in its own values.

The screen is the page every family opens after a send, and rendering it (the layout, the language
switcher, each question in the parent's language) was most of its cost, although it is the same for
everyone answering that screen in that language but for a few values. So the template asks for those
values through helpers: `checked(question id, value)`, `answer(question id)` and `csrf_token()`.
Rendered for keeping, the helpers leave numbered markers, and `fill` puts each request's values in
their place. Everything else the page shows is in the key the caller gives, so a change to any of it
renders a new page; a page that shows a request's own messages (errors, flashes) is rendered whole.
"""
from __future__ import annotations

import re
import secrets

from flask import render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

KEEP = 1024  # pages kept per process; past that they are rendered again as asked for
_NONCE = secrets.token_hex(8)  # so no text a member of staff types can pass for a marker
_MARKER = re.compile(f"\x00{_NONCE}:(\\d+)\x00")
CHECKED = Markup(" checked")

_kept: dict[tuple, list] = {}


class _Markers:
    """The helpers for a page to keep: each call leaves a marker and notes what it stands for."""

    def __init__(self) -> None:
        self.slots: list[tuple] = []

    def _mark(self, slot: tuple) -> Markup:
        self.slots.append(slot)
        return Markup(f"\x00{_NONCE}:{len(self.slots) - 1}\x00")

    def checked(self, question_id: int, value: str) -> Markup:
        return self._mark(("checked", question_id, value))

    def answer(self, question_id: int) -> Markup:
        return self._mark(("answer", question_id, None))

    def csrf_token(self) -> Markup:
        return self._mark(("csrf", None, None))


def _checked(values: dict[int, list[str]], question_id: int, value: str) -> str:
    return CHECKED if value in values.get(question_id, ()) else ""


def _answer(values: dict[int, list[str]], question_id: int) -> str:
    return (values.get(question_id) or [""])[0]


def helpers(values: dict[int, list[str]]) -> dict:
    """The helpers for a page rendered whole, for one request."""
    return {"checked": lambda question_id, value: _checked(values, question_id, value),
            "answer": lambda question_id: _answer(values, question_id)}


def kept(key: tuple) -> list | None:
    """The kept page of `key`, if any."""
    return _kept.get(key)


def keep(key: tuple, template: str, **context) -> list:
    """Render `template` with markers and keep it under `key`: text and slots, alternating."""
    markers = _Markers()
    html = render_template(template, checked=markers.checked, answer=markers.answer,
                           csrf_token=markers.csrf_token, **context)
    parts = _MARKER.split(html)
    pieces = [part if i % 2 == 0 else markers.slots[int(part)] for i, part in enumerate(parts)]
    if len(_kept) >= KEEP:
        _kept.clear()
    _kept[key] = pieces
    return pieces


def forget() -> None:
    """Drop the kept pages (the tests' databases reuse ids; a real one never does)."""
    _kept.clear()


def fill(pieces: list, values: dict[int, list[str]]) -> str:
    """The kept page with this request's answers and form token in place of its markers."""
    out = []
    token = None
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            out.append(piece)
            continue
        kind, question_id, value = piece
        if kind == "checked":
            out.append(_checked(values, question_id, value))
        elif kind == "answer":
            out.append(escape(_answer(values, question_id)))
        else:
            token = token or generate_csrf()
            out.append(token)
    return "".join(out)
