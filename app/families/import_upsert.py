"""Writing checked import rows: find each child and contact again (see import_rows for the keys),
create what is new, update what changed, and count both. An empty cell never clears a value."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.audit.services import record
from app.extensions import db
from app.families.import_rows import CheckedRow, ImportContext, check_rows
from app.families.importer import Table
from app.families.models import Child, ChildContact, Contact

CHILD_ATTRS = {"child_external_id": "external_id", "child_first_name": "first_name",
               "child_last_name": "last_name", "date_of_birth": "date_of_birth", "room": "room_id",
               "start_date": "start_date", "leaving_date": "leaving_date", "sessions": "session_pattern"}
CONTACT_ATTRS = {"contact_external_id": "external_id", "contact_first_name": "first_name",
                 "contact_last_name": "last_name", "email": "email", "mobile": "mobile",
                 "language": "language", "channels": "channels"}
LINK_ATTRS = {"relationship": "relationship_label", "parental_responsibility": "parental_responsibility",
              "priority": "priority", "authorised_to_collect": "authorised_to_collect"}
KINDS = ("children", "contacts", "links")


@dataclass
class ImportResult:
    """What an import did: rows read, the bad ones, and created/updated/unchanged per kind."""

    total: int
    bad: list[CheckedRow]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def good(self) -> int:
        return self.total - len(self.bad)

    def summary(self) -> dict[str, Any]:
        """Counts only (for the audit log and the result page)."""
        flat: dict[str, Any] = {"rows": self.total, "good": self.good, "bad": len(self.bad)}
        for kind in KINDS:
            for outcome, n in self.counts[kind].items():
                flat[f"{kind}_{outcome}"] = n
        return flat


def _born(first: str, last: str, born) -> tuple | None:
    return (first.casefold(), last.casefold(), born) if born else None


class _Finder:
    """The setting's children and contacts, indexed the ways a row can find them."""

    def __init__(self, setting_id: int) -> None:
        self.setting_id = setting_id
        self.by_key: dict[tuple, list] = defaultdict(list)
        for child in db.session.scalars(select(Child).where(Child.setting_id == setting_id)):
            self.add_child(child)
        for contact in db.session.scalars(select(Contact).where(Contact.setting_id == setting_id)):
            self.add_contact(contact)

    def add_child(self, child: Child) -> None:
        if child.external_id:
            self.by_key[("child-id", child.external_id)].append(child)
        born = _born(child.first_name, child.last_name, child.date_of_birth)
        if born:
            self.by_key[("child-born", *born)].append(child)

    def add_contact(self, contact: Contact) -> None:
        first = contact.first_name.casefold()
        if contact.external_id:
            self.by_key[("contact-id", contact.external_id)].append(contact)
        if contact.email:
            self.by_key[("contact-email", first, contact.email.casefold())].append(contact)
        if contact.mobile:
            self.by_key[("contact-mobile", first, contact.mobile)].append(contact)

    def _first(self, key: tuple, still: Callable[[Any], bool], external_id: str | None):
        for obj in self.by_key.get(key, ()):
            if still(obj) and (external_id is None or obj.external_id in (None, external_id)):
                return obj
        return None

    def child(self, data: dict[str, Any]) -> Child | None:
        """The child with this MIS id; else with this name and date of birth (and no other MIS id)."""
        ext = data.get("child_external_id")
        if ext:
            found = self._first(("child-id", ext), lambda c: c.external_id == ext, ext)
            if found:
                return found
        born = _born(data["child_first_name"], data["child_last_name"], data.get("date_of_birth"))
        if born is None:
            return None
        return self._first(("child-born", *born),
                           lambda c: _born(c.first_name, c.last_name, c.date_of_birth) == born, ext)

    def contact(self, data: dict[str, Any], child: Child) -> Contact | None:
        """The contact with this MIS id; else first name + email, first name + mobile, or name on this child."""
        ext = data.get("contact_external_id")
        first = data["contact_first_name"].casefold()
        if ext:
            found = self._first(("contact-id", ext), lambda c: c.external_id == ext, ext)
            if found:
                return found
        if data.get("email"):
            email = data["email"].casefold()
            found = self._first(("contact-email", first, email),
                                lambda c: (c.first_name.casefold(), (c.email or "").casefold()) == (first, email), ext)
            if found:
                return found
        if data.get("mobile"):
            found = self._first(("contact-mobile", first, data["mobile"]),
                                lambda c: (c.first_name.casefold(), c.mobile) == (first, data["mobile"]), ext)
            if found:
                return found
        last = data.get("contact_last_name", "").casefold()
        for link in child.links:
            other = link.contact
            if (other.first_name.casefold(), other.last_name.casefold()) == (first, last) and \
                    (ext is None or other.external_id in (None, ext)):
                return other
        return None


def _set(obj, attrs: dict[str, str], data: dict[str, Any]) -> bool:
    """Copy the row's values onto obj; True when anything changed."""
    changed = False
    for name, attr in attrs.items():
        if name in data and getattr(obj, attr) != data[name]:
            setattr(obj, attr, data[name])
            changed = True
    return changed


def _channels_for(data: dict[str, Any]) -> str:
    if data.get("channels"):
        return data["channels"]
    if data.get("email") and not data.get("mobile"):
        return "email"
    if data.get("mobile") and not data.get("email"):
        return "sms"
    return "both"


class _Tally:
    def __init__(self) -> None:
        self.outcome: dict[str, dict[int, str]] = {kind: {} for kind in KINDS}

    def note(self, kind: str, obj, created: bool, changed: bool) -> None:
        known = self.outcome[kind].get(id(obj))
        if created or known == "created":
            self.outcome[kind][id(obj)] = "created"
        elif changed or known == "updated":
            self.outcome[kind][id(obj)] = "updated"
        else:
            self.outcome[kind][id(obj)] = "unchanged"

    def counts(self) -> dict[str, dict[str, int]]:
        result = {}
        for kind, outcomes in self.outcome.items():
            values = list(outcomes.values())
            result[kind] = {name: values.count(name) for name in ("created", "updated", "unchanged")}
        return result


def apply_rows(setting_id: int, rows: list[CheckedRow], default_language: str = "en",
               progress: Callable[[int], None] | None = None, actor=None) -> dict[str, dict[str, int]]:
    """Create or update the children, contacts and links of good rows; returns counts per kind."""
    finder, tally = _Finder(setting_id), _Tally()
    for row in rows:
        child = finder.child(row.child)
        created = child is None
        if created:
            child = Child(setting_id=setting_id)
            db.session.add(child)
        changed = _set(child, CHILD_ATTRS, row.child)
        finder.add_child(child)
        tally.note("children", child, created, changed)
        if row.contact is not None:
            _apply_contact(finder, tally, child, row, default_language, actor)
        if progress:
            progress(1)
    db.session.flush()
    return tally.counts()


def _apply_contact(finder: _Finder, tally: _Tally, child: Child, row: CheckedRow, default_language: str,
                   actor=None) -> None:
    contact = finder.contact(row.contact, child)
    created = contact is None
    if created:
        contact = Contact(setting_id=finder.setting_id, language=default_language,
                          channels=_channels_for(row.contact), last_name="")
        db.session.add(contact)
    changed = _set(contact, CONTACT_ATTRS, row.contact)
    if "promotional_consent" in row.contact:  # PECR consent, with its history
        from app.privacy.consents import set_consent
        from app.privacy.models import HOW_IMPORT

        if created:
            db.session.flush()
        changed |= set_consent(contact, "promotional", row.contact["promotional_consent"], HOW_IMPORT,
                               actor=actor, label="import")
    finder.add_contact(contact)
    tally.note("contacts", contact, created, changed)
    link = next((link for link in child.links if link.contact is contact), None)
    link_created = link is None
    if link_created:
        link = ChildContact(child=child, contact=contact, priority=len(child.links) + 1,
                            relationship_label="Parent", parental_responsibility=True, authorised_to_collect=True)
        db.session.add(link)
    tally.note("links", link, link_created, _set(link, LINK_ATTRS, row.link))


def import_table(setting, table: Table, mapping: list[str], actor=None,
                 progress: Callable[[int], None] | None = None) -> ImportResult:
    """Check every row, write the good ones, audit the counts (the caller commits)."""
    rows = check_rows(table, mapping, ImportContext.for_setting(setting))
    good = [row for row in rows if row.ok]
    if progress and len(good) < len(rows):
        progress(len(rows) - len(good))
    counts = apply_rows(setting.id, good, setting.default_language or "en", progress, actor)
    result = ImportResult(total=len(rows), bad=[row for row in rows if not row.ok], counts=counts)
    extra = {} if actor is not None else {"actor_label": "flask import-families"}
    record(setting.id, "families.imported", None, actor=actor, **extra, **result.summary())
    db.session.flush()
    return result
