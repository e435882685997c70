"""Property: for any audience, sent + failed + suppressed == rows, and one row per contact and channel."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db
from app.messaging.channels import PermanentError
from app.messaging.channels.outbox import OutboxChannel
from app.messaging.models import Delivery, SmsOptOut, Unsubscribe
from app.messaging.services import counts, send_now
from messaging_helpers import message

contact_st = st.fixed_dictionaries({
    "restricted": st.booleans(),
    "email": st.sampled_from([None, "ok", "bad address", "refused"]),
    "mobile": st.sampled_from([None, "ok", "12345", "stopped"]),
    "language": st.sampled_from(["en", "pl", "so", "ar"]),
    "channels": st.sampled_from(["email", "sms", "both"]),
    "unsubscribed": st.booleans(),
    "child_left": st.booleans(),
})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(contact_st, min_size=1, max_size=12), channels=st.sampled_from(["email", "sms", "both"]),
       category=st.sampled_from(["newsletter", "alert"]))
def test_every_row_ends_sent_failed_or_suppressed_once(app, make, monkeypatch, people, channels, category):
    from datetime import date

    def send(self, envelope):
        if envelope.to.startswith("refused"):
            raise PermanentError("email_refused", "refused")
        return f"outbox-{envelope.delivery_id}"

    monkeypatch.setattr(OutboxChannel, "send", send)
    setting = make.setting()
    current, gone = make.child(setting), make.child(setting, leaving_date=date(2020, 7, 1))
    for n, p in enumerate(people):
        email = {"ok": f"p{n}@example.org", "refused": f"refused{n}@example.org"}.get(p["email"], p["email"])
        mobile = {"ok": f"+4477009004{n:02d}", "stopped": f"+4477009005{n:02d}"}.get(p["mobile"], p["mobile"])
        c = make.contact(setting, children=[gone if p["child_left"] else current], email=email, mobile=mobile,
                         restricted=p["restricted"], language=p["language"], channels=p["channels"])
        if p["unsubscribed"]:
            db.session.add(Unsubscribe(setting_id=setting.id, contact_id=c.id, category="newsletter"))
        if p["mobile"] == "stopped":
            db.session.add(SmsOptOut(setting_id=setting.id, mobile=mobile))
    msg = message(setting, channels=channels, category=category)
    send_now(msg.id)
    c = counts(msg.id)
    assert c["pending"] == 0
    assert c["sent"] + c["failed"] + c["suppressed"] == c["total"]
    per_contact = len(people) * (2 if channels == "both" else 1)
    assert len(people) <= c["total"] <= per_contact  # everyone accounted for, at most once per channel
    dupes = db.session.execute(select(Delivery.contact_id, Delivery.channel).where(Delivery.message_id == msg.id)
                               .group_by(Delivery.contact_id, Delivery.channel).having(func.count() > 1)).all()
    assert dupes == []
    restricted_sent = db.session.scalar(select(func.count()).select_from(Delivery).join(Delivery.contact).where(
        Delivery.message_id == msg.id, Delivery.status == "sent", Delivery.contact.property.mapper.class_.restricted))
    assert restricted_sent == 0
