"""Forms for the booking steps. Every field keeps what was typed when anything is wrong."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from booking.domain.text import tidy_line
from booking.views.contact import ContactFields, PhoneNumber, email_field, phone_field
from booking.views.embedding import FrameCSRF
from booking.views.fields import line_field

FOR_WHOM = [
    SelectChoice("self", "The session is for me"),
    SelectChoice("other", "I am booking for someone else"),
]
SEND_TO = [
    SelectChoice("client", "The person having the massage"),
    SelectChoice("carer", "Me, the person booking"),
    SelectChoice("both", "Both of us"),
]


CARER_FIELDS = ("carer_name", "carer_relationship", "carer_email", "carer_phone", "send_to")


class DetailsForm(ContactFields, FlaskForm):
    """Your details: as few as we can manage with."""

    class Meta:
        # A calm message instead of a failed request when the page was open a long time.
        csrf_time_limit = None

    start = HiddenField()
    practitioner = HiddenField()
    for_whom = RadioField("Who is the session for?", choices=FOR_WHOM, default="self")
    name = line_field(
        "Full name",
        120,
        required="Please tell us the name of the person having the massage.",
        too_long="Please shorten the name to 120 characters or fewer.",
        description="The person who will have the massage.",
    )
    preferred_name = line_field("What should we call them? (optional)", 80)
    email = email_field("Email (optional if you give a phone number)")
    phone = phone_field("Phone (optional if you give an email)")
    carer_name = line_field("Your name", 120)
    carer_relationship = line_field(
        "How you know them (optional)",
        60,
        description="For example: partner, parent, friend, carer.",
    )
    carer_email = email_field("Your email (optional)")
    carer_phone = phone_field("Your phone (optional)")
    send_to = RadioField("Who should we send reminders to?", choices=SEND_TO, default="client")

    def validate(self, extra_validators=None) -> bool:
        """Field rules, then the ones that look at several fields at once."""
        valid = super().validate(extra_validators)
        booking_for_other = self.for_whom.data == "other"
        if not booking_for_other:
            # The carer's fields are hidden then, and their answers unused: never an error
            # the client cannot see.
            carer_fields = [getattr(self, name) for name in CARER_FIELDS]
            if any(f.errors for f in carer_fields):
                for f in carer_fields:
                    f.errors = []
                valid = not any(f.errors for f in self)
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


class FramedConfirmForm(ConfirmForm):
    """The same form inside a frame on the practice's site, where our session cookie is not
    sent: its token is signed and dated instead of kept in the session (views/embedding.py)."""

    class Meta:
        csrf_class = FrameCSRF


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

    name = line_field(
        "Name",
        120,
        required="Please tell us who we are calling about.",
        too_long="Please shorten the name to 120 characters or fewer.",
        description="The person who would like the massage.",
    )
    phone = StringField(
        "Phone number",
        description="Yours, or a carer's.",
        filters=[tidy_line],
        validators=[InputRequired("Please give a number we can call."), PhoneNumber()],
    )
    best_time = RadioField("When is best to call?", choices=CALL_TIMES, default="any")
