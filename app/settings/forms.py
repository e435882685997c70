"""The setting's own details, as the manager keeps them."""
from __future__ import annotations

from zoneinfo import available_timezones

import phonenumbers
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.config import LANGUAGES
from app.i18n import _sl


def _timezones() -> list[tuple[str, str]]:
    return [(tz, tz) for tz in sorted(available_timezones()) if "/" in tz and not tz.startswith("Etc/")]


class SettingForm(FlaskForm):
    """Name, contact details, language, time zone and phone region of the setting."""

    name = StringField(_sl("Name of the setting"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_sl("Phone number parents call"), validators=[Optional(), Length(max=32)])
    email = EmailField(_sl("Email address parents write to"),
                       validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    address = TextAreaField(_sl("Address"), validators=[Optional(), Length(max=1000)])
    ofsted_phone = StringField(_sl("Ofsted's phone number"), validators=[Optional(), Length(max=32)])
    ofsted_email = EmailField(_sl("Ofsted's email address"),
                              validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    ofsted_address = TextAreaField(_sl("Ofsted's postal address"), validators=[Optional(), Length(max=1000)])
    default_language = SelectField(_sl("Default language"), choices=list(LANGUAGES.items()))
    timezone = SelectField(_sl("Time zone"))
    phone_region = StringField(_sl("Country for local phone numbers (two letters, GB for the UK)"),
                               validators=[DataRequired(), Length(min=2, max=2)])
    require_manager_totp = BooleanField(_sl("Managers must use two-step login (a code from an app on their phone)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = _timezones()

    def validate_phone_region(self, field) -> None:
        """Must be a region phonenumbers knows."""
        field.data = (field.data or "").upper()
        if field.data not in phonenumbers.SUPPORTED_REGIONS:
            raise ValidationError(_sl("Use a two-letter country code such as GB, IE or FR."))
