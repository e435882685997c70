"""Staff login extras: the code step of two-step login, setting it up, and password reset by email.

Registers on auth.bp (imported by create_app)."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from app.auth import passwords
from app.auth import two_factor as totp
from app.auth.forms import CodeForm, EnrolForm, ForgotPasswordForm, NewPasswordForm, PasswordCheckForm
from app.auth.models import User
from app.auth.routes import PENDING, bp, finish_login
from app.auth.services import end_all_sessions, load_user
from app.clock import utcnow
from app.extensions import db, limiter, link_limit, login_limit
from app.i18n import _s
from app.security import MANAGER, owned_or_404, role_required

CODE_STEP_TIME = timedelta(minutes=5)  # between the right password and the code
CODE_TRIES = 5  # wrong codes before the password must be given again
SETUP_SECRET = "totp_setup"  # session key of the secret being set up

# Pages a manager who must set up two-step login can still open.
OPEN_BEFORE_ENROLMENT = {"auth.two_factor", "auth.two_factor_confirm", "auth.logout", "static", "home.choose_language"}


@bp.before_app_request
def managers_enrol_first():
    """When the setting requires it, a manager without two-step login sees only the set-up page."""
    if (current_user.is_authenticated and request.endpoint not in OPEN_BEFORE_ENROLMENT
            and not current_user.totp_enabled and totp.required_for(current_user)):
        return redirect(url_for("auth.two_factor"))
    return None


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not pending or utcnow().timestamp() - pending.get("at", 0) > CODE_STEP_TIME.total_seconds():
        return None
    user = load_user(pending["user"])
    return user if user is not None and user.active and user.totp_enabled else None


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login_code():
    """Second step of login: the code from the authenticator app, or a recovery code."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_s("Please log in again."), "error")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        if totp.check_code(user, code) or (len(code) > 8 and totp.use_recovery_code(user, code)):
            return finish_login(user, session[PENDING].get("next"))
        db.session.commit()  # a code seen once stays spent
        pending = dict(session[PENDING], tries=session[PENDING].get("tries", 0) + 1)
        if pending["tries"] >= CODE_TRIES:
            session.pop(PENDING, None)
            flash(_s("Too many wrong codes. Please log in again."), "error")
            return redirect(url_for("auth.login"))
        session[PENDING] = pending
        form.code.errors.append(_s("That code is not right. Codes change every 30 seconds: try the one the app "
                                   "shows now."))
    return render_template("auth/login_code.html", form=form)


@bp.route("/account/two-step", methods=["GET"])
@login_required
def two_factor():
    """Two-step login of one's own account: set it up (QR code and key), or see that it is on."""
    user = current_user._get_current_object()
    if user.totp_enabled:
        return render_template("auth/two_factor.html", user=user, off_form=PasswordCheckForm(),
                               codes_left=totp.recovery_codes_left(user),
                               required=totp.required_for(user))
    # The new secret waits in the (signed) session until a code confirms it: opening the page saves nothing.
    session.setdefault(SETUP_SECRET, totp.new_secret())
    return _enrol_page(user, EnrolForm())


def _enrol_page(user: User, form: EnrolForm):
    secret = session[SETUP_SECRET]
    return render_template("auth/two_factor_enrol.html", user=user, form=form, qr=totp.qr_svg(user, secret),
                           key=totp.grouped_key(secret), required=totp.required_for(user))


@bp.post("/account/two-step/confirm")
@login_required
@limiter.limit(login_limit)
def two_factor_confirm():
    """Confirm the app with a code: two-step login is on; the recovery codes are shown once."""
    user = current_user._get_current_object()
    if user.totp_enabled or not session.get(SETUP_SECRET):
        return redirect(url_for("auth.two_factor"))
    form = EnrolForm()
    if form.validate_on_submit():
        codes = totp.confirm_enrolment(user, session[SETUP_SECRET], form.code.data)
        if codes:
            db.session.commit()
            session.pop(SETUP_SECRET)
            return render_template("auth/recovery_codes.html", codes=codes)
        form.code.errors.append(_s("That code is not right. Check the app shows Homelink, then try the code "
                                   "it shows now."))
    return _enrol_page(user, form)


@bp.post("/account/two-step/off")
@login_required
@limiter.limit(login_limit)
def two_factor_off():
    """Turn two-step login off (password needed; refused when the setting requires it)."""
    user = current_user._get_current_object()
    form = PasswordCheckForm()
    if totp.required_for(user):
        flash(_s("Your setting requires two-step login for managers, so it cannot be turned off."), "error")
    elif form.validate_on_submit() and user.check_password(form.password.data):
        totp.turn_off(user, actor=user)
        db.session.commit()
        flash(_s("Two-step login is off."), "success")
    else:
        flash(_s("That password is not right, so two-step login is still on."), "error")
    return redirect(url_for("auth.two_factor"))


@bp.post("/staff/<int:user_id>/two-step/off")
@role_required(MANAGER)
def staff_two_factor_off(user_id: int):
    """A manager turns off another member of staff's two-step login (a lost phone; audited)."""
    user = owned_or_404(db.session.get(User, user_id))
    if user.id != current_user.id and user.totp_enabled:
        totp.turn_off(user, actor=current_user)
        end_all_sessions(user)
        db.session.commit()
        flash(_s("Two-step login is off for %(name)s.", name=user.name), "success")
    return redirect(url_for("auth.edit_staff", user_id=user.id))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_reset(form.email.data)
        db.session.commit()
        return render_template("auth/forgot_password.html", form=form, sent=True)
    return render_template("auth/forgot_password.html", form=form, sent=False)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(link_limit)
def reset_password(token: str):
    """The link from the email: choose a new password (once, before the link expires)."""
    reset = passwords.find_valid(token)
    if reset is None:
        return render_template("auth/reset_password.html", form=None), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        passwords.complete_reset(reset, form.password.data)
        db.session.commit()
        session.clear()
        flash(_s("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)

