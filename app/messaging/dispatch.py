"""The worker side of a send: claim a row, render it in the contact's language, call the channel, record.

Jobs carry delivery ids only. Each row is claimed atomically (queued → sending) and committed before
the channel is called, so two workers never send one row; a crash after the call can at worst repeat
the rows in flight, which the sweep flags.
"""
from __future__ import annotations

import random
from datetime import timedelta

from flask import current_app
from limits import parse, storage, strategies
from sqlalchemy import or_, select, update

from app.clock import utcnow
from app.extensions import db
from app.messaging import outbox, status
from app.messaging.channels import SendError, get_channel
from app.messaging.models import (CLAIMED, EXPIRED, FAILED, QUEUED, SENT, SUPPRESSED, URGENT,
                                  ContactProblem, Delivery, Message, SmsOptOut)
from app.tasks import BULK_PRIORITY, URGENT_PRIORITY, huey, job_context

_limiters: dict[str, strategies.MovingWindowRateLimiter] = {}


def _rate_limiter() -> strategies.MovingWindowRateLimiter:
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if uri not in _limiters:
        _limiters[uri] = strategies.MovingWindowRateLimiter(storage.storage_from_string(uri))
    return _limiters[uri]


def _under_cap(channel: str) -> bool:
    """Take one send from the channel's shared per-second cap; False when the cap is reached."""
    rate = current_app.config.get(f"{channel.upper()}_RATE")
    return True if not rate else _rate_limiter().hit(parse(rate), "send", channel)


def backoff_seconds(attempts: int) -> float:
    """Capped exponential backoff with full jitter: base·2^(n−1), at most the cap, times 0.5–1."""
    config = current_app.config
    delay = min(config["RETRY_CAP_SECONDS"], config["RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0))
    return delay * random.uniform(0.5, 1.0)


def enqueue(ids: list[int], urgent: bool = False, delay: float = 0) -> None:
    """Put delivery ids on the queue (urgent ones ahead of any bulk send)."""
    if ids:
        send_deliveries_task.schedule(args=(ids,), delay=delay,
                                      priority=URGENT_PRIORITY if urgent else BULK_PRIORITY)


def enqueue_message(message_id: int) -> None:
    """Enqueue every queued row of a message, in batches of SEND_BATCH ids (1 for urgent)."""
    message = db.session.get(Message, message_id)
    urgent = message.urgency == URGENT
    size = 1 if urgent else current_app.config["SEND_BATCH"]
    for ids in outbox.queued_ids(message_id, batch=size):
        enqueue(ids, urgent=urgent)
    from app.messaging.services import finish_if_done

    if finish_if_done(message_id):
        db.session.commit()


def _claim(delivery_id: int) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == QUEUED,
               or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now))
        .values(status=CLAIMED, claimed_at=now, attempts=Delivery.attempts + 1, stuck=False)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _blocked(delivery: Delivery) -> tuple[str, str] | None:
    """A reason found at send time not to send (restricted since, STOP since, validity over)."""
    message = delivery.message
    if delivery.contact.restricted:
        return SUPPRESSED, outbox.RESTRICTED
    if delivery.channel == "sms" and db.session.scalar(select(SmsOptOut.id).where(
            SmsOptOut.setting_id == delivery.setting_id, SmsOptOut.mobile == delivery.address)):
        return SUPPRESSED, outbox.SMS_STOP
    if message.expires_at is not None and utcnow() > message.expires_at:
        return EXPIRED, "expired"
    return None


def _fail(delivery: Delivery, error: SendError) -> None:
    status.move(delivery.id, FAILED, reason=error.reason, error=error.detail)
    db.session.add(ContactProblem(setting_id=delivery.setting_id, contact_id=delivery.contact_id,
                                  channel=delivery.channel, reason=error.reason, detail=error.detail,
                                  delivery_id=delivery.id))


def _retry(delivery: Delivery, error: SendError, urgent: bool) -> None:
    if delivery.attempts >= current_app.config["SEND_MAX_ATTEMPTS"]:
        error.reason, error.detail = "gave_up", f"Gave up after {delivery.attempts} tries. {error.detail}"
        _fail(delivery, error)
        return
    delay = backoff_seconds(delivery.attempts)
    status.move(delivery.id, QUEUED, error=error.detail,
                next_attempt_at=utcnow() + timedelta(seconds=delay))
    db.session.commit()
    enqueue([delivery.id], urgent=urgent, delay=delay)


def send_one(delivery_id: int, channels: dict) -> str:
    """Claim, check, render and send one row; returns what happened ('skipped', 'capped', a status)."""
    if not _claim(delivery_id):
        db.session.rollback()
        return "skipped"
    db.session.commit()
    delivery = db.session.get(Delivery, delivery_id)
    blocked = _blocked(delivery)
    if blocked:
        status.move(delivery.id, blocked[0], reason=blocked[1])
        db.session.commit()
        return blocked[0]
    if not _under_cap(delivery.channel):
        db.session.execute(update(Delivery).where(Delivery.id == delivery_id, Delivery.status == CLAIMED)
                           .values(status=QUEUED, attempts=Delivery.attempts - 1))
        db.session.commit()
        return "capped"
    from app.messaging.render import render

    channel = channels.get(delivery.channel) or channels.setdefault(delivery.channel,
                                                                     get_channel(delivery.channel))
    urgent = delivery.message.urgency == URGENT
    try:
        provider_id = channel.send(render(delivery))
    except SendError as error:
        db.session.rollback()
        delivery = db.session.get(Delivery, delivery_id)
        _retry(delivery, error, urgent) if error.transient else _fail(delivery, error)
        db.session.commit()
        return QUEUED if error.transient else FAILED
    status.move(delivery.id, SENT, provider_id=provider_id, error=None, reason=None)
    db.session.commit()
    return SENT


def send_deliveries(ids: list[int]) -> None:
    """Send a batch of rows over one connection per channel; re-enqueue the rest if a cap is reached."""
    channels: dict = {}
    message_ids = set()
    try:
        for n, delivery_id in enumerate(ids):
            outcome = send_one(delivery_id, channels)
            if outcome == "capped":
                enqueue(list(ids[n:]), delay=1)
                break
            if outcome != "skipped":
                message_ids.add(db.session.scalar(select(Delivery.message_id).where(Delivery.id == delivery_id)))
    finally:
        for channel in channels.values():
            channel.close()
    from app.messaging.services import finish_if_done

    for message_id in message_ids:
        finish_if_done(message_id)
    db.session.commit()


@huey.task(name="messaging.send_deliveries")
def send_deliveries_task(ids: list[int]) -> None:
    """Queue job: send these delivery rows (ids only)."""
    with job_context():
        send_deliveries(ids)


@huey.task(name="messaging.send_message")
def send_message_task(message_id: int) -> None:
    """Queue job: expand a claimed message's audience and enqueue its rows."""
    with job_context():
        from app.messaging.services import send_now

        send_now(message_id)
