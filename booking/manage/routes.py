"""A client's private page for one booking. Every change is a POST after a confirmation page."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeSerializer

from booking.clock import now_utc
from booking.domain.ical import booking_calendar
from booking.domain.messages import calendar_entry
from booking.manage import bp
from booking.models import Booking, Service
from booking.services import booking as bookings
from booking.services.intake import questionnaire as intakes
from booking.services.messaging import notify, replies
from booking.services.practice.catalogue import bookable_services
from booking.services.sessions.timeline import own_sessions
from booking.views.times import parse_day, parse_start, times_context


def _booking_or_404(token: str) -> Booking:
    """The booking behind this link; a wrong or old link is a kind 404 that reveals nothing."""
    booking = bookings.find_by_token(token)
    if booking is None:
        abort(404)
    return booking


def _page_context(booking: Booking) -> dict[str, object]:
    now = now_utc()
    changeable = bookings.is_changeable(booking, now)
    return {
        "booking": booking,
        "changeable": changeable,
        "questions": intakes.questions_link(booking, now),
        "asking": replies.asking_now(booking, now),
        "offer": replies.offer_now(booking, now) if changeable else None,
    }


@bp.get("/<token>")
def show(token: str) -> str:
    """The booking, and what the client can do with it."""
    booking = _booking_or_404(token)
    shorter = bookings.shorter_services(booking)
    coming, been = own_sessions(booking, now_utc())
    return render_template(
        "manage/show.html",
        token=token,
        shorter=shorter,
        coming=coming,
        been=been,
        **_page_context(booking),
    )


@bp.get("/<token>/questions")
def questions(token: str) -> ResponseReturnValue:
    """The client's questionnaire, with its link kept open (a fresh start for an ended one)."""
    booking = _booking_or_404(token)
    intake_token = intakes.reopen_link(booking, now_utc())
    if intake_token is None:
        abort(404)
    return redirect(url_for("intake.start", token=intake_token), code=303)


@bp.get("/<token>/calendar.ics")
def calendar(token: str) -> Response:
    """The booking as a calendar file: the same entry as the emailed invites, without attendees."""
    booking = _booking_or_404(token)
    facts = notify.session_facts(booking, token, crash_last_time=False)
    entry = calendar_entry(facts, for_client=True)
    body = booking_calendar(entry, now_utc())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="massage-session.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str) -> ResponseReturnValue:
    """Cancel: a confirmation page, then the POST that does it. Always free."""
    booking = _booking_or_404(token)
    context = _page_context(booking)
    if request.method == "GET" or not context["changeable"]:
        return render_template(
            "manage/cancel.html", token=token, reasons=bookings.CANCEL_REASONS, **context
        )
    try:
        bookings.cancel(token, request.form.get("reason"), now_utc())
    except bookings.NotChangeable as problem:
        flash(problem.message, "error")
    else:
        flash("Your session is cancelled. There is no charge. We hope you feel better soon.")
    return redirect(url_for("manage.show", token=token), code=303)


@bp.get("/<token>/move")
def choose_new_time(token: str) -> ResponseReturnValue:
    """Free times with the same therapist, to move the session to."""
    booking = _booking_or_404(token)
    context = _page_context(booking)
    if not context["changeable"]:
        return redirect(url_for("manage.show", token=token))

    def time_href(slot) -> str:
        return url_for("manage.move", token=token, start=slot.start.isoformat())

    def day_href(day: date) -> str:
        return url_for("manage.choose_new_time", token=token, **{"from": day})

    first_day = parse_day(request.args.get("from"))
    times = times_context(
        booking.service,
        [booking.practitioner],
        first_day,
        time_href,
        day_href,
        ignore_booking_id=booking.id,
        best=booking.client.best_times,
        allowed=bookings.paced_for(booking.client, ignore_booking_id=booking.id),
    )
    return render_template(
        "manage/move_times.html",
        token=token,
        service=booking.service,
        chosen_name=booking.practitioner.name,
        **{**context, **times},
    )


@bp.route("/<token>/move/confirm", methods=["GET", "POST"], endpoint="move")
def move(token: str) -> ResponseReturnValue:
    """Confirm the new time (GET), then move the session (POST)."""
    booking = _booking_or_404(token)
    context = _page_context(booking)
    start = parse_start(request.values.get("start"))
    if not context["changeable"] or start is None:
        return redirect(url_for("manage.choose_new_time", token=token))
    if request.method == "GET":
        return render_template("manage/move_confirm.html", token=token, start=start, **context)
    try:
        bookings.reschedule(token, start, now_utc())
    except bookings.BookingError as problem:
        status = 409 if isinstance(problem, bookings.TimeNotOffered) else 422
        return render_template(
            "manage/move_confirm.html", token=token, start=start, problem=problem, **context
        ), status
    flash("Your session has moved. Here are the new details.")
    return redirect(url_for("manage.show", token=token), code=303)


@bp.route("/<token>/shorten", methods=["GET", "POST"])
def shorten(token: str) -> ResponseReturnValue:
    """Choose a shorter session (GET), then switch to it (POST). Always free."""
    booking = _booking_or_404(token)
    context = _page_context(booking)
    shorter = bookings.shorter_services(booking)
    if not context["changeable"] or not shorter:
        return redirect(url_for("manage.show", token=token))
    if request.method == "GET":
        return render_template("manage/shorten.html", token=token, shorter=shorter, **context)
    try:
        bookings.shorten(token, request.form.get("service", ""), now_utc())
    except bookings.BookingError as problem:
        return render_template(
            "manage/shorten.html", token=token, shorter=shorter, problem=problem, **context
        ), 422
    flash("Your session is now shorter. There is no charge for changing it.")
    return redirect(url_for("manage.show", token=token), code=303)


# --- Booking again: after a cancellation (a flare, a postponement), or the next session ------


def _again_keys() -> URLSafeSerializer:
    """Signs the new booking's token in the form, so pressing twice books once."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="book-again-key")


def _again_service(booking: Booking) -> tuple[Service, list[Service]]:
    """The session asked for (`?service=`), else the same one as this booking when it is still
    offered; and every session offered, to choose from."""
    offered = bookable_services()
    if not offered:  # the practice offers nothing online just now
        abort(404)
    by_slug = {service.slug: service for service in offered}
    asked = by_slug.get(request.values.get("service", ""))
    same = by_slug.get(booking.service.slug)
    if same is not None and same.first_visit and booking.start_utc <= now_utc():
        # After a first visit, "the same again" is the ordinary session of the same kind.
        same = next(
            (s for s in offered if not s.first_visit and s.home_visit == same.home_visit), same
        )
    return asked or same or offered[0], offered


@bp.get("/<token>/again")
def book_again(token: str) -> ResponseReturnValue:
    """Free times with the same therapist, the client's best times first; nothing to retype."""
    booking = _booking_or_404(token)
    service, offered = _again_service(booking)

    def time_href(slot) -> str:
        return url_for(
            "manage.book_again_confirm",
            token=token,
            service=service.slug,
            start=slot.start.isoformat(),
        )

    def day_href(day: date) -> str:
        return url_for("manage.book_again", token=token, service=service.slug, **{"from": day})

    times = times_context(
        service,
        [booking.practitioner],
        parse_day(request.args.get("from")),
        time_href,
        day_href,
        best=booking.client.best_times,
        allowed=bookings.paced_for(booking.client),
    )
    return render_template(
        "manage/again_times.html",
        token=token,
        booking=booking,
        service=service,
        offered=offered,
        chosen_name=booking.practitioner.name,
        **times,
    )


@bp.route("/<token>/again/confirm", methods=["GET", "POST"])
def book_again_confirm(token: str) -> ResponseReturnValue:
    """One press books the chosen time for the same client: nothing to type again."""
    booking = _booking_or_404(token)
    service, _ = _again_service(booking)
    start = parse_start(request.values.get("start"))
    if start is None:
        return redirect(url_for("manage.book_again", token=token, service=service.slug))
    key = request.form.get("booking_key") or _again_keys().dumps(bookings.new_manage_token())
    page = {
        "token": token,
        "booking": booking,
        "service": service,
        "start": start,
        "booking_key": key,
    }
    if request.method == "GET":
        return render_template("manage/again_confirm.html", **page)
    try:
        result = bookings.book(
            service.slug,
            start,
            booking.practitioner_id,
            None,
            _again_keys().loads(key),
            now_utc(),
            client_id=booking.client_id,
        )
    except BadSignature:  # the page again, with a fresh key and its button
        page["booking_key"] = _again_keys().dumps(bookings.new_manage_token())
        notice = "Please check the time and press the button again."
        return render_template("manage/again_confirm.html", notice=notice, **page), 400
    except bookings.BookingError as problem:
        status = 409 if isinstance(problem, bookings.TimeNotOffered) else 422
        return render_template("manage/again_confirm.html", problem=problem, **page), status
    return redirect(url_for("public.booked", token=result.manage_token), code=303)
