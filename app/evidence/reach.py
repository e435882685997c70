"""The reach report: families no message can reach, families sent a fallback language, and languages
still missing from what is about to go out. Each row leads to its fix.

A contact "works" when the outbox would send to them and something recent got through. A contact does
not work when they are restricted, opted out of every kind of bulk message (or texted STOP and have no
email), have no usable address by the outbox's own test (`outbox.valid_address`), or when every
message in the last RECENT_DAYS failed or was left out for their address. SQL narrows the contacts
down to those with nothing delivered recently (Contact.last_reached_at, kept by the messaging core as
statuses move; or restricted, or opted out); only they are checked in Python, so the report stays fast
when most families are reached.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, literal, or_, select

from app.clock import utcnow
from app.evidence.figures import no_jit, on_roll, utc_bounds
from app.extensions import db
from app.families.models import Child, ChildContact, Contact, Room
from app.i18n import _s
from app.messaging import outbox
from app.messaging.models import (BULK_CATEGORIES, CANCELLED, EXPIRED, FAILED, SUPPRESSED, UNDELIVERED,
                                  Delivery, Message, SmsOptOut, Unsubscribe)
from app.messaging.labels import reason_text

RECENT_DAYS = 90
LIMIT = 100  # rows shown per section (the total is always given)
# Suppression reasons that mean "this address cannot be used", as opposed to "not this message".
ADDRESS_REASONS = (outbox.SMS_STOP, *outbox.NO_ADDRESS.values(), *outbox.BAD_ADDRESS.values())


@dataclass
class Unreached:
    child_id: int
    child_name: str
    room: str
    contacts: list[tuple[int, str, str]] = field(default_factory=list)  # (contact id, name, why)


def _recent_failure(since):
    """The latest recent delivery that failed or was left out for its address (a reason code).

    Failed, expired and left-out rows were never sent (no sent_at); rows that failed after sending
    have a recent sent_at: both are ranges of the (contact_id, sent_at, status) index."""
    never_sent = and_(Delivery.sent_at.is_(None), or_(
        Delivery.status.in_((FAILED, EXPIRED)),
        and_(Delivery.status == SUPPRESSED, Delivery.reason.in_(ADDRESS_REASONS))))
    failed_after = and_(Delivery.sent_at >= since, Delivery.status.in_((FAILED, UNDELIVERED)))
    return (select(func.coalesce(Delivery.reason, Delivery.status))
            .where(Delivery.contact_id == Contact.id, or_(never_sent, failed_after), Delivery.queued_at >= since)
            .order_by(Delivery.queued_at.desc()).limit(1).scalar_subquery())


def _unsubscribed_all(setting_id: int):
    """Contact ids opted out of every kind of bulk message (one grouped query, not one per contact)."""
    return (select(Unsubscribe.contact_id).where(Unsubscribe.setting_id == setting_id).group_by(Unsubscribe.contact_id)
            .having(func.count(func.distinct(Unsubscribe.category)) >= len(BULK_CATEGORIES)))


def _why_not(row, region: str) -> str | None:
    """Why a contact cannot be reached (plain words), or None when they look reachable."""
    if row.restricted:
        return reason_text(outbox.RESTRICTED)
    if row.unsubscribed_all:
        return _s("Opted out of every kind of message")
    email, email_reason = outbox.valid_address("email", row.email, region)
    mobile, mobile_reason = outbox.valid_address("sms", row.mobile, region)
    if mobile and row.stopped:
        mobile, mobile_reason = None, outbox.SMS_STOP
    if not email and not mobile:
        return "; ".join(reason_text(r) for r in (email_reason, mobile_reason))
    if row.failure:
        return _s("Every message in the last %(days)s days failed: %(why)s", days=RECENT_DAYS,
                  why=reason_text(row.failure))
    return None


def unreached(setting, today: date) -> tuple[list[Unreached], int]:
    """Families on roll today with no contact that works (at most LIMIT), and how many there are."""
    no_jit()
    since = utcnow() - timedelta(days=RECENT_DAYS)
    region = setting.phone_region or "GB"
    unsubscribed_all = Contact.id.in_(_unsubscribed_all(setting.id))
    # Contacts that may not work: nothing delivered recently, restricted, or opted out of everything.
    doubtful = select(Contact.id).where(
        Contact.setting_id == setting.id,
        or_(Contact.restricted.is_(True), Contact.last_reached_at.is_(None), Contact.last_reached_at < since,
            unsubscribed_all))
    # Families all of whose contacts are doubtful (or who have none): the only ones worth a closer look.
    any_other = (select(literal(1)).select_from(ChildContact)
                 .where(ChildContact.child_id == Child.id, ChildContact.contact_id.not_in(doubtful)).exists())
    children = db.session.execute(
        select(Child.id, Child.first_name, Child.last_name, Room.name)
        .outerjoin(Room, Room.id == Child.room_id)
        .where(*on_roll(setting.id, today, today), ~any_other)
        .order_by(Child.last_name, Child.first_name, Child.id)).all()
    stopped = (select(literal(1)).select_from(SmsOptOut)
               .where(SmsOptOut.setting_id == setting.id, SmsOptOut.mobile == Contact.mobile).exists())
    rows = db.session.execute(
        select(ChildContact.child_id, Contact.id, Contact.first_name, Contact.last_name, Contact.email,
               Contact.mobile, Contact.restricted, unsubscribed_all.label("unsubscribed_all"),
               stopped.label("stopped"), _recent_failure(since).label("failure"))
        .join(Contact, Contact.id == ChildContact.contact_id)
        .where(ChildContact.child_id.in_([c.id for c in children]))).all() if children else []
    by_child: dict[int, list] = {}
    for row in rows:
        by_child.setdefault(row.child_id, []).append(row)
    out, total = [], 0
    for child_id, first, last, room in children:
        contacts = by_child.get(child_id, [])
        if len(out) == LIMIT:  # past the rows shown: only count, checking addresses only when it matters
            total += all(r.restricted or r.unsubscribed_all or r.failure or _why_not(r, region) for r in contacts)
            continue
        family = Unreached(child_id, f"{first} {last}", room or "")
        for row in sorted(contacts, key=lambda r: (r.last_name, r.first_name, r.id)):
            why = _why_not(row, region)
            if why is None:
                break  # this contact looks reachable: the family is not listed
            family.contacts.append((row.id, f"{row.first_name} {row.last_name}".strip(), why))
        else:
            out.append(family)
            total += 1
    return out, total


def fallbacks(setting, period) -> tuple[list, int]:
    """Contacts sent a message in another language than their own in the period (at most LIMIT rows):
    (contact id, name, language, messages, last message id); and how many contacts in all."""
    start, end = utc_bounds(setting, period)
    grouped = (select(Delivery.contact_id, func.count(func.distinct(Delivery.message_id)).label("messages"),
                      func.max(Delivery.message_id).label("last_message"))
               .where(Delivery.setting_id == setting.id, Delivery.fallback.is_(True),
                      Delivery.queued_at >= start, Delivery.queued_at < end, Delivery.status != SUPPRESSED)
               .group_by(Delivery.contact_id).subquery())
    rows = db.session.execute(
        select(Contact.id, Contact.first_name, Contact.last_name, Contact.language, grouped.c.messages,
               grouped.c.last_message, func.count().over().label("total"))
        .join(grouped, grouped.c.contact_id == Contact.id)
        .order_by(Contact.language, Contact.last_name, Contact.first_name, Contact.id).limit(LIMIT)).all()
    return rows, rows[0].total if rows else 0


@dataclass
class Missing:
    kind: str  # "newsletter" | "survey"
    item_id: int
    title: str
    language: str
    contacts: int


def missing_translations(setting) -> list[Missing]:
    """For each newsletter and questionnaire still being written: the languages its audience prefers
    that have no approved version yet, with how many contacts would get a fallback."""
    from app.messaging import audience_form
    from app.newsletters import services as newsletters
    from app.newsletters.models import APPROVED, Issue
    from app.surveys.models import DRAFT, Survey
    from app.surveys.texts import keys_of, languages_ready

    default = setting.default_language
    out: list[Missing] = []
    drafts = db.session.scalars(
        select(Issue).outerjoin(Message, Message.id == Issue.message_id)
        .where(Issue.setting_id == setting.id, or_(Issue.message_id.is_(None), Message.status == CANCELLED))
        .order_by(Issue.id.desc()).limit(10))
    for issue in drafts:
        approved = {v.language for v in issue.versions if v.status == APPROVED}
        for language, count in sorted(newsletters.language_needs(issue).items()):
            if language != default and language not in approved:
                out.append(Missing("newsletter", issue.id, newsletters.issue_title(issue) or f"#{issue.id}",
                                   language, count))
    surveys = db.session.scalars(select(Survey).where(Survey.setting_id == setting.id, Survey.status == DRAFT)
                                 .order_by(Survey.id.desc()).limit(10))
    for survey in surveys:
        ready, needed = languages_ready(survey), len(keys_of(survey))
        counts = outbox.language_counts(setting.id, audience_form.to_outbox(survey.audience))
        for language, count in sorted(counts.items()):
            if language != default and ready.get(language, 0) < needed:
                out.append(Missing("survey", survey.id, survey.title, language, count))
    return out
