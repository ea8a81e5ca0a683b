"""Phone work for reception: call requests, and reminders for clients we cannot email."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import EVERY_ROLE, roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.dashboard.calls.forms import PhoneCallForm
from booking.domain.messages import LASTED_ANSWERS, OFFER_ANSWERS
from booking.services.messaging import call_requests, phone_calls
from booking.services.staff import audit

# --- Call requests ----------------------------------------------------------------------------


@bp.get("/calls")
@roles_required(*EVERY_ROLE)
def calls() -> str:
    """People waiting for a phone call, longest waiting first."""
    return render_template(
        "dashboard/calls/calls.html",
        calls=call_requests.open_call_requests(),
    )


@bp.post("/calls/<id:call_id>/done")
@roles_required(*EVERY_ROLE)
def call_done(call_id: int) -> ResponseReturnValue:
    """Mark a call request as handled."""
    try:
        changed = call_requests.mark_handled(call_id, current_user.id, now_utc())
    except call_requests.UnknownCallRequest:
        abort(404)
    flash("Marked as done." if changed else "That call was already marked as done.", "info")
    return redirect(url_for("dashboard.calls"), code=303)


# --- Reminders by phone -----------------------------------------------------------------------


@bp.get("/phone-calls")
@roles_required(*EVERY_ROLE)
def phone_calls_list() -> str:
    """Clients we cannot email: the day-before reminder and the follow-up, by phone."""
    return render_template(
        "dashboard/calls/phone_calls.html",
        calls=phone_calls.calls_to_make(now_utc()),
        answers=phone_calls.ANSWERS,
        lasted_words=LASTED_ANSWERS,
        offer_words=OFFER_ANSWERS,
    )


@bp.post("/phone-calls/<id:booking_id>")
@roles_required(*EVERY_ROLE)
def phone_call_done(booking_id: int) -> ResponseReturnValue:
    """Record what the client said on the phone, or that nobody answered."""
    form = PhoneCallForm()
    if not form.validate():
        flash("Please choose what the client said, then press the button again.", "info")
        return redirect(url_for("dashboard.phone_calls_list"), code=303)
    try:
        booking = phone_calls.record_call(
            booking_id,
            form.kind.data,
            form.answer.data,
            form.sequence.data,
            audit.actor_for(current_user.id),
            now_utc(),
            lasted=form.lasted.data or None,
            offer=form.offer.data or None,
        )
    except LookupError:
        abort(404)
    except phone_calls.CallProblem as problem:
        flash(str(problem), "info")
    else:
        name = booking.client.display_name
        if form.answer.data == phone_calls.NO_ANSWER:
            flash(f"Noted: no answer from {name}. They stay on the list.", "info")
        else:
            flash(f"Recorded {name}'s answer.", "info")
    return redirect(url_for("dashboard.phone_calls_list"), code=303)
