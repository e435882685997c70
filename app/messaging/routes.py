"""Staff pages of messaging: messages and their delivery reports, SMS replies, the development outbox."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.messaging import labels, report
from app.messaging.models import Delivery, DevOutboxItem, InboundSms, Message
from app.security import MANAGER, PICO, owned_or_404, role_required

bp = Blueprint("messaging", __name__, template_folder="templates")
bp.record_once(labels.register_filters)
STAFF = (MANAGER, PICO)


@bp.get("/messages")
@role_required(*STAFF)
def messages():
    """Messages of this setting, newest first."""
    rows = db.session.scalars(select(Message).where(Message.setting_id == current_user.setting_id)
                              .order_by(Message.created_at.desc(), Message.id.desc()).limit(200)).all()
    return render_template("messaging/messages.html", messages=rows)


@bp.get("/messages/<int:message_id>")
@role_required(*STAFF)
def delivery_report(message_id: int):
    """Counts by status, channel and language; failed and left-out contacts with reasons; progress."""
    message = owned_or_404(db.session.get(Message, message_id))
    return render_template(
        "messaging/report.html", message=message, progress=report.progress(message_id),
        by_channel=report.breakdown(message_id, Delivery.channel),
        by_language=report.breakdown(message_id, Delivery.language),
        fallbacks=report.fallback_count(message_id), problems=report.problem_rows(message_id),
        languages=current_app.config["LANGUAGES"])


@bp.get("/messages/<int:message_id>/progress.json")
@role_required(*STAFF)
def delivery_progress(message_id: int):
    """The progress bar's numbers, for the page's small script."""
    message = owned_or_404(db.session.get(Message, message_id))
    return jsonify(status=message.status, status_label=labels.code_label(labels.MESSAGE_STATUS, message.status),
                   **report.progress(message_id))


@bp.get("/messages/replies")
@role_required(*STAFF)
def replies():
    """Texts parents sent back, newest first."""
    rows = db.session.scalars(select(InboundSms).where(InboundSms.setting_id == current_user.setting_id)
                              .order_by(InboundSms.received_at.desc()).limit(200)).all()
    return render_template("messaging/replies.html", replies=rows)


@bp.get("/outbox")
@role_required(*STAFF)
def dev_outbox():
    """Outbox (development): what each parent would have received, when no SMTP/Twilio is configured."""
    items = db.session.scalars(select(DevOutboxItem).where(DevOutboxItem.setting_id == current_user.setting_id)
                               .order_by(DevOutboxItem.id.desc()).limit(200)).all()
    return render_template("messaging/outbox.html", items=items)


@bp.get("/outbox/<int:item_id>")
@role_required(*STAFF)
def dev_outbox_item(item_id: int):
    """One stored message, as the parent would see it."""
    item = owned_or_404(db.session.get(DevOutboxItem, item_id))
    return render_template("messaging/outbox_item.html", item=item)
