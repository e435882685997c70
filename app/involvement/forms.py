"""Forms of involvement: the parent's skills and interest forms; the PICO's forum, meeting and opportunity forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.i18n import _sl


class SkillsForm(FlaskForm):
    """What a parent could share."""

    skills = TextAreaField(_l("Skills or interests you could share with the children"), validators=[
        Length(max=1000, message=_l("Please keep this under 1,000 characters."))])


class InterestForm(FlaskForm):
    """A topic the parent would like a course on."""

    topic = StringField(_l("Tell me when there is a course or workshop on:"), validators=[
        DataRequired(_l("Please write a topic.")), Length(max=200, message=_l("Please keep this under 200 characters."))])


class AcceptForm(FlaskForm):
    """Accept a forum member for a term (staff)."""

    term_start = DateField(_sl("Term starts"), validators=[InputRequired(_sl("Enter the start of the term."))])
    term_end = DateField(_sl("Term ends (optional)"), validators=[Optional()])
    role = StringField(_sl("Role (chair, secretary …)"), validators=[Length(max=60)])


class MeetingForm(FlaskForm):
    """A forum meeting (staff)."""

    title = StringField(_sl("Meeting"), validators=[DataRequired(_sl("Give the meeting a title.")), Length(max=200)])
    starts_at = DateTimeLocalField(_sl("When"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_sl("Enter the date and time."))])
    agenda = TextAreaField(_sl("Agenda"), validators=[Length(max=10000)])
    minutes = TextAreaField(_sl("Minutes"), validators=[Length(max=20000)])
    all_parents = BooleanField(_sl("Publish to all parents, not only forum members"))


class OpportunityForm(FlaskForm):
    """A volunteering opportunity with its slots (staff)."""

    title = StringField(_sl("What help is needed"), validators=[DataRequired(_sl("Give it a title.")), Length(max=200)])
    description = TextAreaField(_sl("Details"), validators=[Length(max=5000)])
    slots = TextAreaField(_sl("Slots, one per line: 2026-12-01 09:30-11:00 x2 (x2 = helpers needed)"),
                          validators=[DataRequired(_sl("Add at least one slot."))])
