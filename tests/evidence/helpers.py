"""Rows for the evidence tests, written directly: the figures read what the features stored."""
from __future__ import annotations

from datetime import datetime, timezone

from app.extensions import db
from app.messaging.models import Delivery, Message
from app.messaging.status import refresh_reached


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


class Rows:
    """A message per setting, and delivery rows on it (one per contact and channel, as the outbox)."""

    def __init__(self) -> None:
        self._messages: dict[int, Message] = {}
        self._n = 0

    def message(self, setting, **kw) -> Message:
        message = Message(setting_id=setting.id, category=kw.pop("category", "newsletter"), status="done", **kw)
        db.session.add(message)
        db.session.flush()
        return message

    def delivery(self, contact, status: str, at: datetime, channel: str = "email", message=None,
                 **kw) -> Delivery:
        """A delivery row queued (and, when sent, sent) at `at`."""
        if message is None:  # a fresh message each time, so (message, contact, channel) stays unique
            from app.settings.models import Setting

            message = self.message(db.session.get(Setting, contact.setting_id))
        sent = status in ("sent", "delivered", "undelivered")
        row = Delivery(setting_id=contact.setting_id, message_id=message.id, contact_id=contact.id,
                       channel=channel, language=kw.pop("language", contact.language), status=status,
                       queued_at=at, sent_at=at if sent else None, **kw)
        db.session.add(row)
        db.session.flush()
        refresh_reached([row.id])  # written directly, not moved by the messaging core: keep its summary
        return row
