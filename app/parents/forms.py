"""The form a parent uses to keep their own details up to date."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, TelField
from wtforms.validators import Length, Optional

from app.config import LANGUAGES


class DetailsForm(FlaskForm):
    """Email, mobile, language and how the parent wants to hear from the setting."""

    email = EmailField(_l("Email address"), validators=[Optional(), Length(max=254)])
    mobile = TelField(_l("Mobile number"), validators=[Optional(), Length(max=40)])
    language = SelectField(_l("Language for messages"), choices=list(LANGUAGES.items()))
    channels = RadioField(
        _l("How should we contact you?"),
        choices=[("both", _l("Email and text message")), ("email", _l("Email only")), ("sms", _l("Text message only"))],
        default="both",
    )
