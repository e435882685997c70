"""What a parent can change about themselves."""
from __future__ import annotations

from flask_babel import gettext as _

from app.audit.services import record
from app.families.contact_details import InvalidDetail, normalise_email, normalise_mobile
from app.families.models import Contact
from app.parents.forms import DetailsForm


def apply_details(contact: Contact, form: DetailsForm) -> bool:
    """Check the form and save it to the contact; False (with field errors) when it cannot be used."""
    email = (form.email.data or "").strip()
    mobile = (form.mobile.data or "").strip()
    clean: dict[str, str | None] = {"email": None, "mobile": None}
    if email:
        try:
            clean["email"] = normalise_email(email)
        except InvalidDetail:
            form.email.errors.append(_("Please enter an email address like name@example.com."))
    if mobile:
        try:
            clean["mobile"] = normalise_mobile(mobile, contact.setting.phone_region)
        except InvalidDetail:
            form.mobile.errors.append(_("Please enter a mobile number like 07700 900123."))
    channels = form.channels.data
    if channels in ("email", "both") and not clean["email"] and not form.email.errors:
        form.email.errors.append(_("We need an email address to send you emails."))
    if channels in ("sms", "both") and not clean["mobile"] and not form.mobile.errors:
        form.mobile.errors.append(_("We need a mobile number to send you text messages."))
    if form.email.errors or form.mobile.errors:
        return False
    changed = {}
    for field, value in (("email", clean["email"]), ("mobile", clean["mobile"]),
                         ("language", form.language.data), ("channels", channels)):
        if getattr(contact, field) != value:
            setattr(contact, field, value)
            changed[field] = "updated"
    if changed:
        record(contact.setting_id, "contact.self_updated", contact, actor_label="parent (family link)", **changed)
    return True
