"""Staff issue a family link to hand to a parent (shown once, audited without the token), or revoke all."""
import re

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.parents.models import LinkToken

LINK = re.compile(r'value="http://localhost(/l/[A-Za-z0-9_.-]{40,})"')


def test_staff_create_a_family_link_that_opens_the_family_page(make, app, login_as):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)], first_name="Ines")
    staff = login_as(make.user(setting, role="pico"))
    response = staff.post(f"/contacts/{contact.id}/family-link")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    path = LINK.search(html).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    token = path.removeprefix("/l/")
    # shown once: not on the page afterwards, not in the database, not in the audit log
    assert token not in staff.get(f"/contacts/{contact.id}").get_data(as_text=True)
    stored = db.session.scalars(select(LinkToken)).all()
    assert len(stored) == 1 and stored[0].contact_id == contact.id and stored[0].token_hash != token
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "link.issued"))
    assert entry.object_id == contact.id and token not in str(entry.detail)
    parent = app.test_client()
    opened = parent.get(path)
    assert opened.status_code == 302 and opened.headers["Location"] == "/family"
    family = parent.get("/family")
    assert family.status_code == 200 and contact.email in family.get_data(as_text=True)


def test_revoke_all_links_stops_them_working(make, app, login_as):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)])
    staff = login_as(make.user(setting))
    path = LINK.search(staff.post(f"/contacts/{contact.id}/family-link").get_data(as_text=True)).group(1)
    assert staff.post(f"/contacts/{contact.id}/revoke-links").status_code == 302
    assert app.test_client().get(path).status_code == 410
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "link.revoked_all")) == 1
    fresh = LINK.search(staff.post(f"/contacts/{contact.id}/family-link").get_data(as_text=True)).group(1)
    assert app.test_client().get(fresh).status_code == 302


def test_practitioners_and_other_key_persons_cannot_issue_or_revoke(make, login_as):
    setting = make.setting()
    room = make.room(setting)
    contact = make.contact(setting, children=[make.child(setting, room=room)])
    for role in ("practitioner", "key_person"):
        client = login_as(make.user(setting, role=role, room=room))
        assert "Create a family link" not in client.get(f"/contacts/{contact.id}").get_data(as_text=True)
        assert client.post(f"/contacts/{contact.id}/family-link").status_code == 403
        assert client.post(f"/contacts/{contact.id}/revoke-links").status_code == 403
        client.post("/logout")
    db.session.refresh(contact)
    assert contact.link_version == 1
    assert db.session.scalar(select(func.count(LinkToken.id))) == 0


def test_key_person_issues_a_link_for_their_key_childs_parent(make, app, login_as):
    setting = make.setting()
    key = make.user(setting, role="key_person")
    contact = make.contact(setting, children=[make.child(setting, key_person=key)])
    page = login_as(key).post(f"/contacts/{contact.id}/family-link").get_data(as_text=True)
    assert app.test_client().get(LINK.search(page).group(1)).status_code == 302
