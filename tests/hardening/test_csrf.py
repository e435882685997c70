"""CSRF: a form with its token gets through. (That every POST without one is refused, bar the
exemptions, is walked over the whole URL map in tests/security/test_csrf.py.)"""
from __future__ import annotations

import pytest


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def test_a_post_with_the_token_gets_through(csrf_on, client, make):
    user = make.user(make.setting(), role="manager")
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    from tests.conftest import PASSWORD

    response = client.post("/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert response.status_code == 302
