"""Public endpoints: Twilio callbacks (signed) and one-click unsubscribe (cookieless)."""
from __future__ import annotations

from functools import wraps
from xml.sax.saxutils import escape

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from app.extensions import csrf, db, limiter, link_limit
from app.families.models import Contact
from app.i18n import in_language
from app.messaging import inbound
from app.messaging.models import PROMOTIONAL_CATEGORIES, Unsubscribe
from app.messaging.render import CATEGORY_NAMES, read_unsubscribe_token

bp = Blueprint("webhooks", __name__, template_folder="templates")
csrf.exempt(bp)


def public_url() -> str:
    """The URL Twilio called, on the configured public base URL (so signatures hold behind a proxy)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    query = request.query_string.decode()
    return base + request.path + (f"?{query}" if query else "")


def twilio_signed(view):
    """403 unless X-Twilio-Signature is valid for the public URL and the posted parameters."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        token = current_app.config.get("TWILIO_AUTH_TOKEN")
        signature = request.headers.get("X-Twilio-Signature", "")
        if not token or not signature or not RequestValidator(token).validate(
                public_url(), request.form.to_dict(), signature):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _twiml(text: str | None = None):
    body = f"<Message>{escape(text)}</Message>" if text else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>', 200,
            {"Content-Type": "text/xml; charset=utf-8"})


@bp.post("/webhooks/twilio/status")
@twilio_signed
def twilio_status():
    """Delivery status from Twilio: moves a row forward only."""
    sid = request.form.get("MessageSid") or request.form.get("SmsSid")
    if sid:
        inbound.apply_status(sid, request.form.get("MessageStatus", ""), request.form.get("ErrorCode"))
        db.session.commit()
    return "", 204


@bp.post("/webhooks/twilio/inbound")
@twilio_signed
def twilio_inbound():
    """A text from a parent: STOP/START/HELP, or a reply kept for staff."""
    word, contacts = inbound.receive(request.form.get("From", ""), request.form.get("Body", ""),
                                     request.form.get("MessageSid"))
    db.session.commit()
    known = [c for c in contacts if not c.restricted]
    if word != "HELP" or not known:
        return _twiml()  # Twilio answers STOP/START itself; replies need no answer
    contact = known[0]
    setting = contact.setting
    with in_language(contact.language):
        text = _("%(setting)s: for help call %(phone)s or email %(email)s. Reply STOP to stop texts.",
                 setting=setting.name, phone=setting.phone or "-", email=setting.email or "-")
    return _twiml(text)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@limiter.limit(link_limit)
def unsubscribe(token: str):
    """GET: ask to confirm (changes nothing). POST (one-click, RFC 8058): unsubscribe, 200, no redirect."""
    found = read_unsubscribe_token(token)
    contact = db.session.get(Contact, found[0]) if found else None
    if contact is None:
        return render_template("messaging/unsubscribe.html", state="invalid"), 404
    g.parent_language, g.setting = contact.language, contact.setting
    category = found[1]
    what = CATEGORY_NAMES[category]
    if request.method == "GET":
        return render_template("messaging/unsubscribe.html", state="confirm", what=what, token=token)
    if not db.session.scalar(select(Unsubscribe.id).where(Unsubscribe.contact_id == contact.id,
                                                          Unsubscribe.category == category)):
        db.session.add(Unsubscribe(setting_id=contact.setting_id, contact_id=contact.id, category=category))
        from app.audit.services import record

        record(contact.setting_id, "messaging.unsubscribe", contact, category=category)
        if category in PROMOTIONAL_CATEGORIES:  # unsubscribing from promotions withdraws the consent (PECR)
            from app.privacy.consents import set_consent
            from app.privacy.models import HOW_UNSUBSCRIBE

            set_consent(contact, "promotional", False, HOW_UNSUBSCRIBE, label="unsubscribe link")
        db.session.commit()
    return render_template("messaging/unsubscribe.html", state="done", what=what), 200
