"""The own-calendar page: a therapist keeps the private address of their own calendar (Google,
Apple, Outlook) so its busy times are taken out of what clients can book.

Saving never reads the address inside the request: the worker reads it within minutes, and
"Read it now" only asks the worker to. The address is shown back only as its host. A therapist
sets their own; the admin anyone's; reception has no access.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.dashboard.own_calendar.forms import (
    ActionForm,
    AddressForm,
    PractitionerActionForm,
    PractitionerAddressForm,
)
from booking.domain.busy_calendar import AddressError
from booking.domain.statuses import StaffRole
from booking.services.busy_calendar import addresses
from booking.services.staff import audit

OWN_CALENDAR_ROLES = (StaffRole.THERAPIST, StaffRole.ADMIN)


def _acts_for_anyone() -> bool:
    return current_user.role == StaffRole.ADMIN


def _statuses() -> list[addresses.OwnCalendarStatus]:
    """The calendars this member of staff may look after: everyone's for admin, else their own."""
    if _acts_for_anyone():
        return addresses.statuses()
    if current_user.practitioner_id is None:
        return []
    return addresses.statuses([current_user.practitioner_id])


def _chosen_id(statuses: list[addresses.OwnCalendarStatus], wanted: int | None) -> int | None:
    ids = [s.practitioner_id for s in statuses]
    if wanted in ids:
        return wanted
    if current_user.practitioner_id in ids:
        return current_user.practitioner_id
    return ids[0] if ids else None


def _blank_form(statuses, chosen_id: int | None) -> AddressForm:
    if not _acts_for_anyone():
        return AddressForm(formdata=None)
    return PractitionerAddressForm(formdata=None, data={"practitioner": chosen_id}).offer(statuses)


def _page(statuses, form: AddressForm, chosen_id: int | None) -> str:
    return render_template(
        "dashboard/own_calendar/own_calendar.html",
        statuses=statuses,
        chosen=next((s for s in statuses if s.practitioner_id == chosen_id), None),
        form=form,
        for_anyone=_acts_for_anyone(),
        every_minutes=_every_minutes(),
    )


def _every_minutes() -> int:
    return current_app.config["BUSY_CALENDAR_SYNC_MINUTES"]


def _whose(form, statuses) -> int | None:
    """Whose calendar a checked form is about: the admin's choice, or the therapist's own
    (whatever a therapist's form may say)."""
    if isinstance(form, PractitionerAddressForm | PractitionerActionForm):
        return form.practitioner.data
    return statuses[0].practitioner_id if statuses else None


@bp.get("/own-calendar")
@roles_required(*OWN_CALENDAR_ROLES)
def own_calendar() -> str:
    """The saved address (its host only), how the last read went, and the form to change it."""
    statuses = _statuses()
    chosen_id = _chosen_id(statuses, request.args.get("practitioner", type=int))
    return _page(statuses, _blank_form(statuses, chosen_id), chosen_id)


@bp.post("/own-calendar/save")
@roles_required(*OWN_CALENDAR_ROLES)
def own_calendar_save() -> ResponseReturnValue:
    """Keep the address (encrypted) and ask the worker to read it; never read it here."""
    statuses = _statuses()
    form = PractitionerAddressForm().offer(statuses) if _acts_for_anyone() else AddressForm()
    if not form.validate():
        return _page(statuses, form, _whose(form, statuses)), 422
    practitioner_id = _whose(form, statuses)
    if practitioner_id is None:  # a therapist's account with no diary: the page explains
        return _page(statuses, form, None)
    try:
        host = addresses.save_address(
            practitioner_id, form.address.data or "", audit.actor_for(current_user.id), now_utc()
        )
    except AddressError as problem:
        form.address.errors = [str(problem)]
        return _page(statuses, form, practitioner_id), 422
    except addresses.UnknownPractitioner:
        abort(404)
    flash(
        f"Saved the calendar address at {host}. It will be read within a few minutes; "
        "its busy times then stop clients booking those times.",
        "info",
    )
    return _back_to(practitioner_id)


@bp.post("/own-calendar/read")
@roles_required(*OWN_CALENDAR_ROLES)
def own_calendar_read() -> ResponseReturnValue:
    """Ask the worker to read the address on its next pass (within a minute or two)."""
    practitioner_id = _acted_on()
    if addresses.request_read(practitioner_id, now_utc()):
        flash("The calendar will be read again within a minute or two.", "info")
    else:
        flash("There is no calendar address saved, so there is nothing to read.", "info")
    return _back_to(practitioner_id)


@bp.post("/own-calendar/remove")
@roles_required(*OWN_CALENDAR_ROLES)
def own_calendar_remove() -> ResponseReturnValue:
    """Forget the address and the busy times read from it."""
    practitioner_id = _acted_on()
    try:
        had = addresses.remove_address(practitioner_id, audit.actor_for(current_user.id), now_utc())
    except addresses.UnknownPractitioner:
        abort(404)
    if had:
        flash("The calendar address is removed, and its busy times no longer count.", "info")
    else:
        flash("There was no calendar address saved. Nothing has changed.", "info")
    return _back_to(practitioner_id)


def _acted_on() -> int:
    """Whose calendar a button is about; 400 for a form that does not check out, 409 for a
    therapist's account with no diary."""
    statuses = _statuses()
    form = PractitionerActionForm().offer(statuses) if _acts_for_anyone() else ActionForm()
    if not form.validate():
        abort(400)
    practitioner_id = _whose(form, statuses)
    if practitioner_id is None:
        abort(409)
    return practitioner_id


def _back_to(practitioner_id: int) -> ResponseReturnValue:
    target = {"practitioner": practitioner_id} if _acts_for_anyone() else {}
    return redirect(url_for("dashboard.own_calendar", **target), code=303)
