"""A promotional issue (offers, fundraising) reaches only parents who consented (PECR); its unsubscribe
link withdraws the consent, kept in the history."""
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.families.models import Contact
from app.messaging.models import Delivery
from app.privacy.models import ConsentEvent
from newsletter_helpers import new_issue, send_now, write


def test_promotional_issue_goes_only_to_consenting_parents(make, login_as, smtp, client):
    setting = make.setting(name="Acorn Nursery")
    child = make.child(setting)
    agreed = make.contact(setting, children=[child], consent_promotional=True)
    not_asked = make.contact(setting, children=[child])
    staff = login_as(make.user(setting, role="pico"))
    issue = new_issue(staff, kind="promotional")
    write(staff, issue, "en", title="Summer fair", body="Raffle tickets on sale.")
    send_now(staff, issue)
    assert "Promotional" in staff.get("/newsletters").get_data(as_text=True)

    [email] = smtp.to(agreed.email)
    assert smtp.to(not_asked.email) == []
    rows = {d.contact_id: d for d in db.session.scalars(select(Delivery))}
    assert rows[not_asked.id].reason == "no_consent"

    unsubscribe = email["List-Unsubscribe"].strip("<>").split(">")[0].removeprefix("http://localhost")
    assert client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not db.session.get(Contact, agreed.id).consent_promotional
    event = db.session.scalars(select(ConsentEvent)).one()
    assert (event.given, event.how, event.by_label) == (False, "unsubscribe", "unsubscribe link")
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "consent.withdrawn")).one()
    assert (audit.actor_id, audit.actor_label) == (None, "unsubscribe link")
