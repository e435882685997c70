"""Writes for rooms, children, contacts and their links: checked, audited, flushed (the request commits).

Services take a validated form and add messages to its fields when the data cannot be saved;
they return the saved record, or None when the form must be shown again.
"""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.audit.services import record
from app.clock import utcnow
from app.extensions import db
from app.families import sessions
from app.families.contact_details import InvalidDetail, normalise_email, normalise_mobile
from app.families.forms import ChildForm, ContactForm, LinkForm, RoomForm
from app.families.models import CONSENTS, Child, ChildContact, Contact, Room
from app.i18n import _s
from app.parents import links
from app.privacy.crypto import seal
from app.settings.models import Setting

CHILD_FIELDS = ("first_name", "last_name", "date_of_birth", "room_id", "key_person_id", "start_date",
                "leaving_date", "external_id")
CONTACT_FIELDS = ("first_name", "last_name", "email", "mobile", "language", "channels", "external_id",
                  *(f"consent_{name}" for name in CONSENTS))
LINK_FIELDS = ("relationship_label", "parental_responsibility", "priority", "authorised_to_collect",
               "collection_password_note")


def local_today(setting: Setting) -> date:
    """Today's date where the setting is (a child leaves at the end of their leaving day)."""
    try:
        zone = ZoneInfo(setting.timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("Europe/London")
    return utcnow().astimezone(zone).date()


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _apply(obj, values: dict) -> list[str]:
    """Set the changed attributes; return their names (never their values)."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


# Rooms ------------------------------------------------------------------------------------------

def save_room(setting_id: int, form: RoomForm, room: Room | None = None) -> Room | None:
    """Add a room or rename one; names are unique within the setting (ignoring case)."""
    name = form.name.data.strip()
    clash = select(Room.id).where(Room.setting_id == setting_id, func.lower(Room.name) == name.lower())
    if room is not None:
        clash = clash.where(Room.id != room.id)
    if db.session.scalar(clash) is not None:
        form.name.errors.append(_s("There is already a room with this name."))
        return None
    if room is None:
        room = Room(setting_id=setting_id, name=name)
        db.session.add(room)
        db.session.flush()
        record(setting_id, "room.created", room, name=name)
    elif room.name != name:
        old, room.name = room.name, name
        record(setting_id, "room.renamed", room, old=old, new=name)
    db.session.flush()
    return room


# Children ---------------------------------------------------------------------------------------

def save_child(setting: Setting, form: ChildForm, child: Child | None = None) -> Child | None:
    """Add a child or change their record; audited by field name."""
    values = {name: getattr(form, name).data for name in CHILD_FIELDS}
    values["first_name"] = values["first_name"].strip()
    values["last_name"] = values["last_name"].strip()
    values["room_id"] = values["room_id"] or None
    values["key_person_id"] = values["key_person_id"] or None
    values["external_id"] = _text(values["external_id"])
    if values["date_of_birth"] and values["date_of_birth"] > local_today(setting):
        form.date_of_birth.errors.append(_s("The date of birth cannot be in the future."))
    if values["start_date"] and values["leaving_date"] and values["leaving_date"] < values["start_date"]:
        form.leaving_date.errors.append(_s("The leaving date cannot be before the start date."))
    if values["external_id"] and _external_id_taken(Child, setting.id, values["external_id"], child):
        form.external_id.errors.append(_s("Another child already has this MIS id."))
    if form.date_of_birth.errors or form.leaving_date.errors or form.external_id.errors:
        return None
    values["session_pattern"] = sessions.clean({field.name.removeprefix("session_"): field.data
                                                for field in form.session_fields()})
    if child is None:
        child = Child(setting_id=setting.id, **values)
        db.session.add(child)
        db.session.flush()
        record(setting.id, "child.created", child)
    else:
        changed = _apply(child, values)
        if changed:
            record(setting.id, "child.changed", child, fields=changed)
    db.session.flush()
    return child


def _external_id_taken(model, setting_id: int, external_id: str, current) -> bool:
    stmt = select(model.id).where(model.setting_id == setting_id, model.external_id == external_id)
    if current is not None:
        stmt = stmt.where(model.id != current.id)
    return db.session.scalar(stmt) is not None


# Contacts ---------------------------------------------------------------------------------------

def _clean_contact(setting: Setting, form: ContactForm, contact: Contact | None) -> dict | None:
    """The form's values ready to store, or None with messages on the fields."""
    values = {name: getattr(form, name).data for name in CONTACT_FIELDS}
    values["first_name"] = values["first_name"].strip()
    values["last_name"] = (values["last_name"] or "").strip()
    values["external_id"] = _text(values["external_id"])
    values["email"] = _text(values["email"])
    values["mobile"] = _text(values["mobile"])
    if values["email"]:
        try:
            values["email"] = normalise_email(values["email"])
        except InvalidDetail:
            form.email.errors.append(_s("Enter an email address like name@example.com."))
    if values["mobile"]:
        try:
            values["mobile"] = normalise_mobile(values["mobile"], setting.phone_region or "GB")
        except InvalidDetail:
            form.mobile.errors.append(_s("Enter a mobile number like 07700 900123 (or with its country code)."))
    if values["email"] or values["mobile"]:  # no details at all is allowed: they show as unreachable
        if values["channels"] in ("email", "both") and not values["email"] and not form.email.errors:
            form.email.errors.append(_s("Emails were chosen: enter an email address, or choose text messages."))
        if values["channels"] in ("sms", "both") and not values["mobile"] and not form.mobile.errors:
            form.mobile.errors.append(_s("Texts were chosen: enter a mobile number, or choose email."))
    if values["external_id"] and _external_id_taken(Contact, setting.id, values["external_id"], contact):
        form.external_id.errors.append(_s("Another contact already has this MIS id."))
    if form.email.errors or form.mobile.errors or form.external_id.errors:
        return None
    return values


def save_contact(setting: Setting, form: ContactForm, contact: Contact | None = None,
                 child: Child | None = None) -> Contact | None:
    """Add a contact (linked to `child` when given) or change one; audits which fields changed."""
    from app.privacy.consents import set_consents
    from app.privacy.models import HOW_STAFF

    values = _clean_contact(setting, form, contact)
    if values is None:
        return None
    consents = {name: bool(values.pop(f"consent_{name}")) for name in CONSENTS}  # with their history
    if contact is None:
        contact = Contact(setting_id=setting.id, **values)
        db.session.add(contact)
        db.session.flush()
        record(setting.id, "contact.created", contact)
        set_consents(contact, consents, HOW_STAFF, initial=True)
        if child is not None:
            priority = min(len(child.links) + 1, 9)
            add_link(contact, child, {"relationship_label": _s("Parent"), "priority": priority})
    else:
        changed = _apply(contact, values)
        changed += [f"consent_{name}" for name in set_consents(contact, consents, HOW_STAFF)]
        if changed:
            record(setting.id, "contact.changed", contact, fields=changed)
    db.session.flush()
    return contact


# Links between contacts and children ------------------------------------------------------------

def link_values(form: LinkForm) -> dict:
    """The link fields of a form, tidied."""
    values = {name: getattr(form, name).data for name in LINK_FIELDS}
    values["relationship_label"] = values["relationship_label"].strip()
    values["collection_password_note"] = _text(values["collection_password_note"])
    return values


def add_link(contact: Contact, child: Child, values: dict) -> ChildContact:
    """Link a contact to a child (both of the same setting)."""
    if contact.setting_id != child.setting_id:
        raise ValueError("contact and child belong to different settings")
    link = ChildContact(contact=contact, child=child, **values)
    db.session.add(link)
    db.session.flush()
    record(contact.setting_id, "contact.linked", contact, child_id=child.id)
    return link


def update_link(link: ChildContact, values: dict) -> None:
    """Change how a contact relates to a child; audits which fields changed."""
    changed = _apply(link, values)
    if changed:
        record(link.contact.setting_id, "contact.link_changed", link.contact, child_id=link.child_id,
               fields=changed)
    db.session.flush()


def unlink(link: ChildContact) -> None:
    """Remove a contact from a child."""
    record(link.contact.setting_id, "contact.unlinked", link.contact, child_id=link.child_id)
    db.session.delete(link)
    db.session.flush()


# "No legal access / do not contact" -------------------------------------------------------------

def restrict(contact: Contact, reason: str, by) -> None:
    """Flag the contact: nothing is sent to them and every personal link they hold stops working."""
    contact.restricted = True
    contact.restricted_reason = reason.strip()
    contact.restricted_by_id = by.id
    contact.restricted_at = utcnow()
    links.revoke_all(contact)
    record(contact.setting_id, "contact.restricted", contact, actor=by, reason=seal(contact.restricted_reason))
    db.session.flush()


def unrestrict(contact: Contact, note: str, by) -> None:
    """Lift the flag (old links stay revoked; a new one must be issued)."""
    record(contact.setting_id, "contact.unrestricted", contact, actor=by, note=seal(note.strip()),
           previous_reason=seal(contact.restricted_reason or ""))
    contact.restricted = False
    contact.restricted_reason = None
    contact.restricted_by_id = None
    contact.restricted_at = None
    db.session.flush()


# Family links issued by staff -------------------------------------------------------------------

def issue_family_link(contact: Contact) -> str:
    """Issue a personal family link for staff to hand over; returns its URL (never stored)."""
    if contact.restricted:
        raise ValueError("restricted contacts get no links")
    token = links.issue_link(contact, links.FAMILY)
    db.session.flush()
    record(contact.setting_id, "link.issued", contact, purpose=links.FAMILY)
    return links.link_url(token)


def revoke_family_links(contact: Contact) -> None:
    """Stop every personal link of the contact from working."""
    links.revoke_all(contact)
    record(contact.setting_id, "link.revoked_all", contact)
    db.session.flush()
