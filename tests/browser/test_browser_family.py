"""A parent opens their personal link and keeps their details up to date, in English and in Urdu,
on a desktop and on a 360 px phone, with no accessibility failures (error states included)."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.families.models import Contact
from app.parents.links import issue_link, link_url
from tests.browser.support import assert_accessible, assert_no_horizontal_scroll

BAD_MOBILE = "Please enter a mobile number, for example %(number)s."
SAVED = "Thank you. Your details are saved."


def _open_family_link(page, live_server, language: str) -> None:
    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        child = make.child(setting, first_name="Amina")
        contact = make.contact(setting, children=[child], first_name="Farah", language=language,
                               email="farah@example.org", mobile=None, channels="email")
        token = issue_link(contact)
        url = link_url(token)
    page.goto(url)
    assert page.url == live_server.url("/family")  # the secret left the address bar
    assert token not in page.content()


@pytest.mark.parametrize("language, lang_attr, direction", [("en", "en-GB", "ltr"), ("ur", "ur", "rtl")])
def test_parent_fixes_a_wrong_mobile_number(page, live_server, language, lang_attr, direction):
    _open_family_link(page, live_server, language)
    assert page.get_attribute("html", "lang") == lang_attr
    assert page.get_attribute("html", "dir") == direction
    assert "Farah" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page, "family page")

    mobile = page.get_by_label(live_server.text("Mobile number", language))
    # browsers and assistive tools can fill in the parent's own details (WCAG 1.3.5)
    assert mobile.get_attribute("autocomplete") == "tel"
    assert page.get_by_label(live_server.text("Email address", language)).get_attribute("autocomplete") == "email"
    mobile.fill("12345")
    page.get_by_role("button", name=live_server.text("Save my details", language)).click()
    error = page.locator("#mobile-error")
    assert error.inner_text() == live_server.text(BAD_MOBILE, language, number="07700 900123")
    # the message sits with its field and is announced with it
    assert page.locator(".field.has-error", has=page.locator("#mobile")).locator("#mobile-error").count() == 1
    assert "mobile-error" in mobile.get_attribute("aria-describedby")
    assert mobile.get_attribute("aria-invalid") == "true"
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, "invalid mobile")

    mobile.fill("07700 900123")
    page.get_by_role("button", name=live_server.text("Save my details", language)).click()
    assert page.get_by_role("status").inner_text() == live_server.text(SAVED, language)
    assert page.url == live_server.url("/family")
    assert page.locator("#mobile-error").count() == 0
    assert page.get_attribute("html", "dir") == direction
    assert_accessible(page, "details saved")
    with live_server.context():
        saved = db.session.scalar(select(Contact).where(Contact.first_name == "Farah"))
        assert saved.mobile == "+447700900123"


@pytest.mark.parametrize("language", ["en", "ur"])
def test_family_page_fits_a_360px_phone(page, live_server, language):
    page.set_viewport_size({"width": 360, "height": 740})
    _open_family_link(page, live_server, language)
    assert_no_horizontal_scroll(page)
    page.get_by_label(live_server.text("Mobile number", language)).fill("not a number at all, really not")
    page.get_by_role("button", name=live_server.text("Save my details", language)).click()
    assert page.locator("#mobile-error").is_visible()
    assert_no_horizontal_scroll(page)


def test_a_broken_link_explains_itself(page, live_server):
    response = page.goto(live_server.url("/l/not-a-real-token"))
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == live_server.text("This link cannot be used", "en")
    assert_accessible(page, "unknown link")
