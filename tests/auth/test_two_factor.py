"""Two-step login: set up with a QR code or key, log in with the app's code (or a recovery code),
required for managers when the setting says so. Codes are computed by pyotp under the frozen clock."""
from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import RecoveryCode
from app.extensions import db
from tests.conftest import PASSWORD


def _code(secret_or_user, clock, offset_seconds: int = 0) -> str:
    from datetime import timedelta

    secret = getattr(secret_or_user, "totp_secret", secret_or_user)
    return pyotp.TOTP(secret).at(clock.now + timedelta(seconds=offset_seconds))


def _key(page) -> str:
    """The secret as the set-up page shows it for typing in by hand."""
    return re.search(r'<code class="key">([A-Z2-7 ]+)</code>', page.get_data(as_text=True)).group(1).replace(" ", "")


def _enrol(client, user, clock) -> list[str]:
    """Set up two-step login through the pages; returns the recovery codes shown."""
    page = client.get("/account/two-step")
    assert page.status_code == 200
    response = client.post("/account/two-step/confirm", data={"code": _code(_key(page), clock)})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", response.get_data(as_text=True))


def _password_step(client, user):
    return client.post("/login", data={"email": user.email, "password": PASSWORD})


def _logged_in(client) -> bool:
    return client.get("/children").status_code == 200


def test_enrolment_shows_a_qr_code_and_the_key_and_needs_a_right_code(make, login_as, client, frozen_clock):
    user = make.user(make.setting(name="Acorn Nursery"), role="pico", email="pat@example.org")
    login_as(user)
    response = client.get("/account/two-step")
    page = response.get_data(as_text=True)
    db.session.refresh(user)
    assert "<svg" in page and "QR code for your authenticator app" in page  # drawn on the server
    key = _key(response)
    assert _key(client.get("/account/two-step")) == key  # the same secret until a code confirms it
    assert user.totp_secret is None and user.totp_enabled_at is None  # nothing kept until a code confirms it

    wrong = client.post("/account/two-step/confirm", data={"code": "000000" if _code(key, frozen_clock) != "000000"
                                                           else "111111"})
    assert "That code is not right" in wrong.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.totp_enabled

    response = client.post("/account/two-step/confirm", data={"code": _code(key, frozen_clock)})
    codes = re.findall(r"<code>([0-9a-f-]{19})</code>", response.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.refresh(user)
    assert user.totp_enabled and user.totp_secret == key
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in stored)  # hashes only
    assert "Two-step login is on" in client.get("/account/two-step").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "staff.two_factor_on" in actions


def test_login_asks_for_the_code_after_the_password(make, login_as, client, frozen_clock):
    user = make.user(make.setting(), role="pico")
    login_as(user)
    _enrol(client, user, frozen_clock)
    client.post("/logout")

    response = _password_step(client, user)
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert not _logged_in(client)  # the password alone logs nobody in
    page = client.get("/login/code").get_data(as_text=True)
    assert "6-digit code" in page

    frozen_clock.advance(seconds=60)  # the code used to enrol has gone by
    wrong = client.post("/login/code", data={"code": "12345"})
    assert "That code is not right" in wrong.get_data(as_text=True)
    assert not _logged_in(client)
    ok = client.post("/login/code", data={"code": _code(user, frozen_clock)})
    assert ok.status_code == 302
    assert _logged_in(client)

    client.post("/logout")
    _password_step(client, user)
    replay = client.post("/login/code", data={"code": _code(user, frozen_clock)})
    assert "That code is not right" in replay.get_data(as_text=True)  # a code works once
    frozen_clock.advance(seconds=30)
    assert client.post("/login/code", data={"code": _code(user, frozen_clock)}).status_code == 302
    assert _logged_in(client)


def test_a_code_from_the_step_before_is_accepted_but_not_older(make, login_as, client, frozen_clock):
    user = make.user(make.setting(), role="pico")
    login_as(user)
    _enrol(client, user, frozen_clock)
    client.post("/logout")
    frozen_clock.advance(minutes=2)
    _password_step(client, user)
    assert "not right" in client.post("/login/code", data={"code": _code(user, frozen_clock, -60)}).get_data(as_text=True)
    assert client.post("/login/code", data={"code": _code(user, frozen_clock, -30)}).status_code == 302


def test_a_recovery_code_works_once(make, login_as, client, frozen_clock):
    user = make.user(make.setting(), role="key_person")
    login_as(user)
    codes = _enrol(client, user, frozen_clock)
    client.post("/logout")

    _password_step(client, user)
    assert client.post("/login/code", data={"code": codes[3].upper()}).status_code == 302
    assert _logged_in(client)
    assert "Recovery codes left: 9." in client.get("/account/two-step").get_data(as_text=True)
    client.post("/logout")
    _password_step(client, user)
    again = client.post("/login/code", data={"code": codes[3]})
    assert "That code is not right" in again.get_data(as_text=True)
    assert not _logged_in(client)


def test_the_code_step_expires_and_gives_up_after_five_wrong_codes(make, login_as, client, frozen_clock):
    user = make.user(make.setting(), role="pico")
    login_as(user)
    _enrol(client, user, frozen_clock)
    client.post("/logout")

    _password_step(client, user)
    frozen_clock.advance(minutes=6)
    late = client.post("/login/code", data={"code": _code(user, frozen_clock)})
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert not _logged_in(client)

    _password_step(client, user)
    for _ in range(4):
        assert client.post("/login/code", data={"code": "000001"}).status_code == 200
    fifth = client.post("/login/code", data={"code": "000001"})
    assert fifth.headers["Location"] == "/login"
    assert client.post("/login/code", data={"code": _code(user, frozen_clock)}).headers["Location"] == "/login"
    assert not _logged_in(client)


def test_managers_must_enrol_when_the_setting_requires_it(make, client, frozen_clock):
    setting = make.setting(require_manager_totp=True)
    manager = make.user(setting, role="manager")
    practitioner = make.user(setting, role="practitioner")
    db.session.commit()

    response = _password_step(client, manager)
    assert response.headers["Location"] == "/account/two-step"
    assert client.get("/staff").headers["Location"] == "/account/two-step"  # every staff page sends them there
    assert client.get("/children").headers["Location"] == "/account/two-step"
    assert client.get("/account/two-step").status_code == 200
    _enrol(client, manager, frozen_clock)
    assert client.get("/staff").status_code == 200
    off = client.post("/account/two-step/off", data={"password": PASSWORD}, follow_redirects=True)
    assert "cannot be turned off" in off.get_data(as_text=True)
    db.session.refresh(manager)
    assert manager.totp_enabled
    client.post("/logout")

    assert _password_step(client, practitioner).headers["Location"] == "/"  # other roles choose for themselves
    assert _logged_in(client)


def test_turning_it_off_needs_the_password(make, login_as, client, frozen_clock):
    user = make.user(make.setting(), role="pico")
    login_as(user)
    _enrol(client, user, frozen_clock)
    refused = client.post("/account/two-step/off", data={"password": "not my password"}, follow_redirects=True)
    assert "still on" in refused.get_data(as_text=True)
    client.post("/account/two-step/off", data={"password": PASSWORD})
    db.session.refresh(user)
    assert not user.totp_enabled and user.totp_secret is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    client.post("/logout")
    assert _password_step(client, user).headers["Location"] == "/"


def test_the_manager_turns_the_requirement_on_in_setting_details(make, login_as, client):
    setting = make.setting()
    login_as(make.user(setting, role="manager"))
    form = {"name": setting.name, "default_language": "en", "timezone": "Europe/London", "phone_region": "GB",
            "require_manager_totp": "y"}
    assert client.post("/setting", data=form).status_code == 302
    db.session.refresh(setting)
    assert setting.require_manager_totp
    assert client.get("/staff").headers["Location"] == "/account/two-step"  # at once, for this manager too


def test_a_manager_turns_off_someone_elses_two_step_login(app, make, login_as, client, frozen_clock):
    setting = make.setting()
    manager, pico = make.user(setting, role="manager"), make.user(setting, role="pico", name="Robin")
    other_manager = make.user(make.setting(), role="manager")
    phone_lost = app.test_client()
    assert phone_lost.post("/login", data={"email": pico.email, "password": PASSWORD}).status_code == 302
    _enrol(phone_lost, pico, frozen_clock)

    login_as(other_manager)
    assert client.post(f"/staff/{pico.id}/two-step/off").status_code == 404  # another setting's staff
    client.post("/logout")
    login_as(manager)
    page = client.get(f"/staff/{pico.id}").get_data(as_text=True)
    assert "Robin uses two-step login" in page
    client.post(f"/staff/{pico.id}/two-step/off")
    db.session.refresh(pico)
    assert not pico.totp_enabled
    assert phone_lost.get("/children").status_code == 302  # their sessions ended
    assert phone_lost.post("/login", data={"email": pico.email, "password": PASSWORD}).headers["Location"] == "/"
    assert "staff.two_factor_off" in db.session.scalars(select(AuditEntry.action)).all()


def test_the_secret_is_encrypted_at_rest(make, login_as, client, frozen_clock):
    from sqlalchemy import text

    user = make.user(make.setting(), role="pico")
    login_as(user)
    _enrol(client, user, frozen_clock)
    db.session.refresh(user)
    stored = db.session.execute(text("SELECT totp_secret FROM \"user\" WHERE id = :id"), {"id": user.id}).scalar()
    assert user.totp_secret and user.totp_secret not in stored and stored.startswith("gAAAA")  # a Fernet token
