"""PECR: promotional messages only to contacts who consented; service messages unaffected; history kept;
parents choose on their family page (in their language); the import can set the consent."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.families.models import Contact
from app.messaging import outbox
from app.messaging.models import Delivery
from app.messaging.services import create_message
from app.parents import links
from app.privacy.models import ConsentEvent


def _reasons(setting, category):
    msg = create_message(setting, category=category, channels="email", audience={"all": True},
                         versions={"en": {"subject": "s", "body_text": "b"}})
    outbox.expand(msg)
    return {d.contact_id: d.reason for d in db.session.scalars(select(Delivery).where(Delivery.message_id == msg.id))}


def test_promotional_messages_go_only_to_contacts_who_consented(make):
    setting = make.setting()
    child = make.child(setting)
    yes = make.contact(setting, children=[child], consent_promotional=True)
    no = make.contact(setting, children=[child])
    assert _reasons(setting, "promotional") == {yes.id: None, no.id: "no_consent"}
    assert _reasons(setting, "newsletter") == {yes.id: None, no.id: None}  # a service message
    assert _reasons(setting, "health") == {yes.id: None, no.id: None}


def _open(client, contact):
    token = links.issue_link(contact)
    db.session.commit()
    assert client.get(f"/l/{token}").status_code == 302


def test_parent_gives_and_withdraws_consent_on_the_family_page_with_history(client, make):
    setting = make.setting()
    child = make.child(setting)
    parent = make.contact(setting, children=[child], language="pl")
    _open(client, parent)
    page = client.get("/family").get_data(as_text=True)
    assert 'action="/family/consent"' in page
    assert "News of offers, events and fundraising" not in page  # shown in Polish
    client.post("/family/consent", data={"promotional": "y"})
    assert db.session.get(Contact, parent.id).consent_promotional
    client.post("/family/consent", data={})
    assert not db.session.get(Contact, parent.id).consent_promotional
    history = db.session.scalars(select(ConsentEvent).order_by(ConsentEvent.id)).all()
    assert [(e.consent, e.given, e.how, e.by_label) for e in history] == [
        ("promotional", True, "family_page", "parent (family link)"),
        ("promotional", False, "family_page", "parent (family link)")]
    assert _reasons(setting, "promotional") == {parent.id: "no_consent"}


def test_staff_changes_are_in_the_history_with_who_did_it(client, make, login_as):
    setting = make.setting()
    manager = make.user(setting, name="Mrs Manager")
    child = make.child(setting)
    parent = make.contact(setting, children=[child])
    staff = login_as(manager)
    data = {"first_name": parent.first_name, "last_name": parent.last_name, "email": parent.email,
            "mobile": parent.mobile, "language": "en", "channels": "both", "consent_platform": "y",
            "consent_promotional": "y"}
    assert staff.post(f"/contacts/{parent.id}/edit", data=data).status_code == 302
    event = db.session.scalars(select(ConsentEvent)).one()
    assert (event.consent, event.given, event.how, event.by_label) == ("promotional", True, "staff", "Mrs Manager")
    page = staff.get(f"/privacy/contacts/{parent.id}").get_data(as_text=True)
    assert "Mrs Manager" in page and "promotional" in page


def test_the_import_can_set_consent(make):
    from app.families.import_upsert import import_table
    from app.families.importer import guess_mapping, read_table

    setting = make.setting()
    csv = ("Child first name,Child last name,Date of birth,Contact first name,Email,Marketing consent\n"
           "Ada,Lovel,2023-01-01,Ann,ann@example.org,yes\n"
           "Bo,Lovel,2023-02-01,Ben,ben@example.org,no\n").encode()
    table = read_table(csv)
    assert "promotional_consent" in guess_mapping(table.headers)
    result = import_table(setting, table, guess_mapping(table.headers))
    db.session.commit()
    assert not result.bad
    by_email = {c.email: c for c in db.session.scalars(select(Contact))}
    assert by_email["ann@example.org"].consent_promotional and not by_email["ben@example.org"].consent_promotional
    events = {(e.contact_id, e.given, e.how) for e in db.session.scalars(select(ConsentEvent))}
    assert (by_email["ann@example.org"].id, True, "import") in events
