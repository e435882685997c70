"""Checking and normalising phone numbers and email addresses (never by hand)."""
from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class InvalidDetail(ValueError):
    """A phone number or email address that cannot be used."""


def normalise_mobile(raw: str, region: str = "GB") -> str:
    """Return the number in E.164 (+447700900123); local forms use the setting's region."""
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidDetail("not a phone number") from exc
    if _is_drama_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number):
        raise InvalidDetail("not a valid phone number")
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidDetail("not a mobile number (texts need a mobile)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _is_drama_number(number: phonenumbers.PhoneNumber) -> bool:
    """Ofcom keeps 07700 900000-900999 for fiction: libphonenumber calls them invalid, but demo
    data and tests use them so that no real person is ever texted."""
    return number.country_code == 44 and 7700900000 <= number.national_number <= 7700900999


def display_mobile(e164: str | None) -> str:
    """A stored number as people write it (07700 900123 for UK numbers)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_email(raw: str) -> str:
    """Return a checked email address (no DNS look-up: machines may be offline)."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidDetail("not a valid email address") from exc
