"""Reading single cells of an imported families file: dates, yes/no, languages, channels."""
from __future__ import annotations

import re
from datetime import date

from babel import Locale, UnknownLocaleError

from app.config import LANGUAGES
from app.families import sessions
from app.i18n import _s


class BadValue(ValueError):
    """A cell that cannot be read; the message says why, for staff."""


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2})?$")


def parse_date(raw: str) -> date:
    """31/01/2023, 31-01-2023, 31.01.2023, 31/01/23 or 2023-01-31 (a 00:00 time is ignored)."""
    text = _TIME_SUFFIX.sub("", raw.strip())
    match = _ISO.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _DMY.match(text)
        if not match:
            raise BadValue(_s("“%(value)s” is not a date (use 31/01/2023 or 2023-01-31)", value=raw))
        day, month, year = (int(part) for part in match.groups())
        if year < 100:
            year += 2000
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise BadValue(_s("“%(value)s” is not a real date", value=raw)) from exc


_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}


def parse_bool(raw: str) -> bool:
    """yes/no, y/n, true/false, 1/0 in any case."""
    text = raw.strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue(_s("“%(value)s” should be yes or no", value=raw))


def parse_priority(raw: str) -> int:
    """A contact's order for calls and alerts: a whole number from 1 to 99."""
    text = raw.strip()
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise BadValue(_s("“%(value)s” should be a number from 1 to 99", value=raw))
    return int(text)


_CHANNELS = {
    "email": "email", "e-mail": "email", "mail": "email",
    "sms": "sms", "text": "sms", "texts": "sms", "mobile": "sms", "phone": "sms",
    "both": "both", "all": "both",
}


def parse_channels(raw: str) -> str:
    """email, sms (or text) or both; "email and sms" and "email, sms" mean both."""
    parts = {p for p in re.split(r"[\s,;/+&]+|\band\b", raw.strip().casefold()) if p}
    found = set()
    for part in parts:
        if part not in _CHANNELS:
            raise BadValue(_s("“%(value)s” should be email, sms or both", value=raw))
        found.add(_CHANNELS[part])
    if not found:
        raise BadValue(_s("“%(value)s” should be email, sms or both", value=raw))
    if "both" in found or found == {"email", "sms"}:
        return "both"
    return found.pop()


# ISO 639-2 codes that MIS exports use as well as two-letter ones, and a few other spellings.
_EXTRA_NAMES = {
    "eng": "en", "pol": "pl", "ron": "ro", "rum": "ro", "urd": "ur", "ara": "ar", "ben": "bn",
    "bangla": "bn", "bengali": "bn", "pan": "pa", "punjabi": "pa", "panjabi": "pa", "por": "pt", "spa": "es",
    "castilian": "es",
    "som": "so", "lit": "lt",
}


def _language_names() -> dict[str, str]:
    names: dict[str, str] = dict(_EXTRA_NAMES)
    english = Locale("en")
    for code, own_name in LANGUAGES.items():
        names[code] = code
        names[own_name.casefold()] = code
        names[english.languages.get(code, code).casefold()] = code
        try:
            names[Locale(code).get_display_name(code).casefold()] = code
        except (UnknownLocaleError, ValueError):
            pass
    return names


_LANGUAGE_NAMES = _language_names()


def parse_language(raw: str) -> str | None:
    """The Homelink language code for "pl", "pl-PL", "Polish", "Polski", "POL" or "Believed to be Polish".

    None when the language is not one Homelink sends in (the caller decides what then).
    """
    text = re.sub(r"^believed to be\s+", "", raw.strip().casefold())
    text = re.sub(r"\s*\(.*\)$", "", text)  # "Bengali (Sylheti)" → "bengali"
    if text in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[text]
    short = re.split(r"[-_]", text)[0]
    if short in LANGUAGES:
        return short
    return None


def parse_sessions(raw: str) -> dict | None:
    """A session pattern such as "Mon AM, Tue PM, Wed-Fri full day" (see app.families.sessions)."""
    try:
        return sessions.parse(raw)
    except sessions.BadPattern as exc:
        raise BadValue(_s("%(reason)s (write it like “Mon AM, Tue PM, Wed-Fri full day”)", reason=exc)) from exc
