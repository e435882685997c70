"""The manager keeps the setting's details; nobody else can, and no setting sees another's."""
from app.audit.models import AuditEntry
from app.extensions import db


def _form(**overrides):
    data = {"name": "Acorn Children's Centre", "phone": "01632 960123", "email": "hello@acorn.example",
            "address": "1 Park Road", "default_language": "en", "timezone": "Europe/London", "phone_region": "gb"}
    data.update(overrides)
    return data


def test_manager_updates_details_and_it_is_audited(client, make, login_as):
    setting = make.setting()
    login_as(make.user(setting, role="manager"))
    response = client.post("/setting", data=_form(timezone="Europe/Dublin", phone_region="ie"))
    assert response.status_code == 302
    assert setting.name == "Acorn Children's Centre"
    assert setting.timezone == "Europe/Dublin"
    assert setting.phone_region == "IE"
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "setting.changed")).one()
    assert "timezone" in entry.detail


def test_bad_values_rerender_with_messages_and_save_nothing(client, make, login_as):
    setting = make.setting(name="Acorn Nursery")
    login_as(make.user(setting, role="manager"))
    response = client.post("/setting", data=_form(name="", phone_region="XX", timezone="Mars/Base", email="nope"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "two-letter country code" in page
    assert "Not a valid choice" in page
    assert setting.name == "Acorn Nursery"


def test_only_managers_edit_the_setting(client, make, login_as):
    setting = make.setting()
    login_as(make.user(setting, role="pico"))
    assert client.get("/setting").status_code == 403
    assert client.post("/setting", data=_form()).status_code == 403


def test_each_manager_edits_only_their_own_setting(client, make, login_as):
    mine, other = make.setting(name="Mine"), make.setting(name="Other")
    login_as(make.user(mine, role="manager"))
    client.post("/setting", data=_form(name="Renamed"))
    assert mine.name == "Renamed"
    assert other.name == "Other"
