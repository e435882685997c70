"""Manager pages: the text parents receive, the illness list and notices, urgent notices to everyone."""
from __future__ import annotations

from sqlalchemy import select

from app.alerts.models import Illness
from app.extensions import db
from app.messaging.models import Delivery, Message


def test_manager_wording_is_used_and_bad_placeholders_refused(family, make, login_as, client, smtp, twilio):
    manager = make.user(family["setting"], role="manager")
    login_as(manager)
    bad = client.post("/alerts/options", data={"escalate_minutes": 5, "limit_minutes": 45,
                                               "closing_time": "17:30", "template_en": "Come for {kid}"})
    assert bad.status_code == 200 and "Use only these names" in bad.get_data(as_text=True)
    ok = client.post("/alerts/options", data={"escalate_minutes": 5, "limit_minutes": 45, "closing_time": "17:30",
                                              "template_en": "{setting}: {child} is waiting. Closed {closing}. Call {phone}."})
    assert ok.status_code == 302
    client.post("/logout")
    login_as(family["practitioner"])
    client.post(f"/alerts/raise/{family['child'].id}")
    mail = smtp.to(family["dad2"].email)[0]
    assert mail.get_body(("plain",)).get_content().startswith(
        "Acorn Nursery: Amara is waiting. Closed 17:30. Call 01632 960123.")


def test_standard_text_is_in_the_contacts_language(family, login_as, client, twilio):
    login_as(family["practitioner"])
    client.post(f"/alerts/raise/{family['child'].id}")
    row = db.session.scalar(select(Delivery).where(Delivery.contact_id == family["mum"].id))
    text = row.message.version("pl").sms_text
    assert row.language == "pl" and "Amara" in text and "nie" in text.lower()


def test_illness_notice_goes_to_the_rooms_without_naming_a_child(family, make, login_as, client, smtp):
    setting = family["setting"]
    other_room = make.room(setting, "Babies")
    baby = make.child(setting, room=other_room, first_name="Baby")
    outsider = make.contact(setting, children=[baby], channels="email")
    login_as(make.user(setting, role="manager"))
    client.post("/alerts/illnesses", data={"name": "Chickenpox", "guidance": "Itchy spots and a temperature.",
                                          "name_pl": "Ospa wietrzna", "guidance_pl": "Swędzące krostki."})
    illness = db.session.scalar(select(Illness))
    response = client.post("/alerts/illness-notice", data={"illness": illness.id, "rooms": [family["room"].id]})
    assert response.status_code == 302
    message = db.session.scalar(select(Message).where(Message.category == "health"))
    assert message.urgency == "urgent"
    got = smtp.to(family["dad2"].email)
    body = got[0].get_body(("plain",)).get_content()
    assert "Chickenpox" in body and "Itchy spots" in body and "Pre-school" in body and "Amara" not in body
    assert not smtp.to(outsider.email)
    assert "Ospa wietrzna" in message.version("pl").body_text


def test_urgent_notice_reaches_every_family_but_never_a_restricted_contact(family, make, login_as, client, smtp):
    setting = family["setting"]
    login_as(make.user(setting, role="manager"))
    response = client.post("/alerts/urgent-notice", data={"text": "Closed today: no heating.",
                                                          "text_pl": "Dziś zamknięte: brak ogrzewania."})
    assert response.status_code == 302
    message = db.session.scalar(select(Message).where(Message.category == "closure"))
    assert message.version("pl").sms_text.endswith("Dziś zamknięte: brak ogrzewania.")
    assert message.version("ro").sms_text.endswith("Closed today: no heating.")  # not written: the manager's words
    rows = db.session.scalars(select(Delivery).where(Delivery.message_id == message.id)).all()
    banned = [r for r in rows if r.contact_id == family["banned"].id]
    assert banned and all(r.status == "suppressed" and r.reason == "restricted" for r in banned)
    assert smtp.to(family["dad2"].email)
    assert not smtp.to(family["banned"].email)


def test_practitioner_cannot_send_notices_and_other_setting_alerts_are_404(family, make, login_as, client):
    login_as(family["practitioner"])
    assert client.get("/alerts/urgent-notice").status_code == 403
    assert client.get("/alerts/options").status_code == 403
    other = make.setting(name="Elsewhere")
    child = make.child(other)
    assert client.get(f"/alerts/raise/{child.id}").status_code == 404


def test_urgent_notice_emails_those_texts_cannot_reach_but_a_newsletter_does_not(family, make, login_as,
                                                                                  client, smtp):
    from app.messaging.models import SmsOptOut
    from app.messaging.services import create_message, send_now

    setting = family["setting"]
    stopped = make.contact(setting, children=[family["child"]], first_name="Stopped", channels="sms",
                           mobile="+447700900290", email="stopped@example.org")
    no_mobile = make.contact(setting, children=[family["child"]], first_name="Nomobile", channels="sms",
                             mobile=None, email="nomobile@example.org")
    db.session.add(SmsOptOut(setting_id=setting.id, mobile="+447700900290"))
    news = create_message(setting, category="newsletter", channels="both", audience={"all": True},
                          versions={"en": {"subject": "News", "body_text": "Hello.", "sms_text": "Hello."}})
    send_now(news.id)
    assert not smtp.to("stopped@example.org") and not smtp.to("nomobile@example.org")
    login_as(make.user(setting, role="manager"))
    response = client.post("/alerts/urgent-notice", data={"text": "Closed today: no heating."})
    assert response.status_code == 302
    assert "Closed today: no heating." in smtp.to("stopped@example.org")[0].get_body(("plain",)).get_content()
    assert smtp.to("nomobile@example.org")
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Replied STOP to our texts" in report and "No mobile number" in report
    rows = {(r.contact.first_name, r.channel): r.status for r in db.session.scalars(
        select(Delivery).join(Message).where(Message.category == "closure"))}
    assert rows[("Stopped", "sms")] == "suppressed" and rows[("Stopped", "email")] == "sent"
    assert rows[("Ngozi", "sms")] == "sent" and ("Ngozi", "email") not in rows  # her own channel works
