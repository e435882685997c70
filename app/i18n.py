"""Choosing the language and time zone of a page, and gettext for staff pages.

Two gettext domains:
- `messages` (`_`, `_l`, `{% trans %}`): everything a parent can see. Translated into every
  supported language in the same change that adds the string.
- `staff` (`_s`, `_sl`): staff-only screens. English for now, extracted to `staff.pot` for later.
"""
from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, g, has_request_context, request, session
from flask_babel import Domain, force_locale

from app.config import LANGUAGES, RTL_LANGUAGES

staff_domain = Domain(domain="staff")
_s = staff_domain.gettext
_sl = staff_domain.lazy_gettext

# English is written for England: en_GB gives day-month dates and 24-hour clocks.
BABEL_LOCALES = {code: ("en_GB" if code == "en" else code) for code in LANGUAGES}


def language_code(locale_name: str) -> str:
    """'en_GB' → 'en'; any supported code passes through."""
    return str(locale_name).split("_")[0]


def select_language() -> str:
    """The page language: switcher choice > parent's own language > browser > setting default."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in LANGUAGES:
        return chosen
    contact = g.get("parent_contact")
    if contact is not None and contact.language in LANGUAGES:
        return contact.language
    if has_request_context():
        best = request.accept_languages.best_match(list(LANGUAGES))
        if best:
            return best
    setting = g.get("setting")
    if setting is not None and setting.default_language in LANGUAGES:
        return setting.default_language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    """Locale for Flask-Babel (English as en_GB)."""
    return BABEL_LOCALES[select_language()]


def select_timezone() -> str:
    """The setting's time zone, Europe/London by default."""
    setting = g.get("setting")
    return setting.timezone if setting is not None else current_app.config["BABEL_DEFAULT_TIMEZONE"]


def text_direction(code: str | None = None) -> str:
    """'rtl' for Urdu and Arabic, else 'ltr'."""
    return "rtl" if (code or select_language()) in RTL_LANGUAGES else "ltr"


@contextmanager
def in_language(code: str):
    """Render inside a contact's language (for messages built outside their request)."""
    with force_locale(BABEL_LOCALES.get(code, "en_GB")):
        yield


def template_context() -> dict:
    """Values every template gets: language, direction, the list for the switcher."""
    code = select_language()
    return {
        "page_lang": "en-GB" if code == "en" else code,
        "page_dir": text_direction(code),
        "languages": LANGUAGES,
        "current_language": code,
    }
