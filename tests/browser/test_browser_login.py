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


def test_two_step_login_set_up_and_used_in_the_browser(page, live_server):
    """The QR code page and the code step, under the app's CSP, with no accessibility failures."""
    import pyotp

    from app.auth.models import User
    from app.extensions import db

    with live_server.data() as make:
        user = make.user(make.setting(name="Acorn Nursery", require_manager_totp=True), role="manager")
        email, user_id = user.email, user.id
    page.goto(live_server.url("/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url("/account/two-step"))  # required for managers: set it up first
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page, "two-step set-up")
    key = page.locator("code.key").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Turn on two-step login").click()
    expect(page.get_by_role("heading", name="Two-step login is on")).to_be_visible()
    assert page.locator("ul.recovery-codes li").count() == 10
    assert_accessible(page, "recovery codes")

    page.get_by_role("button", name="Log out").click()
    with live_server.context():
        db.session.get(User, user_id).totp_last_step = None  # the same 30 seconds may come round again
        db.session.commit()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url("/login/code"))
    assert_accessible(page, "code step")
    page.get_by_label("Code").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url("/evidence/"))  # a manager's home page: the dashboard
