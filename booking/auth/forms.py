"""The sign-in form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import InputRequired, Length

from booking.domain.text import tidy_line


class SignInForm(FlaskForm):
    """Email and password; `next` is the page the person was trying to open."""

    email = EmailField(
        "Email address",
        filters=[tidy_line],
        validators=[
            InputRequired("Please enter your email address."),
            Length(max=254, message="Please check this email address: it is very long."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            InputRequired("Please enter your password."),
            Length(max=1000, message="Please check your password: it is very long."),
        ],
    )
    next = HiddenField()
