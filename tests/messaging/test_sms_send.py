"""SMS through the official twilio client against Prism (Twilio's own API spec)."""
import pytest
from sqlalchemy import select
from twilio.base.exceptions import TwilioRestException

from app.extensions import db
from app.messaging.channels import Envelope, PermanentError
from app.messaging.channels.sms import SmsChannel, classify
from app.messaging.models import Delivery, SmsOptOut
from app.messaging.services import counts, send_now
from messaging_helpers import message


def test_texts_are_accepted_by_twilio_api_and_sids_stored(make, twilio):
    setting = make.setting()
    child = make.child(setting)
    a = make.contact(setting, children=[child], mobile="+447700900101")
    b = make.contact(setting, children=[child], mobile="+447700900102", language="pl")
    msg = message(setting, channels="sms")
    send_now(msg.id)
    rows = db.session.scalars(select(Delivery).where(Delivery.message_id == msg.id)).all()
    assert {r.status for r in rows} == {"sent"}
    sids = {r.provider_id for r in rows}
    assert len(sids) == 2 and all(s for s in sids)
    assert counts(msg.id)["sent"] == 2
    assert {r.contact_id for r in rows} == {a.id, b.id}


def test_request_carries_body_sender_and_status_callback(app, twilio):
    channel = SmsChannel()
    sid = channel.send(Envelope(to="+447700900103", language="pl", body_text="W piątek idziemy do parku."))
    assert sid
    sent = channel._client.http_client._test_only_last_request
    assert sent.url.startswith(twilio.url + "/2010-04-01/Accounts/")
    assert sent.data["To"] == "+447700900103"
    assert sent.data["Body"] == "W piątek idziemy do parku."
    assert sent.data["From"] == "+447700900999"
    assert sent.data["StatusCallback"] == "http://localhost/webhooks/twilio/status"


def test_messaging_service_sid_is_used_when_configured(app, twilio, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_MESSAGING_SERVICE_SID", "MG" + "0" * 32)
    channel = SmsChannel()
    channel.send(Envelope(to="+447700900104", language="en", body_text="Hi"))
    data = channel._client.http_client._test_only_last_request.data
    assert data["MessagingServiceSid"] == "MG" + "0" * 32 and "From" not in data


def test_prism_rejects_a_bad_account_as_a_permanent_error(app, twilio, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", "not-an-account")
    with pytest.raises(PermanentError):
        SmsChannel().send(Envelope(to="+447700900105", language="en", body_text="Hi"))


@pytest.mark.parametrize("status,code,transient,reason", [
    (400, 21610, False, "sms_opted_out"), (400, 21211, False, "invalid_mobile"),
    (400, 21614, False, "not_mobile"), (429, 20429, True, "sms_busy"), (503, None, True, "sms_busy"),
])
def test_twilio_errors_are_classified(status, code, transient, reason):
    error = classify(TwilioRestException(status, "https://api.twilio.com/x", code=code))
    assert (error.transient, error.reason) == (transient, reason)


def test_stop_after_expansion_is_checked_before_any_api_call(make, app, queue):
    setting = make.setting()
    child = make.child(setting)
    c = make.contact(setting, children=[child], mobile="+447700900106")
    msg = message(setting, channels="sms")
    send_now(msg.id)
    db.session.add(SmsOptOut(setting_id=setting.id, mobile="+447700900106"))
    db.session.commit()
    queue.run()
    row = db.session.scalar(select(Delivery).where(Delivery.contact_id == c.id))
    assert (row.status, row.reason) == ("suppressed", "sms_stop")


def test_twilio_opted_out_error_fails_the_row_and_stops_future_texts(make, app, monkeypatch):
    from app.messaging.channels.outbox import OutboxChannel

    def refuse(self, envelope):
        raise classify(TwilioRestException(400, "https://api.twilio.com/x", code=21610))

    monkeypatch.setattr(OutboxChannel, "send", refuse)
    setting = make.setting()
    child = make.child(setting)
    c = make.contact(setting, children=[child], mobile="+447700900107")
    send_now(message(setting, channels="sms").id)
    row = db.session.scalar(select(Delivery).where(Delivery.contact_id == c.id))
    assert (row.status, row.reason) == ("failed", "sms_opted_out")
    assert db.session.scalar(select(SmsOptOut.mobile)) == "+447700900107"
    second = message(setting, channels="sms")
    send_now(second.id)
    later = db.session.scalar(select(Delivery).where(Delivery.message_id == second.id))
    assert (later.status, later.reason) == ("suppressed", "sms_stop")
