"""The home page and the booking steps: service → time → details (and book) → booked."""

from __future__ import annotations

from datetime import date, datetime

from flask import (
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
)
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeSerializer

from booking.clock import local_date, now_utc
from booking.extensions import csrf
from booking.public import bp
from booking.public.flow import ON_SITE, Flow
from booking.public.forms import CallMeForm, ConfirmForm, DetailsForm
from booking.services import booking as bookings
from booking.services.booking import availability
from booking.services.intake import questionnaire as intakes
from booking.services.messaging import call_requests
from booking.services.practice.catalogue import bookable_services
from booking.views.embedding import seal_draft
from booking.views.page_cache import kept_page
from booking.views.times import changes_at, parse_day, parse_start, times_context
from booking.web import never_cache, row_id

DRAFT_KEY = "booking_details"  # what the client typed, so changing the time never loses it
DRAFT_FIELDS = (
    "for_whom",
    "name",
    "preferred_name",
    "email",
    "phone",
    "carer_name",
    "carer_relationship",
    "carer_email",
    "carer_phone",
    "send_to",
)


@bp.get("/")
def index() -> str:
    """The home page: what the practice offers and how it works."""
    return kept_page(
        lambda: (
            render_template("public/index.html", services=bookable_services(), flow=ON_SITE),
            None,
        )
    )


@bp.get("/book")
def choose_service() -> str:
    """Step 1: choose what to book; the first visit comes first and is explained."""
    return services_step(ON_SITE)


def services_step(flow: Flow) -> str:
    """Step 1 on the site or in a frame."""

    def render() -> tuple[str, None]:
        return render_template("book/service.html", services=bookable_services(), flow=flow), None

    if flow.draft:  # links that carry one visitor's details are never kept for others
        return render()[0]
    return kept_page(render)


def _service_or_404(slug: str):
    try:
        return bookings.active_service(slug)
    except bookings.UnknownService:
        abort(404)


def _practitioner_choice(raw: str | None) -> int | None:
    """The practitioner id in a query string or form, or None for anyone."""
    return row_id(raw)


@bp.get("/book/<slug>")
def choose_time(slug: str) -> str:
    """Step 2: a week of free times, by day and part of day, with reasons for empty days."""
    return times_step(slug, ON_SITE)


def times_step(slug: str, flow: Flow) -> str:
    """Step 2 on the site or in a frame."""
    if flow.draft:  # links that carry one visitor's details are never kept for others
        return _times_page(slug, flow)[0]
    return kept_page(lambda: _times_page(slug, flow))


def _times_page(slug: str, flow: Flow) -> tuple[str, datetime | None]:
    service = _service_or_404(slug)
    everyone = availability.active_practitioners()
    chosen = _practitioner_choice(request.args.get("practitioner"))
    practitioners = [p for p in everyone if p.id == chosen] or everyone
    if len(practitioners) != 1:
        chosen = None
    choice = "" if chosen is None else str(chosen)

    def time_href(slot) -> str:
        start = slot.start.isoformat()
        return flow.url("details", slug=slug, start=start, practitioner=choice)

    def day_href(day: date) -> str:
        return flow.url("choose_time", slug=slug, practitioner=chosen, **{"from": day})

    context = times_context(
        service, practitioners, parse_day(request.args.get("from")), time_href, day_href
    )
    html = render_template(
        "book/times.html",
        service=service,
        practitioners=everyone,
        chosen=chosen,
        chosen_name=practitioners[0].name if chosen is not None else None,
        flow=flow,
        **context,
    )
    return html, changes_at(context)


def _details_from(form: DetailsForm) -> bookings.ClientDetails:
    return form.client_details(
        through_carer=form.for_whom.data == "other",
        send_to_carer=form.send_to.data == "carer",
        carer_copies=form.send_to.data == "both",
    )


def _booking_keys() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="booking-key")


def _choice_context(service, form: DetailsForm, flow: Flow) -> dict[str, object]:
    """What every step after the time shows: the service, the time and the therapist."""
    start = parse_start(form.start.data)
    practitioner_id = _practitioner_choice(form.practitioner.data)
    therapist = None
    if practitioner_id is not None:
        found = availability.active_practitioners(practitioner_id)
        therapist = found[0] if found else None
    return {
        "service": service,
        "start": start,
        "therapist": therapist,
        "flow": flow,
    }


@bp.route("/book/<slug>/details", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one keeps what was typed
def details(slug: str) -> ResponseReturnValue:
    """Step 3: who the session is for and how to reach them, under a summary of the choice;
    its button books."""
    return details_step(slug, ON_SITE)


def details_step(slug: str, flow: Flow) -> ResponseReturnValue:
    """Step 3 on the site or in a frame."""
    service = _service_or_404(slug)
    if request.method == "GET":
        form = flow.form(formdata=None, data=flow.typed() or session.get(DRAFT_KEY, {}))
        form.start.data = request.args.get("start", "")
        form.practitioner.data = request.args.get("practitioner", "")
        if parse_start(form.start.data) is None:
            return redirect(flow.url("choose_time", slug=slug))
        form.booking_key.data = _new_booking_key()
        return render_template(
            "book/details.html", form=form, **_choice_context(service, form, flow)
        )
    form = flow.form()
    going_back = request.form.get("action") in ("session", "time")
    if not form.validate() and not going_back:
        return _details_again(service, form, flow)
    if not form.csrf_token.errors:
        draft = {name: getattr(form, name).data for name in DRAFT_FIELDS}
        session[DRAFT_KEY] = draft
        if flow.embedded:
            flow = flow.carrying(seal_draft(draft))
    if going_back:
        return _back_to_choose(service, form, request.form["action"], flow)
    return _book(service, form, flow)


def _back_to_choose(service, form: ConfirmForm, what: str, flow: Flow) -> ResponseReturnValue:
    """Change the session or the time: what was typed is in the draft, so nothing is lost."""
    if what == "session":
        return redirect(flow.url("choose_service"), code=303)
    start = parse_start(form.start.data)
    around = {"from": local_date(start).isoformat()} if start else {}
    practitioner = _practitioner_choice(form.practitioner.data)
    return redirect(
        flow.url("choose_time", slug=service.slug, practitioner=practitioner, **around),
        code=303,
    )


def _new_booking_key() -> str:
    """A signed manage token chosen before the client presses Book: pressing twice, or again
    after a lost answer, finds the same booking instead of making two."""
    return _booking_keys().dumps(bookings.new_manage_token())


def _details_again(service, form: ConfirmForm, flow: Flow, problem=None) -> tuple[str, int]:
    expired = bool(form.csrf_token.errors)
    if not form.booking_key.data:
        form.booking_key.data = _new_booking_key()
    return (
        render_template(
            "book/details.html",
            form=form,
            problem=problem,
            session_expired=expired,
            **_choice_context(service, form, flow),
        ),
        422 if not expired else 400,
    )


def _check_page(service, form: ConfirmForm, flow: Flow, problem=None, status: int = 200):
    """The time has just gone: nearby free times to pick from, the details riding along."""
    confirm = flow.form(
        formdata=None, data={k: v for k, v in form.data.items() if k != "csrf_token"}
    )
    confirm.booking_key.data = form.booking_key.data or _new_booking_key()
    return (
        render_template(
            "book/check.html",
            form=confirm,
            problem=problem,
            hidden_fields=[f for f in confirm if f.name not in ("csrf_token", "start")],
            **_choice_context(service, form, flow),
        ),
        status,
    )


def _book(service, form: ConfirmForm, flow: Flow) -> ResponseReturnValue:
    """Book what a valid form holds, then show the booked page (303, so a reload is harmless)."""
    try:
        token = _booking_keys().loads(form.booking_key.data or "")
    except BadSignature:
        form.booking_key.data = None
        problem = bookings.BookingError("Please check and confirm.")
        return _check_page(service, form, flow, problem, 400)
    start = parse_start(form.start.data)
    if start is None:
        return redirect(flow.url("choose_time", slug=service.slug))
    try:
        result = bookings.book(
            service.slug,
            start,
            _practitioner_choice(form.practitioner.data),
            _details_from(form),
            token,
            now_utc(),
        )
    except (bookings.TimeNotOffered, bookings.UnknownPractitioner) as problem:
        return _check_page(service, form, flow, problem, 409)
    except bookings.BookingError as problem:
        return _details_again(service, form, flow, problem)
    session.pop(DRAFT_KEY, None)
    return redirect(flow.url("booked", token=result.manage_token), code=303)


@bp.post("/book/<slug>/confirm")
@csrf.exempt  # the form checks its own token, so an expired one keeps what was typed
def confirm(slug: str) -> ResponseReturnValue:
    """Book from the check page (a time that had gone, another chosen), or change the details."""
    return confirm_step(slug, ON_SITE)


def confirm_step(slug: str, flow: Flow) -> ResponseReturnValue:
    """Booking from the check page, on the site or in a frame."""
    service = _service_or_404(slug)
    form = flow.form()
    if request.form.get("action") == "change":
        form.validate()  # so the contact fields are normalised for the template
        return render_template(
            "book/details.html", form=form, **_choice_context(service, form, flow)
        )
    if not form.validate():
        return _details_again(service, form, flow)
    return _book(service, form, flow)


@bp.get("/book/booked/<token>")
def booked(token: str) -> ResponseReturnValue:
    """Step 5: you are booked, what happens next, and your private manage link."""
    return booked_step(token, ON_SITE)


def booked_step(token: str, flow: Flow) -> ResponseReturnValue:
    """Step 5 on the site or in a frame."""
    booking = bookings.find_by_token(token)
    if booking is None:
        abort(404)
    now = now_utc()
    page = render_template(
        "book/booked.html",
        booking=booking,
        token=token,
        questions=intakes.questions_link(booking, now),
        flow=flow,
    )
    return never_cache(make_response(page))


@bp.route("/call-me", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one keeps what was typed
def call_me() -> ResponseReturnValue:
    """Ask the therapist to phone: for people in bed most of the time, or anyone who prefers."""
    form = CallMeForm()
    if request.method == "GET":
        return render_template("public/call_me.html", form=CallMeForm(formdata=None))
    if not form.validate():
        expired = bool(form.csrf_token.errors)
        return render_template("public/call_me.html", form=form, session_expired=expired), (
            400 if expired else 422
        )
    phone = getattr(form.phone, "normalised", form.phone.data)
    call_requests.request_call(form.name.data, phone, form.best_time.data)
    return render_template("public/call_me_done.html", best_time=form.best_time.data)
