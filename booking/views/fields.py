"""Form fields many forms declare alike: a tidied line or note, required or optional, at most so
many characters, with what to say when it is missing or too long (next to the field); and the
place of an entry in a list staff arrange."""

from __future__ import annotations

from wtforms import Field, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from booking.domain.text import tidy_line, tidy_note


def _validators(limit: int, required: str, too_long: str) -> list:
    # DataRequired reads the answer after tidying: spaces alone are not an answer (InputRequired
    # looked at the raw text, so "   " passed as given and was saved empty).
    presence = DataRequired(required) if required else Optional()
    message = too_long or f"Please use {limit} characters or fewer."
    return [presence, Length(max=limit, message=message)]


def line_field(
    label: str,
    limit: int,
    *,
    required: str = "",
    too_long: str = "",
    description: str = "",
    field: type[Field] = StringField,
):
    """One line of text, tidied; `required` is what to say when it is left empty (without it,
    the field is optional)."""
    return field(
        label,
        description=description,
        filters=[tidy_line],
        validators=_validators(limit, required, too_long),
    )


def note_field(
    label: str, limit: int, *, required: str = "", too_long: str = "", description: str = ""
):
    """A few lines of text, tidied, as `line_field`."""
    return TextAreaField(
        label,
        description=description,
        filters=[tidy_note],
        validators=_validators(limit, required, too_long),
    )


def order_field():
    """Where an entry stands in a list staff arrange (services, the screening list)."""
    return IntegerField(
        "Place in the list (optional)",
        description="Lower numbers come first, for example 10, 20, 30.",
        invalid_value_message="Please use a whole number, for example 30.",
        validators=[
            Optional(),
            NumberRange(min=0, max=100_000, message="Please use a number from 0 to 100,000."),
        ],
    )
