"""Log in and out; managers look after staff accounts."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.audit.services import record
from app.clock import utcnow
from app.auth import services, two_factor
from app.auth.forms import LoginForm, StaffForm
from app.auth.models import User
from app.extensions import db, limiter, login_limit
from app.families.models import Room
from app.home import _safe_next
from app.i18n import _s
from app.security import MANAGER, owned_or_404, role_required

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    """Staff log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("That email and password do not match an active account."))
        elif user.totp_enabled:
            db.session.rollback()  # not logged in yet: last_login_at waits for the code
            start_second_step(user, request.args.get("next"))
            return redirect(url_for("auth.login_code"))
        else:
            return finish_login(user, request.args.get("next"))
    return render_template("auth/login.html", form=form)


PENDING = "pending_login"  # session key: the account whose password was right, waiting for its code


def start_second_step(user: User, next_url: str | None) -> None:
    """Password right, code still to come: remember who (id and session version), when and where to."""
    session[PENDING] = {"user": user.get_id(), "at": utcnow().timestamp(), "next": next_url, "tries": 0}


def finish_login(user: User, next_url: str | None):
    """Log the account in with a fresh session (audited); a manager who must use two-step login and
    has not set it up yet goes to set it up first."""
    lang = session.get("lang")
    session.clear()  # a fresh session at login
    if lang:
        session["lang"] = lang
    login_user(user)
    user.last_login_at = utcnow()
    record(user.setting_id, "staff.login", user, actor=user)
    db.session.commit()
    if two_factor.required_for(user) and not user.totp_enabled:
        flash(_s("Your setting asks managers to use two-step login. Set it up to continue."), "info")
        return redirect(url_for("auth.two_factor"))
    return redirect(_safe_next(next_url))


@bp.post("/logout")
@login_required
def logout():
    """End this staff session."""
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.get("/staff")
@role_required(MANAGER)
def staff():
    """Everyone on the staff of this setting."""
    users = db.session.scalars(
        select(User).where(User.setting_id == current_user.setting_id).order_by(User.name)
    ).all()
    return render_template("auth/staff.html", users=users)


def _room_choices() -> list[tuple[int, str]]:
    rooms = db.session.scalars(select(Room).where(Room.setting_id == current_user.setting_id).order_by(Room.name))
    return [(0, _s("No room"))] + [(r.id, r.name) for r in rooms]


@bp.route("/staff/new", methods=["GET", "POST"])
@bp.route("/staff/<int:user_id>", methods=["GET", "POST"])
@role_required(MANAGER)
def edit_staff(user_id: int | None = None):
    """Add a member of staff, or change one."""
    user = owned_or_404(db.session.get(User, user_id)) if user_id else None
    form = StaffForm(obj=user)
    form.room_id.choices = _room_choices()
    if request.method == "GET" and user is not None:
        form.room_id.data = user.room_id or 0
    if form.validate_on_submit():
        room_id = form.room_id.data or None
        existing = services.find_by_email(form.email.data)
        if existing is not None and existing is not user:
            form.email.errors.append(_s("Another account already uses this email."))
        elif user is None and not form.password.data:
            form.password.errors.append(_s("Set a first password (at least 10 characters)."))
        elif user is not None and user.id == current_user.id and _locks_self_out(form):
            pass  # the form now carries the reason next to the field
        else:
            if user is None:
                user = services.create_user(current_user.setting_id, form.email.data, form.name.data,
                                            form.role.data, form.password.data, room_id)
                if not form.active.data:
                    user.active = False
                    record(user.setting_id, "staff.changed", user, active=False)
            else:
                _update_staff(user, form, room_id)
            db.session.commit()
            if user.id == current_user.id:
                login_user(user)  # their own password changed: keep this session, end the others
            flash(_s("Saved %(name)s.", name=user.name), "success")
            return redirect(url_for("auth.staff"))
    return render_template("auth/staff_form.html", form=form, user=user)


def _locks_self_out(form: StaffForm) -> bool:
    """A manager cannot take away their own manager role or disable their own account."""
    if form.role.data != MANAGER:
        form.role.errors.append(_s("You cannot take away your own manager role: ask another manager."))
    if not form.active.data:
        form.active.errors.append(_s("You cannot disable your own account."))
    return bool(form.role.errors or form.active.errors)


def _update_staff(user: User, form: StaffForm, room_id: int | None) -> None:
    changes = {}
    for field in ("name", "email", "role", "active"):
        new = getattr(form, field).data
        if field == "email":
            new = new.strip().lower()
        if getattr(user, field) != new:
            changes[field] = new
            setattr(user, field, new)
    if user.room_id != room_id:
        changes["room_id"] = room_id
        user.room_id = room_id
    if form.password.data:
        user.set_password(form.password.data)
        changes["password"] = "changed"
    if {"role", "active", "password"} & changes.keys():
        services.end_all_sessions(user)
    if changes:
        record(user.setting_id, "staff.changed", user, **changes)
