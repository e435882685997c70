"""Render a delivery for its recipient, inside the recipient's language."""
from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import css_inline
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, Signer, URLSafeSerializer
from itsdangerous.encoding import base64_encode, want_bytes
from markupsafe import Markup, escape

from app.i18n import in_language, text_direction
from app.messaging import mime
from app.messaging.channels.base import Envelope
from app.messaging.models import BULK_CATEGORIES, Delivery
from app.parents.links import FAMILY, issue_link, link_url, link_urls
from app.parents.links import issue_links as issue_links_for

if TYPE_CHECKING:
    from app.messaging.dispatch import Outgoing

CATEGORY_NAMES = {
    "newsletter": _l("newsletters"),
    "activities": _l("home learning activities"),
    "workshops": _l("workshop invitations"),
    "surveys": _l("questionnaires"),
    "involvement": _l("volunteering and forum news"),
    "general": _l("general news"),
    "promotional": _l("offers and fundraising news"),
}


class _KeptKeySigner(Signer):
    """itsdangerous' signer (HMAC of the derived key), keeping the keyed HMAC it signs with: itsdangerous
    derives the key and keys a new HMAC for every signature. Verifying is left as it is."""

    def get_signature(self, value: str | bytes) -> bytes:
        if not hasattr(self, "_keyed"):
            self._keyed = hmac.new(self.derive_key(), digestmod=self.digest_method)
        mac = self._keyed.copy()
        mac.update(want_bytes(value))
        return base64_encode(mac.digest())


_serializers: dict[str, tuple[URLSafeSerializer, Signer]] = {}


def _serializer() -> tuple[URLSafeSerializer, Signer]:
    """The unsubscribe serializer and its signer, built once per secret key."""
    key = current_app.config["SECRET_KEY"]
    if key not in _serializers:
        serializer = URLSafeSerializer(key, salt="unsubscribe", signer=_KeptKeySigner)
        _serializers[key] = serializer, serializer.make_signer()
    return _serializers[key]


def unsubscribe_token(contact_id: int, category: str) -> str:
    """A signed token naming one contact and one category (no expiry: old emails keep working).

    The token `URLSafeSerializer.dumps` gives, made directly: itsdangerous builds a new signer (and
    derives its key) for every token, a new JSON encoder for every payload, and tries compressing the
    payload with zlib, keeping the result when shorter (for contact ids of up to 10 digits it never
    is): costs paid per email of a bulk send. `loads` reads it (and a compressed one)."""
    signer = _serializer()[1]
    return signer.sign(base64_encode(f"[{contact_id:d},{json.dumps(category)}]")).decode()


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(contact_id, category) from a token, or None when it was not made by us."""
    try:
        contact_id, category = _serializer()[0].loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(contact_id, int) or category not in CATEGORY_NAMES:
        return None
    return contact_id, category


def unsubscribe_url(contact_id: int, category: str) -> str:
    """The one-click unsubscribe URL on the public base URL."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/unsubscribe/{unsubscribe_token(contact_id, category)}"


def _paragraphs(text: str) -> Markup:
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return Markup("\n").join(Markup("<p>%s</p>") % Markup("<br>").join(escape(line) for line in p.split("\n"))
                             for p in parts)


FAMILY_MARK = "https://homelink.invalid/family-link"
UNSUBSCRIBE_MARK = "https://homelink.invalid/unsubscribe-link"
# Features put this in a message's text where each recipient's own link goes (see Message.link_purpose).
PERSONAL_LINK = "https://homelink.invalid/personal-link"
# Features put this where the names of the recipient's children the message is about go (per-child audiences).
CHILDREN_MARK = "[[children]]"
MARKS = (FAMILY_MARK, UNSUBSCRIBE_MARK, PERSONAL_LINK, CHILDREN_MARK)


def _children_names(delivery: Delivery | Outgoing) -> str:
    """First names of the recipient's children in the message's audience ("Amira, Jan")."""
    from app.messaging.outbox import audience_children

    return ", ".join(c.first_name for c in audience_children(delivery.message, delivery.contact_id))


def _personal_links(delivery: Delivery | Outgoing, marks: set[str]) -> dict[str, str]:
    """Each link mark of `marks`, and this recipient's own URL for it (issued only when used)."""
    message = delivery.message
    urls: dict[str, str] = {}
    if delivery.contact is None:  # staff: no parent links
        return urls
    if FAMILY_MARK in marks:
        urls[FAMILY_MARK] = link_url(issue_link(delivery.contact))
    if PERSONAL_LINK in marks and message.link_purpose:
        urls[PERSONAL_LINK] = link_url(issue_link(delivery.contact, message.link_purpose, message.link_scope_id))
    return urls


def _staff_email_body(language: str, subject: str, body_text: str, body_html: str | None) -> tuple[str, str, str]:
    """(subject, text, HTML) of a message to staff: the text as written, no parent footer."""
    body = Markup(body_html) if body_html else _paragraphs(body_text)
    html = Markup('<!doctype html><html lang="%s"><head><meta charset="utf-8"><title>%s</title></head>'
                  '<body>%s</body></html>') % (language, subject, body)
    return subject, body_text.rstrip() + "\n", str(html)


def _email_body(language: str, subject: str, body_text: str, body_html: str | None, setting_name: str,
                category: str) -> tuple[str, str, str]:
    """(subject, text, inlined HTML) of a message in one language, with marks where personal links go."""
    unsubscribe = UNSUBSCRIBE_MARK if category in BULK_CATEGORIES else None
    with in_language(language):
        footer = [_("Update your details, your language or how we contact you: %(url)s", url=FAMILY_MARK),
                  _("Tell us what you think: %(url)s", url=FAMILY_MARK + "#feedback")]
        if unsubscribe:
            footer.append(_("To stop receiving %(what)s from %(setting)s: %(url)s",
                            what=CATEGORY_NAMES[category], setting=setting_name, url=unsubscribe))
        text = body_text.rstrip() + "\n\n-- \n" + "\n".join(footer) + "\n"
        body = Markup(body_html) if body_html else _paragraphs(body_text)
        html = render_template("messaging/email.html", subject=subject, body=body,
                               setting_name=setting_name, family_url=FAMILY_MARK, unsubscribe_url=unsubscribe,
                               category=CATEGORY_NAMES.get(category), lang=language,
                               direction=text_direction(language))
    return subject, text, css_inline.inline(html)


@dataclass(frozen=True)
class Body:
    """One language's email, rendered once per batch: text and HTML with marks where each recipient's own
    parts go, as templates (filling one re-renders nothing, and its encoding re-encodes only those lines)."""

    subject: str
    text: mime.Template
    html: mime.Template

    @property
    def marks(self) -> set[str]:
        """The marks found in the text or the HTML."""
        return {*self.text.marks, *self.html.marks}


def _marks(delivery: Delivery | Outgoing, cache: dict) -> set[str]:
    """The marks in a delivery's content (before its personal parts are put in)."""
    message = delivery.message
    if delivery.channel == "sms":
        version = message.version(delivery.language) or message.version(message.default_language)
        return {mark for mark in MARKS if mark in (version.sms_text or version.body_text)}
    return _cached_body(message, delivery.language, cache).marks


def _cached_body(message, language: str, cache: dict) -> Body:
    """The message's body in `language`, looked up once per `cache` (a batch)."""
    key = (message.id, language)
    if key not in cache:
        version = message.version(language) or message.version(message.default_language)
        cache[key] = _body(language, version.subject, version.body_text, version.body_html, message.setting.name,
                           message.category, bool((message.audience or {}).get("staff")))
    return cache[key]


@lru_cache(maxsize=16)
def _body(language: str, subject: str, body_text: str, body_html: str | None, setting_name: str, category: str,
          staff: bool) -> Body:
    """A body made from exactly these: rendered (and its CSS inlined and its lines encoded) once in a
    worker for all the batches of a message, and never stale (changed content is another key)."""
    if staff:
        subject, text, html = _staff_email_body(language, subject, body_text, body_html)
    else:
        subject, text, html = _email_body(language, subject, body_text, body_html, setting_name, category)
    return Body(subject, mime.Template(text, MARKS), mime.Template(html, MARKS))


def issue_links(deliveries: list[Outgoing], cache: dict) -> dict[int, dict[str, str]]:
    """Each delivery's personal links (mark → URL), issued with one INSERT per purpose (not committed).

    Restricted contacts get none (they are not sent to)."""
    wanted: dict[tuple, list[Delivery]] = {}
    found: dict[int, dict[str, str]] = {}
    for delivery in deliveries:
        if delivery.contact is None:  # staff: no personal links
            found[delivery.id] = {}
            continue
        if delivery.contact.restricted:
            continue
        found[delivery.id] = {}
        marks, message = _marks(delivery, cache), delivery.message
        if FAMILY_MARK in marks:
            wanted.setdefault((FAMILY_MARK, FAMILY, None), []).append(delivery)
        if PERSONAL_LINK in marks and message.link_purpose:
            wanted.setdefault((PERSONAL_LINK, message.link_purpose, message.link_scope_id), []).append(delivery)
    for (mark, purpose, scope_id), group in wanted.items():
        urls = link_urls(issue_links_for([d.contact for d in group], purpose, scope_id))
        for delivery, url in zip(group, urls):
            found[delivery.id][mark] = url
    return found


def render(delivery: Delivery | Outgoing, cache: dict | None = None, links: dict[str, str] | None = None
           ) -> Envelope:
    """The envelope for one delivery: content in its language, personal links, unsubscribe headers.

    The language's body is rendered (and its CSS inlined) once per `cache`; each recipient's own
    parts (links issued beforehand by `issue_links`, else here) are then put in place."""
    message = delivery.message
    if delivery.channel == "sms":
        version = message.version(delivery.language) or message.version(message.default_language)
        text = version.sms_text or version.body_text
        marks = {mark for mark in MARKS if mark in text}
        for mark, url in (_personal_links(delivery, marks) if links is None else links).items():
            text = text.replace(mark, url)
        if CHILDREN_MARK in marks:
            text = text.replace(CHILDREN_MARK, _children_names(delivery))
        return Envelope(to=delivery.address, language=delivery.language, setting_id=delivery.setting_id,
                        delivery_id=delivery.id, body_text=text)
    body = _cached_body(message, delivery.language, {} if cache is None else cache)
    values = dict(_personal_links(delivery, body.marks) if links is None else links)
    if CHILDREN_MARK in body.marks:
        values[CHILDREN_MARK] = _children_names(delivery)
    headers: dict[str, str] = {}
    if message.is_bulk:
        values[UNSUBSCRIBE_MARK] = unsubscribe = unsubscribe_url(delivery.contact_id, message.category)
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return Envelope(to=delivery.address, language=delivery.language, subject=body.subject,
                    body_text=body.text.fill(values),
                    body_html=body.html.fill({mark: str(escape(value)) for mark, value in values.items()}),
                    sender_name=message.setting.name, headers=headers,
                    setting_id=delivery.setting_id, delivery_id=delivery.id,
                    attachments=list(message.attachments or []))
