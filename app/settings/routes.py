"""The manager keeps the setting's details (name, contact details, language, time zone)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app.audit.services import record
from app.extensions import db
from app.i18n import _s
from app.security import MANAGER, role_required
from app.settings.forms import SettingForm

bp = Blueprint("settings", __name__, template_folder="templates")
FIELDS = ("name", "phone", "email", "address", "default_language", "timezone", "phone_region",
          "ofsted_phone", "ofsted_email", "ofsted_address")


@bp.route("/setting", methods=["GET", "POST"])
@role_required(MANAGER)
def edit():
    """Edit this setting's details (audited)."""
    setting = current_user.setting
    form = SettingForm(obj=setting)
    if form.validate_on_submit():
        changed = {}
        for field in FIELDS:
            value = (getattr(form, field).data or "").strip() or None
            if getattr(setting, field) != value:
                changed[field] = "updated"
                setattr(setting, field, value)
        if setting.require_manager_totp != form.require_manager_totp.data:
            changed["require_manager_totp"] = form.require_manager_totp.data
            setting.require_manager_totp = form.require_manager_totp.data
        if changed:
            record(setting.id, "setting.changed", setting, **changed)
        db.session.commit()
        flash(_s("The setting's details are saved."), "success")
        return redirect(url_for("settings.edit"))
    return render_template("settings/edit.html", form=form)
