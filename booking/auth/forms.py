"""The sign-in form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import InputRequired, Length

from booking.views.fields import line_field


class SignInForm(FlaskForm):
    """Email and password; `next` is the page the person was trying to open."""

    email = line_field(
        "Email address",
        254,
        required="Please enter your email address.",
        too_long="Please check this email address: it is very long.",
        field=EmailField,
    )
    password = PasswordField(
        "Password",
        validators=[
            InputRequired("Please enter your password."),
            Length(max=1000, message="Please check your password: it is very long."),
        ],
    )
    next = HiddenField()
