"""Per-family answers: when one parent answers, the family's other contacts are told too (in their own
language, through the messaging core), but never a restricted contact nor one who opted out."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.messaging.models import Unsubscribe
from app.workshops import notices, services
from app.workshops.models import Rsvp
from tests.workshops.test_rsvp import _open, _post


def _family(make, setting):
    child = make.child(setting)
    people = {
        "mum": make.contact(setting, children=[child], channels="email", first_name="Ayesha"),
        "dad": make.contact(setting, children=[child], channels="email", language="pl"),
        "barred": make.contact(setting, children=[child], channels="email", restricted=True,
                               restricted_reason="Court order"),
        "gran": make.contact(setting, children=[child], channels="email"),
        "other_family": make.contact(setting, children=[make.child(setting)], channels="email"),
    }
    db.session.add(Unsubscribe(setting_id=setting.id, contact_id=people["gran"].id, category="workshops"))
    return people


def test_the_other_parents_of_the_family_are_told_of_the_booking(client, make, smtp, workshop_of):
    setting = make.setting()
    p = _family(make, setting)
    workshop = workshop_of(setting, capacity=5, rsvp_mode="family")
    _post(client, _open(client, p["mum"], workshop), answer="yes", adults=2)

    [to_mum] = smtp.to(p["mum"].email)
    assert to_mum["Subject"] == "Your place: Messy play at home"
    assert "Thank you. Your place is booked." in to_mum.get_body(("plain",)).get_content()
    [to_dad] = smtp.to(p["dad"].email)
    assert to_dad["Subject"] == "Twoje miejsce: Zabawa sensoryczna w domu"
    assert "Miejsce dla Twojej rodziny jest zarezerwowane." in to_dad.get_body(("plain",)).get_content()
    assert any(part.get_filename() == "invite.ics" or part.get_content_type() == "text/calendar"
               for part in to_dad.walk())
    assert smtp.to(p["barred"].email) == [] and smtp.to(p["gran"].email) == []
    assert smtp.to(p["other_family"].email) == []

    # Dad's own link (from the message) changes the family's one answer.
    client.post("/family/leave")
    _post(client, _open(client, p["dad"], workshop), answer="yes", adults=1)
    [rsvp] = db.session.scalars(select(Rsvp)).all()
    assert (rsvp.contact_id, rsvp.adults) == (p["dad"].id, 1)
    assert len(smtp.to(p["mum"].email)) == 1  # already booked: no second confirmation


def test_the_whole_family_gets_the_reminder_and_the_cancellation(client, make, smtp, workshop_of, frozen_clock):
    setting = make.setting()
    p = _family(make, setting)
    workshop = workshop_of(setting, capacity=5, rsvp_mode="family")
    _post(client, _open(client, p["mum"], workshop), answer="yes")
    frozen_clock.advance(days=7, hours=2)  # the day before
    services.send_due_reminders()
    assert [m["Subject"].split(":")[0] for m in smtp.to(p["dad"].email)] == ["Twoje miejsce", "Przypomnienie"]
    notices.start(services.cancel(workshop))
    assert len(smtp.to(p["dad"].email)) == 3 and len(smtp.to(p["mum"].email)) == 3
    assert smtp.to(p["barred"].email) == [] and smtp.to(p["gran"].email) == []


def test_the_family_is_told_of_the_waiting_list_and_of_the_promotion(client, make, smtp, workshop_of):
    setting = make.setting()
    p = _family(make, setting)
    first = make.contact(setting, children=[make.child(setting)], channels="email")
    workshop = workshop_of(setting, capacity=2, rsvp_mode="family")
    url_first = _open(client, first, workshop)
    _post(client, url_first, answer="yes", adults=2)
    other = client.application.test_client()
    _post(other, _open(other, p["mum"], workshop), answer="yes", adults=1)
    assert len(smtp.to(p["mum"].email)) == len(smtp.to(p["dad"].email)) == 1  # the waiting-list notice
    _post(client, url_first, answer="no")
    assert smtp.to(p["dad"].email)[-1].get_body(("plain",)).get_content().startswith("Dobra wiadomość")
    assert len(smtp.to(p["mum"].email)) == 2
    assert smtp.to(p["barred"].email) == [] and smtp.to(p["gran"].email) == []


def test_per_contact_mode_tells_only_the_parent_who_answered(client, make, smtp, workshop_of):
    setting = make.setting()
    p = _family(make, setting)
    workshop = workshop_of(setting, capacity=5, rsvp_mode="contact")
    _post(client, _open(client, p["mum"], workshop), answer="yes")
    assert len(smtp.to(p["mum"].email)) == 1 and smtp.to(p["dad"].email) == []
