"""The one source of 'now', so tests can move time instead of sleeping."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

_source: Callable[[], datetime] | None = None


def utcnow() -> datetime:
    """Current time as an aware UTC datetime (or the injected clock's time)."""
    if _source is not None:
        return _source()
    return datetime.now(timezone.utc)


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Inject a clock (a callable returning an aware datetime); None restores the real one."""
    global _source
    _source = source


class FrozenClock:
    """A clock for tests: stays put until moved."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward by a timedelta given as keywords (minutes=10)."""
        from datetime import timedelta

        self.now = self.now + timedelta(**delta)
