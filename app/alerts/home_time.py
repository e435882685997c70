"""The home-time list: the children still in the setting for this session, and today's marks.

There is no register: a child is expected when their session pattern books them for the session
(a child with no pattern is always expected, so nobody is missed), and leaves the list when staff
mark them collected or absent today. A morning child not marked collected stays on the afternoon's
list, flagged, and a child with an open alert is always listed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.alerts.models import ACTIVE, Alert, AlertOptions, HomeTimeMark
from app.clock import utcnow
from app.extensions import db
from app.families import sessions
from app.families.access import child_scope
from app.families.models import Child
from app.families.services import local_today


@dataclass
class Entry:
    """One child on the home-time screen."""

    child: Child
    booked: str | None  # today's session (am, pm, full), None when not booked today
    known: bool  # False: no session pattern, so listed at every home time
    alert: Alert | None = None
    mark: HomeTimeMark | None = None
    session_over: bool = False  # booked for the morning, and it is now the afternoon


@dataclass
class HomeTime:
    """The screen for one user, day and session."""

    day: date
    session: str  # am or pm
    here: list[Entry] = field(default_factory=list)  # still in the setting: the list to act on
    marked: list[Entry] = field(default_factory=list)  # collected or absent today
    elsewhere: list[Entry] = field(default_factory=list)  # not booked for this session


def current_session(setting, options: AlertOptions) -> str:
    """Morning before the options' afternoon start (setting's local time), afternoon after."""
    try:
        zone = ZoneInfo(setting.timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("Europe/London")
    now: datetime = utcnow().astimezone(zone)
    return sessions.AM if now.strftime("%H:%M") < (options.afternoon_from or "12:30") else sessions.PM


def home_time(user, setting, options: AlertOptions, session: str | None = None) -> HomeTime:
    """Who is still here for `session` (default: the current one) among the children `user` sees."""
    today = local_today(setting)
    screen = HomeTime(day=today, session=session if session in (sessions.AM, sessions.PM)
                      else current_session(setting, options))
    children = db.session.scalars(child_scope(select(Child), user).where(
        or_(Child.leaving_date.is_(None), Child.leaving_date >= today),
        or_(Child.start_date.is_(None), Child.start_date <= today))
        .order_by(Child.first_name, Child.last_name, Child.id)).all()
    marks = {m.child_id: m for m in db.session.scalars(select(HomeTimeMark).where(
        HomeTimeMark.setting_id == setting.id, HomeTimeMark.day == today))}
    alerts = {a.child_id: a for a in db.session.scalars(select(Alert).where(
        Alert.setting_id == setting.id, Alert.status.in_(ACTIVE)))}
    for child in children:
        booked = sessions.session_on(child.session_pattern, today)
        entry = Entry(child, booked, child.session_pattern is not None, alerts.get(child.id), marks.get(child.id))
        entry.session_over = booked == sessions.AM and screen.session == sessions.PM
        if entry.alert is not None:
            screen.here.append(entry)
        elif entry.mark is not None:
            screen.marked.append(entry)
        elif sessions.covers(booked, screen.session) or entry.session_over:
            screen.here.append(entry)
        else:
            screen.elsewhere.append(entry)
    screen.here.sort(key=lambda e: (e.alert is None, not e.session_over))  # stable: then by name
    return screen


def set_mark(child: Child, kind: str, actor, day: date | None = None) -> HomeTimeMark:
    """Mark the child collected or absent for the day (a second tap changes the mark, never doubles it)."""
    day = day or local_today(child.setting)
    values = {"kind": kind, "marked_by_id": actor.id if actor else None, "marked_at": utcnow()}
    mark = _mark_of(child, day)
    if mark is None:
        try:
            with db.session.begin_nested():
                mark = HomeTimeMark(setting_id=child.setting_id, child_id=child.id, day=day, **values)
                db.session.add(mark)
                db.session.flush()
            return mark
        except IntegrityError:  # a tap on another phone got there first
            mark = _mark_of(child, day)
    for name, value in values.items():
        setattr(mark, name, value)
    db.session.flush()
    return mark


def _mark_of(child: Child, day: date) -> HomeTimeMark | None:
    return db.session.scalar(select(HomeTimeMark).where(HomeTimeMark.child_id == child.id, HomeTimeMark.day == day))


def clear_mark(child: Child, day: date | None = None) -> bool:
    """Undo today's mark (a mistaken tap): the child is back on the list. True when there was one."""
    mark = _mark_of(child, day or local_today(child.setting))
    if mark is None:
        return False
    db.session.delete(mark)
    db.session.flush()
    return True
