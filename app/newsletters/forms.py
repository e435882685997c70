"""Staff forms: an issue's settings, one language version, uploads, scheduling."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateTimeLocalField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional

from app.families.forms import CHANNEL_LABELS
from app.i18n import _sl
from app.messaging.audience_form import AUDIENCE_LABELS, AudienceForm  # noqa: F401 (re-exported)
from app.newsletters.models import VERSION_STATES

STATE_LABELS = {"draft": _sl("Draft"), "needs_review": _sl("Needs review"), "approved": _sl("Approved")}


class IssueForm(AudienceForm):
    """Who gets it and how."""

    kind = RadioField(_sl("What is this?"), default="newsletter", choices=[
        ("newsletter", _sl("Newsletter")), ("notice", _sl("Notice (policy update, outing letter …)")),
        ("promotional", _sl("Offers, events or fundraising: promotional, so only to parents who agreed to it"))])
    requires_ack = BooleanField(_sl("Parents must confirm they have read and understood it"))
    channels = RadioField(_sl("Send by"), default="both", choices=list(CHANNEL_LABELS.items()))


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
