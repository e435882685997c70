"""What a parent can see and change about themselves."""
from __future__ import annotations

import phonenumbers
from flask_babel import gettext as _

from app.audit.services import record
from app.families.contact_details import InvalidDetail, normalise_email, normalise_mobile
from app.families.models import Child, Contact
from app.parents.forms import DetailsForm

EMAIL_MAX = 254


def children_of(contact: Contact) -> list[Child]:
    """The children this contact is linked to and who have not left (their own family only)."""
    children = {link.child for link in contact.links if link.child.setting_id == contact.setting_id}
    return sorted((c for c in children if not c.has_left()), key=lambda c: (c.first_name, c.id))


def mobile_example(region: str | None) -> str:
    """A mobile number written the local way, for hints and messages (Ofcom's drama range in the UK)."""
    region = (region or "GB").upper()
    if region == "GB":
        return "07700 900123"
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return "+44 7700 900123"
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)


def apply_details(contact: Contact, form: DetailsForm, example: str) -> bool:
    """Check the form and save it to the contact; False (with field errors) when it cannot be used.

    Nothing is changed unless every field is right. Email and mobile are stored normalised
    (the mobile in E.164, local numbers read in the setting's region).
    """
    email = (form.email.data or "").strip()
    mobile = (form.mobile.data or "").strip()
    clean: dict[str, str | None] = {"email": None, "mobile": None}
    if email:
        try:
            clean["email"] = normalise_email(email)
        except InvalidDetail:
            pass
        if clean["email"] is None or len(clean["email"]) > EMAIL_MAX:
            clean["email"] = None
            form.email.errors.append(_("Please enter an email address like name@example.com."))
    if mobile:
        try:
            clean["mobile"] = normalise_mobile(mobile, contact.setting.phone_region or "GB")
        except InvalidDetail:
            form.mobile.errors.append(_("Please enter a mobile number, for example %(number)s.", number=example))
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
