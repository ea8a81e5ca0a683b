"""Forms for the booking steps. Every field keeps what was typed when anything is wrong."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from booking.domain.contact import ContactError, normalise_email, normalise_phone
from booking.domain.text import tidy_line
from booking.services.booking import ClientDetails

FOR_WHOM = [
    SelectChoice("self", "The session is for me"),
    SelectChoice("other", "I am booking for someone else"),
]
SEND_TO = [
    SelectChoice("client", "The person having the massage"),
    SelectChoice("carer", "Me, the person booking"),
]


class EmailAddress:
    """Accept an email as typed (spaces trimmed) when it is complete."""

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        if field.data:
            try:
                field.normalised = normalise_email(field.data)
            except ContactError as problem:
                raise ValidationError(str(problem)) from None


class PhoneNumber:
    """Accept UK numbers in any common form, and international ones with +."""

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        if field.data:
            try:
                field.normalised = normalise_phone(field.data)
            except ContactError as problem:
                raise ValidationError(str(problem)) from None


class ContactFields:
    """What the client's details form and the desk's booking form share: the contact fields
    (name, email, phone, and a carer's), read as the booking service takes them."""

    def normalised(self, name: str) -> str | None:
        """A contact field in its stored form, or None when empty."""
        field = getattr(self, name)
        return getattr(field, "normalised", None) if field.data else None

    def client_details(self, *, through_carer: bool, send_to_carer: bool) -> ClientDetails:
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
        )


class DetailsForm(ContactFields, FlaskForm):
    """Your details: as few as we can manage with."""

    class Meta:
        # A calm message instead of a failed request when the page was open a long time.
        csrf_time_limit = None

    start = HiddenField()
    practitioner = HiddenField()
    for_whom = RadioField("Who is the session for?", choices=FOR_WHOM, default="self")
    name = StringField(
        "Full name",
        description="The person who will have the massage.",
        filters=[tidy_line],
        validators=[
            InputRequired("Please tell us the name of the person having the massage."),
            Length(max=120, message="Please shorten the name to 120 characters or fewer."),
        ],
    )
    preferred_name = StringField(
        "What should we call them? (optional)",
        filters=[tidy_line],
        validators=[Optional(), Length(max=80, message="Please use 80 characters or fewer.")],
    )
    email = StringField(
        "Email (optional if you give a phone number)",
        filters=[tidy_line],
        validators=[
            Optional(),
            Length(max=254, message="Please check this email address: it is very long."),
            EmailAddress(),
        ],
    )
    phone = StringField(
        "Phone (optional if you give an email)",
        filters=[tidy_line],
        validators=[Optional(), PhoneNumber()],
    )
    carer_name = StringField(
        "Your name",
        filters=[tidy_line],
        validators=[Optional(), Length(max=120, message="Please use 120 characters or fewer.")],
    )
    carer_relationship = StringField(
        "How you know them (optional)",
        description="For example: partner, parent, friend, carer.",
        filters=[tidy_line],
        validators=[Optional(), Length(max=60, message="Please use 60 characters or fewer.")],
    )
    carer_email = StringField(
        "Your email (optional)",
        filters=[tidy_line],
        validators=[
            Optional(),
            Length(max=254, message="Please check this email address: it is very long."),
            EmailAddress(),
        ],
    )
    carer_phone = StringField(
        "Your phone (optional)",
        filters=[tidy_line],
        validators=[Optional(), PhoneNumber()],
    )
    send_to = RadioField("Who should we send reminders to?", choices=SEND_TO, default="client")

    def validate(self, extra_validators=None) -> bool:
        """Field rules, then the ones that look at several fields at once."""
        valid = super().validate(extra_validators)
        booking_for_other = self.for_whom.data == "other"
        if booking_for_other and not self.carer_name.data:
            self.carer_name.errors.append("Please tell us your name, as the person booking.")
            valid = False
        reachable = [self.email.data, self.phone.data]
        if booking_for_other:
            reachable += [self.carer_email.data, self.carer_phone.data]
        if not any(reachable):
            message = "Please give an email address or a phone number, so we can send the details."
            if booking_for_other:
                message = "Please give an email or phone number for them, or for you."
            self.email.errors.append(message)
            valid = False
        return valid


class ConfirmForm(DetailsForm):
    """Check your answers: the details ride along unseen, plus the key that makes a repeat safe."""

    booking_key = HiddenField()


CALL_TIMES = [
    SelectChoice("morning", "Morning"),
    SelectChoice("afternoon", "Afternoon"),
    SelectChoice("evening", "Early evening"),
    SelectChoice("any", "Any time"),
]


class CallMeForm(FlaskForm):
    """Ask the therapist to call: for people who cannot, or would rather not, book online."""

    class Meta:
        csrf_time_limit = None

    name = StringField(
        "Name",
        description="The person who would like the massage.",
        filters=[tidy_line],
        validators=[
            InputRequired("Please tell us who we are calling about."),
            Length(max=120, message="Please shorten the name to 120 characters or fewer."),
        ],
    )
    phone = StringField(
        "Phone number",
        description="Yours, or a carer's.",
        filters=[tidy_line],
        validators=[InputRequired("Please give a number we can call."), PhoneNumber()],
    )
    best_time = RadioField("When is best to call?", choices=CALL_TIMES, default="any")
