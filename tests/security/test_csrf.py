"""Every POST of the app refuses a form without its CSRF token (400), for staff and for parents,
except the few exempted on purpose. The routes come from the URL map, as in the matrix."""
from __future__ import annotations

import logging

import pytest

from tests.security.harness import all_routes, url_for_route

# POSTs that take no CSRF token, and why. Any other POST must refuse a form without one.
EXEMPT = {
    "/webhooks/twilio/inbound": "Twilio calls it; it is signed with X-Twilio-Signature instead",
    "/webhooks/twilio/status": "Twilio calls it; it is signed with X-Twilio-Signature instead",
    "/unsubscribe/<token>": "one-click unsubscribe (RFC 8058): mail clients POST without a form",
    "/family/leave": "ending a parent session is harmless and must work after the form's session ended",
}


@pytest.fixture
def csrf_on(matrix):
    app = matrix.app
    saved = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    yield matrix
    app.config["WTF_CSRF_ENABLED"] = saved


@pytest.mark.parametrize("role", ["manager", "parent"])
def test_every_post_needs_its_csrf_token(csrf_on, role, caplog):
    """Flask-WTF logs why it refused ("The CSRF token is missing."): a 400 for any other reason
    (a form the view itself rejects) does not count as protection."""
    matrix = csrf_on
    posts = [r for r in all_routes(matrix.app) if r.method == "POST"]
    assert len(posts) > 50
    wrong = []
    caplog.set_level(logging.INFO, logger="flask_wtf.csrf")
    for route in posts:
        caplog.clear()
        with matrix.tx.each():
            response = matrix.browser(role).open("POST", url_for_route(matrix.app, route, matrix.world.ids),
                                                 data={})
        refused = response.status_code == 400 and any("CSRF" in r.getMessage() for r in caplog.records)
        if route.rule in EXEMPT:
            if refused:
                wrong.append(f"{route.rule} ({route.endpoint}) is exempt but refused the POST")
        elif not refused:
            wrong.append(f"POST {route.rule} ({route.endpoint}) as {role} answered {response.status_code} "
                         f"without a CSRF token")
    assert not wrong, "\n".join(wrong)
