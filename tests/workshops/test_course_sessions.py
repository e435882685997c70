"""Courses of several sessions: the PICO adds sessions on the form; invitations, the RSVP page, the
confirmation and the .ics list every session; reminders before each session; a register per session;
the thank-you after the last one; evidence counts a family once if it came to any session."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import icalendar
from sqlalchemy import select

from app.extensions import db
from app.messaging.models import DevOutboxItem, Message
from app.parents.links import issue_link
from app.workshops import notices, services
from app.workshops.models import Rsvp, Workshop

FIRST = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # a Tuesday, 10:00 GMT
WEEKS = [(FIRST + timedelta(weeks=n), FIRST + timedelta(weeks=n, hours=1, minutes=30)) for n in range(3)]


def _course(workshop_of, setting, **kw) -> Workshop:
    workshop = workshop_of(setting, **kw)
    workshop.set_sessions(WEEKS)
    db.session.flush()
    return workshop


def _calendars(mail) -> dict[str, icalendar.Calendar]:
    return {p.get_filename(): icalendar.Calendar.from_ical(p.get_content())
            for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"}


def _yes(workshop, contact):
    rsvp, messages = services.answer(workshop, contact, services.RsvpData(answer="yes"))
    for message_id in messages:
        notices.start(message_id)
    return rsvp


def _form(**changes) -> dict:
    form = {"kind": "course", "title": "Six weeks of sleep and routines", "description": "", "venue": "Hall",
            "audience": "all", "rsvp_mode": "family", "reminder_hours": "24", "session_rows": "3",
            "day_1": "2026-12-01", "start_1": "10:00", "end_1": "11:30",
            "day_2": "2026-12-08", "start_2": "10:00", "end_2": "11:30",
            "day_3": "", "start_3": "", "end_3": ""}
    return {**form, **changes}


def test_pico_adds_sessions_on_the_form_and_bad_rows_are_explained(client, make, login_as, frozen_clock):
    setting = make.setting()
    login_as(make.user(setting, role="pico"))
    page = client.get("/workshops/new").get_data(as_text=True)
    assert 'name="day_3"' in page and 'name="day_4"' not in page  # three rows to start with
    more = client.post("/workshops/new", data=_form(add_session="1")).get_data(as_text=True)
    assert 'name="day_4"' in more and 'value="2026-12-08"' in more  # a fourth row, nothing lost
    assert db.session.scalar(select(Workshop)) is None

    bad = client.post("/workshops/new", data=_form(day_3="2026-12-15", end_2="09:00"))
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert "Session 3: starts at: Enter the start time." in text and "The end must be after the start." in text
    assert "Session 2: ends at" in text and db.session.scalar(select(Workshop)) is None
    empty = client.post("/workshops/new", data=_form(day_1="", start_1="", end_1="", day_2="", start_2="",
                                                     end_2="")).get_data(as_text=True)
    assert "Enter the date of at least one session." in empty

    saved = client.post("/workshops/new", data=_form(day_3="2026-12-15", start_3="10:00", end_3="11:30"))
    assert saved.status_code == 302
    workshop = db.session.scalar(select(Workshop))
    assert [(s.starts_at, s.ends_at) for s in workshop.sessions] == WEEKS
    assert (workshop.starts_at, workshop.ends_at) == (WEEKS[0][0], WEEKS[-1][1])
    edit = client.get(f"/workshops/{workshop.id}/edit").get_data(as_text=True)
    assert 'value="2026-12-15"' in edit and 'name="day_4"' in edit  # the sessions, and a spare row


def test_invitation_rsvp_page_and_confirmation_list_every_session_in_the_parents_language(
        client, make, smtp, workshop_of):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], language="pl", channels="email")
    workshop = _course(workshop_of, setting)
    notices.start(services.send_invitations(workshop, "email"))
    [invitation] = smtp.to(parent.email)
    body = invitation.get_body(("plain",)).get_content()
    for n, day in ((1, "1 grudnia 2026"), (2, "8 grudnia 2026"), (3, "15 grudnia 2026")):
        assert re.search(rf"Spotkanie {n} z 3: \w+ {day}, 10:00–11:30", body), body

    token = issue_link(parent, "rsvp", workshop.id)
    db.session.commit()
    url = client.get(client.get(f"/l/{token}").headers["Location"]).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert page.count("z 3: ") == 3 and "15 grudnia 2026" in page
    client.post(url, data={"answer": "yes", "adults": "1", "children": "0", "interpreter": ""})
    assert db.session.scalar(select(Rsvp)).answer == "yes"  # one answer for the whole course
    _, confirmation = smtp.to(parent.email)
    assert "Spotkanie 3 z 3" in confirmation.get_body(("plain",)).get_content()
    cal = _calendars(confirmation)["invite.ics"]
    events = cal.walk("VEVENT")
    assert cal["METHOD"] == "REQUEST" and len(events) == 3
    assert [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in events] == WEEKS
    assert [str(e["UID"]) for e in events] == [s.uid for s in workshop.sessions]
    assert str(events[0]["UID"]) == workshop.uid and len({str(e["UID"]) for e in events}) == 3
    assert all(e["SEQUENCE"] == 0 for e in events)


def test_changing_a_session_bumps_sequence_and_a_dropped_session_is_cancelled(make, smtp, workshop_of):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], channels="email")
    workshop = _course(workshop_of, setting)
    _yes(workshop, parent)
    [confirmation] = smtp.to(parent.email)
    uids = [str(e["UID"]) for e in _calendars(confirmation)["invite.ics"].walk("VEVENT")]

    later = (WEEKS[1][0] + timedelta(hours=6), WEEKS[1][1] + timedelta(hours=6))
    for message_id in services.save_workshop(workshop, texts={}, fields={}, sessions=[WEEKS[0], later]):
        notices.start(message_id)
    _, changed = smtp.to(parent.email)
    assert changed["Subject"] == "Changed: Messy play at home"
    sms = db.session.scalar(select(Message).order_by(Message.id.desc())).version("en").sms_text
    assert sms.startswith("Changed: Messy play at home is now Session 2 of 2: Tuesday 8 December 2026, 16:00")
    calendars = _calendars(changed)
    kept = calendars["invite.ics"].walk("VEVENT")
    assert [str(e["UID"]) for e in kept] == uids[:2] and all(e["SEQUENCE"] == 1 for e in kept)
    assert kept[1].decoded("DTSTART") == later[0]
    dropped = calendars["cancelled-sessions.ics"]
    [gone] = dropped.walk("VEVENT")
    assert dropped["METHOD"] == "CANCEL" and str(gone["UID"]) == uids[2] and gone["SEQUENCE"] == 1
    assert gone["STATUS"] == "CANCELLED" and gone.decoded("DTSTART") == WEEKS[2][0]

    # Saving the same sessions again changes nothing and tells nobody.
    assert services.save_workshop(workshop, texts={}, fields={}, sessions=[WEEKS[0], later]) == []
    notices.start(services.cancel(workshop))
    cancelled = _calendars(smtp.to(parent.email)[-1])["invite.ics"]
    assert cancelled["METHOD"] == "CANCEL"
    assert [(str(e["UID"]), e["SEQUENCE"]) for e in cancelled.walk("VEVENT")] == [(uids[0], 2), (uids[1], 2)]


def test_the_family_feed_has_every_session(client, make, workshop_of):
    from app.workshops.calendar import feed_url

    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)])
    workshop = _course(workshop_of, setting)
    path = feed_url(parent).removeprefix("http://localhost")
    db.session.commit()
    cal = icalendar.Calendar.from_ical(client.get(path).data)
    events = cal.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [s.uid for s in workshop.sessions]
    assert [str(e["SUMMARY"]) for e in events] == [f"Messy play at home ({n}/3)" for n in (1, 2, 3)]


def test_a_reminder_the_day_before_each_session_to_yes_and_maybe_never_twice(make, workshop_of, frozen_clock):
    setting = make.setting()
    people = {a: make.contact(setting, children=[make.child(setting)], channels="email") for a in ("yes", "maybe", "no")}
    workshop = _course(workshop_of, setting)
    for answer, contact in people.items():
        services.answer(workshop, contact, services.RsvpData(answer=answer))
    db.session.commit()

    def reminders():
        return [(i.to, i.body_text) for i in db.session.scalars(select(DevOutboxItem).order_by(DevOutboxItem.id))
                if i.subject.startswith("Reminder")]

    for n, (start, _end) in enumerate(WEEKS, start=1):
        frozen_clock.now = start - timedelta(hours=30)
        assert services.send_due_reminders() == []  # not yet
        frozen_clock.now = start - timedelta(hours=23)
        assert len(services.send_due_reminders()) == 1
        assert services.send_due_reminders() == []  # re-running sends nothing twice
        latest = reminders()[-2:]
        assert {to for to, _body in latest} == {people["yes"].email, people["maybe"].email}
        assert all(f"Session {n} of 3:" in body for _to, body in latest)
    assert len(reminders()) == 6


def test_register_per_session_thanks_after_the_last_and_evidence_counts_a_family_once(
        client, make, login_as, workshop_of, frozen_clock):
    from datetime import date

    from app.evidence.figures import figures
    from app.evidence.terms import Period

    setting = make.setting()
    rana = make.contact(setting, children=[make.child(setting)], channels="email", first_name="Rana")
    ola = make.contact(setting, children=[make.child(setting)], channels="email", first_name="Ola")
    workshop = _course(workshop_of, setting)
    for contact in (rana, ola):
        services.answer(workshop, contact, services.RsvpData(answer="yes"))
    by_contact = {r.contact_id: r.id for r in workshop.rsvps}
    first, second, third = workshop.sessions
    db.session.commit()
    login_as(make.user(setting, role="pico"))

    frozen_clock.now = WEEKS[1][0] + timedelta(minutes=10)  # during session 2: its register opens
    page = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert f'<option value="{second.id}" selected>' in page
    client.post(f"/workshops/{workshop.id}/register", data={"session": first.id, "attended": [by_contact[rana.id]]})
    client.post(f"/workshops/{workshop.id}/register", data={"session": second.id,
                                                            "attended": [by_contact[rana.id], by_contact[ola.id]]})
    client.post(f"/workshops/{workshop.id}/register", data={"session": second.id, "attended": [by_contact[rana.id]]})
    page = client.get(f"/workshops/{workshop.id}?session={first.id}").get_data(as_text=True)
    boxes = re.findall(r'<input type="checkbox" name="attended" value="(\d+)"([^>]*)>', page)
    assert {int(value): "checked" in attrs for value, attrs in boxes} == {by_contact[rana.id]: True,
                                                                          by_contact[ola.id]: False}
    db.session.expire_all()
    assert {r.contact_id: r.attended for r in db.session.scalars(select(Rsvp))} == {rana.id: True, ola.id: False}
    assert len(first.attendances) == len(second.attendances) == 1 and third.attendances == []

    assert re.findall(r"<td>(\d) / 3</td>", page) == ["2", "0"]  # Rana came to two sessions, Ola to none
    assert "can be sent once the last session has begun" in page
    client.post(f"/workshops/{workshop.id}/thanks")
    assert not [i for i in db.session.scalars(select(DevOutboxItem)) if i.subject.startswith("Thank you")]
    frozen_clock.now = WEEKS[2][1]
    client.post(f"/workshops/{workshop.id}/thanks")
    assert [i.to for i in db.session.scalars(select(DevOutboxItem)) if i.subject.startswith("Thank you")] == [rana.email]

    autumn = figures(setting, Period(date(2026, 9, 1), date(2026, 12, 31)))
    assert (autumn.workshops, autumn.coming, autumn.attended) == (1, 2, 1)  # Rana once, for two sessions


def test_a_session_of_another_workshop_cannot_be_registered(client, make, login_as, workshop_of):
    setting = make.setting()
    workshop, other = _course(workshop_of, setting), _course(workshop_of, setting)
    db.session.commit()
    login_as(make.user(setting, role="pico"))
    response = client.post(f"/workshops/{workshop.id}/register", data={"session": other.sessions[0].id})
    assert response.status_code == 404


def test_answers_close_when_the_course_begins_with_a_clear_message(client, make, workshop_of, frozen_clock):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], language="es")
    workshop = _course(workshop_of, setting)
    frozen_clock.now = WEEKS[1][0]  # week two of three
    token = issue_link(parent, "rsvp", workshop.id)
    db.session.commit()
    url = client.get(client.get(f"/l/{token}").headers["Location"]).headers["Location"]
    assert services.can_answer(workshop) == "started"
    page = client.post(url, data={"answer": "yes", "adults": "1", "children": "0", "interpreter": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "Este curso ya ha empezado" in page, page[page.find("<main"):page.find("</main>")]
    assert db.session.scalar(select(Rsvp)) is None
    frozen_clock.now = WEEKS[2][1]
    assert services.can_answer(workshop) == "finished"


def test_the_family_page_shows_the_next_session_of_a_course(client, make, workshop_of, frozen_clock):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)])
    _course(workshop_of, setting)
    frozen_clock.now = WEEKS[0][1] + timedelta(hours=1)  # the first session is over
    token = issue_link(parent)
    db.session.commit()
    page = client.get(client.get(f"/l/{token}").headers["Location"]).get_data(as_text=True)
    assert re.search(r"Messy play at home</a>\s*\(08/12/2026, 10:00, 2/3\)", page), page[page.find("workshops-heading"):][:600]
