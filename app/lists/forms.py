"""Staff forms for saved lists."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.i18n import _sl


class ListForm(FlaskForm):
    """A list's name and description."""

    name = StringField(_sl("Name"), validators=[DataRequired(message=_sl("Enter a name for the list.")),
                                                Length(max=120)])
    description = TextAreaField(_sl("Description (optional)"), validators=[Optional(), Length(max=2000)])


class MembersForm(FlaskForm):
    """Contacts ticked on the page (to add or to remove)."""

    contacts = SelectMultipleField(_sl("Contacts"), coerce=int, validate_choice=False)


class EmptyForm(FlaskForm):
    """A button (CSRF only)."""
