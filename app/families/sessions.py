"""A child's session pattern: which days they attend, and for which session (morning, afternoon or
the full day). Stored on the child as {"mon": "am", "wed": "full"}; None means "not known", and
such a child counts as attending every session (so a screen built on patterns misses nobody).
"""
from __future__ import annotations

import re
from datetime import date

from app.i18n import _s, _sl

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order
AM, PM, FULL = "am", "pm", "full"
SESSIONS = (AM, PM, FULL)
DAY_LABELS = {"mon": _sl("Monday"), "tue": _sl("Tuesday"), "wed": _sl("Wednesday"), "thu": _sl("Thursday"),
              "fri": _sl("Friday"), "sat": _sl("Saturday"), "sun": _sl("Sunday")}
SESSION_LABELS = {AM: _sl("Morning"), PM: _sl("Afternoon"), FULL: _sl("Full day")}

Pattern = dict[str, str]


class BadPattern(ValueError):
    """A pattern that cannot be read; the message says why, for staff."""


def clean(pattern: dict | None) -> Pattern | None:
    """Only known days and sessions, in day order; None when no day is left."""
    kept = {day: (pattern or {}).get(day) for day in DAYS}
    kept = {day: session for day, session in kept.items() if session in SESSIONS}
    return kept or None


def session_on(pattern: Pattern | None, day: date) -> str | None:
    """The session attended on `day` (am, pm or full); FULL when the pattern is not known."""
    if pattern is None:
        return FULL
    return pattern.get(DAYS[day.weekday()])


def covers(session: str | None, now_session: str) -> bool:
    """True when a child booked for `session` is in the setting during `now_session` (am or pm)."""
    return session == FULL or session == now_session


def describe(pattern: Pattern | None) -> str:
    """'Monday morning, Wednesday full day', for staff; '' when not known."""
    if not pattern:
        return ""
    return ", ".join(_s("%(day)s: %(session)s", day=DAY_LABELS[day], session=str(SESSION_LABELS[session]).lower())
                     for day, session in pattern.items())


# --- Reading a pattern from an imported cell ------------------------------------------------------

_DAY_WORDS = {
    "mon": ("mon", "monday", "mo"), "tue": ("tue", "tues", "tuesday", "tu"), "wed": ("wed", "weds", "wednesday", "we"),
    "thu": ("thu", "thur", "thurs", "thursday", "th"), "fri": ("fri", "friday", "fr"),
    "sat": ("sat", "saturday", "sa"), "sun": ("sun", "sunday", "su"),
}
_DAY = {form: day for day, words in _DAY_WORDS.items() for word in words for form in (word, word + "s")}
_SESSION_WORDS = {
    AM: ("am", "a.m.", "morning", "mornings", "morn"),
    PM: ("pm", "p.m.", "afternoon", "afternoons", "aft"),
    FULL: ("full", "fullday", "day", "days", "allday", "fd", "all"),
}
_SESSION = {word: session for session, words in _SESSION_WORDS.items() for word in words}
_FILLER = ("and", "to", "-", "–", "only", "session", "sessions")
_PARTS = re.compile(r"[;,/+\n]+")
_TOKEN = re.compile(r"[a-z.]+|[-–]")


def _groups(part: str) -> list[tuple[list[str], str]]:
    """(days, session) groups of one comma-separated part: 'mon tue am wed pm' → [mon tue: am], [wed: pm].

    A session word applies to the days before it (or, written first, to the days after it); days
    with no session word are the full day. 'mon-fri' is every day from Monday to Friday."""
    tokens = _TOKEN.findall(part)
    groups: list[tuple[list[str], str]] = []
    days: list[str] = []
    lead: str | None = None  # a session word written before its days
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("-", "–", "to") and days and i + 1 < len(tokens) and tokens[i + 1] in _DAY:
            start, end = DAYS.index(days[-1]), DAYS.index(_DAY[tokens[i + 1]])
            if end < start:
                raise BadPattern(_s("“%(part)s”: the days run backwards", part=part.strip()))
            days.extend(DAYS[start + 1:end + 1])
            i += 2
            continue
        if token in _DAY:
            days.append(_DAY[token])
        elif token in _SESSION:
            if days:
                groups.append((days, _SESSION[token]))
                days, lead = [], None
            else:
                lead = _SESSION[token]
        elif token.strip(".") and token not in _FILLER:
            raise BadPattern(_s("“%(word)s” is not a day or a session", word=token))
        i += 1
    if days:
        groups.append((days, lead or FULL))
    elif lead is not None and not groups:
        raise BadPattern(_s("“%(part)s” names no day", part=part.strip()))
    return groups


def parse(raw: str) -> Pattern | None:
    """'Mon AM, Tue PM, Wed-Fri full day', 'Monday morning; Thursday', 'Mon–Fri' → a pattern.

    A day given without a session counts as the full day; a day given twice (morning, then
    afternoon) is the full day. Empty → None (not known). Raises BadPattern."""
    pattern: Pattern = {}
    for part in _PARTS.split(raw.strip().casefold()):
        for days, session in _groups(part):
            for day in days:
                before = pattern.get(day)
                pattern[day] = session if before in (None, session) else FULL
    return clean(pattern)
