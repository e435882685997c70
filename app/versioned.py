"""Content written in several languages: one version per language, each with a review state.

Newsletter issues, activities and weekly digests share this: the models mix in `LanguageVersion`
(the version row) and `Versioned` (its owner); the staff routes use `machine_translate` for a
first draft from the default language, which is always "needs review" until a person approves it.
"""
from __future__ import annotations

from flask import flash
from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.i18n import _s

DRAFT, NEEDS_REVIEW, APPROVED = "draft", "needs_review", "approved"
VERSION_STATES = (DRAFT, NEEDS_REVIEW, APPROVED)


class LanguageVersion:
    """Columns of a content version: its language, review state, and whether a machine wrote it."""

    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    machine: Mapped[bool] = mapped_column(Boolean, default=False)


class Versioned:
    """An owner of language versions (a `versions` relationship)."""

    def version(self, language: str):
        """The version in `language`, if written."""
        return next((v for v in self.versions if v.language == language), None)

    def approved_or_default(self, language: str, default: str):
        """The approved version in `language`, else the default language's (everyone's fallback)."""
        found = self.version(language)
        return found if found is not None and found.status == APPROVED else self.version(default)


def version_row(owner: Versioned, language: str, new_version):
    """`owner`'s version in `language`, made (and added to it) when there is none yet."""
    version = owner.version(language)
    if version is None:
        version = new_version(language=language)
        owner.versions.append(version)
    return version


def machine_translate(owner: Versioned, source_language: str, target: str, fields: dict[str, int | None],
                      new_version) -> bool:
    """Write `owner`'s version in `target` from its `source_language` version by the configured provider.

    `fields` names the text fields to translate (with a length limit or None); `new_version(language=)`
    makes a version row when there is none. The version is marked machine-made and "needs review".
    Returns False (with a message flashed for staff) when translation is off or failed; flushes only."""
    from app.newsletters.translate import TranslationError, translator

    provider, source = translator(), owner.version(source_language)
    if provider is None or source is None or target == source_language:
        flash(_s("Machine translation is not available here."), "error")
        return False
    try:
        texts = {name: provider.translate(getattr(source, name), source_language, target) for name in fields}
    except TranslationError as exc:
        flash(_s("The translation service did not answer: %(error)s", error=str(exc)), "error")
        return False
    version = version_row(owner, target, new_version)
    for name, limit in fields.items():
        setattr(version, name, texts[name][:limit] if limit else texts[name])
    version.status, version.machine = NEEDS_REVIEW, True
    flash(_s("Machine translation added: a person must review and approve it before it is sent."), "success")
    return True
