"""The audit log: managers read their own setting's entries; nobody else reads it."""
from app.audit.services import record
from app.extensions import db


def test_managers_see_their_settings_entries_newest_first(make, login_as, frozen_clock):
    setting, other = make.setting(), make.setting()
    manager = make.user(setting, name="Mo Manager")
    contact = make.contact(setting)
    record(setting.id, "contact.restricted", contact, actor=manager, reason="court order")
    frozen_clock.advance(minutes=5)
    record(setting.id, "link.issued", contact, actor=manager, purpose="family")
    record(other.id, "secret.elsewhere", None, actor_label="system")
    db.session.commit()
    client = login_as(manager)
    html = client.get("/audit").get_data(as_text=True)
    assert "contact.restricted" in html and "link.issued" in html and "Mo Manager" in html
    assert f"contact #{contact.id}" in html
    assert html.index("link.issued") < html.index("contact.restricted")
    assert "secret.elsewhere" not in html
    filtered = client.get("/audit?action=link.").get_data(as_text=True)
    assert "link.issued" in filtered and "contact.restricted" not in filtered


def test_actions_in_the_ui_show_up_in_the_log(make, login_as):
    setting = make.setting()
    client = login_as(make.user(setting))
    client.post("/rooms", data={"name": "Robins"})
    assert "room.created" in client.get("/audit").get_data(as_text=True)


def test_non_managers_cannot_read_the_log(make, login_as, client):
    setting = make.setting()
    record(setting.id, "contact.restricted", None, actor_label="system")
    db.session.commit()
    for role in ("pico", "key_person", "practitioner"):
        login_as(make.user(setting, role=role))
        assert client.get("/audit").status_code == 403
        client.post("/logout")
    assert client.get("/audit").status_code == 302  # anonymous: to the login page
