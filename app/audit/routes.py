"""Managers read the audit log."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.security import MANAGER, role_required

bp = Blueprint("audit", __name__, template_folder="templates")
PAGE_SIZE = 100


@bp.get("/audit")
@role_required(MANAGER)
def log():
    """Newest first, filterable by action."""
    action = request.args.get("action", "").strip()[:64]
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = select(AuditEntry).where(AuditEntry.setting_id == current_user.setting_id)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action))
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    entries = db.session.scalars(stmt).all()
    return render_template("audit/log.html", entries=entries[:PAGE_SIZE], action=action, page=page,
                           has_more=len(entries) > PAGE_SIZE)
