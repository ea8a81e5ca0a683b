"""Forms for the calendar feed page: the form token, and for the admin, whose feed it is."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from booking.services.messaging.feeds import FeedStatus

CHOOSE_A_THERAPIST = "Please choose a therapist from the list."


class FeedForm(FlaskForm):
    """Make a new feed link or switch the feed off: a therapist's own (only the form token)."""


class PractitionerFeedForm(FeedForm):
    """The admin's form: the same buttons, for the therapist chosen in the list."""

    practitioner = SelectField(
        "Therapist",
        coerce=int,
        invalid_value_message=CHOOSE_A_THERAPIST,
        invalid_choice_message=CHOOSE_A_THERAPIST,
    )

    def offer(self, statuses: list[FeedStatus]) -> PractitionerFeedForm:
        """List these practitioners to choose from."""
        self.practitioner.choices = [
            SelectChoice(status.practitioner_id, status.name) for status in statuses
        ]
        return self
