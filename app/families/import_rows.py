"""Checking imported rows: each cell read and validated, keys for matching, duplicates in the file.

Pure functions over a Table and a mapping, given an ImportContext (rooms, phone region, today),
so the preview and the import see exactly the same verdict for every row.

Matching keys (how a row finds the same child or contact again on the next import):
- child: its MIS id when given; otherwise first name + last name + date of birth (ignoring case);
- contact: its MIS id when given; otherwise first name + email, else first name + mobile, else
  first name + last name among the same child's contacts. The first name is part of the key
  because families often share one email address or phone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from app.clock import utcnow
from app.config import LANGUAGES
from app.extensions import db
from app.families.contact_details import InvalidDetail, normalise_email, normalise_mobile
from app.families.import_values import (BadValue, parse_bool, parse_channels, parse_date, parse_language,
                                        parse_priority, parse_sessions)
from app.families.importer import CHILD_FIELDS, CONTACT_FIELDS, FIELDS, Table
from app.families.models import Room
from app.i18n import _s

LINK_FIELDS = ("relationship", "parental_responsibility", "priority", "authorised_to_collect")
_MAX_LENGTH = {"child_external_id": 64, "contact_external_id": 64, "child_first_name": 100,
               "child_last_name": 100, "contact_first_name": 100, "contact_last_name": 100,
               "relationship": 50}


@dataclass
class ImportContext:
    """What checking a row needs to know about the setting."""

    rooms: dict[str, int]
    room_names: list[str]
    region: str = "GB"
    default_language: str = "en"
    today: date = field(default_factory=lambda: utcnow().date())

    @classmethod
    def for_setting(cls, setting) -> ImportContext:
        """The context of one setting: its rooms, phone region and default language."""
        rooms = db.session.scalars(select(Room).where(Room.setting_id == setting.id).order_by(Room.name)).all()
        try:
            today = utcnow().astimezone(ZoneInfo(setting.timezone or "Europe/London")).date()
        except (ZoneInfoNotFoundError, ValueError):
            today = utcnow().date()
        return cls(rooms={room.name.strip().casefold(): room.id for room in rooms},
                   room_names=[room.name for room in rooms], region=setting.phone_region or "GB",
                   default_language=setting.default_language or "en", today=today)


@dataclass
class CheckedRow:
    """One data row with its parsed values, its problems and its matching keys."""

    line: int
    cells: list[str]
    child: dict[str, Any] = field(default_factory=dict)
    contact: dict[str, Any] | None = None
    link: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    child_key: tuple | None = None
    contact_key: tuple | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _cells_by_field(cells: list[str], mapping: list[str]) -> dict[str, str]:
    values = {}
    for index, name in enumerate(mapping):
        if name and index < len(cells) and cells[index].strip():
            values[name] = cells[index].strip()
    return values


def _parse(name: str, raw: str, ctx: ImportContext, row: CheckedRow) -> Any:
    """One cell → its value (raises BadValue or InvalidDetail with a reason)."""
    if name in _MAX_LENGTH:
        if len(raw) > _MAX_LENGTH[name]:
            raise BadValue(_s("longer than %(n)s characters", n=_MAX_LENGTH[name]))
        return raw
    if name in ("date_of_birth", "start_date", "leaving_date"):
        value = parse_date(raw)
        if name == "date_of_birth" and value > ctx.today:
            raise BadValue(_s("“%(value)s” is in the future", value=raw))
        return value
    if name == "room":
        room_id = ctx.rooms.get(raw.casefold())
        if room_id is None:
            known = ", ".join(ctx.room_names) or _s("none yet: add rooms first")
            raise BadValue(_s("unknown room “%(room)s” (rooms: %(rooms)s)", room=raw, rooms=known))
        return room_id
    if name == "email":
        return normalise_email(raw)
    if name == "mobile":
        return normalise_mobile(raw, ctx.region)
    if name == "language":
        code = parse_language(raw)
        if code is None:
            default = LANGUAGES.get(ctx.default_language, ctx.default_language)
            row.warnings.append(_s("Language “%(value)s” is not one Homelink sends in; %(default)s will be "
                                   "used for new contacts.", value=raw, default=default))
        return code
    if name == "channels":
        return parse_channels(raw)
    if name == "priority":
        return parse_priority(raw)
    if name == "sessions":
        return parse_sessions(raw)
    return parse_bool(raw)  # parental_responsibility, authorised_to_collect, promotional_consent


def check_row(line: int, cells: list[str], mapping: list[str], ctx: ImportContext) -> CheckedRow:
    """Read and check one row on its own (duplicates across rows are found by check_rows)."""
    row = CheckedRow(line=line, cells=cells)
    parsed: dict[str, Any] = {}
    raw_fields = _cells_by_field(cells, mapping)
    for name, raw in raw_fields.items():
        try:
            value = _parse(name, raw, ctx, row)
        except BadValue as exc:
            row.errors.append(f"{FIELDS[name]}: {exc}")
            continue
        except InvalidDetail as exc:
            row.errors.append(_s("%(field)s: “%(value)s” is %(reason)s", field=FIELDS[name], value=raw,
                                 reason=exc))
            continue
        if value is not None:
            parsed[name] = value
    for name in ("child_first_name", "child_last_name"):
        if name not in raw_fields:
            row.errors.append(_s("Missing name: %(field)s is empty.", field=FIELDS[name]))
    start, leaving = parsed.get("start_date"), parsed.get("leaving_date")
    if start and leaving and leaving < start:
        row.errors.append(_s("The leaving date is before the start date."))
    row.child = {name: parsed[name] for name in CHILD_FIELDS if name in parsed}
    if any(name in raw_fields for name in CONTACT_FIELDS):
        if "contact_first_name" not in raw_fields:
            row.errors.append(_s("Missing name: %(field)s is empty.", field=FIELDS["contact_first_name"]))
        row.contact = {name: parsed[name] for name in CONTACT_FIELDS
                       if name in parsed and name not in LINK_FIELDS}
        row.link = {name: parsed[name] for name in LINK_FIELDS if name in parsed}
    if not row.errors:
        row.child_key = child_key(row.child)
        if row.child_key is None:
            row.errors.append(_s("Needs the child's MIS id or date of birth, so the child is found again "
                                 "on the next import."))
        elif row.contact is not None:
            row.contact_key = contact_key(row.contact, row.child_key)
    return row


def child_key(child: dict[str, Any]) -> tuple | None:
    """How this child is recognised: MIS id, else first name + last name + date of birth."""
    if child.get("child_external_id"):
        return ("id", child["child_external_id"])
    if child.get("date_of_birth"):
        return ("born", child["child_first_name"].casefold(), child["child_last_name"].casefold(),
                child["date_of_birth"])
    return None


def contact_key(contact: dict[str, Any], of_child: tuple) -> tuple:
    """How this contact is recognised: MIS id, else first name with email, mobile, or last name + child."""
    first = contact["contact_first_name"].casefold()
    if contact.get("contact_external_id"):
        return ("id", contact["contact_external_id"])
    if contact.get("email"):
        return ("email", first, contact["email"].casefold())
    if contact.get("mobile"):
        return ("mobile", first, contact["mobile"])
    return ("name", first, contact.get("contact_last_name", "").casefold(), of_child)


def _differs(seen: dict, key: tuple, values: dict[str, Any]) -> str | None:
    """The first field where this row disagrees with an earlier row about the same person."""
    if key not in seen:
        return None
    first_line, known = seen[key]
    for name, value in values.items():
        if name in known and known[name] != value:
            return _s("%(field)s differs from line %(line)s for the same person.", field=FIELDS[name],
                      line=first_line)
    return None


def _remember(seen: dict, key: tuple, values: dict[str, Any], line: int) -> None:
    _, known = seen.setdefault(key, (line, {}))
    for name, value in values.items():
        known.setdefault(name, value)


def check_rows(table: Table, mapping: list[str], ctx: ImportContext) -> list[CheckedRow]:
    """Check every row; a (child, contact) pair seen again is a duplicate on the later line."""
    rows = []
    pairs: dict[tuple, int] = {}
    children: dict[tuple, tuple] = {}
    contacts: dict[tuple, tuple] = {}
    for line, cells in table.rows:
        row = check_row(line, cells, mapping, ctx)
        rows.append(row)
        if not row.ok:
            continue
        pair = (row.child_key, row.contact_key)
        if pair in pairs:
            row.errors.append(_s("Duplicate: the same child and contact as line %(line)s.", line=pairs[pair]))
            continue
        problem = _differs(children, row.child_key, row.child)
        if problem is None and row.contact is not None:
            problem = _differs(contacts, row.contact_key, row.contact)
        if problem:
            row.errors.append(problem)
            continue
        pairs[pair] = line
        _remember(children, row.child_key, row.child, line)
        if row.contact is not None:
            _remember(contacts, row.contact_key, row.contact, line)
    return rows
