"""Contacts: who may see and change them, what is checked, and what the audit log keeps."""
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.families.models import ChildContact, Contact


def _contact_form(**overrides):
    data = {"first_name": "Maria", "last_name": "Popescu", "email": "Maria.Popescu@Example.ORG",
            "mobile": "07700 900123", "language": "ro", "channels": "both", "consent_photos": "y",
            "consent_platform": "y", "external_id": ""}
    data.update({k: v for k, v in overrides.items() if v is not None})
    for k, v in overrides.items():
        if v is None:
            data.pop(k, None)
    return data


def _count_contacts():
    return db.session.scalar(select(func.count(Contact.id)))


def _error(html: str, field: str) -> str:
    at = html.index(f'id="{field}-error"')
    return html[at:at + 300]


def test_manager_adds_a_contact_with_local_uk_mobile(make, login_as):
    setting = make.setting()
    client = login_as(make.user(setting))
    response = client.post("/contacts/new", data=_contact_form())
    assert response.status_code == 302
    contact = db.session.scalar(select(Contact))
    assert contact.mobile == "+447700900123"
    assert contact.email == "Maria.Popescu@example.org"
    assert (contact.language, contact.channels) == ("ro", "both")
    assert (contact.consent_photos, contact.consent_outings, contact.consent_platform,
            contact.consent_promotional) == (True, False, True, False)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "07700 900123" in page and "Romanian" in page and "photos, use of this platform" in page


def test_mobile_uses_the_settings_phone_region(make, login_as):
    setting = make.setting(phone_region="PL")
    client = login_as(make.user(setting))
    response = client.post("/contacts/new", data=_contact_form(mobile="512 345 678", channels="sms", email=""))
    assert response.status_code == 302
    assert db.session.scalar(select(Contact.mobile)) == "+48512345678"


def test_bad_details_rerender_next_to_fields_and_save_nothing(make, login_as):
    setting = make.setting()
    client = login_as(make.user(setting, role="pico"))
    cases = [
        (_contact_form(mobile="12345"), "mobile", "Enter a mobile number like 07700 900123"),
        (_contact_form(mobile="01632 960000"), "mobile", "Enter a mobile number"),  # a landline
        (_contact_form(email="maria@"), "email", "Enter an email address like name@example.com."),
        (_contact_form(first_name=""), "first_name", "Enter the first name."),
        (_contact_form(email="", channels="both"), "email", "Emails were chosen"),
        (_contact_form(mobile="", channels="sms"), "mobile", "Texts were chosen"),
        (_contact_form(language="xx"), "language", "Not a valid choice"),
    ]
    for data, field, message in cases:
        response = client.post("/contacts/new", data=data)
        assert response.status_code == 200, field
        assert message in _error(response.get_data(as_text=True), field), field
    assert _count_contacts() == 0


def test_a_contact_without_email_or_mobile_can_be_kept_and_is_tagged(make, login_as):
    setting = make.setting()
    client = login_as(make.user(setting))
    assert client.post("/contacts/new", data=_contact_form(email="", mobile="")).status_code == 302
    assert "No email or mobile" in client.get("/contacts").get_data(as_text=True)


def test_contact_added_from_a_childs_page_is_linked_to_that_child(make, login_as):
    setting = make.setting()
    child = make.child(setting, first_name="Ana")
    client = login_as(make.user(setting))
    response = client.post(f"/contacts/new?child={child.id}", data=_contact_form())
    link = db.session.scalar(select(ChildContact))
    assert (link.child_id, link.contact.first_name) == (child.id, "Maria")
    assert response.headers["Location"].endswith(f"/contacts/{link.contact_id}/links/{link.id}")


def test_edits_are_audited_by_field_name_not_value(make, login_as):
    setting = make.setting()
    child = make.child(setting)
    contact = make.contact(setting, children=[child], first_name="Maria", email="old@example.org")
    client = login_as(make.user(setting, role="pico"))
    form = client.get(f"/contacts/{contact.id}/edit").get_data(as_text=True)
    assert 'value="old@example.org"' in form
    response = client.post(f"/contacts/{contact.id}/edit", data=_contact_form(
        first_name="Maria", last_name="Test", email="new@example.org", mobile=contact.mobile, language="en",
        consent_photos=None, consent_platform=None, consent_outings="y"))
    assert response.status_code == 302
    db.session.refresh(contact)
    assert contact.email == "new@example.org" and contact.consent_outings and not contact.consent_platform
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contact.changed"))
    assert sorted(entry.detail["fields"]) == ["consent_outings", "consent_platform", "email"]
    assert "new@example.org" not in str(entry.detail) and "old@example.org" not in str(entry.detail)
    assert entry.actor_label.startswith("Staff")


def test_practitioner_reads_but_cannot_edit(make, login_as):
    setting = make.setting()
    room = make.room(setting)
    child = make.child(setting, room=room)
    contact = make.contact(setting, children=[child], first_name="Maria")
    practitioner = make.user(setting, role="practitioner", room=room)
    child.key_person_id = practitioner.id  # even as a child's key person, the role stays read-only
    client = login_as(practitioner)
    page = client.get(f"/contacts/{contact.id}")
    assert page.status_code == 200 and "Edit details" not in page.get_data(as_text=True)
    assert client.get(f"/contacts/{contact.id}/edit").status_code == 403
    assert client.post(f"/contacts/{contact.id}/edit", data=_contact_form(first_name="Hacked")).status_code == 403
    assert client.get("/contacts/new").status_code == 403
    assert client.post(f"/contacts/new?child={child.id}", data=_contact_form()).status_code == 403
    db.session.refresh(contact)
    assert contact.first_name == "Maria" and _count_contacts() == 1


def test_key_person_edits_contacts_of_their_key_children_only(make, login_as):
    setting = make.setting()
    room = make.room(setting)
    key = make.user(setting, role="key_person", room=room)
    own_child = make.child(setting, room=room, key_person=key)
    room_child = make.child(setting, room=room)  # visible (same room) but not in the key group
    own = make.contact(setting, children=[own_child], first_name="Own")
    roommate = make.contact(setting, children=[room_child], first_name="Roommate")
    client = login_as(key)
    assert client.post(f"/contacts/{own.id}/edit", data=_contact_form(first_name="Owned")).status_code == 302
    assert client.get(f"/contacts/{roommate.id}").status_code == 200
    assert client.post(f"/contacts/{roommate.id}/edit", data=_contact_form(first_name="No")).status_code == 403
    assert client.get("/contacts/new").status_code == 403
    assert client.get(f"/contacts/new?child={room_child.id}").status_code == 403
    assert client.post(f"/contacts/new?child={own_child.id}", data=_contact_form(first_name="New")).status_code == 302
    db.session.refresh(own)
    db.session.refresh(roommate)
    assert (own.first_name, roommate.first_name) == ("Owned", "Roommate")
    assert db.session.scalar(select(func.count(ChildContact.id)).where(ChildContact.child_id == own_child.id)) == 2


def test_key_person_and_practitioner_see_only_their_contacts_in_lists_and_search(make, login_as):
    setting = make.setting()
    mine, other = make.room(setting), make.room(setting)
    key = make.user(setting, role="key_person", room=mine)
    practitioner = make.user(setting, role="practitioner", room=mine)
    visible = make.contact(setting, children=[make.child(setting, room=mine)], first_name="Visible")
    keyed = make.contact(setting, children=[make.child(setting, room=other, key_person=key)], first_name="Keyed")
    hidden = make.contact(setting, children=[make.child(setting, room=other)], first_name="Hidden",
                          mobile="+447700900555")
    for user, expect in ((key, {visible, keyed}), (practitioner, {visible})):
        client = login_as(user)
        listing = client.get("/contacts").get_data(as_text=True)
        for contact in (visible, keyed, hidden):
            assert (f'href="/contacts/{contact.id}"' in listing) == (contact in expect), (user.role, contact.first_name)
        for q in ("Hidden", "07700 900555", "+447700900555"):
            assert f'href="/contacts/{hidden.id}"' not in client.get("/contacts", query_string={"q": q}).get_data(as_text=True)
        assert client.get(f"/contacts/{hidden.id}").status_code == 403
        assert client.post(f"/contacts/{hidden.id}/edit", data=_contact_form()).status_code == 403
        client.post("/logout")


def test_search_finds_a_local_mobile_number(make, login_as):
    setting = make.setting()
    contact = make.contact(setting, mobile="+447700900777")
    make.contact(setting, mobile="+447700900778")
    client = login_as(make.user(setting))
    html = client.get("/contacts", query_string={"q": "07700 900777"}).get_data(as_text=True)
    assert f'href="/contacts/{contact.id}"' in html
    assert html.count('href="/contacts/') == 2  # the one found, and "Add a contact"


def test_another_settings_contact_is_not_found(make, login_as):
    setting_a = make.setting()
    child = make.child(setting_a)
    contact = make.contact(setting_a, children=[child], first_name="Theirs")
    link = contact.links[0]
    client = login_as(make.user(make.setting(), role="manager"))
    for path in (f"/contacts/{contact.id}", f"/contacts/{contact.id}/edit", f"/contacts/{contact.id}/links/new",
                 f"/contacts/{contact.id}/links/{link.id}", f"/contacts/{contact.id}/restrict"):
        assert client.get(path).status_code == 404, path
    for path, data in ((f"/contacts/{contact.id}/edit", _contact_form()),
                       (f"/contacts/{contact.id}/links/{link.id}", {"relationship_label": "X", "priority": "1"}),
                       (f"/contacts/{contact.id}/links/{link.id}/delete", {}),
                       (f"/contacts/{contact.id}/restrict", {"reason": "x"}),
                       (f"/contacts/{contact.id}/unrestrict", {"note": "x"}),
                       (f"/contacts/{contact.id}/family-link", {}),
                       (f"/contacts/{contact.id}/revoke-links", {}),
                       (f"/contacts/new?child={child.id}", _contact_form())):
        assert client.post(path, data=data).status_code == 404, path
    db.session.refresh(contact)
    assert contact.first_name == "Theirs" and not contact.restricted and len(contact.links) == 1
    assert contact.link_version == 1 and _count_contacts() == 1


def test_odd_input_never_causes_a_server_error(make, login_as):
    setting = make.setting()
    child = make.child(setting)
    contact = make.contact(setting, children=[child], first_name="Same")
    client = login_as(make.user(setting))
    odd = [{"mobile": "+" * 30}, {"mobile": "☎ 07700"}, {"mobile": "0" * 41}, {"email": "a" * 250 + "@b.example"},
           {"email": "@@"}, {"first_name": "x" * 101}, {"channels": "pigeon"}, {"external_id": "M" * 65},
           {"mobile": "+999 123"}, {"email": "maria@example..org"}]
    for overrides in odd:
        for path in ("/contacts/new", f"/contacts/{contact.id}/edit"):
            response = client.post(path, data=_contact_form(**overrides))
            assert response.status_code == 200, (path, overrides)
            assert 'class="error-summary"' in response.get_data(as_text=True), (path, overrides)
    for query in ("%", "_", "'; drop table contact; --", "☎" * 200):
        assert client.get("/contacts", query_string={"q": query}).status_code == 200
        assert client.get("/children", query_string={"q": query, "roll": query}).status_code == 200
    db.session.refresh(contact)
    assert contact.first_name == "Same" and _count_contacts() == 1
