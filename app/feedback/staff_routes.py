"""Staff side of feedback: inbox, logging, triage, replies, complaints, register, 'You said, we did'."""
from __future__ import annotations

import csv
import io
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.audit.services import record
from app.auth.models import User
from app.extensions import db
from app.families.access import contact_scope
from app.families.models import Contact
from app.feedback import complaints, services
from app.feedback.forms import (LogForm, OutcomeForm, RegisterForm, ReplyForm, StepForm, TriageForm,
                                 summary_form)
from app.feedback.models import KINDS, ROUTES, STATUSES, FeedbackItem
from app.feedback.routes import bp
from app.i18n import _s
from app.security import MANAGER, PICO, owned_or_404, role_required, sees_whole_setting


def _item(item_id: int) -> FeedbackItem:
    """The item, if this member of staff may see it (404 other setting, 403 not theirs)."""
    item = owned_or_404(db.session.get(FeedbackItem, item_id))
    if not (sees_whole_setting() or current_user.id in (item.owner_id, item.logged_by_id)):
        abort(403)
    return item


def _record_or_403(item: FeedbackItem) -> None:
    if not complaints.may_see_record(item, current_user):
        record(item.setting_id, "complaint.record_refused", item)
        db.session.commit()
        abort(403)


def _staff_choices() -> list[tuple[int, str]]:
    users = db.session.scalars(select(User).where(User.setting_id == current_user.setting_id,
                                                  User.active.is_(True)).order_by(User.name))
    return [(0, _s("Nobody yet"))] + [(u.id, u.name) for u in users]


@bp.get("/staff/feedback")
@login_required
def inbox():
    """The inbox with filters; staff who do not see the whole setting see what they own or logged."""
    args = request.args
    owner = args.get("owner", type=int)
    items = services.inbox(current_user.setting_id, status=args.get("status"), kind=args.get("kind"),
                           owner_id=owner, route=args.get("route") or None,
                           only_for=None if sees_whole_setting() else current_user)
    return render_template("feedback/inbox.html", items=items, statuses=STATUSES, kinds=KINDS, routes=ROUTES,
                           staff=_staff_choices(), reminders=complaints.reminders_for(current_user),
                           may_see=lambda i: complaints.may_see_record(i, current_user),
                           days_remaining=complaints.days_remaining, is_overdue=complaints.is_overdue)


@bp.route("/staff/feedback/log", methods=["GET", "POST"])
@login_required
def log():
    """Staff log feedback given in person, by phone or in writing."""
    form = LogForm()
    # Only the parents this member of staff may see (a practitioner: their room's families).
    contacts = db.session.scalars(contact_scope(select(Contact)).order_by(Contact.last_name, Contact.first_name))
    form.contact_id.choices = [(0, _s("Not a listed parent"))] + [(c.id, c.full_name) for c in contacts]
    if form.validate_on_submit():
        contact = owned_or_404(db.session.get(Contact, form.contact_id.data)) if form.contact_id.data else None
        when = None
        if form.received_on.data:
            zone = ZoneInfo(current_user.setting.timezone or "Europe/London")
            when = datetime.combine(form.received_on.data, time(12), zone).astimezone(timezone.utc)
        complaint = form.kind.data == "complaint"
        item = services.submit(current_user.setting_id, kind="concern" if complaint else form.kind.data,
                               body=form.body.data, route=form.route.data, language=None, contact=contact,
                               given_name=form.given_name.data, logged_by=current_user, received_at=when)
        item.owner_id = current_user.id
        record(item.setting_id, "feedback.logged", item)
        if complaint:
            complaints.make_complaint(item, actor=current_user)
        db.session.commit()
        flash(_s("The feedback is logged."), "success")
        return redirect(url_for("feedback.item", item_id=item.id))
    return render_template("feedback/log.html", form=form)


@bp.route("/staff/feedback/<int:item_id>", methods=["GET", "POST"])
@login_required
def item(item_id: int):
    """One item: the original, its translation, status and owner, replies, and (for those allowed)
    the complaint's record."""
    item = _item(item_id)
    see_record = not item.is_complaint or complaints.may_see_record(item, current_user)
    form = TriageForm(obj=item, owner_id=item.owner_id or 0)
    form.owner_id.choices = _staff_choices()
    if form.validate_on_submit():
        if item.is_complaint and not see_record:
            abort(403)
        owner = form.owner_id.data or None
        if owner and db.session.get(User, owner).setting_id != current_user.setting_id:
            abort(404)
        services.update_triage(item, status=form.status.data, owner_id=owner,
                               translation=form.translation.data, actor=current_user)
        db.session.commit()
        flash(_s("Saved."), "success")
        return redirect(url_for("feedback.item", item_id=item.id))
    if item.is_complaint and see_record:
        record(item.setting_id, "complaint.record_viewed", item)
        db.session.commit()
    return render_template("feedback/item.html", item=item, form=form, see_record=see_record,
                           reply_form=ReplyForm(), step_form=StepForm(), outcome_form=OutcomeForm(),
                           can_reply=services.can_reply(item), complaints=complaints)


@bp.post("/staff/feedback/<int:item_id>/reply")
@login_required
def reply(item_id: int):
    """Reply to the parent through the messaging core."""
    item = _item(item_id)
    if item.is_complaint:
        _record_or_403(item)
    form = ReplyForm()
    if not services.can_reply(item):
        abort(400)
    if form.validate_on_submit():
        services.reply(item, form.text.data, form.translated.data, current_user)
        db.session.commit()
        flash(_s("Your reply is on its way to the parent."), "success")
        return redirect(url_for("feedback.item", item_id=item.id))
    return _item_again(item, reply_form=form)


def _item_again(item: FeedbackItem, **forms):
    form = TriageForm(obj=item, owner_id=item.owner_id or 0)
    form.owner_id.choices = _staff_choices()
    context = {"reply_form": ReplyForm(formdata=None), "step_form": StepForm(formdata=None),
               "outcome_form": OutcomeForm(formdata=None)}
    context.update(forms)
    return render_template("feedback/item.html", item=item, form=form, see_record=True,
                           can_reply=services.can_reply(item), complaints=complaints, **context), 400


@bp.post("/staff/feedback/<int:item_id>/complaint")
@login_required
def raise_complaint(item_id: int):
    """Log a concern (or any item) as a formal complaint: reference and acknowledgement."""
    item = _item(item_id)
    if item.anonymous:
        flash(_s("An anonymous item cannot become a complaint: there is nobody to reply to."), "error")
        return redirect(url_for("feedback.item", item_id=item.id))
    complaints.make_complaint(item, actor=current_user)
    db.session.commit()
    flash(_s("Logged as complaint %(ref)s.", ref=item.reference), "success")
    return redirect(url_for("feedback.item", item_id=item.id))


@bp.post("/staff/feedback/<int:item_id>/step")
@login_required
def add_step(item_id: int):
    """Append an investigation note or a meeting to the complaint's record."""
    item = _item(item_id)
    _record_or_403(item)
    if not item.is_complaint:
        abort(400)
    form = StepForm()
    if form.validate_on_submit():
        complaints.add_step(item, form.kind.data, form.text.data, actor=current_user)
        record(item.setting_id, "complaint.step_added", item, kind=form.kind.data)
        db.session.commit()
        flash(_s("Added to the record."), "success")
        return redirect(url_for("feedback.item", item_id=item.id))
    return _item_again(item, step_form=form)


@bp.post("/staff/feedback/<int:item_id>/outcome")
@login_required
def outcome(item_id: int):
    """Record and send the outcome of a complaint."""
    item = _item(item_id)
    _record_or_403(item)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            complaints.send_outcome(item, form.outcome.data, form.translated.data, current_user)
        except services.Refused as exc:
            flash(str(exc), "error")
            return redirect(url_for("feedback.item", item_id=item.id))
        db.session.commit()
        flash(_s("The outcome is recorded and on its way to the parent."), "success")
        return redirect(url_for("feedback.item", item_id=item.id))
    return _item_again(item, outcome_form=form)


@bp.get("/staff/feedback/complaints")
@role_required(MANAGER)
def complaints_view():
    """The manager's view of open complaints: days remaining, overdue first."""
    items = complaints.open_complaints(current_user.setting_id)
    items.sort(key=complaints.days_remaining)
    return render_template("feedback/complaints.html", items=items, complaints=complaints)


@bp.get("/staff/feedback/register")
@role_required(MANAGER)
def register():
    """The complaints register for a date range, printable, or as CSV; each complaint in full."""
    form = RegisterForm(request.args)
    if not request.args or not form.validate() or form.start.data > form.end.data:
        return render_template("feedback/register_form.html", form=form), (400 if request.args else 200)
    items = complaints.register(current_user.setting_id, form.start.data, form.end.data)
    record(current_user.setting_id, "complaint.register_exported", None, start=form.start.data.isoformat(),
           end=form.end.data.isoformat(), format=request.args.get("format", "html"), count=len(items))
    db.session.commit()
    if request.args.get("format") == "csv":
        return _register_csv(items)
    return render_template("feedback/register.html", items=items, form=form, complaints=complaints)


def _register_csv(items) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "received", "parent", "how", "owner", "due", "outcome sent", "outcome",
                     "complaint", "steps"])
    for item in items:
        steps = " | ".join(f"{s.at.isoformat(timespec='minutes')} {s.kind} ({s.author_label}): {s.text}"
                           for s in item.steps)
        writer.writerow([item.reference, item.complaint_at.isoformat(timespec="minutes"),
                         _csv_safe(item.contact.full_name if item.contact else (item.given_name or "")), item.route,
                         item.owner.name if item.owner else "", complaints.due_date(item).isoformat(),
                         item.outcome_sent_at.isoformat(timespec="minutes") if item.outcome_sent_at else "",
                         _csv_safe(item.outcome or ""), _csv_safe(item.body), _csv_safe(steps)])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=complaints-register.csv"})


def _csv_safe(value: str) -> str:
    """Stop a spreadsheet treating parent text as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@bp.route("/staff/feedback/you-said-we-did", methods=["GET", "POST"])
@role_required(MANAGER, PICO)
def you_said_we_did():
    """The PICO publishes a summary of changes made from feedback to every family."""
    setting = current_user.setting
    form = summary_form(setting.default_language)
    if form.validate_on_submit():
        texts = {setting.default_language: form.text.data}
        texts.update({f.name.removeprefix("text_"): f.data for f in form.translations()})
        services.you_said_we_did(setting, texts, current_user)
        flash(_s("'You said, we did' is on its way to every family."), "success")
        return redirect(url_for("feedback.inbox"))
    return render_template("feedback/you_said.html", form=form)


@bp.get("/staff/feedback/poster")
@login_required
def poster():
    """A printable notice-board poster with the public form's address (and its QR code)."""
    url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("feedback.public", slug=current_user.setting.slug)
    return render_template("feedback/poster.html", url=url, qr=_qr_svg(url))


def _qr_svg(url: str) -> str | None:
    try:
        import segno
    except ImportError:
        return None
    return segno.make(url, error="m").svg_inline(scale=6)
