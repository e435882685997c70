"""Staff log in through a real browser, in English and in Urdu, with no accessibility failures."""
import pytest
from playwright.sync_api import expect

from tests.browser.support import assert_accessible, assert_no_horizontal_scroll
from tests.conftest import PASSWORD

WRONG = "That email and password do not match an active account."


@pytest.mark.parametrize("language", ["en", "ur"])
def test_staff_log_in_after_a_wrong_password(page, live_server, language):
    with live_server.data() as make:
        user = make.user(make.setting(name="Acorn Nursery"), name="Sam Key")
        email = user.email
    page.goto(live_server.url("/login"))
    if language == "ur":  # the language switcher, as a visitor would use it
        page.get_by_label(live_server.text("Language", "en")).select_option("ur")
        page.get_by_role("button", name=live_server.text("Change", "en")).click()
        expect(page.locator("html")).to_have_attribute("lang", "ur")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    else:
        expect(page.locator("html")).to_have_attribute("lang", "en-GB")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
    assert page.url == live_server.url("/login")
    assert_accessible(page, "login form")

    page.get_by_label(live_server.text("Email", language)).fill(email)
    page.get_by_label(live_server.text("Password", language)).fill("not the password")
    page.get_by_role("button", name=live_server.text("Log in", language)).click()
    error = page.locator("#password-error")
    assert error.inner_text() == live_server.text(WRONG, language)
    assert page.get_attribute("#password", "aria-invalid") == "true"
    assert "password-error" in page.get_attribute("#password", "aria-describedby")
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, "wrong password")

    page.get_by_label(live_server.text("Password", language)).fill(PASSWORD)
    page.get_by_role("button", name=live_server.text("Log in", language)).click()
    page.wait_for_url(live_server.url("/evidence/"))  # a manager's home page is the involvement dashboard
    assert "Sam Key" in page.locator("header").inner_text()
    assert page.get_attribute("html", "lang") == ("ur" if language == "ur" else "en-GB")


def test_login_page_fits_a_phone(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url("/login"))
    assert_no_horizontal_scroll(page)


def test_keyboard_user_can_skip_to_the_form(page, live_server):
    page.goto(live_server.url("/login"))
    skip = page.get_by_role("link", name=live_server.text("Skip to main content", "en"))
    assert skip.bounding_box()["x"] < 0
    page.keyboard.press("Tab")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.bounding_box()["x"] >= 0  # off-screen until focused, then shown
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "email"
