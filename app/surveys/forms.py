"""Staff forms of the survey builder."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, FloatField, SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.i18n import _sl
from app.messaging.audience_form import AudienceForm
from app.surveys.models import KINDS, TEXT_STATUSES

KIND_NAMES = dict(zip(KINDS, (_sl("Single choice"), _sl("Multiple choice"), _sl("Rating scale (1–5)"),
                              _sl("Agree / disagree"), _sl("Yes / no"), _sl("Number"), _sl("Short text"),
                              _sl("Long text"))))


class SurveyForm(AudienceForm):
    """Title, introduction, mode, dates, reminders, channels, audience."""

    title = StringField(_sl("Title"), validators=[DataRequired(), Length(max=200)])
    intro = TextAreaField(_sl("Introduction for parents"), validators=[Length(max=2000)])
    mode = SelectField(_sl("Privacy"), choices=[
        ("confidential", _sl("Confidential: answers cannot be linked to a family")),
        ("named", _sl("Named: parents are told their name is kept with their answers"))])
    opens_at = DateTimeLocalField(_sl("Opens (UTC)"), validators=[Optional()])
    closes_at = DateTimeLocalField(_sl("Closes (UTC)"), validators=[Optional()])
    reminder_days = StringField(_sl("Reminder days after sending"), default="3,7",
                                validators=[Optional(), Regexp(r"^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$",
                                                               message=_sl("Days as numbers, e.g. 3,7"))])
    channels = SelectField(_sl("Send by"), choices=[("both", _sl("Email and text message")),
                                                     ("email", _sl("Email")), ("sms", _sl("Text message"))])


class SectionForm(FlaskForm):
    """A new section."""

    section_title = StringField(_sl("Section title"), validators=[Length(max=200)])


class QuestionForm(FlaskForm):
    """A new question."""

    section = SelectField(_sl("Section"), coerce=int)
    kind = SelectField(_sl("Type"), choices=list(KIND_NAMES.items()))
    text = TextAreaField(_sl("Question"), validators=[DataRequired(), Length(max=1000)])
    required = BooleanField(_sl("Required"))
    options = TextAreaField(_sl("Choices (one per line)"), validators=[Length(max=3000)])
    low = StringField(_sl("Label for 1"), validators=[Length(max=80)])
    high = StringField(_sl("Label for 5"), validators=[Length(max=80)])
    min_value = FloatField(_sl("Smallest number"), validators=[Optional()])
    max_value = FloatField(_sl("Largest number"), validators=[Optional()])
    show_if = SelectField(_sl("Show only if question"), coerce=int, default=0)
    show_if_value = StringField(_sl("…has the answer"), validators=[Length(max=40)])


class TextForm(FlaskForm):
    """Only for CSRF: the translation page posts one text and status per key."""


STATUS_NAMES = dict(zip(TEXT_STATUSES, (_sl("Draft"), _sl("Needs review"), _sl("Approved"))))


class QuestionEditForm(FlaskForm):
    """Change a question (after sending, only its wording)."""

    text = TextAreaField(_sl("Question"), validators=[DataRequired(), Length(max=1000)])
    required = BooleanField(_sl("Required"))
    options = TextAreaField(_sl("Choices (one per line)"), validators=[Length(max=3000)])
    low = StringField(_sl("Label for 1"), validators=[Length(max=80)])
    high = StringField(_sl("Label for 5"), validators=[Length(max=80)])
    min_value = FloatField(_sl("Smallest number"), validators=[Optional()])
    max_value = FloatField(_sl("Largest number"), validators=[Optional()])


class SectionEditForm(FlaskForm):
    """Correct a section's title."""

    section_title = StringField(_sl("Section title"), validators=[Length(max=200)])
