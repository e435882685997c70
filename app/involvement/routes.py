"""Involvement pages: the parent's 'Get involved' page (by link or family page) and the PICO's page."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.i18n import _s
from app.involvement import services
from app.involvement.forms import AcceptForm, InterestForm, MeetingForm, OpportunityForm, SkillsForm
from app.involvement.models import (PENDING, ForumMeeting, ForumMember, InterestSignup, Opportunity,
                                    VolunteerSignup, VolunteerSlot)
from app.messaging.render import PERSONAL_LINK
from app.parents import links
from app.parents.routes import parent_required
from app.parents.sections import register_section
from app.security import MANAGER, PICO, owned_or_404, role_required
from app.workshops import calendar, notices

bp = Blueprint("involvement", __name__, template_folder="templates")
STAFF = (MANAGER, PICO)
SLOT_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})-(\d{1,2}:\d{2})(?:\s+x(\d+))?$")


def _section(contact) -> dict:
    return {"meetings": services.meetings_for(contact)}


@bp.record_once
def _setup(state) -> None:
    links.register_purpose(state.app, "involve", "involvement.page")
    register_section(state.app, "involvement/_family_section.html", _section, order=40)


# --- parents ------------------------------------------------------------------------------------

@bp.route("/involved", methods=["GET", "POST"])
@parent_required("involve", links.FAMILY)
def page():
    """Join the forum, offer help in a slot, share skills, ask for a course."""
    contact = links.current_parent().contact
    skills_form = SkillsForm(prefix="skills")
    interest_form = InterestForm(prefix="interest")
    action = request.form.get("action", "")
    if request.method == "POST":
        if action == "join":
            services.ask_to_join(contact)
            flash(_("Thank you. We will be in touch about joining the forum."), "success")
        elif action.startswith(("offer:", "withdraw:")):
            kind, _sep, slot_id = action.partition(":")
            slot = db.session.get(VolunteerSlot, int(slot_id)) if slot_id.isdigit() else None
            if slot is None or slot.opportunity.setting_id != contact.setting_id:
                flash(_("This is no longer available."), "error")
            elif kind == "withdraw":
                services.withdraw(slot, contact)
                flash(_("Thank you for letting us know."), "success")
            else:
                try:
                    services.offer_help(slot, contact)
                    flash(_("Thank you for offering to help. We will confirm with you soon."), "success")
                except services.SignupRefused as refused:
                    flash(_("Thank you, but we already have enough helpers for this time.") if refused.reason == "full"
                          else _("This is no longer available."), "error")
        elif action == "skills" and skills_form.validate_on_submit():
            services.save_skills(contact, (skills_form.skills.data or "").strip())
            flash(_("Thank you. Your skills are saved."), "success")
        elif action == "interest" and interest_form.validate_on_submit():
            services.add_interest(contact, interest_form.topic.data.strip())
            flash(_("Thank you. We will tell you when there is one."), "success")
        if not (skills_form.errors or interest_form.errors):
            db.session.commit()
            return redirect(url_for("involvement.page"))
    if request.method == "GET":
        offer = services.skills_of(contact)
        skills_form.skills.data = offer.skills if offer else ""
    zone = ZoneInfo(calendar.zone_name(contact.setting))
    slots = [(slot, services.signup_of(slot, contact), services.taken(slot)) for slot in services.open_slots(contact.setting_id)]
    return render_template("involvement/page.html", contact=contact, member=services.membership(contact),
                           is_member=services.is_member(contact), slots=slots, zone=zone,
                           skills_form=skills_form, interest_form=interest_form,
                           interests=services.interests_of(contact))


# --- staff --------------------------------------------------------------------------------------

def _parse_slots(text: str, zone: ZoneInfo) -> list[tuple[datetime, datetime, int]] | None:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = SLOT_LINE.match(line.strip())
        if not match:
            return None
        day, start, end, needed = match.groups()
        try:
            begins = datetime.fromisoformat(f"{day}T{start.zfill(5)}").replace(tzinfo=zone)
            ends = datetime.fromisoformat(f"{day}T{end.zfill(5)}").replace(tzinfo=zone)
        except ValueError:
            return None
        if ends <= begins:
            return None
        out.append((begins, ends, int(needed or 1)))
    return out or None


@bp.route("/involvement", methods=["GET", "POST"])
@role_required(*STAFF)
def manage():
    """Forum members and meetings, volunteering, skills search, interest sign-ups."""
    setting = current_user.setting
    zone = ZoneInfo(calendar.zone_name(setting))
    meeting_form, opportunity_form = MeetingForm(prefix="meeting"), OpportunityForm(prefix="opp")
    action = request.form.get("action")
    if action == "meeting" and meeting_form.validate_on_submit():
        meeting = ForumMeeting(setting_id=setting.id, title=meeting_form.title.data.strip(),
                               starts_at=meeting_form.starts_at.data.replace(tzinfo=zone),
                               agenda=meeting_form.agenda.data or "", minutes=meeting_form.minutes.data or "",
                               all_parents=meeting_form.all_parents.data)
        db.session.add(meeting)
        db.session.flush()
        notices.start(services.publish(meeting, setting, actor=current_user))
        flash(_s("The meeting is published."), "success")
        return redirect(url_for("involvement.manage"))
    if action == "opportunity" and opportunity_form.validate_on_submit():
        slots = _parse_slots(opportunity_form.slots.data, zone)
        if slots is None:
            opportunity_form.slots.errors = [_s("Write each slot as 2026-12-01 09:30-11:00 x2.")]
        else:
            opportunity = Opportunity(setting_id=setting.id, title=opportunity_form.title.data.strip(),
                                      description=(opportunity_form.description.data or "").strip())
            opportunity.slots = [VolunteerSlot(starts_at=a, ends_at=b, needed=n) for a, b, n in slots]
            db.session.add(opportunity)
            db.session.commit()
            flash(_s("Saved. Use “Ask parents” to send the sign-up link."), "success")
            return redirect(url_for("involvement.manage"))
    query = request.args.get("q", "").strip()
    members = db.session.scalars(select(ForumMember).where(ForumMember.setting_id == setting.id)
                                 .order_by(ForumMember.status, ForumMember.id)).all()
    opportunities = db.session.scalars(select(Opportunity).where(Opportunity.setting_id == setting.id)
                                       .order_by(Opportunity.id.desc())).all()
    meetings = db.session.scalars(select(ForumMeeting).where(ForumMeeting.setting_id == setting.id)
                                  .order_by(ForumMeeting.starts_at.desc())).all()
    interests = db.session.scalars(select(InterestSignup).where(InterestSignup.setting_id == setting.id)
                                   .order_by(InterestSignup.id.desc()).limit(200)).all()
    return render_template("involvement/manage.html", members=members, opportunities=opportunities,
                           meetings=meetings, interests=interests, query=query,
                           offers=services.search_skills(setting.id, query), accept_form=AcceptForm(prefix="accept"),
                           meeting_form=meeting_form, opportunity_form=opportunity_form, pending=PENDING,
                           taken=services.taken, zone=zone)


@bp.post("/involvement/members/<int:member_id>")
@role_required(*STAFF)
def member(member_id: int):
    """Accept a member for a term, or end a membership."""
    member = owned_or_404(db.session.get(ForumMember, member_id))
    form = AcceptForm(prefix="accept")
    if request.form.get("action") == "end":
        services.end(member, actor=current_user)
    elif form.validate_on_submit():
        services.accept(member, form.term_start.data, form.term_end.data, form.role.data.strip(), actor=current_user)
    else:
        flash(_s("Enter the start of the term."), "error")
    db.session.commit()
    return redirect(url_for("involvement.manage"))


@bp.post("/involvement/signups/<int:signup_id>/confirm")
@role_required(*STAFF)
def confirm(signup_id: int):
    """Confirm a helper."""
    signup = db.session.get(VolunteerSignup, signup_id)
    owned_or_404(signup.slot.opportunity if signup else None)
    services.confirm(signup, actor=current_user)
    db.session.commit()
    return redirect(url_for("involvement.manage"))


@bp.post("/involvement/opportunities/<int:opportunity_id>/ask")
@role_required(*STAFF)
def ask(opportunity_id: int):
    """Send every family the sign-up link for an opportunity."""
    from app.config import LANGUAGES
    from app.i18n import in_language
    from app.messaging.services import create_message

    opportunity = owned_or_404(db.session.get(Opportunity, opportunity_id))
    versions = {}
    for language in LANGUAGES:
        with in_language(language):
            versions[language] = {
                "subject": _("Can you help? %(title)s", title=opportunity.title),
                "body_text": "\n\n".join(p for p in (opportunity.title, opportunity.description, _(
                    "If you can help, please sign up here: %(url)s", url=PERSONAL_LINK)) if p),
                "sms_text": _("Can you help? %(title)s. Sign up here: %(url)s", title=opportunity.title, url=PERSONAL_LINK)}
    message = create_message(current_user.setting, category="involvement", channels="both", audience={"all": True},
                             audience_label=opportunity.title[:200], versions=versions, created_by=current_user,
                             link_purpose="involve")
    notices.start(message.id)
    flash(_s("The sign-up link is on its way to every family."), "success")
    return redirect(url_for("messaging.delivery_report", message_id=message.id))
