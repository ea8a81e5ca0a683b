"""Forms for the therapist's day: the record after a session, and the change for the next."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from booking.domain.intake import BODY_AREAS, PRESSURES
from booking.domain.session_record import ARRIVED, MOST_MINUTES, POSITIONS
from booking.domain.text import tidy_line, tidy_note
from booking.services.sessions.records import NOTE_LIMIT
from booking.views.questionnaire import Choices, SeveralChoices

MINUTES_HINT = "Whole minutes, such as 25."
NOT_A_NUMBER = f"Please give the hands-on minutes as a number. {MINUTES_HINT}"


class Minutes(IntegerField):
    """Whole minutes; anything longer than a few digits is a slip, refused before it is
    converted (a huge number would otherwise overflow the range check)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and len(valuelist[0].strip()) > 6:
            self.data = None
            raise ValueError(f"Please give a number from 0 to {MOST_MINUTES}.")
        super().process_formdata(valuelist)


def _minutes(label: str, description: str) -> Minutes:
    return Minutes(
        label,
        description=description,
        invalid_value_message=NOT_A_NUMBER,
        validators=[
            InputRequired(f"Please give the hands-on minutes as a number. {MINUTES_HINT}"),
            NumberRange(
                min=0, max=MOST_MINUTES, message=f"Please give a number from 0 to {MOST_MINUTES}."
            ),
        ],
    )


def _pressure() -> Choices:
    return Choices(
        "Pressure", PRESSURES, validators=[InputRequired("Please choose the pressure, 1 to 5.")]
    )


def _free_text(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        description=" ".join(filter(None, [description, "Only the therapist and admin read it."])),
        filters=[tidy_note],
        validators=[
            Length(
                max=NOTE_LIMIT,
                message=f"Please keep this to {NOTE_LIMIT:,} characters or fewer.",
            )
        ],
    )


class SessionRecordForm(FlaskForm):
    """What was done in the session, filled in from the plan: check it, change what differed."""

    hands_on_minutes = _minutes("Hands-on minutes", "The massage time actually given.")
    pressure = _pressure()
    positions = SeveralChoices("Positions", POSITIONS)
    areas_worked = SeveralChoices("Areas worked", BODY_AREAS)
    areas_avoided = SeveralChoices("Areas avoided", BODY_AREAS)
    arrived = Choices("How they arrived", ARRIVED)
    helped = _free_text("What helped", "And anything else to remember.")
    avoid_next = _free_text("What to avoid next time", "")
    # The version of the record the form was opened with: a newer one is never overwritten.
    seen = HiddenField(filters=[tidy_line])


class NextSessionForm(FlaskForm):
    """The suggestion for a coming session, accepted as it is or edited."""

    hands_on_minutes = _minutes("Hands-on minutes", MINUTES_HINT)
    pressure = SelectField(
        "Pressure",
        choices=[SelectChoice(key, words) for key, words in PRESSURES],
        invalid_choice_message="Please choose the pressure, 1 to 5.",
        validators=[InputRequired("Please choose the pressure, 1 to 5.")],
    )
    direction = HiddenField(filters=[tidy_line])
