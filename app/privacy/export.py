"""Subject access export: everything held about a contact or a family, as a ZIP of JSON files and a
readable HTML summary, built in the background (`export_task`) with its progress on the ExportJob."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

from flask import render_template
from sqlalchemy import or_, select
from sqlalchemy.orm import Mapper

from app.alerts.models import Alert, AlertEvent
from app.audit.models import AuditEntry
from app.clock import utcnow
from app.extensions import db
from app.families.models import Child, ChildContact, Contact
from app.feedback.models import FeedbackItem
from app.messaging.models import Delivery, Message
from app.privacy.crypto import unseal
from app.privacy.inventory import EXPORTED
from app.privacy.models import DONE, FAILED, RUNNING, ExportJob
from app.privacy.subjects import CONTACT, Subject, for_contact, for_family
from app.surveys.models import NAMED, Survey, SurveyAnswer, SurveyOption, SurveyQuestion, SurveyResponse
from app.tasks import huey, job_context
from app.workshops.models import Rsvp, SessionAttendance, WorkshopSession

SKIP_COLUMNS = {"token_hash", "edit_key_hash"}


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return unseal(value)


def row_dict(obj) -> dict:
    """Every column of a mapped row (encrypted ones decrypted), JSON-ready."""
    mapper: Mapper = obj.__mapper__
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in mapper.column_attrs
            if attr.key not in SKIP_COLUMNS}


def _model(table: str):
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table:
            return mapper.class_
    raise LookupError(table)


def _generic(table: str, subject: Subject) -> list[dict]:
    model = _model(table)
    conds = []
    if "contact_id" in model.__table__.c:
        conds.append(model.contact_id.in_(subject.contact_ids))
    if "child_id" in model.__table__.c:
        conds.append(model.child_id.in_(subject.child_ids))
    return [row_dict(o) for o in db.session.scalars(select(model).where(or_(*conds)).order_by(model.id))]


def _deliveries(subject: Subject) -> list[dict]:
    """Each message they were sent (or left out of), with the content in the language they got."""
    out = []
    rows = db.session.scalars(select(Delivery).where(Delivery.contact_id.in_(subject.contact_ids))
                              .order_by(Delivery.id))
    for delivery in rows:
        item = row_dict(delivery)
        message: Message = delivery.message
        version = message.version(delivery.language) or message.version(message.default_language)
        item["category"] = message.category
        if version is not None:
            item["content"] = {"subject": version.subject, "text": version.body_text,
                               "sms_text": version.sms_text}
        out.append(item)
    return out


def _named_answers(subject: Subject) -> list[dict]:
    """Answers given in NAMED questionnaires only (confidential answers are linked to no one)."""
    out = []
    responses = db.session.scalars(
        select(SurveyResponse).join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(SurveyResponse.contact_id.in_(subject.contact_ids), Survey.mode == NAMED))
    for response in responses:
        item = row_dict(response)
        item["survey"] = db.session.get(Survey, response.survey_id).title
        answers = db.session.execute(
            select(SurveyQuestion.text, SurveyOption.text, SurveyAnswer.value)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .outerjoin(SurveyOption, SurveyOption.id == SurveyAnswer.option_id)
            .where(SurveyAnswer.response_id == response.id).order_by(SurveyQuestion.position)).all()
        item["answers"] = [{"question": q, "answer": option if option is not None else value}
                           for q, option, value in answers]
        out.append(item)
    return out


def _feedback(subject: Subject) -> list[dict]:
    out = []
    for item in db.session.scalars(select(FeedbackItem).where(FeedbackItem.contact_id.in_(subject.contact_ids))
                                   .order_by(FeedbackItem.id)):
        data = row_dict(item)
        data["replies"] = [row_dict(r) for r in item.replies]
        data["complaint_record"] = [row_dict(s) for s in item.steps]
        out.append(data)
    return out


def _sessions_attended(subject: Subject) -> list[dict]:
    """The workshop register: each session the contact's party came to."""
    rows = db.session.execute(select(SessionAttendance, WorkshopSession, Rsvp)
                              .join(WorkshopSession, WorkshopSession.id == SessionAttendance.session_id)
                              .join(Rsvp, Rsvp.id == SessionAttendance.rsvp_id)
                              .where(Rsvp.contact_id.in_(subject.contact_ids))
                              .order_by(WorkshopSession.starts_at, SessionAttendance.id))
    return [{**row_dict(attendance), "workshop_id": rsvp.workshop_id, "contact_id": rsvp.contact_id,
             "session_starts_at": _plain(meeting.starts_at), "session_ends_at": _plain(meeting.ends_at)}
            for attendance, meeting, rsvp in rows]


def _alert_events(subject: Subject) -> list[dict]:
    alerts = select(Alert.id).where(Alert.child_id.in_(subject.child_ids))
    return [row_dict(e) for e in db.session.scalars(select(AlertEvent).where(
        or_(AlertEvent.contact_id.in_(subject.contact_ids), AlertEvent.alert_id.in_(alerts))).order_by(AlertEvent.id))]


def _audit(subject: Subject) -> list[dict]:
    """Entries about the contact(s) or the family's children, or naming a contact in their detail."""
    out = []
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.setting_id == subject.setting_id)
                                    .order_by(AuditEntry.id)).yield_per(500):
        detail = entry.detail or {}
        if ((entry.object_type == "contact" and entry.object_id in subject.contact_ids)
                or (entry.object_type == "child" and entry.object_id in subject.child_ids)
                or detail.get("contact_id") in subject.contact_ids):
            data = row_dict(entry)
            data["detail"] = {k: _plain(v) for k, v in detail.items()}
            out.append(data)
    return out


SPECIAL = {
    "contact": lambda s: [row_dict(c) for c in db.session.scalars(select(Contact).where(
        Contact.id.in_(s.contact_ids)).order_by(Contact.id))],
    "child": lambda s: [row_dict(c) for c in db.session.scalars(select(Child).where(
        Child.id.in_(s.child_ids)).order_by(Child.id))],
    "child_contact": lambda s: [row_dict(link) for link in db.session.scalars(select(ChildContact).where(
        or_(ChildContact.contact_id.in_(s.contact_ids), ChildContact.child_id.in_(s.child_ids)))
        .order_by(ChildContact.id))],
    "delivery": _deliveries,
    "survey_response": _named_answers,
    "feedback_item": _feedback,
    "alert_event": _alert_events,
    "session_attendance": _sessions_attended,
    "audit_entry": _audit,
}


def collect(subject: Subject, progress=None) -> dict[str, list[dict]]:
    """{file name: rows} for every exported table (see inventory.EXPORTED)."""
    files = {}
    for table, filename in EXPORTED.items():
        files[filename] = SPECIAL.get(table, lambda s, t=table: _generic(t, s))(subject)
        if progress:
            progress()
    return files


def build_zip(subject: Subject, files: dict[str, list[dict]], made_at: datetime) -> bytes:
    """The ZIP: one JSON file per kind of record and summary.html."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, rows in files.items():
            archive.writestr(filename, json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        html = render_template("privacy/export_summary.html", subject=subject, files=files, made_at=made_at)
        archive.writestr("summary.html", html)
    return buffer.getvalue()


def subject_of(job: ExportJob) -> Subject | None:
    """The job's subject, if its contact or child still exists in the job's setting."""
    if job.subject_type == CONTACT:
        contact = db.session.get(Contact, job.subject_id)
        return for_contact(contact) if contact and contact.setting_id == job.setting_id else None
    child = db.session.get(Child, job.subject_id)
    return for_family(child) if child and child.setting_id == job.setting_id else None


def run_export(job_id: int) -> None:
    """Job body: build the export, committing progress after each kind of record."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status not in ("queued", RUNNING):
        return
    subject = subject_of(job)
    if subject is None:
        job.status, job.error, job.finished_at = FAILED, "The contact or family no longer exists.", utcnow()
        db.session.commit()
        return
    job.status, job.total_steps, job.done_steps = RUNNING, len(EXPORTED) + 1, 0
    db.session.commit()

    def step():
        job.done_steps += 1
        db.session.commit()

    try:
        files = collect(subject, step)
        job.data = build_zip(subject, files, utcnow())
    except Exception as exc:  # noqa: BLE001  (shown to the manager; the job must not stay "running")
        db.session.rollback()
        job = db.session.get(ExportJob, job_id)
        job.status, job.error, job.finished_at = FAILED, exc.__class__.__name__, utcnow()
        db.session.commit()
        raise
    job.status, job.done_steps, job.finished_at = DONE, job.total_steps, utcnow()
    db.session.commit()


@huey.task(name="privacy.export")
def export_task(job_id: int) -> None:
    """Queue job: build one subject access export (id only)."""
    with job_context():
        run_export(job_id)
