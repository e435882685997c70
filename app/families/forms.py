"""Staff forms for rooms, children, contacts, the links between them and restrictions."""
from __future__ import annotations

from babel import Locale
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, RadioField, SelectField, StringField, TelField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional

from app.config import LANGUAGES
from app.families.sessions import DAY_LABELS, DAYS, SESSION_LABELS
from app.i18n import _sl

BAD_DATE = _sl("Enter a real date, for example 2024-09-02.")
CHANNEL_LABELS = {
    "both": _sl("Email and text message"),
    "email": _sl("Email only"),
    "sms": _sl("Text message only"),
}


def language_choices() -> list[tuple[str, str]]:
    """The supported languages for staff: 'Polish (Polski)'."""
    choices = []
    for code, native in LANGUAGES.items():
        english = Locale.parse(code).get_language_name("en")
        choices.append((code, native if english == native else f"{english} ({native})"))
    return choices


def _required(message):
    return DataRequired(message=message)


class DayField(DateField):
    """A date (input type=date) whose error for an impossible date is our own."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(BAD_DATE)) from exc


class RoomForm(FlaskForm):
    """A room's name."""

    name = StringField(_sl("Room name"), validators=[_required(_sl("Give the room a name.")), Length(max=100)])


class ChildForm(FlaskForm):
    """A child's record, as a manager or PICO keeps it."""

    first_name = StringField(_sl("First name"), validators=[_required(_sl("Enter the child's first name.")),
                                                            Length(max=100)])
    last_name = StringField(_sl("Last name"), validators=[_required(_sl("Enter the child's last name.")),
                                                          Length(max=100)])
    date_of_birth = DayField(_sl("Date of birth"), validators=[Optional()], format="%Y-%m-%d")
    room_id = SelectField(_sl("Room"), coerce=int, validators=[Optional()])
    key_person_id = SelectField(_sl("Key person"), coerce=int, validators=[Optional()])
    start_date = DayField(_sl("Start date"), validators=[Optional()], format="%Y-%m-%d")
    leaving_date = DayField(_sl("Leaving date"), validators=[Optional()], format="%Y-%m-%d")
    external_id = StringField(_sl("MIS id"), validators=[Optional(), Length(max=64)])

    def session_fields(self) -> list:
        """The seven day fields of the session pattern, Monday first."""
        return [self[f"session_{day}"] for day in DAYS]


for _day in DAYS:
    setattr(ChildForm, f"session_{_day}", SelectField(
        DAY_LABELS[_day], validators=[Optional()],
        choices=[("", _sl("Not attending")), *SESSION_LABELS.items()]))


class ContactForm(FlaskForm):
    """A parent's or carer's details, language, channels and consents."""

    first_name = StringField(_sl("First name"), validators=[_required(_sl("Enter the first name.")),
                                                            Length(max=100)])
    last_name = StringField(_sl("Last name"), validators=[Optional(), Length(max=100)])
    email = EmailField(_sl("Email address"), validators=[Optional(), Length(max=254)])
    mobile = TelField(_sl("Mobile number"), validators=[Optional(), Length(max=40)])
    language = SelectField(_sl("Preferred language"), choices=language_choices(), default="en")
    channels = RadioField(_sl("How they want to hear from us"), choices=list(CHANNEL_LABELS.items()),
                          default="both")
    consent_photos = BooleanField(_sl("Consents to photos"))
    consent_outings = BooleanField(_sl("Consents to outings"))
    consent_platform = BooleanField(_sl("Consents to the use of this platform"), default=True)
    consent_promotional = BooleanField(_sl("Consents to promotional messages"))
    external_id = StringField(_sl("MIS id"), validators=[Optional(), Length(max=64)])


class LinkForm(FlaskForm):
    """How a contact relates to one child."""

    relationship_label = StringField(_sl("Relationship to the child"),
                                     validators=[_required(_sl("Say how they are related, e.g. Mother.")),
                                                 Length(max=50)])
    parental_responsibility = BooleanField(_sl("Has parental responsibility"), default=True)
    priority = SelectField(_sl("Priority order (1 is called first)"), coerce=int, default=1,
                           choices=[(n, str(n)) for n in range(1, 10)])
    authorised_to_collect = BooleanField(_sl("Authorised to collect"), default=True)
    collection_password_note = StringField(_sl("Collection password note"), validators=[Optional(),
                                                                                      Length(max=200)])


class NewLinkForm(LinkForm):
    """Link a contact to another child (a sibling, say)."""

    child_id = SelectField(_sl("Child"), coerce=int)


class RestrictForm(FlaskForm):
    """Set "no legal access / do not contact": a reason is required."""

    reason = TextAreaField(_sl("Reason (seen only by managers and the PICO)"),
                           validators=[_required(_sl("Give the reason, for example the court order.")),
                                       Length(max=2000)])


class UnrestrictForm(FlaskForm):
    """Lift the restriction: a note saying why is required."""

    note = TextAreaField(_sl("Why the restriction can be lifted"),
                         validators=[_required(_sl("Write a note saying why it can be lifted.")),
                                     Length(max=2000)])
