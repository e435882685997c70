"""Writing to the audit log."""
from __future__ import annotations

from flask_login import current_user

from app.audit.models import AuditEntry
from app.extensions import db


def record(setting_id: int, action: str, obj=None, actor=None, **detail) -> AuditEntry:
    """Append one audit entry; the actor defaults to the logged-in staff member."""
    if actor is None:
        try:
            actor = current_user if current_user.is_authenticated else None
        except (AttributeError, RuntimeError):
            actor = None
    entry = AuditEntry(
        setting_id=setting_id,
        actor_id=getattr(actor, "id", None),
        actor_label=actor.name if actor is not None else detail.pop("actor_label", "system"),
        action=action,
        object_type=obj.__class__.__name__.lower() if obj is not None else None,
        object_id=getattr(obj, "id", None),
        detail=detail,
    )
    db.session.add(entry)
    return entry
