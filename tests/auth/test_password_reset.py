"""Password reset by email: what arrives in the SMTP sink, the link, the new password; the link works
once and not after an hour; the answer is the same for unknown addresses; other sessions end."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.auth.models import PasswordReset
from app.extensions import db
from tests.conftest import PASSWORD
from tests.feedback.helpers import body
from tests.messaging.conftest import smtp  # noqa: F401

NEW = "a brand new password"


def _ask(client, email: str):
    return client.post("/password/forgot", data={"email": email})


def _link(smtp, address: str) -> str:  # noqa: F811
    (email,) = smtp.to(address)
    return re.search(r"http://localhost(/password/reset/\S+)", body(email)).group(1)


def _can_log_in(client, email: str, password: str) -> bool:
    ok = client.post("/login", data={"email": email, "password": password}).status_code == 302
    client.post("/logout")
    return ok


def test_reset_by_email_link(client, make, smtp, frozen_clock):  # noqa: F811
    user = make.user(make.setting(), role="pico", email="sam@example.org")
    db.session.commit()
    assert "Forgotten your password?" in client.get("/login").get_data(as_text=True)

    answer = _ask(client, "Sam@Example.org").get_data(as_text=True)
    assert "If Sam@Example.org belongs to a Homelink staff account, we have emailed it a link" in answer
    (email,) = smtp.to("sam@example.org")
    assert email["Subject"] == "Reset your Homelink password"
    assert "within 60 minutes" in body(email)
    path = _link(smtp, "sam@example.org")
    token = path.rsplit("/", 1)[1]
    assert db.session.scalar(select(PasswordReset.token_hash)) != token  # only a hash is kept
    assert token not in str(db.session.scalars(select(PasswordReset.token_hash)).all())

    page = client.get(path)
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    mismatch = client.post(path, data={"password": NEW, "confirm": NEW + "!"})
    assert "The two passwords are not the same." in mismatch.get_data(as_text=True)
    short = client.post(path, data={"password": "short", "confirm": "short"})
    assert "at least 10 characters" in short.get_data(as_text=True)
    done = client.post(path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/login"

    assert _can_log_in(client, user.email, NEW)
    assert not _can_log_in(client, user.email, PASSWORD)
    again = client.get(path)
    assert again.status_code == 410 and "has been used already" in again.get_data(as_text=True)
    assert client.post(path, data={"password": "another new password", "confirm": "another new password"}
                       ).status_code == 410
    assert _can_log_in(client, user.email, NEW)


def test_the_link_expires_after_an_hour(client, make, smtp, frozen_clock):  # noqa: F811
    make.user(make.setting(), email="kim@example.org")
    db.session.commit()
    _ask(client, "kim@example.org")
    path = _link(smtp, "kim@example.org")
    frozen_clock.advance(minutes=59)
    assert client.get(path).status_code == 200
    frozen_clock.advance(minutes=2)
    assert client.get(path).status_code == 410
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 410
    assert not _can_log_in(client, "kim@example.org", NEW)


def test_same_answer_whether_or_not_the_address_has_an_account(client, make, smtp):  # noqa: F811
    make.user(make.setting(), email="ann@example.org", active=False)
    db.session.commit()
    pages = [_ask(client, address).get_data(as_text=True).replace(address, "ADDRESS")
             for address in ("nobody@example.org", "ann@example.org")]
    make.user(make.setting(), email="real@example.org")
    db.session.commit()
    pages.append(_ask(client, "real@example.org").get_data(as_text=True).replace("real@example.org", "ADDRESS"))

    def without_token(html: str) -> str:
        return re.sub(r'name="csrf_token"[^>]*', "", html)

    assert without_token(pages[0]) == without_token(pages[1]) == without_token(pages[2])
    assert len(smtp.messages) == 1 and smtp.to("real@example.org")  # only the active account is emailed


def test_a_reset_ends_the_accounts_other_sessions(app, make, smtp):  # noqa: F811
    user = make.user(make.setting(), role="manager", email="lee@example.org")
    db.session.commit()
    elsewhere = app.test_client()
    assert elsewhere.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert elsewhere.get("/staff").status_code == 200

    client = app.test_client()
    _ask(client, user.email)
    path = _link(smtp, user.email)
    client.post(path, data={"password": NEW, "confirm": NEW})
    assert elsewhere.get("/staff").status_code == 302  # logged out there


def test_asking_is_rate_limited(app, client, make, smtp):  # noqa: F811
    make.user(make.setting(), email="max@example.org")
    db.session.commit()
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [_ask(client, "max@example.org").status_code for _ in range(3)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    assert codes == [200, 200, 429]
    assert len(smtp.to("max@example.org")) == 2


def test_a_made_up_link_opens_nothing(client, make):
    assert client.get("/password/reset/not-a-real-token").status_code == 410
    assert client.get("/password/reset/" + "x" * 300).status_code == 410
