"""Forms: the staff's workshop form and the parent's RSVP form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectChoice, SelectField,
                     SelectMultipleField, StringField, TextAreaField, TimeField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.config import LANGUAGES
from app.i18n import _sl

CHOOSE_ONE = _l("Please choose one of the options.")


class WorkshopForm(FlaskForm):
    """What the PICO fills in for a workshop (staff strings)."""

    kind = SelectField(_sl("Kind"), choices=[("workshop", _sl("Workshop")), ("course", _sl("Course")),
                                             ("meeting", _sl("Meeting")), ("event", _sl("Event"))])
    title = StringField(_sl("Title"), validators=[DataRequired(_sl("Give the workshop a title.")), Length(max=200)])
    description = TextAreaField(_sl("Description"), validators=[Length(max=5000)])
    session_rows = HiddenField(default="1")
    venue = StringField(_sl("Venue"), validators=[Length(max=300)])
    access_notes = TextAreaField(_sl("Accessibility notes (step-free access, hearing loop …)"),
                                 validators=[Length(max=2000)])
    capacity = IntegerField(_sl("Places for adults (leave empty for no limit)"),
                            validators=[Optional(), NumberRange(min=1, max=10000)])
    creche = BooleanField(_sl("A crèche is offered"))
    audience = SelectMultipleField(_sl("Invite"), coerce=str,
                                   validators=[DataRequired(_sl("Choose who is invited."))])
    rsvp_mode = RadioField(_sl("Who answers"), default="family", choices=[
        ("family", _sl("One answer per family (both parents of a child share it)")),
        ("contact", _sl("Each parent or carer answers for themselves"))])
    deadline = DateField(_sl("Replies by (optional; end of that day)"), validators=[Optional()])
    reminder_hours = IntegerField(_sl("Send the reminder this many hours before each session"), default=24,
                                  validators=[InputRequired(), NumberRange(min=1, max=24 * 14)])

    def session_fields(self) -> list[tuple]:
        """(date, start, end) fields of each session row, in order."""
        return [(self[f"day_{n}"], self[f"start_{n}"], self[f"end_{n}"]) for n in range(1, MAX_SESSIONS + 1)
                if f"day_{n}" in self]

    def validate(self, extra_validators=None) -> bool:
        """The usual checks, then the sessions: each row all or nothing, end after start, at least one,
        no two starting at the same time."""
        valid = super().validate(extra_validators)
        starts = set()
        for day, start, end in self.session_fields():
            filled = [f for f in (day, start, end) if f.raw_data and f.raw_data[0].strip()]
            if not filled or any(f.errors for f in (day, start, end)):
                continue
            for f, message in ((day, _sl("Enter the date.")), (start, _sl("Enter the start time.")),
                               (end, _sl("Enter the end time."))):
                if f not in filled:
                    f.errors = [*f.errors, message]
                    valid = False
            if start.data and end.data and end.data <= start.data:
                end.errors = [*end.errors, _sl("The end must be after the start.")]
                valid = False
            elif day.data and start.data:
                if (day.data, start.data) in starts:
                    start.errors = [*start.errors, _sl("Another session already starts at this time.")]
                    valid = False
                starts.add((day.data, start.data))
        if not starts and not any(f.errors for row in self.session_fields() for f in row):
            first_day = self.session_fields()[0][0]
            first_day.errors = [*first_day.errors, _sl("Enter the date of at least one session.")]
            valid = False
        return valid

    def sessions(self) -> list[tuple]:
        """(date, start, end) of each filled-in row (after validation)."""
        return [(day.data, start.data, end.data) for day, start, end in self.session_fields() if day.data]


MAX_SESSIONS = 40


def add_session_fields(form_class: type, rows: int) -> type:
    """A subclass of the workshop form with `rows` session rows (date, start and end, all optional:
    blank rows are skipped), labelled by number so each control has its own name."""
    rows = max(1, min(rows, MAX_SESSIONS))
    attrs = {}
    for n in range(1, rows + 1):
        attrs[f"day_{n}"] = DateField(_sl("Session %(number)s: date", number=n), validators=[Optional()])
        attrs[f"start_{n}"] = TimeField(_sl("Session %(number)s: starts at", number=n), validators=[Optional()])
        attrs[f"end_{n}"] = TimeField(_sl("Session %(number)s: ends at", number=n), validators=[Optional()])
    return type("WorkshopSessionsForm", (form_class,), attrs)


def add_language_fields(form_class: type) -> type:
    """A subclass of the workshop form with a title and description for each other language."""
    attrs = {}
    for code, name in LANGUAGES.items():
        if code == "en":
            continue
        attrs[f"title_{code}"] = StringField(f"{name}: title", validators=[Optional(), Length(max=200)],
                                             render_kw={"lang": code})
        attrs[f"description_{code}"] = TextAreaField(f"{name}: description", validators=[Length(max=5000)],
                                                     render_kw={"lang": code})
    return type("WorkshopLanguagesForm", (form_class,), attrs)


class CancelForm(FlaskForm):
    """Confirm a cancellation."""


class InviteForm(FlaskForm):
    """Send the invitations."""

    channels = RadioField(_sl("Send by"), default="both", choices=[
        ("both", _sl("Email and text message (each parent as they prefer)")), ("email", _sl("Email only")),
        ("sms", _sl("Text message only"))])


class RsvpForm(FlaskForm):
    """A parent's answer to an invitation."""

    answer = RadioField(_l("Can you come?"), choices=[
        SelectChoice("yes", _l("Yes, I will come")), SelectChoice("maybe", _l("Maybe")),
        SelectChoice("no", _l("No, I cannot come"))],
        validators=[InputRequired(CHOOSE_ONE)], invalid_choice_message=CHOOSE_ONE)
    adults = IntegerField(_l("How many adults?"), default=1, validators=[
        Optional(), NumberRange(min=0, max=6, message=_l("Please enter a number from 0 to 6."))])
    children = IntegerField(_l("How many children?"), default=0, validators=[
        Optional(), NumberRange(min=0, max=10, message=_l("Please enter a number from 0 to 10."))])
    creche_places = IntegerField(_l("Crèche places needed"), default=0, validators=[
        Optional(), NumberRange(min=0, max=10, message=_l("Please enter a number from 0 to 10."))])
    interpreter = SelectField(_l("Do you need an interpreter?"), invalid_choice_message=CHOOSE_ONE)
    access_needs = TextAreaField(_l("Anything that would help you take part (access, hearing, seeing, mobility …)"),
                                 validators=[Length(max=1000, message=_l("Please keep this under 1,000 characters."))])
    note = TextAreaField(_l("A note for us (optional)"),
                         validators=[Length(max=1000, message=_l("Please keep this under 1,000 characters."))])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.interpreter.choices = [SelectChoice("", _l("No, thank you"))] + [
            SelectChoice(code, name, {"lang": code}) for code, name in LANGUAGES.items() if code != "en"]

    def validate_adults(self, field) -> None:
        if self.answer.data in ("yes", "maybe") and not field.data:
            raise ValidationError(_l("Please tell us how many adults will come (at least 1)."))

    def validate_creche_places(self, field) -> None:
        if field.data and field.data > (self.children.data or 0):
            raise ValidationError(_l("Crèche places cannot be more than the number of children."))
