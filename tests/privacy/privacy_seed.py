"""A family with a record in every table that can hold data about a contact or a child."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from app.extensions import db

NAME_FIRST, NAME_LAST = "Zephyrine", "Quillfeather"
EMAIL = "zephyrine.q@example.org"
MOBILE = "+447700900777"
CHILD_FIRST = "Oberon"


@dataclass
class Seeded:
    setting: object
    manager: object
    child: object
    contact: object
    other: object  # another family of the same setting, untouched by erasure
    named_survey: object
    confidential_survey: object


def _message(setting, audience, body, category="personal", channels="both"):
    from app.messaging.services import create_message, send_now

    msg = create_message(setting, category=category, channels=channels, audience=audience,
                         versions={"en": {"subject": f"For {NAME_FIRST}" if "contacts" in audience else "News",
                                          "body_text": body, "sms_text": body}})
    db.session.commit()
    send_now(msg.id)
    return msg


def seed(make, clock) -> Seeded:
    """Everything a family can leave behind, written the way the features write it (in June, while the
    child was still at the setting; the clock ends on 23 November, after the child left in July)."""
    from app.activities.models import Activity, ActivityTry
    from app.alerts.models import Alert, AlertEvent
    from app.audit.services import record
    from app.families import services as family_services
    from app.feedback import services as feedback_services
    from app.feedback.models import ComplaintStep, FeedbackItem
    from app.involvement.models import (ForumMember, InterestSignup, Opportunity, SkillOffer, VolunteerSignup,
                                        VolunteerSlot)
    from app.lists.models import SavedList, SavedListMember
    from app.messaging.models import ContactProblem, InboundSms, SmsOptOut, Unsubscribe
    from app.newsletters.models import Acknowledgement, Issue, IssueRead
    from app.parents import links
    from app.privacy.consents import set_consent
    from app.surveys.models import (Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse,
                                    SurveySection)
    from app.workshops.models import (Poll, PollAnswer, PollSlot, Rsvp, SessionAttendance, Workshop, WorkshopSession,
                                      WorkshopText)

    now = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    clock.now = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)
    setting = make.setting()
    manager = make.user(setting, role="manager")
    room = make.room(setting)
    child = make.child(setting, room=room, first_name=CHILD_FIRST, last_name=NAME_LAST,
                       start_date=date(2023, 9, 1), leaving_date=date(2026, 7, 20), external_id="MIS-C-77")
    contact = make.contact(setting, children=[child], first_name=NAME_FIRST, last_name=NAME_LAST, email=EMAIL,
                           mobile=MOBILE, external_id="MIS-P-77")
    db.session.flush()
    link = contact.links[0]
    link.collection_password_note = f"Password: {NAME_LAST} bluebell"
    other_child = make.child(setting, room=room)
    other = make.contact(setting, children=[other_child])
    set_consent(contact, "promotional", True, "staff", actor=manager)
    record(setting.id, "contact.changed", contact, actor=manager, fields=["email"], note=f"{NAME_FIRST} asked")

    # Messages: one only to her (personal), one to everyone (shared), then her STOP and unsubscribe.
    _message(setting, {"contacts": [contact.id]}, f"Dear {NAME_FIRST} {NAME_LAST}, thank you.")
    _message(setting, {"all": True}, "Hello families.", category="newsletter", channels="email")
    db.session.add(SmsOptOut(setting_id=setting.id, mobile=MOBILE))
    db.session.add(Unsubscribe(setting_id=setting.id, contact_id=contact.id, category="newsletter"))
    db.session.add(InboundSms(setting_id=setting.id, contact_id=contact.id, from_number=MOBILE,
                              body=f"Thanks, {NAME_FIRST}", provider_id="SM-seed-1"))
    db.session.add(ContactProblem(setting_id=setting.id, contact_id=contact.id, channel="email",
                                  reason="email_refused", detail=f"550 {EMAIL} unknown"))
    links.issue_link(contact, links.FAMILY)

    # Workshops, polls, involvement, home learning, newsletters.
    workshop = Workshop(setting_id=setting.id, starts_at=now - timedelta(days=60), ends_at=now - timedelta(days=60),
                        texts=[WorkshopText(language="en", title="Messy play")])
    db.session.add(workshop)
    db.session.flush()
    rsvp = Rsvp(setting_id=setting.id, workshop_id=workshop.id, contact_id=contact.id,
                party=f"c{contact.id}", answer="yes", place="confirmed", attended=True,
                access_needs=f"{NAME_FIRST} uses a wheelchair", note=f"From {NAME_LAST}")
    meeting = WorkshopSession(workshop_id=workshop.id, starts_at=workshop.starts_at, ends_at=workshop.ends_at)
    db.session.add_all([rsvp, meeting])
    db.session.flush()
    db.session.add(SessionAttendance(session_id=meeting.id, rsvp_id=rsvp.id))
    poll = Poll(setting_id=setting.id, title="Coffee morning",
                slots=[PollSlot(starts_at=now, ends_at=now + timedelta(hours=1))])
    db.session.add(poll)
    db.session.flush()
    db.session.add(PollAnswer(slot_id=poll.slots[0].id, contact_id=contact.id, answer="works"))
    db.session.add(ForumMember(setting_id=setting.id, contact_id=contact.id, status="ended", role="Chair"))
    opportunity = Opportunity(setting_id=setting.id, title="Trip",
                              slots=[VolunteerSlot(starts_at=now, ends_at=now + timedelta(hours=2))])
    db.session.add(opportunity)
    db.session.flush()
    db.session.add(VolunteerSignup(slot_id=opportunity.slots[0].id, contact_id=contact.id))
    db.session.add(SkillOffer(setting_id=setting.id, contact_id=contact.id, skills=f"{NAME_LAST} bakery owner"))
    db.session.add(InterestSignup(setting_id=setting.id, contact_id=contact.id, topic="Baby signing"))
    activity = Activity(setting_id=setting.id)
    db.session.add(activity)
    db.session.flush()
    db.session.add(ActivityTry(setting_id=setting.id, activity_id=activity.id, contact_id=contact.id,
                               note=f"{CHILD_FIRST} loved it"))
    issue = Issue(setting_id=setting.id, kind="notice", requires_ack=True)
    db.session.add(issue)
    db.session.flush()
    db.session.add(IssueRead(setting_id=setting.id, issue_id=issue.id, contact_id=contact.id))
    db.session.add(Acknowledgement(setting_id=setting.id, issue_id=issue.id, contact_id=contact.id, language="en"))

    # Feedback: a compliment and an old, closed complaint (past the regulator's period).
    praise = FeedbackItem(setting_id=setting.id, kind="compliment", route="family", contact_id=contact.id,
                          body=f"Lovely staff - {NAME_FIRST} {NAME_LAST}", given_name=NAME_FIRST)
    complaint = FeedbackItem(setting_id=setting.id, kind="concern", route="written", contact_id=contact.id,
                             body=f"Complaint from {NAME_FIRST}", is_complaint=True, reference="C-2020-1",
                             complaint_at=now - timedelta(days=5 * 365), received_at=now - timedelta(days=5 * 365),
                             status="closed", outcome=f"Resolved with {NAME_LAST}")
    db.session.add_all([praise, complaint])
    db.session.flush()
    feedback_services.reply(praise, f"Thank you {NAME_FIRST}", None, manager)  # a personal message, labelled
    db.session.commit()
    db.session.add(ComplaintStep(setting_id=setting.id, item_id=complaint.id, kind="note",
                                 text=f"Met {NAME_FIRST} {NAME_LAST}, phone {MOBILE}", author_label="Manager"))

    # Questionnaires: a named one (linked to her) and a confidential one (linked to no one).
    named = Survey(setting_id=setting.id, title="Named survey", mode="named", status="closed")
    confidential = Survey(setting_id=setting.id, title="Confidential survey", mode="confidential", status="closed")
    db.session.add_all([named, confidential])
    db.session.flush()
    for survey in (named, confidential):
        section = SurveySection(survey_id=survey.id)
        db.session.add(section)
        db.session.flush()
        question = SurveyQuestion(survey_id=survey.id, section_id=section.id, kind="long_text", text="Anything else?")
        db.session.add(question)
        db.session.flush()
        db.session.add(SurveyInvitation(setting_id=setting.id, survey_id=survey.id, contact_id=contact.id,
                                        invited_at=now, responded=True))
        response = SurveyResponse(survey_id=survey.id, submitted=True,
                                  contact_id=contact.id if survey.mode == "named" else None)
        db.session.add(response)
        db.session.flush()
        db.session.add(SurveyAnswer(response_id=response.id, question_id=question.id,
                                    value=f"{survey.mode} answer: more outings"))

    # A late-collection alert for the child, with a step naming her.
    alert = Alert(setting_id=setting.id, child_id=child.id, status="collected", collected_by=f"{NAME_FIRST} {NAME_LAST}")
    db.session.add(alert)
    db.session.flush()
    db.session.add(AlertEvent(setting_id=setting.id, alert_id=alert.id, kind="reply", contact_id=contact.id,
                              detail=f"{NAME_FIRST} texted from {MOBILE}: on my way"))

    saved = SavedList(setting_id=setting.id, name="Forum")
    db.session.add(saved)
    db.session.flush()
    db.session.add(SavedListMember(list_id=saved.id, contact_id=contact.id))

    # Restricted at one point (a court order): the reason is kept encrypted, the audit entry sealed.
    family_services.restrict(contact, f"Order about {NAME_LAST} household", manager)
    db.session.commit()
    clock.now = now
    return Seeded(setting, manager, child, contact, other, named, confidential)


