"""Forms for the own-calendar page: the address, and for the admin, whose calendar it is."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from booking.services.busy_calendar.addresses import OwnCalendarStatus

CHOOSE_A_THERAPIST = "Please choose a therapist from the list."


def _practitioner_field() -> SelectField:
    return SelectField(
        "Therapist",
        coerce=int,
        invalid_value_message=CHOOSE_A_THERAPIST,
        invalid_choice_message=CHOOSE_A_THERAPIST,
    )


class _Offers:
    practitioner: SelectField

    def offer(self, statuses: list[OwnCalendarStatus]):
        """List these practitioners to choose from."""
        self.practitioner.choices = [SelectChoice(s.practitioner_id, s.name) for s in statuses]
        return self


class AddressForm(FlaskForm):
    """A therapist's own address (whether it can be read is checked by the service)."""

    address = StringField(
        "Your calendar's private address",
        description=(
            'Google: Settings, your calendar, "Secret address in iCal format". Apple: share '
            "the calendar as a public calendar and copy the link. Outlook: Settings, Calendar, "
            "Shared calendars, Publish a calendar, the ICS link."
        ),
        render_kw={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"},
    )


class PractitionerAddressForm(_Offers, AddressForm):
    """The admin's form: the address of the therapist chosen in the list."""

    practitioner = _practitioner_field()


class ActionForm(FlaskForm):
    """ "Read it now" or "Remove": a therapist's own (only the form token)."""


class PractitionerActionForm(_Offers, ActionForm):
    """The admin's buttons, for the therapist named in the form."""

    practitioner = _practitioner_field()
