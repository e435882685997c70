"""Invitations in each parent's language with their own RSVP link; the .ics sent with confirmations,
changes and cancellations, parsed back with icalendar; the family calendar feed; reminders."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select

from app.extensions import db
from app.workshops import notices, services
from app.workshops.models import Workshop


def _ics(email_message) -> icalendar.Calendar:
    [part] = [p for p in email_message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "invite.ics"
    return icalendar.Calendar.from_ical(part.get_content())


def _check_calendar(cal, workshop, method):
    """What no library checks for us: METHOD with ORGANIZER, TZID defined, DTEND after DTSTART."""
    assert cal["METHOD"] == method
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    [event] = cal.walk("VEVENT")
    [zone] = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/London"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTSTART") == workshop.starts_at
    assert event.decoded("DTEND") == workshop.ends_at
    assert event.decoded("DTEND") > event.decoded("DTSTART")
    assert str(event["UID"]) == workshop.uid
    assert str(event["ORGANIZER"]) == "mailto:office@acorn.example"
    assert "DTSTAMP" in event
    return event


def _answer_yes(workshop, contact, adults=1):
    rsvp, messages = services.answer(workshop, contact, services.RsvpData(answer="yes", adults=adults))
    for message_id in messages:
        notices.start(message_id)
    return rsvp


def test_invitation_arrives_in_each_parents_language_with_their_own_link(make, smtp, workshop_of):
    setting = make.setting()
    child = make.child(setting)
    en = make.contact(setting, children=[child], language="en", channels="email")
    pl = make.contact(setting, children=[child], language="pl", channels="email")
    workshop = workshop_of(setting, rsvp_deadline=None)
    notices.start(services.send_invitations(workshop, "email"))
    [to_en], [to_pl] = smtp.to(en.email), smtp.to(pl.email)
    assert to_en["Subject"] == "Invitation: Messy play at home"
    assert to_pl["Subject"] == "Zaproszenie: Zabawa sensoryczna w domu"
    plain_pl = to_pl.get_body(("plain",)).get_content()
    assert "Pomysły na zabawę z codziennymi rzeczami." in plain_pl
    assert "wtorek 1 grudnia 2026, 10:00–11:30" in plain_pl
    link_en = to_en.get_body(("plain",)).get_content().split("take part: ")[1].split()[0]
    link_pl = plain_pl.split("udział: ")[1].split()[0]
    assert link_en.startswith("http://localhost/l/") and link_pl.startswith("http://localhost/l/")
    assert link_en != link_pl  # each parent their own link


def test_confirmation_carries_an_ics_matching_the_workshop(make, smtp, workshop_of):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], channels="email")
    workshop = workshop_of(setting, capacity=5, access_notes="Step-free entrance")
    _answer_yes(workshop, parent)
    [email] = smtp.to(parent.email)
    assert email["Subject"] == "Your place: Messy play at home"
    assert "Your place is booked" in email.get_body(("plain",)).get_content()
    cal = _ics(email)
    event = _check_calendar(cal, workshop, "REQUEST")
    assert event["SEQUENCE"] == 0
    assert str(event["SUMMARY"]) == "Messy play at home"
    assert "Step-free entrance" in str(event["LOCATION"])
    # 10:00 UTC on 1 December is 10:00 in London (GMT): the local time is what the file says
    assert event.decoded("DTSTART").astimezone(ZoneInfo("Europe/London")).hour == 10


def test_a_change_of_time_bumps_sequence_and_tells_those_coming(make, smtp, workshop_of):
    setting = make.setting()
    coming = make.contact(setting, children=[make.child(setting)], channels="email")
    not_coming = make.contact(setting, children=[make.child(setting)], channels="email")
    workshop = workshop_of(setting)
    _answer_yes(workshop, coming)
    services.answer(workshop, not_coming, services.RsvpData(answer="no"))
    later = workshop.starts_at + timedelta(days=1)
    for message_id in services.save_workshop(workshop, texts={}, fields={},
                                             sessions=[(later, later + timedelta(hours=1))]):
        notices.start(message_id)
    confirmation, changed = smtp.to(coming.email)
    assert changed["Subject"] == "Changed: Messy play at home"
    event = _check_calendar(_ics(changed), workshop, "REQUEST")
    assert event["SEQUENCE"] == 1 and str(event["UID"]) == workshop.uid
    assert event.decoded("DTSTART") == later
    [first] = _ics(confirmation).walk("VEVENT")
    assert first["SEQUENCE"] == 0 and str(first["UID"]) == workshop.uid  # same event, older version
    assert smtp.to(not_coming.email) == []


def test_cancelling_sends_a_cancel_ics_with_a_higher_sequence(make, smtp, workshop_of):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], channels="email")
    workshop = workshop_of(setting)
    _answer_yes(workshop, parent)
    notices.start(services.cancel(workshop))
    _, cancelled = smtp.to(parent.email)
    assert cancelled["Subject"] == "Cancelled: Messy play at home"
    cal = _ics(cancelled)
    event = _check_calendar(cal, workshop, "CANCEL")
    assert event["SEQUENCE"] == 1 and event["STATUS"] == "CANCELLED"


def test_summer_time_workshop_is_written_in_local_time_with_its_zone(make, workshop_of):
    from datetime import datetime, timezone

    from app.workshops.calendar import invitation_ics

    setting = make.setting()
    workshop = workshop_of(setting, starts_at=datetime(2027, 6, 15, 9, 0, tzinfo=timezone.utc))
    text = invitation_ics(workshop, "en")
    assert "DTSTART;TZID=Europe/London:20270615T100000" in text  # 09:00 UTC is 10:00 BST
    cal = icalendar.Calendar.from_ical(text)
    [zone] = cal.walk("VTIMEZONE")
    assert {c.name for c in zone.subcomponents} == {"DAYLIGHT", "STANDARD"}
    assert cal.walk("VEVENT")[0].decoded("DTSTART") == workshop.starts_at


def test_family_calendar_feed_lists_their_invitations_only(client, make, workshop_of):
    from app.workshops.calendar import feed_url

    setting = make.setting()
    room_a, room_b = make.room(setting), make.room(setting)
    parent = make.contact(setting, children=[make.child(setting, room=room_a)])
    mine = workshop_of(setting, audience={"rooms": [room_a.id]})
    workshop_of(setting, audience={"rooms": [room_b.id]}, texts={"en": ("Other room's trip", "")})
    url = feed_url(parent)
    db.session.commit()
    path = url.removeprefix("http://localhost")
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [mine.uid]
    assert "METHOD" not in cal
    # a guessed or tampered address shows nothing
    assert client.get(f"/calendar/{parent.id}-{'0' * 32}.ics").status_code == 404
    assert client.get("/calendar/nonsense.ics").status_code == 404


def test_reminder_goes_the_day_before_to_yes_and_maybe_only_once(make, workshop_of, frozen_clock):
    from app.messaging.models import DevOutboxItem

    setting = make.setting()
    people = {a: make.contact(setting, children=[make.child(setting)], channels="email") for a in ("yes", "maybe", "no")}
    waiting = make.contact(setting, children=[make.child(setting)], channels="email")
    workshop = workshop_of(setting, capacity=2, reminder_hours=24)
    for answer, contact in people.items():
        services.answer(workshop, contact, services.RsvpData(answer=answer, adults=1))
    services.answer(workshop, waiting, services.RsvpData(answer="yes", adults=1))
    db.session.commit()

    def reminded():
        return {i.to for i in db.session.scalars(select(DevOutboxItem)) if i.subject.startswith("Reminder")}

    assert services.send_due_reminders() == []  # a week ahead: not yet
    frozen_clock.now = workshop.starts_at - timedelta(hours=23)
    assert len(services.send_due_reminders()) == 1
    assert reminded() == {people["yes"].email, people["maybe"].email}
    assert services.send_due_reminders() == []  # re-running sends nothing twice
    assert db.session.get(Workshop, workshop.id).sessions[0].reminder_sent_at is not None


def test_the_scheduler_runs_workshop_and_volunteer_reminders(app):
    from app.scheduler import build_scheduler

    jobs = {job.id for job in build_scheduler(app).get_jobs()}
    assert {"workshop_reminders", "volunteer_reminders"} <= jobs
