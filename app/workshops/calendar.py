"""iCalendar for workshops: the invitation (.ics attached to emails) and the per-family feed."""
from __future__ import annotations

import hashlib
import hmac
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

from app.clock import utcnow
from app.workshops.models import CANCELLED, Workshop, WorkshopSession

PRODID = "-//Homelink//Workshops//EN"


def zone_name(setting) -> str:
    """The setting's time zone (Europe/London by default)."""
    try:
        ZoneInfo(setting.timezone or "")
        return setting.timezone
    except (ValueError, KeyError, OSError):
        return "Europe/London"


def _vtimezone(name: str, years: range) -> Timezone:
    """A VTIMEZONE with the zone's real offsets, from the transitions in `years` (zoneinfo)."""
    from datetime import datetime, timedelta, timezone

    zone = ZoneInfo(name)
    tz = Timezone()
    tz.add("TZID", name)
    added = False
    for year in years:
        previous = datetime(year, 1, 1, tzinfo=timezone.utc).astimezone(zone)
        moment = datetime(year, 1, 1, tzinfo=timezone.utc)
        end = datetime(year + 1, 1, 1, tzinfo=timezone.utc)
        while moment < end:
            nxt = moment + timedelta(hours=1)
            local = nxt.astimezone(zone)
            if local.utcoffset() != previous.utcoffset():
                part = TimezoneDaylight() if local.dst() else TimezoneStandard()
                part.add("TZNAME", local.tzname())
                part.add("DTSTART", local.replace(tzinfo=None))
                part.add("TZOFFSETFROM", previous.utcoffset())
                part.add("TZOFFSETTO", local.utcoffset())
                tz.add_component(part)
                added = True
            previous = local
            moment = nxt
    if not added:  # a zone without summer time: one standard part
        now = datetime(years.start, 1, 1, tzinfo=timezone.utc).astimezone(zone)
        part = TimezoneStandard()
        part.add("TZNAME", now.tzname())
        part.add("DTSTART", datetime(1970, 1, 1))
        part.add("TZOFFSETFROM", now.utcoffset())
        part.add("TZOFFSETTO", now.utcoffset())
        tz.add_component(part)
    return tz


def _organizer(workshop: Workshop) -> vCalAddress:
    email = workshop.setting.email or current_app.config.get("MAIL_DEFAULT_SENDER") or "homelink@localhost"
    organizer = vCalAddress(f"mailto:{email}")
    organizer.params["CN"] = vText(workshop.setting.name)
    return organizer


def _event(workshop: Workshop, uid: str, starts_at, ends_at, summary: str, language: str,
           cancelled: bool) -> Event:
    """One VEVENT: the session's own stable UID and the workshop's SEQUENCE (bumped on any change)."""
    zone = ZoneInfo(zone_name(workshop.setting))
    text = workshop.text(language)
    event = Event()
    event.add("UID", uid)
    event.add("SEQUENCE", workshop.sequence)
    event.add("DTSTAMP", utcnow())
    event.add("DTSTART", starts_at.astimezone(zone))
    event.add("DTEND", ends_at.astimezone(zone))
    event.add("SUMMARY", summary)
    if text.description:
        event.add("DESCRIPTION", text.description)
    location = workshop.venue + (f" ({workshop.access_notes})" if workshop.access_notes else "")
    if location:
        event.add("LOCATION", location)
    event.add("ORGANIZER", _organizer(workshop))
    event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _session_event(session: WorkshopSession, language: str, cancelled: bool) -> Event:
    workshop = session.workshop
    title, count = workshop.text(language).title, len(workshop.sessions)
    summary = f"{title} ({session.number}/{count})" if count > 1 else title
    return _event(workshop, session.uid, session.starts_at, session.ends_at, summary, language, cancelled)


def _with_zone(cal: Calendar, workshop: Workshop, moments: list) -> None:
    name = zone_name(workshop.setting)
    years = sorted({m.astimezone(ZoneInfo(name)).year for m in moments})
    cal.add_component(_vtimezone(name, range(years[0], years[-1] + 1)))


def _calendar(workshops: list[Workshop], language: str, method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    if method:
        cal.add("METHOD", method)
    if workshops:
        _with_zone(cal, workshops[0], [s.starts_at for w in workshops for s in w.sessions])
    for workshop in workshops:
        for session in workshop.sessions:
            cal.add_component(_session_event(session, language, workshop.status == CANCELLED))
    return cal


def invitation_ics(workshop: Workshop, language: str) -> str:
    """The .ics for one workshop (a VEVENT per session): METHOD:REQUEST, or METHOD:CANCEL once the workshop is cancelled."""
    method = "CANCEL" if workshop.status == CANCELLED else "REQUEST"
    return _calendar([workshop], language, method).to_ical().decode()


def attachment(workshop: Workshop, language: str) -> dict:
    """The .ics as a message attachment."""
    method = "CANCEL" if workshop.status == CANCELLED else "REQUEST"
    return {"filename": "invite.ics", "content_type": f"text/calendar; method={method}",
            "text": invitation_ics(workshop, language)}


def dropped_attachment(workshop: Workshop, dropped: list[tuple], language: str) -> dict:
    """A METHOD:CANCEL .ics taking sessions dropped from a course ((uid, start, end) each) out of
    calendars: the same UIDs they were sent with, at the workshop's new SEQUENCE."""
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("METHOD", "CANCEL")
    _with_zone(cal, workshop, [start for _uid, start, _end in dropped])
    for uid, start, end in dropped:
        cal.add_component(_event(workshop, uid, start, end, workshop.text(language).title, language, True))
    return {"filename": "cancelled-sessions.ics", "content_type": "text/calendar; method=CANCEL",
            "text": cal.to_ical().decode()}


def feed_ics(workshops: list[Workshop], language: str) -> str:
    """A subscribable calendar of the given workshops (no METHOD: it is a published feed)."""
    return _calendar(workshops, language, None).to_ical().decode()


def feed_token(contact) -> str:
    """The unguessable part of a contact's feed URL: an HMAC of their id and link version."""
    key = hashlib.sha256(b"homelink calendar feed\0" + current_app.secret_key.encode()).digest()
    mac = hmac.new(key, f"{contact.id}:{contact.link_version}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{contact.id}-{mac}"


def check_feed_token(token: str, contact) -> bool:
    """True when `token` is the contact's current feed token."""
    return hmac.compare_digest(token.encode(), feed_token(contact).encode())


def feed_url(contact) -> str:
    """The absolute feed URL of a contact (on PUBLIC_BASE_URL)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/calendar/{feed_token(contact)}.ics"
