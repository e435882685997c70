"""The PICO's figures for one setting and one period (a term, or any date range), counted in SQL.

A family is a child on roll during the period (started by its last day, not left before its first),
with the contacts linked to that child. Every count is one aggregate query whose cost follows the
indexes (correlated EXISTS from a family's contacts into their deliveries, reads …), never a Python
loop over families, so it stays fast at 10,000 families and 1,000,000 deliveries.

- families reached: families with at least one contact sent a message in the period (status sent or
  delivered, by the time it was sent);
- read or acknowledged: families with a contact who opened a newsletter's web version or acknowledged
  a notice in the period, out of the families reached;
- survey response rate: invitations sent in the period, and how many were answered;
- workshop attendance: workshops held in the period (not cancelled; a course counts in every period
  one of its sessions is in), answers saying coming with a confirmed place, and how many of them are
  on the register of a session in the period;
- forum members: members accepted onto the parents' forum whose membership overlaps the period;
- volunteers: parents with a confirmed volunteer place in a slot in the period;
- feedback received: items received in the period, and how many of them are complaints.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, distinct, func, literal, or_, select, text

from app.extensions import db
from app.families.models import Child, ChildContact
from app.feedback.models import FeedbackItem
from app.i18n import _s
from app.involvement.models import ACTIVE, ENDED, ForumMember, Opportunity, VolunteerSignup, VolunteerSlot
from app.involvement.models import CONFIRMED as VOLUNTEER_CONFIRMED
from app.messaging.models import DELIVERED, SENT, Delivery
from app.newsletters.models import Acknowledgement, IssueRead
from app.surveys.models import SurveyInvitation
from app.workshops.models import CANCELLED, CONFIRMED, MAYBE, YES, Rsvp, Workshop, came_between, meets_between


@dataclass
class Figures:
    """The counts for one period (see the module docstring for what each one counts)."""

    on_roll: int = 0
    reached: int = 0
    read: int = 0
    invited: int = 0
    responded: int = 0
    workshops: int = 0
    coming: int = 0
    attended: int = 0
    forum: int = 0
    volunteers: int = 0
    feedback: int = 0
    complaints: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def percent(part: int, whole: int) -> int | None:
    """Whole-number percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


def utc_bounds(setting, period) -> tuple[datetime, datetime]:
    """The period's first and after-last local midnights in the setting's time zone, as UTC instants."""
    try:
        zone = ZoneInfo(setting.timezone or "Europe/London")
    except (KeyError, ValueError):
        zone = ZoneInfo("Europe/London")
    return (datetime.combine(period.start, time(), zone).astimezone(ZoneInfo("UTC")),
            datetime.combine(period.end_exclusive, time(), zone).astimezone(ZoneInfo("UTC")))


def on_roll(setting_id: int, first: date, last: date) -> list:
    """Conditions for a child on roll at some time between two days."""
    return [Child.setting_id == setting_id,
            or_(Child.start_date.is_(None), Child.start_date <= last),
            or_(Child.leaving_date.is_(None), Child.leaving_date >= first)]


def family_has(contact_test) -> object:
    """EXISTS: one of the child's contacts passes `contact_test(contact id column)`."""
    return (select(literal(1)).select_from(ChildContact)
            .where(ChildContact.child_id == Child.id, contact_test(ChildContact.contact_id)).exists())


def _sent_between(start: datetime, end: datetime):
    def test(contact_id):
        return (select(literal(1)).select_from(Delivery)
                .where(Delivery.contact_id == contact_id, Delivery.sent_at >= start, Delivery.sent_at < end,
                       Delivery.status.in_((SENT, DELIVERED))).exists())
    return test


def _read_between(start: datetime, end: datetime):
    def test(contact_id):
        return or_(
            select(literal(1)).select_from(IssueRead)
            .where(IssueRead.contact_id == contact_id, IssueRead.at >= start, IssueRead.at < end).exists(),
            select(literal(1)).select_from(Acknowledgement)
            .where(Acknowledgement.contact_id == contact_id, Acknowledgement.at >= start,
                   Acknowledgement.at < end).exists())
    return test


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _families(setting_id: int, period, start: datetime, end: datetime) -> tuple[int, int, int]:
    """(on roll, reached, read or acknowledged among the reached) in one pass over the families.

    Each family gets one level (0 not reached, 1 reached, 2 reached and read) in a materialised CTE,
    so each EXISTS runs once per family, then the levels are counted."""
    level = case((family_has(_sent_between(start, end)),
                  case((family_has(_read_between(start, end)), 2), else_=1)), else_=0)
    families = (select(level.label("level")).select_from(Child).where(*on_roll(setting_id, period.start, period.end))
                .cte("families").prefix_with("MATERIALIZED"))
    counts = dict(db.session.execute(select(families.c.level, func.count()).group_by(families.c.level)).all())
    return sum(counts.values()), counts.get(1, 0) + counts.get(2, 0), counts.get(2, 0)


def _surveys(setting_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    row = db.session.execute(
        select(func.count(), _count_if(SurveyInvitation.responded.is_(True)))
        .where(SurveyInvitation.setting_id == setting_id, SurveyInvitation.invited_at >= start,
               SurveyInvitation.invited_at < end)).one()
    return int(row[0]), int(row[1])


def _workshops(setting_id: int, start: datetime, end: datetime) -> tuple[int, int, int]:
    held = (Workshop.setting_id == setting_id, Workshop.status != CANCELLED, meets_between(start, end))
    count = db.session.scalar(select(func.count()).select_from(Workshop).where(*held)) or 0
    coming = and_(Rsvp.answer.in_((YES, MAYBE)), Rsvp.place == CONFIRMED)
    row = db.session.execute(
        select(_count_if(coming), _count_if(came_between(start, end)))
        .join(Workshop, Workshop.id == Rsvp.workshop_id).where(*held)).one()
    return int(count), int(row[0]), int(row[1])


def _forum(setting_id: int, period) -> int:
    return db.session.scalar(
        select(func.count()).select_from(ForumMember)
        .where(ForumMember.setting_id == setting_id, ForumMember.status.in_((ACTIVE, ENDED)),
               ForumMember.term_start <= period.end,
               or_(ForumMember.term_end.is_(None), ForumMember.term_end >= period.start))) or 0


def _volunteers(setting_id: int, start: datetime, end: datetime) -> int:
    return db.session.scalar(
        select(func.count(distinct(VolunteerSignup.contact_id)))
        .join(VolunteerSlot, VolunteerSlot.id == VolunteerSignup.slot_id)
        .join(Opportunity, Opportunity.id == VolunteerSlot.opportunity_id)
        .where(Opportunity.setting_id == setting_id, VolunteerSignup.status == VOLUNTEER_CONFIRMED,
               VolunteerSlot.starts_at >= start, VolunteerSlot.starts_at < end)) or 0


def _feedback(setting_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    row = db.session.execute(
        select(func.count(), _count_if(FeedbackItem.is_complaint.is_(True)))
        .where(FeedbackItem.setting_id == setting_id, FeedbackItem.received_at >= start,
               FeedbackItem.received_at < end)).one()
    return int(row[0]), int(row[1])


def no_jit() -> None:
    """PostgreSQL: no JIT compilation for the rest of this transaction. The planner's cost estimates
    for correlated EXISTS over large tables pass its JIT threshold, and compiling then takes longer
    than running the query (a few milliseconds of index lookups)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def figures(setting, period) -> Figures:
    """Every figure for `setting` over `period` (a Term or a Period)."""
    no_jit()
    start, end = utc_bounds(setting, period)
    sid = setting.id
    on, reached, read = _families(sid, period, start, end)
    invited, responded = _surveys(sid, start, end)
    held, coming, attended = _workshops(sid, start, end)
    feedback, complaints = _feedback(sid, start, end)
    return Figures(on_roll=on, reached=reached, read=read, invited=invited, responded=responded,
                   workshops=held, coming=coming, attended=attended, forum=_forum(sid, period),
                   volunteers=_volunteers(sid, start, end), feedback=feedback, complaints=complaints)


@dataclass(frozen=True)
class Measure:
    """How a figure is shown: its headline count, what it is out of, and how it was counted."""

    key: str
    label: str
    value: str  # the Figures field shown
    base: str | None  # the Figures field it is a share of
    how: str


def measures() -> list[Measure]:
    """The dashboard's figures in order, with plain words for staff."""
    return [
        Measure("reached", _s("Families reached"), "reached", "on_roll",
                _s("Families on roll with at least one message delivered to a parent or carer.")),
        Measure("read", _s("Read or acknowledged"), "read", "reached",
                _s("Families reached where someone opened a newsletter or acknowledged a notice.")),
        Measure("surveys", _s("Questionnaire response rate"), "responded", "invited",
                _s("Questionnaire invitations sent in the period that were answered.")),
        Measure("workshops", _s("Workshop attendance"), "attended", "coming",
                _s("Places marked attended on the register, out of confirmed places.")),
        Measure("forum", _s("Forum members"), "forum", None,
                _s("Parents accepted onto the parents' forum for some of the period.")),
        Measure("volunteers", _s("Volunteers"), "volunteers", None,
                _s("Parents with a confirmed volunteering slot in the period.")),
        Measure("feedback", _s("Feedback received"), "feedback", None,
                _s("Compliments, suggestions, comments and concerns received, including complaints.")),
    ]
