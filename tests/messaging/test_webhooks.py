"""Twilio webhooks (signed) and one-click unsubscribe, through the real HTTP endpoints."""
import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from app.extensions import db
from app.messaging.models import ContactProblem, Delivery, InboundSms, SmsOptOut, Unsubscribe
from app.messaging.render import unsubscribe_url
from app.messaging.services import send_now
from messaging_helpers import message

STATUS_URL = "http://localhost/webhooks/twilio/status"
INBOUND_URL = "http://localhost/webhooks/twilio/inbound"


def signed_post(client, token, url, params, signature=None):
    sig = signature if signature is not None else RequestValidator(token).compute_signature(url, params)
    return client.post(url.removeprefix("http://localhost"), data=params, headers={"X-Twilio-Signature": sig})


@pytest.fixture
def sent_sms(make):
    setting = make.setting(name="Acorn Nursery", phone="01632 960000", email="office@acorn.example")
    child = make.child(setting)
    contact = make.contact(setting, children=[child], mobile="+447700900201", language="pl")
    msg = message(setting, channels="sms")
    send_now(msg.id)
    delivery = db.session.scalar(select(Delivery).where(Delivery.message_id == msg.id))
    delivery.provider_id = "SM" + "a" * 32
    db.session.commit()
    return setting, contact, msg, delivery


def test_status_callback_moves_forward_only(client, twilio_token, sent_sms):
    *_, delivery = sent_sms
    params = {"MessageSid": delivery.provider_id, "MessageStatus": "delivered"}
    assert signed_post(client, twilio_token, STATUS_URL, params).status_code == 204
    assert db.session.get(Delivery, delivery.id).status == "delivered"
    late = {"MessageSid": delivery.provider_id, "MessageStatus": "sent"}
    assert signed_post(client, twilio_token, STATUS_URL, late).status_code == 204
    failed = {"MessageSid": delivery.provider_id, "MessageStatus": "failed", "ErrorCode": "30005"}
    signed_post(client, twilio_token, STATUS_URL, failed)
    assert db.session.get(Delivery, delivery.id).status == "delivered"


def test_undelivered_callback_records_reason_and_flags_contact(client, twilio_token, sent_sms):
    _, contact, _, delivery = sent_sms
    params = {"MessageSid": delivery.provider_id, "MessageStatus": "undelivered", "ErrorCode": "30006"}
    signed_post(client, twilio_token, STATUS_URL, params)
    signed_post(client, twilio_token, STATUS_URL, params)  # repeated: harmless
    row = db.session.get(Delivery, delivery.id)
    assert (row.status, row.reason) == ("undelivered", "sms_30006")
    assert "landline" in row.error
    problems = db.session.scalars(select(ContactProblem).where(ContactProblem.contact_id == contact.id)).all()
    assert len(problems) == 1


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"])
def test_missing_or_wrong_signature_is_403(client, twilio_token, sent_sms, signature):
    *_, delivery = sent_sms
    params = {"MessageSid": delivery.provider_id, "MessageStatus": "delivered"}
    assert signed_post(client, twilio_token, STATUS_URL, params, signature=signature).status_code == 403
    assert signed_post(client, twilio_token, INBOUND_URL, {"From": "+447700900201", "Body": "STOP"},
                       signature=signature).status_code == 403
    assert db.session.get(Delivery, delivery.id).status == "sent"
    assert db.session.scalar(select(SmsOptOut)) is None


def test_signature_is_checked_against_the_public_url(app, client, twilio_token, sent_sms, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://homelink.example.org")
    *_, delivery = sent_sms
    params = {"MessageSid": delivery.provider_id, "MessageStatus": "delivered"}
    sig = RequestValidator(twilio_token).compute_signature(
        "https://homelink.example.org/webhooks/twilio/status", params)
    response = client.post("/webhooks/twilio/status", data=params, headers={"X-Twilio-Signature": sig})
    assert response.status_code == 204
    assert signed_post(client, twilio_token, STATUS_URL, params).status_code == 403  # signed for the wrong URL


@pytest.mark.parametrize("word", ["STOP", "stop", "Unsubscribe", "CANCEL", "end", "QUIT", "STOPALL"])
def test_stop_words_opt_the_number_out_and_start_opts_back_in(client, twilio_token, sent_sms, word):
    setting, contact, *_ = sent_sms
    response = signed_post(client, twilio_token, INBOUND_URL,
                           {"From": "+447700900201", "Body": word, "MessageSid": "SM" + "1" * 32})
    assert response.status_code == 200
    assert db.session.scalar(select(SmsOptOut.mobile)) == "+447700900201"
    signed_post(client, twilio_token, INBOUND_URL, {"From": "+447700900201", "Body": "START",
                                                    "MessageSid": "SM" + "2" * 32})
    assert db.session.scalar(select(SmsOptOut)) is None


def test_help_replies_with_the_settings_phone_and_email(client, twilio_token, sent_sms):
    response = signed_post(client, twilio_token, INBOUND_URL,
                           {"From": "+447700900201", "Body": "help", "MessageSid": "SM" + "3" * 32})
    body = response.get_data(as_text=True)
    assert response.content_type.startswith("text/xml")
    assert "<Message>" in body and "01632 960000" in body and "office@acorn.example" in body


def test_other_text_is_kept_as_a_reply_linked_to_the_last_message(client, twilio_token, sent_sms):
    setting, contact, msg, _ = sent_sms
    params = {"From": "+447700900201", "Body": "Dziękuję, będziemy!", "MessageSid": "SM" + "4" * 32}
    signed_post(client, twilio_token, INBOUND_URL, params)
    signed_post(client, twilio_token, INBOUND_URL, params)  # Twilio retried: kept once
    [reply] = db.session.scalars(select(InboundSms)).all()
    assert (reply.contact_id, reply.message_id, reply.body) == (contact.id, msg.id, "Dziękuję, będziemy!")
    assert reply.keyword is None


def test_one_click_post_unsubscribes_with_200_and_no_redirect(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # as in production: no token is needed here
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)])
    url = unsubscribe_url(contact.id, "newsletter").removeprefix("http://localhost")
    page = client.get(url)
    assert page.status_code == 200
    assert db.session.scalar(select(Unsubscribe)) is None  # GET changes nothing
    mail_client = app.test_client(use_cookies=False)  # a mail client's one-click POST: no cookies, no token
    response = mail_client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Location" not in response.headers
    assert mail_client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # repeat harmless
    rows = db.session.scalars(select(Unsubscribe)).all()
    assert [(r.contact_id, r.category) for r in rows] == [(contact.id, "newsletter")]


def test_unsubscribe_page_is_in_the_parents_language(client, make):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)], language="pl")
    url = unsubscribe_url(contact.id, "newsletter").removeprefix("http://localhost")
    page = client.get(url)
    assert 'lang="pl"' in page.get_data(as_text=True)


def test_forged_unsubscribe_token_is_404(client):
    assert client.post("/unsubscribe/WzEsICJuZXdzbGV0dGVyIl0.forged").status_code == 404


def _last_reached(contact):
    from app.families.models import Contact

    db.session.expire_all()
    return db.session.get(Contact, contact.id).last_reached_at


def test_when_a_contact_was_last_reached_follows_the_status(client, twilio_token, sent_sms):
    """Contact.last_reached_at (what the reach report reads) is right after sending, delivery and a bounce."""
    setting, contact, _, delivery = sent_sms
    sent_at = db.session.get(Delivery, delivery.id).sent_at
    assert sent_at is not None and _last_reached(contact) == sent_at
    params = {"MessageSid": delivery.provider_id, "MessageStatus": "delivered"}
    signed_post(client, twilio_token, STATUS_URL, params)
    assert _last_reached(contact) == sent_at
    later = message(setting, channels="sms")  # a second text, which bounces after it was sent
    send_now(later.id)
    bounced = db.session.scalar(select(Delivery).where(Delivery.message_id == later.id))
    bounced.provider_id = "SM" + "b" * 32
    db.session.commit()
    assert _last_reached(contact) == bounced.sent_at >= sent_at
    params = {"MessageSid": bounced.provider_id, "MessageStatus": "undelivered", "ErrorCode": "30006"}
    signed_post(client, twilio_token, STATUS_URL, params)
    assert _last_reached(contact) == sent_at  # back to the one that got through


@pytest.mark.parametrize("outcome", ["undelivered", "failed"])
def test_a_contact_whose_only_text_bounced_was_never_reached(client, twilio_token, sent_sms, outcome):
    _, contact, _, delivery = sent_sms
    params = {"MessageSid": delivery.provider_id, "MessageStatus": outcome, "ErrorCode": "30003"}
    signed_post(client, twilio_token, STATUS_URL, params)
    assert db.session.get(Delivery, delivery.id).status == outcome
    assert _last_reached(contact) is None
