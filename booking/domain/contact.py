"""Email addresses and phone numbers as people type them, checked and put in one form."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "GB"
MAX_PHONE_INPUT = 40


class ContactError(ValueError):
    """A contact detail we cannot use, with a message to show next to the field."""


def normalise_email(raw: str) -> str:
    """A checked email address with its domain in lower case (no DNS lookups)."""
    text = raw.strip()
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ContactError(
            "This email address does not look complete. It should look like name@example.com."
        ) from None
    return checked.normalized


def email_key(address: str) -> str:
    """The form used to recognise a returning client: the whole address in lower case."""
    return address.strip().lower()


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """A phone number in international form (+447700900123), from any common way of typing it.

    Accepts spaces, dashes, brackets, a leading 0, +44 or 0044. Ranges are not checked
    against live allocations, only that the number has a possible length for its country.
    """
    text = raw.strip()
    if len(text) > MAX_PHONE_INPUT:
        raise ContactError("This phone number is too long. Please check it.")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ContactError(
            "This does not look like a phone number. For example: 07700 900123."
        ) from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.TOO_SHORT or (
        reason == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY
    ):
        raise ContactError(
            "This phone number looks too short. Please include the area code, "
            "for example 01632 960123."
        )
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ContactError("This phone number does not look right. Please check it.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_for_display(stored: str, region: str = DEFAULT_REGION) -> str:
    """A stored number the way people in `region` write it (07700 900123)."""
    try:
        number = phonenumbers.parse(stored, region)
    except phonenumbers.NumberParseException:
        return stored
    if number.country_code == phonenumbers.country_code_for_region(region):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
