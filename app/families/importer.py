"""Importing families from a CSV exported by a management information system (MIS).

The file: one row per (child, contact) pair, a header row first. This module reads the bytes
(encoding and delimiter detection), names the fields a column can hold, guesses a mapping from
the header row, and writes the bad rows back out as CSV. Row checks live in `import_rows`,
database writes in `import_upsert`.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from app.i18n import _s, _sl

MAX_COLUMNS = 100
MAX_ROWS = 20000

# Field name → label shown to staff. The order is the order of the mapping choices.
FIELDS = {
    "child_external_id": _sl("Child MIS id"),
    "child_first_name": _sl("Child first name"),
    "child_last_name": _sl("Child last name"),
    "date_of_birth": _sl("Date of birth"),
    "room": _sl("Room"),
    "start_date": _sl("Start date"),
    "leaving_date": _sl("Leaving date"),
    "sessions": _sl("Sessions attended (e.g. Mon AM, Tue PM, Wed-Fri full day)"),
    "contact_external_id": _sl("Contact MIS id"),
    "contact_first_name": _sl("Contact first name"),
    "contact_last_name": _sl("Contact last name"),
    "relationship": _sl("Relationship to the child"),
    "parental_responsibility": _sl("Parental responsibility"),
    "email": _sl("Email"),
    "mobile": _sl("Mobile"),
    "language": _sl("Preferred language"),
    "channels": _sl("Channels (email, sms or both)"),
    "priority": _sl("Contact priority"),
    "authorised_to_collect": _sl("Authorised to collect"),
    "promotional_consent": _sl("Consents to promotional messages"),
}
CHILD_FIELDS = ("child_external_id", "child_first_name", "child_last_name", "date_of_birth", "room",
                "start_date", "leaving_date", "sessions")
CONTACT_FIELDS = tuple(name for name in FIELDS if name not in CHILD_FIELDS)
REQUIRED_FIELDS = ("child_first_name", "child_last_name")
IGNORE = ""


class ImportFileError(ValueError):
    """The file cannot be read as a CSV table; the message says why, for staff."""


@dataclass
class Table:
    """A CSV file read into its header row and data rows (with the line each row starts on)."""

    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    delimiter: str = ","
    encoding: str = "utf-8"


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding): a BOM decides; else UTF-8 if valid; else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab, as csv.Sniffer finds it (falling back to counting in the header)."""
    sample = text[:8192]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    first_line = sample.splitlines()[0] if sample.splitlines() else ""
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        if delimiter in first_line:
            return delimiter
    except csv.Error:
        pass
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_table(data: bytes) -> Table:
    """Read the uploaded bytes into a Table, or raise ImportFileError with a reason staff can act on."""
    if not data.strip():
        raise ImportFileError(_s("The file is empty."))
    text, encoding = decode(data)
    if "\x00" in text:
        raise ImportFileError(_s("This does not look like a CSV file. In Excel, use Save As and choose "
                                 "“CSV UTF-8 (Comma delimited)”."))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = Table(headers=[], delimiter=delimiter, encoding=encoding)
    try:
        start = 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if not table.headers:
                table.headers = [cell.strip() for cell in cells]
                continue
            table.rows.append((line, cells))
            if len(table.rows) > MAX_ROWS:
                raise ImportFileError(_s("The file has more than %(n)s rows: split it into smaller files.",
                                         n=MAX_ROWS))
    except csv.Error as exc:
        raise ImportFileError(_s("The file could not be read as CSV near line %(line)s.",
                                 line=reader.line_num)) from exc
    if not table.headers:
        raise ImportFileError(_s("The file is empty."))
    if len(table.headers) > MAX_COLUMNS:
        raise ImportFileError(_s("The file has more than %(n)s columns.", n=MAX_COLUMNS))
    if not table.rows:
        raise ImportFileError(_s("The file has a header row but no rows of data."))
    return table


# --- Guessing the mapping from the header row ------------------------------------------------

_CHILD_WORDS = ("child", "childs", "child s", "pupil", "pupils", "student", "learner")
_CONTACT_WORDS = ("contact", "parent", "carer", "parent carer", "guardian", "parent guardian")
_NAME_PARTS = {
    "external_id": ("id", "mis id", "ref", "reference", "number", "no", "upn", "mis ref", "identifier"),
    "first_name": ("first name", "firstname", "forename", "forenames", "given name", "legal forename",
                   "preferred forename", "preferred name"),
    "last_name": ("last name", "lastname", "surname", "family name", "legal surname", "preferred surname"),
}
_PLAIN = {
    "date_of_birth": ("date of birth", "dob", "birth date", "birthdate", "d o b", "birthday"),
    "room": ("room", "group", "class", "reg group", "registration group", "room name", "group name"),
    "start_date": ("start date", "admission date", "date of admission", "date started", "entry date",
                   "start", "started", "date of entry"),
    "leaving_date": ("leaving date", "leave date", "date of leaving", "end date", "left", "date left",
                     "leaving"),
    "sessions": ("sessions", "session pattern", "sessions attended", "attendance pattern", "booking pattern",
                 "booked sessions", "bookings", "days attending", "days attended", "attendance days",
                 "attends", "pattern"),
    "relationship": ("relationship", "relation", "relationship to child", "relationship to pupil"),
    "parental_responsibility": ("parental responsibility", "pr", "has parental responsibility",
                                "parental resp"),
    "email": ("email", "e mail", "email address", "e mail address", "primary email"),
    "mobile": ("mobile", "mobile phone", "mobile number", "mobile no", "mobile tel", "mobile telephone",
               "telephone", "phone", "phone number", "tel", "sms", "text number", "cell"),
    "language": ("language", "preferred language", "home language", "first language", "main language",
                 "language spoken"),
    "channels": ("channels", "channel", "preferred channel", "contact by", "contact method",
                 "preferred contact method"),
    "priority": ("priority", "contact priority", "priority order", "contact order", "order"),
    "authorised_to_collect": ("authorised to collect", "authorized to collect", "can collect",
                              "collects", "collection", "authorised collector", "may collect"),
    "promotional_consent": ("promotional consent", "marketing consent", "consent to marketing",
                            "promotional messages", "marketing", "consents to promotional messages"),
}


def _normalise(header: str) -> str:
    words = re.sub(r"[^0-9a-z]+", " ", header.casefold()).split()
    return " ".join(word for word in words if not word.isdigit())


def _synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for part, names in _NAME_PARTS.items():
        for name in names:
            table[name] = (f"child_{part}", f"contact_{part}")  # unqualified: first for the child
            for word in _CHILD_WORDS:
                table[f"{word} {name}"] = table[f"{name} {word}"] = (f"child_{part}",)
            for word in _CONTACT_WORDS:
                table[f"{word} {name}"] = table[f"{name} {word}"] = (f"contact_{part}",)
    for field_name, names in _PLAIN.items():
        for name in names:
            table[name] = (field_name,)
            for word in _CHILD_WORDS + _CONTACT_WORDS:
                table.setdefault(f"{word} {name}", (field_name,))
    for risky in ("no", "number"):  # too vague without "child" or "contact" before them
        del table[risky]
    return table


_SYNONYMS = _synonyms()


def guess_mapping(headers: list[str]) -> list[str]:
    """One field name (or IGNORE) per column, guessed from the header; each field used at most once."""
    taken: set[str] = set()
    mapping = []
    for header in headers:
        choice = IGNORE
        for candidate in _SYNONYMS.get(_normalise(header), ()):
            if candidate not in taken:
                choice = candidate
                taken.add(candidate)
                break
        mapping.append(choice)
    return mapping


def mapping_from_overrides(headers: list[str], overrides: dict[str, str]) -> list[str]:
    """The guessed mapping with `header=field` overrides applied (headers matched ignoring case)."""
    mapping = guess_mapping(headers)
    folded = [header.casefold() for header in headers]
    for header, field_name in overrides.items():
        if header.casefold() not in folded:
            raise ValueError(_s("No column is called “%(header)s”.", header=header))
        if field_name not in FIELDS and field_name not in (IGNORE, "ignore"):
            raise ValueError(_s("“%(field)s” is not a field. Fields: %(fields)s.", field=field_name,
                                fields=", ".join(FIELDS)))
        field_name = IGNORE if field_name == "ignore" else field_name
        index = folded.index(header.casefold())
        mapping = [IGNORE if (m == field_name and field_name) else m for m in mapping]
        mapping[index] = field_name
    return mapping


def mapping_problems(mapping: list[str]) -> list[str]:
    """What is wrong with a mapping as a whole: a required field missing, a field chosen twice."""
    problems = []
    for name in REQUIRED_FIELDS:
        if name not in mapping:
            problems.append(_s("Choose the column that holds: %(field)s.", field=FIELDS[name]))
    for name in FIELDS:
        if mapping.count(name) > 1:
            problems.append(_s("“%(field)s” is chosen for more than one column.", field=FIELDS[name]))
    return problems


def errors_csv(table: Table, bad_rows: list[tuple[int, list[str], list[str]]]) -> bytes:
    """The bad rows in the file's own columns plus an "error" column (UTF-8 with BOM, for Excel)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=table.delimiter, lineterminator="\r\n")
    writer.writerow([*table.headers, "error"])
    width = len(table.headers)
    for line, cells, errors in bad_rows:
        padded = (list(cells) + [""] * width)[:width]
        writer.writerow([*padded, _s("Line %(line)s: %(errors)s", line=line, errors="; ".join(errors))])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
