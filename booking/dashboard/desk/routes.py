"""The reception desk: one booking's page and its changes (move, cancel, attended, no-show).

Every change is a POST with the booking's version: if someone else changed the booking
meanwhile, nothing is overwritten and the page shows it as it is now. Booking on a client's
behalf, clients, the outbox and the export live in the modules imported at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import EVERY_ROLE, roles_required
from booking.clock import now_utc, practice_zone
from booking.dashboard import bp
from booking.dashboard.desk.forms import CancelForm, MoveForm, VersionForm
from booking.dashboard.desk.words import problem_words
from booking.domain.audit import AUDIT_WORDS
from booking.domain.desk_rules import attendance_problem, cancel_reason_words, local_instant
from booking.domain.desk_rules import parse_clock as parse_clock_words
from booking.domain.messages import CHECKIN_ANSWERS, FOLLOWUP_ANSWERS
from booking.models import Booking
from booking.services import booking as bookings
from booking.services.booking import staff_bookings
from booking.views.times import parse_day, parse_start, times_context


def _booking_or_404(booking_id: int) -> Booking:
    booking = staff_bookings.find_booking(booking_id)
    if booking is None:
        abort(404)
    return booking


def _version_form(form_class, booking: Booking, prefix: str = ""):
    form = form_class(formdata=None, prefix=prefix)
    form.version.data = staff_bookings.version_of(booking)
    return form


def _detail_page(booking: Booking, problem: str | None = None, stale: bool = False) -> str:
    now = now_utc()
    return render_template(
        "dashboard/desk/booking.html",
        booking=booking,
        history=staff_bookings.history(booking.id),
        audit_words=AUDIT_WORDS,
        changeable=bookings.is_changeable(booking, now),
        can_attend=attendance_problem(
            booking.status, booking.cancel_reason, booking.start_utc, now, attended=True
        )
        is None,
        can_no_show=attendance_problem(
            booking.status, booking.cancel_reason, booking.start_utc, now, attended=False
        )
        is None,
        attended_form=_version_form(VersionForm, booking, "attended"),
        no_show_form=_version_form(VersionForm, booking, "no_show"),
        cancel_words=cancel_reason_words(booking.cancel_reason, booking.cancel_note),
        checkin_words=CHECKIN_ANSWERS,
        followup_words=FOLLOWUP_ANSWERS,
        problem=problem,
        stale=stale,
    )


def _stale(booking_id: int, problem: bookings.BookingError) -> ResponseReturnValue:
    """Someone changed the booking meanwhile: show it as it is now, change nothing."""
    return _detail_page(_booking_or_404(booking_id), problem.message, stale=True), 409


def _apply(booking_id: int, change: Callable[[], object], done: str) -> ResponseReturnValue:
    """Make a staff change and say how it went: done, refused (why), or stale (the page was
    out of date, so it is shown again as it is now and nothing changed)."""
    try:
        change()
    except staff_bookings.UnknownBooking:
        abort(404)
    except staff_bookings.StaleBooking as problem:
        return _stale(booking_id, problem)
    except bookings.BookingError as problem:
        flash(problem.message, "error")
    else:
        flash(done, "info")
    return redirect(url_for("dashboard.booking_detail", booking_id=booking_id), code=303)


@bp.get("/bookings/<id:booking_id>")
@roles_required(*EVERY_ROLE)
def booking_detail(booking_id: int) -> str:
    """One booking: details, answers, history, and what can be done with it."""
    return _detail_page(_booking_or_404(booking_id))


# --- Attended or no-show --------------------------------------------------------------------


def _mark(booking_id: int, attended: bool) -> ResponseReturnValue:
    _booking_or_404(booking_id)
    form = VersionForm(prefix="attended" if attended else "no_show")
    if not form.validate():
        abort(400)
    return _apply(
        booking_id,
        lambda: staff_bookings.mark_attendance(
            booking_id, attended, form.version.data or "", current_user.id, now_utc()
        ),
        "Marked as attended." if attended else "Marked as did not come.",
    )


@bp.post("/bookings/<id:booking_id>/attended")
@roles_required(*EVERY_ROLE)
def booking_attended(booking_id: int) -> ResponseReturnValue:
    """The client came (once the session has started)."""
    return _mark(booking_id, attended=True)


@bp.post("/bookings/<id:booking_id>/no-show")
@roles_required(*EVERY_ROLE)
def booking_no_show(booking_id: int) -> ResponseReturnValue:
    """The client did not come; never for a session cancelled because they were unwell."""
    return _mark(booking_id, attended=False)


# --- Cancel -------------------------------------------------------------------------------------


def _cancel_page(booking: Booking, form: CancelForm, problem: str | None = None) -> str:
    return render_template(
        "dashboard/desk/booking_cancel.html",
        booking=booking,
        form=form,
        problem=problem,
        changeable=bookings.is_changeable(booking, now_utc()),
    )


@bp.get("/bookings/<id:booking_id>/cancel")
@roles_required(*EVERY_ROLE)
def booking_cancel_form(booking_id: int) -> str:
    """Why it is cancelled, before anything changes."""
    booking = _booking_or_404(booking_id)
    return _cancel_page(booking, _version_form(CancelForm, booking))


@bp.post("/bookings/<id:booking_id>/cancel")
@roles_required(*EVERY_ROLE)
def booking_cancel(booking_id: int) -> ResponseReturnValue:
    """Cancel the session, always free; the client is told."""
    booking = _booking_or_404(booking_id)
    form = CancelForm()
    if not form.validate():
        return _cancel_page(booking, form), 422
    return _apply(
        booking_id,
        lambda: staff_bookings.cancel(
            booking_id,
            form.reason.data,
            form.note.data or "",
            form.version.data or "",
            current_user.id,
            now_utc(),
        ),
        "Cancelled, with no charge. We have let the client and the therapist know.",
    )


# --- Move ---------------------------------------------------------------------------------------


def _move_page(
    booking: Booking, form: MoveForm, first_day: date | None = None, problem: str | None = None
) -> str:
    def time_href(slot) -> str:
        return url_for(
            "dashboard.booking_move_confirm", booking_id=booking.id, start=slot.start.isoformat()
        )

    def day_href(day: date) -> str:
        return url_for("dashboard.booking_move_times", booking_id=booking.id, **{"from": day})

    times = times_context(
        booking.service,
        [booking.practitioner],
        first_day,
        time_href,
        day_href,
        ignore_booking_id=booking.id,
        staff=True,
        best=booking.client.best_times,
        allowed=bookings.paced_for(booking.client, ignore_booking_id=booking.id),
    )
    return render_template(
        "dashboard/desk/booking_move.html",
        suits_whom=booking.client.display_name,
        booking=booking,
        form=form,
        problem=problem,
        changeable=bookings.is_changeable(booking, now_utc()),
        chosen_name=booking.practitioner.name,
        **times,
    )


@bp.get("/bookings/<id:booking_id>/move")
@roles_required(*EVERY_ROLE)
def booking_move_times(booking_id: int) -> str:
    """Free times with the same therapist, or a time outside opening hours."""
    booking = _booking_or_404(booking_id)
    first_day = parse_day(request.args.get("from"))
    return _move_page(booking, _version_form(MoveForm, booking), first_day)


@bp.get("/bookings/<id:booking_id>/move/confirm")
@roles_required(*EVERY_ROLE)
def booking_move_confirm(booking_id: int) -> ResponseReturnValue:
    """Check the new time before moving."""
    booking = _booking_or_404(booking_id)
    start = parse_start(request.args.get("start"))
    if start is None:  # no time, or not one: the times to choose from
        return _move_page(booking, _version_form(MoveForm, booking))
    form = _version_form(MoveForm, booking)
    form.start.data = start.isoformat()
    return render_template(
        "dashboard/desk/booking_move_confirm.html",
        booking=booking,
        form=form,
        start=start,
    )


@bp.post("/bookings/<id:booking_id>/move")
@roles_required(*EVERY_ROLE)
def booking_move(booking_id: int) -> ResponseReturnValue:
    """Move the session: to a free time, or (with a reason) outside opening hours."""
    booking = _booking_or_404(booking_id)
    form = MoveForm()
    if not form.validate():
        return _move_page(booking, form), 422
    reason = None
    if form.start.data:
        start = parse_start(form.start.data)
        if start is None:
            return redirect(url_for("dashboard.booking_move_times", booking_id=booking_id))
    else:
        start = local_instant(form.day.data, parse_clock_words(form.time.data), practice_zone())
        if start is None:
            form.time.errors = ["The clocks go forward at that time, so it does not exist."]
            return _move_page(booking, form), 422
        reason = form.reason.data
    try:
        outcome = staff_bookings.reschedule(
            booking_id, start, form.version.data or "", current_user.id, now_utc(), reason
        )
    except staff_bookings.UnknownBooking:
        abort(404)
    except staff_bookings.StaleBooking as problem:
        return _stale(booking_id, problem)
    except bookings.NotChangeable as problem:
        flash(problem.message, "error")
        return redirect(url_for("dashboard.booking_detail", booking_id=booking_id), code=303)
    except bookings.BookingError as problem:
        status = 409 if isinstance(problem, bookings.TimeNotOffered) else 422
        return _move_page(booking, form, problem=problem_words(problem)), status
    words = "Moved" + (" (outside opening hours)" if outcome.outside_hours else "")
    flash(f"{words}. We have let the client and the therapist know.", "info")
    return redirect(url_for("dashboard.booking_detail", booking_id=booking_id), code=303)
