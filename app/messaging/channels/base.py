"""The one small interface every channel implements, and the errors it may raise."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Envelope:
    """A rendered message for one recipient on one channel."""

    to: str
    language: str
    body_text: str
    subject: str = ""
    body_html: str | None = None
    sender_name: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    setting_id: int | None = None
    delivery_id: int | None = None
    attachments: list[dict] = field(default_factory=list)  # {filename, content_type, text}


class SendError(Exception):
    """A send that did not happen; `reason` is a short code, `detail` plain English for staff."""

    transient = False

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class TransientError(SendError):
    """Worth trying again later (server busy, connection refused, rate limited)."""

    transient = True


class PermanentError(SendError):
    """Trying again will not help (address refused, number not a mobile, opted out)."""


class Channel:
    """Send envelopes on one channel; `open`/`close` bracket a batch (one SMTP connection)."""

    name = "base"

    def open(self) -> None:
        """Prepare to send a batch (connect)."""

    def send(self, envelope: Envelope) -> str:
        """Send one envelope; returns the provider's id (Message-ID, Twilio SID)."""
        raise NotImplementedError

    def close(self) -> None:
        """Finish the batch (disconnect)."""
