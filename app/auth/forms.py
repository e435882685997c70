"""Staff forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

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
