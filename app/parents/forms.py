"""The form a parent uses to keep their own details up to date."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, SelectField, TelField
from wtforms.validators import Length, Optional

from app.config import LANGUAGES
from app.families.contact_details import display_mobile
from app.families.models import Contact

CHOOSE_ONE = _l("Please choose one of the options.")


class DetailsForm(FlaskForm):
    """Email, mobile, language and how the parent wants to hear from the setting."""

    email = EmailField(_l("Email address"), validators=[
        Optional(), Length(max=254, message=_l("This email address is too long."))])
    mobile = TelField(_l("Mobile number"), validators=[
        Optional(), Length(max=40, message=_l("This mobile number is too long."))])
    language = SelectField(
        _l("Language for messages"),
        # Each language is named in itself, marked with its own `lang` for screen readers.
        choices=[SelectChoice(code, name, {"lang": code}) for code, name in LANGUAGES.items()],
        invalid_choice_message=CHOOSE_ONE,
    )
    channels = RadioField(
        _l("How should we contact you?"),
        choices=[SelectChoice("both", _l("Email and text message")), SelectChoice("email", _l("Email only")),
                 SelectChoice("sms", _l("Text message only"))],
        default="both",
        invalid_choice_message=CHOOSE_ONE,
    )

    def show(self, contact: Contact) -> None:
        """Show the stored mobile number the way people write it (07700 900123)."""
        self.mobile.data = display_mobile(contact.mobile)
