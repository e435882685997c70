"""Channels looked up by name: `email`, `sms`, and the development `outbox` they fall back to."""
from __future__ import annotations

from flask import current_app

from app.messaging.channels.base import Channel, Envelope, PermanentError, SendError, TransientError

__all__ = ["Channel", "Envelope", "PermanentError", "SendError", "TransientError", "get_channel"]


def get_channel(name: str) -> Channel:
    """The channel that sends `name` messages here: the real one when configured, else the outbox."""
    config = current_app.config
    if name == "email" and config.get("MAIL_SERVER"):
        from app.messaging.channels.email import EmailChannel

        return EmailChannel()
    if name == "sms" and config.get("TWILIO_ACCOUNT_SID"):
        from app.messaging.channels.sms import SmsChannel

        return SmsChannel()
    if name in ("email", "sms", "outbox"):
        from app.messaging.channels.outbox import OutboxChannel

        return OutboxChannel(name if name != "outbox" else "email")
    raise KeyError(f"no channel called {name!r}")
