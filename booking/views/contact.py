"""Contact fields shared by the client's details form and the desk's booking form.

Each field keeps what was typed; a valid email or phone number is also kept in its stored form
(`field.normalised`), which is what the booking service receives.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from booking.domain.contact import ContactError, normalise_email, normalise_phone
from booking.domain.text import tidy_line
from booking.services.booking import ClientDetails


class Normalised:
    """Accept a field its normaliser can read, and keep the stored form beside what was typed."""

    normalise: Callable[[str], str]

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        if field.data:
            try:
                field.normalised = self.normalise(field.data)
            except ContactError as problem:
                raise ValidationError(str(problem)) from None


class EmailAddress(Normalised):
    """Accept an email as typed (spaces trimmed) when it is complete."""

    normalise = staticmethod(normalise_email)


class PhoneNumber(Normalised):
    """Accept UK numbers in any common form, and international ones with +."""

    normalise = staticmethod(normalise_phone)


def email_field(label: str) -> StringField:
    """An optional email address."""
    return StringField(
        label,
        filters=[tidy_line],
        validators=[
            Optional(),
            Length(max=254, message="Please check this email address: it is very long."),
            EmailAddress(),
        ],
    )


def phone_field(label: str) -> StringField:
    """An optional phone number."""
    return StringField(label, filters=[tidy_line], validators=[Optional(), PhoneNumber()])


class ContactFields:
    """What the client's details form and the desk's booking form share: the contact fields
    (name, email, phone, and a carer's), read as the booking service takes them."""

    def normalised(self, name: str) -> str | None:
        """A contact field in its stored form, or None when empty."""
        field = getattr(self, name)
        return getattr(field, "normalised", None) if field.data else None

    def client_details(
        self, *, through_carer: bool, send_to_carer: bool, carer_copies: bool = False
    ) -> ClientDetails:
        """The details as typed; the carer's only when someone books through a carer."""
        return ClientDetails(
            name=self.name.data,
            preferred_name=self.preferred_name.data or None,
            email=self.normalised("email"),
            phone=self.normalised("phone"),
            carer_name=self.carer_name.data if through_carer else None,
            carer_relationship=(self.carer_relationship.data or None) if through_carer else None,
            carer_email=self.normalised("carer_email") if through_carer else None,
            carer_phone=self.normalised("carer_phone") if through_carer else None,
            send_to_carer=through_carer and send_to_carer,
            carer_copies=through_carer and carer_copies,
        )
