"""SMS with the official twilio client: a Messaging Service SID or a From number, and a status callback."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import requests
from flask import current_app
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from app.messaging.channels.base import Channel, Envelope, PermanentError, TransientError

# Twilio error codes that mean "this number will never work as it is".
PERMANENT_CODES = {
    21610: ("sms_opted_out", "This number has replied STOP to our texts, so Twilio will not deliver to it."),
    21211: ("invalid_mobile", "This is not a valid phone number."),
    21614: ("not_mobile", "This number is not a mobile, so it cannot receive texts."),
    21612: ("unreachable_mobile", "Texts cannot be sent to this number from our account."),
    21408: ("region_not_enabled", "Texts to this country are not enabled on our account."),
}


class RebasedHttpClient(TwilioHttpClient):
    """Sends every *.twilio.com request to another base URL (a local mock), keeping path and query."""

    def __init__(self, base_url: str, **kwargs) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(base_url)
        self.scheme, self.netloc = parts.scheme, parts.netloc

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.endswith("twilio.com"):
            url = urlunsplit((self.scheme, self.netloc, parts.path, parts.query, parts.fragment))
        return super().request(method, url, *args, **kwargs)


def twilio_client() -> Client:
    """A twilio Client from config (pointed at TWILIO_API_BASE when set)."""
    config = current_app.config
    base = config.get("TWILIO_API_BASE")
    http_client = RebasedHttpClient(base, timeout=10) if base else TwilioHttpClient(timeout=10)
    return Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], http_client=http_client)


def status_callback_url() -> str:
    """Where Twilio reports delivery status (on the public base URL)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/webhooks/twilio/status"


def classify(exc: TwilioRestException) -> Exception:
    """Map a Twilio error to a transient or permanent send error."""
    if exc.code in PERMANENT_CODES:
        reason, detail = PERMANENT_CODES[exc.code]
        return PermanentError(reason, detail)
    if exc.status == 429 or exc.code == 20429 or exc.status >= 500:
        return TransientError("sms_busy", f"Twilio asked us to try later ({exc.status}).")
    return PermanentError("sms_refused", f"Twilio refused this text ({exc.status}, code {exc.code}).")


class SmsChannel(Channel):
    """Creates one Twilio Message per envelope."""

    name = "sms"

    def __init__(self) -> None:
        self._client: Client | None = None

    def send(self, envelope: Envelope) -> str:
        """Send one text; returns the Twilio message SID."""
        config = current_app.config
        if self._client is None:
            self._client = twilio_client()
        sender = ({"messaging_service_sid": config["TWILIO_MESSAGING_SERVICE_SID"]}
                  if config.get("TWILIO_MESSAGING_SERVICE_SID") else {"from_": config["TWILIO_FROM_NUMBER"]})
        try:
            message = self._client.messages.create(
                to=envelope.to, body=envelope.body_text, status_callback=status_callback_url(), **sender)
        except TwilioRestException as exc:
            raise classify(exc) from exc
        except requests.RequestException as exc:
            raise TransientError("sms_unreachable", "Twilio could not be reached.") from exc
        return message.sid
