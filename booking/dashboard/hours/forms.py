"""Forms for managing slots. Each keeps what was typed when anything is wrong.

Dates and times are typed (many ways of writing them are read, see booking/domain/slots.py);
the domain checks them and the view puts any problem next to its field.
"""

from __future__ import annotations

from datetime import date, time

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from booking.domain import slots as rules
from booking.domain.text import tidy_line
from booking.views.fields import line_field

WHOLE_PRACTICE = "everyone"
CHOOSE_FROM_LIST = "Please choose one of the therapists in the list."
TOO_LONG = "Please keep this to %(max)d characters or fewer."


class PreviewedForm(FlaskForm):
    """The fingerprint of the preview a save button belongs to."""

    checked = HiddenField(filters=[tidy_line], validators=[Optional(), Length(max=64)])

    def day_value(self, field: StringField, today: date) -> date | None:
        """The date typed in `field`, or None with the problem added next to it."""
        try:
            return rules.parse_day(field.data or "", today)
        except ValueError as problem:
            field.errors.append(str(problem))
            return None

    def clock_value(self, field: StringField) -> time | None:
        """The time typed in `field` (None when empty or unreadable; the problem is added)."""
        if not field.data:
            return None
        try:
            return rules.parse_clock(field.data)
        except ValueError as problem:
            field.errors.append(str(problem))
            return None

    def add_problem(self, problem: rules.SlotProblem) -> None:
        """Put a domain problem next to the field it names."""
        getattr(self, problem.field).errors.append(problem.message)


def _windows(form: FlaskForm, field: StringField) -> None:
    try:
        rules.parse_windows(field.data or "")
    except ValueError as problem:
        raise ValidationError(str(problem)) from None


def _weekday_field(index: int) -> StringField:
    return StringField(
        rules.WEEKDAY_NAMES[index] + "s",
        filters=[tidy_line],
        validators=[Length(max=200, message=TOO_LONG), _windows],
    )


def _line(label: str, limit: int, *, description: str = "", required: str = ""):
    return line_field(label, limit, required=required, too_long=TOO_LONG, description=description)


class WeeklyHoursForm(PreviewedForm):
    """A practitioner's week: the windows for each weekday, from a chosen date."""

    effective_from = _line(
        "The new hours start on",
        40,
        description="Dates before this keep their old hours. For example 1 December 2026.",
        required="Please give the date the new hours start.",
    )
    mon = _weekday_field(0)
    tue = _weekday_field(1)
    wed = _weekday_field(2)
    thu = _weekday_field(3)
    fri = _weekday_field(4)
    sat = _weekday_field(5)
    sun = _weekday_field(6)

    def weekday_fields(self) -> list[StringField]:
        """Monday to Sunday."""
        return [getattr(self, key) for key in rules.WEEKDAY_KEYS]

    def plan(self) -> dict[int, tuple[rules.Window, ...]]:
        """The checked windows per weekday (call after validate())."""
        return {
            index: rules.parse_windows(field.data or "")
            for index, field in enumerate(self.weekday_fields())
        }


def practitioner_choices(practitioners, *, everyone: bool) -> list[tuple[str, str]]:
    """Choices for a 'who' list: the therapists, and the whole practice if allowed."""
    choices = [(WHOLE_PRACTICE, "Everyone (the whole practice)")] if everyone else []
    return choices + [(str(p.id), p.name) for p in practitioners]


class OpeningForm(PreviewedForm):
    """A one-off extra opening for one practitioner."""

    practitioner = SelectField(
        "Therapist", validate_choice=True, invalid_choice_message=CHOOSE_FROM_LIST
    )
    day = _line(
        "Date", 40, description="For example 28 November 2026.", required="Please give the date."
    )
    start = _line(
        "From",
        20,
        description="For example 10:00 or 10am.",
        required="Please give the time it starts.",
    )
    end = _line(
        "Until",
        20,
        description="For example 13:00 or 1pm.",
        required="Please give the time it ends.",
    )
    note = _line("A note for staff (optional)", 200)


class ClosureForm(PreviewedForm):
    """Time off: a holiday for one practitioner, or the whole practice closed."""

    who = SelectField("Who is away", validate_choice=True, invalid_choice_message=CHOOSE_FROM_LIST)
    start_day = _line(
        "First day",
        40,
        description="For example 24 December 2026.",
        required="Please give the first day.",
    )
    start_time = _line(
        "From (optional)", 20, description="Leave empty to close from the start of the day."
    )
    end_day = _line("Last day (optional)", 40, description="Leave empty for a single day.")
    end_time = _line(
        "Until (optional)", 20, description="Leave empty to close until the end of the last day."
    )
    reason = _line(
        "Reason clients may see",
        200,
        description="Short and plain, for example: Christmas holiday.",
        required="Please give a short reason, for example: Christmas holiday.",
    )


class RemoveForm(FlaskForm):
    """Remove an opening or a closure (the page before it says what that changes)."""

    checked = HiddenField()  # the preview's fingerprint: a removal matches what was shown
