"""Forms for reviews and the screening list. Every field keeps what was typed when wrong."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from booking.domain.intake import Flag, FollowUp, ScreeningGroup
from booking.services.intake.review import NOTE_LIMIT
from booking.services.intake.screening import ScreeningEntry
from booking.views.fields import line_field, note_field, order_field

NOTE_TOO_LONG = f"Please keep the note to {NOTE_LIMIT:,} characters or fewer."


class ReleaseForm(FlaskForm):
    """Reviewed: the client's held sessions go ahead."""

    note = note_field(
        "A note for the record (optional)",
        NOTE_LIMIT,
        too_long=NOTE_TOO_LONG,
        description="Only the therapist and admin can read it.",
    )


class ContactedForm(FlaskForm):
    """The therapist is talking it through with the client; the sessions stay held."""

    note = note_field(
        "What you are talking through with the client",
        NOTE_LIMIT,
        required="Please write a short note about the conversation.",
        too_long=NOTE_TOO_LONG,
        description="Only the therapist and admin can read it.",
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

    label = line_field(
        "The condition, as the client reads it",
        200,
        required="Please write the condition as the client will read it.",
        too_long="Please keep this to 200 characters or fewer.",
    )
    hint = line_field(
        "Hint with the follow-up question (optional)",
        200,
        too_long="Please keep this to 200 characters or fewer.",
        description="For example: How many weeks?",
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
    order = order_field()

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
