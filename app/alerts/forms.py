"""Manager forms: late-collection options and wording, the illness list, illness and urgent notices."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.alerts.texts import PLACEHOLDERS, unknown_placeholders
from app.config import LANGUAGES
from app.i18n import _sl


def _check_template(form, field) -> None:
    if field.data and unknown_placeholders(field.data):
        raise ValidationError(_sl("Use only these names in braces: {child}, {setting}, {phone}, {closing}."))


class OptionsForm(FlaskForm):
    """Timings, numbers to call and the wording of the late-collection text."""

    escalate_minutes = IntegerField(_sl("Minutes before the next contacts are texted"),
                                    validators=[DataRequired(), NumberRange(min=1, max=120)])
    limit_minutes = IntegerField(_sl("Minutes before the non-collection procedure applies"),
                                 validators=[DataRequired(), NumberRange(min=5, max=480)])
    closing_time = StringField(_sl("Closing time (HH:MM)"), validators=[DataRequired(), Length(max=5)])
    afternoon_from = StringField(_sl("Afternoon session starts (HH:MM)"), validators=[DataRequired(), Length(max=5)])
    manager_phone = StringField(_sl("Manager's phone"), validators=[Optional(), Length(max=32)])
    duty_line = StringField(_sl("Local authority duty line"), validators=[Optional(), Length(max=32)])

    def validate_closing_time(self, field) -> None:
        """HH:MM, 24-hour."""
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", field.data or ""):
            raise ValidationError(_sl("Write the time as HH:MM, for example 18:00."))

    validate_afternoon_from = validate_closing_time


for _code, _name in LANGUAGES.items():
    setattr(OptionsForm, f"template_{_code}", TextAreaField(
        _sl("Text in %(language)s (leave empty for the standard text)", language=_name),
        validators=[Optional(), Length(max=600), _check_template]))


class IllnessForm(FlaskForm):
    """One illness on the list: its name, and what to look for in the setting's language."""

    name = StringField(_sl("Illness"), validators=[DataRequired(), Length(max=100)])
    guidance = TextAreaField(_sl("What parents should look for"), validators=[DataRequired(), Length(max=1500)])


for _code, _name in LANGUAGES.items():
    setattr(IllnessForm, f"name_{_code}", StringField(_sl("Name in %(language)s", language=_name),
                                                      validators=[Optional(), Length(max=100)]))
    setattr(IllnessForm, f"guidance_{_code}", TextAreaField(
        _sl("What to look for, in %(language)s", language=_name), validators=[Optional(), Length(max=1500)]))


class IllnessNoticeForm(FlaskForm):
    """Which illness, which rooms."""

    illness = SelectField(_sl("Illness"), coerce=int)
    rooms = SelectMultipleField(_sl("Rooms affected"), coerce=int, validators=[DataRequired()])


class UrgentNoticeForm(FlaskForm):
    """An urgent notice (emergency closure) to every family, by text and email."""

    text = TextAreaField(_sl("What families need to know"), validators=[DataRequired(), Length(max=600)])


for _code, _name in LANGUAGES.items():
    setattr(UrgentNoticeForm, f"text_{_code}", TextAreaField(
        _sl("In %(language)s (optional: otherwise families get the text above under a translated heading)",
            language=_name), validators=[Optional(), Length(max=600)]))


PLACEHOLDER_HELP = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
