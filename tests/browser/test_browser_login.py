"""Staff log in through a real browser, in English and in Urdu, with no accessibility failures."""
import pytest

from tests.browser.support import assert_accessible, assert_no_horizontal_scroll
from tests.conftest import PASSWORD

WRONG = "That email and password do not match an active account."



@pytest.mark.parametrize("language", ["en", "ur"])
def test_staff_log_in_after_a_wrong_password(page, live_server, language):
    with live_server.data() as make:
        user = make.user(make.setting(name="Acorn Nursery"), name="Sam Key")
        email = user.email
    page.goto(live_server.url("/login"))
    if language == "ur":
        page.select_option("#lang-select", "ur")
        page.locator("form.language-switcher button[type=submit]").click()
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "ur"
        assert page.get_attribute("html", "dir") == "rtl"
    else:
        assert page.get_attribute("html", "lang") == "en-GB"
        assert page.get_attribute("html", "dir") == "ltr"
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
    page.wait_for_url(live_server.url("/children"))
    assert "Sam Key" in page.locator("header").inner_text()
    assert page.get_attribute("html", "lang") == ("ur" if language == "ur" else "en-GB")


def test_login_page_fits_a_phone(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url("/login"))
    assert_no_horizontal_scroll(page)
