"""Forms shared by several staff pages."""

from __future__ import annotations

from flask_wtf import FlaskForm

from booking.views.fields import line_field


class SearchForm(FlaskForm):
    """Find a client (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    q = line_field(
        "Name, email or phone number",
        100,
        description="Part of a name is enough. Phone numbers can be typed any way.",
    )
