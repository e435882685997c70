"""The worker side of a send: claim a row, render it in the contact's language, call the channel, record.

Jobs carry delivery ids only. Each row is claimed atomically (queued → sending) and committed before
the channel is called, so two workers never send one row; a crash after the call can at worst repeat
the rows in flight (claimed, or sent in the current chunk but not yet recorded), which the sweep flags.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import takewhile
from datetime import timedelta

from flask import current_app
from limits import parse, storage, strategies
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.clock import utcnow
from app.auth.models import User
from app.extensions import db
from app.families.models import Contact
from app.messaging import outbox, status
from app.messaging.channels import PermanentError, SendError, get_channel
from app.messaging.models import (CLAIMED, EXPIRED, FAILED, QUEUED, SENT, SUPPRESSED, URGENT,
                                  ContactProblem, Delivery, Message, SmsOptOut)
from app.tasks import job_context, task_on_both

_limiters: dict[str, strategies.MovingWindowRateLimiter] = {}


@dataclass(slots=True)
class Recipient:
    """The contact's columns a send reads: restriction, and what a personal link is issued with."""

    id: int
    setting_id: int
    link_version: int
    restricted: bool


@dataclass(slots=True)
class Outgoing:
    """A claimed row as the send path reads it (the attributes of a Delivery it uses), from plain rows:
    no ORM object, identity map entry or relationship loader per recipient of a bulk send."""

    id: int
    message_id: int
    setting_id: int
    channel: str
    language: str
    address: str | None
    contact_id: int | None
    user_id: int | None
    user_active: bool | None
    contact: Recipient | None
    message: Message


def _rate_limiter() -> strategies.MovingWindowRateLimiter:
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    if uri not in _limiters:
        _limiters[uri] = strategies.MovingWindowRateLimiter(storage.storage_from_string(uri))
    return _limiters[uri]


def _under_cap(channel: str, budget: dict, left: Counter) -> bool:
    """Take one send from the channel's shared cap; False when the cap is reached.

    Sends are taken from the shared counter for all of the job's rows left on that channel in one go
    (one at a time near the cap), so a bulk send does not pay a round trip to the counter's storage
    (or, with memory storage, a new expiry thread) for every few messages."""
    rate = current_app.config.get(f"{channel.upper()}_RATE")
    if not rate:
        return True
    if budget.get(channel, 0) <= 0:
        item = parse(rate)
        for cost in (max(1, min(left[channel], item.amount)), 1):
            if _rate_limiter().hit(item, "send", channel, cost=cost):
                budget[channel] = cost
                break
        else:
            return False
    budget[channel] -= 1
    left[channel] -= 1
    return True


def backoff_seconds(attempts: int) -> float:
    """Capped exponential backoff with full jitter: base·2^(n−1), at most the cap, times 0.5–1."""
    config = current_app.config
    delay = min(config["RETRY_CAP_SECONDS"], config["RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0))
    return delay * random.uniform(0.5, 1.0)


def enqueue(ids: list[int], urgent: bool = False, delay: float = 0) -> None:
    """Put delivery ids on the queue (urgent ones on the urgent queue, never behind a bulk send)."""
    if ids:
        (send_urgent_task if urgent else send_deliveries_task).schedule(args=(ids,), delay=delay)


def enqueue_expansion(message_id: int, urgent: bool = False) -> None:
    """Put a message's audience expansion on the queue (an urgent message's on the urgent queue)."""
    (expand_urgent_task if urgent else expand_message_task).schedule(args=(message_id,), delay=0)


def enqueue_message(message_id: int, recipients: tuple[str, list[int]] | None = None,
                    finish: bool = True) -> None:
    """Enqueue the queued rows of a message (of some `recipients` only: see outbox.queued_ids), in
    batches of SEND_BATCH ids (1 for urgent); then, with `finish`, mark it done if nothing is left."""
    message = db.session.get(Message, message_id)
    urgent = message.urgency == URGENT
    size = 1 if urgent else current_app.config["SEND_BATCH"]
    for ids in outbox.queued_ids(message_id, batch=size, recipients=recipients):
        enqueue(ids, urgent=urgent)
    from app.messaging.services import finish_if_done

    if finish and finish_if_done(message_id):
        db.session.commit()


_table = Delivery.__table__
_DUE = (_table.c.status == QUEUED,
        or_(_table.c.next_attempt_at.is_(None), _table.c.next_attempt_at <= bindparam("now")))
# Built once (as status._MARK_SENT): run for every batch of a bulk send.
_CLAIM = (update(_table).where(_table.c.id.in_(bindparam("ids", expanding=True)), *_DUE)
          .values(status=CLAIMED, claimed_at=bindparam("now"), attempts=_table.c.attempts + 1)
          .returning(_table.c.id))


def claim(ids: list[int]) -> list[int]:
    """queued → sending for the given rows that are due, in one atomic UPDATE, committed (with whatever
    the session holds); returns those claimed. Of two workers given the same ids, each row goes to
    exactly one of them."""
    claimed = db.session.connection().execute(_CLAIM, {"ids": ids, "now": utcnow()}).scalars().all()
    db.session.commit()
    return sorted(claimed)


def _blocked(delivery: Outgoing) -> tuple[str, str] | None:
    """A reason found at send time not to send (restricted since, STOP since, validity over)."""
    message = delivery.message
    if delivery.contact is not None and delivery.contact.restricted:
        return SUPPRESSED, outbox.RESTRICTED
    if delivery.user_id is not None and not delivery.user_active:
        return SUPPRESSED, outbox.STAFF_INACTIVE
    if delivery.channel == "sms" and db.session.scalar(select(SmsOptOut.id).where(
            SmsOptOut.setting_id == delivery.setting_id, SmsOptOut.mobile == delivery.address)):
        return SUPPRESSED, outbox.SMS_STOP
    if message.expires_at is not None and utcnow() > message.expires_at:
        return EXPIRED, "expired"
    return None


def _unexpected(exc: Exception) -> SendError:
    current_app.logger.exception("sending failed unexpectedly")
    return PermanentError("error", f"Homelink could not prepare or send this message ({exc.__class__.__name__}).")


def _fail(delivery: Outgoing | Delivery, error: SendError) -> None:
    status.move(delivery.id, FAILED, reason=error.reason, error=error.detail)
    if error.reason == "sms_opted_out" and not db.session.scalar(select(SmsOptOut.id).where(
            SmsOptOut.setting_id == delivery.setting_id, SmsOptOut.mobile == delivery.address)):
        db.session.add(SmsOptOut(setting_id=delivery.setting_id, mobile=delivery.address))
    if delivery.contact_id is not None:  # a staff address problem shows in the message report only
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


def send_one(delivery: Outgoing, channels: dict, cache: dict | None = None, links: dict | None = None,
             sent: list | None = None) -> str:
    """Check, render and send one claimed row, then record its outcome; returns the new status.

    A failure or a block is committed at once; a success is committed at once too, unless a `sent`
    list is given: (id, provider id) is then appended there for the caller to record with others."""
    from app.messaging.render import render

    blocked = _blocked(delivery)
    if blocked:
        status.move(delivery.id, blocked[0], reason=blocked[1])
        db.session.commit()
        return blocked[0]
    channel = channels.get(delivery.channel) or channels.setdefault(delivery.channel,
                                                                     get_channel(delivery.channel))
    urgent = delivery.message.urgency == URGENT
    try:
        provider_id = channel.send(render(delivery, cache, links))
    except Exception as exc:  # noqa: BLE001 — a bug must not leave the row stuck or retried for ever
        error = exc if isinstance(exc, SendError) else _unexpected(exc)
        db.session.rollback()
        delivery = db.session.get(Delivery, delivery.id)
        _retry(delivery, error, urgent) if error.transient else _fail(delivery, error)
        db.session.commit()
        return QUEUED if error.transient else FAILED
    if sent is not None:
        sent.append((delivery.id, provider_id))
        return SENT
    status.move(delivery.id, SENT, provider_id=provider_id, error=None, reason=None)
    db.session.commit()
    return SENT


# Rows sent between two commits of their "sent" status (one UPDATE each time): a batch of the default
# size (SEND_BATCH) in one go, since each commit rewrites the pages of every index the rows are in. A
# worker killed mid-chunk leaves at most this many rows sent but still `sending`; the sweep flags and
# re-sends them.
SEND_CHUNK = 50


def _record_sent(sent: list) -> None:
    status.mark_sent(sent)
    db.session.commit()
    sent.clear()


_contact, _user = Contact.__table__, User.__table__
_ROWS = (select(_table.c.id, _table.c.message_id, _table.c.setting_id, _table.c.channel, _table.c.language,
                _table.c.address, _table.c.contact_id, _table.c.user_id, _user.c.active,
                _contact.c.setting_id.label("contact_setting_id"), _contact.c.link_version, _contact.c.restricted)
         .outerjoin(_contact, _contact.c.id == _table.c.contact_id).outerjoin(_user, _user.c.id == _table.c.user_id)
         .where(_table.c.id.in_(bindparam("ids", expanding=True)), *_DUE).order_by(_table.c.id))


@cache
def _messages_query():
    """Messages with their versions and setting (built on first use: its loader options need every
    model of the app mapped)."""
    return (select(Message).where(Message.id.in_(bindparam("ids", expanding=True)))
            .options(selectinload(Message.versions), joinedload(Message.setting)))


def _load(ids: list[int]) -> list[Outgoing]:
    """Those of the rows that are due, with their contacts (one query) and their messages, with versions
    and setting (two)."""
    rows = db.session.connection().execute(_ROWS, {"ids": ids, "now": utcnow()}).all()  # read by position:
    # a row's attribute is looked up on its class first, and that failed lookup costs ten times the read
    message_ids = list({message_id for _id, message_id, *_rest in rows})
    messages = {m.id: m for m in db.session.scalars(_messages_query(), {"ids": message_ids}).unique()}
    return [Outgoing(id_, message_id, setting_id, channel, language, address, contact_id, user_id, active,
                     None if contact_id is None else Recipient(contact_id, contact_setting_id, link_version, restricted),
                     messages[message_id])
            for (id_, message_id, setting_id, channel, language, address, contact_id, user_id, active,
                 contact_setting_id, link_version, restricted) in rows]


def send_deliveries(ids: list[int]) -> None:
    """Claim a batch of rows and send them over one connection per channel, SEND_CHUNK at a time.

    The rows due are read, taken from the shared caps (the others go back on the queue, unclaimed),
    and claimed in one commit with their personal links (one INSERT), before the first send. Failures
    are committed as soon as they are known, successes once per chunk; rows claimed but not reached
    (or sent but not yet recorded) when a worker dies stay `sending` for the sweep."""
    from app.messaging.render import issue_links
    from app.messaging.services import finish_if_done

    db.session().expire_on_commit = False  # this job's session: keep message, setting, versions loaded
    deliveries = _load(ids)
    if not deliveries:
        return
    budget: dict = {}  # sends already taken from the shared caps
    left = Counter(d.channel for d in deliveries)  # rows not yet taken from the caps, per channel
    allowed = list(takewhile(lambda d: _under_cap(d.channel, budget, left), deliveries))
    if len(allowed) < len(deliveries):
        rest = deliveries[len(allowed):]
        enqueue([d.id for d in rest], urgent=rest[0].message.urgency == URGENT, delay=1)
    cache: dict = {}  # each language's body, rendered once per batch
    try:
        links = issue_links(allowed, cache)  # committed with the claim: links exist before anyone gets one
    except Exception:  # noqa: BLE001 — e.g. a link purpose nobody registered, a broken template:
        db.session.rollback()  # each row then meets the error in send_one and fails on its own
        links = {}
    claimed = set(claim([d.id for d in allowed]))  # another worker may have taken some since (their
    # links, never sent, expire unused)
    allowed = [d for d in allowed if d.id in claimed]
    channels: dict = {}
    sent: list = []  # (id, provider id) sent in this chunk, not yet recorded
    try:
        for start in range(0, len(allowed), SEND_CHUNK):
            for delivery in allowed[start:start + SEND_CHUNK]:
                send_one(delivery, channels, cache, links.get(delivery.id), sent)
            _record_sent(sent)
    finally:
        if sent:  # an unexpected error mid-chunk: still record what did go out
            db.session.rollback()
            _record_sent(sent)
        for channel in channels.values():
            channel.close()
    for message_id in {d.message_id for d in allowed}:
        finish_if_done(message_id)
    db.session.commit()


def send_deliveries_job(ids: list[int]) -> None:
    """Queue job: send these delivery rows (ids only)."""
    with job_context():
        send_deliveries(ids)


def expand_message_job(message_id: int) -> None:
    """Queue job: expand a claimed message's audience into rows and enqueue them (id only)."""
    with job_context():
        from app.messaging.services import expand_and_enqueue

        expand_and_enqueue(message_id)


send_deliveries_task, send_urgent_task = task_on_both("messaging.send_deliveries")(send_deliveries_job)
expand_message_task, expand_urgent_task = task_on_both("messaging.expand_message")(expand_message_job)
