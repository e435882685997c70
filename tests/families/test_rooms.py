"""Rooms: managers and PICOs list, add and rename them; nobody else, and never another setting's."""
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.families.models import Room


def _room_names(setting):
    return sorted(db.session.scalars(select(Room.name).where(Room.setting_id == setting.id)))


def test_manager_adds_a_room_and_sees_it_listed(make, login_as):
    setting = make.setting()
    client = login_as(make.user(setting, role="manager"))
    response = client.post("/rooms", data={"name": "  Caterpillars "})
    assert response.status_code == 302
    assert _room_names(setting) == ["Caterpillars"]
    page = client.get("/rooms").get_data(as_text=True)
    assert "Caterpillars" in page
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "room.created")) == "room.created"


def test_room_names_are_unique_in_a_setting_and_required(make, login_as):
    setting = make.setting()
    make.room(setting, name="Butterflies")
    client = login_as(make.user(setting, role="pico"))
    response = client.post("/rooms", data={"name": "butterflies"})
    assert response.status_code == 200
    assert "There is already a room with this name." in response.get_data(as_text=True)
    response = client.post("/rooms", data={"name": "   "})
    assert response.status_code == 200
    assert "Give the room a name." in response.get_data(as_text=True)
    assert _room_names(setting) == ["Butterflies"]


def test_same_room_name_in_another_setting_is_fine(make, login_as):
    make.room(make.setting(), name="Babies")
    setting = make.setting()
    client = login_as(make.user(setting))
    assert client.post("/rooms", data={"name": "Babies"}).status_code == 302
    assert _room_names(setting) == ["Babies"]


def test_rename_a_room(make, login_as):
    setting = make.setting()
    room = make.room(setting, name="Toddlers")
    make.room(setting, name="Pre-school")
    client = login_as(make.user(setting, role="pico"))
    assert 'value="Toddlers"' in client.get(f"/rooms/{room.id}").get_data(as_text=True)
    clash = client.post(f"/rooms/{room.id}", data={"name": "Pre-school"})
    assert clash.status_code == 200
    assert "There is already a room with this name." in clash.get_data(as_text=True)
    assert client.post(f"/rooms/{room.id}", data={"name": "Little Owls"}).status_code == 302
    assert _room_names(setting) == ["Little Owls", "Pre-school"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "room.renamed"))
    assert entry.detail == {"old": "Toddlers", "new": "Little Owls"}


def test_key_person_and_practitioner_cannot_manage_rooms(make, login_as):
    setting = make.setting()
    room = make.room(setting, name="Toddlers")
    for role in ("key_person", "practitioner"):
        client = login_as(make.user(setting, role=role, room=room))
        assert client.get("/rooms").status_code == 403
        assert client.post("/rooms", data={"name": "Sneaky"}).status_code == 403
        assert client.post(f"/rooms/{room.id}", data={"name": "Sneaky"}).status_code == 403
        client.post("/logout")
    assert _room_names(setting) == ["Toddlers"]


def test_another_settings_room_is_not_found(make, login_as):
    room = make.room(make.setting(), name="Theirs")
    client = login_as(make.user(make.setting(), role="manager"))
    assert client.get(f"/rooms/{room.id}").status_code == 404
    assert client.post(f"/rooms/{room.id}", data={"name": "Mine now"}).status_code == 404
    assert "Theirs" not in client.get("/rooms").get_data(as_text=True)
    db.session.refresh(room)
    assert room.name == "Theirs"
