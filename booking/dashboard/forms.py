"""Forms shared by several staff pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from booking.domain.text import tidy_line


class SearchForm(FlaskForm):
    """Find a client (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    q = StringField(
        "Name, email or phone number",
        description="Part of a name is enough. Phone numbers can be typed any way.",
        filters=[tidy_line],
        validators=[Optional(), Length(max=100, message="Please use 100 characters or fewer.")],
    )
