"""Booking on a client's behalf (phone bookings), through the public flow's rules.

Three parts on one page, each working without JavaScript: who (search, or a new client's
details), which session and day (a GET form that shows that day's free times), then the
POST that books. The diary links here with ?practitioner=&service=&start= to prefill it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from booking.auth.roles import EVERY_ROLE, roles_required
from booking.clock import local_date, now_utc, practice_zone
from booking.dashboard import bp
from booking.dashboard.desk.forms import BookForClientForm, SessionChoiceForm
from booking.dashboard.desk.words import problem_words
from booking.dashboard.forms import SearchForm
from booking.domain.availability import Slot
from booking.domain.desk_rules import local_instant, parse_clock, within_reach
from booking.domain.statuses import BookingStatus
from booking.models import Client, Practitioner, Service
from booking.services import booking as bookings
from booking.services.booking import availability, staff_bookings
from booking.services.busy_calendar.blocks import collides_with_busy
from booking.services.clients import records as client_records
from booking.services.clients import search as client_search
from booking.services.practice.catalogue import bookable_services
from booking.views.times import parse_start
from booking.web import row_id


def _keys() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="staff-booking-key")


@dataclass
class Choice:
    """What the page is about: the client (if chosen), service, therapist, day, free times."""

    client: Client | None
    services: list[Service]
    practitioners: list[Practitioner]
    service: Service | None
    practitioner: Practitioner | None
    day: date
    slots: list[Slot]


def _choice(
    client_raw, service_raw, practitioner_raw, day: date | None, strict: bool = False
) -> Choice:
    now = now_utc()
    zone = practice_zone()
    if not within_reach(day):
        day = None  # today instead; the form says why next to the field
    client_id = row_id(client_raw)
    client = client_records.find_client(client_id) if client_id else None
    services = bookable_services()
    practitioners = availability.active_practitioners()
    # Nothing (or nothing known) chosen: the first of each. When booking (`strict`), a choice
    # no longer offered is None, so an old page never books a different session or therapist.
    service = next(
        (s for s in services if s.slug == service_raw),
        services[0] if services and not (strict and service_raw) else None,
    )
    chosen = row_id(practitioner_raw)
    practitioner = next(
        (p for p in practitioners if p.id == chosen),
        practitioners[0] if practitioners and not (strict and practitioner_raw) else None,
    )
    day = day or local_date(now)
    slots: list[Slot] = []
    if service is not None and practitioner is not None:
        start, end = availability.local_day_bounds(day, zone)
        slots = availability.find_slots(service, [practitioner], start, end, now, staff=True)
    return Choice(client, services, practitioners, service, practitioner, day, slots)


def _page(
    choice: Choice,
    form: BookForClientForm,
    search: SearchForm,
    problem: str | None = None,
    session_form: SessionChoiceForm | None = None,
) -> str:
    zone = practice_zone()
    now = now_utc()
    if session_form is None or not session_form.day.errors:
        session_form = SessionChoiceForm(formdata=None)
        session_form.day.data = choice.day
    session_form.client.data = str(choice.client.id) if choice.client else ""
    session_form.service.data = choice.service.slug if choice.service else ""
    session_form.practitioner.data = str(choice.practitioner.id) if choice.practitioner else ""
    session_form.service.choices = [
        (s.slug, f"{s.name} ({s.minutes} minutes)") for s in choice.services
    ]
    session_form.practitioner.choices = [(str(p.id), p.name) for p in choice.practitioners]
    form.start.choices = [
        (slot.start.isoformat(), slot.start.astimezone(zone).strftime("%H:%M"))
        for slot in choice.slots
    ]
    form.client.data = str(choice.client.id) if choice.client else ""
    if choice.service is not None:  # otherwise what was sent stays, refused again if sent
        form.service.data = choice.service.slug
    if choice.practitioner is not None:
        form.practitioner.data = str(choice.practitioner.id)
    form.day.data = choice.day.isoformat()
    if not form.booking_key.data:
        form.booking_key.data = _keys().dumps(bookings.new_manage_token())
    found = None
    if search.q.data and not search.errors:
        found = client_search.search_clients(search.q.data, now)
    return render_template(
        "dashboard/desk/book_for.html",
        choice=choice,
        form=form,
        session_form=session_form,
        search=search,
        found=found,
        problem=problem,
        keep={
            "service": form.service.data,
            "practitioner": form.practitioner.data,
            "day": form.day.data,
        },
    )


@bp.get("/book")
@roles_required(*EVERY_ROLE)
def book_for_client() -> str:
    """Book on behalf of a client; ?practitioner=&service=&start= prefill the form."""
    args = request.args
    start = parse_start(args.get("start"))
    session_form = SessionChoiceForm(formdata=args)
    session_form.validate()
    day = session_form.day.data
    if day is None and start is not None:
        day = local_date(start)
    choice = _choice(args.get("client"), args.get("service"), args.get("practitioner"), day)
    form = BookForClientForm(formdata=None)
    if start is not None:
        offered = {slot.start for slot in choice.slots}
        if start in offered:
            form.start.data = start.isoformat()
        else:  # a time from the diary that is not free: offer it as an override, unticked
            form.outside_time.data = start.astimezone(practice_zone()).strftime("%H:%M")
    search = SearchForm(formdata=args)
    search.validate()
    # A day that is not a date keeps its message next to the field; today's times show.
    return _page(choice, form, search, session_form=session_form)


def _details(form: BookForClientForm) -> bookings.ClientDetails:
    return form.client_details(
        through_carer=bool(form.by_carer.data),
        send_to_carer=bool(form.send_to_carer.data),
        carer_copies=bool(form.carer_copies.data),
    )


def _start_from(form: BookForClientForm, day: date) -> datetime | None:
    if form.outside_hours.data:
        clock = parse_clock(form.outside_time.data or "")
        start = local_instant(day, clock, practice_zone()) if clock else None
        if start is None:
            form.outside_time.errors = ["The clocks go forward at that time, so it does not exist."]
        return start
    start = parse_start(form.start.data)
    if start is None:
        form.start.errors = ["Please choose one of the free times."]
    return start


def _busy_unseen(form: BookForClientForm, choice: Choice, start: datetime) -> bool:
    """Whether an override's time collides with the therapist's own calendar and has not yet
    been shown as busy (noting that it now has been)."""
    span = availability.session_shape(choice.service).blocked(start)
    if not collides_with_busy(choice.practitioner.id, span):
        return False
    if form.busy_seen.data == start.isoformat():
        return False
    form.busy_seen.data = start.isoformat()
    return True


@bp.post("/book")
@roles_required(*EVERY_ROLE)
def book_for_client_save() -> ResponseReturnValue:
    """Book it: the same rules as the public flow; the override is recorded with its reason."""
    form = BookForClientForm()
    try:
        day = date.fromisoformat((form.day.data or "")[:10])
    except ValueError:
        day = None
    choice = _choice(form.client.data, form.service.data, form.practitioner.data, day, True)
    search = SearchForm(formdata=None)
    if form.client.data and choice.client is None:
        abort(404)
    if not form.validate():
        return _page(choice, form, search), 422
    try:
        # The key makes pressing Book twice safe; without one, this is simply a new booking.
        key = _keys().loads(form.booking_key.data) if form.booking_key.data else None
    except BadSignature:
        form.booking_key.data = ""
        return _page(choice, form, search, "Please check the details and press Book again."), 400
    if choice.service is None or choice.practitioner is None:
        gone = "That session or therapist is no longer taking bookings. Please choose again."
        return _page(choice, form, search, gone), 422
    start = _start_from(form, choice.day)
    if start is None:
        return _page(choice, form, search), 422
    if form.outside_hours.data and _busy_unseen(form, choice, start):
        name = choice.practitioner.name
        busy = (
            f"{name}'s own calendar shows them busy at that time. Please check with {name}; "
            "to book it anyway, press Book the session again."
        )
        return _page(choice, form, search, busy), 409
    try:
        result = staff_bookings.book_for_client(
            choice.service.slug,
            start,
            choice.practitioner.id,
            None if choice.client else _details(form),
            choice.client.id if choice.client else None,
            key or bookings.new_manage_token(),
            current_user.id,
            now_utc(),
            outside_hours_reason=form.outside_reason.data if form.outside_hours.data else None,
        )
    except bookings.UnknownClient:
        abort(404)
    except bookings.BookingError as problem:
        status = 409 if isinstance(problem, bookings.TimeNotOffered) else 422
        choice = _choice(form.client.data, form.service.data, form.practitioner.data, day, True)
        return _page(choice, form, search, problem_words(problem)), status
    booking = result.booking
    zone = practice_zone()
    when = booking.start_utc.astimezone(zone)
    held = (
        " It is held until the therapist has looked at the client's answers."
        if booking.status == BookingStatus.HELD_FOR_REVIEW
        else ""
    )
    flash(
        f"Booked for {when:%A} {when.day} {when:%B} at {when:%H:%M}. "
        f"The confirmation is on its way.{held}",
        "info",
    )
    return redirect(url_for("dashboard.booking_detail", booking_id=booking.id), code=303)
