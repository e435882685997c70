"""Managers look after staff accounts in the UI; nobody else can, and nobody locks themselves out."""
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.extensions import db
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "a brand new passphrase"


def _staff_form(**overrides):
    data = {"name": "Kasia Nowak", "email": "Kasia@Acorn.example", "role": "key_person", "room_id": "0",
            "active": "y", "password": NEW_PASSWORD}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_manager_adds_a_key_person_who_can_then_log_in(make, app, login_as):
    setting = make.setting()
    room = make.room(setting, name="Ladybirds")
    client = login_as(make.user(setting))
    assert "Ladybirds" in client.get("/staff/new").get_data(as_text=True)
    response = client.post("/staff/new", data=_staff_form(room_id=str(room.id)))
    assert response.status_code == 302
    listing = client.get("/staff").get_data(as_text=True)
    assert "Kasia Nowak" in listing and "kasia@acorn.example" in listing
    user = db.session.scalar(select(User).where(User.email == "kasia@acorn.example"))
    assert (user.role, user.room_id, user.setting_id, user.active) == ("key_person", room.id, setting.id, True)
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_id == user.id)) == "staff.created"
    newcomer = app.test_client()
    assert login(newcomer, user, password=NEW_PASSWORD).status_code == 302
    assert newcomer.get("/staff").status_code == 403


def test_new_account_can_start_disabled(make, app, login_as):
    setting = make.setting()
    client = login_as(make.user(setting))
    assert client.post("/staff/new", data=_staff_form(active=None)).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "kasia@acorn.example"))
    assert user.active is False
    assert login(app.test_client(), user, password=NEW_PASSWORD).status_code == 200  # refused


def test_staff_form_errors(make, login_as):
    setting = make.setting()
    taken = make.user(make.setting(), email="taken@example.org")
    client = login_as(make.user(setting))
    cases = [
        (_staff_form(email=taken.email.upper()), "email", "Another account already uses this email."),
        (_staff_form(email="not-an-email"), "email", "Enter an email address like name@example.com."),
        (_staff_form(password=""), "password", "Set a first password"),
        (_staff_form(password="short"), "password", "Use at least 10 characters"),
        (_staff_form(name=""), "name", "Enter their name."),
        (_staff_form(role="owner"), "role", "Not a valid choice"),
    ]
    for data, field, message in cases:
        response = client.post("/staff/new", data=data)
        assert response.status_code == 200, field
        html = response.get_data(as_text=True)
        assert message in html[html.index(f'id="{field}-error"'):][:300], field
    assert db.session.scalar(select(User).where(User.email == "kasia@acorn.example")) is None


def test_manager_changes_a_role_which_ends_that_persons_sessions(make, app, login_as):
    setting = make.setting()
    pico = make.user(setting, role="pico", name="Pat")
    pat_browser = app.test_client()
    assert login(pat_browser, pico).status_code == 302
    client = login_as(make.user(setting))
    form = client.get(f"/staff/{pico.id}").get_data(as_text=True)
    assert 'value="Pat"' in form
    response = client.post(f"/staff/{pico.id}", data=_staff_form(name="Pat", email=pico.email, role="practitioner",
                                                                  password=""))
    assert response.status_code == 302
    db.session.refresh(pico)
    assert pico.role == "practitioner" and pico.check_password(PASSWORD)
    assert pat_browser.get("/children").status_code == 302  # logged out
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.changed"))
    assert entry.detail == {"role": "practitioner"}


def test_non_managers_get_403(make, login_as):
    setting = make.setting()
    colleague = make.user(setting, role="practitioner", name="Colleague")
    for role in ("pico", "key_person", "practitioner"):
        client = login_as(make.user(setting, role=role))
        assert client.get("/staff").status_code == 403
        assert client.get("/staff/new").status_code == 403
        assert client.post("/staff/new", data=_staff_form(email=f"{role}@x.example")).status_code == 403
        assert client.post(f"/staff/{colleague.id}", data=_staff_form(role="manager")).status_code == 403
        client.post("/logout")
    db.session.refresh(colleague)
    assert colleague.role == "practitioner"
    assert db.session.scalar(select(User).where(User.email.like("%@x.example"))) is None


def test_another_settings_staff_are_not_found(make, login_as):
    other = make.user(make.setting(), role="practitioner", name="Elsewhere")
    client = login_as(make.user(make.setting()))
    assert "Elsewhere" not in client.get("/staff").get_data(as_text=True)
    assert client.get(f"/staff/{other.id}").status_code == 404
    assert client.post(f"/staff/{other.id}", data=_staff_form(role="manager", email=other.email)).status_code == 404
    db.session.refresh(other)
    assert other.role == "practitioner"


def test_a_manager_cannot_lock_themselves_out(make, login_as):
    setting = make.setting()
    manager = make.user(setting, name="Mina")
    client = login_as(manager)
    mine = {"name": "Mina", "email": manager.email, "password": ""}
    response = client.post(f"/staff/{manager.id}", data=_staff_form(**mine, role="pico"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "cannot take away your own manager role" in html[html.index('id="role-error"'):][:300]
    response = client.post(f"/staff/{manager.id}", data=_staff_form(**mine, role="manager", active=None))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "cannot disable your own account" in html[html.index('id="active-error"'):][:300]
    db.session.refresh(manager)
    assert (manager.role, manager.active, manager.session_version) == ("manager", True, 1)
    assert client.get("/staff").status_code == 200  # still logged in, still a manager


def test_manager_changing_their_own_password_stays_logged_in(make, app, login_as):
    setting = make.setting()
    manager = make.user(setting, name="Mina")
    other_browser = app.test_client()
    assert login(other_browser, manager).status_code == 302
    client = login_as(manager)
    response = client.post(f"/staff/{manager.id}", data=_staff_form(
        name="Mina", email=manager.email, role="manager", password=NEW_PASSWORD))
    assert response.status_code == 302
    assert client.get("/staff").status_code == 200
    assert other_browser.get("/staff").status_code == 302  # the other session ended
    db.session.refresh(manager)
    assert manager.check_password(NEW_PASSWORD)
