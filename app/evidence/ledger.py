"""The engagement ledger: one family's timeline across channels and features, in two queries.

A family is a child and every contact linked to it. Each source is read once, filtered by those contacts
and by the period, so the page costs the same however large the setting is. Confidential questionnaires
show only the fact the system already keeps ("responded"), never an answer or when it was given.

Messages are one query; every other source is a branch of one UNION ALL, each row saying which source
it is. Each query is built once per process with bound parameters (ids, start, end, language) and run
with this family's values: building a query costs more than running it on a family's few rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from flask import url_for
from sqlalchemy import Select, and_, bindparam, case, func, literal, null, select, union_all

from app.activities.models import ActivityTry, ActivityVersion
from app.extensions import db
from app.families.models import Child, ChildContact, Contact
from app.feedback.models import FeedbackItem
from app.i18n import _s
from app.involvement.models import (ForumMember, InterestSignup, Opportunity, SkillOffer, VolunteerSignup,
                                    VolunteerSlot)
from app.messaging.models import DELIVERED, SENT, Delivery, InboundSms, Message, MessageVersion
from app.messaging.labels import reason_text
from app.newsletters.models import Acknowledgement, Issue, IssueRead, IssueVersion
from app.surveys.models import NAMED, Survey, SurveyInvitation
from app.workshops.models import (Poll, PollAnswer, PollSlot, Rsvp, SessionAttendance, Workshop, WorkshopSession,
                                  WorkshopText)

DELIVERY = "delivery"  # not a kind of taking part: shown, never counted


@dataclass
class Event:
    """One line of the timeline."""

    at: datetime | None
    kind: str  # an engagement kind code (app.evidence.engagement.KINDS) or DELIVERY
    contact: str
    what: str
    url: str | None = None


class FamilyContact(NamedTuple):
    id: int
    full_name: str
    restricted: bool


def family_contacts(child: Child) -> list[FamilyContact]:
    """The family's contacts, in the order the child's record lists them."""
    return [FamilyContact(cid, f"{first} {last}".strip(), restricted) for cid, first, last, restricted in
            db.session.execute(select(Contact.id, Contact.first_name, Contact.last_name, Contact.restricted)
                               .join(ChildContact, ChildContact.contact_id == Contact.id)
                               .where(ChildContact.child_id == child.id, Contact.setting_id == child.setting_id)
                               .order_by(ChildContact.priority, ChildContact.id))]


def _of_family(column):
    return column.in_(bindparam("ids", expanding=True))


def _between(column):
    return and_(column >= bindparam("start"), column < bindparam("end"))


@cache
def _delivery_rows() -> Select:
    at = func.coalesce(Delivery.sent_at, Delivery.queued_at)
    return (select(Delivery.contact_id, Delivery.channel, Delivery.status, Delivery.reason, Delivery.error, at,
                   Message.id, MessageVersion.subject)
            .join(Message, Message.id == Delivery.message_id)
            .outerjoin(MessageVersion, and_(MessageVersion.message_id == Message.id,
                                            MessageVersion.language == Message.default_language))
            .where(_of_family(Delivery.contact_id), _between(at)))


def _deliveries(params, names) -> list[Event]:
    # Translated once for all the rows (a family gets many messages), then filled in for each.
    by_email, by_text, untitled = _s("by email"), _s("by text"), _s("message %(id)d")
    sent, not_received, waiting = (_s("Message sent %(how)s: %(title)s"),
                                   _s("Message not received %(how)s: %(title)s (%(why)s)"),
                                   _s("Message waiting to go %(how)s: %(title)s"))
    events = []
    for cid, channel, status, reason, error, when, message_id, subject in db.session.execute(_delivery_rows(), params):
        words = {"how": by_email if channel == "email" else by_text, "title": subject or untitled % {"id": message_id}}
        if status in (SENT, DELIVERED):
            what = sent % words
        elif reason:
            what = not_received % {**words, "why": reason_text(reason, error)}
        else:
            what = waiting % words
        events.append(Event(when, DELIVERY, names[cid], what,
                            url_for("messaging.delivery_report", message_id=message_id)))
    return events


@cache
def _record_rows() -> Select:
    """Everything else the family did or was asked, all in one query (a round trip each would cost more than
    reading them): (source, contact id, when, linked id, text, detail)."""
    def read(model, source: str):
        return (select(literal(source), model.contact_id, model.at, Issue.id, IssueVersion.title, null())
                .join(Issue, Issue.id == model.issue_id)
                .outerjoin(IssueVersion, and_(IssueVersion.issue_id == Issue.id,
                                              IssueVersion.language == bindparam("language")))
                .where(_of_family(model.contact_id), _between(model.at)))

    def workshop(source, at, detail):
        return (select(source, Rsvp.contact_id, at, Workshop.id, WorkshopText.title, detail)
                .join(Workshop, Workshop.id == Rsvp.workshop_id)
                .outerjoin(WorkshopText, and_(WorkshopText.workshop_id == Workshop.id,
                                              WorkshopText.language == Workshop.default_language)))

    def plain(source: str, model, at, text, detail=None):
        return (select(literal(source), model.contact_id, at, null(), text, null() if detail is None else detail)
                .where(_of_family(model.contact_id), _between(at)))
    return union_all(
        read(IssueRead, "opened"), read(Acknowledgement, "acknowledged"),
        select(case((SurveyInvitation.responded.is_not(True), literal("invited")), (Survey.mode == NAMED, literal("named")),
                    else_=literal("confidential")),
               SurveyInvitation.contact_id, SurveyInvitation.invited_at, Survey.id, Survey.title, null())
        .join(Survey, Survey.id == SurveyInvitation.survey_id)
        .where(_of_family(SurveyInvitation.contact_id), _between(SurveyInvitation.invited_at)),
        workshop(case((Rsvp.place == "waiting", literal("waiting")), else_=literal("answered")), Rsvp.created_at,
                 Rsvp.answer).where(_of_family(Rsvp.contact_id), _between(Rsvp.created_at)),
        workshop(literal("attended"), WorkshopSession.starts_at, null())  # a line for each session they came to
        .join(SessionAttendance, SessionAttendance.rsvp_id == Rsvp.id)
        .join(WorkshopSession, WorkshopSession.id == SessionAttendance.session_id)
        .where(_of_family(Rsvp.contact_id), _between(WorkshopSession.starts_at)),
        select(literal("poll"), PollAnswer.contact_id, func.max(PollAnswer.answered_at), null(), Poll.title, null())
        .join(PollSlot, PollSlot.id == PollAnswer.slot_id).join(Poll, Poll.id == PollSlot.poll_id)
        .where(_of_family(PollAnswer.contact_id), _between(PollAnswer.answered_at))
        .group_by(PollAnswer.contact_id, Poll.id, Poll.title),
        select(literal("volunteer"), VolunteerSignup.contact_id, VolunteerSignup.created_at, null(), Opportunity.title,
               VolunteerSignup.status)
        .join(VolunteerSlot, VolunteerSlot.id == VolunteerSignup.slot_id)
        .join(Opportunity, Opportunity.id == VolunteerSlot.opportunity_id)
        .where(_of_family(VolunteerSignup.contact_id), _between(VolunteerSignup.created_at)),
        plain("forum", ForumMember, ForumMember.created_at, ForumMember.status),
        plain("skills", SkillOffer, SkillOffer.created_at, SkillOffer.skills),
        plain("interest", InterestSignup, InterestSignup.created_at, InterestSignup.topic),
        select(literal("feedback"), FeedbackItem.contact_id, FeedbackItem.received_at, FeedbackItem.id,
               FeedbackItem.kind, null())
        .where(_of_family(FeedbackItem.contact_id), _between(FeedbackItem.received_at)),
        select(literal("tried"), ActivityTry.contact_id, ActivityTry.at, null(), ActivityVersion.title, ActivityTry.note)
        .outerjoin(ActivityVersion, and_(ActivityVersion.activity_id == ActivityTry.activity_id,
                                         ActivityVersion.language == bindparam("language")))
        .where(_of_family(ActivityTry.contact_id), _between(ActivityTry.at)),
        plain("text", InboundSms, InboundSms.received_at, InboundSms.keyword, InboundSms.body))


def _records(params, names, child: Child) -> list[Event]:
    involvement, replies = url_for("involvement.manage"), url_for("messaging.replies")
    forum = {"pending": _s("waiting for the PICO"), "active": _s("a member"), "ended": _s("membership ended")}
    answers = {"yes": _s("yes"), "no": _s("no"), "maybe": _s("maybe")}

    def event(source, cid, at, ref, text, detail) -> Event:
        name = names[cid]
        if source in ("opened", "acknowledged"):
            words = (_s("Opened %(title)s") if source == "opened"
                     else _s("Confirmed they read and understood %(title)s"))
            return Event(at, "reading", name, words % {"title": text or _s("a newsletter")},
                         url_for("newsletters.show", issue_id=ref))
        if source == "invited":
            return Event(at, DELIVERY, name, _s("Invited to the questionnaire %(title)s: no answer yet", title=text))
        if source == "named":
            return Event(at, "survey", name, _s("Answered the questionnaire %(title)s", title=text),
                         url_for("evidence.named_answers", child_id=child.id, survey_id=ref, contact_id=cid))
        if source == "confidential":  # only the fact of responding, which the invitation keeps
            return Event(at, "survey", name, _s("Responded to the confidential questionnaire %(title)s "
                                                "(answers are not shown)", title=text))
        if source in ("answered", "waiting"):
            words = _s("Answered the invitation to %(title)s: %(answer)s", title=text, answer=answers.get(detail, detail))
            if source == "waiting":
                words += " " + _s("(on the waiting list)")
            return Event(at, "reply", name, words, url_for("workshops.show", workshop_id=ref))
        if source == "attended":
            return Event(at, "attended", name, _s("Came to %(title)s", title=text),
                         url_for("workshops.show", workshop_id=ref))
        if source == "poll":
            return Event(at, "reply", name, _s("Said which meeting times suit them: %(title)s", title=text))
        if source == "volunteer":
            if detail == "withdrawn":
                return Event(at, DELIVERY, name, _s("Offered to help, then withdrew: %(title)s", title=text), involvement)
            return Event(at, "involved", name, _s("Offered to help: %(title)s", title=text), involvement)
        if source == "forum":
            return Event(at, "involved", name, _s("Asked to join the parents' forum (now %(status)s)",
                                                  status=forum.get(text, text)), involvement)
        if source == "skills":
            return Event(at, "involved", name, _s("Offered skills: %(skills)s", skills=text[:200]), involvement)
        if source == "interest":
            return Event(at, "involved", name, _s("Asked to hear about: %(topic)s", topic=text), involvement)
        if source == "feedback":
            return Event(at, "feedback", name, _s("Gave feedback (%(kind)s)", kind=text),
                         url_for("feedback.item", item_id=ref))
        if source == "tried":
            return Event(at, "home_learning", name, _s("Tried %(title)s at home", title=text or _s("an activity"))
                         + (f": “{detail[:200]}”" if detail else ""))
        if text is None:  # a text message that is not a keyword (STOP, START …) is a reply
            return Event(at, "text_reply", name, _s("Replied by text: “%(body)s”", body=detail[:200]), replies)
        return Event(at, DELIVERY, name, _s("Texted %(word)s", word=text.upper()), replies)
    return [event(*row) for row in db.session.execute(_record_rows(), params)]


def timeline(child: Child, contacts: list[FamilyContact], start: datetime, end: datetime, language: str) -> list[Event]:
    """Everything the family's contacts received and did in [start, end), newest first."""
    if not contacts:
        return []
    names = {c.id: c.full_name for c in contacts}
    params = {"ids": list(names), "start": start, "end": end, "language": language}
    events = _deliveries(params, names) + _records(params, names, child)
    events.sort(key=lambda e: (e.at is not None, e.at), reverse=True)
    return events
