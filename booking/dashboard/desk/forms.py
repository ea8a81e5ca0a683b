"""Forms for the reception desk. Every field keeps what was typed when anything is wrong."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from booking.domain.desk_rules import (
    CANCEL_NOTE_LIMIT,
    FAR_AWAY,
    STAFF_CANCEL_REASONS,
    parse_clock,
    within_reach,
)
from booking.domain.text import tidy_line
from booking.views.contact import ContactFields, email_field, phone_field
from booking.views.fields import line_field

REASON_LIMIT = 120
BAD_DATE = "Please give a date like 24/11/2026, or use the date picker."
DAY = {"format": ["%Y-%m-%d", "%d/%m/%Y"], "invalid_value_message": BAD_DATE}


def _in_reach(form: FlaskForm, field: DateField) -> None:
    """A date far outside the diary is a slip (year 9999), not a day to work with."""
    if field.data is not None and not within_reach(field.data):
        raise ValidationError(FAR_AWAY)


class SessionChoiceForm(FlaskForm):
    """Which session, with whom, on which day (a GET form that shows the free times)."""

    class Meta:
        csrf = False

    client = HiddenField()
    service = SelectField("Session", validate_choice=False)
    practitioner = SelectField("Therapist", validate_choice=False)
    day = DateField("Day", **DAY, validators=[Optional(), _in_reach])


def _clock(form: FlaskForm, field: StringField) -> None:
    if field.data and parse_clock(field.data) is None:
        raise ValidationError("Please give a time like 14:30 or 2:30pm.")


class BookForClientForm(ContactFields, FlaskForm):
    """Book on a client's behalf: the time (or the override), and a new client's details."""

    class Meta:
        csrf_time_limit = None  # a long phone call must not lose what was typed

    booking_key = HiddenField()
    client = HiddenField()
    service = HiddenField()
    practitioner = HiddenField()
    day = HiddenField()
    # The override's time that was found busy in the therapist's own calendar and shown as
    # such: sent again unchanged, it is booked anyway.
    busy_seen = HiddenField()
    start = RadioField("Free times", choices=[], validate_choice=False)
    outside_hours = BooleanField(
        "Book outside opening hours",
        description="Only when you have agreed a time we do not normally offer. It is recorded.",
    )
    outside_time = StringField(
        "Time (outside opening hours)",
        description="For example 17:30.",
        filters=[tidy_line],
        validators=[Optional(), _clock],
    )
    outside_reason = line_field(
        "Why (a few words, no health details)",
        REASON_LIMIT,
        description="For example: only free after work. Kept in the audit trail.",
    )
    name = line_field(
        "Full name", 120, too_long="Please shorten the name to 120 characters or fewer."
    )
    preferred_name = line_field("What they like to be called (optional)", 80)
    email = email_field("Email (optional if you give a phone number)")
    phone = phone_field("Phone (optional if you give an email)")
    by_carer = BooleanField("A carer is booking for them")
    carer_name = line_field("Carer's name", 120)
    carer_relationship = line_field("How the carer knows them (optional)", 60)
    carer_email = email_field("Carer's email (optional)")
    carer_phone = phone_field("Carer's phone (optional)")
    send_to_carer = BooleanField("Send messages to the carer")
    carer_copies = BooleanField("Send the carer a copy as well as the client")

    def validate(self, extra_validators=None) -> bool:
        """Field rules, then the ones that look at several fields at once."""
        valid = super().validate(extra_validators)
        if self.outside_hours.data:
            if not self.outside_time.data:
                self.outside_time.errors.append("Please give the time you agreed.")
                valid = False
            if not self.outside_reason.data:
                self.outside_reason.errors.append("Please say in a few words why.")
                valid = False
        elif not self.start.data:
            self.start.errors.append(
                "Please choose one of the free times, or book outside opening hours."
            )
            valid = False
        if self.client.data:
            return valid  # an existing client: their details are on file
        if not self.name.data:
            self.name.errors.append("Please give the name of the person having the massage.")
            valid = False
        if self.by_carer.data and not self.carer_name.data:
            self.carer_name.errors.append("Please give the carer's name.")
            valid = False
        reachable = [self.email.data, self.phone.data]
        if self.by_carer.data:
            reachable += [self.carer_email.data, self.carer_phone.data]
        if not any(reachable):
            self.email.errors.append(
                "Please give an email address or a phone number (theirs, or the carer's)."
            )
            valid = False
        return valid


class VersionForm(FlaskForm):
    """A change to a booking: the version the page showed, so a stale form changes nothing."""

    version = HiddenField()


CANCEL_CHOICES = [SelectChoice(code, words) for code, words in STAFF_CANCEL_REASONS.items()]


class CancelForm(VersionForm):
    """Cancel a session for the client: always free."""

    reason = RadioField(
        "Why is the session cancelled?",
        choices=CANCEL_CHOICES,
        validators=[InputRequired("Please choose why the session is cancelled.")],
        validate_choice=True,
    )
    note = StringField(
        "A short note (optional)",
        description=f"Up to {CANCEL_NOTE_LIMIT} characters. No health details: "
        "everyone on the staff can read it.",
        filters=[tidy_line],
        validators=[
            Optional(),
            Length(
                max=CANCEL_NOTE_LIMIT,
                message=f"Please keep the note to {CANCEL_NOTE_LIMIT} characters or fewer.",
            ),
        ],
    )


class MoveForm(VersionForm):
    """Move a session: a free time (start), or a time outside opening hours with a reason."""

    start = HiddenField()
    outside_hours = BooleanField(
        "Book outside opening hours",
        description="Only when you have agreed a time we do not normally offer. It is recorded.",
    )
    day = DateField("Day", **DAY, validators=[Optional(), _in_reach])
    time = StringField(
        "Time",
        description="For example 17:30.",
        filters=[tidy_line],
        validators=[Optional(), _clock],
    )
    reason = line_field("Why (a few words, no health details)", REASON_LIMIT)

    def validate(self, extra_validators=None) -> bool:
        """A free time, or all three parts of the override."""
        valid = super().validate(extra_validators)
        if self.start.data:
            return valid
        if not self.outside_hours.data:
            self.outside_hours.errors.append(
                "Please tick this to book a time we do not normally offer, or choose a free time."
            )
            return False
        for field, message in (
            (self.day, "Please give the day."),
            (self.time, "Please give the time you agreed."),
            (self.reason, "Please say in a few words why."),
        ):
            if not field.data and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid


class ExportForm(FlaskForm):
    """Which days to export (a GET form)."""

    class Meta:
        csrf = False

    first = DateField("From", **DAY, validators=[InputRequired(BAD_DATE), _in_reach])
    last = DateField("To (included)", **DAY, validators=[InputRequired(BAD_DATE), _in_reach])
