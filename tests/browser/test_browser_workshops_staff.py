"""The PICO's workshop, meeting-time poll and involvement pages, with data and with error states,
have no accessibility failures (axe-core, WCAG 2.2 A/AA)."""
from datetime import timedelta

from playwright.sync_api import expect

from app.clock import utcnow
from app.extensions import db
from app.involvement.models import (ForumMember, InterestSignup, Opportunity, SkillOffer, VolunteerSignup,
                                    VolunteerSlot)
from app.workshops import services
from app.workshops.models import Poll, PollSlot, Workshop, WorkshopText
from tests.browser.support import assert_accessible, assert_no_horizontal_scroll
from tests.conftest import PASSWORD


def _log_in(page, live_server, email):
    page.goto(live_server.url("/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _data(live_server):
    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        child = make.child(setting, first_name="Amina")
        mum = make.contact(setting, children=[child], first_name="Farah")
        dad = make.contact(setting, children=[make.child(setting, first_name="Ben")], first_name="Tom")
        start = (utcnow() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
        workshop = Workshop(setting_id=setting.id, starts_at=start, ends_at=start + timedelta(hours=1),
                            venue="Family room", access_notes="Step-free entrance", capacity=1, creche=True,
                            audience={"all": True}, invited_at=utcnow(), default_language="en")
        workshop.texts = [WorkshopText(language="en", title="Messy play at home", description="Ideas to try.")]
        db.session.add(workshop)
        db.session.flush()
        services.answer(workshop, mum, services.RsvpData(answer="yes", access_needs="Step-free access"))
        services.answer(workshop, dad, services.RsvpData(answer="yes"))  # full: waiting list
        # It became a two-session course that has now taken place: a register per session, then the thank-you.
        past = start - timedelta(days=14)
        workshop.set_sessions([(past, past + timedelta(hours=1)), (past + timedelta(days=7), past + timedelta(days=7, hours=1))])
        poll = Poll(setting_id=setting.id, title="Story evening", audience={"all": True, "sent": True})
        poll.slots = [PollSlot(starts_at=start + timedelta(days=d), ends_at=start + timedelta(days=d, hours=1))
                      for d in range(2)]
        db.session.add(poll)
        opportunity = Opportunity(setting_id=setting.id, title="Trip to the farm", description="Walk with a group.")
        opportunity.slots = [VolunteerSlot(starts_at=start, ends_at=start + timedelta(hours=2), needed=2)]
        db.session.add(opportunity)
        db.session.flush()
        db.session.add_all([
            VolunteerSignup(slot_id=opportunity.slots[0].id, contact_id=mum.id),
            ForumMember(setting_id=setting.id, contact_id=dad.id),
            SkillOffer(setting_id=setting.id, contact_id=mum.id, skills="Cooking, Urdu songs"),
            InterestSignup(setting_id=setting.id, contact_id=dad.id, topic="Sleep"),
        ])
        user = make.user(setting, role="pico")
        return user.email, workshop.id, poll.id


def test_workshop_pages_for_staff(page, live_server):
    email, workshop_id, poll_id = _data(live_server)
    _log_in(page, live_server, email)
    page.goto(live_server.url("/workshops"))
    expect(page.get_by_role("link", name="Messy play at home")).to_be_visible()
    assert_accessible(page, "workshop list")
    page.goto(live_server.url(f"/workshops/{workshop_id}"))
    expect(page.get_by_text("Farah")).to_be_visible()
    assert_accessible(page, "workshop with answers and a waiting list")
    page.get_by_label("Register for").select_option(index=0)
    page.get_by_role("button", name="Show this session's register").click()
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_label("Include an evaluation questionnaire", exact=False)).to_be_checked()
    assert_accessible(page, "workshop with the register and the thank-you")
    page.goto(live_server.url("/workshops/new"))
    assert_accessible(page, "new workshop form")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, "new workshop form with errors")
    page.goto(live_server.url(f"/workshops/{workshop_id}/edit"))
    assert_accessible(page, "edit workshop form")
    page.get_by_role("button", name="Add another session").click()
    expect(page.get_by_label("Session 4: date")).to_be_visible()
    assert_accessible(page, "edit workshop form with another session row")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url(f"/workshops/{workshop_id}"))
    assert_no_horizontal_scroll(page)


def test_poll_and_involvement_pages_for_staff(page, live_server):
    email, _workshop_id, poll_id = _data(live_server)
    _log_in(page, live_server, email)
    page.goto(live_server.url("/polls"))
    assert_accessible(page, "poll list")
    page.goto(live_server.url(f"/polls/{poll_id}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Story evening")
    assert_accessible(page, "poll ranking")
    page.goto(live_server.url("/polls/new"))
    assert_accessible(page, "new poll form")
    page.get_by_role("button").filter(has_text="Save").first.click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, "new poll form with errors")
    page.goto(live_server.url("/involvement"))
    expect(page.get_by_text("Trip to the farm").first).to_be_visible()
    expect(page.get_by_text("Cooking, Urdu songs")).to_be_visible()
    assert_accessible(page, "involvement management")
    page.goto(live_server.url("/involvement?q=cooking"))
    assert_accessible(page, "skills search")
