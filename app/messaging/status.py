"""Delivery status moves only forward; every move is one conditional UPDATE (atomic, idempotent)."""
from __future__ import annotations

from sqlalchemy import update

from app.clock import utcnow
from app.extensions import db
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
    return result.rowcount == 1

