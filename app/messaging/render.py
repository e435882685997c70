"""Render a delivery for its recipient, inside the recipient's language."""
from __future__ import annotations

import css_inline
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup, escape

from app.i18n import in_language, text_direction
from app.messaging.channels.base import Envelope
from app.messaging.models import Delivery
from app.parents.links import issue_link, link_url

CATEGORY_NAMES = {
    "newsletter": _l("newsletters"),
    "activities": _l("home learning activities"),
    "workshops": _l("workshop invitations"),
    "surveys": _l("questionnaires"),
    "involvement": _l("volunteering and forum news"),
    "general": _l("general news"),
}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(contact_id: int, category: str) -> str:
    """A signed token naming one contact and one category (no expiry: old emails keep working)."""
    return _serializer().dumps([contact_id, category])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(contact_id, category) from a token, or None when it was not made by us."""
    try:
        contact_id, category = _serializer().loads(token)
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


def render(delivery: Delivery) -> Envelope:
    """The envelope for one delivery: content in its language, footer links, unsubscribe headers."""
    message, contact = delivery.message, delivery.contact
    version = message.version(delivery.language) or message.version(message.default_language)
    setting = message.setting
    with in_language(delivery.language):
        if delivery.channel == "sms":
            return Envelope(to=delivery.address, language=delivery.language, setting_id=delivery.setting_id,
                            delivery_id=delivery.id, body_text=version.sms_text or version.body_text)
        family_url = link_url(issue_link(contact))
        headers: dict[str, str] = {}
        unsubscribe = None
        if message.is_bulk:
            unsubscribe = unsubscribe_url(contact.id, message.category)
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        footer = [_("Update your details, your language or how we contact you: %(url)s", url=family_url)]
        if unsubscribe:
            footer.append(_("To stop receiving %(what)s from %(setting)s: %(url)s",
                            what=CATEGORY_NAMES[message.category], setting=setting.name, url=unsubscribe))
        body_text = version.body_text.rstrip() + "\n\n-- \n" + "\n".join(footer) + "\n"
        body = Markup(version.body_html) if version.body_html else _paragraphs(version.body_text)
        html = render_template("messaging/email.html", subject=version.subject, body=body,
                               setting=setting, family_url=family_url, unsubscribe_url=unsubscribe,
                               category=CATEGORY_NAMES.get(message.category), lang=delivery.language,
                               direction=text_direction(delivery.language))
        return Envelope(to=delivery.address, language=delivery.language, subject=version.subject,
                        body_text=body_text, body_html=css_inline.inline(html), sender_name=setting.name,
                        headers=headers, setting_id=delivery.setting_id, delivery_id=delivery.id)
