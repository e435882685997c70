"""Subject access export: built in the background with progress, everything held, managers of the setting only."""
from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from app.extensions import db
from app.privacy.inventory import EXCLUDED, EXPORTED, WITHIN
from tests.privacy.privacy_seed import EMAIL, NAME_FIRST


def _about_people() -> set[str]:
    """Contact, child, and every table that refers to them, directly or through another such table."""
    found = {"contact", "child"}
    while True:
        more = {t.name for t in db.metadata.sorted_tables
                if t.name not in found and any(fk.column.table.name in found for fk in t.foreign_keys)}
        if not more:
            return found
        found |= more


def test_every_table_about_a_contact_or_child_is_exported_or_excluded_with_a_reason(app):
    """A new table about a contact or child must be added to app/privacy/inventory.py."""
    assert "session_attendance" in _about_people()  # through rsvp: the walk follows references
    missing = _about_people() - set(EXPORTED) - set(WITHIN) - set(EXCLUDED)
    assert missing == set(), f"add to app/privacy/inventory.py (EXPORTED, WITHIN, or EXCLUDED with a reason): {missing}"
    assert all(reason.strip() for reason in EXCLUDED.values())
    assert set(WITHIN.values()) <= set(EXPORTED)
    assert set(EXPORTED) <= {t.name for t in db.metadata.sorted_tables}


def _export(staff, path):
    response = staff.post(path)
    assert response.status_code == 302
    job_page = response.headers["Location"]
    page = staff.get(job_page)
    return job_page, page


def test_contact_export_holds_everything_and_is_audited(client, login_as, seeded):
    from app.audit.models import AuditEntry

    staff = login_as(seeded.manager)
    job_page, page = _export(staff, f"/privacy/contact/{seeded.contact.id}/export")
    html = page.get_data(as_text=True)
    assert "The export is ready" in html and 'http-equiv="refresh"' not in html
    assert staff.get(job_page + "/download").status_code == 405  # downloading is audited: never a GET
    download = staff.post(job_page + "/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = set(archive.namelist())
    assert set(EXPORTED.values()) | {"summary.html"} == names
    files = {name: json.loads(archive.read(name)) for name in names if name.endswith(".json")}
    assert files["contact.json"][0]["email"] == EMAIL
    assert "household" in files["contact.json"][0]["restricted_reason"]  # decrypted for the export
    assert files["consent_history.json"][0]["consent"] == "promotional"
    personal = [d for d in files["messages_received.json"] if d["category"] == "personal"]
    assert personal and NAME_FIRST in personal[0]["content"]["text"]
    for name in ("workshop_replies.json", "workshop_sessions_attended.json", "meeting_time_answers.json", "forum_membership.json", "volunteering.json",
                 "skills_offered.json", "course_interests.json", "newsletters_read.json",
                 "notices_acknowledged.json", "activities_tried.json", "saved_lists.json",
                 "late_collection_steps.json", "texts_sent_to_us.json", "unsubscribes.json"):
        assert len(files[name]) == 1, name
    feedback = {f["kind"]: f for f in files["feedback_and_complaints.json"]}
    assert feedback["concern"]["complaint_record"][0]["text"].startswith("Met ")  # complaint notes, decrypted
    assert feedback["compliment"]["replies"][0]["body"].startswith("Thank you")
    # Named questionnaire answers only: the confidential one is linked to no one.
    answers = files["questionnaire_answers_named.json"]
    assert [a["survey"] for a in answers] == ["Named survey"]
    assert answers[0]["answers"][0]["answer"] == "named answer: more outings"
    assert "confidential answer" not in json.dumps(files)
    assert any(a["action"] == "contact.restricted" and "household" in a["detail"]["reason"]
               for a in files["audit_entries.json"])
    summary = archive.read("summary.html").decode()
    assert NAME_FIRST in summary and "questionnaire_answers_named.json" in summary
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"privacy.export_requested", "privacy.export_downloaded"} <= actions


def test_family_export_covers_the_child_and_the_alert(client, login_as, seeded):
    staff = login_as(seeded.manager)
    job_page, _ = _export(staff, f"/privacy/family/{seeded.child.id}/export")
    archive = zipfile.ZipFile(io.BytesIO(staff.post(job_page + "/download").data))
    assert json.loads(archive.read("children.json"))[0]["first_name"] == "Oberon"
    assert len(json.loads(archive.read("late_collection_alerts.json"))) == 1
    assert "bluebell" in json.loads(archive.read("children_links.json"))[0]["collection_password_note"]


def test_progress_page_refreshes_itself_until_ready(client, login_as, seeded):
    from app.privacy.models import ExportJob

    job = ExportJob(setting_id=seeded.setting.id, subject_type="contact", subject_id=seeded.contact.id,
                    status="running", done_steps=6, total_steps=24)
    db.session.add(job)
    staff = login_as(seeded.manager)
    html = staff.get(f"/privacy/exports/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in html and "25% done" in html
    assert staff.post(f"/privacy/exports/{job.id}/download").status_code == 404


def test_only_managers_of_the_setting_reach_an_export(client, login_as, make, seeded):
    staff = login_as(seeded.manager)
    job_page, _ = _export(staff, f"/privacy/contact/{seeded.contact.id}/export")
    staff.post("/logout")
    pico = login_as(make.user(seeded.setting, role="pico"))
    assert pico.post(job_page + "/download").status_code == 403
    assert pico.post(f"/privacy/contact/{seeded.contact.id}/export").status_code == 403
    pico.post("/logout")
    elsewhere = make.setting(name="Other")
    other_manager = login_as(make.user(elsewhere, role="manager"))
    assert other_manager.post(job_page + "/download").status_code == 404
    assert other_manager.get(job_page).status_code == 404
    assert other_manager.post(f"/privacy/contact/{seeded.contact.id}/export").status_code == 404


def test_the_zip_is_stored_encrypted(client, login_as, seeded):
    from sqlalchemy import text

    staff = login_as(seeded.manager)
    _export(staff, f"/privacy/contact/{seeded.contact.id}/export")
    raw = db.session.execute(text("SELECT data FROM export_job")).scalar()
    assert bytes(raw).startswith(b"gAAAAA") and b"PK" not in bytes(raw)[:4]
