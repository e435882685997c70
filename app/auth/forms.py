"""Staff forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.auth.services import MIN_PASSWORD_LENGTH
from flask_babel import lazy_gettext as _l

from app.i18n import _sl
from app.security import ROLES


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class StaffForm(FlaskForm):
    """A member of staff, as a manager adds or edits them."""

    name = StringField(_sl("Name"), validators=[DataRequired(message=_sl("Enter their name.")), Length(max=200)])
    email = EmailField(_sl("Email"), validators=[
        DataRequired(message=_sl("Enter their email address.")),
        Email(check_deliverability=False, message=_sl("Enter an email address like name@example.com.")),
        Length(max=254)])
    role = SelectField(_sl("Role"), choices=list(ROLES.items()))
    room_id = SelectField(_sl("Room"), coerce=int, validators=[Optional()])
    active = BooleanField(_sl("Account active"), default=True)
    password = PasswordField(
        _sl("Password"), validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, message=_sl(
            "Use at least %(min)d characters (a few words together are easy to remember).", min=MIN_PASSWORD_LENGTH)),
            Length(max=200)]
    )


class CodeForm(FlaskForm):
    """The second step of login: a code from the authenticator app, or a recovery code."""

    code = StringField(_sl("Code"), validators=[DataRequired(message=_sl("Enter the code.")), Length(max=40)])


class EnrolForm(FlaskForm):
    """Confirm the authenticator app with one of its codes."""

    code = StringField(_sl("Code from the app"), validators=[
        DataRequired(message=_sl("Enter the 6-digit code the app shows.")), Length(max=20)])


class PasswordCheckForm(FlaskForm):
    """Your password again, before a change to how you log in."""

    password = PasswordField(_sl("Your password"), validators=[
        DataRequired(message=_sl("Enter your password.")), Length(max=200)])


class ForgotPasswordForm(FlaskForm):
    """The address a reset link goes to."""

    email = EmailField(_sl("Email"), validators=[DataRequired(message=_sl("Enter your email address.")),
                                                 Length(max=254)])


class NewPasswordForm(FlaskForm):
    """A new password, twice."""

    password = PasswordField(_sl("New password"), validators=[
        DataRequired(message=_sl("Enter a new password.")),
        Length(min=MIN_PASSWORD_LENGTH, message=_sl(
            "Use at least %(min)d characters (a few words together are easy to remember).", min=MIN_PASSWORD_LENGTH)),
        Length(max=200)])
    confirm = PasswordField(_sl("The new password again"), validators=[
        DataRequired(message=_sl("Enter the new password again.")),
        EqualTo("password", message=_sl("The two passwords are not the same."))])
