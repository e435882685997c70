"""Use-cases of saved lists: the setting's lists, searching contacts, changing membership."""
from __future__ import annotations

from sqlalchemy import delete, select

from app.extensions import db
from app.families.models import Child, ChildContact, Contact
from app.lists.models import SavedList, SavedListMember


def lists_for(setting_id: int) -> list[SavedList]:
    """The setting's saved lists by name."""
    return list(db.session.scalars(select(SavedList).where(SavedList.setting_id == setting_id)
                                   .order_by(SavedList.name, SavedList.id)))


def search_contacts(setting_id: int, room_id: int | None = None, language: str | None = None,
                    text: str = "") -> list[Contact]:
    """The setting's contacts, filtered by their children's room, their language and a name search."""
    q = select(Contact).where(Contact.setting_id == setting_id)
    if room_id:
        q = q.where(Contact.id.in_(select(ChildContact.contact_id).join(Child, Child.id == ChildContact.child_id)
                                   .where(Child.room_id == room_id, Child.setting_id == setting_id)))
    if language:
        q = q.where(Contact.language == language)
    if text.strip():
        like = f"%{text.strip()}%"
        q = q.where((Contact.first_name.ilike(like)) | (Contact.last_name.ilike(like)))
    return list(db.session.scalars(q.order_by(Contact.last_name, Contact.first_name, Contact.id).limit(500)))


def member_ids(saved_list: SavedList) -> set[int]:
    """Ids of the list's contacts."""
    return set(db.session.scalars(select(SavedListMember.contact_id).where(
        SavedListMember.list_id == saved_list.id)))


def members(saved_list: SavedList) -> list[Contact]:
    """The list's contacts by name."""
    return list(db.session.scalars(
        select(Contact).join(SavedListMember, SavedListMember.contact_id == Contact.id)
        .where(SavedListMember.list_id == saved_list.id)
        .order_by(Contact.last_name, Contact.first_name, Contact.id)))


def add_contacts(saved_list: SavedList, contact_ids: list[int]) -> int:
    """Add the setting's contacts among `contact_ids` (others are ignored); returns how many were new."""
    wanted = set(db.session.scalars(select(Contact.id).where(
        Contact.setting_id == saved_list.setting_id, Contact.id.in_(contact_ids)))) if contact_ids else set()
    new = wanted - member_ids(saved_list)
    for cid in sorted(new):
        db.session.add(SavedListMember(list_id=saved_list.id, contact_id=cid))
    db.session.flush()
    return len(new)


def remove_contacts(saved_list: SavedList, contact_ids: list[int]) -> None:
    """Take contacts off the list."""
    if contact_ids:
        db.session.execute(delete(SavedListMember).where(SavedListMember.list_id == saved_list.id,
                                                         SavedListMember.contact_id.in_(contact_ids)))
        db.session.flush()
