"""The PICO's engagement pages in a browser: the not-engaged list, a family's ledger and the action form,
with no axe failures (error states and the opened rules included)."""
from datetime import timedelta

from playwright.sync_api import expect

from app.clock import utcnow
from tests.browser.support import assert_accessible, assert_no_horizontal_scroll
from tests.conftest import PASSWORD
from tests.evidence import records as r


def _log_in(page, live_server, email):
    page.goto(live_server.url("/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_pico_finds_quiet_families_reads_a_ledger_and_plans_an_action(page, live_server):
    at = utcnow() - timedelta(hours=2)
    with live_server.data() as make:
        s = make.setting(name="Acorn Nursery")
        room = make.room(s, "Toddlers")
        kp = make.user(s, role="key_person", name="Kim Key")
        ada = make.child(s, room=room, key_person=kp, first_name="Ada", last_name="Ash")
        make.child(s, room=room, first_name="Ben", last_name="Bell")
        amy = make.contact(s, children=[ada], first_name="Amy", last_name="Ash", language="pl")
        r.delivery(s, amy, subject="Harvest festival", at=at)
        r.answered(s, amy, r.survey(s, "Annual questionnaire"), at=at)
        r.answered(s, amy, r.survey(s, "Forum nominations", mode="named"), named=True, at=at)
        email = make.user(s, role="pico", name="Pat Pico").email
    _log_in(page, live_server, email)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url("/evidence/not-engaged"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Families not fully engaged")
    assert_accessible(page, "not-engaged list")
    assert_no_horizontal_scroll(page)
    page.get_by_text("How the engagement level is worked out").click()
    assert_accessible(page, "rules open")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Ada Ash's family").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Ash's family")
    expect(page.get_by_text("Level: Low")).to_be_visible()
    expect(page.get_by_text("Responded to the confidential questionnaire Annual questionnaire")).to_be_visible()
    assert_accessible(page, "ledger")
    page.get_by_role("link", name="Answered the questionnaire Forum nominations").click()
    expect(page.get_by_text("More outdoor play")).to_be_visible()
    assert_accessible(page, "named answers")

    page.goto(live_server.url("/evidence/not-engaged"))
    page.get_by_role("button", name="Plan an action for the ticked families").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan an action")
    assert page.get_by_role("checkbox", name="Ada Ash").is_checked()
    page.get_by_label("What will be done").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "action form with errors")
    page.get_by_label("What will be done").fill("Invite Ada's mum to the stay-and-play")
    page.get_by_label("By when").fill((utcnow() + timedelta(days=14)).date().isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("0 of 1 done")).to_be_visible()
    assert_accessible(page, "action plan")
