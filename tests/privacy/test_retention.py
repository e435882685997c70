"""Retention: a dry run first (counts per kind, nothing changes), then the nightly job applies it, audited."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.families.models import Child, Contact
from app.messaging.models import Delivery, MessageVersion
from app.privacy import retention


def _due(setting_id):
    return {row["key"]: row["due"] for row in retention.plan(setting_id)}


def test_dry_run_counts_and_changes_nothing_then_the_run_applies(seeded, frozen_clock):
    setting_id = seeded.setting.id
    due = _due(setting_id)
    # Nothing is old enough yet: messages from June, the child left in July, the complaint is 5 years old.
    assert due["delivery_content"] == 0 and due["left_families"] == 0
    assert due["complaints"] == 1 and due["feedback"] == 0
    frozen_clock.advance(days=3 * 365)  # three years on
    due = _due(setting_id)
    assert due["left_families"] == 1 and due["delivery_content"] > 0 and due["feedback"] == 1
    assert db.session.get(Contact, seeded.contact.id).erased_at is None  # the dry run changed nothing

    done = retention.run_nightly()[setting_id]
    assert done == due
    assert db.session.get(Contact, seeded.contact.id).erased_at is not None
    assert db.session.get(Child, seeded.child.id).first_name == "Erased"
    assert db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.address.is_not(None))) == 0
    assert all(v.body_text == "[erased]" for v in db.session.scalars(select(MessageVersion)))
    assert set(_due(setting_id).values()) == {0}  # a second run finds nothing more


def test_the_run_is_audited_with_counts(seeded, frozen_clock):
    from app.audit.models import AuditEntry

    frozen_clock.advance(days=3 * 365)
    retention.run_nightly()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.retention_run",
                                                        AuditEntry.setting_id == seeded.setting.id)).one()
    assert entry.actor_label == "retention (nightly)" and entry.detail["left_families"] == 1


def test_a_family_with_a_child_still_here_is_kept(make, frozen_clock):
    setting = make.setting()
    gone = make.child(setting, leaving_date=date(2020, 7, 1))
    here = make.child(setting)
    parent = make.contact(setting, children=[gone, here])
    assert _due(setting.id)["left_families"] == 0
    retention.run_nightly()
    assert db.session.get(Contact, parent.id).erased_at is None


def test_open_complaints_are_kept_whatever_their_age(make, frozen_clock):
    from app.feedback.models import FeedbackItem

    setting = make.setting()
    old = frozen_clock.now - timedelta(days=10 * 365)
    db.session.add(FeedbackItem(setting_id=setting.id, kind="concern", route="written", body="still open",
                                is_complaint=True, reference="C1", complaint_at=old, received_at=old,
                                status="in_progress"))
    assert _due(setting.id)["complaints"] == 0


def test_a_period_of_zero_keeps_that_kind(app, seeded, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "RETAIN_COMPLAINTS_YEARS", 0)
    assert _due(seeded.setting.id)["complaints"] == 0


def test_the_dry_run_page_and_run_now_button(client, login_as, seeded, frozen_clock):
    staff = login_as(seeded.manager)
    page = staff.get("/privacy/retention").get_data(as_text=True)
    assert "RETAIN_COMPLAINTS_YEARS" in page and "Apply retention now" in page
    response = staff.post("/privacy/retention/run", follow_redirects=True)
    assert "Retention applied: 1 record(s)" in response.get_data(as_text=True)


def test_the_scheduler_runs_retention_daily():
    from app.scheduler import _jobs

    jobs = {job_id: (func, seconds) for job_id, func, seconds in _jobs()}
    assert jobs["retention"] == (retention.run_nightly, 86400)


def test_the_nightly_run_deletes_import_files_older_than_a_day(make):
    import os
    import time

    from app.families import import_store

    setting = make.setting()
    manager = make.user(setting)
    old = import_store.save_upload(setting.id, manager.id, "old.csv", b"Email\nold@example.org\n")
    new = import_store.save_upload(setting.id, manager.id, "new.csv", b"Email\nnew@example.org\n")
    day_and_more = time.time() - import_store.MAX_AGE_SECONDS - 60
    for suffix in (".csv", ".json"):
        os.utime(import_store._path(setting.id, old, suffix), (day_and_more, day_and_more))
    retention.run_nightly()
    assert import_store.read_upload(setting.id, old) is None
    assert import_store.read_upload(setting.id, new) == b"Email\nnew@example.org\n"
