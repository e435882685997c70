"""Staff forms: an issue's settings, one language version, uploads, scheduling."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateTimeLocalField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional

from app.families.forms import CHANNEL_LABELS
from app.i18n import _sl
from app.newsletters.models import VERSION_STATES

AUDIENCE_LABELS = {
    "all": _sl("Every family"),
    "rooms": _sl("Families of children in these rooms"),
    "key_groups": _sl("Families in these key groups"),
    "starting": _sl("Families of children starting in the next four weeks"),
    "leaving": _sl("Families of children leaving in the next four weeks"),
    "saved_list": _sl("A saved list"),
}


def _int_or_zero(value) -> int:
    """A posted id, or 0 when it is missing or not a number."""
    return int(value) if str(value).isdigit() else 0


STATE_LABELS = {"draft": _sl("Draft"), "needs_review": _sl("Needs review"), "approved": _sl("Approved")}


class IssueForm(FlaskForm):
    """Who gets it and how."""

    kind = RadioField(_sl("What is this?"), default="newsletter", choices=[
        ("newsletter", _sl("Newsletter")), ("notice", _sl("Notice (policy update, outing letter …)"))])
    requires_ack = BooleanField(_sl("Parents must confirm they have read and understood it"))
    audience_kind = RadioField(_sl("Audience"), default="all", choices=list(AUDIENCE_LABELS.items()))
    rooms = SelectMultipleField(_sl("Rooms"), coerce=int, validate_choice=False)
    key_groups = SelectMultipleField(_sl("Key groups"), coerce=int, validate_choice=False)
    saved_list = SelectField(_sl("Saved list"), coerce=_int_or_zero, validate_choice=False)
    pr_only = BooleanField(_sl("Only contacts with parental responsibility"))
    one_per_family = RadioField(_sl("Who in each family"), default="every", choices=[
        ("every", _sl("Every contact")), ("one", _sl("One per family (the first contact)"))])
    channels = RadioField(_sl("Send by"), default="both", choices=list(CHANNEL_LABELS.items()))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.audience_kind.data == "rooms" and not self.rooms.data:
            self.rooms.errors.append(_sl("Choose at least one room."))
            ok = False
        if self.audience_kind.data == "key_groups" and not self.key_groups.data:
            self.key_groups.errors.append(_sl("Choose at least one key group."))
            ok = False
        if self.audience_kind.data == "saved_list" and self.saved_list.data not in {
                c[0] for c in self.saved_list.choices or []}:
            self.saved_list.errors.append(_sl("Choose a saved list."))
            ok = False
        return ok


class VersionForm(FlaskForm):
    """The issue in one language."""

    title = StringField(_sl("Title"), validators=[DataRequired(message=_sl("Enter a title.")), Length(max=200)])
    body_md = TextAreaField(_sl("Newsletter (Markdown: # heading, - list, [link](https://…), ![picture](address))"),
                            validators=[DataRequired(message=_sl("Write the newsletter.")), Length(max=50000)])
    sms_text = TextAreaField(_sl("Text message version (a link to the full newsletter is added)"),
                             validators=[Optional(), Length(max=600)])
    status = SelectField(_sl("Status"), choices=[(s, STATE_LABELS[s]) for s in VERSION_STATES])


class UploadForm(FlaskForm):
    """A picture for the body or an attachment."""

    file = FileField(_sl("File"), validators=[FileRequired(message=_sl("Choose a file."))])
    purpose = RadioField(_sl("Use it as"), default="image", choices=[
        ("image", _sl("A picture in the newsletter (PNG, JPEG or GIF, up to 5 MB)")),
        ("attachment", _sl("An attachment (PDF or picture, up to 5 MB)"))])


class ScheduleForm(FlaskForm):
    """Send now, or at a time (Europe/London)."""

    when = RadioField(_sl("When"), default="now", choices=[("now", _sl("Send now")), ("later", _sl("Schedule"))])
    at = DateTimeLocalField(_sl("Date and time"), format="%Y-%m-%dT%H:%M", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.when.data == "later" and not self.at.data:
            self.at.errors.append(_sl("Enter the date and time to send it."))
            ok = False
        return ok


class TranslateForm(FlaskForm):
    """Ask the translation service for a first draft in one language."""

    language = SelectField(_sl("Language"))


class EmptyForm(FlaskForm):
    """A button (CSRF only)."""
