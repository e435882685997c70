"""Staff pages: newsletter list, compose, language versions, uploads, preview, schedule, report, reminders."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.audit.services import record
from app.clock import utcnow
from app.extensions import db
from app.families.forms import language_choices
from app.families.models import Contact
from app.i18n import _s
from app.messaging import audience_form
from app.newsletters import content, services
from app.newsletters.forms import (AUDIENCE_LABELS, STATE_LABELS, EmptyForm, IssueForm, ScheduleForm,
                                   TranslateForm, UploadForm, VersionForm)
from app.newsletters.models import Issue, IssueVersion, Upload
from app.newsletters.preview import preview, send_test
from app.newsletters.translate import translator
from app.versioned import machine_translate, version_row
from app.parents import links
from app.parents.sections import register_section
from app.security import MANAGER, PICO, owned_or_404, role_required

bp = Blueprint("newsletters", __name__, template_folder="templates")
STAFF = (MANAGER, PICO)


@bp.record_once
def _register(state) -> None:
    from app.newsletters.parent_routes import archive_for

    links.register_purpose(state.app, services.PURPOSE, "newsletters.opened")
    register_section(state.app, "newsletters/_family_section.html", archive_for, order=10)


def _issue(issue_id: int) -> Issue:
    return owned_or_404(db.session.get(Issue, issue_id))


def _editable_or_redirect(issue: Issue):
    if not services.editable(issue):
        flash(_s("This issue has been scheduled or sent, so it cannot be changed."), "error")
        return redirect(url_for("newsletters.show", issue_id=issue.id))
    return None


def _fill_choices(form: IssueForm) -> None:
    audience_form.fill_choices(form, current_user.setting_id)


def _apply(form: IssueForm, issue: Issue) -> None:
    issue.kind = form.kind.data
    issue.requires_ack = form.requires_ack.data
    issue.channels = form.channels.data
    issue.audience = audience_form.stored(form)


@bp.get("/newsletters")
@role_required(*STAFF)
def index():
    """Every issue with its status and figures, newest first."""
    issues = db.session.scalars(select(Issue).where(Issue.setting_id == current_user.setting_id)
                                .order_by(Issue.created_at.desc(), Issue.id.desc()).limit(200)).all()
    rows = [(i, services.status(i), services.summary(i)) for i in issues]
    return render_template("newsletters/index.html", rows=rows, title=services.issue_title)


@bp.route("/newsletters/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    """Start an issue: who it is for and how it goes (?saved_list=<id> chooses that list as the audience)."""
    preset = request.args.get("saved_list", type=int)
    form = IssueForm(data=audience_form.form_data({"kind": "saved_list", "ids": [preset]}) if preset else None)
    _fill_choices(form)
    if form.validate_on_submit():
        issue = Issue(setting_id=current_user.setting_id, created_by_id=current_user.id)
        _apply(form, issue)
        db.session.add(issue)
        db.session.flush()
        record(issue.setting_id, "newsletter.create", issue, actor=current_user)
        db.session.commit()
        return redirect(url_for("newsletters.version", issue_id=issue.id,
                                language=current_user.setting.default_language))
    return render_template("newsletters/settings.html", form=form, issue=None)


@bp.route("/newsletters/<int:issue_id>/settings", methods=["GET", "POST"])
@role_required(*STAFF)
def settings(issue_id: int):
    """Change the audience and channels of a draft."""
    issue = _issue(issue_id)
    if (stop := _editable_or_redirect(issue)) is not None:
        return stop
    form = IssueForm(data={"kind": issue.kind, "requires_ack": issue.requires_ack, "channels": issue.channels,
                           **audience_form.form_data(issue.audience)})
    _fill_choices(form)
    if form.validate_on_submit():
        _apply(form, issue)
        db.session.commit()
        return redirect(url_for("newsletters.show", issue_id=issue.id))
    return render_template("newsletters/settings.html", form=form, issue=issue)


@bp.get("/newsletters/<int:issue_id>")
@role_required(*STAFF)
def show(issue_id: int):
    """The issue: languages needed and written, problems, uploads, preview, schedule, figures."""
    issue = _issue(issue_id)
    needs = services.language_needs(issue)
    translate_form = TranslateForm()
    translate_form.language.choices = [c for c in language_choices() if c[0] != issue.setting.default_language]
    pending = services.not_acknowledged(issue) if issue.requires_ack and issue.message_id else []
    return render_template(
        "newsletters/show.html", issue=issue, status=services.status(issue), needs=needs,
        languages=current_app.config["LANGUAGES"], problems=services.problems(issue) if services.editable(issue) else [],
        schedule_form=ScheduleForm(), upload_form=UploadForm(), translate_form=translate_form,
        button=EmptyForm(), summary=services.summary(issue), fallbacks=services.fallbacks(issue),
        state_labels=STATE_LABELS, audience_labels=AUDIENCE_LABELS,
        file_url=content.file_url, can_translate=translator() is not None,
        pending=db.session.scalars(select(Contact).where(Contact.id.in_(pending))).all() if pending else [],
        acks=services.acknowledgements(issue), title=services.issue_title(issue),
        editable=services.editable(issue), families=services.family_needs(issue),
        sms_costs=services.sms_costs(issue, needs))


@bp.route("/newsletters/<int:issue_id>/versions/<language>", methods=["GET", "POST"])
@role_required(*STAFF)
def version(issue_id: int, language: str):
    """Write or review the issue in one language."""
    issue = _issue(issue_id)
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    if (stop := _editable_or_redirect(issue)) is not None:
        return stop
    existing = issue.version(language)
    form = VersionForm(obj=existing)
    if form.validate_on_submit():
        form.populate_obj(version_row(issue, language, IssueVersion))
        db.session.commit()
        flash(_s("Saved."), "success")
        return redirect(url_for("newsletters.show", issue_id=issue.id))
    return render_template("newsletters/version.html", form=form, issue=issue, language=language,
                           languages=current_app.config["LANGUAGES"], version=existing)


@bp.post("/newsletters/<int:issue_id>/translate")
@role_required(*STAFF)
def translate(issue_id: int):
    """A machine translation of the default version as a first draft ("needs review")."""
    issue = _issue(issue_id)
    if (stop := _editable_or_redirect(issue)) is not None:
        return stop
    form = TranslateForm()
    form.language.choices = language_choices()
    if not form.validate_on_submit() or not machine_translate(
            issue, issue.setting.default_language, form.language.data,
            {"title": 200, "body_md": None, "sms_text": None}, IssueVersion):
        return redirect(url_for("newsletters.show", issue_id=issue.id))
    db.session.commit()
    return redirect(url_for("newsletters.version", issue_id=issue.id, language=form.language.data))


@bp.post("/newsletters/<int:issue_id>/uploads")
@role_required(*STAFF)
def upload(issue_id: int):
    """Keep a picture or an attachment for the issue."""
    issue = _issue(issue_id)
    if (stop := _editable_or_redirect(issue)) is not None:
        return stop
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read(content.MAX_ATTACHMENT_BYTES + 1)
        try:
            saved = content.save_upload(issue.setting_id, issue.id, form.file.data.filename, data,
                                        images_only=form.purpose.data == "image")
        except content.UploadError as exc:
            flash(_s("That file is too big (up to 5 MB).") if exc.reason == "size" else
                  _s("That kind of file is not accepted: use a PNG, JPEG or GIF picture, or a PDF."), "error")
        else:
            if form.purpose.data == "image":
                flash(_s("Picture uploaded. Put it in the newsletter with: %(markdown)s",
                         markdown=f"![{saved.filename}]({content.file_url(saved)})"), "success")
            else:
                flash(_s("Attachment added."), "success")
            db.session.commit()
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("newsletters.show", issue_id=issue.id))


@bp.get("/files/<key>/<path:filename>")
def file(key: str, filename: str):
    """An uploaded picture or attachment (the key is unguessable; pictures appear in emails)."""
    upload = db.session.scalar(select(Upload).where(Upload.key == key))
    if upload is None or upload.filename != filename:
        abort(404)
    disposition = "inline" if upload.is_image else "attachment"
    return upload.data, 200, {"Content-Type": upload.content_type, "Cache-Control": "private, max-age=86400",
                              "Content-Disposition": f'{disposition}; filename="{upload.filename}"',
                              "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"}


def _preview_target(issue: Issue):
    contact = None
    if request.values.get("contact", "").isdigit():
        contact = owned_or_404(db.session.get(Contact, int(request.values["contact"])))
    if contact is None:
        contact = db.session.scalar(select(Contact).where(Contact.setting_id == issue.setting_id)
                                    .order_by(Contact.id).limit(1))
    language = request.values.get("language") or (contact.language if contact else issue.setting.default_language)
    if language not in current_app.config["LANGUAGES"]:
        language = issue.setting.default_language
    return contact, language


@bp.get("/newsletters/<int:issue_id>/preview")
@role_required(*STAFF)
def show_preview(issue_id: int):
    """The issue as a chosen contact would get it, in a chosen language."""
    issue = _issue(issue_id)
    contact, language = _preview_target(issue)
    if contact is None:
        flash(_s("Add a family first: the preview shows the issue as one of them would see it."), "error")
        return redirect(url_for("newsletters.show", issue_id=issue.id))
    try:
        seen = preview(issue, contact, language)
    except ValueError:
        flash(_s("Write the default-language version first."), "error")
        return redirect(url_for("newsletters.show", issue_id=issue.id))
    contacts = db.session.scalars(select(Contact).where(Contact.setting_id == issue.setting_id)
                                  .order_by(Contact.last_name, Contact.first_name).limit(500)).all()
    return render_template("newsletters/preview.html", issue=issue, contact=contact, seen=seen, contacts=contacts,
                           language=language, languages=current_app.config["LANGUAGES"], button=EmptyForm(),
                           version=issue.version(seen.language))


@bp.post("/newsletters/<int:issue_id>/test")
@role_required(*STAFF)
def test_send(issue_id: int):
    """Email the preview to the logged-in member of staff."""
    issue = _issue(issue_id)
    contact, language = _preview_target(issue)
    if not EmptyForm().validate_on_submit() or contact is None:
        abort(400)
    try:
        error = send_test(issue, contact, language, current_user.email)
    except ValueError:
        error = _s("Write the default-language version first.")
    db.session.commit()
    flash(_s("Test sent to %(email)s.", email=current_user.email) if error is None else error,
          "success" if error is None else "error")
    return redirect(url_for("newsletters.show_preview", issue_id=issue.id, contact=contact.id, language=language))


@bp.post("/newsletters/<int:issue_id>/send")
@role_required(*STAFF)
def send(issue_id: int):
    """Send now or schedule, once nothing stops it."""
    issue = _issue(issue_id)
    if (stop := _editable_or_redirect(issue)) is not None:
        return stop
    form = ScheduleForm()
    reasons = services.problems(issue)
    if not form.validate_on_submit() or reasons:
        for reason in reasons + [e for errors in form.errors.values() for e in errors]:
            flash(reason, "error")
        return redirect(url_for("newsletters.show", issue_id=issue.id))
    at = None
    if form.when.data == "later":
        zone = ZoneInfo(getattr(issue.setting, "timezone", None) or "Europe/London")
        at = form.at.data.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))
        if at <= utcnow():
            flash(_s("Choose a time in the future."), "error")
            return redirect(url_for("newsletters.show", issue_id=issue.id))
    record(issue.setting_id, "newsletter.schedule" if at else "newsletter.send", issue, actor=current_user)
    services.send(issue, scheduled_at=at, user=current_user)
    db.session.commit()
    flash(_s("Scheduled.") if at else _s("Sending."), "success")
    return redirect(url_for("newsletters.show", issue_id=issue.id))


@bp.post("/newsletters/<int:issue_id>/unschedule")
@role_required(*STAFF)
def unschedule(issue_id: int):
    """Stop a scheduled issue going: it becomes a draft again, to edit or leave."""
    issue = _issue(issue_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if services.unschedule(issue):
        record(issue.setting_id, "newsletter.unschedule", issue, actor=current_user)
        db.session.commit()
        flash(_s("The schedule is cancelled: the issue is a draft again."), "success")
    else:
        flash(_s("Too late: this issue has already started to go."), "error")
    return redirect(url_for("newsletters.show", issue_id=issue.id))


@bp.post("/newsletters/<int:issue_id>/remind")
@role_required(*STAFF)
def remind(issue_id: int):
    """Send the notice again to those who have not acknowledged it."""
    issue = _issue(issue_id)
    if not EmptyForm().validate_on_submit() or not issue.requires_ack or not issue.message_id:
        abort(400)
    channels = request.form.get("channels")
    message = services.remind(issue, current_user, channels if channels in ("email", "sms", "both") else None)
    flash(_s("Reminder sent.") if message else _s("Everyone has acknowledged it."), "success")
    return redirect(url_for("newsletters.show", issue_id=issue.id))
