"""Forms for the therapist's day: the note after a session."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from booking.domain.text import tidy_line, tidy_note
from booking.services.sessions.records import NOTE_LIMIT


class SessionNoteForm(FlaskForm):
    """A short note after the session, written or changed."""

    note = TextAreaField(
        "How the session went",
        description=(
            f"A few lines for next time: what helped, what to avoid, how they were after. "
            f"Up to {NOTE_LIMIT:,} characters. Only the therapist and admin can read it."
        ),
        filters=[tidy_note],
        validators=[
            DataRequired("Please write the note."),
            Length(
                max=NOTE_LIMIT,
                message=f"Please keep the note to {NOTE_LIMIT:,} characters or fewer.",
            ),
        ],
    )
    # The version of the note the form was opened with: a newer one is never overwritten.
    seen = HiddenField(filters=[tidy_line])
