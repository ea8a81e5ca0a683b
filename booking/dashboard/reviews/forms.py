"""Forms for reviews and the screening list. Every field keeps what was typed when wrong."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from booking.domain.intake import Flag, FollowUp, ScreeningGroup
from booking.domain.text import tidy_line, tidy_note
from booking.services.intake.review import NOTE_LIMIT
from booking.services.intake.screening import ScreeningEntry

NOTE_TOO_LONG = f"Please keep the note to {NOTE_LIMIT:,} characters or fewer."


class ReleaseForm(FlaskForm):
    """Reviewed: the client's held sessions go ahead."""

    note = TextAreaField(
        "A note for the record (optional)",
        description="Only the therapist and admin can read it.",
        filters=[tidy_note],
        validators=[Optional(), Length(max=NOTE_LIMIT, message=NOTE_TOO_LONG)],
    )


class ContactedForm(FlaskForm):
    """The therapist is talking it through with the client; the sessions stay held."""

    note = TextAreaField(
        "What you are talking through with the client",
        description="Only the therapist and admin can read it.",
        filters=[tidy_note],
        validators=[
            InputRequired("Please write a short note about the conversation."),
            Length(max=NOTE_LIMIT, message=NOTE_TOO_LONG),
        ],
    )


GROUP_CHOICES = [
    SelectChoice(ScreeningGroup.NOW.value, "Going on now (fever, possible clot, new injury)"),
    SelectChoice(
        ScreeningGroup.HISTORY.value, "Health history (may need a review, or the GP's agreement)"
    ),
    SelectChoice(ScreeningGroup.LOCAL.value, "In one place on the body (an area to avoid)"),
]
FLAG_CHOICES = [
    SelectChoice(Flag.STOP.value, "Stop: no hands-on session until you have reviewed it"),
    SelectChoice(
        Flag.REVIEW.value, "Review: sessions wait until you have looked (or the GP agrees)"
    ),
    SelectChoice(Flag.ADAPT.value, "Adapt: sessions go ahead, with an adjustment on the plan"),
    SelectChoice(Flag.INFO.value, "Good to know: sessions go ahead"),
]
FOLLOW_UP_CHOICES = [
    SelectChoice(FollowUp.NONE.value, "Nothing more"),
    SelectChoice(FollowUp.AREA.value, "Where on the body"),
    SelectChoice(FollowUp.DETAILS.value, "A few words (when, which, how many weeks)"),
]
CHOOSE_FROM_LIST = "Please choose one of the options in the list."


class ScreeningRowForm(FlaskForm):
    """One condition on the screening list. The page holds one of these per row."""

    label = StringField(
        "The condition, as the client reads it",
        filters=[tidy_line],
        validators=[
            InputRequired("Please write the condition as the client will read it."),
            Length(max=200, message="Please keep this to 200 characters or fewer."),
        ],
    )
    hint = StringField(
        "Hint with the follow-up question (optional)",
        description="For example: How many weeks?",
        filters=[tidy_line],
        validators=[
            Optional(),
            Length(max=200, message="Please keep this to 200 characters or fewer."),
        ],
    )
    group = SelectField(
        "Where it is asked",
        choices=GROUP_CHOICES,
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    flag = SelectField(
        "What it means for sessions",
        choices=FLAG_CHOICES,
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    follow_up = SelectField(
        "What we ask next",
        choices=FOLLOW_UP_CHOICES,
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    active = BooleanField(
        "Ask this on the health check",
        description="Switched off, it is no longer asked; answers given before stay readable.",
        default=True,
    )
    order = IntegerField(
        "Place in the list (optional)",
        description="Lower numbers come first, for example 10, 20, 30.",
        invalid_value_message="Please use a whole number, for example 30.",
        validators=[
            Optional(),
            NumberRange(min=0, max=100_000, message="Please use a number from 0 to 100,000."),
        ],
    )

    def entry(self) -> ScreeningEntry:
        """The checked values, for the service."""
        return ScreeningEntry(
            label=self.label.data,
            hint=self.hint.data or "",
            group=ScreeningGroup(self.group.data),
            flag=Flag(self.flag.data),
            follow_up=FollowUp(self.follow_up.data),
            active=bool(self.active.data),
            sort_order=self.order.data,
        )
