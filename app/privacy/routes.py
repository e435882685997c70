"""Data-protection pages (managers only): consents, subject access export, erasure, retention.
Also the parent's own promotional-messages choice on the family page."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.audit.services import record
from app.extensions import db
from app.families.models import Child, Contact
from app.i18n import _s
from app.parents import links
from app.parents.routes import parent_required
from app.parents.sections import register_section
from app.privacy import consents, retention
from app.privacy.erasure import ErasureRefused, erase
from app.privacy.export import export_task
from app.privacy.forms import ConfirmForm, EraseForm, PromotionalConsentForm
from app.privacy.models import DONE, HOW_PARENT, ExportJob
from app.privacy.subjects import CONTACT, FAMILY, Subject, for_contact, for_family
from app.security import MANAGER, owned_or_404, role_required

bp = Blueprint("privacy", __name__, template_folder="templates")
RECENT_EXPORTS = 20


def _consent_section(contact: Contact) -> dict:
    form = PromotionalConsentForm(promotional=contact.consent_promotional)
    return {"form": form, "given": contact.consent_promotional}


bp.record_once(lambda state: register_section(state.app, "privacy/_family_consent.html", _consent_section,
                                              order=90))


def _contact(contact_id: int) -> Contact:
    return owned_or_404(db.session.get(Contact, contact_id))


def _child(child_id: int) -> Child:
    return owned_or_404(db.session.get(Child, child_id))


def _subject_page(subject: Subject, template_args: dict, erase_form: EraseForm | None = None):
    exports = db.session.scalars(select(ExportJob).where(
        ExportJob.setting_id == current_user.setting_id, ExportJob.subject_type == subject.kind,
        ExportJob.subject_id == subject.subject_id).order_by(ExportJob.id.desc())).all()
    contacts = db.session.scalars(select(Contact).where(Contact.id.in_(subject.contact_ids))
                                  .order_by(Contact.id)).all()
    children = db.session.scalars(select(Child).where(Child.id.in_(subject.child_ids)).order_by(Child.id)).all()
    return render_template("privacy/subject.html", subject=subject, contacts=contacts, children=children,
                           exports=exports, export_form=ConfirmForm(), erase_form=erase_form or EraseForm(),
                           history={c.id: consents.history(c.id) for c in contacts}, **template_args)


@bp.get("/privacy")
@role_required(MANAGER)
def index():
    """What the data-protection tools do, and the latest exports."""
    exports = db.session.scalars(select(ExportJob).where(ExportJob.setting_id == current_user.setting_id)
                                 .order_by(ExportJob.id.desc()).limit(RECENT_EXPORTS)).all()
    return render_template("privacy/index.html", exports=exports)


@bp.get("/privacy/contacts/<int:contact_id>")
@role_required(MANAGER)
def contact(contact_id: int):
    """One contact: consents and their history, export, erasure."""
    person = _contact(contact_id)
    return _subject_page(for_contact(person), {"contact": person})


@bp.get("/privacy/families/<int:child_id>")
@role_required(MANAGER)
def family(child_id: int):
    """A family (the child, its contacts, their other children): export, erasure."""
    child = _child(child_id)
    return _subject_page(for_family(child), {"child": child})


def _subject(kind: str, subject_id: int) -> Subject:
    if kind == CONTACT:
        return for_contact(_contact(subject_id))
    if kind == FAMILY:
        return for_family(_child(subject_id))
    abort(404)


def _subject_url(subject: Subject) -> str:
    if subject.kind == CONTACT:
        return url_for("privacy.contact", contact_id=subject.subject_id)
    return url_for("privacy.family", child_id=subject.subject_id)


@bp.post("/privacy/<any(contact, family):kind>/<int:subject_id>/export")
@role_required(MANAGER)
def start_export(kind: str, subject_id: int):
    """Queue a subject access export and show its progress."""
    subject = _subject(kind, subject_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = ExportJob(setting_id=current_user.setting_id, subject_type=subject.kind, subject_id=subject.subject_id,
                    requested_by_id=current_user.id)
    db.session.add(job)
    db.session.flush()
    record(current_user.setting_id, "privacy.export_requested", job, subject=subject.kind,
           subject_id=subject.subject_id)
    db.session.commit()
    export_task(job.id)
    return redirect(url_for("privacy.export", job_id=job.id))


def _job(job_id: int) -> ExportJob:
    return owned_or_404(db.session.get(ExportJob, job_id))


@bp.get("/privacy/exports/<int:job_id>")
@role_required(MANAGER)
def export(job_id: int):
    """Progress of one export (the page refreshes itself until it is ready), then its download link."""
    return render_template("privacy/export.html", job=_job(job_id), done=DONE, form=ConfirmForm())


@bp.post("/privacy/exports/<int:job_id>/download")
@role_required(MANAGER)
def download(job_id: int):
    """The ZIP, to managers of the setting only; every download is audited (so a POST: no GET writes)."""
    job = _job(job_id)
    if job.status != DONE or job.data is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    record(job.setting_id, "privacy.export_downloaded", job, subject=job.subject_type, subject_id=job.subject_id)
    db.session.commit()
    name = f"homelink-{job.subject_type}-{job.subject_id}-export-{job.id}.zip"
    return Response(job.data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/privacy/<any(contact, family):kind>/<int:subject_id>/erase")
@role_required(MANAGER)
def erase_subject(kind: str, subject_id: int):
    """Erase (anonymise) the contact or family; cannot be undone."""
    subject = _subject(kind, subject_id)
    form = EraseForm()
    if not (form.validate_on_submit() and form.confirmed()):
        args = {"contact": _contact(subject_id)} if kind == CONTACT else {"child": _child(subject_id)}
        return _subject_page(subject, args, erase_form=form), 400
    try:
        counts = erase(subject, actor=current_user)
    except ErasureRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(_subject_url(subject))
    db.session.commit()
    flash(_s("Erased: %(contacts)s contact(s) and %(children)s child record(s) anonymised. "
             "%(kept)s complaint record(s) are kept until the end of their retention period.",
             contacts=counts["contacts"], children=counts["children"], kept=counts["complaints_kept"]), "success")
    if counts["import_uploads_discarded"]:
        flash(_s("%(n)s import file(s) not yet imported were deleted, as they may hold these details: "
                 "please upload them again.", n=counts["import_uploads_discarded"]), "info")
    return redirect(_subject_url(subject))


@bp.get("/privacy/retention")
@role_required(MANAGER)
def retention_plan():
    """The dry run: what retention would remove now, per kind of record."""
    return render_template("privacy/retention.html", plan=retention.plan(current_user.setting_id),
                           form=ConfirmForm())


@bp.post("/privacy/retention/run")
@role_required(MANAGER)
def retention_run():
    """Apply retention now (the scheduler also does, nightly)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = retention.apply(current_user.setting_id, actor=current_user)
    db.session.commit()
    flash(_s("Retention applied: %(n)s record(s) removed or anonymised.", n=sum(done.values())), "success")
    return redirect(url_for("privacy.retention_plan"))


@bp.post("/family/consent")
@parent_required(links.FAMILY)
def family_consent():
    """The parent gives or withdraws consent to promotional messages (with its history)."""
    contact = links.current_parent().contact
    form = PromotionalConsentForm()
    if form.validate_on_submit():
        given = bool(form.promotional.data)
        if consents.set_consent(contact, "promotional", given, HOW_PARENT, label="parent (family link)"):
            db.session.commit()
        flash(_("Thank you. You will get news of offers, events and fundraising.") if given
              else _("Thank you. You will not get news of offers, events and fundraising."), "success")
    return redirect(url_for("parents.family"))
