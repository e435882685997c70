"""The home-time screen on a 360 px phone: raise an alert in two taps, with no accessibility failures."""
from playwright.sync_api import expect

from tests.browser.support import assert_accessible, assert_no_horizontal_scroll
from tests.conftest import PASSWORD


def test_home_time_on_a_phone(page, live_server):
    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        room = make.room(setting, "Pre-school")
        child = make.child(setting, room=room, first_name="Amara", last_name="Okafor")
        make.contact(setting, children=[child], first_name="Ngozi", last_name="Okafor", mobile="+447700900201")
        every_day = {day: "full" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        make.child(setting, room=room, first_name="Ben", last_name="Smith", session_pattern=every_day)
        user = make.user(setting, role="practitioner", room=room)
        email = user.email
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url("/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url("/alerts/home-time"))
    assert_accessible(page, "home time")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Collected: Ben Smith").click()
    expect(page.get_by_role("heading", level=2, name="Still here (1)")).to_be_visible()
    expect(page.get_by_role("list", name="Collected or absent today (1)")).to_contain_text("Ben Smith: Collected")
    assert_accessible(page, "home time with a child collected")
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="Not collected: Amara Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amara Okafor has not been collected?")
    assert_accessible(page, "confirm")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Yes, send the alert").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Late collection: Amara Okafor")
    expect(page.locator(".alert-contacts")).to_contain_text("Ngozi Okafor")
    assert_accessible(page, "alert screen")
    assert_no_horizontal_scroll(page)
