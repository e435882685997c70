"""Saved lists: staff make and change them; a newsletter to one reaches exactly its members."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.lists.models import SavedList
from app.messaging.models import Delivery
from app.newsletters.models import Issue


def _new_list(client, name="Forum members", description=""):
    response = client.post("/lists/new", data={"name": name, "description": description})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalars(select(SavedList).order_by(SavedList.id.desc())).first()


def _names(page: str, heading: str) -> str:
    """The part of the page after `heading` and before the next h2."""
    return page.split(heading, 1)[1].split("<h2>", 1)[0]


def test_pico_makes_a_list_from_a_filtered_search_renames_it_and_changes_its_members(make, login_as):
    setting = make.setting()
    toddlers, babies = make.room(setting, name="Toddlers"), make.room(setting, name="Babies")
    t_child, b_child = make.child(setting, room=toddlers), make.child(setting, room=babies)
    anna = make.contact(setting, children=[t_child], language="pl", first_name="Anna")
    make.contact(setting, children=[t_child], language="en", first_name="Ellie")
    make.contact(setting, children=[b_child], language="pl", first_name="Basia")
    client = login_as(make.user(setting, role="pico"))

    saved = _new_list(client, "Polish-speaking families in Toddlers")
    page = client.get(f"/lists/{saved.id}", query_string={"room": toddlers.id, "language": "pl"}).get_data(as_text=True)
    found = _names(page, "Add contacts")
    assert "Anna" in found and "Ellie" not in found and "Basia" not in found

    client.post(f"/lists/{saved.id}/add", data={"contacts": [anna.id]})
    page = client.get(f"/lists/{saved.id}").get_data(as_text=True)
    assert "Anna" in _names(page, "On this list (1)")

    client.post(f"/lists/{saved.id}/edit", data={"name": "Polish families", "description": "For the coffee morning"})
    assert "Polish families" in client.get("/lists").get_data(as_text=True)

    client.post(f"/lists/{saved.id}/remove", data={"contacts": [anna.id]})
    assert "Nobody is on this list yet." in client.get(f"/lists/{saved.id}").get_data(as_text=True)

    list_id = saved.id
    client.post(f"/lists/{list_id}/delete")
    page = client.get("/lists").get_data(as_text=True)
    assert "Polish families" not in page and "There are no saved lists yet." in page
    assert anna.first_name == "Anna"  # the contact itself stays
    assert client.get(f"/lists/{list_id}").status_code == 404


def test_bad_input_re_renders_and_other_settings_contacts_cannot_be_added(make, login_as):
    setting, other = make.setting(), make.setting()
    stranger = make.contact(other, children=[make.child(other)], first_name="Stranger")
    client = login_as(make.user(setting, role="manager"))
    response = client.post("/lists/new", data={"name": ""})
    assert response.status_code == 200 and "Enter a name for the list." in response.get_data(as_text=True)
    saved = _new_list(client)
    client.post(f"/lists/{saved.id}/add", data={"contacts": [stranger.id]})
    client.post(f"/lists/{saved.id}/add", data={"contacts": ["abc"]})
    assert "Stranger" not in client.get(f"/lists/{saved.id}").get_data(as_text=True)
    assert client.get(f"/lists/{saved.id}", query_string={"room": "x"}).status_code == 200


@pytest.mark.parametrize("path,method", [("/lists/{id}", "get"), ("/lists/{id}/edit", "get"),
                                         ("/lists/{id}/add", "post"), ("/lists/{id}/remove", "post"),
                                         ("/lists/{id}/delete", "post")])
def test_other_setting_gets_404_and_key_person_or_practitioner_403(make, login_as, path, method):
    setting, other = make.setting(), make.setting()
    saved = SavedList(setting_id=setting.id, name="Forum members")
    db.session.add(saved)
    db.session.flush()
    url = path.format(id=saved.id)
    outsider = login_as(make.user(other, role="manager"))
    assert getattr(outsider, method)(url).status_code == 404
    for role in ("key_person", "practitioner"):
        outsider.post("/logout")
        client = login_as(make.user(setting, role=role))
        assert getattr(client, method)(url).status_code == 403
        assert client.get("/lists").status_code == 403


def test_newsletter_to_a_saved_list_reaches_exactly_its_members_minus_suppressed(make, login_as, smtp):
    setting = make.setting()
    child = make.child(setting)
    gone = make.child(setting, leaving_date=__import__("datetime").date(2020, 1, 1))
    on = [make.contact(setting, children=[child], first_name=f"On{i}") for i in range(2)]
    restricted = make.contact(setting, children=[child], restricted=True, first_name="Court")
    left = make.contact(setting, children=[gone], first_name="Left")
    off = make.contact(setting, children=[child], first_name="Off")
    client = login_as(make.user(setting, role="pico"))
    saved = _new_list(client, "Forum members")
    client.post(f"/lists/{saved.id}/add", data={"contacts": [c.id for c in (*on, restricted, left)]})
    # the newsletter form offers only this setting's lists
    other_list = SavedList(setting_id=make.setting().id, name="Someone else's list")
    db.session.add(other_list)
    db.session.flush()
    page = client.get("/newsletters/new").get_data(as_text=True)
    assert "Forum members" in page and "Someone else&#39;s list" not in page
    refused = client.post("/newsletters/new", data={"kind": "newsletter", "audience_kind": "saved_list",
                                                     "saved_list": other_list.id, "one_per_family": "every",
                                                     "channels": "email"})
    assert refused.status_code == 200 and "Choose a saved list." in refused.get_data(as_text=True)

    response = client.post("/newsletters/new", data={"kind": "newsletter", "audience_kind": "saved_list",
                                                      "saved_list": saved.id, "one_per_family": "every",
                                                      "channels": "email"})
    assert response.status_code == 302
    issue = db.session.scalars(select(Issue).order_by(Issue.id.desc())).first()
    client.post(f"/newsletters/{issue.id}/versions/en", data={"title": "Forum news", "body_md": "We meet on Tuesday.",
                                                              "sms_text": "", "status": "approved"})
    client.post(f"/newsletters/{issue.id}/send", data={"when": "now"}, follow_redirects=True)

    for c in on:
        [msg] = smtp.to(c.email)
        assert msg["Subject"] == "Forum news"
    for c in (restricted, left, off):
        assert smtp.to(c.email) == []
    rows = {d.contact_id: d.reason for d in db.session.scalars(select(Delivery))}
    assert rows == {on[0].id: None, on[1].id: None, restricted.id: "restricted", left.id: "child_left"}
