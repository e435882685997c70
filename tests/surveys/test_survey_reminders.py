"""Reminders go to non-respondents only, in their language and channel, on the PICO's schedule."""
from __future__ import annotations

from app.extensions import db
from app.messaging.models import Unsubscribe
from app.surveys import services
from tests.surveys.helpers import answer_all, approve_all, link_path, simple_survey


def test_reminders_only_to_those_who_have_not_answered_nor_opted_out(client, make, smtp, frozen_clock):
    setting = make.setting()
    child = make.child(setting)
    answered = make.contact(setting, children=[child], channels="email")
    waiting = make.contact(setting, children=[child], channels="email", language="pl")
    opted_out = make.contact(setting, children=[child], channels="email")
    survey, q = simple_survey(setting, audience={"all": True}, channels="email", reminder_days="3,7")
    approve_all(survey, "pl")
    db.session.commit()
    services.open_and_invite(survey)
    db.session.add(Unsubscribe(setting_id=setting.id, contact_id=opted_out.id, category="surveys"))
    db.session.commit()
    client.get(link_path(smtp.to(answered.email)[0]))
    answer_all(client, survey, q)

    frozen_clock.advance(days=2)
    assert services.send_reminders() == 0
    frozen_clock.advance(days=1)
    services.send_reminders()
    assert len(smtp.to(answered.email)) == 1
    assert len(smtp.to(opted_out.email)) == 1  # only the invitation
    reminders = smtp.to(waiting.email)
    assert len(reminders) == 2 and reminders[1]["Subject"] == "Przypomnienie: [pl] Our nursery"
    # Safe to re-run: no second copy on the same day; the second reminder on day 7.
    services.send_reminders()
    assert len(smtp.to(waiting.email)) == 2
    frozen_clock.advance(days=4)
    services.send_reminders()
    assert len(smtp.to(waiting.email)) == 3
    # The reminder link works and its answer counts as the waiting parent's one response.
    client.post("/family/leave")
    client.get(link_path(smtp.to(waiting.email)[2]))
    assert answer_all(client, survey, q).status_code == 302
    frozen_clock.advance(days=7)
    assert services.send_reminders() == 0


def test_sms_parents_are_reminded_by_text(client, make, smtp, twilio, frozen_clock):
    from app.messaging.models import Delivery

    setting = make.setting()
    child = make.child(setting)
    texter = make.contact(setting, children=[child], channels="sms")
    survey, q = simple_survey(setting, audience={"all": True}, channels="both", reminder_days="3")
    db.session.commit()
    services.open_and_invite(survey)
    frozen_clock.advance(days=3)
    assert services.send_reminders() == 1
    rows = db.session.query(Delivery).filter_by(contact_id=texter.id).all()
    assert {r.channel for r in rows} == {"sms"} and len(rows) == 2


def test_the_scheduler_process_runs_reminders_and_closing(app):
    from app.scheduler import build_scheduler

    jobs = {job.id: job for job in build_scheduler(app).get_jobs()}
    assert {"surveys_reminders", "surveys_close_due"} <= set(jobs)
    assert jobs["surveys_reminders"].func.__name__ == "send_reminders"
