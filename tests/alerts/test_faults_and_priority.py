"""Faults the practitioner must hear about at once, STOP, and alerts overtaking a queued newsletter."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.alerts.escalation import escalate_due
from app.alerts.models import Alert
from app.extensions import db
from app.messaging.models import Delivery, Message, SmsOptOut
from app.messaging.services import create_message, send_now


def _alert_rows():
    rows = db.session.scalars(select(Delivery).join(Message).where(Message.category == "alert")
                              .order_by(Delivery.id)).all()
    return [(r.contact.first_name, r.channel, r.status) for r in rows]


def test_child_who_has_left_is_refused_with_what_to_do(family, login_as, client, make):
    family["child"].leaving_date = date(2020, 1, 1)
    login_as(family["practitioner"])
    response = client.post(f"/alerts/raise/{family['child'].id}")
    assert response.status_code == 409
    assert "has left the setting" in response.get_data(as_text=True)
    assert "non-collection procedure" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Alert.id))) == 0


def test_no_reachable_contact_says_what_to_do_instead(make, login_as, client):
    setting = make.setting()
    room = make.room(setting)
    child = make.child(setting, room=room, first_name="Zed")
    make.contact(setting, children=[child], mobile=None, email=None, first_name="Nomail")
    make.contact(setting, children=[child], first_name="Banned", restricted=True)
    login_as(make.user(setting, role="practitioner", room=room))
    response = client.post(f"/alerts/raise/{child.id}", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Nobody can be reached by text or email" in page
    assert "phone them" in page
    assert _alert_rows() == []


def test_stop_means_email_only_and_the_screen_says_so(family, login_as, client, twilio, smtp):
    db.session.add(SmsOptOut(setting_id=family["setting"].id, mobile="+447700900201"))
    login_as(family["practitioner"])
    response = client.post(f"/alerts/raise/{family['child'].id}", follow_redirects=True)
    assert "Texted STOP: email only" in response.get_data(as_text=True)
    rows = _alert_rows()
    assert ("Ngozi", "email", "sent") in rows and not any(r[:2] == ("Ngozi", "sms") for r in rows)
    assert smtp.to(family["mum"].email)


def test_twilio_failing_shows_on_screen_and_email_is_tried(family, login_as, client, twilio, smtp, app,
                                                           monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", "not-an-account")
    login_as(family["practitioner"])
    client.post(f"/alerts/raise/{family['child'].id}")
    alert = db.session.scalar(select(Alert))
    page = client.get(f"/alerts/{alert.id}/live").get_data(as_text=True)
    assert "Texts are failing" in page and "07700 900201" in page
    assert not smtp.to(family["mum"].email)  # she prefers texts only
    escalate_due()  # the scheduler's next tick (every few seconds)
    assert smtp.to(family["mum"].email)
    assert "emailed instead" in client.get(f"/alerts/{alert.id}/record").get_data(as_text=True)


def test_alert_overtakes_a_large_queued_newsletter(family, login_as, client, make, twilio, smtp, queue,
                                                   monkeypatch, app):
    monkeypatch.setitem(app.config, "SEND_BATCH", 10)
    setting = family["setting"]
    other = make.child(setting, first_name="Other")
    for _ in range(150):
        make.contact(setting, children=[other], channels="email", mobile=None)
    news = create_message(setting, category="newsletter", channels="email", audience={"all": True},
                          versions={"en": {"subject": "November news", "body_text": "Hello."}})
    send_now(news.id)
    queue.run(limit=2)  # expanded, first batch sent: the rest are queued
    waiting = db.session.scalar(select(func.count(Delivery.id)).where(
        Delivery.message_id == news.id, Delivery.status == "queued"))
    assert waiting > 100
    login_as(family["practitioner"])
    client.post(f"/alerts/raise/{family['child'].id}")
    queue.run(limit=5)  # two expansions (text, email), then one job per urgent row (3)
    assert sorted(_alert_rows()) == [("Ngozi", "sms", "sent"), ("Tomasz", "email", "sent"), ("Tomasz", "sms", "sent")]
    still = db.session.scalar(select(func.count(Delivery.id)).where(
        Delivery.message_id == news.id, Delivery.status == "queued"))
    assert still == waiting
    queue.run()
    assert db.session.scalar(select(func.count(Delivery.id)).where(
        Delivery.message_id == news.id, Delivery.status == "queued")) == 0
