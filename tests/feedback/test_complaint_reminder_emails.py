"""Complaint reminders reach the owner and the manager(s) by email at days 14, 21 and 26, once each."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.feedback import complaints
from app.messaging.models import Delivery
from tests.feedback.helpers import body
from tests.feedback.test_complaints import _complaint

SECRET = "The gate was left open at home time by a named practitioner."


def test_owner_and_manager_are_emailed_at_days_14_21_26_once_each(make, smtp, frozen_clock, app):
    setting = make.setting(default_language="pl")  # staff emails stay English all the same
    manager, owner, other = (make.user(setting, role=r) for r in ("manager", "key_person", "pico"))
    item = _complaint(make, setting, owner=owner, text=SECRET)
    staff = (manager.email, owner.email, other.email)
    assert [len(smtp.to(a)) for a in staff] == [0, 0, 0]

    frozen_clock.advance(days=13)
    complaints.send_reminders()
    assert [len(smtp.to(a)) for a in staff] == [0, 0, 0]
    expected = []
    for advance, day, left in ((1, 14, 14), (7, 21, 7), (5, 26, 2)):
        frozen_clock.advance(days=advance)
        complaints.send_reminders()
        complaints.send_reminders()  # re-running sends nothing more
        expected.append(day)
        for address in (manager.email, owner.email):
            got = smtp.to(address)
            assert len(got) == len(expected), (address, day)
            email = got[-1]
            text = body(email)
            assert item.reference in email["Subject"] and f"{left} days" in email["Subject"]
            assert f"day {day} of 28" in text and f"{left} days remaining" in text
            due = complaints.due_date(item)
            assert f"{due.day} {due:%B %Y}" in text
            assert f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/staff/feedback/{item.id}" in text
            assert SECRET not in text and SECRET not in email.get_body(("html",)).get_content()
            assert "List-Unsubscribe" not in email and "homelink.invalid" not in str(email)
        assert smtp.to(other.email) == []
    frozen_clock.advance(days=10)
    complaints.send_reminders()
    assert len(smtp.to(manager.email)) == len(smtp.to(owner.email)) == 3
    staff_rows = db.session.scalars(select(Delivery).where(Delivery.user_id.is_not(None))).all()
    assert {(d.channel, d.language, d.status) for d in staff_rows} == {("email", "en", "sent")}
    assert all(d.contact_id is None for d in staff_rows)


def test_a_complaint_closed_before_day_14_emails_nobody(make, smtp, frozen_clock):
    setting = make.setting()
    manager, owner = make.user(setting, role="manager"), make.user(setting, role="key_person")
    item = _complaint(make, setting, owner=owner)
    frozen_clock.advance(days=10)
    item.outcome_sent_at = frozen_clock.now
    item.status = "closed"
    db.session.commit()
    for _ in range(3):
        frozen_clock.advance(days=8)
        complaints.send_reminders()
    assert smtp.to(manager.email) == [] and smtp.to(owner.email) == []


def test_staff_audience_never_texts_and_skips_other_settings_and_switched_off_staff(make, smtp):
    from app.messaging.services import counts, create_message, send_now

    setting, elsewhere = make.setting(), make.setting()
    on, off = make.user(setting, role="pico"), make.user(setting, role="manager", active=False)
    stranger = make.user(elsewhere, role="manager")
    message = create_message(setting, category="personal", channels="both", default_language="en",
                             audience={"staff": [on.id, off.id, stranger.id]},
                             versions={"en": {"subject": "Staff note", "body_text": "Hello staff"}})
    send_now(message.id)
    assert len(smtp.to(on.email)) == 1 and smtp.to(off.email) == [] and smtp.to(stranger.email) == []
    rows = {(d.user_id, d.channel): (d.status, d.reason) for d in db.session.scalars(
        select(Delivery).where(Delivery.message_id == message.id))}
    assert rows == {(on.id, "email"): ("sent", None), (on.id, "sms"): ("suppressed", "staff_no_sms"),
                    (off.id, "email"): ("suppressed", "staff_inactive"),
                    (off.id, "sms"): ("suppressed", "staff_no_sms")}
    assert counts(message.id)["pending"] == 0
