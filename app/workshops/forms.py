"""Forms: the staff's workshop form and the parent's RSVP form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, IntegerField, RadioField, SelectChoice, SelectField,
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
    day = DateField(_sl("Date"), validators=[InputRequired(_sl("Enter the date."))])
    start = TimeField(_sl("Starts at"), validators=[InputRequired(_sl("Enter the start time."))])
    end = TimeField(_sl("Ends at"), validators=[InputRequired(_sl("Enter the end time."))])
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
    reminder_hours = IntegerField(_sl("Send the reminder this many hours before"), default=24,
                                  validators=[InputRequired(), NumberRange(min=1, max=24 * 14)])

    def validate_end(self, field) -> None:
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_sl("The end must be after the start."))


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
