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


def _code_field(label: str, required: str, too_long: str, description: str):
    return line_field(label, 40, required=required, too_long=too_long, description=description)


class SecondFactorForm(FlaskForm):
    """The code from the authenticator app, or a recovery code."""

    code = _code_field(
        "Code",
        "Please type the 6-digit code your app shows now, or a recovery code.",
        "Please check this code: it is longer than any code we give.",
        "The 6 digits your authenticator app shows for this practice. If you do "
        "not have your phone, type one of your recovery codes instead.",
    )


class SetUpForm(FlaskForm):
    """The first code from the app just set up, which confirms it works."""

    code = _code_field(
        "Code from your app",
        "Please type the 6-digit code your app shows now.",
        "Please check this code: the app shows 6 digits.",
        "Once the app has added this practice, it shows 6 digits that change "
        "every 30 seconds. Type the ones it shows now.",
    )
