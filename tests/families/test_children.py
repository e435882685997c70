"""Children: managers and PICOs add and edit; key persons and practitioners see their own only."""
from datetime import date

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.families.models import Child


def _child_form(**overrides):
    data = {"first_name": "Amira", "last_name": "Khan", "date_of_birth": "2023-02-14", "room_id": "0",
            "key_person_id": "0", "start_date": "2024-09-02", "leaving_date": "", "external_id": ""}
    data.update(overrides)
    return data


def _count_children():
    return db.session.scalar(select(func.count(Child.id)))


def test_manager_adds_a_child_with_every_field(make, login_as):
    setting = make.setting()
    room = make.room(setting, name="Butterflies")
    key = make.user(setting, role="key_person", name="Jo Key")
    client = login_as(make.user(setting, role="manager"))
    form = client.get("/children/new").get_data(as_text=True)
    assert "Jo Key" in form and "Butterflies" in form
    response = client.post("/children/new", data=_child_form(
        room_id=str(room.id), key_person_id=str(key.id), leaving_date="2027-07-23", external_id="MIS-42"))
    assert response.status_code == 302
    child = db.session.scalar(select(Child))
    assert (child.first_name, child.last_name, child.date_of_birth) == ("Amira", "Khan", date(2023, 2, 14))
    assert (child.room_id, child.key_person_id, child.external_id) == (room.id, key.id, "MIS-42")
    assert (child.start_date, child.leaving_date) == (date(2024, 9, 2), date(2027, 7, 23))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Amira Khan" in page and "Jo Key" in page and "MIS-42" in page


def test_key_person_choices_are_staff_of_this_setting_only(make, login_as):
    setting = make.setting()
    outsider = make.user(make.setting(), role="key_person", name="Other Nursery Person")
    client = login_as(make.user(setting, role="pico"))
    assert "Other Nursery Person" not in client.get("/children/new").get_data(as_text=True)
    response = client.post("/children/new", data=_child_form(key_person_id=str(outsider.id)))
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert _count_children() == 0


def test_bad_dates_and_missing_names_rerender_with_errors_and_save_nothing(make, login_as):
    setting = make.setting()
    client = login_as(make.user(setting))
    cases = [
        (_child_form(date_of_birth="2023-02-30"), "date_of_birth", "Enter a real date"),
        (_child_form(start_date="next week"), "start_date", "Enter a real date"),
        (_child_form(first_name=" "), "first_name", "s first name."),
        (_child_form(last_name=""), "last_name", "s last name."),
        (_child_form(date_of_birth="2099-01-01"), "date_of_birth", "cannot be in the future"),
        (_child_form(start_date="2025-09-01", leaving_date="2025-01-01"), "leaving_date", "cannot be before the start"),
    ]
    for data, field, message in cases:
        response = client.post("/children/new", data=data)
        assert response.status_code == 200, field
        html = response.get_data(as_text=True)
        error_at = html.index(f'id="{field}-error"')
        assert message in html[error_at:error_at + 300], field
    assert _count_children() == 0


def test_mis_id_is_unique_in_the_setting(make, login_as):
    setting = make.setting()
    make.child(setting, external_id="A1")
    client = login_as(make.user(setting))
    response = client.post("/children/new", data=_child_form(external_id="A1"))
    assert "Another child already has this MIS id." in response.get_data(as_text=True)
    assert _count_children() == 1


def test_edit_a_child_is_audited_by_field_name(make, login_as):
    setting = make.setting()
    room = make.room(setting, name="Toddlers")
    child = make.child(setting, first_name="Leo", last_name="Novak")
    client = login_as(make.user(setting, role="pico"))
    form = client.get(f"/children/{child.id}/edit").get_data(as_text=True)
    assert 'value="Leo"' in form and 'value="2023-05-01"' in form
    response = client.post(f"/children/{child.id}/edit", data=_child_form(
        first_name="Leo", last_name="Novák", date_of_birth="2023-05-01", room_id=str(room.id), start_date=""))
    assert response.status_code == 302
    db.session.refresh(child)
    assert (child.last_name, child.room_id) == ("Novák", room.id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "child.changed"))
    assert sorted(entry.detail["fields"]) == ["last_name", "room_id"]
    assert "Novák" not in str(entry.detail)


def test_children_who_have_left_are_marked_and_filtered(make, login_as, frozen_clock):
    setting = make.setting()
    make.child(setting, first_name="Staying", leaving_date=date(2026, 11, 23))  # leaves today: still on roll
    make.child(setting, first_name="Gone", leaving_date=date(2026, 7, 20))
    client = login_as(make.user(setting))
    on_roll = client.get("/children").get_data(as_text=True)
    assert "Staying" in on_roll and "Gone" not in on_roll
    left = client.get("/children?roll=left").get_data(as_text=True)
    assert "Gone" in left and "Staying" not in left
    assert '<span class="tag">Left</span>' in left
    everyone = client.get("/children?roll=all").get_data(as_text=True)
    assert "Gone" in everyone and "Staying" in everyone
    frozen_clock.advance(days=1)
    assert "Staying" in client.get("/children?roll=left").get_data(as_text=True)


def test_key_person_and_practitioner_see_only_their_room_and_key_group(make, login_as):
    setting = make.setting()
    mine, other = make.room(setting), make.room(setting)
    key = make.user(setting, role="key_person", room=mine)
    practitioner = make.user(setting, role="practitioner", room=mine)
    in_room = make.child(setting, room=mine, first_name="Inroom")
    key_child = make.child(setting, room=other, key_person=key, first_name="Keychild")
    outside = make.child(setting, room=other, first_name="Outsider")
    for user, visible in ((key, {"Inroom", "Keychild"}), (practitioner, {"Inroom"})):
        client = login_as(user)
        listing = client.get("/children?roll=all").get_data(as_text=True)
        for name in ("Inroom", "Keychild", "Outsider"):
            assert (name in listing) == (name in visible), (user.role, name)
        assert f'href="/children/{outside.id}"' not in client.get("/children?q=Outsider").get_data(as_text=True)
        assert f'href="/children/{in_room.id}"' in client.get("/children?q=inroom").get_data(as_text=True)
        assert client.get(f"/children/{outside.id}").status_code == 403
        assert client.get(f"/children/{in_room.id}").status_code == 200
        expected = 200 if "Keychild" in visible else 403
        assert client.get(f"/children/{key_child.id}").status_code == expected
        client.post("/logout")


def test_key_person_and_practitioner_cannot_add_or_edit_children(make, login_as):
    setting = make.setting()
    room = make.room(setting)
    for role in ("key_person", "practitioner"):
        user = make.user(setting, role=role, room=room)
        child = make.child(setting, room=room, key_person=user, first_name="Mine")
        client = login_as(user)
        assert client.get("/children/new").status_code == 403
        assert client.post("/children/new", data=_child_form()).status_code == 403
        assert client.post(f"/children/{child.id}/edit", data=_child_form(first_name="Changed")).status_code == 403
        assert "Edit this child" not in client.get(f"/children/{child.id}").get_data(as_text=True)
        db.session.refresh(child)
        assert child.first_name == "Mine"
        client.post("/logout")
    assert _count_children() == 2


def test_another_settings_child_is_not_found(make, login_as):
    child = make.child(make.setting(), first_name="Theirs")
    client = login_as(make.user(make.setting(), role="manager"))
    assert client.get(f"/children/{child.id}").status_code == 404
    assert client.get(f"/children/{child.id}/edit").status_code == 404
    assert client.post(f"/children/{child.id}/edit", data=_child_form(first_name="Mine")).status_code == 404
    assert f'href="/children/{child.id}"' not in client.get("/children?roll=all&q=Theirs").get_data(as_text=True)
    db.session.refresh(child)
    assert child.first_name == "Theirs"
