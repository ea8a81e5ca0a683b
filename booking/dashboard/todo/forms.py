"""The to-do list's one form: "done" for one item."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired, Length


class DoneForm(FlaskForm):
    """The item's key; pressing the button is the "done"."""

    key = HiddenField(validators=[InputRequired(), Length(max=120)])
