"""Invitations go out at the survey's open date (by the scheduler, once), or at once when the PICO asks."""
from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.messaging.models import Message
from app.surveys import services
from tests.surveys.helpers import answer_all, link_path, simple_survey

SETTINGS = {"what": "settings", "title": "Our nursery", "mode": "confidential", "reminder_days": "3",
            "channels": "email", "one_per_family": "every", "audience_kind": "all"}


def _dates(opens, closes) -> dict:
    return {"opens_at": opens.strftime("%Y-%m-%dT%H:%M"), "closes_at": closes.strftime("%Y-%m-%dT%H:%M")}


def test_invitations_wait_for_the_open_date_and_go_out_once(client, make, login_as, smtp, frozen_clock):
    setting = make.setting()
    child = make.child(setting)
    parent = make.contact(setting, children=[child], channels="email")
    survey, q = simple_survey(setting)
    login_as(make.user(setting, role="pico"))
    opens = frozen_clock.now + timedelta(days=2)
    client.post(f"/surveys/{survey.id}", data={**SETTINGS, **_dates(opens, opens + timedelta(days=14))})
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Send invitations when it opens (25/11/2026 09:00 UTC)" in page and "Open and send now" in page

    sent = client.post(f"/surveys/{survey.id}/send", data={"when": "scheduled"}, follow_redirects=True)
    assert "The survey will open and the invitations go out on 25/11/2026 09:00 (UTC)." in sent.get_data(as_text=True)
    assert smtp.to(parent.email) == [] and db.session.query(Message).count() == 0
    frozen_clock.advance(days=1, hours=23)
    assert services.open_due() == 0 and smtp.to(parent.email) == []

    frozen_clock.advance(hours=1)
    assert services.open_due() == 1
    assert services.open_due() == 0  # a second run (or a late one) sends nothing more
    mails = smtp.to(parent.email)
    assert len(mails) == 1 and mails[0]["Subject"] == "Our nursery"
    db.session.expire_all()
    assert survey.status == "open" and survey.sent_at == frozen_clock.now
    client.post("/logout")
    client.get(link_path(mails[0]))
    assert answer_all(client, survey, q).status_code == 302

    # Reminders count from the day the invitations really went out, not from when the PICO pressed send.
    frozen_clock.advance(days=2)
    services.send_reminders()
    assert len(smtp.to(parent.email)) == 1  # answered: never reminded


def test_reminders_count_from_the_actual_send(client, make, login_as, smtp, frozen_clock):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], channels="email")
    survey, _ = simple_survey(setting, audience={"all": True}, channels="email", reminder_days="3",
                              opens_at=frozen_clock.now + timedelta(days=5))
    db.session.commit()
    assert services.schedule_or_open(survey) is False
    frozen_clock.advance(days=5)
    services.open_due()
    frozen_clock.advance(days=2)
    assert services.send_reminders() == 0  # day 7 after pressing send, day 2 after the invitation
    frozen_clock.advance(days=1)
    assert services.send_reminders() == 1
    assert [m["Subject"] for m in smtp.to(parent.email)] == ["Our nursery", "Reminder: Our nursery"]


def test_open_now_sends_at_once_and_brings_the_open_date_forward(client, make, login_as, smtp, frozen_clock):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], channels="email")
    survey, q = simple_survey(setting, audience={"all": True}, channels="email",
                              opens_at=frozen_clock.now + timedelta(days=3))
    login_as(make.user(setting, role="pico"))
    client.post(f"/surveys/{survey.id}/send", data={"when": "scheduled"})
    assert smtp.to(parent.email) == []
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "The invitations go out when the survey opens on 26/11/2026 09:00 (UTC)." in page
    client.post(f"/surveys/{survey.id}/send", data={"when": "now"})
    assert len(smtp.to(parent.email)) == 1
    db.session.expire_all()
    assert survey.status == "open" and survey.opens_at == frozen_clock.now
    assert services.open_due() == 0 and len(smtp.to(parent.email)) == 1
    client.post("/logout")
    client.get(link_path(smtp.to(parent.email)[0]))
    assert answer_all(client, survey, q).status_code == 302


def test_back_to_draft_before_the_open_date_sends_nothing(client, make, login_as, smtp, frozen_clock):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], channels="email")
    survey, _ = simple_survey(setting, audience={"all": True}, channels="email",
                              opens_at=frozen_clock.now + timedelta(days=1))
    login_as(make.user(setting, role="pico"))
    client.post(f"/surveys/{survey.id}/send", data={"when": "scheduled"})
    page = client.post(f"/surveys/{survey.id}/unschedule", follow_redirects=True).get_data(as_text=True)
    assert "The survey is a draft again; nothing was sent." in page
    frozen_clock.advance(days=2)
    assert services.open_due() == 0 and smtp.to(parent.email) == []
    db.session.expire_all()
    assert survey.status == "draft"


def test_the_scheduler_process_opens_due_surveys(app):
    from app.scheduler import build_scheduler

    jobs = {job.id: job for job in build_scheduler(app).get_jobs()}
    assert jobs["surveys_open_due"].func.__name__ == "open_due"


def test_the_anonymous_link_before_the_open_date_says_when_it_opens(client, make, login_as, frozen_clock):
    setting = make.setting()
    survey, q = simple_survey(setting, opens_at=frozen_clock.now + timedelta(days=2))
    key = services.enable_public_link(survey)
    login_as(make.user(setting, role="pico"))
    client.post(f"/surveys/{survey.id}/send", data={"when": "scheduled"})
    client.post("/logout")
    early = client.get(f"/s/{key}", headers={"Accept-Language": "ro"})
    page = early.get_data(as_text=True)
    assert early.status_code == 403 and "Acest chestionar nu este încă deschis" in page
    assert "25 noiembrie 2026" in page
    frozen_clock.advance(days=2)
    services.open_due()
    assert client.get(f"/s/{key}").status_code == 302
    assert client.post(f"/survey/{survey.id}/1", data={f"q{q['like'].id}": "a"}).status_code == 302
