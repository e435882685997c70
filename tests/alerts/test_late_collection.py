"""Late collection: raise once, texts in order and language, escalation by the clock, replies, record."""
from __future__ import annotations

from sqlalchemy import select
from twilio.request_validator import RequestValidator

from app.alerts.escalation import escalate_due
from app.alerts.models import Alert, AlertEvent
from app.extensions import db
from app.messaging.models import Delivery


def _rows(alert_id=None):
    rows = db.session.scalars(select(Delivery).where(Delivery.message.has(category="alert"))
                              .order_by(Delivery.id)).all()
    return [(r.contact.first_name, r.channel, r.status, r.language) for r in rows]


def inbound(client, token, params):
    """A text from a parent, signed as Twilio signs it."""
    url = "http://localhost/webhooks/twilio/inbound"
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post("/webhooks/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature})


def _raise(client, child):
    return client.post(f"/alerts/raise/{child.id}")


def test_confirm_step_sends_nothing_and_lists_who_will_be_told(family, login_as, client):
    login_as(family["practitioner"])
    page = client.get("/alerts/home-time").get_data(as_text=True)
    assert "Amara Okafor" in page and "Not collected" in page
    confirm = client.get(f"/alerts/raise/{family['child'].id}").get_data(as_text=True)
    assert "Ngozi" in confirm and "Tomasz" in confirm and "Banned" not in confirm
    assert db.session.scalar(select(Alert.id)) is None


def test_parents_texted_in_their_language_and_restricted_never(family, login_as, client, twilio, smtp,
                                                              frozen_clock):
    login_as(family["practitioner"])
    response = _raise(client, family["child"])
    assert response.status_code == 302
    rows = _rows()
    assert ("Ngozi", "sms", "sent", "pl") in rows
    assert ("Tomasz", "sms", "sent", "en") in rows
    assert ("Tomasz", "email", "sent", "en") in rows  # prefers both: email too
    assert not any(name in ("Banned", "Gran", "Minder") for name, *_ in rows)
    mail = smtp.to("parent3@example.org") or [m for m in smtp.messages if "Amara" in m["Subject"]]
    assert mail and "Amara" in mail[0]["Subject"]
    body = mail[0].get_body(("plain",)).get_content()
    assert "Amara" in body and "01632 960123" in body and "18:00" in body


def test_double_tap_makes_one_alert(family, login_as, client, twilio):
    login_as(family["practitioner"])
    first, second = _raise(client, family["child"]), _raise(client, family["child"])
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(db.func.count(Alert.id))) == 1
    assert len([r for r in _rows() if r[1] == "sms"]) == 2


def test_escalation_order_and_timing(family, login_as, client, twilio, smtp, frozen_clock):
    login_as(family["practitioner"])
    _raise(client, family["child"])
    escalate_due()
    frozen_clock.advance(minutes=9)
    escalate_due()
    assert {r[0] for r in _rows()} == {"Ngozi", "Tomasz"}
    frozen_clock.advance(minutes=1)
    escalate_due()
    assert {r[0] for r in _rows()} == {"Ngozi", "Tomasz", "Gran"}
    frozen_clock.advance(minutes=10)
    escalate_due()
    assert {r[0] for r in _rows()} == {"Ngozi", "Tomasz", "Gran", "Minder"}
    frozen_clock.advance(minutes=39)
    escalate_due()
    alert = db.session.scalar(select(Alert))
    assert alert.limit_reached_at is None
    frozen_clock.advance(minutes=1)
    escalate_due()
    assert "Banned" not in {r[0] for r in _rows()}
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "non-collection procedure now applies" in page


def test_reply_is_attached_shown_and_stops_escalation(family, login_as, client, twilio, frozen_clock,
                                                       twilio_token):
    login_as(family["practitioner"])
    _raise(client, family["child"])
    alert = db.session.scalar(select(Alert))
    response = inbound(client, twilio_token,
                           {"From": "+447700900201", "Body": "stuck in traffic, 15 mins", "MessageSid": "SM1"})
    assert response.status_code == 200
    page = client.get(f"/alerts/{alert.id}/live").get_data(as_text=True)
    assert "stuck in traffic, 15 mins" in page
    frozen_clock.advance(minutes=30)
    escalate_due()
    assert "Gran" not in {r[0] for r in _rows()}


def test_collection_checks_authorisation_and_closes(family, login_as, client, twilio, frozen_clock):
    from app.families.models import ChildContact

    login_as(family["practitioner"])
    _raise(client, family["child"])
    alert = db.session.scalar(select(Alert))
    minder = db.session.scalar(select(ChildContact).where(ChildContact.contact_id == family["minder"].id))
    minder.authorised_to_collect = False
    minder.collection_password_note = "Password: blue whale"
    db.session.commit()
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "Banned" not in page and "blue whale" in page
    refused = client.post(f"/alerts/{alert.id}/collected", data={"collector": str(minder.id)})
    assert refused.status_code == 422 and "collection password" in refused.get_data(as_text=True)
    banned = db.session.scalar(select(ChildContact).where(ChildContact.contact_id == family["banned"].id))
    assert client.post(f"/alerts/{alert.id}/collected", data={"collector": str(banned.id)}).status_code == 422
    ok = client.post(f"/alerts/{alert.id}/collected", data={"collector": str(minder.id), "password_given": "yes"})
    assert ok.status_code == 302
    db.session.refresh(alert)
    assert alert.status == "collected" and "Minder" in alert.collected_by
    frozen_clock.advance(minutes=30)
    escalate_due()
    assert "Gran" not in {r[0] for r in _rows()}


def test_incident_record_is_complete(family, login_as, client, twilio, frozen_clock, twilio_token):
    login_as(family["practitioner"])
    _raise(client, family["child"])
    alert = db.session.scalar(select(Alert))
    frozen_clock.advance(minutes=10)
    escalate_due()
    inbound(client, twilio_token, {"From": "+447700900203", "Body": "coming now",
                                                     "MessageSid": "SM2"})
    client.post(f"/alerts/{alert.id}/on-way", data={"who": "Gran"})
    client.post(f"/alerts/{alert.id}/collected", data={"collector": str(family["gran"].links[0].id)})
    kinds = [e.kind for e in db.session.scalars(select(AlertEvent).order_by(AlertEvent.id))]
    assert kinds[:2] == ["raised", "sent"] and "escalated" in kinds and "reply" in kinds
    assert kinds[-2:] == ["on_way", "collected"]
    record = client.get(f"/alerts/{alert.id}/record").get_data(as_text=True)
    for text in ("coming now", "Gran", "Ngozi", family["practitioner"].name, "Alert raised", "Contacts told",
                 "Next contacts told", "Reply", "On their way", "group 2, by text message",
                 "<td>Text message</td>", "<td>Sent</td>", "Outcome</dt><dd>Collected: Gran"):
        assert text in record
    for code in (">raised<", ">escalated<", ">sent<", ">sms<", ">on_way<", ">collected<"):
        assert code not in record  # plain words on staff screens, never the stored codes
    listing = client.get(f"/alerts/child/{family['child'].id}").get_data(as_text=True)
    assert f"/alerts/{alert.id}/record" in listing


def test_stop_text_is_shown_but_does_not_stop_escalation(family, login_as, client, twilio, frozen_clock,
                                                          twilio_token):
    login_as(family["practitioner"])
    _raise(client, family["child"])
    alert = db.session.scalar(select(Alert))
    inbound(client, twilio_token, {"From": "+447700900202", "Body": "STOP", "MessageSid": "SM9"})
    assert "email only" in client.get(f"/alerts/{alert.id}/live").get_data(as_text=True)
    frozen_clock.advance(minutes=10)
    escalate_due()
    assert "Gran" in {r[0] for r in _rows()}


def test_a_group_nobody_can_reach_is_skipped_at_once(make, login_as, client, twilio):
    setting = make.setting()
    room = make.room(setting)
    child = make.child(setting, room=room)
    make.contact(setting, children=[child], first_name="Nophone", mobile=None, email=None)
    make.contact(setting, children=[child], first_name="Aunt", parental_responsibility=False, priority=2)
    login_as(make.user(setting, role="practitioner", room=room))
    client.post(f"/alerts/raise/{child.id}")
    assert ("Aunt", "sms", "sent", "en") in _rows()
    assert "Late-collection records" in client.get(f"/children/{child.id}").get_data(as_text=True)
