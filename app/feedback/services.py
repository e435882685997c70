"""Use-cases of feedback: take it in (parent, public form, staff), triage it, reply through messaging."""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.clock import utcnow
from app.extensions import db
from app.feedback.models import ANONYMOUS_KINDS, KINDS, MAX_TEXT, ROUTES, STATUSES, FeedbackItem, FeedbackReply
from app.i18n import _s, in_language

# Markup or script a parent's text never needs: tags, javascript: URLs, inline event handlers.
_CODE = re.compile(r"<[a-zA-Z/!?]|javascript\s*:|\bon[a-z]+\s*=", re.IGNORECASE)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str | None) -> str:
    """Text without control characters (NUL cannot be stored in PostgreSQL), stripped."""
    return _CONTROL.sub("", text or "").strip()


class Refused(ValueError):
    """Input refused; the message is shown to the person who sent it."""


def check_text(text: str | None) -> str:
    """The text, stripped; Refused when empty, oversize or carrying markup/script."""
    text = clean(text)
    if not text:
        raise Refused(_("Please write your message."))
    if len(text) > MAX_TEXT:
        raise Refused(_("Please keep your message under %(max)s characters.", max=MAX_TEXT))
    if _CODE.search(text):
        raise Refused(_("Please remove code or web tags (such as < and >) from your message."))
    return text


def submit(setting_id: int, *, kind: str, body: str, route: str, language: str | None,
           contact=None, given_name: str | None = None, anonymous: bool = False,
           logged_by=None, received_at: datetime | None = None) -> FeedbackItem:
    """Record one piece of feedback. Anonymous items keep no contact, no name (and never an IP)."""
    if kind not in KINDS:
        raise Refused(_("Please choose what kind of feedback it is."))
    if anonymous and kind not in ANONYMOUS_KINDS:
        raise Refused(_("Only suggestions and comments can be sent anonymously."))
    item = FeedbackItem(setting_id=setting_id, kind=kind, route=route, body=check_text(body),
                        language=language, anonymous=anonymous,
                        contact_id=None if anonymous or contact is None else contact.id,
                        given_name=None if anonymous else (clean(given_name)[:120] or None),
                        logged_by_id=logged_by.id if logged_by else None,
                        received_at=received_at or utcnow(), status="new")
    db.session.add(item)
    db.session.flush()
    return item


def inbox(setting_id: int, *, status: str | None = None, kind: str | None = None,
          owner_id: int | None = None, route: str | None = None, only_for=None) -> list[FeedbackItem]:
    """Items of a setting, newest first, filtered."""
    query = select(FeedbackItem).where(FeedbackItem.setting_id == setting_id)
    if status in STATUSES:
        query = query.where(FeedbackItem.status == status)
    if kind == "complaint":
        query = query.where(FeedbackItem.is_complaint.is_(True))
    elif kind in KINDS:
        query = query.where(FeedbackItem.kind == kind)
    if owner_id:
        query = query.where(FeedbackItem.owner_id == owner_id)
    if route in ROUTES:
        query = query.where(FeedbackItem.route == route)
    if only_for is not None:
        query = query.where((FeedbackItem.owner_id == only_for.id) | (FeedbackItem.logged_by_id == only_for.id))
    return list(db.session.scalars(query.order_by(FeedbackItem.received_at.desc(), FeedbackItem.id.desc())))


def update_triage(item: FeedbackItem, *, status: str, owner_id: int | None, translation: str | None,
                  actor) -> list[str]:
    """Change status, owner and the staff translation; returns the names of what changed (audited)."""
    changed = []
    if status in STATUSES and status != item.status:
        item.status = status
        changed.append("status")
    if owner_id != item.owner_id:
        item.owner_id = owner_id
        changed.append("owner")
    translation = clean(translation) or None
    if translation != item.translation:
        item.translation = translation
        changed.append("translation")
    if changed:
        record(item.setting_id, "feedback.updated", item, actor=actor, fields=changed)
    db.session.flush()
    return changed


def can_reply(item: FeedbackItem) -> bool:
    """A reply needs a known parent (never for anonymous or public unnamed items)."""
    return item.contact is not None and not item.anonymous


def send_to_parent(item: FeedbackItem, subject, paragraphs, created_by=None) -> int:
    """Send a personal message to the item's parent in their language (and the setting's default
    language as everyone's fallback) through the messaging core; returns the message id.

    `subject()` and `paragraphs(language)` return the heading and the body text, called inside
    each language so gettext translates them."""
    from app.messaging.services import create_message, send_now

    contact = item.contact
    setting = contact.setting
    versions = {}
    for language in {contact.language, setting.default_language}:
        with in_language(language):
            versions[language] = {"subject": subject(),
                                  "body_text": paragraphs(language)}
            versions[language]["sms_text"] = versions[language]["subject"] + "\n" + versions[language]["body_text"]
    message = create_message(setting, category="personal", channels=contact.channels or "both",
                             audience={"contacts": [contact.id]}, versions=versions,
                             audience_label=contact.full_name, created_by=created_by)
    send_now(message.id)
    return message.id


def reply(item: FeedbackItem, text: str, translated: str | None, actor) -> FeedbackReply:
    """Reply to the parent by their channel and language: the staff text (or its translation into
    the parent's language) under a translated heading."""
    if not can_reply(item):
        raise Refused(_s("This feedback has no parent to reply to."))
    text = check_text(text)
    translated = check_text(translated) if (translated or "").strip() else None
    contact_language = item.contact.language

    def body(language: str) -> str:
        return translated if translated and language == contact_language else text

    message_id = send_to_parent(item, lambda: _("A reply to your feedback"), body, created_by=actor)
    entry = FeedbackReply(setting_id=item.setting_id, item_id=item.id, author_id=actor.id, body=text,
                          message_id=message_id)
    db.session.add(entry)
    if item.status == "new":
        item.status = "acknowledged"
    record(item.setting_id, "feedback.replied", item, actor=actor, message_id=message_id)
    db.session.flush()
    return entry


def you_said_we_did(setting, texts: dict[str, str], actor) -> int:
    """Send the PICO's 'You said, we did' summary to every family (messaging core, category general):
    `texts` maps language codes to the summary; the setting's own language is required (the fallback)."""
    from app.messaging.services import create_message, send_now

    versions = {}
    for language, text in texts.items():
        if not (text or "").strip():
            continue
        with in_language(language):
            versions[language] = {"subject": _("You said, we did"), "body_text": check_text(text)}
    message = create_message(setting, category="general", channels="email", audience={"all": True},
                             versions=versions, audience_label="All families", created_by=actor)
    record(setting.id, "feedback.you_said_we_did", message, actor=actor, languages=sorted(versions))
    db.session.commit()
    send_now(message.id)
    return message.id
