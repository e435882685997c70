"""The figures on small known data, against hand-counted expectations (autumn and summer term 2026)."""
from __future__ import annotations

from datetime import date

import pytest

from app.evidence.figures import Figures, figures
from app.evidence.terms import Period, previous_term, term_containing
from app.extensions import db
from app.feedback.models import FeedbackItem
from app.involvement.models import ForumMember, Opportunity, VolunteerSignup, VolunteerSlot
from app.newsletters.models import Acknowledgement, Issue, IssueRead
from app.surveys.models import Survey, SurveyInvitation
from app.workshops.models import Rsvp, SessionAttendance, Workshop
from tests.evidence.helpers import Rows, utc

AUTUMN = term_containing(date(2026, 11, 23))
SUMMER = previous_term(AUTUMN)


@pytest.fixture
def known(make, frozen_clock):
    """Five families: A, B and C on roll all year; D left in July; E starts in January 2027."""
    rows = Rows()
    setting = make.setting()
    a, b, c = (make.child(setting, first_name=n) for n in "ABC")
    d = make.child(setting, first_name="D", leaving_date=date(2026, 7, 31))
    e = make.child(setting, first_name="E", start_date=date(2027, 1, 5))
    a1, a2 = make.contact(setting, [a]), make.contact(setting, [a])
    b1, c1, d1, e1 = (make.contact(setting, [x]) for x in (b, c, d, e))
    # Deliveries: A and B reached in autumn (B at 00:30 on 1 September, London time, which is still
    # 31 August in UTC); C's text was undelivered in autumn, but an email at 23:59 on 31 August
    # (London) reached C in summer; D and B reached in summer; E is not on roll yet.
    rows.delivery(a1, "sent", utc(2026, 10, 1, 9))
    rows.delivery(a2, "failed", utc(2026, 10, 2, 9))
    rows.delivery(b1, "delivered", utc(2026, 8, 31, 23, 30), channel="sms")
    rows.delivery(c1, "undelivered", utc(2026, 10, 5, 9), channel="sms")
    rows.delivery(c1, "sent", utc(2026, 8, 31, 22, 59))
    rows.delivery(d1, "sent", utc(2026, 6, 10, 9))
    rows.delivery(b1, "sent", utc(2026, 5, 1, 9))
    rows.delivery(e1, "sent", utc(2026, 10, 10, 9))
    rows.delivery(a1, "suppressed", utc(2026, 10, 11, 9), reason="unsubscribed")
    # Reads: A read in autumn; C acknowledged in autumn but was not reached then; D read in summer.
    issue = Issue(setting_id=setting.id)
    db.session.add(issue)
    db.session.flush()
    db.session.add_all([
        IssueRead(setting_id=setting.id, issue_id=issue.id, contact_id=a1.id, at=utc(2026, 10, 3)),
        Acknowledgement(setting_id=setting.id, issue_id=issue.id, contact_id=c1.id, language="en",
                        at=utc(2026, 10, 4)),
        IssueRead(setting_id=setting.id, issue_id=issue.id, contact_id=d1.id, at=utc(2026, 6, 11)),
    ])
    # Questionnaires: 4 invitations in autumn (2 answered), 1 in summer (answered).
    s1, s2 = Survey(setting_id=setting.id, title="Autumn"), Survey(setting_id=setting.id, title="Summer")
    db.session.add_all([s1, s2])
    db.session.flush()
    for contact, answered in ((a1, True), (a2, False), (b1, True), (c1, False)):
        db.session.add(SurveyInvitation(setting_id=setting.id, survey_id=s1.id, contact_id=contact.id,
                                        invited_at=utc(2026, 10, 20), responded=answered))
    db.session.add(SurveyInvitation(setting_id=setting.id, survey_id=s2.id, contact_id=b1.id,
                                    invited_at=utc(2026, 5, 20), responded=True))
    # Workshops: one held in autumn (2 confirmed coming, 1 attended; a maybe on the waiting list and
    # a no), one cancelled in autumn, one held in summer (1 attended).
    w1 = Workshop(setting_id=setting.id, starts_at=utc(2026, 10, 15, 17), ends_at=utc(2026, 10, 15, 18))
    w2 = Workshop(setting_id=setting.id, starts_at=utc(2026, 11, 1, 17), ends_at=utc(2026, 11, 1, 18),
                  status="cancelled")
    w3 = Workshop(setting_id=setting.id, starts_at=utc(2026, 6, 1, 17), ends_at=utc(2026, 6, 1, 18))
    db.session.add_all([w1, w2, w3])
    db.session.flush()
    for workshop, contact, answer, place, attended in (
            (w1, a1, "yes", "confirmed", True), (w1, b1, "yes", "confirmed", False),
            (w1, c1, "maybe", "waiting", False), (w1, d1, "no", "declined", False),
            (w2, a1, "yes", "confirmed", True), (w3, b1, "yes", "confirmed", True)):
        rsvp = Rsvp(setting_id=setting.id, workshop_id=workshop.id, contact_id=contact.id,
                    party=f"c{contact.id}", answer=answer, place=place, attended=attended)
        db.session.add(rsvp)
        db.session.flush()
        if attended:
            db.session.add(SessionAttendance(session_id=workshop.sessions[0].id, rsvp_id=rsvp.id))
    # Forum: one member since September, one whose membership ended on 10 September, one pending.
    db.session.add_all([
        ForumMember(setting_id=setting.id, contact_id=a1.id, status="active", term_start=date(2026, 9, 1)),
        ForumMember(setting_id=setting.id, contact_id=b1.id, status="ended", term_start=date(2026, 1, 1),
                    term_end=date(2026, 9, 10)),
        ForumMember(setting_id=setting.id, contact_id=c1.id, status="pending"),
    ])
    # Volunteers: A1 twice and B1 confirmed in autumn (2 people), C1 only offered; D1 in summer.
    opportunity = Opportunity(setting_id=setting.id, title="Trip")
    db.session.add(opportunity)
    db.session.flush()
    slots = [VolunteerSlot(opportunity_id=opportunity.id, starts_at=utc(*day, 9), ends_at=utc(*day, 12))
             for day in ((2026, 10, 7), (2026, 11, 7), (2026, 7, 7))]
    db.session.add_all(slots)
    db.session.flush()
    for slot, contact, status in ((slots[0], a1, "confirmed"), (slots[1], a1, "confirmed"),
                                  (slots[0], b1, "confirmed"), (slots[0], c1, "offered"),
                                  (slots[2], d1, "confirmed")):
        db.session.add(VolunteerSignup(slot_id=slot.id, contact_id=contact.id, status=status))
    # Feedback: three in autumn (one a complaint), one in summer.
    for kind, at, complaint in (("compliment", utc(2026, 9, 5), False), ("concern", utc(2026, 10, 5), True),
                                ("suggestion", utc(2026, 11, 5), False), ("comment", utc(2026, 5, 5), False)):
        db.session.add(FeedbackItem(setting_id=setting.id, kind=kind, route="family", body="…",
                                    received_at=at, is_complaint=complaint))
    db.session.flush()
    return setting


def test_autumn_figures_match_the_hand_count(known):
    assert figures(known, AUTUMN) == Figures(
        on_roll=3, reached=2, read=1, invited=4, responded=2, workshops=1, coming=2, attended=1, forum=2,
        volunteers=2, feedback=3, complaints=1)


def test_summer_figures_match_the_hand_count(known):
    assert figures(known, SUMMER) == Figures(
        on_roll=4, reached=3, read=1, invited=1, responded=1, workshops=1, coming=1, attended=1, forum=1,
        volunteers=1, feedback=1, complaints=0)


def test_a_range_across_both_terms_counts_each_family_once(known):
    whole = figures(known, Period(date(2026, 4, 1), date(2026, 12, 31)))
    # C was reached in this range (in summer), so C's autumn acknowledgement now counts: A, C and D.
    assert (whole.on_roll, whole.reached, whole.read) == (4, 4, 3)
    assert (whole.invited, whole.responded, whole.workshops, whole.attended) == (5, 3, 2, 2)
    assert (whole.volunteers, whole.feedback) == (3, 4)


def test_another_settings_rows_are_not_counted(known, make):
    other = make.setting()
    child = make.child(other)
    Rows().delivery(make.contact(other, [child]), "sent", utc(2026, 10, 1))
    assert figures(other, AUTUMN).reached == 1
    assert figures(known, AUTUMN).reached == 2
