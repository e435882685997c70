"""School terms, for the PICO's "this term" and "last term".

Terms follow the usual English pattern, without half-terms or holidays: autumn from 1 September to
31 December, spring from 1 January to 31 March, summer from 1 April to 31 August. A term's `end` is
inclusive; `end_exclusive` is the first day after it, for queries on timestamps.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.i18n import _s, _sl

# (season, first month, last month) in calendar order
_SEASONS = (("spring", 1, 3), ("summer", 4, 8), ("autumn", 9, 12))
_SEASON_NAMES = {"autumn": _sl("Autumn term"), "spring": _sl("Spring term"), "summer": _sl("Summer term")}


class _Days:
    """What a term and any other date range share: `start` and `end`, both days inclusive."""

    start: date
    end: date

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Term(_Days):
    season: str  # "autumn" | "spring" | "summer"
    year: int
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{_SEASON_NAMES[self.season]} {self.year}"


@dataclass(frozen=True)
class Period(_Days):
    """Any date range (the evidence pack's), first and last day inclusive."""

    start: date
    end: date

    @property
    def label(self) -> str:
        from flask_babel import format_date

        return _s("%(start)s to %(end)s", start=format_date(self.start, "long"), end=format_date(self.end, "long"))


def _term(season: str, year: int) -> Term:
    _, first, last = next(s for s in _SEASONS if s[0] == season)
    following = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return Term(season, year, date(year, first, 1), following - timedelta(days=1))


def term_containing(day: date) -> Term:
    season = next(name for name, first, last in _SEASONS if first <= day.month <= last)
    return _term(season, day.year)


def previous_term(term: Term) -> Term:
    return term_containing(term.start - timedelta(days=1))


def recent_terms(day: date, count: int) -> list[Term]:
    """The `count` terms up to and including the one containing `day`, oldest first."""
    terms = [term_containing(day)]
    while len(terms) < count:
        terms.append(previous_term(terms[-1]))
    return list(reversed(terms))
