"""Provider callbacks and inbound texts, applied idempotently (late or repeated ones change nothing)."""
from __future__ import annotations

from sqlalchemy import delete, select

from app.extensions import db
from app.families.models import Contact
from app.messaging import status
from app.messaging.models import (DELIVERED, FAILED, SENT, UNDELIVERED, ContactProblem, Delivery, InboundSms,
                                  SmsOptOut)

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
START_WORDS = {"START", "YES", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}
# Features that want each inbound text as it is recorded (alerts attach replies): fn(InboundSms).
INBOUND_HOOKS: list = []

# Twilio delivery error codes, in plain English for staff.
CALLBACK_ERRORS = {
    "30003": "The phone was switched off or out of reach.",
    "30004": "The number has blocked our texts.",
    "30005": "The number does not exist any more.",
    "30006": "The number is a landline or cannot receive texts.",
    "30007": "The mobile network filtered the text as unwanted.",
    "30008": "The network could not deliver the text.",
    "21610": "This number has replied STOP to our texts.",
}
PERMANENT_CALLBACK_CODES = {"30004", "30005", "30006", "21610"}


def apply_status(sid: str, provider_status: str, error_code: str | None) -> bool:
    """Apply a Twilio status callback to the delivery with that SID; True if its status moved."""
    delivery = db.session.scalar(select(Delivery).where(Delivery.provider_id == sid, Delivery.channel == "sms"))
    if delivery is None:
        return False
    if provider_status == "delivered":
        return status.move(delivery.id, DELIVERED)
    if provider_status in ("undelivered", "failed"):
        code = (error_code or "").strip()
        detail = CALLBACK_ERRORS.get(code, f"The text was not delivered (Twilio code {code or 'none'}).")
        moved = status.move(delivery.id, UNDELIVERED if provider_status == "undelivered" else FAILED,
                            reason=f"sms_{code or provider_status}"[:40], error=detail)
        if moved and code in PERMANENT_CALLBACK_CODES:
            db.session.add(ContactProblem(setting_id=delivery.setting_id, contact_id=delivery.contact_id,
                                          channel="sms", reason=f"sms_{code}", detail=detail,
                                          delivery_id=delivery.id))
        return moved
    if provider_status == "sent":
        return status.move(delivery.id, SENT)
    return False  # queued / sending / accepted: nothing new


def keyword(body: str) -> str | None:
    """STOP / START / HELP when the whole text is one of their words (any case, punctuation ignored)."""
    word = body.strip().strip(".!").upper()
    if word in STOP_WORDS:
        return "STOP"
    if word in START_WORDS:
        return "START"
    if word in HELP_WORDS:
        return "HELP"
    return None


def contacts_with_mobile(mobile: str) -> list[Contact]:
    """Every contact (in any setting) with this mobile number, not restricted first."""
    return list(db.session.scalars(select(Contact).where(Contact.mobile == mobile)
                                   .order_by(Contact.restricted, Contact.id)))


def _last_sms_message_id(contact_id: int) -> int | None:
    return db.session.scalar(select(Delivery.message_id).where(
        Delivery.contact_id == contact_id, Delivery.channel == "sms", Delivery.sent_at.is_not(None))
        .order_by(Delivery.sent_at.desc(), Delivery.id.desc()).limit(1))


def receive(from_number: str, body: str, sid: str | None) -> tuple[str | None, list[Contact]]:
    """Record an inbound text; returns (keyword, contacts it came from)."""
    contacts = contacts_with_mobile(from_number)
    word = keyword(body)
    if sid and db.session.scalar(select(InboundSms.id).where(InboundSms.provider_id == sid)):
        return word, contacts  # a repeated webhook
    for setting_id in sorted({c.setting_id for c in contacts}):
        if word == "STOP" and not db.session.scalar(select(SmsOptOut.id).where(
                SmsOptOut.setting_id == setting_id, SmsOptOut.mobile == from_number)):
            db.session.add(SmsOptOut(setting_id=setting_id, mobile=from_number))
        elif word == "START":
            db.session.execute(delete(SmsOptOut).where(SmsOptOut.setting_id == setting_id,
                                                       SmsOptOut.mobile == from_number))
    received = []
    for n, contact in enumerate(c for c in contacts if not c.restricted):
        received.append(InboundSms(setting_id=contact.setting_id, contact_id=contact.id,
                                   message_id=_last_sms_message_id(contact.id), from_number=from_number,
                                   body=body[:2000], keyword=word, provider_id=sid if n == 0 else None))
        db.session.add(received[-1])
    db.session.flush()
    for hook in INBOUND_HOOKS:
        for item in received:
            hook(item)
    return word, contacts
