"""Periodic work, safe to re-run because it selects by state: the sweep and due scheduled messages."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from app.clock import utcnow
from app.extensions import db
from app.messaging.models import CLAIMED, EXPANDING, FAILED, QUEUED, SCHEDULED, SENDING, URGENT, Delivery, Message

STUCK_NOTE = "The worker stopped while sending this; it was sent again and may have arrived twice."


def requeue_stuck_sending() -> int:
    """Rows in `sending` longer than SWEEP_SENDING_MINUTES: flag them and put them back in the queue."""
    limit = utcnow() - timedelta(minutes=current_app.config["SWEEP_SENDING_MINUTES"])
    stuck = (Delivery.status == CLAIMED, Delivery.claimed_at < limit)
    tries = current_app.config["SEND_MAX_ATTEMPTS"]
    given_up = db.session.execute(
        update(Delivery).where(*stuck, Delivery.attempts >= tries)
        .values(status=FAILED, stuck=True, reason="gave_up", finished_at=utcnow(),
                error=f"The worker stopped while sending this, {tries} times; it was not tried again.")
        .execution_options(synchronize_session=False)).rowcount
    result = db.session.execute(
        update(Delivery).where(*stuck)
        .values(status=QUEUED, stuck=True, error=STUCK_NOTE, next_attempt_at=None)
        .execution_options(synchronize_session=False))
    return result.rowcount + given_up


def stuck_queued_ids(batch: int = 1000):
    """Ids of rows due to be sent but queued longer than SWEEP_QUEUED_MINUTES, with their urgency."""
    now = utcnow()
    limit = now - timedelta(minutes=current_app.config["SWEEP_QUEUED_MINUTES"])
    waiting_since = func.coalesce(Delivery.next_attempt_at, Delivery.queued_at)
    after = 0
    while True:
        rows = db.session.execute(
            select(Delivery.id, Message.urgency).join(Message, Message.id == Delivery.message_id)
            .where(Delivery.status == QUEUED, Delivery.id > after, waiting_since < limit,
                   or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now))
            .order_by(Delivery.id).limit(batch)).all()
        if not rows:
            return
        yield rows
        after = rows[-1].id


def sweep() -> dict[str, int]:
    """Flag and requeue rows stuck in sending, re-enqueue rows stuck in queued, finish messages."""
    from app.messaging.dispatch import enqueue, enqueue_expansion
    from app.messaging.services import finish_if_done

    flagged = requeue_stuck_sending()
    db.session.commit()
    requeued = 0
    size = current_app.config["SEND_BATCH"]
    for rows in stuck_queued_ids():
        urgent = [r.id for r in rows if r.urgency == URGENT]
        bulk = [r.id for r in rows if r.urgency != URGENT]
        for n in range(0, len(bulk), size):
            enqueue(bulk[n:n + size])
        for delivery_id in urgent:
            enqueue([delivery_id], urgent=True)
        requeued += len(rows)
    limit = utcnow() - timedelta(minutes=current_app.config["SWEEP_QUEUED_MINUTES"])
    for message_id, urgency in db.session.execute(select(Message.id, Message.urgency).where(
            Message.status == EXPANDING, Message.started_at < limit)).all():
        enqueue_expansion(message_id, urgency == URGENT)  # expansion is idempotent
    for message_id in db.session.scalars(select(Message.id).where(Message.status == SENDING)):
        finish_if_done(message_id)
    db.session.commit()
    return {"flagged": flagged, "requeued": requeued}


def send_due() -> list[int]:
    """Start every scheduled message whose time has come; each is claimed atomically, so sent once."""
    from app.messaging.services import send_now

    due = db.session.scalars(select(Message.id).where(
        and_(Message.status == SCHEDULED, Message.scheduled_at <= utcnow())).order_by(Message.scheduled_at))
    return [message_id for message_id in list(due) if send_now(message_id, (SCHEDULED,))]
