"""Choosing the language and time zone of a page, and gettext for staff pages.

Two gettext domains:
- `messages` (`_`, `_l`, `{% trans %}`): everything a parent can see. Translated into every
  supported language in the same change that adds the string.
- `staff` (`_s`, `_sl`): staff-only screens. English for now, extracted to `staff.pot` for later.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytz  # Flask-Babel resolves time zones with pytz, so validity is judged by it

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
    """The page language.

    1. An explicit choice made with the language switcher in this browser session. Opening a
       personal link and saving one's details both clear it, so a parent always starts in their
       own language; a partner reading along can still switch the page without changing the
       stored preference (that is what the details form is for).
    2. On parent pages, the contact's own language.
    3. The browser's Accept-Language.
    4. The setting's default language, then the app's.
    """
    if has_request_context():
        chosen = session.get("lang")
        if chosen in LANGUAGES:
            return chosen
    parent_language = g.get("parent_language")
    if parent_language in LANGUAGES:
        return parent_language
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
    """The setting's own time zone when it has a valid one, else Europe/London (the default)."""
    setting = g.get("setting")
    name = getattr(setting, "timezone", None)
    if name and name in pytz.all_timezones_set:
        return name
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


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
