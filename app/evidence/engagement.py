"""Engagement levels: the rules the PICO reads on screen, and the SQL that applies them to a setting.

One source of truth: `KINDS` (what counts, and from which records) and `LEVELS` (how many kinds make
each level) are shown on the page as they are and turned into the query below. A family is a child on
roll with its contacts; anything any of its contacts did counts for the family. Messages delivered do
not count: they show that the setting reached the family, not that the family took part.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, exists, func, literal, or_, select, union, union_all
from sqlalchemy.orm import selectinload

from app.activities.models import ActivityTry
from app.extensions import db
from app.families.models import Child, ChildContact, Contact
from app.feedback.models import FeedbackItem
from app.i18n import _sl
from app.involvement.models import (WITHDRAWN, ForumMember, InterestSignup, Opportunity, SkillOffer, VolunteerSignup,
                                    VolunteerSlot)
from app.messaging.models import InboundSms
from app.newsletters.models import Acknowledgement, IssueRead
from app.surveys.models import SurveyInvitation
from app.workshops.models import Poll, PollAnswer, PollSlot, Rsvp, came_between

# A source: (setting id, start, end) -> a select of contact_id for the setting's records dated start <= t < end.
Source = Callable[[int, datetime, datetime], Select]


def _dated(column, start: datetime, end: datetime):
    return column >= start, column < end


@dataclass(frozen=True)
class Kind:
    """One kind of taking part, and the records that show it."""

    code: str
    label: str
    sources: tuple[Source, ...]


KINDS: tuple[Kind, ...] = (
    Kind("reading", _sl("Opened a newsletter or confirmed a notice"), (
        lambda sid, s, e: select(IssueRead.contact_id).where(IssueRead.setting_id == sid, *_dated(IssueRead.at, s, e)),
        lambda sid, s, e: select(Acknowledgement.contact_id).where(
            Acknowledgement.setting_id == sid, *_dated(Acknowledgement.at, s, e)),
    )),
    Kind("survey", _sl("Answered a questionnaire sent this term"), (
        lambda sid, s, e: select(SurveyInvitation.contact_id).where(
            SurveyInvitation.setting_id == sid, SurveyInvitation.responded.is_(True),
            *_dated(SurveyInvitation.invited_at, s, e)),
    )),
    Kind("reply", _sl("Answered a workshop invitation or a meeting-time poll"), (
        lambda sid, s, e: select(Rsvp.contact_id).where(Rsvp.setting_id == sid, *_dated(Rsvp.created_at, s, e)),
        lambda sid, s, e: select(PollAnswer.contact_id).join(PollSlot, PollSlot.id == PollAnswer.slot_id)
        .join(Poll, Poll.id == PollSlot.poll_id).where(Poll.setting_id == sid, *_dated(PollAnswer.answered_at, s, e)),
    )),
    Kind("attended", _sl("Came to a workshop or event"), (
        lambda sid, s, e: select(Rsvp.contact_id).where(Rsvp.setting_id == sid, came_between(s, e)),
    )),
    Kind("involved", _sl("Offered to volunteer, asked to join the forum, or offered skills or interests"), (
        lambda sid, s, e: select(VolunteerSignup.contact_id)
        .join(VolunteerSlot, VolunteerSlot.id == VolunteerSignup.slot_id)
        .join(Opportunity, Opportunity.id == VolunteerSlot.opportunity_id).where(
            Opportunity.setting_id == sid, VolunteerSignup.status != WITHDRAWN,
            *_dated(VolunteerSignup.created_at, s, e)),
        lambda sid, s, e: select(ForumMember.contact_id).where(
            ForumMember.setting_id == sid, *_dated(ForumMember.created_at, s, e)),
        lambda sid, s, e: select(SkillOffer.contact_id).where(
            SkillOffer.setting_id == sid, *_dated(SkillOffer.created_at, s, e)),
        lambda sid, s, e: select(InterestSignup.contact_id).where(
            InterestSignup.setting_id == sid, *_dated(InterestSignup.created_at, s, e)),
    )),
    Kind("feedback", _sl("Gave feedback with their name"), (
        lambda sid, s, e: select(FeedbackItem.contact_id).where(
            FeedbackItem.setting_id == sid, FeedbackItem.contact_id.is_not(None),
            *_dated(FeedbackItem.received_at, s, e)),
    )),
    Kind("home_learning", _sl("Said they tried a home-learning activity"), (
        lambda sid, s, e: select(ActivityTry.contact_id).where(
            ActivityTry.setting_id == sid, *_dated(ActivityTry.at, s, e)),
    )),
    Kind("text_reply", _sl("Replied to a text message"), (
        lambda sid, s, e: select(InboundSms.contact_id).where(
            InboundSms.setting_id == sid, InboundSms.contact_id.is_not(None), InboundSms.keyword.is_(None),
            *_dated(InboundSms.received_at, s, e)),
    )),
)
KIND_LABELS = {k.code: k.label for k in KINDS}

# (level, fewest different kinds in the term), highest first; the last one catches the rest.
NONE, LOW, SOME, HIGH = "none", "low", "some", "high"
LEVELS: tuple[tuple[str, int], ...] = ((HIGH, 3), (SOME, 2), (LOW, 1), (NONE, 0))
LEVEL_LABELS = {NONE: _sl("None"), LOW: _sl("Low"), SOME: _sl("Some"), HIGH: _sl("High")}
NOT_FULLY_ENGAGED = (NONE, LOW)


def rules() -> list[tuple[str, str]]:
    """The level rules in words, made from LEVELS: [(level label, rule)], highest first."""
    out = []
    for i, (level, fewest) in enumerate(LEVELS):
        if fewest == 0:
            text = _sl("none of the kinds above")
        elif i == 0:
            text = _sl("%(n)d or more of the kinds above", n=fewest)
        elif LEVELS[i - 1][1] == fewest + 1:
            text = _sl("exactly %(n)d of the kinds above", n=fewest)
        else:
            text = _sl("%(low)d to %(high)d of the kinds above", low=fewest, high=LEVELS[i - 1][1] - 1)
        out.append((str(LEVEL_LABELS[level]), str(text)))
    return out


def level_for(kinds: int) -> str:
    """The level for a number of different kinds (the same rule as the SQL `case`)."""
    return next(level for level, fewest in LEVELS if kinds >= fewest)


def bounds(start: date, end: date, zone_name: str | None) -> tuple[datetime, datetime]:
    """Aware UTC datetimes from local midnight of `start` to local midnight after `end` (inclusive dates)."""
    try:
        zone = ZoneInfo(zone_name or "Europe/London")
    except (KeyError, ValueError):
        zone = ZoneInfo("Europe/London")
    first = datetime.combine(start, time(), zone).astimezone(timezone.utc)
    last = datetime.combine(date.fromordinal(end.toordinal() + 1), time(), zone).astimezone(timezone.utc)
    return first, last


def kinds_by_child(setting_id: int, start: datetime, end: datetime, child_ids=None) -> Select:
    """(child_id, kind) rows, once each, for the setting's children whose contacts took part in [start, end)."""
    parts = []
    for kind in KINDS:
        # From the term's records (already the setting's) through child_contact.contact_id to the child.
        # No filter on child.setting_id here: SQLite would then scan the setting's children per contact.
        contacts = union(*[source(setting_id, start, end) for source in kind.sources]).subquery()
        q = (select(ChildContact.child_id.label("child_id"), literal(kind.code).label("kind"))
             .join(contacts, contacts.c.contact_id == ChildContact.contact_id))
        if child_ids is not None:
            q = q.where(ChildContact.child_id.in_(child_ids))
        parts.append(q.distinct())
    return union_all(*parts)


def _level_case(count):
    return case(*[(count >= fewest, literal(level)) for level, fewest in LEVELS[:-1]], else_=literal(LEVELS[-1][0]))


@dataclass
class FamilyRow:
    child: Child
    kinds: int
    level: str


def families(setting_id: int, start: datetime, end: datetime, today: date, *, room_id: int | None = None,
             key_person_id: int | None = None, language: str | None = None, levels=None,
             child_ids=None) -> list[FamilyRow]:
    """The setting's children on roll with their engagement level over [start, end), filtered, all in one query."""
    per_kind = kinds_by_child(setting_id, start, end, child_ids).subquery()
    counts = (select(per_kind.c.child_id, func.count(per_kind.c.kind).label("kinds"))
              .group_by(per_kind.c.child_id).subquery())
    kinds = func.coalesce(counts.c.kinds, 0)
    level = _level_case(kinds)
    q = (select(Child, kinds.label("kinds"), level.label("level"))
         .outerjoin(counts, counts.c.child_id == Child.id)
         .options(selectinload(Child.room), selectinload(Child.key_person))
         .where(Child.setting_id == setting_id, or_(Child.leaving_date.is_(None), Child.leaving_date >= today)))
    if child_ids is not None:
        q = q.where(Child.id.in_(child_ids))
    if room_id:
        q = q.where(Child.room_id == room_id)
    if key_person_id:
        q = q.where(Child.key_person_id == key_person_id)
    if language:
        q = q.where(exists(select(ChildContact.id).join(Contact, Contact.id == ChildContact.contact_id)
                           .where(ChildContact.child_id == Child.id, Contact.language == language)))
    if levels:
        q = q.where(level.in_(list(levels)))
    q = q.order_by(kinds, Child.last_name, Child.first_name, Child.id)
    return [FamilyRow(child, n, lvl) for child, n, lvl in db.session.execute(q)]
