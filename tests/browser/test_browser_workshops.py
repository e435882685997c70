"""A parent answers a workshop invitation and a meeting-time poll by their personal link, in English
and Bengali, with no accessibility failures (error states included)."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.parents.links import issue_link, link_url
from app.workshops.models import Poll, PollAnswer, PollSlot, Rsvp, Workshop, WorkshopText
from tests.browser.support import assert_accessible, assert_no_horizontal_scroll


def _workshop_link(live_server, language, capacity=10):
    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        contact = make.contact(setting, children=[make.child(setting, first_name="Amina")], language=language)
        start = (utcnow() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
        workshop = Workshop(setting_id=setting.id, starts_at=start, ends_at=start + timedelta(hours=1),
                            venue="Family room", access_notes="Step-free entrance", capacity=capacity, creche=True,
                            audience={"all": True}, invited_at=utcnow(), default_language="en")
        workshop.texts = [WorkshopText(language="en", title="Messy play at home", description="Ideas to try."),
                          WorkshopText(language="bn", title="বাড়িতে খেলা", description="চেষ্টা করার মতো ধারণা।")]
        workshop.set_sessions([(start + timedelta(weeks=n), start + timedelta(weeks=n, hours=1)) for n in range(2)])
        db.session.add(workshop)
        db.session.flush()
        return link_url(issue_link(contact, "rsvp", workshop.id))


@pytest.mark.parametrize("language", ["en", "bn"])
def test_parent_answers_an_invitation(page, live_server, language):
    page.goto(_workshop_link(live_server, language))
    assert "/rsvp/" in page.url
    title = "Messy play at home" if language == "en" else "বাড়িতে খেলা"
    assert page.get_by_role("heading", level=1).inner_text() == title
    sessions = page.locator("ol.sessions li")
    expect(sessions).to_have_count(2)  # a two-session course, each session in the parent's language
    assert sessions.nth(1).inner_text().startswith(live_server.text("Session %(number)s of %(count)s: %(when)s",
                                                                    language, number=2, count=2, when=""))
    assert_accessible(page, "RSVP page")
    t = lambda s, **kw: live_server.text(s, language, **kw)  # noqa: E731
    page.get_by_label(t("Yes, I will come")).check()
    page.get_by_label(t("How many adults?")).fill("0")
    page.get_by_label(t("How many children?")).fill("1")
    page.get_by_role("button", name=t("Send my answer")).click()
    assert page.locator("#adults-error").inner_text() == t("Please tell us how many adults will come (at least 1).")
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, "RSVP with an error")
    page.get_by_label(t("How many adults?")).fill("1")
    page.get_by_label(t("Crèche places needed")).fill("1")
    page.get_by_label(t("Do you need an interpreter?")).select_option("bn")
    page.get_by_role("button", name=t("Send my answer")).click()
    assert page.get_by_role("status").inner_text() == t("Thank you. Your place is booked.")
    assert page.get_by_role("button", name=t("Change my answer")).is_visible()
    assert_accessible(page, "RSVP saved")
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_horizontal_scroll(page)
    with live_server.context():
        rsvp = db.session.scalar(select(Rsvp))
        assert (rsvp.answer, rsvp.place, rsvp.creche_places, rsvp.interpreter_language) == ("yes", "confirmed", 1, "bn")


def _poll_link(live_server, language):
    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        contact = make.contact(setting, children=[make.child(setting)], language=language)
        poll = Poll(setting_id=setting.id, title="Story evening", audience={"all": True, "sent": True})
        start = (utcnow() + timedelta(days=10)).replace(hour=17, minute=0, second=0, microsecond=0)
        poll.slots = [PollSlot(starts_at=start + timedelta(days=d), ends_at=start + timedelta(days=d, hours=1))
                      for d in range(3)]
        db.session.add(poll)
        db.session.flush()
        return link_url(issue_link(contact, "poll", poll.id)), [s.id for s in poll.slots]


@pytest.mark.parametrize("language", ["en", "bn"])
def test_parent_answers_a_meeting_time_poll(page, live_server, language):
    url, slots = _poll_link(live_server, language)
    page.goto(url)
    assert "/poll/" in page.url
    assert_accessible(page, "poll page")
    t = lambda s, **kw: live_server.text(s, language, **kw)  # noqa: E731
    page.locator(f"#slot-{slots[0]}-works").check()
    page.get_by_role("button", name=t("Save my answers")).click()
    assert page.get_by_role("alert").is_visible()
    assert page.locator(f"#slot-{slots[1]}-error").is_visible()
    assert_accessible(page, "poll with errors")
    page.locator(f"#slot-{slots[1]}-cant").check()
    page.locator(f"#slot-{slots[2]}-could").check()
    page.get_by_role("button", name=t("Save my answers")).click()
    assert page.get_by_role("status").inner_text() == t(
        "Thank you. Your answers are saved; you can change them while the poll is open.")
    assert_accessible(page, "poll saved")
    with live_server.context():
        assert sorted(a.answer for a in db.session.scalars(select(PollAnswer))) == ["cant", "could", "works"]


def _involve_link(live_server, language):
    from app.involvement.models import Opportunity, VolunteerSlot

    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        contact = make.contact(setting, children=[make.child(setting)], language=language)
        start = (utcnow() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
        opportunity = Opportunity(setting_id=setting.id, title="Trip to the farm", description="Walk with a group.")
        opportunity.slots = [VolunteerSlot(starts_at=start, ends_at=start + timedelta(hours=2), needed=2)]
        db.session.add(opportunity)
        db.session.flush()
        return link_url(issue_link(contact, "involve"))


@pytest.mark.parametrize("language", ["en", "bn"])
def test_parent_signs_up_to_volunteer_joins_the_forum_and_offers_skills(page, live_server, language):
    from app.involvement.models import ForumMember, InterestSignup, SkillOffer, VolunteerSignup

    page.goto(_involve_link(live_server, language))
    assert page.url.endswith("/involved")
    t = lambda s, **kw: live_server.text(s, language, **kw)  # noqa: E731
    assert page.get_by_role("heading", level=1).inner_text() == t("Get involved")
    assert_accessible(page, "involvement page")
    page.get_by_role("button", name=t("I can help")).click()
    assert page.get_by_role("status").inner_text() == t("Thank you for offering to help. We will confirm with you soon.")
    assert page.get_by_role("button", name=t("I can no longer help")).is_visible()
    page.get_by_role("button", name=t("Ask to join the forum")).click()
    assert page.get_by_text(t("You have asked to join. We will be in touch.")).is_visible()
    page.get_by_role("button", name=t("Tell me")).click()  # empty topic
    assert page.get_by_role("alert").is_visible()
    assert page.locator("#interest-topic-error").inner_text() == t("Please write a topic.")
    assert_accessible(page, "involvement with an error")
    page.get_by_label(t("Tell me when there is a course or workshop on:")).fill("Sleep")
    page.get_by_role("button", name=t("Tell me")).click()
    page.get_by_label(t("Skills or interests you could share with the children")).fill("Cooking")
    page.get_by_role("button", name=t("Save my skills")).click()
    assert page.get_by_role("status").inner_text() == t("Thank you. Your skills are saved.")
    assert_accessible(page, "involvement saved")
    with live_server.context():
        assert db.session.scalar(select(VolunteerSignup)).status == "offered"
        assert db.session.scalar(select(ForumMember)).status == "pending"
        assert db.session.scalar(select(InterestSignup)).topic == "Sleep"
        assert db.session.scalar(select(SkillOffer)).skills == "Cooking"
