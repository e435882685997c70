"""The evidence pack's date range."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import InputRequired, ValidationError

from app.i18n import _sl

MAX_DAYS = 3 * 366  # a pack covers at most about three years


def _sensible(form, field) -> None:
    if field.data and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_sl("Enter a date between the years 2000 and 2100."))


class PackForm(FlaskForm):
    """From and to (inclusive), read from the query string (a GET form: nothing is changed)."""

    class Meta:
        csrf = False

    start = DateField(_sl("From"), validators=[InputRequired(_sl("Enter the first day, for example 2026-09-01.")), _sensible],
                      invalid_value_message=_sl("Enter the first day as a date, for example 2026-09-01."))
    end = DateField(_sl("To"), validators=[InputRequired(_sl("Enter the last day, for example 2026-12-31.")), _sensible],
                    invalid_value_message=_sl("Enter the last day as a date, for example 2026-12-31."))

    def validate_end(self, field) -> None:
        """The range runs forwards and is not longer than MAX_DAYS."""
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_sl("The last day must be on or after the first day."))
            if (field.data - self.start.data).days > MAX_DAYS:
                raise ValidationError(_sl("Choose a range of at most three years."))
