"""Audience expansion: the ONE place that decides who gets a message, on which channel, in which language.

Restricted ("no legal access") contacts, opt-outs, contacts without a usable address and families whose
children have all left are written as `suppressed` rows with a reason, so every decision is visible.
Contacts are read in keyset batches and rows inserted in batches: memory does not grow with the audience.
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator
from datetime import timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.clock import utcnow
from app.extensions import db
from app.families.contact_details import InvalidDetail, normalise_email, normalise_mobile
from app.families.models import Child, ChildContact, Contact
from app.lists.models import SavedList, SavedListMember
from app.messaging.models import QUEUED, SUPPRESSED, URGENT, Delivery, Message, SmsOptOut, Unsubscribe

BATCH = 1000

# Suppression reasons (codes stored on the row; the report shows plain words for each).
RESTRICTED = "restricted"
CHILD_LEFT = "child_left"
UNSUBSCRIBED = "unsubscribed"
SMS_STOP = "sms_stop"
NO_CONSENT = "no_consent"  # a promotional message to a contact who has not consented (PECR)
PREVIOUS_OPT_OUT = "previous_opt_out"  # the address opted out (or was restricted) before an erasure
ERASED = "erased"
STAFF_NO_SMS = "staff_no_sms"  # staff are emailed only
STAFF_INACTIVE = "staff_inactive"
STAFF_LANGUAGE = "en"  # staff pages (and so staff emails) are in English
NO_ADDRESS = {"email": "no_email", "sms": "no_mobile"}
BAD_ADDRESS = {"email": "invalid_email", "sms": "invalid_mobile"}


def _audience_filters(audience: dict, today) -> list | None:
    """Conditions on Child / ChildContact for a per-child audience; [] for everyone; None otherwise."""
    conds: list = []
    if audience.get("rooms"):
        conds.append(Child.room_id.in_(audience["rooms"]))
    elif audience.get("children"):
        conds.append(Child.id.in_(audience["children"]))
    elif audience.get("key_groups"):
        conds.append(Child.key_person_id.in_(audience["key_groups"]))
    elif audience.get("starting") is not None:  # children starting within N days
        conds += [Child.start_date >= today,
                  Child.start_date <= today + timedelta(days=int(audience["starting"]))]
    elif audience.get("leaving") is not None:  # children leaving within N days
        conds += [Child.leaving_date >= today,
                  Child.leaving_date <= today + timedelta(days=int(audience["leaving"]))]
    elif not audience.get("all"):
        return None
    if audience.get("pr_only"):  # only contacts with parental responsibility for that child
        conds.append(ChildContact.parental_responsibility.is_(True))
    if audience.get("one_per_family"):  # each child's first-priority contact who may be contacted
        other, person = aliased(ChildContact), aliased(Contact)
        first = (select(func.min(other.priority)).join(person, person.id == other.contact_id)
                 .where(other.child_id == ChildContact.child_id, person.restricted.is_(False)))
        if audience.get("pr_only"):
            first = first.where(other.parental_responsibility.is_(True))
        conds.append(ChildContact.priority == first.scalar_subquery())
    return conds


def _explicit_contacts(audience: dict, setting_id: int):
    """Contact ids (a list or a subquery) of an explicit audience: {"contacts": [...]} or {"saved_list": id}."""
    if audience.get("contacts"):
        return audience["contacts"]
    if audience.get("saved_list"):
        return (select(SavedListMember.contact_id)
                .join(SavedList, SavedList.id == SavedListMember.list_id)
                .where(SavedList.id == int(audience["saved_list"]), SavedList.setting_id == setting_id))
    return None


def _links():
    return (select(ChildContact.id).join(Child, Child.id == ChildContact.child_id)
            .where(ChildContact.contact_id == Contact.id))


def audience_children(message: Message, contact_id: int) -> list[Child]:
    """The contact's current children that a per-child message is about ([] for other audiences)."""
    audience = message.audience or {}
    today = utcnow().date()
    conds = _audience_filters(audience, today)
    if not conds or audience.get("all"):
        return []
    return list(db.session.scalars(
        select(Child).join(ChildContact, ChildContact.child_id == Child.id)
        .where(ChildContact.contact_id == contact_id, Child.setting_id == message.setting_id, *conds,
               or_(Child.leaving_date.is_(None), Child.leaving_date >= today))
        .order_by(Child.first_name, Child.id)))


# A contact as the audience expansion reads it (a plain named tuple: an attribute of a SQLAlchemy row
# is looked up on its class first, and that failed lookup costs ten times the read).
Member = namedtuple("Member", "id email mobile language channels restricted consent_promotional erased_at "
                              "has_current")


def _contact_batches(message: Message) -> Iterator[list[Member]]:
    """Yield the audience's contacts in id order, BATCH at a time, with 'has a current child'.

    Keyset pagination on the contact's primary key with correlated EXISTS tests (no GROUP BY), so
    each batch costs the same however large the audience."""
    today = utcnow().date()
    audience = message.audience or {}
    # From the contact's own links (index on child_contact.contact_id) to each child by primary key;
    # a filter on child.setting_id here would make SQLite scan the setting's children per contact.
    conds = _audience_filters(audience, today)
    current = or_(Child.leaving_date.is_(None), Child.leaving_date >= today)
    explicit = _explicit_contacts(audience, message.setting_id)
    if audience.get("staff") or (conds is None and explicit is None):
        return
    links = _links().where(*(conds or []))
    if explicit is not None and conds is None:
        in_audience = Contact.id.in_(explicit)
        has_current = or_(~links.exists(), links.where(current).exists())  # no child at all counts as current
    else:
        in_audience = links.exists()
        has_current = links.where(current).exists()
    base = (
        select(Contact.id, Contact.email, Contact.mobile, Contact.language, Contact.channels,
               Contact.restricted, Contact.consent_promotional, Contact.erased_at,
               case((has_current, 1), else_=0).label("has_current"))
        .where(Contact.setting_id == message.setting_id, in_audience)
        .order_by(Contact.id)
        .limit(BATCH)
    )
    after = 0
    while True:
        rows = [Member._make(row) for row in db.session.execute(base.where(Contact.id > after))]
        if not rows:
            return
        yield rows
        after = rows[-1].id


def valid_address(channel: str, raw: str | None, region: str) -> tuple[str | None, str | None]:
    """(address, None) when usable, else (None, reason code): the outbox's test, also used by reach reports."""
    if not raw:
        return None, NO_ADDRESS[channel]
    try:
        return (normalise_email(raw) if channel == "email" else normalise_mobile(raw, region)), None
    except InvalidDetail:
        return None, BAD_ADDRESS[channel]


def channels_for(message: Message, preference: str) -> list[str]:
    """The message's channels the contact prefers; all of the message's channels if none match."""
    wanted = [c for c in message.channel_list if preference in (c, "both")]
    return wanted or message.channel_list


def _reachable_by(channel: str, r, stopped: set[str], region: str) -> bool:
    address, _reason = valid_address(channel, r.email if channel == "email" else r.mobile, region)
    return address is not None and not (channel == "sms" and address in stopped)


def _channels(message: Message, r, stopped: set[str], region: str) -> list[str]:
    """The contact's channels for this message. An urgent message (a service message) also goes by its
    other channels to a contact their own channels cannot reach: a STOP or no usable number → email."""
    preferred = channels_for(message, r.channels)
    if message.urgency != URGENT or any(_reachable_by(c, r, stopped, region) for c in preferred):
        return preferred
    return message.channel_list


def _rows_for_batch(message: Message, rows: list, languages: set[str], region: str) -> list[dict]:
    ids = [r.id for r in rows]
    unsubscribed = set()
    if message.is_bulk:
        unsubscribed = set(db.session.scalars(select(Unsubscribe.contact_id).where(
            Unsubscribe.contact_id.in_(ids), Unsubscribe.category == message.category)))
    mobiles = [r.mobile for r in rows if r.mobile]
    stopped = set(db.session.scalars(select(SmsOptOut.mobile).where(
        SmsOptOut.setting_id == message.setting_id, SmsOptOut.mobile.in_(mobiles)))) if mobiles else set()
    hashed = hashed_opt_outs(message, rows, region)
    now = utcnow()
    out = []
    for r in rows:
        language = r.language if r.language in languages else message.default_language
        for channel in _channels(message, r, stopped, region):
            row = {"setting_id": message.setting_id, "message_id": message.id, "contact_id": r.id,
                   "channel": channel, "language": language, "fallback": language != r.language,
                   "status": QUEUED, "queued_at": now, "attempts": 0, "stuck": False,
                   "address": None, "reason": None}
            address, reason = valid_address(channel, r.email if channel == "email" else r.mobile, region)
            if r.restricted:
                reason = RESTRICTED
            elif r.erased_at is not None:
                reason = ERASED
            elif not r.has_current:
                reason = CHILD_LEFT
            elif reason is None and channel == "sms" and address in stopped:
                reason = SMS_STOP
            elif reason is None and (channel, address) in hashed:
                reason = PREVIOUS_OPT_OUT
            elif reason is None and r.id in unsubscribed:
                reason = UNSUBSCRIBED
            elif reason is None and message.is_promotional and not r.consent_promotional:
                reason = NO_CONSENT
            if reason:
                row.update(status=SUPPRESSED, reason=reason, finished_at=now, address=None)
            else:
                row["address"] = address
            out.append(row)
    return out


def hashed_opt_outs(message: Message, rows: list, region: str) -> set[tuple[str, str]]:
    """(channel, address) pairs of the batch that an erased contact had opted out (kept as a keyed hash):
    texts after STOP or a restriction, and the bulk categories they had unsubscribed from."""
    from app.privacy.crypto import address_digest
    from app.privacy.models import ALL_CATEGORIES, OptOutHash

    if db.session.scalar(select(OptOutHash.id).where(OptOutHash.setting_id == message.setting_id).limit(1)) is None:
        return set()  # no erasure has kept a hash in this setting: nothing to compute
    by_digest: dict[tuple[str, str], str] = {}
    for r in rows:
        for channel, raw in (("email", r.email), ("sms", r.mobile)):
            address, problem = valid_address(channel, raw, region) if raw else (None, "none")
            if problem is None:
                by_digest[(channel, address_digest(address))] = address
    if not by_digest:
        return set()
    found = db.session.execute(select(OptOutHash.channel, OptOutHash.digest, OptOutHash.categories).where(
        OptOutHash.setting_id == message.setting_id,
        OptOutHash.digest.in_({digest for _, digest in by_digest}))).all()
    return {(channel, by_digest[(channel, digest)]) for channel, digest, categories in found
            if (channel, digest) in by_digest
            and (ALL_CATEGORIES in categories or (message.is_bulk and message.category in categories))}


def _staff_rows(message: Message, languages: set[str]) -> list[dict]:
    """Rows for a {"staff": [user ids]} audience: this setting's users, by email, in English; never SMS
    and never bulk (staff have no unsubscribe); inactive users and unusable addresses are suppressed."""
    from app.auth.models import User

    ids = [int(i) for i in message.audience.get("staff") or []]
    users = db.session.scalars(select(User).where(User.setting_id == message.setting_id, User.id.in_(ids))
                               .order_by(User.id)) if ids else []
    language = STAFF_LANGUAGE if STAFF_LANGUAGE in languages else message.default_language
    now = utcnow()
    out = []
    for user in users:
        for channel in message.channel_list:
            row = {"setting_id": message.setting_id, "message_id": message.id, "contact_id": None,
                   "user_id": user.id, "channel": channel, "language": language, "fallback": False,
                   "status": QUEUED, "queued_at": now, "attempts": 0, "stuck": False,
                   "address": None, "reason": None}
            if channel == "sms":
                reason = STAFF_NO_SMS
            else:
                address, reason = valid_address("email", user.email, "GB")
                row["address"] = address
            if reason is None and not user.active:
                reason = STAFF_INACTIVE
            if reason:
                row.update(status=SUPPRESSED, reason=reason, finished_at=now, address=None)
            out.append(row)
    return out


def _insert(rows: list[dict], key: str = "contact_id") -> None:
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(Delivery.__table__).on_conflict_do_nothing(  # Core: the ORM's bulk insert prepares each row again
        index_elements=["message_id", key, "channel"])
    db.session.connection().execute(stmt, [dict(r, finished_at=r.get("finished_at")) for r in rows])


def expand(message: Message, on_batch: Callable[[list[int]], None] | None = None) -> int:
    """Write the message's delivery rows (idempotent: existing rows are kept); returns rows seen.

    `on_batch(contact_ids)` is called after each batch of rows is written (staff audiences: user ids)."""
    languages = {v.language for v in message.versions}
    if message.default_language not in languages:
        raise ValueError("the message has no version in its default language")
    region = message.setting.phone_region or "GB"
    total = 0
    if (message.audience or {}).get("staff"):
        if message.is_bulk:
            raise ValueError("staff are sent personal messages only, not bulk categories")
        rows = _staff_rows(message, languages)
        if rows:
            _insert(rows, key="user_id")
            if on_batch:
                on_batch(sorted({r["user_id"] for r in rows}))
        return len(rows)
    for rows in _contact_batches(message):
        batch = _rows_for_batch(message, rows, languages, region)
        _insert(batch)
        total += len(batch)
        if on_batch:
            on_batch([r.id for r in rows])
    return total


def queued_ids(message_id: int, batch: int = BATCH, recipients: tuple[str, list[int]] | None = None
               ) -> Iterator[list[int]]:
    """Yield the ids of the message's queued deliveries, `batch` at a time, in id order (read BATCH at
    a time: a bound list of recipients costs the same to send whatever the size of what is read).

    `recipients` ("contact_id" or "user_id", ids) keeps those of some recipients only."""
    only = [getattr(Delivery, recipients[0]).in_(recipients[1])] if recipients else []
    after = 0
    while True:
        ids = list(db.session.scalars(
            select(Delivery.id).where(Delivery.message_id == message_id, Delivery.status == QUEUED,
                                      Delivery.id > after, *only).order_by(Delivery.id).limit(BATCH)))
        for start in range(0, len(ids), batch):
            yield ids[start:start + batch]
        if len(ids) < BATCH:
            return
        after = ids[-1]


def language_counts(setting_id: int, audience: dict) -> dict[str, int]:
    """Contacts an audience would reach (not restricted, a current child), by their language: for compose
    screens, before any message exists."""
    probe = Message(setting_id=setting_id, audience=audience)
    out: dict[str, int] = {}
    for rows in _contact_batches(probe):
        for r in rows:
            if not r.restricted and r.has_current:
                out[r.language] = out.get(r.language, 0) + 1
    return out


def family_language_counts(setting_id: int, audience: dict) -> dict[str, int]:
    """Families an audience would reach, by language: contacts linked through their children (parents of
    siblings, separated parents of one child) are one family, counted once under each language its
    reached contacts prefer. A contact with no child is a family of their own."""
    probe = Message(setting_id=setting_id, audience=audience)
    languages: dict[int, str] = {}
    for rows in _contact_batches(probe):
        languages.update((r.id, r.language) for r in rows if not r.restricted and r.has_current)
    parent: dict[tuple, tuple] = {}

    def root(node: tuple) -> tuple:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    ids = list(languages)
    for start in range(0, len(ids), BATCH):
        for contact_id, child_id in db.session.execute(select(ChildContact.contact_id, ChildContact.child_id)
                                                       .where(ChildContact.contact_id.in_(ids[start:start + BATCH]))):
            parent[root(("contact", contact_id))] = root(("child", child_id))
    families = {(language, root(("contact", contact_id))) for contact_id, language in languages.items()}
    out: dict[str, int] = {}
    for language, _family in families:
        out[language] = out.get(language, 0) + 1
    return out
