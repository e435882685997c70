"""The family page: the parent's home, showing their own family only, and nothing for staff."""
from __future__ import annotations

from datetime import date

from app.extensions import db
from app.parents import links


def _open(client, contact) -> None:
    token = links.issue_link(contact)
    db.session.commit()
    assert client.get(f"/l/{token}").status_code == 302


def test_family_page_greets_the_parent_and_names_their_children(client, make):
    setting = make.setting(name="Acorn Nursery", phone="01632 960000")
    amira = make.child(setting, first_name="Amira", last_name="Haddad")
    sami = make.child(setting, first_name="Sami", last_name="Haddad")
    left = make.child(setting, first_name="Old", last_name="Haddad", leaving_date=date(2020, 7, 1))
    mum = make.contact(setting, children=[amira, sami, left], first_name="Layla", last_name="Haddad",
                       email="layla@example.org", mobile="+447700900123")
    _open(client, mum)

    page = client.get("/family").get_data(as_text=True)

    assert "<h1>Hello, <bdi>Layla</bdi></h1>" in page
    assert "This is your family page at <bdi>Acorn Nursery</bdi>." in page
    assert "<li>Amira</li>" in page and "<li>Sami</li>" in page
    assert "Old" not in page  # a child who has left
    assert "Haddad" not in page  # first names only
    assert 'value="layla@example.org"' in page
    assert 'value="07700 900123"' in page  # the mobile as people write it
    assert 'href="tel:01632960000"' in page
    assert '<option lang="pl" value="pl">Polski</option>' in page


def test_parent_of_family_a_never_sees_family_b(client, make):
    setting = make.setting()
    a_child = make.child(setting, first_name="Amira")
    b_child = make.child(setting, first_name="Bartek")
    a = make.contact(setting, children=[a_child], first_name="Layla", email="layla@example.org")
    b = make.contact(setting, children=[b_child], first_name="Zofia", email="zofia@example.org",
                     mobile="+447700900555")
    other_setting = make.setting(name="Birch Pre-school")
    make.contact(other_setting, children=[make.child(other_setting, first_name="Cosmin")], first_name="Ioana")
    _open(client, a)

    page = client.get("/family").get_data(as_text=True)
    assert "Layla" in page and "Amira" in page
    for other in ("Bartek", "Zofia", "zofia@example.org", "900555", "Cosmin", "Ioana", "Birch"):
        assert other not in page
    # saving changes only family A's contact
    client.post("/family", data={"email": "new@example.org", "mobile": "", "language": "en",
                                 "channels": "email"})
    assert (a.email, b.email, b.mobile) == ("new@example.org", "zofia@example.org", "+447700900555")


def test_a_second_link_switches_to_that_family_only(client, make):
    setting = make.setting()
    a = make.contact(setting, children=[make.child(setting, first_name="Amira")], first_name="Layla")
    b = make.contact(setting, children=[make.child(setting, first_name="Bartek")], first_name="Zofia")
    _open(client, a)
    _open(client, b)
    page = client.get("/family").get_data(as_text=True)
    assert "Zofia" in page and "Bartek" in page
    assert "Layla" not in page and "Amira" not in page


def test_parent_session_gives_no_access_to_staff_pages(client, make):
    setting = make.setting()
    child = make.child(setting)
    contact = make.contact(setting, children=[child])
    _open(client, contact)
    for path in ("/children", f"/children/{child.id}", "/contacts", f"/contacts/{contact.id}", "/rooms",
                 "/staff", "/audit"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"], path
    assert client.get("/family").status_code == 200  # still the parent's own page


def test_family_page_is_plain_and_fits_a_phone(client, make):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)])
    _open(client, contact)
    page = client.get("/family").get_data(as_text=True)
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "Staff menu" not in page
    assert "<script" not in page
    for field in ("email", "mobile", "language"):
        assert f'<label for="{field}">' in page
    assert "<legend>How should we contact you?</legend>" in page
    assert 'autocomplete="email"' in page


def test_names_are_escaped(client, make):
    setting = make.setting(name="Tots & <Co>")
    contact = make.contact(setting, children=[make.child(setting, first_name="<i>Kid</i>")],
                           first_name="<script>alert(1)</script>")
    _open(client, contact)
    page = client.get("/family").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<i>Kid" not in page and "<Co>" not in page
    assert "<h1>Hello, <bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi></h1>" in page
    assert "<li>&lt;i&gt;Kid&lt;/i&gt;</li>" in page
    assert "<bdi>Tots &amp; &lt;Co&gt;</bdi>" in page
