"""Development channel: stores what would have been sent, for the staff page "Outbox (development)"."""
from __future__ import annotations

from app.extensions import db
from app.messaging.channels.base import Channel, Envelope
from app.messaging.models import DevOutboxItem


class OutboxChannel(Channel):
    """Keeps every message in the database instead of sending it."""

    name = "outbox"

    def __init__(self, kind: str = "email") -> None:
        self.kind = kind

    def send(self, envelope: Envelope) -> str:
        """Store the envelope; its id is the provider id."""
        item = DevOutboxItem(setting_id=envelope.setting_id, delivery_id=envelope.delivery_id,
                             channel=self.kind, to=envelope.to, language=envelope.language,
                             subject=envelope.subject, body_text=envelope.body_text,
                             body_html=envelope.body_html, headers=dict(envelope.headers))
        db.session.add(item)
        db.session.flush()
        return f"outbox-{item.id}"
