"""Forms for the admin's staff account pages and the audit trail's filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, Optional, ValidationError

from booking.domain.audit import AUDIT_WORDS
from booking.domain.statuses import StaffRole
from booking.models import Practitioner
from booking.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from booking.views.fields import line_field
from booking.web import row_id

ROLE_CHOICES = [
    SelectChoice(
        StaffRole.RECEPTION.value, "Reception: diary, bookings and clients' practical needs"
    ),
    SelectChoice(StaffRole.THERAPIST.value, "Therapist: also clients' health answers and notes"),
    SelectChoice(
        StaffRole.ADMIN.value, "Admin: everything, including staff accounts and the audit trail"
    ),
]
NOT_LINKED = ""
CLIENT_NUMBER = "Please enter a client number such as 42."
CHOOSE_A_DIARY = "Please choose a therapist's diary from the list."
PASSWORD_LENGTH = (
    f"Please choose a password of at least {MIN_PASSWORD_LENGTH} characters. A few words "
    "together are easy to remember."
)


def _diary_id(value: object) -> int | None:
    """The chosen diary's id; the empty choice means not linked."""
    if value in (None, NOT_LINKED):
        return None
    return int(value)  # ValueError: WTForms shows invalid_value_message


class _RoleAndDiary:
    """Role and diary fields, shared by the add and change forms."""

    role = RadioField(
        "Role",
        choices=ROLE_CHOICES,
        validators=[InputRequired("Please choose what this account may do.")],
    )
    practitioner = SelectField(
        "Therapist's diary",
        description="For a therapist: the diary whose sessions they see first and their "
        "calendar feed. Reception accounts are not linked.",
        coerce=_diary_id,
        invalid_value_message=CHOOSE_A_DIARY,
        invalid_choice_message=CHOOSE_A_DIARY,
    )

    def offer(self, diaries: list[Practitioner]):
        """List these diaries to choose from, after 'Not linked'."""
        self.practitioner.choices = [SelectChoice(NOT_LINKED, "Not linked")] + [
            SelectChoice(diary.id, diary.name) for diary in diaries
        ]
        return self


def _new_password(label: str) -> PasswordField:
    return PasswordField(
        label,
        description=f"At least {MIN_PASSWORD_LENGTH} characters. Tell them in person or by "
        "phone, never by email.",
        validators=[
            InputRequired("Please type a password."),
            Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH, message=PASSWORD_LENGTH),
        ],
    )


def _again() -> PasswordField:
    return PasswordField(
        "Type the password again",
        validators=[
            InputRequired("Please type the password again."),
            EqualTo("password", "The two passwords are not the same. Please type them again."),
        ],
    )


class StaffAddForm(_RoleAndDiary, FlaskForm):
    """A new staff account: email, role, diary and a first password."""

    email = line_field(
        "Email address",
        254,
        required="Please enter their email address.",
        too_long="Please check this email address: it is very long.",
        description="They sign in with this.",
        field=EmailField,
    )
    password = _new_password("First password")
    password_again = _again()


class StaffChangeForm(_RoleAndDiary, FlaskForm):
    """Change what an account may do, and its diary."""


class StaffPasswordForm(FlaskForm):
    """Set a new password for an account (it is signed out everywhere)."""

    password = _new_password("New password")
    password_again = _again()


class StaffSwitchForm(FlaskForm):
    """Switch an account off or back on (only the form token)."""


class AuditFilterForm(FlaskForm):
    """The audit trail's filters, sent in the address (no form token: it only reads)."""

    class Meta:
        csrf = False

    client = line_field(
        "Client number",
        20,
        too_long=CLIENT_NUMBER,
        description="Shows only what happened to this client's record.",
    )
    action = SelectField(
        "What happened",
        choices=[SelectChoice("", "Anything")]
        + [SelectChoice(action.value, words) for action, words in AUDIT_WORDS.items()],
        validators=[Optional()],
        invalid_choice_message="Please choose from the list.",
    )

    def validate_client(self, field: StringField) -> None:
        """A client number is a whole number such as 42."""
        text = field.data or ""
        if text and row_id(text) is None:
            raise ValidationError(CLIENT_NUMBER)

    @property
    def client_id(self) -> int | None:
        """The client number asked for, once the form is valid."""
        return int(self.client.data) if self.client.data else None
