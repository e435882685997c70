"""The engagement ledger: one family's timeline across channels and features, in four queries.

A family is a child and every contact linked to it. Each source is read once, filtered by those contacts
and by the period, so the page costs the same however large the setting is. Confidential questionnaires
show only the fact the system already keeps ("responded"), never an answer or when it was given.

Messages, questionnaires and workshop answers are a query each; every other source is a branch of one
UNION ALL. Each query is built once per process with bound parameters (ids, start, end, language) and run
with this family's values: building a query costs more than running it on a family's few rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import url_for
from sqlalchemy import Select, and_, bindparam, func, literal, null, or_, select, union_all

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
from app.workshops.models import Poll, PollAnswer, PollSlot, Rsvp, Workshop, WorkshopText

DELIVERY = "delivery"  # not a kind of taking part: shown, never counted


@dataclass
class Event:
    """One line of the timeline."""

    at: datetime | None
    kind: str  # an engagement kind code (app.evidence.engagement.KINDS) or DELIVERY
    contact: str
    what: str
    url: str | None = None


def family_contacts(child: Child) -> list[Contact]:
    """The family's contacts, in the order the child's record lists them."""
    return list(db.session.scalars(
        select(Contact).join(ChildContact, ChildContact.contact_id == Contact.id)
        .where(ChildContact.child_id == child.id, Contact.setting_id == child.setting_id)
        .order_by(ChildContact.priority, ChildContact.id)))


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
    events = []
    for cid, channel, status, reason, error, when, message_id, subject in db.session.execute(_delivery_rows(), params):
        how = _s("by email") if channel == "email" else _s("by text")
        title = subject or _s("message %(id)d", id=message_id)
        if status in (SENT, DELIVERED):
            what = _s("Message sent %(how)s: %(title)s", how=how, title=title)
        elif reason:
            what = _s("Message not received %(how)s: %(title)s (%(why)s)", how=how, title=title,
                      why=reason_text(reason, error))
        else:
            what = _s("Message waiting to go %(how)s: %(title)s", how=how, title=title)
        events.append(Event(when, DELIVERY, names[cid], what,
                            url_for("messaging.delivery_report", message_id=message_id)))
    return events


@cache
def _survey_rows() -> Select:
    return (select(SurveyInvitation.contact_id, SurveyInvitation.invited_at, SurveyInvitation.responded,
                   Survey.id, Survey.title, Survey.mode)
            .join(Survey, Survey.id == SurveyInvitation.survey_id)
            .where(_of_family(SurveyInvitation.contact_id), _between(SurveyInvitation.invited_at)))


def _surveys(params, names, child) -> list[Event]:
    events = []
    for cid, at, responded, survey_id, title, mode in db.session.execute(_survey_rows(), params):
        if not responded:
            events.append(Event(at, DELIVERY, names[cid], _s("Invited to the questionnaire %(title)s: "
                                                             "no answer yet", title=title)))
        elif mode == NAMED:
            events.append(Event(at, "survey", names[cid], _s("Answered the questionnaire %(title)s", title=title),
                                url_for("evidence.named_answers", child_id=child.id, survey_id=survey_id,
                                        contact_id=cid)))
        else:  # confidential: only the fact of responding, which the invitation keeps
            events.append(Event(at, "survey", names[cid], _s("Responded to the confidential questionnaire "
                                                             "%(title)s (answers are not shown)", title=title)))
    return events


@cache
def _rsvp_rows() -> Select:
    return (select(Rsvp.contact_id, Rsvp.created_at, Rsvp.answer, Rsvp.place, Rsvp.attended, Workshop.id,
                   Workshop.starts_at, WorkshopText.title)
            .join(Workshop, Workshop.id == Rsvp.workshop_id)
            .outerjoin(WorkshopText, and_(WorkshopText.workshop_id == Workshop.id,
                                          WorkshopText.language == Workshop.default_language))
            .where(_of_family(Rsvp.contact_id),
                   or_(_between(Rsvp.created_at), and_(Rsvp.attended.is_(True), _between(Workshop.starts_at)))))


def _workshops(params, names) -> list[Event]:
    start, end = params["start"], params["end"]
    answers = {"yes": _s("yes"), "no": _s("no"), "maybe": _s("maybe")}
    events = []
    for cid, created, answer, place, attended, workshop_id, starts, title in db.session.execute(_rsvp_rows(), params):
        url = url_for("workshops.show", workshop_id=workshop_id)
        if start <= created < end:
            text = _s("Answered the invitation to %(title)s: %(answer)s", title=title, answer=answers.get(answer, answer))
            if place == "waiting":
                text += " " + _s("(on the waiting list)")
            events.append(Event(created, "reply", names[cid], text, url))
        if attended and start <= starts < end:
            events.append(Event(starts, "attended", names[cid], _s("Came to %(title)s", title=title), url))
    return events


@cache
def _record_rows() -> Select:
    """The family's other records, all in one query (a round trip each would cost more than reading them):
    (source, contact id, when, linked id, text, detail)."""
    def read(model, source: str):
        return (select(literal(source), model.contact_id, model.at, Issue.id, IssueVersion.title, null())
                .join(Issue, Issue.id == model.issue_id)
                .outerjoin(IssueVersion, and_(IssueVersion.issue_id == Issue.id,
                                              IssueVersion.language == bindparam("language")))
                .where(_of_family(model.contact_id), _between(model.at)))

    def plain(source: str, model, at, text, detail=None):
        return (select(literal(source), model.contact_id, at, null(), text, null() if detail is None else detail)
                .where(_of_family(model.contact_id), _between(at)))
    return union_all(
        read(IssueRead, "opened"), read(Acknowledgement, "acknowledged"),
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


def _records(params, names) -> list[Event]:
    involvement, replies = url_for("involvement.manage"), url_for("messaging.replies")
    forum = {"pending": _s("waiting for the PICO"), "active": _s("a member"), "ended": _s("membership ended")}

    def event(source, at, name, ref, text, detail) -> Event:
        if source in ("opened", "acknowledged"):
            words = (_s("Opened %(title)s") if source == "opened"
                     else _s("Confirmed they read and understood %(title)s"))
            return Event(at, "reading", name, words % {"title": text or _s("a newsletter")},
                         url_for("newsletters.show", issue_id=ref))
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
    return [event(source, at, names[cid], ref, text, detail)
            for source, cid, at, ref, text, detail in db.session.execute(_record_rows(), params)]


def timeline(child: Child, contacts: list[Contact], start: datetime, end: datetime, language: str) -> list[Event]:
    """Everything the family's contacts received and did in [start, end), newest first."""
    if not contacts:
        return []
    names = {c.id: c.full_name for c in contacts}
    params = {"ids": list(names), "start": start, "end": end, "language": language}
    events = (_deliveries(params, names) + _surveys(params, names, child) + _workshops(params, names)
              + _records(params, names))
    events.sort(key=lambda e: (e.at is not None, e.at), reverse=True)
    return events
