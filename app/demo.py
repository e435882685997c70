"""Demo data for `flask seed-demo`: a made-up children's centre and a small second setting.

Everything is invented and deterministic (a seeded random generator, dates counted back from
today). Nobody real can ever be contacted: mobiles are only in Ofcom's drama range
07700 900000–900999 and email addresses only at example.org, example.com and example.net.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.audit.services import record
from app.auth.models import User
from app.clock import utcnow
from app.config import LANGUAGES
from app.demo_activity import seed_activity
from app.demo_data import (
    COMMUNITIES, MAIN_FAMILIES, MAIN_ROOMS, MAIN_STAFF, RESTRICTION_REASON, SECOND_FAMILIES, SECOND_ROOMS,
    SECOND_STAFF,
)
from app.extensions import db
from app.families.models import Child, ChildContact, Contact, Room
from app.privacy.crypto import seal
from app.security import KEY_PERSON, MANAGER, ROLES
from app.settings.models import Setting

DEMO_PASSWORD = "homelink-demo"
SEED = 20261122
EMAIL_DOMAINS = ("example.org", "example.com", "example.net")
DRAMA_MOBILE_PREFIX = "+447700900"  # + three digits: Ofcom's drama range 07700 900000–900999
MAIN_NAME, MAIN_SLUG = "Wyverley Brook Children's Centre", "wyverley-brook"
SECOND_NAME, SECOND_SLUG = "Oakfield Village Pre-school", "oakfield-village"
DAYS_PER_MONTH = 30.44


@dataclass
class PersonPlan:
    """One contact and how they relate to every child of their family."""

    first_name: str
    last_name: str
    relationship: str
    language: str
    email: str | None = None
    mobile: str | None = None
    channels: str = "both"
    parental_responsibility: bool = True
    authorised_to_collect: bool = True
    priority: int = 1
    collection_note: str | None = None
    restricted_reason: str | None = None
    consent_photos: bool = True
    consent_outings: bool = True


@dataclass
class ChildPlan:
    """One child: names, dates, room and key person (by email)."""

    first_name: str
    last_name: str
    date_of_birth: date
    start_date: date
    leaving_date: date | None
    room: str
    key_person: str


@dataclass
class FamilyPlan:
    """Children who share the same contacts."""

    children: list[ChildPlan] = field(default_factory=list)
    contacts: list[PersonPlan] = field(default_factory=list)


@dataclass
class SettingPlan:
    """One setting with its rooms, staff and families."""

    name: str
    slug: str
    phone: str
    email: str
    address: str
    rooms: tuple[tuple[str, int, int], ...]
    staff: tuple[tuple[str, str, str, str | None], ...]
    families: list[FamilyPlan]


def _ascii(text: str) -> str:
    """'Łukasz Wiśniewski' → 'lukasz wisniewski' for email addresses."""
    text = text.replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class _Planner:
    """Builds the plan from one seeded random generator, so it is the same every time."""

    def __init__(self, today: date, seed: int) -> None:
        self.today = today
        self.rng = random.Random(seed)
        self._numbers = iter(self.rng.sample(range(1000), 1000))
        self._emails: set[str] = set()
        self._decks: dict[tuple[str, str], list] = {}

    def pick(self, code: str, pool: str, exclude=()):
        """Draw from a community's names without repeats until the pool runs out, then reshuffle."""
        deck = self._decks.setdefault((code, pool), [])
        for _attempt in range(2):
            if not deck:
                deck.extend(getattr(COMMUNITIES[code], pool))
                self.rng.shuffle(deck)
            for i, item in enumerate(deck):
                if item not in exclude:
                    return deck.pop(i)
            deck.clear()
        raise ValueError(f"no {pool} left for {code}")

    def mobile(self) -> str:
        """A new number in the drama range, never the same one twice."""
        return f"{DRAMA_MOBILE_PREFIX}{next(self._numbers):03d}"

    def email(self, first: str, last: str) -> str:
        """first.last@ one of the reserved example domains, unique."""
        base = ".".join(_ascii(part).replace(" ", "").replace("-", "") for part in (first, last))
        local, n = base, 1
        while local in self._emails:
            n += 1
            local = f"{base}{n}"
        self._emails.add(local)
        return f"{local}@{self.rng.choice(EMAIL_DOMAINS)}"

    def reach(self, person: PersonPlan, how: str | None = None) -> PersonPlan:
        """Give a contact email and/or mobile: mostly both, some SMS-only, some email-only."""
        how = how or self.rng.choices(["both", "sms", "email"], weights=[64, 20, 16])[0]
        person.channels = "both" if how == "none" else how
        if how in ("both", "email"):
            person.email = self.email(person.first_name, person.last_name)
        if how in ("both", "sms"):
            person.mobile = self.mobile()
        person.consent_photos = self.rng.random() < 0.8
        person.consent_outings = self.rng.random() < 0.9
        return person

    def birth_date(self, months_low: float, months_high: float) -> date:
        days = self.rng.randint(int(months_low * DAYS_PER_MONTH), int(months_high * DAYS_PER_MONTH))
        return self.today - timedelta(days=days)

    def start_date(self, born: date, latest: date) -> date:
        earliest = max(born + timedelta(days=120), self.today - timedelta(days=3 * 365))
        earliest = min(earliest, latest)
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def setting(self, name: str, slug: str, phone: str, email: str, address: str, rooms, staff,
                families) -> SettingPlan:
        plan = SettingPlan(name, slug, phone, email, address, rooms, staff, [])
        for code, shape, n_children, leaver in families:
            plan.families.append(self.family(plan, code, shape, n_children, leaver))
        return plan

    def family(self, plan: SettingPlan, code: str, shape: str, n_children: int, leaver: bool) -> FamilyPlan:
        names = COMMUNITIES[code]
        surnames = self.pick(code, "surnames")
        man_surname, woman_surname, girl_surname = surnames
        father = self.pick(code, "men")
        mother_surname = woman_surname
        if names.mother_keeps_own_name and shape != "single":
            mother_surname = self.pick(code, "surnames", exclude={surnames})[1]
        family = FamilyPlan()
        for age_months, left in self._ages(plan.rooms, n_children, leaver):
            girl = self.rng.random() < 0.5
            first = self.pick(code, "girls" if girl else "boys")
            last = father if names.patronymic else (girl_surname if girl else man_surname)
            family.children.append(self._child(plan, first, last, age_months, left))
        family.contacts = self._contacts(code, shape, father, surnames, mother_surname)
        return family

    def _ages(self, rooms, n_children: int, leaver: bool) -> list[tuple[float, bool]]:
        low, high = rooms[0][1], rooms[-1][2] - 1
        if n_children == 1:
            return [(self.rng.uniform(low, high), False)]
        older = self.rng.uniform(52, 59) if leaver else self.rng.uniform(max(low + 15, 26), high)
        younger = max(low, older - self.rng.uniform(15, 30))
        return [(older, leaver), (younger, False)]

    def _child(self, plan: SettingPlan, first: str, last: str, age_months: float, left: bool) -> ChildPlan:
        born = self.birth_date(age_months, age_months + 0.5)
        leaving = None
        if left:  # went to school: left at the end of the last summer term
            leaving = date(self.today.year if self.today.month > 7 else self.today.year - 1, 7, 24)
        latest = (leaving or self.today) - timedelta(days=60 if left else 14)
        age_now = (self.today - born).days / DAYS_PER_MONTH
        room = next((r[0] for r in plan.rooms if r[1] <= age_now < r[2]), plan.rooms[-1][0])
        keys = [s[0] for s in plan.staff if s[2] == KEY_PERSON and s[3] == room]
        return ChildPlan(first, last, born, self.start_date(born, latest), leaving, room, self.rng.choice(keys))

    def _contacts(self, code: str, shape: str, father: str, surnames: tuple[str, str, str],
                  mother_surname: str) -> list[PersonPlan]:
        rng, man_surname = self.rng, surnames[0]

        def lang() -> str:  # some parents choose English even when the family speaks another language
            return "en" if code != "en" and rng.random() < 0.25 else code

        mother = PersonPlan(self.pick(code, "women"), mother_surname, "Mother", code)
        dad = PersonPlan(father, man_surname, "Father", lang(), priority=2)
        if shape == "single":
            return [self.reach(mother)]
        if shape == "no_contact":  # the number stopped working and there never was an email
            return [self.reach(mother, "none")]
        if shape == "couple":
            return [self.reach(mother), self.reach(dad)]
        if shape == "separated":
            dad.relationship = "Father (lives at a separate address)"
            return [self.reach(mother, "both"), self.reach(dad, "both")]
        if shape == "grandparent":
            gran = PersonPlan(self.pick(code, "women"), surnames[1], "Grandmother", code,
                              parental_responsibility=False, priority=3,
                              collection_note="Collection password agreed with the parents")
            return [self.reach(mother), self.reach(dad), self.reach(gran, "sms")]
        if shape == "two_mums":
            other = PersonPlan(self.pick(code, "women"), self.pick(code, "surnames", exclude={surnames})[1],
                               "Mother", code, priority=2)
            return [self.reach(mother), self.reach(other)]
        if shape == "step":
            step_surnames = self.pick(code, "surnames", exclude={surnames})
            step = PersonPlan(self.pick(code, "men"), step_surnames[0], "Step-father", code,
                              parental_responsibility=False, priority=2)
            mother.last_name = step_surnames[1]  # took her new husband's name; the child kept the father's
            return [self.reach(mother), self.reach(step)]
        if shape == "foster":
            carer = PersonPlan(self.pick(code, "women"), self.pick(code, "surnames", exclude={surnames})[1],
                               "Foster carer", code,
                               parental_responsibility=False,
                               collection_note="Parental responsibility: the local authority (social worker on file)")
            return [self.reach(carer, "both")]
        if shape == "restricted":
            dad.restricted_reason = RESTRICTION_REASON
            dad.authorised_to_collect = False
            return [self.reach(mother, "both"), self.reach(dad, "both")]
        raise ValueError(f"unknown household shape {shape!r}")


def build_plan(today: date, seed: int = SEED) -> list[SettingPlan]:
    """The demo settings, computed (not written) from today's date and a fixed seed."""
    planner = _Planner(today, seed)
    main = planner.setting(
        MAIN_NAME, MAIN_SLUG, "01632 960412", "wyverley.brook@example.org",
        "Brook Street, Wyverley", MAIN_ROOMS, MAIN_STAFF, MAIN_FAMILIES)
    second = planner.setting(
        SECOND_NAME, SECOND_SLUG, "01632 960587", "oakfield.preschool@example.org",
        "Church Lane, Oakfield", SECOND_ROOMS, SECOND_STAFF, SECOND_FAMILIES)
    return [main, second]


@dataclass
class DemoSummary:
    """What `flask seed-demo` tells the newcomer."""

    url: str
    logins: list[tuple[str, str, str]]  # (setting name, role label, email)
    other_staff: list[str]
    created: bool
    family_link: str | None = None
    family_link_for: str = ""


def has_any_setting() -> bool:
    """True when the database already holds a setting (demo or real)."""
    return db.session.scalar(select(Setting.id).limit(1)) is not None


def seed_demo(today: date | None = None) -> DemoSummary:
    """Write both demo settings and the main one's term so far (commits). Refuses if the demo is already there."""
    if db.session.scalar(select(Setting.id).where(Setting.slug.in_([MAIN_SLUG, SECOND_SLUG]))):
        raise ValueError("the demo settings are already in this database")
    emails = [row[0] for row in MAIN_STAFF + SECOND_STAFF]
    if db.session.scalar(select(User.email).where(User.email.in_(emails)).limit(1)):
        raise ValueError("a staff account already uses one of the demo logins' email addresses")
    password_hash = generate_password_hash(DEMO_PASSWORD, method="scrypt")
    plans = build_plan(today or utcnow().date())
    first_contacts = [_write_setting(plan, password_hash) for plan in plans]
    db.session.commit()  # sending commits as it goes: the families are in first
    seed_activity(db.session.scalar(select(Setting).where(Setting.slug == MAIN_SLUG)))
    summary = demo_summary(created=True)
    showcase = first_contacts[0]
    if showcase is not None:
        summary.family_link = _family_link(showcase)
        summary.family_link_for = f"{showcase.full_name}, {LANGUAGES[showcase.language]}"
    return summary


def demo_summary(created: bool = False) -> DemoSummary:
    """Logins and URL of the demo (passwords may have been changed since it was loaded)."""
    main_logins = {"manager", "pico", "keyperson", "practitioner"}
    logins, others = [], []
    for setting_name, staff in ((MAIN_NAME, MAIN_STAFF), (SECOND_NAME, SECOND_STAFF)):
        for email, _name, role, _room in staff:
            shown = email.split("@")[0] in main_logins if staff is MAIN_STAFF else role == MANAGER
            if shown:
                logins.append((setting_name, ROLES[role], email))
            else:
                others.append(email)
    return DemoSummary(_local_url(), logins, others, created)


def _local_url() -> str:
    """Where `make run` serves the app: 127.0.0.1 on PORT."""
    return f"http://127.0.0.1:{current_app.config['PORT']}"


def demo_present() -> bool:
    """True when the main demo setting exists."""
    return db.session.scalar(select(Setting.id).where(Setting.slug == MAIN_SLUG)) is not None


def _write_setting(plan: SettingPlan, password_hash: str) -> Contact | None:
    """Insert one setting; returns a contact whose family link is worth showing."""
    setting = Setting(name=plan.name, slug=plan.slug, phone=plan.phone, email=plan.email, address=plan.address)
    db.session.add(setting)
    db.session.flush()
    rooms = {name: Room(setting_id=setting.id, name=name) for name, _low, _high in plan.rooms}
    staff = {email: User(setting_id=setting.id, email=email, name=name, role=role, room=rooms.get(room),
                         password_hash=password_hash) for email, name, role, room in plan.staff}
    db.session.add_all([*rooms.values(), *staff.values()])
    db.session.flush()
    for user in staff.values():
        record(setting.id, "staff.created", user, actor_label="demo data", role=user.role, email=user.email)
    manager = next(u for u in staff.values() if u.role == MANAGER)
    restricted, showcase = [], None
    with db.session.no_autoflush:  # one INSERT batch per table instead of a flush per object
        for family in plan.families:
            children = [_child(setting.id, c, rooms, staff) for c in family.children]
            for person in family.contacts:
                contact = _contact(setting.id, person, manager)
                db.session.add_all(ChildContact(
                    child=child, contact=contact, relationship_label=person.relationship,
                    parental_responsibility=person.parental_responsibility, priority=person.priority,
                    authorised_to_collect=person.authorised_to_collect,
                    collection_password_note=person.collection_note) for child in children)
                if contact.restricted:
                    restricted.append(contact)
                elif showcase is None and contact.language != "en" and contact.email and contact.mobile:
                    showcase = contact
    db.session.flush()
    for contact in restricted:
        record(setting.id, "contact.restricted", contact, actor=manager, reason=seal(contact.restricted_reason))
    return showcase


# Session patterns the demo children attend (one in four not known, as after a first import).
DEMO_PATTERNS = (
    {"mon": "full", "tue": "full", "wed": "full", "thu": "full", "fri": "full"},
    {"mon": "am", "tue": "am", "wed": "am", "thu": "am", "fri": "am"},
    {"mon": "pm", "wed": "pm", "fri": "pm"},
    None,
)


def _child(setting_id: int, plan: ChildPlan, rooms: dict, staff: dict) -> Child:
    pattern = DEMO_PATTERNS[(len(plan.first_name) + plan.date_of_birth.day) % len(DEMO_PATTERNS)]
    child = Child(setting_id=setting_id, first_name=plan.first_name, last_name=plan.last_name,
                  date_of_birth=plan.date_of_birth, start_date=plan.start_date, leaving_date=plan.leaving_date,
                  room=rooms[plan.room], key_person=staff[plan.key_person], session_pattern=pattern)
    db.session.add(child)
    return child


def _contact(setting_id: int, plan: PersonPlan, manager: User) -> Contact:
    contact = Contact(setting_id=setting_id, first_name=plan.first_name, last_name=plan.last_name,
                      email=plan.email, mobile=plan.mobile, language=plan.language, channels=plan.channels,
                      consent_photos=plan.consent_photos, consent_outings=plan.consent_outings,
                      consent_platform=True)
    if plan.restricted_reason:  # set by the manager, as the restriction screen would
        contact.restricted = True
        contact.restricted_reason = plan.restricted_reason
        contact.restricted_by = manager
        contact.restricted_at = utcnow()
    db.session.add(contact)
    return contact


def _family_link(contact: Contact) -> str:
    """A personal family link for one demo parent, on the local server, to try the parent's side."""
    from flask import url_for

    from app.parents.links import issue_link

    with current_app.test_request_context("/"):  # url_for needs a request (or SERVER_NAME)
        return _local_url() + url_for("parents.open_link", token=issue_link(contact))


def format_summary(summary: DemoSummary) -> str:
    """The text `flask seed-demo` prints."""
    lines = ["Homelink demo data loaded." if summary.created else "Homelink demo logins (unless changed since):",
             "", f"  Open {summary.url} and log in with one of these (password: {DEMO_PASSWORD}):", ""]
    width = max(len(email) for _s, _r, email in summary.logins)
    for setting, role, email in summary.logins:
        lines.append(f"    {email.ljust(width)}  {role}, {setting}")
    lines += ["", f"  Other staff (same password): {', '.join(summary.other_staff)}"]
    if summary.family_link:
        lines += ["", f"  The personal family link of one parent ({summary.family_link_for}); no account needed:",
                  f"    {summary.family_link}"]
    lines += ["", "  Every person is invented: mobiles are 07700 900xxx (Ofcom's drama range) and emails are",
              "  at example.org/.com/.net, so nobody real is ever contacted.", ""]
    return "\n".join(lines)
