"""Plain English for the outbox's codes on staff screens: one mapping per list of codes, used by
every page (as Jinja filters) and by Python alike. A code with no label shows as itself."""
from __future__ import annotations

from functools import partial

from app.i18n import _sl
from app.messaging.models import (CANCELLED, CLAIMED, DELIVERED, DONE, DRAFT, EXPANDING, EXPIRED, FAILED,
                                  QUEUED, SCHEDULED, SENDING, SENT, SUPPRESSED, UNDELIVERED)

DELIVERY_STATUS = {
    QUEUED: _sl("Waiting to be sent"),
    CLAIMED: _sl("Being sent"),
    SENT: _sl("Sent"),
    DELIVERED: _sl("Delivered"),
    FAILED: _sl("Failed"),
    UNDELIVERED: _sl("Not delivered"),
    SUPPRESSED: _sl("Left out"),
    EXPIRED: _sl("Not sent in time"),
}
MESSAGE_STATUS = {
    DRAFT: _sl("Draft"),
    SCHEDULED: _sl("Scheduled"),
    EXPANDING: _sl("Preparing the recipient list"),
    SENDING: _sl("Sending"),
    DONE: _sl("Finished"),
    CANCELLED: _sl("Cancelled"),
}
CHANNEL = {"email": _sl("Email"), "sms": _sl("Text message"), "both": _sl("Email and text message")}
CATEGORY = {
    "newsletter": _sl("Newsletter"),
    "activities": _sl("Home activities"),
    "workshops": _sl("Workshops"),
    "surveys": _sl("Questionnaires"),
    "involvement": _sl("Involvement"),
    "general": _sl("General"),
    "promotional": _sl("Offers and fundraising"),
    "alert": _sl("Late collection"),
    "health": _sl("Health notice"),
    "closure": _sl("Urgent notice"),
    "personal": _sl("Personal message"),
}
# Why a row failed or was left out (codes from app.messaging.outbox and the channels).
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


def code_label(labels: dict, code: str | None) -> str:
    """The plain words for a code from one of the mappings; the code itself when it has none."""
    if code in labels:
        return str(labels[code])
    return code or ""


def reason_text(code: str | None, error: str | None = None) -> str:
    """The plain-English reason for a failed or suppressed row (else the error detail stored with it)."""
    if code in REASONS:
        return str(REASONS[code])
    return error or code or ""


# Jinja filters: {{ row.status|delivery_status }}, {{ row.reason|reason(row.error) }}
FILTERS = {"delivery_status": DELIVERY_STATUS, "message_status": MESSAGE_STATUS, "channel": CHANNEL,
           "category": CATEGORY}


def register_filters(state) -> None:
    """Blueprint hook: one Jinja filter per mapping above, and `reason`, for every page of the app."""
    filters = state.app.jinja_env.filters
    for name, labels in FILTERS.items():
        filters[name] = partial(code_label, labels)
    filters["reason"] = reason_text
