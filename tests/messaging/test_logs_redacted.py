"""Logs never hold full phone numbers, email addresses, link tokens or message bodies (app.privacy.redaction):
captured during a real send (the twilio client logs what it posts) and a real link visit (werkzeug logs
the request line)."""
from __future__ import annotations

import http.client
import logging
import threading

from werkzeug.serving import make_server

from app.extensions import db
from app.parents import links
from app.privacy.redaction import redact
from messaging_helpers import message

BODY = "Park trip on Friday."


def test_a_send_logs_nothing_personal(make, twilio, caplog):
    from app.messaging.services import send_now

    caplog.set_level(logging.DEBUG)
    setting = make.setting()
    child = make.child(setting)
    parent = make.contact(setting, children=[child], mobile="+447700900321", email="private.person@example.org")
    msg = message(setting, channels="both")
    db.session.commit()
    send_now(msg.id)
    twilio_lines = [r.getMessage() for r in caplog.records if r.name.startswith("twilio")]
    assert any("POST Request" in line for line in twilio_lines)  # capture works: the client logs its requests
    text = caplog.text
    assert "900321" not in text.replace("***321", "") and parent.email not in text
    assert "private.person" not in text and BODY not in text


def test_a_link_visit_logs_no_token(app, make, caplog):
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="werkzeug")
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)])
    token = links.issue_link(parent)
    db.session.commit()
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("GET", f"/l/{token}")
    assert connection.getresponse().status == 302
    thread.join(timeout=10)
    server.server_close()
    request_lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /l/***" in line for line in request_lines), request_lines
    assert token not in caplog.text and token[:12] not in caplog.text


def test_exceptions_are_masked_too(caplog):
    caplog.set_level(logging.ERROR)
    try:
        raise ValueError("refused: someone@example.org at +447700900654")
    except ValueError:
        logging.getLogger("app.test").exception("sending to %s failed", "someone@example.org")
    assert "someone@example.org" not in caplog.text and "900654" not in caplog.text.replace("***654", "")
    assert "s***@example.***" in caplog.text


def test_redact_keeps_ordinary_text():
    line = "GET /privacy/retention HTTP/1.1 200 - 2026-11-23 09:00:00 job 123456 took 0.25s"
    assert redact(line) == line
