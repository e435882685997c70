"""Data protection in a real browser, with no accessibility failures: a manager exports and erases a family
that has left; a parent gives consent to promotional messages on their family page (English and Arabic)."""
from datetime import date

import pytest
from playwright.sync_api import expect

from app.parents.links import issue_link, link_url
from tests.browser.support import assert_accessible, assert_no_horizontal_scroll
from tests.conftest import PASSWORD


def test_manager_exports_then_erases_a_family_who_left(page, live_server):
    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        child = make.child(setting, first_name="Amara", last_name="Okafor", leaving_date=date(2020, 7, 1))
        make.contact(setting, children=[child], first_name="Ngozi", last_name="Okafor")
        email, child_id = make.user(setting, role="manager").email, child.id
    page.goto(live_server.url("/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url(f"/children/{child_id}"))
    page.get_by_role("link", name="Data protection: export or erase this family").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amara Okafor")
    assert_accessible(page, "family data protection")
    page.get_by_role("button", name="Prepare an export").click()
    expect(page.get_by_role("button", name="Download the ZIP (JSON files and a readable summary)")).to_be_visible()
    assert_accessible(page, "export ready")
    page.go_back()
    page.get_by_role("button", name="Erase").click()
    expect(page.locator("#confirm-error")).to_have_text("Type ERASE to confirm.")
    assert_accessible(page, "erase refused")
    page.get_by_label("Type ERASE to confirm").fill("ERASE")
    page.get_by_role("button", name="Erase").click()
    expect(page.get_by_role("status")).to_contain_text("Erased: 1 contact(s) and 1 child record(s)")
    page.goto(live_server.url("/privacy/retention"))
    assert_accessible(page, "retention dry run")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_parent_gives_consent_on_a_phone(page, live_server, language):
    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        contact = make.contact(setting, children=[make.child(setting)], language=language)
        url = link_url(issue_link(contact))
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(url)
    section = page.locator("section[aria-labelledby=consent-heading]")
    section.get_by_label(live_server.text("Yes, send me news of offers, events and fundraising", language)).check()
    assert_accessible(page, "consent section")
    assert_no_horizontal_scroll(page)
    section.get_by_role("button", name=live_server.text("Save my choice", language)).click()
    expect(page.get_by_role("status")).to_contain_text(
        live_server.text("Thank you. You will get news of offers, events and fundraising.", language))
    expect(section).to_contain_text(live_server.text("You have said yes.", language))
