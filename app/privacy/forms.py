"""Forms of the data-protection pages (staff) and the consent form on the family page (parents)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired

from app.i18n import _sl

CONFIRM_WORD = "ERASE"


class ConfirmForm(FlaskForm):
    """A bare POST (export, run retention now): CSRF only."""


class EraseForm(FlaskForm):
    """Erasure cannot be undone: the manager types the confirming word."""

    confirm = StringField(_sl("Type ERASE to confirm"),
                          validators=[DataRequired(message=_sl("Type ERASE to confirm."))])

    def confirmed(self) -> bool:
        """True when the word is right (a message on the field otherwise)."""
        if (self.confirm.data or "").strip().upper() != CONFIRM_WORD:
            self.confirm.errors = [*self.confirm.errors, _sl("Type ERASE to confirm.")]
            return False
        return True


class PromotionalConsentForm(FlaskForm):
    """The parent's own choice about promotional messages (PECR)."""

    promotional = BooleanField(_l("Yes, send me news of offers, events and fundraising"))
