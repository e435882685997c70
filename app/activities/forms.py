"""Staff forms: an activity, its language version, the weekly digest; the parent's "we tried it"."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.activities.services import AGE_BANDS, AREAS
from app.i18n import _sl
from app.newsletters.forms import STATE_LABELS


class Checkboxes(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActivityForm(FlaskForm):
    """Areas, age band, picture."""

    areas = Checkboxes(_sl("Areas of learning (EYFS)"), choices=list(AREAS.items()),
                       validators=[DataRequired(message=_sl("Choose at least one area of learning."))])
    age_band = SelectField(_sl("Age band"), choices=list(AGE_BANDS.items()))
    picture = FileField(_sl("Picture (optional: PNG, JPEG or GIF, up to 5 MB)"))


class ActivityVersionForm(FlaskForm):
    """The activity in one language."""

    title = StringField(_sl("Title"), validators=[DataRequired(message=_sl("Enter a title.")), Length(max=200)])
    what_you_need = TextAreaField(_sl("What you need"), validators=[Optional(), Length(max=2000)])
    what_to_do = TextAreaField(_sl("What to do"), validators=[DataRequired(message=_sl("Say what to do.")),
                                                              Length(max=4000)])
    why_it_helps = TextAreaField(_sl("Why it helps"), validators=[Optional(), Length(max=2000)])
    status = SelectField(_sl("Status"), choices=list(STATE_LABELS.items()))


class DigestForm(FlaskForm):
    """This week's learning for a room."""

    room = SelectField(_sl("Room"), coerce=int)
    explored = TextAreaField(_sl("What the children explored this week"),
                             validators=[DataRequired(message=_sl("Say what the children explored.")),
                                         Length(max=2000)])
    activities = Checkboxes(_sl("Activities to try at home (one to three)"), coerce=int)


class TriedForm(FlaskForm):
    """'We tried it', with an optional note."""

    note = TextAreaField(_l("Tell us how it went (optional)"), validators=[Optional(), Length(max=1000)])


class DigestVersionForm(FlaskForm):
    """What the children explored, in one language, and its review state."""

    explored = TextAreaField(_sl("What the children explored this week"),
                             validators=[DataRequired(message=_sl("Say what the children explored.")),
                                         Length(max=2000)])
    status = SelectField(_sl("Status"), choices=list(STATE_LABELS.items()))
