"""Forms for the admin's pages: a service, and the practice settings."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from booking.domain.settings import BY_KEY, SettingError, cross_problems, parse
from booking.domain.text import tidy_line
from booking.services.practice.services_admin import ServiceEntry
from booking.views.fields import note_field, order_field

WHOLE_NUMBER = "Please use a whole number, for example 45."
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_MINUTES = 480
MAX_BUFFER = 240


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _minutes(label: str, description: str, low: int, high: int, required: bool = True):
    presence = (
        InputRequired(f"Please give the {label.lower()} in minutes.") if required else Optional()
    )
    return IntegerField(
        label,
        description=description,
        invalid_value_message=WHOLE_NUMBER,
        validators=[
            presence,
            NumberRange(min=low, max=high, message=f"Please use a number from {low} to {high}."),
        ],
    )


class ServiceForm(FlaskForm):
    """One service: add a new one or change an existing one."""

    name = StringField(
        "Name",
        description="As clients read it, for example Gentle massage.",
        filters=[tidy_line],
        validators=[
            DataRequired("Please give the service a name."),
            Length(max=120, message="Please keep the name to 120 characters or fewer."),
        ],
    )
    slug = StringField(
        "Web address",
        description="Lower-case words joined by hyphens, for example gentle-massage. "
        "Changing it changes the booking link for this service.",
        filters=[tidy_line, _lower],
        validators=[
            DataRequired("Please give the service a web address, for example gentle-massage."),
            Length(max=80, message="Please keep the web address to 80 characters or fewer."),
            Regexp(
                SLUG_PATTERN,
                message="Please use lower-case letters and numbers joined by single hyphens, "
                "for example gentle-massage.",
            ),
        ],
    )
    description = note_field(
        "Description (optional)",
        2000,
        too_long="Please keep the description to 2,000 characters or fewer.",
        description="A sentence or two clients read when choosing.",
    )
    minutes = _minutes(
        "Length",
        "The whole booking in minutes, settling in and sitting up slowly included. "
        "Sessions already booked keep their length.",
        5,
        MAX_MINUTES,
    )
    hands_on_minutes = _minutes(
        "Hands-on time (optional)",
        "Minutes of massage within the booking, if shorter.",
        1,
        MAX_MINUTES,
        required=False,
    )
    buffer_before_minutes = _minutes(
        "Rest before",
        "Minutes kept free before each session (travel, for home visits).",
        0,
        MAX_BUFFER,
    )
    buffer_after_minutes = _minutes(
        "Rest after", "Minutes kept free after each session.", 0, MAX_BUFFER
    )
    first_visit = BooleanField("A first visit", description="New clients book one of these first.")
    home_visit = BooleanField("A home visit", description="The therapist goes to the client.")
    active = BooleanField(
        "Offered to clients",
        description="Switched off, it can no longer be booked; past bookings keep it.",
        default=True,
    )
    order = order_field()
    # The version of the service the form was opened with: a newer one is never overwritten.
    seen = HiddenField(filters=[tidy_line])

    def validate_hands_on_minutes(self, field: IntegerField) -> None:
        """Hands-on time fits in the booking."""
        if field.data is not None and self.minutes.data and field.data > self.minutes.data:
            raise ValidationError(
                f"The hands-on time must fit within the length ({self.minutes.data} minutes)."
            )

    def entry(self, keep_order: int = 0) -> ServiceEntry:
        """The checked values, for the service."""
        return ServiceEntry(
            name=self.name.data,
            slug=self.slug.data,
            description=self.description.data or "",
            minutes=self.minutes.data,
            hands_on_minutes=self.hands_on_minutes.data,
            buffer_before_minutes=self.buffer_before_minutes.data,
            buffer_after_minutes=self.buffer_after_minutes.data,
            first_visit=bool(self.first_visit.data),
            home_visit=bool(self.home_visit.data),
            active=bool(self.active.data),
            sort_order=keep_order if self.order.data is None else self.order.data,
        )


class _Setting:
    """Checks one setting with the domain's rules, keeping the value it reads as."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, form: SettingsForm, field: StringField) -> None:
        try:
            form.parsed[self.key] = parse(BY_KEY[self.key], field.data or "")
        except SettingError as problem:
            raise ValidationError(str(problem)) from None


def _setting(key: str) -> StringField:
    definition = BY_KEY[key]
    return StringField(
        definition.label,
        description=definition.explanation,
        filters=[tidy_line],
        validators=[_Setting(key)],
    )


class SettingsForm(FlaskForm):
    """Every practice setting on one page; each is checked by booking/domain/settings.py."""

    first_month_gap_days = _setting("first_month_gap_days")
    min_notice_hours = _setting("min_notice_hours")
    max_advance_days = _setting("max_advance_days")
    reminder_local_time = _setting("reminder_local_time")
    followup_hours = _setting("followup_hours")
    intake_nudge_days = _setting("intake_nudge_days")
    default_quiet_from = _setting("default_quiet_from")
    default_quiet_until = _setting("default_quiet_until")
    embed_origins = _setting("embed_origins")
    # The settings the form was opened with: newer ones are never overwritten unseen.
    seen = HiddenField(filters=[tidy_line])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parsed: dict[str, object] = {}

    def validate(self, extra_validators=None) -> bool:
        """Each setting, then the rules between them (notice and advance, both quiet times)."""
        if not super().validate(extra_validators):
            return False
        problems = cross_problems(self.parsed)
        for key, message in problems.items():
            self[key].errors = [*self[key].errors, message]
        return not problems
