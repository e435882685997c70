"""Builders for engagement records (one of each thing a family can receive or do), dated by the test."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.activities.models import Activity, ActivityTry, ActivityVersion
from app.extensions import db
from app.feedback.models import FeedbackItem
from app.involvement.models import ForumMember, InterestSignup, Opportunity, SkillOffer, VolunteerSignup, VolunteerSlot
from app.messaging.models import Delivery, InboundSms, Message, MessageVersion
from app.messaging.status import refresh_reached
from app.newsletters.models import Acknowledgement, Issue, IssueRead, IssueVersion
from app.surveys.models import Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse, SurveySection
from app.workshops.models import Poll, PollAnswer, PollSlot, Rsvp, SessionAttendance, Workshop, WorkshopText

# The frozen clock stands on 23 November 2026: the autumn term 2026 (1 Sep - 31 Dec).
IN_TERM = datetime(2026, 10, 5, 10, 0, tzinfo=timezone.utc)
LAST_TERM = datetime(2026, 6, 10, 10, 0, tzinfo=timezone.utc)


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def delivery(setting, contact, subject="Harvest news", at=IN_TERM, status="sent", reason=None):
    message = _add(Message(setting_id=setting.id, category="newsletter", channels="email", status="done"))
    _add(MessageVersion(message_id=message.id, language="en", subject=subject, body_text="..."))
    row = _add(Delivery(setting_id=setting.id, message_id=message.id, contact_id=contact.id, channel="email",
                        address=contact.email, language="en", status=status, reason=reason, queued_at=at,
                        sent_at=at if status == "sent" else None))
    refresh_reached([row.id])  # written directly, not moved by the messaging core: keep its summary
    return row


def issue(setting, title="Autumn newsletter"):
    item = _add(Issue(setting_id=setting.id, kind="newsletter"))
    _add(IssueVersion(issue_id=item.id, language="en", title=title, body_md="Hello", status="approved"))
    return item


def read(setting, contact, item, at=IN_TERM):
    return _add(IssueRead(setting_id=setting.id, issue_id=item.id, contact_id=contact.id, at=at))


def acknowledge(setting, contact, item, at=IN_TERM):
    return _add(Acknowledgement(setting_id=setting.id, issue_id=item.id, contact_id=contact.id, language="en", at=at))


def survey(setting, title="Parents' views", mode="confidential"):
    s = _add(Survey(setting_id=setting.id, title=title, mode=mode, status="open"))
    section = _add(SurveySection(survey_id=s.id, position=0, title=""))
    _add(SurveyQuestion(survey_id=s.id, section_id=section.id, position=0, kind="long_text",
                        text="What could we do better?"))
    return s


def answered(setting, contact, s, answer="More outdoor play", at=IN_TERM, named=False):
    """The contact was invited and answered (the answer stored as the survey's mode says)."""
    _add(SurveyInvitation(setting_id=setting.id, survey_id=s.id, contact_id=contact.id, invited_at=at,
                          responded=True))
    response = _add(SurveyResponse(survey_id=s.id, contact_id=contact.id if named else None, submitted=True))
    _add(SurveyAnswer(response_id=response.id, question_id=s.questions[0].id, value=answer))
    return response


def workshop(setting, title="Messy play workshop", starts=IN_TERM + timedelta(days=7)):
    w = _add(Workshop(setting_id=setting.id, starts_at=starts, ends_at=starts + timedelta(hours=1)))
    _add(WorkshopText(workshop_id=w.id, language="en", title=title))
    return w


def rsvp(setting, contact, w, at=IN_TERM, attended=False, answer="yes"):
    """An answer to the workshop; `attended`: on the register of its first session."""
    r = _add(Rsvp(setting_id=setting.id, workshop_id=w.id, contact_id=contact.id, party=f"c{contact.id}",
                  answer=answer, place="confirmed", attended=attended))
    r.created_at = at
    if attended:
        db.session.add(SessionAttendance(session_id=w.sessions[0].id, rsvp_id=r.id))
    db.session.flush()
    return r


def poll_answer(setting, contact, title="Coffee morning times", at=IN_TERM):
    poll = _add(Poll(setting_id=setting.id, title=title))
    slot = _add(PollSlot(poll_id=poll.id, starts_at=at + timedelta(days=20), ends_at=at + timedelta(days=20, hours=1)))
    return _add(PollAnswer(slot_id=slot.id, contact_id=contact.id, answer="works", answered_at=at))


def volunteered(setting, contact, title="Autumn walk", at=IN_TERM, status="offered"):
    opp = _add(Opportunity(setting_id=setting.id, title=title))
    slot = _add(VolunteerSlot(opportunity_id=opp.id, starts_at=at + timedelta(days=3), ends_at=at + timedelta(days=3, hours=2)))
    return _add(VolunteerSignup(slot_id=slot.id, contact_id=contact.id, status=status, created_at=at))


def forum(setting, contact, at=IN_TERM):
    m = _add(ForumMember(setting_id=setting.id, contact_id=contact.id))
    m.created_at = at
    db.session.flush()
    return m


def skills(setting, contact, text="Baking bread", at=IN_TERM):
    s = _add(SkillOffer(setting_id=setting.id, contact_id=contact.id, skills=text))
    s.created_at = at
    db.session.flush()
    return s


def interest(setting, contact, topic="First aid course", at=IN_TERM):
    return _add(InterestSignup(setting_id=setting.id, contact_id=contact.id, topic=topic, created_at=at))


def feedback(setting, contact, kind="suggestion", body="Please add a bike rack", at=IN_TERM):
    return _add(FeedbackItem(setting_id=setting.id, kind=kind, route="family", body=body, contact_id=contact.id,
                             received_at=at))


def tried(setting, contact, title="Leaf rubbing", at=IN_TERM, note=""):
    activity = _add(Activity(setting_id=setting.id, areas=["expressive"], age_band="3-5"))
    _add(ActivityVersion(activity_id=activity.id, language="en", title=title, status="approved"))
    return _add(ActivityTry(setting_id=setting.id, activity_id=activity.id, contact_id=contact.id, note=note, at=at))


def texted(setting, contact, body="Thank you, see you Friday", keyword=None, at=IN_TERM):
    return _add(InboundSms(setting_id=setting.id, contact_id=contact.id, from_number=contact.mobile or "+447700900001",
                           body=body, keyword=keyword, received_at=at))
