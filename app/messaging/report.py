"""What the delivery report shows: counts by status, channel and language; who failed or was left out."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.auth.models import User
from app.families.models import Contact
from app.i18n import _sl
from app.messaging.models import FAILED, SUPPRESSED, UNDELIVERED, EXPIRED, Delivery
from app.messaging.services import counts

# Plain English for every reason code a row may carry (staff-facing).
REASONS = {
    "restricted": _sl("No legal access / do not contact"),
    "child_left": _sl("Their children have left"),
    "unsubscribed": _sl("Unsubscribed from this kind of message"),
    "sms_stop": _sl("Replied STOP to our texts"),
    "no_consent": _sl("Has not agreed to promotional messages"),
    "previous_opt_out": _sl("Opted out before their record was erased"),
    "erased": _sl("Their personal data was erased"),
    "staff_no_sms": _sl("Staff are emailed, never texted"),
    "staff_inactive": _sl("This member of staff's account is switched off"),
    "no_email": _sl("No email address"),
    "no_mobile": _sl("No mobile number"),
    "invalid_email": _sl("Email address is not valid"),
    "invalid_mobile": _sl("Mobile number is not valid"),
    "expired": _sl("Not sent in time (urgent message expired)"),
    "gave_up": _sl("Could not be sent after several tries"),
    "email_refused": _sl("The mail server refused this address"),
    "sms_opted_out": _sl("This number has opted out of texts"),
    "not_mobile": _sl("Not a mobile number"),
}


def reason_text(code: str | None, error: str | None = None) -> str:
    """The plain-English reason for a failed or suppressed row."""
    if code in REASONS:
        return str(REASONS[code])
    return error or code or ""


def progress(message_id: int) -> dict:
    """Counts for the progress bar: done (sent, failed or left out) of total."""
    c = counts(message_id)
    done = c["sent"] + c["failed"] + c["suppressed"]
    return {"sent": c["sent"], "failed": c["failed"], "suppressed": c["suppressed"], "pending": c["pending"],
            "total": c["total"], "done": done, "percent": round(100 * done / c["total"]) if c["total"] else 100}


def breakdown(message_id: int, column) -> list[tuple[str, str, int]]:
    """(value, status, count) rows grouped by a Delivery column (channel or language)."""
    return db.session.execute(
        select(column, Delivery.status, func.count()).where(Delivery.message_id == message_id)
        .group_by(column, Delivery.status).order_by(column, Delivery.status)).all()


def fallback_count(message_id: int) -> int:
    """Rows sent in the default language because the contact's own was not written."""
    return db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.message_id == message_id, Delivery.fallback.is_(True), Delivery.status != SUPPRESSED)) or 0


def problem_rows(message_id: int, limit: int = 500) -> list:
    """Failed and suppressed rows with the contact's name, for staff to act on."""
    return db.session.execute(
        select(Delivery.id, Delivery.channel, Delivery.status, Delivery.reason, Delivery.error,
               Delivery.stuck, Contact.id.label("contact_id"),
               func.coalesce(Contact.first_name, User.name).label("first_name"),
               func.coalesce(Contact.last_name, "").label("last_name"))
        .outerjoin(Contact, Contact.id == Delivery.contact_id)
        .outerjoin(User, User.id == Delivery.user_id)
        .where(Delivery.message_id == message_id,
               Delivery.status.in_((FAILED, UNDELIVERED, EXPIRED, SUPPRESSED)))
        .order_by(Delivery.status, "last_name", "first_name").limit(limit)).all()
