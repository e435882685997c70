"""Preview an issue exactly as one contact would receive it, and send a test copy to a member of staff."""
from __future__ import annotations

from dataclasses import dataclass

from app.extensions import db
from app.messaging.channels import Envelope, SendError, get_channel
from app.messaging.costs import LanguageCost, sms_costs
from app.messaging.models import Delivery
from app.messaging.render import render
from app.messaging.services import create_message
from app.newsletters.models import Issue
from app.newsletters.services import _content, messaging_audience


@dataclass
class Preview:
    """What one contact would get: the email envelope, the text message and what it costs."""

    email: Envelope
    sms: Envelope
    cost: LanguageCost
    language: str


def preview(issue: Issue, contact, language: str) -> Preview:
    """Render the issue for `contact` in `language` (every written version, approved or not) without
    keeping anything: the message and links made for it are rolled back."""
    versions = {v.language: _content(issue, v) for v in issue.versions if v.title.strip()}
    if issue.setting.default_language not in versions:
        raise ValueError("no default version")
    used = language if language in versions else issue.setting.default_language
    nested = db.session.begin_nested()
    try:
        message = create_message(issue.setting, category="newsletter", channels="both",
                                 audience=messaging_audience(issue), versions=versions,
                                 link_purpose="newsletter", link_scope_id=issue.id)
        envelopes = {}
        for channel in ("email", "sms"):
            delivery = Delivery(setting_id=issue.setting_id, message=message, contact=contact,
                                contact_id=contact.id, channel=channel, language=used,
                                address=(contact.email if channel == "email" else contact.mobile) or "-")
            envelopes[channel] = render(delivery)
            if delivery in db.session:
                db.session.expunge(delivery)
    finally:
        nested.rollback()
    [cost] = sms_costs({used: envelopes["sms"].body_text})
    return Preview(envelopes["email"], envelopes["sms"], cost, used)


def send_test(issue: Issue, contact, language: str, to: str) -> str | None:
    """Email the preview to `to` (a member of staff); returns an error text, or None when sent."""
    envelope = preview(issue, contact, language).email
    envelope.to = to
    envelope.subject = "[TEST] " + envelope.subject
    envelope.delivery_id = None
    channel = get_channel("email")
    try:
        channel.send(envelope)
    except SendError as exc:
        return exc.detail
    finally:
        channel.close()
    return None
