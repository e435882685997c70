"""CSRF: every POST route (from the URL map, so new routes are covered) refuses a post without a token,
except the few exempted on purpose, listed here with the reason."""
from __future__ import annotations

import logging

import pytest

# endpoint -> why it takes posts without a CSRF token
EXEMPT = {
    "webhooks.twilio_status": "Twilio's servers post it; the request is signed (X-Twilio-Signature)",
    "webhooks.twilio_inbound": "Twilio's servers post it; the request is signed (X-Twilio-Signature)",
    "webhooks.unsubscribe": "RFC 8058 one-click unsubscribe: mail programs post it without a form",
    "parents.leave": "ending a parent session is harmless and must work after the form's session has gone",
}


def _post_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if "POST" in r.methods), key=lambda r: r.rule)


def _url(rule) -> str:
    values = {name: 1 if type(conv).__name__ in {"IntegerConverter"} else "x"
              for name, conv in rule._converters.items()}
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def test_every_post_route_refuses_a_post_without_a_token(app, client, make, login_as, request, caplog):
    setting = make.setting()
    login_as(make.user(setting, role="manager"))  # logged in before CSRF is on: the login form is checked below
    csrf_on = request.getfixturevalue("csrf_on")
    caplog.set_level(logging.INFO, logger="flask_wtf.csrf")
    rules = _post_rules(csrf_on)
    assert len(rules) > 50  # the walk really covers the app
    unprotected = []
    for rule in rules:
        caplog.clear()
        response = client.post(_url(rule), data={"anything": "1"})
        refused = response.status_code == 400 and "The CSRF token is missing." in caplog.text
        if rule.endpoint in EXEMPT:
            assert not refused, f"{rule.endpoint} is listed as exempt but checks CSRF: update EXEMPT"
        elif not refused:
            unprotected.append(f"{rule.rule} ({rule.endpoint}) answered {response.status_code}")
    assert not unprotected, "POST routes without CSRF protection:\n" + "\n".join(unprotected)


def test_a_post_with_the_token_gets_through(csrf_on, client, make):
    user = make.user(make.setting(), role="manager")
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    from tests.conftest import PASSWORD

    response = client.post("/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert response.status_code == 302
