"""The engagement ledger: one family's timeline across channels and features, one query per source.

A family is a child and every contact linked to it. Each source is read once, filtered by those contacts
and by the period, so the page costs the same however large the setting is. Confidential questionnaires
show only the fact the system already keeps ("responded"), never an answer or when it was given.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import and_, func, or_, select

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


def family_contacts(child: Child) -> dict[int, str]:
    """The family's contacts: {contact id: name}."""
    rows = db.session.execute(select(Contact.id, Contact.first_name, Contact.last_name)
                              .join(ChildContact, ChildContact.contact_id == Contact.id)
                              .where(ChildContact.child_id == child.id, Contact.setting_id == child.setting_id))
    return {cid: f"{first} {last}".strip() for cid, first, last in rows}


def _between(column, start: datetime, end: datetime):
    return and_(column >= start, column < end)


def _deliveries(ids, names, start, end) -> list[Event]:
    at = func.coalesce(Delivery.sent_at, Delivery.queued_at)
    rows = db.session.execute(
        select(Delivery.contact_id, Delivery.channel, Delivery.status, Delivery.reason, Delivery.error, at,
               Message.id, MessageVersion.subject)
        .join(Message, Message.id == Delivery.message_id)
        .outerjoin(MessageVersion, and_(MessageVersion.message_id == Message.id,
                                        MessageVersion.language == Message.default_language))
        .where(Delivery.contact_id.in_(ids), _between(at, start, end)))
    events = []
    for cid, channel, status, reason, error, when, message_id, subject in rows:
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


def _newsletters(ids, names, start, end, language) -> list[Event]:
    events = []
    for model, text in ((IssueRead, _s("Opened %(title)s")),
                        (Acknowledgement, _s("Confirmed they read and understood %(title)s"))):
        rows = db.session.execute(
            select(model.contact_id, model.at, Issue.id, IssueVersion.title)
            .join(Issue, Issue.id == model.issue_id)
            .outerjoin(IssueVersion, and_(IssueVersion.issue_id == Issue.id, IssueVersion.language == language))
            .where(model.contact_id.in_(ids), _between(model.at, start, end)))
        events += [Event(at, "reading", names[cid], text % {"title": title or _s("a newsletter")},
                         url_for("newsletters.show", issue_id=issue_id)) for cid, at, issue_id, title in rows]
    return events


def _surveys(ids, names, start, end, child) -> list[Event]:
    rows = db.session.execute(
        select(SurveyInvitation.contact_id, SurveyInvitation.invited_at, SurveyInvitation.responded,
               Survey.id, Survey.title, Survey.mode)
        .join(Survey, Survey.id == SurveyInvitation.survey_id)
        .where(SurveyInvitation.contact_id.in_(ids), _between(SurveyInvitation.invited_at, start, end)))
    events = []
    for cid, at, responded, survey_id, title, mode in rows:
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


def _workshops(ids, names, start, end) -> list[Event]:
    answers = {"yes": _s("yes"), "no": _s("no"), "maybe": _s("maybe")}
    rows = db.session.execute(
        select(Rsvp.contact_id, Rsvp.created_at, Rsvp.answer, Rsvp.place, Rsvp.attended, Workshop.id,
               Workshop.starts_at, WorkshopText.title)
        .join(Workshop, Workshop.id == Rsvp.workshop_id)
        .outerjoin(WorkshopText, and_(WorkshopText.workshop_id == Workshop.id,
                                      WorkshopText.language == Workshop.default_language))
        .where(Rsvp.contact_id.in_(ids), or_(_between(Rsvp.created_at, start, end),
                                             and_(Rsvp.attended.is_(True), _between(Workshop.starts_at, start, end)))))
    events = []
    for cid, created, answer, place, attended, workshop_id, starts, title in rows:
        url = url_for("workshops.show", workshop_id=workshop_id)
        if start <= created < end:
            text = _s("Answered the invitation to %(title)s: %(answer)s", title=title, answer=answers.get(answer, answer))
            if place == "waiting":
                text += " " + _s("(on the waiting list)")
            events.append(Event(created, "reply", names[cid], text, url))
        if attended and start <= starts < end:
            events.append(Event(starts, "attended", names[cid], _s("Came to %(title)s", title=title), url))
    rows = db.session.execute(
        select(PollAnswer.contact_id, func.max(PollAnswer.answered_at), Poll.title)
        .join(PollSlot, PollSlot.id == PollAnswer.slot_id).join(Poll, Poll.id == PollSlot.poll_id)
        .where(PollAnswer.contact_id.in_(ids), _between(PollAnswer.answered_at, start, end))
        .group_by(PollAnswer.contact_id, Poll.id, Poll.title))
    events += [Event(at, "reply", names[cid], _s("Said which meeting times suit them: %(title)s", title=title))
               for cid, at, title in rows]
    return events


def _involvement(ids, names, start, end) -> list[Event]:
    url = url_for("involvement.manage")
    rows = db.session.execute(
        select(VolunteerSignup.contact_id, VolunteerSignup.created_at, VolunteerSignup.status, Opportunity.title)
        .join(VolunteerSlot, VolunteerSlot.id == VolunteerSignup.slot_id)
        .join(Opportunity, Opportunity.id == VolunteerSlot.opportunity_id)
        .where(VolunteerSignup.contact_id.in_(ids), _between(VolunteerSignup.created_at, start, end)))
    events = [Event(at, "involved" if status != "withdrawn" else DELIVERY, names[cid],
                    (_s("Offered to help: %(title)s", title=title) if status != "withdrawn"
                     else _s("Offered to help, then withdrew: %(title)s", title=title)), url)
              for cid, at, status, title in rows]
    forum = {"pending": _s("waiting for the PICO"), "active": _s("a member"), "ended": _s("membership ended")}
    simple = ((ForumMember, ForumMember.created_at,
               lambda r: _s("Asked to join the parents' forum (now %(status)s)", status=forum.get(r.status, r.status))),
              (SkillOffer, SkillOffer.created_at, lambda r: _s("Offered skills: %(skills)s", skills=r.skills[:200])),
              (InterestSignup, InterestSignup.created_at,
               lambda r: _s("Asked to hear about: %(topic)s", topic=r.topic)))
    for model, column, text in simple:
        for row in db.session.scalars(select(model).where(model.contact_id.in_(ids), _between(column, start, end))):
            events.append(Event(getattr(row, column.key), "involved", names[row.contact_id], text(row), url))
    return events


def _feedback(ids, names, start, end) -> list[Event]:
    rows = db.session.execute(
        select(FeedbackItem.contact_id, FeedbackItem.received_at, FeedbackItem.kind, FeedbackItem.id)
        .where(FeedbackItem.contact_id.in_(ids), _between(FeedbackItem.received_at, start, end)))
    return [Event(at, "feedback", names[cid], _s("Gave feedback (%(kind)s)", kind=kind),
                  url_for("feedback.item", item_id=item_id)) for cid, at, kind, item_id in rows]


def _activities(ids, names, start, end, language) -> list[Event]:
    rows = db.session.execute(
        select(ActivityTry.contact_id, ActivityTry.at, ActivityTry.note, ActivityVersion.title)
        .outerjoin(ActivityVersion, and_(ActivityVersion.activity_id == ActivityTry.activity_id,
                                         ActivityVersion.language == language))
        .where(ActivityTry.contact_id.in_(ids), _between(ActivityTry.at, start, end)))
    return [Event(at, "home_learning", names[cid],
                  _s("Tried %(title)s at home", title=title or _s("an activity")) + (f": “{note[:200]}”" if note else ""))
            for cid, at, note, title in rows]


def _texts(ids, names, start, end) -> list[Event]:
    rows = db.session.execute(
        select(InboundSms.contact_id, InboundSms.received_at, InboundSms.keyword, InboundSms.body)
        .where(InboundSms.contact_id.in_(ids), _between(InboundSms.received_at, start, end)))
    return [Event(at, "text_reply" if keyword is None else DELIVERY, names[cid],
                  _s("Replied by text: “%(body)s”", body=body[:200]) if keyword is None
                  else _s("Texted %(word)s", word=keyword.upper()), url_for("messaging.replies"))
            for cid, at, keyword, body in rows]


def timeline(child: Child, start: datetime, end: datetime, language: str) -> list[Event]:
    """Everything the family's contacts received and did in [start, end), newest first."""
    names = family_contacts(child)
    if not names:
        return []
    ids = list(names)
    events = (_deliveries(ids, names, start, end) + _newsletters(ids, names, start, end, language)
              + _surveys(ids, names, start, end, child) + _workshops(ids, names, start, end)
              + _involvement(ids, names, start, end) + _feedback(ids, names, start, end)
              + _activities(ids, names, start, end, language) + _texts(ids, names, start, end))
    events.sort(key=lambda e: (e.at is not None, e.at), reverse=True)
    return events
