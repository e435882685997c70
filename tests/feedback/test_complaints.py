"""Complaints: reference and acknowledgement, the 28-day clock and reminders, the append-only record,
the register, and confidentiality of the record across roles."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.feedback import complaints
from app.feedback.models import AppendOnlyError, ComplaintReminder, ComplaintStep, FeedbackItem
from tests.feedback.helpers import body, parent, send


def _complaint(make, setting=None, owner=None, language="en", text="The gate was left open at home time."):
    from app.feedback.services import submit

    setting = setting or make.setting()
    contact = make.contact(setting, children=[make.child(setting)], language=language, channels="email")
    item = submit(setting.id, kind="concern", body=text, route="written", language=None, contact=contact)
    item.owner_id = owner.id if owner else None
    complaints.make_complaint(item)
    db.session.commit()
    return item


def test_parent_raises_a_complaint_and_is_acknowledged_in_their_language_with_ofsted(client, make, smtp,
                                                                                      frozen_clock):
    setting = make.setting()
    manager = make.user(setting, role="manager")
    setting.ofsted_phone = "0300 000 0000"
    contact = parent(client, make, setting=setting, language="pl")
    response = send(client, kind="concern", body="Brama była otwarta.", complaint="y")
    assert response.status_code == 302
    item = db.session.scalar(select(FeedbackItem))
    assert item.is_complaint and item.reference == "C2026-001" and item.owner_id == manager.id
    page = client.get("/family").get_data(as_text=True)
    assert "C2026-001" in page and "Otrzymaliśmy Twoją skargę" in page
    [ack] = smtp.to(contact.email)
    assert ack["Subject"] == "Otrzymaliśmy Twoją skargę C2026-001"
    text = body(ack)
    assert "Numer Twojej sprawy to C2026-001" in text
    assert "21 grudnia 2026" in text  # 28 days after 23 November, in Polish
    assert "Ofsted" in text and "Telefon: 0300 000 0000" in text and "enquiries@ofsted.gov.uk" in text
    assert [s.kind for s in item.steps] == ["received", "acknowledged"]


def test_staff_log_a_phone_complaint_with_a_reference(client, make, login_as, smtp):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)], channels="email")
    login_as(make.user(setting, role="manager"))
    client.post("/staff/feedback/log", data={"kind": "complaint", "route": "phone", "contact_id": contact.id,
                                              "body": "Unhappy about the lost coat."})
    item = db.session.scalar(select(FeedbackItem))
    assert item.is_complaint and item.route == "phone" and item.reference.endswith("-001")
    [ack] = smtp.to(contact.email)
    assert item.reference in ack["Subject"]
    assert "Ofsted" in body(ack)


def test_a_concern_can_be_raised_to_a_complaint_and_references_count_up(client, make, login_as, smtp):
    setting = make.setting()
    first = _complaint(make, setting)
    from app.feedback.services import submit

    contact = make.contact(setting, children=[make.child(setting)], channels="email")
    concern = submit(setting.id, kind="concern", body="Nappies not changed", route="family", language="en",
                     contact=contact)
    login_as(make.user(setting, role="manager"))
    client.post(f"/staff/feedback/{concern.id}/complaint")
    db.session.refresh(concern)
    assert (first.reference[-3:], concern.reference[-3:]) == ("001", "002")


def test_days_remaining_and_reminders_at_14_21_and_26_days_safe_to_rerun(make, frozen_clock):
    setting = make.setting()
    manager, owner, other = (make.user(setting, role=r) for r in ("manager", "key_person", "pico"))
    item = _complaint(make, setting, owner=owner)
    assert complaints.days_remaining(item) == 28

    def reminders():
        return sorted((r.day, r.user_id) for r in db.session.scalars(select(ComplaintReminder)))

    frozen_clock.advance(days=13)
    assert complaints.send_reminders() == 0 and complaints.days_remaining(item) == 15
    frozen_clock.advance(days=1)
    assert complaints.send_reminders() == 2
    assert reminders() == sorted([(14, manager.id), (14, owner.id)])
    assert complaints.send_reminders() == 0  # re-running sends nothing twice
    frozen_clock.advance(days=7)
    complaints.send_reminders()
    frozen_clock.advance(days=5)
    complaints.send_reminders()
    complaints.send_reminders()
    assert [d for d, u in reminders()] == [14, 14, 21, 21, 26, 26]
    assert other.id not in {u for d, u in reminders()}
    assert complaints.days_remaining(item) == 2 and not complaints.is_overdue(item)
    frozen_clock.advance(days=3)
    assert complaints.is_overdue(item)


def test_a_late_run_catches_up_and_closed_complaints_get_no_reminders(make, frozen_clock):
    setting = make.setting()
    make.user(setting, role="manager")
    open_one, closed = _complaint(make, setting), _complaint(make, setting)
    closed.outcome_sent_at = frozen_clock.now
    db.session.commit()
    frozen_clock.advance(days=22)
    complaints.send_reminders()
    days = sorted(r.day for r in db.session.scalars(select(ComplaintReminder)))
    assert days == [14, 21]
    assert {r.item_id for r in db.session.scalars(select(ComplaintReminder))} == {open_one.id}


def test_overdue_complaints_stand_out_for_the_manager_and_reminders_show(client, make, login_as, frozen_clock):
    setting = make.setting()
    manager = make.user(setting, role="manager")
    late = _complaint(make, setting)
    frozen_clock.advance(days=10)
    recent = _complaint(make, setting)
    frozen_clock.advance(days=20)
    complaints.send_reminders()
    login_as(manager)
    page = client.get("/staff/feedback/complaints").get_data(as_text=True)
    assert page.index(late.reference) < page.index(recent.reference)  # overdue first
    assert 'class="overdue"' in page and "OVERDUE by 2 days" in page
    inbox = client.get("/staff/feedback").get_data(as_text=True)
    assert "Complaint reminders for you" in inbox and "day 26 of 28" in inbox


def test_the_record_is_append_only(make):
    item = _complaint(make)
    step = item.steps[0]
    step.text = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.delete(db.session.get(ComplaintStep, step.id))
        db.session.flush()
    db.session.rollback()
    assert db.session.get(ComplaintStep, step.id).text == "The gate was left open at home time."


def test_notes_meetings_and_the_outcome_are_recorded_with_time_and_author(client, make, login_as, smtp,
                                                                          frozen_clock):
    setting = make.setting()
    manager = make.user(setting, role="manager", name="Mrs Hart")
    item = _complaint(make, setting, language="es")
    login_as(manager)
    frozen_clock.advance(days=2)
    client.post(f"/staff/feedback/{item.id}/step", data={"kind": "note", "text": "Spoke to the room leader."})
    client.post(f"/staff/feedback/{item.id}/step", data={"kind": "meeting", "text": "Met the parent."})
    client.post(f"/staff/feedback/{item.id}/outcome", data={
        "outcome": "The gate now has a self-closing hinge.", "translated": "La puerta ahora se cierra sola."})
    db.session.refresh(item)
    assert [s.kind for s in item.steps] == ["received", "acknowledged", "note", "meeting", "outcome", "letter_sent"]
    assert all(s.author_label == "Mrs Hart" for s in item.steps[2:])
    assert item.steps[2].at == frozen_clock.now
    assert item.status == "closed" and item.outcome_sent_at is not None
    outcome = smtp.to(item.contact.email)[-1]
    assert outcome["Subject"] == f"El resultado de su queja {item.reference}"
    assert "La puerta ahora se cierra sola." in body(outcome) and "Ofsted" in body(outcome)
    again = client.post(f"/staff/feedback/{item.id}/outcome", data={"outcome": "Again"})
    assert again.status_code == 302 and len(smtp.to(item.contact.email)) == 2


def test_register_for_a_date_range_printable_and_csv(client, make, login_as, frozen_clock):
    setting = make.setting()
    manager = make.user(setting, role="manager")
    inside = _complaint(make, setting, text="=HYPERLINK(bad) inside the range")
    frozen_clock.advance(days=40)
    outside = _complaint(make, setting, text="Outside the range")
    login_as(manager)
    page = client.get("/staff/feedback/register?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    assert inside.reference in page and outside.reference not in page
    assert "inside the range" in page
    assert "<strong>Received</strong>" in page and "<strong>Acknowledged</strong>" in page  # each complaint in full
    response = client.get("/staff/feedback/register?start=2026-11-01&end=2026-11-30&format=csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "reference" and [r[0] for r in rows[1:]] == [inside.reference]
    assert rows[1][5] == "2026-12-21"
    assert "'=HYPERLINK" in rows[1][8]
    bad = client.get("/staff/feedback/register?start=2026-12-01&end=2026-11-01")
    assert bad.status_code == 400
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "complaint.register_exported"))


def test_record_is_confidential_to_the_manager_and_named_owner(client, make, login_as):
    setting = make.setting()
    manager = make.user(setting, role="manager")
    owner = make.user(setting, role="key_person")
    pico = make.user(setting, role="pico")
    practitioner = make.user(setting, role="practitioner")
    item = _complaint(make, setting, owner=owner, text="Private words about staff")
    db.session.commit()

    login_as(pico)
    inbox = client.get("/staff/feedback").get_data(as_text=True)
    assert item.reference in inbox and "Private words" not in inbox and "Confidential" in inbox
    page = client.get(f"/staff/feedback/{item.id}").get_data(as_text=True)
    assert "Private words" not in page and "Record of the procedure" not in page
    assert client.post(f"/staff/feedback/{item.id}/step", data={"kind": "note", "text": "x"}).status_code == 403
    assert client.get("/staff/feedback/register?start=2026-01-01&end=2026-12-31").status_code == 403
    client.post("/logout")

    login_as(practitioner)
    assert client.get(f"/staff/feedback/{item.id}").status_code == 403
    assert "Private words" not in client.get("/staff/feedback").get_data(as_text=True)
    client.post("/logout")

    for user in (owner, manager):
        login_as(user)
        page = client.get(f"/staff/feedback/{item.id}").get_data(as_text=True)
        assert "Private words" in page and "Record of the procedure" in page
        client.post("/logout")
    viewed = db.session.scalars(select(AuditEntry.actor_id).where(AuditEntry.action == "complaint.record_viewed"))
    assert sorted(viewed) == sorted([owner.id, manager.id])
    refused = db.session.scalars(select(AuditEntry.actor_id).where(AuditEntry.action == "complaint.record_refused"))
    assert list(refused) == [pico.id]


def test_manager_keeps_ofsted_details_on_the_setting_page(client, make, login_as):
    setting = make.setting()
    login_as(make.user(setting, role="manager"))
    page = client.get("/setting").get_data(as_text=True)
    assert "How parents contact Ofsted" in page and "0300 123 1231" in page
    data = {"name": setting.name, "phone": "", "email": "", "address": "", "default_language": "en",
            "timezone": "Europe/London", "phone_region": "GB", "ofsted_phone": "0300 999 9999",
            "ofsted_email": "new@ofsted.example", "ofsted_address": "Somewhere"}
    assert client.post("/setting", data=data).status_code == 302
    db.session.refresh(setting)
    assert (setting.ofsted_phone, setting.ofsted_email) == ("0300 999 9999", "new@ofsted.example")
    with client.application.test_request_context():
        assert "0300 999 9999" in complaints.ofsted_lines(setting)


def test_the_scheduler_runs_the_complaint_reminders(app):
    from app.scheduler import build_scheduler

    assert "complaint_reminders" in {job.id for job in build_scheduler(app).get_jobs()}


def test_a_complaint_with_a_record_cannot_be_deleted_alone_but_goes_with_its_setting(make):
    from sqlalchemy.exc import IntegrityError

    from app.settings.models import Setting

    item = _complaint(make)
    setting_id = item.setting_id
    with pytest.raises((IntegrityError, AppendOnlyError)):
        db.session.execute(FeedbackItem.__table__.delete().where(FeedbackItem.id == item.id))
        db.session.flush()
    db.session.rollback()
    db.session.execute(Setting.__table__.delete().where(Setting.id == setting_id))
    db.session.commit()
    assert db.session.scalars(select(ComplaintStep)).all() == []
