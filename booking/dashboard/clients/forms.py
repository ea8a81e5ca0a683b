"""The forms of a client's data rights: a copy of everything held, and erasure."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import InputRequired


class ExportForm(FlaskForm):
    """One button: download the client's data (a form, so a link elsewhere cannot start it)."""


class EraseForm(FlaskForm):
    """Erasure cannot be undone: admin ticks that they mean it."""

    confirm = BooleanField(
        "Yes, erase this client's details. I know it cannot be undone.",
        validators=[InputRequired("Please tick the box to confirm the erasure.")],
    )
