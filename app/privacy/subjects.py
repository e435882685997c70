"""Who an export or an erasure is about: one contact, or a family (children and contacts linked together)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.families.models import Child, ChildContact, Contact

CONTACT, FAMILY = "contact", "family"


@dataclass
class Subject:
    """The contacts and children of one request, all in one setting."""

    kind: str
    subject_id: int
    setting_id: int
    contact_ids: set[int] = field(default_factory=set)
    child_ids: set[int] = field(default_factory=set)  # a family's children (a contact's linked children)

    @property
    def label(self) -> str:
        return f"{self.kind} #{self.subject_id}"


def for_contact(contact: Contact) -> Subject:
    """One contact, with the children they are linked to (listed in an export, never erased with them)."""
    children = set(db.session.scalars(select(ChildContact.child_id).where(ChildContact.contact_id == contact.id)))
    return Subject(CONTACT, contact.id, contact.setting_id, {contact.id}, children)


def for_family(child: Child) -> Subject:
    """The child, every contact linked to it, and (through those contacts) their other children, and so on."""
    children, contacts = {child.id}, set()
    frontier_children = {child.id}
    while frontier_children:
        new_contacts = set(db.session.scalars(select(ChildContact.contact_id).where(
            ChildContact.child_id.in_(frontier_children)))) - contacts
        contacts |= new_contacts
        found = set(db.session.scalars(select(ChildContact.child_id).where(
            ChildContact.contact_id.in_(new_contacts)))) if new_contacts else set()
        frontier_children = found - children
        children |= found
    # Only records of the child's own setting (links never cross settings, but be sure).
    contacts = set(db.session.scalars(select(Contact.id).where(
        Contact.id.in_(contacts), Contact.setting_id == child.setting_id))) if contacts else set()
    children = set(db.session.scalars(select(Child.id).where(Child.id.in_(children),
                                                             Child.setting_id == child.setting_id)))
    return Subject(FAMILY, child.id, child.setting_id, contacts, children)
