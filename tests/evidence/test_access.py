"""Who sees the PICO's pages: managers and the PICO (the whole setting's figures); key persons and
practitioners see only their own room or key group, so never the setting-wide figures."""
from __future__ import annotations

import pytest

PAGES = ("/evidence/", "/evidence/reach", "/evidence/pack", "/evidence/pack.csv", "/evidence/pack.xlsx")


@pytest.mark.parametrize("role", ["manager", "pico"])
def test_managers_and_the_pico_see_every_page_and_land_on_the_dashboard(make, login_as, frozen_clock, role):
    client = login_as(make.user(make.setting(), role=role))
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/evidence/")
    page = client.get("/evidence/").get_data(as_text=True)
    assert 'href="/evidence/"' in page  # in the staff menu


@pytest.mark.parametrize("role", ["key_person", "practitioner"])
def test_other_staff_are_refused_and_land_on_their_children(make, login_as, frozen_clock, role):
    setting = make.setting()
    client = login_as(make.user(setting, role=role, room=make.room(setting)))
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    assert client.get("/").headers["Location"].endswith("/children")
    assert 'href="/evidence/"' not in client.get("/children").get_data(as_text=True)


def test_logged_out_visitors_are_sent_to_log_in(client, app):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
