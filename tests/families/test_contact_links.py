"""Linking a contact to children: siblings, relationship, responsibility, priority, collection."""
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.families.models import ChildContact


def _child_options(html: str) -> str:
    """The <select> of children offered on the "link to another child" form."""
    start = html.index('id="child_id"')
    return html[start:html.index("</select>", start)]


def _link_form(**overrides):
    data = {"relationship_label": "Mother", "parental_responsibility": "y", "priority": "1",
            "authorised_to_collect": "y", "collection_password_note": ""}
    data.update(overrides)
    return data


def test_link_a_contact_to_a_sibling_and_edit_each_link(make, login_as):
    setting = make.setting()
    older, younger = make.child(setting, first_name="Older"), make.child(setting, first_name="Younger")
    contact = make.contact(setting, children=[older], first_name="Dad")
    client = login_as(make.user(setting, role="pico"))
    form = _child_options(client.get(f"/contacts/{contact.id}/links/new").get_data(as_text=True))
    assert f'value="{younger.id}"' in form and f'value="{older.id}"' not in form  # already linked: not offered
    response = client.post(f"/contacts/{contact.id}/links/new", data=_link_form(
        child_id=str(younger.id), relationship_label="Father", parental_responsibility="", priority="2",
        collection_password_note="Blue giraffe"))
    assert response.status_code == 302
    link = db.session.scalar(select(ChildContact).where(ChildContact.child_id == younger.id))
    assert (link.relationship_label, link.parental_responsibility, link.priority) == ("Father", False, 2)
    assert (link.authorised_to_collect, link.collection_password_note) == (True, "Blue giraffe")
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "Older" in page and "Younger" in page and "Blue giraffe" in page

    response = client.post(f"/contacts/{contact.id}/links/{link.id}", data=_link_form(
        relationship_label="Step-father", parental_responsibility="y", priority="3", authorised_to_collect=""))
    assert response.status_code == 302
    db.session.refresh(link)
    assert (link.relationship_label, link.parental_responsibility, link.priority) == ("Step-father", True, 3)
    assert (link.authorised_to_collect, link.collection_password_note) == (False, None)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contact.link_changed"))
    assert "collection_password_note" in entry.detail["fields"] and "Blue giraffe" not in str(entry.detail)


def test_link_form_errors_save_nothing(make, login_as):
    setting = make.setting()
    child = make.child(setting)
    contact = make.contact(setting, children=[child], relationship_label="Mother")
    link = contact.links[0]
    other_setting_child = make.child(make.setting())
    client = login_as(make.user(setting))
    response = client.post(f"/contacts/{contact.id}/links/{link.id}", data=_link_form(relationship_label=" "))
    assert response.status_code == 200
    assert 'id="relationship_label-error"' in response.get_data(as_text=True)
    assert client.post(f"/contacts/{contact.id}/links/{link.id}", data=_link_form(priority="99")).status_code == 200
    response = client.post(f"/contacts/{contact.id}/links/new",
                           data=_link_form(child_id=str(other_setting_child.id)))
    assert response.status_code == 200
    db.session.refresh(link)
    assert (link.relationship_label, link.priority) == ("Mother", 1)
    assert len(db.session.scalars(select(ChildContact)).all()) == 1


def test_unlink(make, login_as):
    setting = make.setting()
    a, b = make.child(setting, first_name="Aa"), make.child(setting, first_name="Bb")
    contact = make.contact(setting, children=[a, b])
    link_b = next(link for link in contact.links if link.child_id == b.id)
    client = login_as(make.user(setting))
    assert client.post(f"/contacts/{contact.id}/links/{link_b.id}/delete").status_code == 302
    assert [link.child_id for link in db.session.scalars(select(ChildContact))] == [a.id]
    assert f'href="/children/{b.id}"' not in client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert db.session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "contact.unlinked")) == {
        "child_id": b.id}


def test_sibling_outside_the_users_group_stays_hidden_with_its_password_note(make, login_as):
    setting = make.setting()
    mine, other = make.room(setting), make.room(setting)
    key = make.user(setting, role="key_person", room=mine)
    here = make.child(setting, room=mine, key_person=key, first_name="Here")
    there = make.child(setting, room=other, first_name="There")
    contact = make.contact(setting, children=[here, there])
    link_here = next(link for link in contact.links if link.child_id == here.id)
    link_there = next(link for link in contact.links if link.child_id == there.id)
    link_here.collection_password_note = "Sunflower"
    link_there.collection_password_note = "Rainbow"
    client = login_as(key)
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "Sunflower" in page and "Here Test" in page
    assert "Rainbow" not in page and "There Test" not in page
    assert "Also linked to children outside your room and key group (1)" in page
    assert "Rainbow" not in client.get("/contacts").get_data(as_text=True)
    # a key person cannot change or remove the link to a child outside their key group
    assert client.get(f"/contacts/{contact.id}/links/{link_there.id}").status_code == 403
    assert client.post(f"/contacts/{contact.id}/links/{link_there.id}",
                       data=_link_form(collection_password_note="Changed")).status_code == 403
    assert client.post(f"/contacts/{contact.id}/links/{link_there.id}/delete").status_code == 403
    assert client.post(f"/contacts/{contact.id}/links/{link_here.id}",
                       data=_link_form(collection_password_note="Tulip")).status_code == 302
    db.session.refresh(link_here)
    db.session.refresh(link_there)
    assert (link_here.collection_password_note, link_there.collection_password_note) == ("Tulip", "Rainbow")


def test_key_person_links_only_to_their_key_children(make, login_as):
    setting = make.setting()
    room = make.room(setting)
    key = make.user(setting, role="key_person", room=room)
    own, second_own = make.child(setting, room=room, key_person=key), make.child(setting, key_person=key)
    room_only = make.child(setting, room=room, first_name="Roomonly")
    contact = make.contact(setting, children=[own])
    client = login_as(key)
    form = _child_options(client.get(f"/contacts/{contact.id}/links/new").get_data(as_text=True))
    assert f'value="{second_own.id}"' in form and f'value="{room_only.id}"' not in form
    assert client.post(f"/contacts/{contact.id}/links/new",
                       data=_link_form(child_id=str(room_only.id))).status_code == 200
    assert client.post(f"/contacts/{contact.id}/links/new",
                       data=_link_form(child_id=str(second_own.id))).status_code == 302
    assert sorted(link.child_id for link in db.session.scalars(select(ChildContact))) == sorted([own.id, second_own.id])


def test_another_settings_link_cannot_be_reached_through_my_contact(make, login_as):
    setting = make.setting()
    mine = make.contact(setting, children=[make.child(setting)])
    theirs = make.contact(make.setting(), children=[])
    other_setting = theirs.setting
    foreign_link = make.contact(other_setting, children=[make.child(other_setting)]).links[0]
    client = login_as(make.user(setting))
    assert client.get(f"/contacts/{mine.id}/links/{foreign_link.id}").status_code == 404
    assert client.post(f"/contacts/{mine.id}/links/{foreign_link.id}/delete").status_code == 404
    assert db.session.get(ChildContact, foreign_link.id) is not None
