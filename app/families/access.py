"""Who on the staff may see which child and contact: one helper per resource."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, exists, or_, select

from app.extensions import db
from app.families.models import Child, ChildContact, Contact
from app.security import KEY_PERSON, owned_or_404, sees_whole_setting


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


def can_edit_child(user=None) -> bool:
    """Only managers and PICOs add and change children's records."""
    return sees_whole_setting(user or current_user)


def is_key_person_of(child: Child, user=None) -> bool:
    """True when `user` is a key person and this child is in their key group."""
    user = user or current_user
    return user.role == KEY_PERSON and child.key_person_id == user.id and child.setting_id == user.setting_id


def can_edit_contact(contact: Contact, user=None) -> bool:
    """Managers and PICOs edit any contact; a key person the contacts of their own key children."""
    user = user or current_user
    if contact.setting_id != user.setting_id:
        return False
    if sees_whole_setting(user):
        return True
    return any(is_key_person_of(link.child, user) for link in contact.links)


def can_edit_link(link: ChildContact, user=None) -> bool:
    """Who may link, unlink or change how a contact relates to this child."""
    user = user or current_user
    return sees_whole_setting(user) or is_key_person_of(link.child, user)


def get_editable_contact(contact_id: int) -> Contact:
    """The contact for an edit, or 404 (another setting) / 403 (not theirs to change)."""
    contact = get_contact(contact_id)
    if not can_edit_contact(contact):
        abort(403)
    return contact


def visible_links(contact: Contact, user=None) -> list[ChildContact]:
    """The contact's links to children `user` may see (siblings elsewhere stay hidden)."""
    user = user or current_user
    links = [link for link in contact.links if can_see_child(link.child, user)]
    return sorted(links, key=lambda link: (link.child.first_name, link.child.last_name, link.id))
