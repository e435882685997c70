"""Render a delivery for its recipient, inside the recipient's language."""
from __future__ import annotations

import hmac

import css_inline
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, Signer, URLSafeSerializer
from itsdangerous.encoding import base64_encode, want_bytes
from markupsafe import Markup, escape

from app.i18n import in_language, text_direction
from app.messaging.channels.base import Envelope
from app.messaging.models import Delivery
from app.parents.links import FAMILY, issue_link, link_url
from app.parents.links import issue_links as issue_links_for

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

    The same token as `URLSafeSerializer.dumps`, which builds a new signer (and derives its key)
    for every token: a cost paid per email of a bulk send."""
    serializer, signer = _serializer()
    return signer.sign(serializer.dump_payload([contact_id, category])).decode()


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


def _children_names(delivery: Delivery) -> str:
    """First names of the recipient's children in the message's audience ("Amira, Jan")."""
    from app.messaging.outbox import audience_children

    return ", ".join(c.first_name for c in audience_children(delivery.message, delivery.contact_id))


def _personal_links(delivery: Delivery, text: str) -> dict[str, str]:
    """Each link mark found in `text`, and this recipient's own URL for it (issued only when used)."""
    message = delivery.message
    marks = {}
    if delivery.contact is None:  # staff: no parent links
        return marks
    if FAMILY_MARK in text:
        marks[FAMILY_MARK] = link_url(issue_link(delivery.contact))
    if PERSONAL_LINK in text and message.link_purpose:
        marks[PERSONAL_LINK] = link_url(issue_link(delivery.contact, message.link_purpose, message.link_scope_id))
    return marks


def _staff_email_body(message, language: str) -> tuple[str, str, str]:
    """(subject, text, HTML) of a message to staff: the text as written, no parent footer."""
    version = message.version(language) or message.version(message.default_language)
    body = Markup(version.body_html) if version.body_html else _paragraphs(version.body_text)
    html = Markup('<!doctype html><html lang="%s"><head><meta charset="utf-8"><title>%s</title></head>'
                  '<body>%s</body></html>') % (language, version.subject, body)
    return version.subject, version.body_text.rstrip() + "\n", str(html)


def _email_body(message, language: str) -> tuple[str, str, str]:
    """(subject, text, inlined HTML) of a message in one language, with marks where personal links go."""
    version = message.version(language) or message.version(message.default_language)
    setting = message.setting
    if (message.audience or {}).get("staff"):
        return _staff_email_body(message, language)
    unsubscribe = UNSUBSCRIBE_MARK if message.is_bulk else None
    with in_language(language):
        footer = [_("Update your details, your language or how we contact you: %(url)s", url=FAMILY_MARK),
                  _("Tell us what you think: %(url)s", url=FAMILY_MARK + "#feedback")]
        if unsubscribe:
            footer.append(_("To stop receiving %(what)s from %(setting)s: %(url)s",
                            what=CATEGORY_NAMES[message.category], setting=setting.name, url=unsubscribe))
        body_text = version.body_text.rstrip() + "\n\n-- \n" + "\n".join(footer) + "\n"
        body = Markup(version.body_html) if version.body_html else _paragraphs(version.body_text)
        html = render_template("messaging/email.html", subject=version.subject, body=body,
                               setting=setting, family_url=FAMILY_MARK, unsubscribe_url=unsubscribe,
                               category=CATEGORY_NAMES.get(message.category), lang=language,
                               direction=text_direction(language))
    return version.subject, body_text, css_inline.inline(html)


def _marked_text(delivery: Delivery, cache: dict) -> str:
    """The text of a delivery (before its personal links are put in) where link marks may appear."""
    message = delivery.message
    if delivery.channel == "sms":
        version = message.version(delivery.language) or message.version(message.default_language)
        return version.sms_text or version.body_text
    subject, text, html = _cached_body(message, delivery.language, cache)
    return text + html


def _cached_body(message, language: str, cache: dict) -> tuple[str, str, str]:
    key = (message.id, language)
    if key not in cache:
        cache[key] = _email_body(message, language)
    return cache[key]


def issue_links(deliveries: list[Delivery], cache: dict) -> dict[int, dict[str, str]]:
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
        text, message = _marked_text(delivery, cache), delivery.message
        if FAMILY_MARK in text:
            wanted.setdefault((FAMILY_MARK, FAMILY, None), []).append(delivery)
        if PERSONAL_LINK in text and message.link_purpose:
            wanted.setdefault((PERSONAL_LINK, message.link_purpose, message.link_scope_id), []).append(delivery)
    for (mark, purpose, scope_id), group in wanted.items():
        tokens = issue_links_for([d.contact for d in group], purpose, scope_id)
        for delivery, token in zip(group, tokens):
            found[delivery.id][mark] = link_url(token)
    return found


def render(delivery: Delivery, cache: dict | None = None, links: dict[str, str] | None = None) -> Envelope:
    """The envelope for one delivery: content in its language, personal links, unsubscribe headers.

    The language's body is rendered (and its CSS inlined) once per `cache`; each recipient's own
    links (issued beforehand by `issue_links`, else here) are then put in place."""
    message = delivery.message
    if delivery.channel == "sms":
        version = message.version(delivery.language) or message.version(message.default_language)
        text = version.sms_text or version.body_text
        for mark, url in (_personal_links(delivery, text) if links is None else links).items():
            text = text.replace(mark, url)
        if CHILDREN_MARK in text:
            text = text.replace(CHILDREN_MARK, _children_names(delivery))
        return Envelope(to=delivery.address, language=delivery.language, setting_id=delivery.setting_id,
                        delivery_id=delivery.id, body_text=text)
    cache = {} if cache is None else cache
    subject, text, html = _cached_body(message, delivery.language, cache)
    headers: dict[str, str] = {}
    for mark, url in (_personal_links(delivery, text + html) if links is None else links).items():
        text, html = text.replace(mark, url), html.replace(mark, str(escape(url)))
    if CHILDREN_MARK in text or CHILDREN_MARK in html:
        names = _children_names(delivery)
        text, html = text.replace(CHILDREN_MARK, names), html.replace(CHILDREN_MARK, str(escape(names)))
    if message.is_bulk:
        unsubscribe = unsubscribe_url(delivery.contact_id, message.category)
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        text, html = text.replace(UNSUBSCRIBE_MARK, unsubscribe), html.replace(UNSUBSCRIBE_MARK, str(escape(unsubscribe)))
    return Envelope(to=delivery.address, language=delivery.language, subject=subject, body_text=text,
                    body_html=html, sender_name=message.setting.name, headers=headers,
                    setting_id=delivery.setting_id, delivery_id=delivery.id,
                    attachments=list(message.attachments or []))
