"""Who on the staff may see which child and contact: one helper per resource."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, exists, or_, select

from app.extensions import db
from app.families.models import Child, ChildContact, Contact
from app.security import owned_or_404, sees_whole_setting


def child_scope(stmt: Select, user=None) -> Select:
    """Limit a query over Child to what `user` may see (their room and key group)."""
    user = user or current_user
    stmt = stmt.where(Child.setting_id == user.setting_id)
    if sees_whole_setting(user):
        return stmt
    conditions = [Child.key_person_id == user.id]
    if user.room_id is not None:
        conditions.append(Child.room_id == user.room_id)
    return stmt.where(or_(*conditions))


def contact_scope(stmt: Select, user=None) -> Select:
    """Limit a query over Contact to contacts of children `user` may see."""
    user = user or current_user
    stmt = stmt.where(Contact.setting_id == user.setting_id)
    if sees_whole_setting(user):
        return stmt
    visible = child_scope(select(Child.id), user).where(Child.id == ChildContact.child_id)
    return stmt.where(
        exists(select(ChildContact.id).where(ChildContact.contact_id == Contact.id, exists(visible)))
    )


def can_see_child(child: Child, user=None) -> bool:
    """True when `user` may see this child's record and contacts."""
    user = user or current_user
    if child.setting_id != user.setting_id:
        return False
    if sees_whole_setting(user):
        return True
    return child.key_person_id == user.id or (user.room_id is not None and child.room_id == user.room_id)


def get_child(child_id: int) -> Child:
    """The child, or 404 (another setting) / 403 (not in the user's room or key group)."""
    child = owned_or_404(db.session.get(Child, child_id))
    if not can_see_child(child):
        abort(403)
    return child


def get_contact(contact_id: int) -> Contact:
    """The contact, or 404 (another setting) / 403 (none of their children visible to the user)."""
    contact = owned_or_404(db.session.get(Contact, contact_id))
    if sees_whole_setting():
        return contact
    if not any(can_see_child(link.child) for link in contact.links):
        abort(403)
    return contact
