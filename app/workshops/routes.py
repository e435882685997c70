"""Workshops: staff pages (create, invite, answers, register) and the parent's RSVP page and calendar."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db, limiter, link_limit
from app.families.models import Contact, Room
from app.i18n import _s
from app.parents import links
from app.parents.routes import link_problem, parent_required
from app.parents.sections import register_section
from app.security import MANAGER, PICO, owned_or_404, role_required
from app.workshops import calendar, notices, services
from app.workshops.forms import (CancelForm, InviteForm, RsvpForm, WorkshopForm, add_language_fields,
                                 add_session_fields)
from app.workshops.models import CANCELLED, Workshop

bp = Blueprint("workshops", __name__, template_folder="templates")
STAFF = (MANAGER, PICO)


def _family_section(contact: Contact) -> dict | None:
    workshops = services.invited_workshops(contact)
    if not workshops:
        return None
    return {"workshop_items": [(w, services.rsvp_for(w, contact), services.next_session(w)) for w in workshops],
            "feed_url": calendar.feed_url(contact)}


@bp.record_once
def _setup(state) -> None:
    links.register_purpose(state.app, "rsvp", "workshops.rsvp_landing")
    register_section(state.app, "workshops/_family_section.html", _family_section, order=30)


# --- staff -------------------------------------------------------------------------------------

def _zone() -> ZoneInfo:
    return ZoneInfo(calendar.zone_name(current_user.setting))


def _audience_choices() -> list[tuple[str, str]]:
    rooms = db.session.scalars(select(Room).where(Room.setting_id == current_user.setting_id).order_by(Room.name))
    return [("all", _s("All families"))] + [(f"room:{r.id}", r.name) for r in rooms]


def _audience(values: list[str], contacts: list[int] | None = None) -> dict:
    """The form's choice; parents invited one by one (interest sign-ups) stay invited."""
    chosen: dict = {"all": True} if "all" in values else {
        "rooms": [int(v.split(":")[1]) for v in values if v.startswith("room:")]}
    return {**chosen, "contacts": contacts} if contacts else chosen


@bp.get("/workshops")
@role_required(*STAFF)
def index():
    """Workshops of this setting, next first."""
    rows = db.session.scalars(select(Workshop).where(Workshop.setting_id == current_user.setting_id)
                              .order_by(Workshop.starts_at.desc())).all()
    return render_template("workshops/index.html", workshops=rows, places_left=services.places_left)


@bp.route("/workshops/new", methods=["GET", "POST"])
@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(workshop_id: int | None = None):
    """Create or change a workshop (a change of time or place tells those coming)."""
    workshop = owned_or_404(db.session.get(Workshop, workshop_id)) if workshop_id else None
    zone = _zone()
    existing = len(workshop.sessions) if workshop else 0
    rows = _int(request.form.get("session_rows")) if request.method == "POST" else max(existing + 1, 3)
    adding = request.method == "POST" and "add_session" in request.form
    form = add_session_fields(add_language_fields(WorkshopForm), rows + (1 if adding else 0))()
    form.audience.choices = _audience_choices()
    form.session_rows.data = str(len(form.session_fields()))
    if request.method == "GET" and workshop:
        form.process(data={
            "kind": workshop.kind, "title": workshop.text().title, "description": workshop.text().description,
            "venue": workshop.venue, "access_notes": workshop.access_notes, "capacity": workshop.capacity,
            "creche": workshop.creche, "rsvp_mode": workshop.rsvp_mode, "reminder_hours": workshop.reminder_hours,
            "deadline": workshop.rsvp_deadline.astimezone(zone).date() if workshop.rsvp_deadline else None,
            "audience": ["all"] if workshop.audience.get("all") else [f"room:{r}" for r in workshop.audience.get("rooms", [])],
            "session_rows": str(len(form.session_fields())),
            **_session_data(workshop, zone),
            **{f"title_{t.language}": t.title for t in workshop.texts},
            **{f"description_{t.language}": t.description for t in workshop.texts}})
    if not adding and form.validate_on_submit():
        sessions = [(datetime.combine(day, start, zone), datetime.combine(day, end, zone))
                    for day, start, end in form.sessions()]
        fields = {"kind": form.kind.data,
                  "venue": (form.venue.data or "").strip(), "access_notes": (form.access_notes.data or "").strip(),
                  "capacity": form.capacity.data, "creche": form.creche.data,
                  "audience": _audience(form.audience.data, workshop.audience.get("contacts") if workshop else None),
                  "rsvp_mode": form.rsvp_mode.data, "reminder_hours": form.reminder_hours.data,
                  "rsvp_deadline": datetime.combine(form.deadline.data, time(23, 59), zone) if form.deadline.data else None}
        texts = {"en": (form.title.data.strip(), form.description.data.strip())}
        for code in form.data:
            if code.startswith("title_"):
                lang = code.removeprefix("title_")
                texts[lang] = ((form[code].data or "").strip(), (form[f"description_{lang}"].data or "").strip())
        if workshop is None:
            workshop = Workshop(setting_id=current_user.setting_id, default_language="en", setting=current_user.setting)
        messages = services.save_workshop(workshop, texts=texts, fields=fields, sessions=sessions, actor=current_user)
        db.session.commit()
        for message_id in messages:
            notices.start(message_id)
        flash(_s("Saved."), "success")
        return redirect(url_for("workshops.show", workshop_id=workshop.id))
    return render_template("workshops/edit.html", form=form, workshop=workshop)


def _int(value, default: int = 1) -> int:
    return int(value) if value and value.isdigit() else default


def _session_data(workshop: Workshop, zone: ZoneInfo) -> dict:
    """The workshop's sessions as the form's rows (local dates and times)."""
    data = {}
    for n, session in enumerate(workshop.sessions, start=1):
        start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        data |= {f"day_{n}": start.date(), f"start_{n}": start.time(), f"end_{n}": end.time()}
    return data


@bp.get("/workshops/<int:workshop_id>")
@role_required(*STAFF)
def show(workshop_id: int):
    """One workshop: answers, places, waiting list, needs; invite, cancel, register, thank."""
    workshop = owned_or_404(db.session.get(Workshop, workshop_id))
    contacts = services.contacts_by_id([r.contact_id for r in workshop.rsvps])
    session = services.session_of(workshop, request.args.get("session")) or services.register_session(workshop)
    return render_template("workshops/show.html", workshop=workshop, contacts=contacts, session=session,
                           came={a.rsvp_id for a in session.attendances}, thanks_due=services.thanks_due(workshop),
                           sessions_came=services.sessions_attended(workshop),
                           invite_form=InviteForm(), cancel_form=CancelForm(),
                           places_left=services.places_left(workshop), family_names=services.family_names,
                           when=notices.sessions_when(workshop, "en"), evaluation=notices.evaluation_available(),
                           interested=services.interested(workshop) if workshop.status != CANCELLED else [])


@bp.post("/workshops/<int:workshop_id>/invite")
@role_required(*STAFF)
def invite(workshop_id: int):
    """Send the invitations, each with a personal RSVP link."""
    workshop = owned_or_404(db.session.get(Workshop, workshop_id))
    form = InviteForm()
    if workshop.status == CANCELLED or not form.validate_on_submit():
        flash(_s("The invitations were not sent."), "error")
        return redirect(url_for("workshops.show", workshop_id=workshop.id))
    message_id = services.send_invitations(workshop, form.channels.data, actor=current_user)
    notices.start(message_id)
    flash(_s("The invitations are on their way."), "success")
    return redirect(url_for("messaging.delivery_report", message_id=message_id))


@bp.post("/workshops/<int:workshop_id>/interested")
@role_required(*STAFF)
def invite_interested(workshop_id: int):
    """Invite the parents who asked to hear about a course like this one."""
    workshop = owned_or_404(db.session.get(Workshop, workshop_id))
    chosen = {int(v) for v in request.form.getlist("signup") if v.isdigit()}
    message_id = services.invite_interested(workshop, chosen, actor=current_user) if CancelForm().validate_on_submit() else None
    if message_id is None:
        flash(_s("Choose at least one parent who asked for a course."), "error")
        return redirect(url_for("workshops.show", workshop_id=workshop.id))
    notices.start(message_id)
    flash(_s("The invitations are on their way."), "success")
    return redirect(url_for("messaging.delivery_report", message_id=message_id))


@bp.post("/workshops/<int:workshop_id>/cancel")
@role_required(*STAFF)
def cancel(workshop_id: int):
    """Cancel the workshop and tell everyone who was coming or waiting."""
    workshop = owned_or_404(db.session.get(Workshop, workshop_id))
    if CancelForm().validate_on_submit():
        notices.start(services.cancel(workshop, actor=current_user))
        flash(_s("The workshop is cancelled; those coming are being told."), "success")
    return redirect(url_for("workshops.show", workshop_id=workshop.id))


@bp.post("/workshops/<int:workshop_id>/register")
@role_required(*STAFF)
def register(workshop_id: int):
    """Save the register of one session (who came); the first session when none is named."""
    workshop = owned_or_404(db.session.get(Workshop, workshop_id))
    chosen = request.form.get("session")
    session = services.session_of(workshop, chosen) if chosen else workshop.sessions[0]
    if session is None:
        abort(404)
    if CancelForm().validate_on_submit():
        ticked = {int(v) for v in request.form.getlist("attended") if v.isdigit()}
        services.mark_register(workshop, ticked, session, actor=current_user)
        db.session.commit()
        flash(_s("The register is saved."), "success")
    return redirect(url_for("workshops.show", workshop_id=workshop.id, session=session.id))


@bp.post("/workshops/<int:workshop_id>/thanks")
@role_required(*STAFF)
def thanks(workshop_id: int):
    """Send the thank-you to those who came."""
    workshop = owned_or_404(db.session.get(Workshop, workshop_id))
    if CancelForm().validate_on_submit():
        if not services.thanks_due(workshop):
            flash(_s("The thank-you to those who came can be sent once the last session has begun."), "error")
            return redirect(url_for("workshops.show", workshop_id=workshop.id))
        notices.start(services.send_thanks(workshop, actor=current_user,
                                           evaluation=request.form.get("evaluation") == "y"))
        flash(_s("Thank-you sent to those who came."), "success")
    return redirect(url_for("workshops.show", workshop_id=workshop.id))


# --- parents -----------------------------------------------------------------------------------

@bp.get("/rsvp")
@parent_required("rsvp")
def rsvp_landing():
    """Where an RSVP link lands: the page of the workshop it was sent for."""
    return redirect(url_for("workshops.rsvp", workshop_id=links.current_parent().scope_id or 0))


@bp.route("/rsvp/<int:workshop_id>", methods=["GET", "POST"])
@parent_required("rsvp", links.FAMILY)
def rsvp(workshop_id: int):
    """The parent's answer: yes / maybe / no, how many, what would help; changes until the deadline."""
    parent = links.current_parent()
    contact = parent.contact
    workshop = db.session.get(Workshop, workshop_id)
    if (workshop is None or (parent.purpose == "rsvp" and parent.scope_id != workshop_id)
            or not services.invited(workshop, contact)):
        return link_problem("unknown", 404)
    current = services.rsvp_for(workshop, contact)
    form = RsvpForm(obj=current) if current else RsvpForm()
    if request.method == "GET" and current:
        form.interpreter.data = current.interpreter_language or ""
    closed = services.can_answer(workshop)
    if request.method == "POST" and closed:
        flash(_closed_text(closed), "error")
    elif form.validate_on_submit():
        data = services.RsvpData(
            answer=form.answer.data, adults=form.adults.data or 0, children=form.children.data or 0,
            creche_places=form.creche_places.data or 0, interpreter_language=form.interpreter.data or None,
            access_needs=(form.access_needs.data or "").strip(), note=(form.note.data or "").strip())
        try:
            rsvp, messages = services.answer(workshop, contact, data)
        except services.RsvpRefused as refused:
            db.session.rollback()
            if refused.reason != "over_capacity":
                flash(_closed_text(refused.reason), "error")
                return redirect(url_for("workshops.rsvp", workshop_id=workshop.id))
            form.adults.errors = [_("Sorry, there are not enough places left for that many adults. "
                                    "Your booking is unchanged.")]
        else:
            db.session.commit()
            for message_id in messages:
                notices.start(message_id)
            flash(_saved_text(rsvp), "success")
            return redirect(url_for("workshops.rsvp", workshop_id=workshop.id))
    other = current is not None and current.contact_id != contact.id
    return render_template("workshops/rsvp.html", workshop=workshop, text=workshop.text(contact.language),
                           form=form, current=current, closed=closed, closed_text=_closed_text(closed) if closed else "",
                           answered_by=current.contact.first_name if other else None,
                           when=notices.sessions_when(workshop, contact.language), places_left=services.places_left(workshop))


def _closed_text(reason: str) -> str:
    return {"cancelled": _("This workshop has been cancelled, so answers are closed."),
            "finished": _("This workshop has already taken place."),
            "started": _("This course has already started, so answers are closed. Please contact us if you need to."),
            "closed": _("The date for replies has passed, so answers can no longer be changed. Please contact us if you need to.")}[reason]


def _saved_text(rsvp) -> str:
    if rsvp.answer == "no":
        return _("Thank you for letting us know.")
    if rsvp.place == "waiting":
        return _("This workshop is full, so you are on the waiting list. We will tell you at once if a place comes free.")
    return _("Thank you. Your place is booked.")


@bp.get("/calendar/<token>.ics")
@limiter.limit(link_limit)
def feed(token: str):
    """A family's calendar feed: the workshops they are invited to (unguessable URL, no login)."""
    contact_id, _sep, _mac = token.partition("-")
    contact = db.session.get(Contact, int(contact_id)) if contact_id.isdigit() else None
    if contact is None or contact.restricted or not calendar.check_feed_token(token, contact):
        abort(404)
    body = calendar.feed_ics(services.invited_workshops(contact, upcoming_only=False), contact.language)
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "no-store",
                                                             "Referrer-Policy": "no-referrer"})
