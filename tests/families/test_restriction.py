""""No legal access / do not contact": set with a reason, lifted with a note, audited, links revoked."""
import re
from datetime import datetime, timezone

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.parents import links
from app.parents.models import LinkToken


def _family_link(contact) -> str:
    token = links.issue_link(contact)
    db.session.commit()
    return f"/l/{token}"


def test_restriction_needs_a_reason(make, login_as):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)])
    client = login_as(make.user(setting))
    response = client.post(f"/contacts/{contact.id}/restrict", data={"reason": "   "})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Give the reason" in html[html.index('id="reason-error"'):]
    db.session.refresh(contact)
    assert not contact.restricted and contact.link_version == 1
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "contact.restricted")) == 0


def test_restricting_is_audited_with_who_and_revokes_every_link(make, login_as, client, frozen_clock):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)], first_name="Dan")
    pico = make.user(setting, role="pico", name="Priya Pico")
    link = _family_link(contact)
    login_as(pico)
    response = client.post(f"/contacts/{contact.id}/restrict", data={"reason": "Court order 12/2026, no contact"})
    assert response.status_code == 302
    db.session.refresh(contact)
    assert contact.restricted and contact.restricted_reason == "Court order 12/2026, no contact"
    assert contact.restricted_by_id == pico.id
    assert contact.restricted_at == datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contact.restricted"))
    assert (entry.actor_id, entry.actor_label, entry.object_id) == (pico.id, "Priya Pico", contact.id)
    client.post("/logout")
    opened = client.get(link)
    assert opened.status_code == 410
    assert client.get("/family").status_code == 403


def test_restricting_ends_an_open_parent_session_and_lifting_does_not_revive_old_links(make, app, login_as):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)])
    manager = make.user(setting)
    link = _family_link(contact)
    parent = app.test_client()
    assert parent.get(link).status_code == 302
    assert parent.get("/family").status_code == 200
    staff = login_as(manager)
    staff.post(f"/contacts/{contact.id}/restrict", data={"reason": "Police advice"})
    assert parent.get("/family").status_code == 403
    response = staff.post(f"/contacts/{contact.id}/unrestrict", data={"note": ""})
    assert response.status_code == 200 and 'id="note-error"' in response.get_data(as_text=True)
    db.session.refresh(contact)
    assert contact.restricted
    assert staff.post(f"/contacts/{contact.id}/unrestrict", data={"note": "Order discharged"}).status_code == 302
    db.session.refresh(contact)
    assert not contact.restricted and contact.restricted_reason is None and contact.restricted_by_id is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contact.unrestricted"))
    from app.privacy.crypto import unseal

    assert entry.actor_id == manager.id and unseal(entry.detail["note"]) == "Order discharged"
    assert "Order discharged" not in str(entry.detail) and "Police advice" not in str(entry.detail)  # sealed
    assert parent.get(link).status_code == 410  # revoked for good; a new link must be issued


def test_contact_page_shows_the_flag_and_the_reason_only_to_manager_and_pico(make, login_as, client):
    setting = make.setting()
    room = make.room(setting)
    child = make.child(setting, room=room)
    contact = make.contact(setting, children=[child], first_name="Flagged")
    manager = make.user(setting, name="Mo Manager")
    login_as(manager)
    client.post(f"/contacts/{contact.id}/restrict", data={"reason": "Injunction details"})
    for role, sees_reason in (("manager", True), ("pico", True), ("key_person", False), ("practitioner", False)):
        user = manager if role == "manager" else make.user(setting, role=role, room=room)
        login_as(user)
        page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
        assert "No legal access: do not contact" in page, role
        assert "Marked by Mo Manager" in page, role
        assert ("Injunction details" in page) == sees_reason, role
        assert "Create a family link" not in page, role
        for listing in (f"/children/{child.id}", "/contacts", "/contacts?q=Flagged"):
            assert "No legal access: do not contact" in client.get(listing).get_data(as_text=True), (role, listing)
        client.post("/logout")


def test_only_manager_and_pico_restrict_or_lift(make, login_as):
    setting = make.setting()
    room = make.room(setting)
    key = make.user(setting, role="key_person", room=room)
    contact = make.contact(setting, children=[make.child(setting, room=room, key_person=key)])
    client = login_as(key)
    assert client.get(f"/contacts/{contact.id}/restrict").status_code == 403
    assert client.post(f"/contacts/{contact.id}/restrict", data={"reason": "Because"}).status_code == 403
    db.session.refresh(contact)
    assert not contact.restricted
    contact.restricted = True
    assert client.post(f"/contacts/{contact.id}/unrestrict", data={"note": "Because"}).status_code == 403
    db.session.refresh(contact)
    assert contact.restricted


def test_no_family_link_for_a_restricted_contact(make, login_as):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)], restricted=True, restricted_reason="Order")
    client = login_as(make.user(setting))
    response = client.post(f"/contacts/{contact.id}/family-link", follow_redirects=True)
    assert "No links can be issued" in response.get_data(as_text=True)
    assert not re.search(r"/l/[A-Za-z0-9_-]{20,}", response.get_data(as_text=True))
    assert db.session.scalar(select(func.count(LinkToken.id))) == 0
