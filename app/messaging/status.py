"""Delivery status moves only forward; every move is one conditional UPDATE (atomic, idempotent)."""
from __future__ import annotations

from sqlalchemy import bindparam, func, or_, select, update

from app.clock import utcnow
from app.extensions import db
from app.families.models import Contact
from app.messaging.models import (CLAIMED, DELIVERED, EXPIRED, FAILED, QUEUED, SENT, SUPPRESSED,
                                  UNDELIVERED, Delivery)

FINAL = (DELIVERED, FAILED, UNDELIVERED, SUPPRESSED, EXPIRED)
# Which states each state may be reached from. The one step back (sending → queued) is a retry,
# made only by the worker holding the claim; provider callbacks never move a row back.
FROM = {
    CLAIMED: (QUEUED,),
    QUEUED: (CLAIMED,),
    SENT: (CLAIMED,),
    DELIVERED: (SENT, CLAIMED),
    UNDELIVERED: (SENT, CLAIMED),
    FAILED: (QUEUED, CLAIMED, SENT),
    SUPPRESSED: (QUEUED, CLAIMED),
    EXPIRED: (QUEUED, CLAIMED),
}
# Moves that can change when a contact was last reached (Contact.last_reached_at).
REACHING = (SENT, DELIVERED, UNDELIVERED, FAILED)
# Summary groups for the invariant sent + failed + suppressed == audience.
GROUPS = {
    "sent": (SENT, DELIVERED),
    "failed": (FAILED, UNDELIVERED, EXPIRED),
    "suppressed": (SUPPRESSED,),
    "pending": (QUEUED, CLAIMED),
}


def move(delivery_id: int, to: str, **values) -> bool:
    """Move one delivery to `to` if it is in a state that may lead there; True when it moved."""
    now = utcnow()
    if to in FINAL:
        values.setdefault("finished_at", now)
    if to == SENT:
        values.setdefault("sent_at", now)
    table = Delivery.__table__  # a Core UPDATE: no ORM bookkeeping on the hot path of a bulk send
    result = db.session.execute(
        update(table).where(table.c.id == delivery_id, table.c.status.in_(FROM[to])).values(status=to, **values))
    moved = result.rowcount == 1
    if moved and to in REACHING:
        refresh_reached([delivery_id])
    return moved


_table, _contact = Delivery.__table__, Contact.__table__
# Built once (a bulk send runs them for every chunk): building a statement and its cache key cost
# more than running it. Only a claimed row may become sent (an IN list cannot be executemany'd).
_MARK_SENT = (update(_table).where(_table.c.id == bindparam("b_id"), _table.c.status == FROM[SENT][0])
              .values(status=SENT, provider_id=bindparam("b_provider"), sent_at=bindparam("b_now"), error=None,
                      reason=None))
# Their contacts were last reached now: the latest sent_at of their deliveries, without asking for it
# per contact (rows not moved, no longer claimed, have another sent_at and are left out). updated_at
# stays: this is not an edit of the contact's details.
_REACHED = (update(_contact)
            .where(_contact.c.id.in_(select(_table.c.contact_id).where(
                       _table.c.id.in_(bindparam("b_ids", expanding=True)), _table.c.sent_at == bindparam("b_now"))),
                   or_(_contact.c.last_reached_at.is_(None), _contact.c.last_reached_at < bindparam("b_now")))
            .values(last_reached_at=bindparam("b_now"), updated_at=_contact.c.updated_at))


def mark_sent(sent: list[tuple[int, str]]) -> None:
    """Move many claimed deliveries to sent with their provider ids, in one executemany UPDATE."""
    if not sent:
        return
    now, connection = utcnow(), db.session.connection()
    connection.execute(_MARK_SENT, [{"b_id": delivery_id, "b_provider": provider_id, "b_now": now}
                                    for delivery_id, provider_id in sent])
    connection.execute(_REACHED, {"b_ids": [delivery_id for delivery_id, _ in sent], "b_now": now})


def refresh_reached(delivery_ids: list[int]) -> None:
    """Set Contact.last_reached_at again for the contacts of these deliveries: the latest sent_at of
    their deliveries that are sent or delivered (a bounce after sending takes that one away again)."""
    latest = (select(func.max(Delivery.sent_at))
              .where(Delivery.contact_id == Contact.id, Delivery.status.in_(GROUPS["sent"])).scalar_subquery())
    contacts = select(Delivery.contact_id).where(Delivery.id.in_(delivery_ids), Delivery.contact_id.is_not(None))
    db.session.execute(  # updated_at stays: this is not an edit of the contact's details
        update(Contact).where(Contact.id.in_(contacts)).values(last_reached_at=latest, updated_at=Contact.updated_at)
        .execution_options(synchronize_session=False))
