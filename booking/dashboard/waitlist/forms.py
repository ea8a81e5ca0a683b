"""Forms for the desk's waiting list. Every field keeps what was typed when anything is wrong."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

from booking.views.fields import line_field
from booking.waitlist.forms import STAFF_CHANNELS, WishFields

REASON_LIMIT = 120


class AddToListForm(WishFields):
    """Put a client on the list, on their behalf (say, on the phone)."""

    client = HiddenField()
    service = SelectField("Session", validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.channel.choices = [(choice.value, choice.label) for choice in STAFF_CHANNELS]
        self.channel.label.text = "How should we tell them when a time frees?"


class RemoveForm(FlaskForm):
    """Take someone off the list: the reason goes in the audit trail."""

    reason = line_field(
        "Why are they leaving the list?",
        REASON_LIMIT,
        required="Please say why, for example: they asked on the phone.",
        description="For example: they asked on the phone, or they found a time.",
    )
