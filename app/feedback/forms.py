"""Forms: the parent's feedback form (family page and public), and the staff forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.feedback.models import MAX_TEXT
from app.feedback.services import Refused, check_text
from app.i18n import _sl

PARENT_KINDS = [("compliment", _l("Compliment")), ("suggestion", _l("Suggestion")),
                ("comment", _l("Comment")), ("concern", _l("Concern"))]


def _text(form, field) -> None:
    try:
        field.data = check_text(field.data)
    except Refused as exc:
        raise ValidationError(str(exc)) from None


def _optional_text(form, field) -> None:
    if (field.data or "").strip():
        _text(form, field)


class FeedbackForm(FlaskForm):
    """What a parent sends: kind, message, and (family page) formal complaint / anonymous."""

    kind = RadioField(_l("What kind of feedback is it?"), choices=PARENT_KINDS,
                      validators=[InputRequired(_l("Please choose what kind of feedback it is."))])
    body = TextAreaField(_l("Your message"), validators=[_text], render_kw={"rows": 6, "maxlength": MAX_TEXT})
    anonymous = BooleanField(_l("Send anonymously (suggestions and comments only)"))
    complaint = BooleanField(_l("I want to make a formal complaint"))

    def validate_anonymous(self, field) -> None:
        """Only suggestions and comments may be anonymous, and never a complaint."""
        complaint = self.complaint.data if self.complaint is not None else False
        if field.data and (self.kind.data not in ("suggestion", "comment") or complaint):
            raise ValidationError(_l("Only suggestions and comments can be sent anonymously."))


class PublicFeedbackForm(FeedbackForm):
    """The notice-board form: anyone, an optional name, no formal complaint (no way to reply)."""

    given_name = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=120)])
    complaint = None


class LogForm(FlaskForm):
    """Staff log feedback given in person, by phone or in writing."""

    kind = SelectField(_sl("Kind"), choices=[("compliment", _sl("Compliment")), ("suggestion", _sl("Suggestion")),
                                            ("comment", _sl("Comment")), ("concern", _sl("Concern")),
                                            ("complaint", _sl("Formal complaint"))])
    route = SelectField(_sl("How it was given"), choices=[("in_person", _sl("In person")), ("phone", _sl("By phone")),
                                                         ("written", _sl("In writing"))])
    contact_id = SelectField(_sl("Parent"), coerce=int)
    given_name = StringField(_sl("Name, if not a parent listed above"), validators=[Optional(), Length(max=120)])
    received_on = DateField(_sl("Date it was given"), validators=[Optional()])
    body = TextAreaField(_sl("What was said"), validators=[_text], render_kw={"rows": 6})


class TriageForm(FlaskForm):
    """Status, owner and a staff translation of the original."""

    status = SelectField(_sl("Status"), choices=[("new", _sl("New")), ("acknowledged", _sl("Acknowledged")),
                                                ("in_progress", _sl("In progress")), ("closed", _sl("Closed"))])
    owner_id = SelectField(_sl("Owner"), coerce=int)
    translation = TextAreaField(_sl("Translation (for staff)"), validators=[Optional(), Length(max=MAX_TEXT)],
                                render_kw={"rows": 4})


class ReplyForm(FlaskForm):
    """A reply to the parent, in the setting's language and optionally in the parent's own."""

    text = TextAreaField(_sl("Reply"), validators=[_text], render_kw={"rows": 5})
    translated = TextAreaField(_sl("The same reply in the parent's language (optional)"),
                               validators=[_optional_text], render_kw={"rows": 5})


class StepForm(FlaskForm):
    """Add an investigation note or a meeting to a complaint's record."""

    kind = SelectField(_sl("Step"), choices=[("note", _sl("Investigation note")), ("meeting", _sl("Meeting"))])
    text = TextAreaField(_sl("What happened"), validators=[_text], render_kw={"rows": 5})


class OutcomeForm(FlaskForm):
    """The outcome of a complaint, sent to the parent with Ofsted's details."""

    outcome = TextAreaField(_sl("Outcome"), validators=[_text], render_kw={"rows": 6})
    translated = TextAreaField(_sl("The outcome in the parent's language (optional)"),
                               validators=[_optional_text], render_kw={"rows": 6})


class SummaryForm(FlaskForm):
    """'You said, we did': a summary of changes made from parents' feedback, in the setting's
    language, with optional versions in other languages (fields `text_<code>`)."""

    text = TextAreaField(_sl("You said, we did"), validators=[_text], render_kw={"rows": 8})

    def translations(self) -> list:
        """The optional fields, one per other language."""
        return [f for name, f in self._fields.items() if name.startswith("text_")]


def summary_form(default_language: str) -> SummaryForm:
    """A SummaryForm with an optional text field for every language but the setting's own."""
    from app.config import LANGUAGES

    class Form(SummaryForm):
        pass

    for code, name in LANGUAGES.items():
        if code != default_language:
            setattr(Form, f"text_{code}", TextAreaField(name, validators=[_optional_text],
                                                        render_kw={"rows": 5, "lang": code}))
    return Form()


class RegisterForm(FlaskForm):
    """The date range of the complaints register."""

    class Meta:
        csrf = False

    start = DateField(_sl("From"), validators=[InputRequired()])
    end = DateField(_sl("To"), validators=[InputRequired()])
