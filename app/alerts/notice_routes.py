"""Manager pages: late-collection options, the illness list, illness notices, urgent notices."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.alerts import notices, services
from app.alerts.forms import IllnessForm, IllnessNoticeForm, OptionsForm, UrgentNoticeForm, PLACEHOLDER_HELP
from app.alerts.models import Illness
from app.alerts.routes import bp
from app.config import LANGUAGES
from app.extensions import db
from app.families.models import Room
from app.i18n import _s
from app.security import MANAGER, PICO, owned_or_404, role_required

TIMES = ("closing_time", "afternoon_from")
OPTION_FIELDS = ("escalate_minutes", "limit_minutes", "closing_time", "afternoon_from", "manager_phone",
                 "duty_line")


@bp.route("/options", methods=["GET", "POST"])
@role_required(MANAGER)
def options():
    """The manager sets timings, numbers to call and the wording of the late-collection text."""
    setting = current_user.setting
    opts = services.options_for(setting)
    form = OptionsForm(obj=opts)
    if not form.is_submitted():
        for code in LANGUAGES:
            getattr(form, f"template_{code}").data = (opts.templates or {}).get(code, "")
    if form.validate_on_submit():
        for name in OPTION_FIELDS:
            value = getattr(form, name).data
            setattr(opts, name, value.strip() or None if isinstance(value, str) and name not in TIMES else value)
        opts.templates = {code: getattr(form, f"template_{code}").data.strip() for code in LANGUAGES
                          if (getattr(form, f"template_{code}").data or "").strip()}
        db.session.add(opts)  # the defaults are saved the first time the manager saves
        db.session.commit()
        flash(_s("Late-collection options saved."), "success")
        return redirect(url_for("alerts.options"))
    return render_template("alerts/options.html", form=form, languages=LANGUAGES, placeholders=PLACEHOLDER_HELP)


@bp.route("/illnesses", methods=["GET", "POST"])
@bp.route("/illnesses/<int:illness_id>", methods=["GET", "POST"])
@role_required(MANAGER)
def illnesses(illness_id: int | None = None):
    """The illness list, and a form to add (or change) one."""
    setting = current_user.setting
    illness = owned_or_404(db.session.get(Illness, illness_id)) if illness_id else None
    form = IllnessForm()  # not obj=illness: its `guidance` is a dict of languages, the field one text
    if illness and not form.is_submitted():
        form.name.data = illness.name
        form.guidance.data = (illness.guidance or {}).get(setting.default_language, "")
        for code in LANGUAGES:
            getattr(form, f"name_{code}").data = (illness.names or {}).get(code, "")
            getattr(form, f"guidance_{code}").data = (illness.guidance or {}).get(code, "")
    if form.validate_on_submit():
        names = {code: getattr(form, f"name_{code}").data for code in LANGUAGES}
        guidance = {code: getattr(form, f"guidance_{code}").data for code in LANGUAGES}
        guidance[setting.default_language] = form.guidance.data
        notices.save_illness(setting, form.name.data, names, guidance, illness)
        db.session.commit()
        flash(_s("The illness list is saved."), "success")
        return redirect(url_for("alerts.illnesses"))
    return render_template("alerts/illnesses.html", form=form, illness=illness,
                           illnesses=notices.illnesses(setting), languages=LANGUAGES)


@bp.route("/illness-notice", methods=["GET", "POST"])
@role_required(MANAGER, PICO)
def illness_notice():
    """Tell every family in the rooms affected about an illness (no child is named)."""
    setting = current_user.setting
    form = IllnessNoticeForm()
    form.illness.choices = [(i.id, i.name) for i in notices.illnesses(setting)]
    form.rooms.choices = [(r.id, r.name) for r in db.session.scalars(
        select(Room).where(Room.setting_id == setting.id).order_by(Room.name))]
    if form.validate_on_submit():
        illness = owned_or_404(db.session.get(Illness, form.illness.data))
        message_id = notices.illness_notice(setting, illness, form.rooms.data, current_user)
        services.dispatch([message_id])
        flash(_s("The illness notice is being sent, ahead of any other message."), "success")
        return redirect(url_for("messaging.delivery_report", message_id=message_id))
    return render_template("alerts/illness_notice.html", form=form)


@bp.route("/urgent-notice", methods=["GET", "POST"])
@role_required(MANAGER, PICO)
def urgent_notice():
    """Emergency closure or another urgent notice to every family, by text and email."""
    setting = current_user.setting
    form = UrgentNoticeForm()
    if form.validate_on_submit():
        words = {code: (form[f"text_{code}"].data or "").strip() for code in LANGUAGES}
        words = {code: text for code, text in words.items() if text}
        words[setting.default_language] = form.text.data.strip()
        message_id = notices.urgent_notice(setting, words, current_user)
        services.dispatch([message_id])
        flash(_s("The urgent notice is being sent to every family, ahead of any other message."), "success")
        return redirect(url_for("messaging.delivery_report", message_id=message_id))
    translations = [form[f"text_{code}"] for code in LANGUAGES if code != setting.default_language]
    return render_template("alerts/urgent_notice.html", form=form, translations=translations)
