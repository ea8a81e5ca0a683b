"""The waiting-list form. Every field keeps what was typed when anything is wrong."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from booking.domain.best_times import WEEKDAY_KEYS
from booking.views.contact import ContactFields, email_field, phone_field
from booking.views.fields import line_field

BAD_DATE = "Please give a date like 24/11/2026, or use the date picker."
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAYS = [SelectChoice(key, name) for key, name in zip(WEEKDAY_KEYS, DAY_NAMES, strict=True)]
PARTS = [
    SelectChoice("morning", "Morning (before 12 noon)"),
    SelectChoice("afternoon", "Afternoon (12 noon to 5pm)"),
    SelectChoice("evening", "Evening (after 5pm)"),
]
CHANNELS = [
    SelectChoice("email", "By email"),
    SelectChoice("sms", "By text message"),
]
STAFF_CHANNELS = [*CHANNELS, SelectChoice("phone", "We phone them (the desk's call list)")]


class Ticks(SelectMultipleField):
    """Tick any that apply; none ticked means any."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label: str, choices: list[SelectChoice], **kwargs) -> None:
        kwargs.setdefault("invalid_choice_message", "Please tick only the options shown.")
        super().__init__(label, choices=choices, **kwargs)


class WishFields(FlaskForm):
    """What to wait for: which therapist, which days and parts of the day, until when."""

    class Meta:
        csrf_time_limit = None  # a calm message, never a lost form, after a long pause

    practitioner = RadioField("Which therapist?", default="", validate_choice=False)
    days = Ticks(
        "Which days suit you?",
        DAYS,
        description="Leave them all unticked if any day suits you.",
    )
    parts = Ticks(
        "Which parts of the day?",
        PARTS,
        description="Leave them all unticked if any time suits you.",
    )
    until = DateField(
        "Until which date?",
        format=["%Y-%m-%d", "%d/%m/%Y"],
        validators=[InputRequired(BAD_DATE)],
        description="After this date we stop looking, and take you off the list.",
    )
    channel = RadioField("How should we tell you when a time frees?", choices=CHANNELS)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.until.data is not None:
            # Shown again as the date picker reads it, whichever way it was typed.
            self.until.raw_data = [self.until.data.isoformat()]
        return valid


class WaitlistForm(ContactFields, WishFields):
    """The form for someone new to us (or not signed in by a link): a name and a way to reach
    them."""

    name = line_field(
        "Full name",
        120,
        required="Please tell us the name of the person having the massage.",
        too_long="Please shorten the name to 120 characters or fewer.",
        description="The person who will have the massage.",
    )
    email = email_field("Email")
    phone = phone_field("Mobile phone, for texts")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.channel.data == "email" and not self.email.data and not self.email.errors:
            self.email.errors.append("Please give an email address, so we can tell you by email.")
            valid = False
        if self.channel.data == "sms" and not self.phone.data and not self.phone.errors:
            self.phone.errors.append("Please give a mobile number, so we can text you.")
            valid = False
        return valid
