"""The action form: what, who, by when, status, outcome, and the families and groups it is for."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.evidence.models import DONE, STATUSES
from app.i18n import _sl

STATUS_LABELS = {"planned": _sl("Planned"), "in_progress": _sl("In progress"), "done": _sl("Done"),
                 "dropped": _sl("Dropped")}
assert set(STATUS_LABELS) == set(STATUSES)


def _int_or_zero(value) -> int:
    """A posted id, or 0 (nobody chosen) when it is missing or not a number."""
    return int(value) if str(value).isdigit() else 0


class Checkboxes(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    """Create or change an action; choices are filled from the staff member's own setting."""

    what = TextAreaField(_sl("What will be done"), validators=[
        DataRequired(message=_sl("Say what will be done.")), Length(max=2000)])
    owner_id = SelectField(_sl("Who does it"), coerce=_int_or_zero)
    due_on = DateField(_sl("By when"), validators=[InputRequired(message=_sl("Enter a date, for example 2026-12-18."))])
    status = SelectField(_sl("Status"), default="planned", choices=list(STATUS_LABELS.items()))
    outcome = TextAreaField(_sl("Outcome"), validators=[Optional(), Length(max=4000)])
    families = Checkboxes(_sl("Families"), coerce=int)
    rooms = Checkboxes(_sl("Rooms"), coerce=int)
    languages = Checkboxes(_sl("Language groups"))
    earliest: date | None = None  # set by the page: the first date allowed for "by when"

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.status.data == DONE and not (self.outcome.data or "").strip():
            self.outcome.errors = list(self.outcome.errors) + [_sl("Say what came of it before marking it done.")]
            ok = False
        if not self.owner_id.errors and not self.owner_id.data:
            self.owner_id.errors = list(self.owner_id.errors) + [_sl("Choose who does it.")]
            ok = False
        if self.earliest and self.due_on.data and self.due_on.data < self.earliest:
            self.due_on.errors = list(self.due_on.errors) + [_sl("Choose today or a later date.")]
            ok = False
        return ok


class ButtonForm(FlaskForm):
    """A button (CSRF only)."""
