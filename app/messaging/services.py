"""Use-cases of the outbox: compose a message, start sending it, summarise what happened."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update

from app.audit.services import record
from app.clock import utcnow
from app.extensions import db
from app.messaging import outbox
from app.messaging.models import (DONE, DRAFT, EXPANDING, NORMAL, SCHEDULED, SENDING, URGENT, Delivery,
                                  Message, MessageVersion)
from app.messaging.status import GROUPS


def create_message(setting, *, category: str = "general", channels: str = "email", audience: dict,
                   versions: dict[str, dict], urgency: str = NORMAL, audience_label: str = "",
                   default_language: str | None = None, scheduled_at: datetime | None = None,
                   expires_at: datetime | None = None, created_by=None,
                   link_purpose: str | None = None, link_scope_id: int | None = None,
                   attachments: list[dict] | None = None) -> Message:
    """Create a draft (or scheduled) message with one version per language: {lang: {subject, body_text…}}.

    With `link_purpose`, every recipient gets their own personal link of that purpose (and scope)
    wherever the text holds `render.PERSONAL_LINK`. Raises ValueError when there is no version in
    the default language (everyone's fallback). `attachments` ([{filename, content_type, text}])
    go with every email of the message."""
    if (default_language or setting.default_language) not in versions:
        raise ValueError("write the message in the setting's default language first")
    message = Message(
        setting_id=setting.id, category=category, channels=channels, audience=audience,
        audience_label=audience_label, urgency=urgency,
        default_language=default_language or setting.default_language,
        scheduled_at=scheduled_at, expires_at=expires_at,
        status=SCHEDULED if scheduled_at else DRAFT,
        created_by_id=created_by.id if created_by else None,
        link_purpose=link_purpose, link_scope_id=link_scope_id, attachments=attachments or None,
    )
    if urgency == URGENT and expires_at is None:
        from flask import current_app

        start = scheduled_at or utcnow()
        message.expires_at = start + timedelta(minutes=current_app.config["URGENT_VALID_MINUTES"])
    message.versions = [MessageVersion(language=lang, **content) for lang, content in versions.items()]
    db.session.add(message)
    db.session.flush()
    return message


def claim_message(message_id: int, from_states: tuple[str, ...] = (DRAFT,)) -> bool:
    """Atomically take a message for sending (draft/scheduled → expanding); True for the one winner."""
    result = db.session.execute(
        update(Message).where(Message.id == message_id, Message.status.in_(from_states))
        .values(status=EXPANDING, started_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount == 1


def send_now(message_id: int, from_states: tuple[str, ...] = (DRAFT,)) -> bool:
    """Claim a message for sending, commit, and queue the job that expands its audience."""
    if not claim_message(message_id, from_states):
        db.session.rollback()
        return False
    message = db.session.get(Message, message_id)
    record(message.setting_id, "message.sent", message, category=message.category,
           audience=message.audience_label or str(message.audience), channels=message.channels)
    urgent = message.urgency == URGENT
    db.session.commit()
    from app.messaging.dispatch import enqueue_expansion

    enqueue_expansion(message_id, urgent)
    return True


def expand_and_enqueue(message_id: int) -> bool:
    """Job body: write the delivery rows of a claimed message and put their ids on the queue.

    Each batch of rows is committed and queued as soon as it is written, so workers send while the
    rest of a large audience is expanded; the message stays `expanding` (not finishable) until the
    last batch is written."""
    from app.messaging.dispatch import enqueue_message

    message = db.session.get(Message, message_id)
    if message is None or message.status != EXPANDING:
        return False
    key = "user_id" if (message.audience or {}).get("staff") else "contact_id"

    def written(recipient_ids: list[int]) -> None:
        db.session.commit()
        enqueue_message(message_id, recipients=(key, recipient_ids), finish=False)

    outbox.expand(message, on_batch=written)
    message.status = SENDING
    db.session.commit()
    if finish_if_done(message_id):
        db.session.commit()
    return True


def counts(message_id: int) -> dict[str, int]:
    """Rows by status for one message, plus the groups sent / failed / suppressed / pending and total."""
    rows = db.session.execute(select(Delivery.status, func.count()).where(
        Delivery.message_id == message_id).group_by(Delivery.status)).all()
    by_status = {status: n for status, n in rows}
    summary = {group: sum(by_status.get(s, 0) for s in states) for group, states in GROUPS.items()}
    summary["total"] = sum(by_status.values())
    summary["by_status"] = by_status
    return summary


_rows = Delivery.__table__
# Built once: asked after every batch of a bulk send (building it cost more than the index seek).
_PENDING = select(_rows.c.id).where(_rows.c.message_id == bindparam("message_id"),
                                    _rows.c.status.in_(GROUPS["pending"])).limit(1)


def finish_if_done(message_id: int) -> bool:
    """Mark a sending message done once no row is pending."""
    if db.session.connection().execute(_PENDING, {"message_id": message_id}).first() is not None:
        return False
    db.session.execute(update(Message).where(Message.id == message_id, Message.status == SENDING)
                       .values(status=DONE).execution_options(synchronize_session=False))
    return True
