"""The reach report: families no message can reach, families sent a fallback language, and languages
still missing from what is about to go out. Each row leads to its fix. The two long lists are counted
and kept for a while (app.evidence.snapshots), as the dashboard's figures are, and shown a page of
LIMIT rows at a time, each with its total.

A contact "works" when the outbox would send to them and something recent got through. A contact does
not work when they are restricted, opted out of every kind of bulk message (or texted STOP and have no
email), have no usable address by the outbox's own test (`outbox.valid_address`), or when every
message in the last RECENT_DAYS failed or was left out for their address.

SQL narrows the families down to those whose every contact is in doubt (restricted, opted out of
everything, or nothing got through in RECENT_DAYS: Contact.last_reached_at, kept by the messaging core
as statuses move) or who have no contact at all. Only their contacts are read and checked in Python, so
counting stays fast when most families are reached; the failure test reads the delivery index alone,
and only for contacts nothing else rules out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, null, or_, select, union

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
LIMIT = 50  # rows on a page of each list (the total is always given)
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
    have a recent sent_at: both are ranges of the (contact_id, sent_at, queued_at …) index, which holds
    every column the test reads."""
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


def _in_doubt(setting_id: int, since):
    """Ids of the contacts that may not work: restricted, nothing got through since `since`, or opted out
    of everything."""
    return select(Contact.id).where(Contact.setting_id == setting_id, or_(
        Contact.restricted.is_(True), Contact.last_reached_at.is_(None), Contact.last_reached_at < since,
        Contact.id.in_(_unsubscribed_all(setting_id))))


def _families_in_doubt(setting_id: int, today: date, since) -> list:
    """Children on roll all of whose contacts are in doubt, or who have none: (id, first, last, room), by name."""
    # From the few contacts in doubt to their children, rather than a test of every child; the children
    # with no contact at all are the setting's children missing from child_contact.
    doubt = _in_doubt(setting_id, since).cte("in_doubt")
    linked = select(ChildContact.child_id.label("id")).where(ChildContact.contact_id.in_(select(doubt.c.id)))
    alone = select(Child.id.label("id")).where(Child.setting_id == setting_id,
                                              Child.id.not_in(select(ChildContact.child_id)))
    candidates = union(linked, alone).subquery()
    other = (select(literal(1)).select_from(ChildContact)
             .where(ChildContact.child_id == Child.id, ChildContact.contact_id.not_in(select(doubt.c.id))).exists())
    return db.session.execute(
        select(Child.id, Child.first_name, Child.last_name, Room.name)
        .join(candidates, candidates.c.id == Child.id).outerjoin(Room, Room.id == Child.room_id)
        .where(*on_roll(setting_id, today, today), ~other)
        .order_by(Child.last_name, Child.first_name, Child.id)).all()


def _contacts_of(setting_id: int, child_ids: list[int], since) -> list:
    """The contacts of these children, with what the checks need: restricted, opted out of everything,
    texted STOP, and the latest recent failure (looked up only when nothing else rules them out)."""
    unsubscribed_all = Contact.id.in_(_unsubscribed_all(setting_id))
    stopped = (select(literal(1)).select_from(SmsOptOut)
               .where(SmsOptOut.setting_id == setting_id, SmsOptOut.mobile == Contact.mobile).exists())
    failure = case((or_(Contact.restricted.is_(True), unsubscribed_all), null()), else_=_recent_failure(since))
    return db.session.execute(
        select(ChildContact.child_id, Contact.id, Contact.first_name, Contact.last_name, Contact.email,
               Contact.mobile, Contact.restricted, unsubscribed_all.label("unsubscribed_all"),
               stopped.label("stopped"), failure.label("failure"))
        .join(Contact, Contact.id == ChildContact.contact_id)
        .where(ChildContact.child_id.in_(child_ids))).all()


def _why_not(row, region: str) -> str | None:
    """Why a contact cannot be reached (plain words), or None when they look reachable."""
    if row.restricted:
        return reason_text(outbox.RESTRICTED)
    if row.unsubscribed_all:
        return _s("Opted out of every kind of message")
    email, email_reason = outbox.valid_address("email", row.email, region)
    if not email:  # the mobile is checked only when the email cannot be used
        mobile, mobile_reason = outbox.valid_address("sms", row.mobile, region)
        if mobile and row.stopped:
            mobile, mobile_reason = None, outbox.SMS_STOP
        if not mobile:
            return "; ".join(reason_text(r) for r in (email_reason, mobile_reason))
    if row.failure:
        return _s("Every message in the last %(days)s days failed: %(why)s", days=RECENT_DAYS,
                  why=reason_text(row.failure))
    return None


def unreached(setting, today: date) -> list[Unreached]:
    """Families on roll today with no contact that works, by name, each contact with why."""
    no_jit()
    since = utcnow() - timedelta(days=RECENT_DAYS)
    region = setting.phone_region or "GB"
    children = _families_in_doubt(setting.id, today, since)
    by_child: dict[int, list] = {}
    for row in _contacts_of(setting.id, [c.id for c in children], since) if children else []:
        by_child.setdefault(row.child_id, []).append(row)
    out = []
    for child_id, first_name, last_name, room in children:
        family = Unreached(child_id, f"{first_name} {last_name}", room or "")
        for row in sorted(by_child.get(child_id, []), key=lambda r: (r.last_name, r.first_name, r.id)):
            why = _why_not(row, region)
            if why is None:
                break  # this contact looks reachable: the family is not listed
            family.contacts.append((row.id, f"{row.first_name} {row.last_name}".strip(), why))
        else:
            out.append(family)
    return out


@dataclass
class Fallback:
    id: int  # the contact's
    first_name: str
    last_name: str
    language: str
    messages: int
    last_message: int


def fallbacks(setting, period) -> list[Fallback]:
    """Contacts sent a message in another language than their own in the period, by language and name,
    with how many such messages and the latest one (from the partial index on those few deliveries)."""
    start, end = utc_bounds(setting, period)
    grouped = (select(Delivery.contact_id, func.count(func.distinct(Delivery.message_id)).label("messages"),
                      func.max(Delivery.message_id).label("last_message"))
               .where(Delivery.setting_id == setting.id, Delivery.fallback.is_(True),
                      Delivery.queued_at >= start, Delivery.queued_at < end, Delivery.status != SUPPRESSED)
               .group_by(Delivery.contact_id).subquery())
    return [Fallback(*row) for row in db.session.execute(
        select(Contact.id, Contact.first_name, Contact.last_name, Contact.language, grouped.c.messages,
               grouped.c.last_message)
        .join(grouped, grouped.c.contact_id == Contact.id)
        .order_by(Contact.language, Contact.last_name, Contact.first_name, Contact.id))]


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
