"""Meeting-time polls: the PICO's pages (propose, send, ranking, choose) and the parent's answer page."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.extensions import db
from app.i18n import BABEL_LOCALES, _s, _sl
from app.parents import links
from app.parents.routes import link_problem, parent_required
from app.parents.sections import register_section
from app.security import owned_or_404, role_required
from app.workshops import calendar, notices, polls
from app.workshops.forms import InviteForm
from app.workshops.models import Poll, PollSlot
from app.workshops.routes import STAFF, _audience, _audience_choices, bp
from app.workshops.services import invited


class PollForm(FlaskForm):
    """Title, audience and slots, one per line: 2026-12-01 09:30-10:30."""

    title = StringField(_sl("What is it for?"), validators=[DataRequired(_sl("Give the poll a title.")), Length(max=200)])
    slots = TextAreaField(_sl("Times to offer, one per line (2026-12-01 09:30-10:30)"),
                          validators=[DataRequired(_sl("Offer at least two times."))])
    audience = SelectMultipleField(_sl("Ask"), validators=[DataRequired(_sl("Choose who is asked."))])

    def parsed_slots(self, zone: ZoneInfo) -> list[tuple[datetime, datetime]] | None:
        """The slots as UTC-aware pairs, or None (with an error on the field) when a line is not understood."""
        out = []
        for line in (self.slots.data or "").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                day, times = line.split()
                start, end = times.split("-")
                begins = datetime.fromisoformat(f"{day}T{start}").replace(tzinfo=zone)
                ends = datetime.fromisoformat(f"{day}T{end}").replace(tzinfo=zone)
            except ValueError:
                self.slots.errors = [_s("This line is not understood: %(line)s", line=line)]
                return None
            if ends <= begins:
                self.slots.errors = [_s("The end must be after the start: %(line)s", line=line)]
                return None
            out.append((begins, ends))
        if len(out) < 2:
            self.slots.errors = [_s("Offer at least two times.")]
            return None
        return out


def slot_text(slot: PollSlot, language: str, setting) -> str:
    """'Tuesday 1 December, 09:30–10:30' in the language and the setting's zone."""
    zone = ZoneInfo(calendar.zone_name(setting))
    locale = BABEL_LOCALES.get(language, "en_GB")
    return (format_datetime(slot.starts_at, "EEEE d MMMM, HH:mm", tzinfo=zone, locale=locale) + "–"
            + format_time(slot.ends_at, "HH:mm", tzinfo=zone, locale=locale))


def _poll_section(contact) -> dict | None:
    open_polls = [p for p in db.session.scalars(select(Poll).where(
        Poll.setting_id == contact.setting_id, Poll.closed.is_(False)).order_by(Poll.id))
        if p.audience.get("sent") and invited(p, contact)]
    return {"polls": [(p, bool(polls.answers_of(p, contact))) for p in open_polls]} if open_polls else None


@bp.record_once
def _setup(state) -> None:
    links.register_purpose(state.app, "poll", "workshops.poll_landing")
    register_section(state.app, "workshops/_poll_section.html", _poll_section, order=31)


@bp.get("/polls", endpoint="polls")
@role_required(*STAFF)
def polls_index():
    """Meeting-time polls of this setting."""
    rows = db.session.scalars(select(Poll).where(Poll.setting_id == current_user.setting_id).order_by(Poll.id.desc())).all()
    return render_template("workshops/polls.html", polls=rows)


@bp.route("/polls/new", methods=["GET", "POST"])
@role_required(*STAFF)
def poll_new():
    """Propose times."""
    form = PollForm()
    form.audience.choices = _audience_choices()
    zone = ZoneInfo(calendar.zone_name(current_user.setting))
    if form.validate_on_submit():
        slots = form.parsed_slots(zone)
        if slots is not None:
            poll = Poll(setting_id=current_user.setting_id, title=form.title.data.strip(),
                        audience=_audience(form.audience.data))
            poll.slots = [PollSlot(starts_at=a, ends_at=b) for a, b in slots]
            db.session.add(poll)
            db.session.commit()
            return redirect(url_for("workshops.poll_show", poll_id=poll.id))
    return render_template("workshops/poll_new.html", form=form)


@bp.get("/polls/<int:poll_id>")
@role_required(*STAFF)
def poll_show(poll_id: int):
    """The slots ranked by how many families each reaches, and who no slot reaches."""
    poll = owned_or_404(db.session.get(Poll, poll_id))
    ranked, unreached = polls.ranking(poll)
    return render_template("workshops/poll_show.html", poll=poll, ranked=ranked, unreached=unreached,
                           invite_form=InviteForm(), slot_text=lambda s: slot_text(s, "en", poll.setting))


@bp.post("/polls/<int:poll_id>/send")
@role_required(*STAFF)
def poll_send(poll_id: int):
    """Ask the families, each with their own link."""
    poll = owned_or_404(db.session.get(Poll, poll_id))
    form = InviteForm()
    if poll.closed or not form.validate_on_submit():
        return redirect(url_for("workshops.poll_show", poll_id=poll.id))
    message_id = polls.send(poll, form.channels.data, lambda s, lang: slot_text(s, lang, poll.setting))
    poll.audience = {**poll.audience, "sent": True}
    notices.start(message_id)
    flash(_s("The poll is on its way."), "success")
    return redirect(url_for("workshops.poll_show", poll_id=poll.id))


@bp.post("/polls/<int:poll_id>/choose/<int:slot_id>")
@role_required(*STAFF)
def poll_choose(poll_id: int, slot_id: int):
    """Turn the chosen slot into a workshop (then edit and invite as usual)."""
    poll = owned_or_404(db.session.get(Poll, poll_id))
    slot = next((s for s in poll.slots if s.id == slot_id), None)
    if slot is None or not InviteForm().validate_on_submit():
        return redirect(url_for("workshops.poll_show", poll_id=poll.id))
    workshop = polls.to_workshop(poll, slot)
    db.session.commit()
    flash(_s("A workshop was made at the chosen time: check the details, then send the invitations."), "success")
    return redirect(url_for("workshops.edit", workshop_id=workshop.id))


@bp.get("/poll")
@parent_required("poll")
def poll_landing():
    """Where a poll link lands."""
    return redirect(url_for("workshops.poll_answer", poll_id=links.current_parent().scope_id or 0))


@bp.route("/poll/<int:poll_id>", methods=["GET", "POST"])
@parent_required("poll", links.FAMILY)
def poll_answer(poll_id: int):
    """The parent marks each time works / could / can't."""
    parent = links.current_parent()
    contact = parent.contact
    poll = db.session.get(Poll, poll_id)
    if poll is None or (parent.purpose == "poll" and parent.scope_id != poll_id) or not invited(poll, contact):
        return link_problem("unknown", 404)
    given = polls.answers_of(poll, contact)
    errors = set()
    if request.method == "POST":
        if poll.closed:  # (CSRF is checked app-wide by CSRFProtect)
            flash(_("This poll is closed. Thank you."), "error")
        else:
            given = {s.id: request.form.get(f"slot-{s.id}", "") for s in poll.slots}
            errors = {slot_id for slot_id, value in given.items() if value not in polls.ANSWERS}
            if not errors:
                polls.save_answers(poll, contact, given)
                db.session.commit()
                flash(_("Thank you. Your answers are saved; you can change them while the poll is open."), "success")
                return redirect(url_for("workshops.poll_answer", poll_id=poll.id))
    return render_template("workshops/poll_answer.html", poll=poll, given=given, errors=errors,
                           slot_text=lambda s: slot_text(s, contact.language, poll.setting))
