"""Messages that could not be sent, why, and "send again". Reception and admin.

Only the envelope is shown (recipient, subject, reason): messages hold no health details.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from booking.auth.roles import roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.domain.statuses import StaffRole
from booking.services.messaging import outbox

OUTBOX_ROLES = (StaffRole.RECEPTION, StaffRole.ADMIN)
KIND_WORDS = {
    "client_confirmation": "Booking confirmation to the client",
    "client_update": "Change of booking to the client",
    "client_cancellation": "Cancellation to the client",
    "client_reminder": "Day-before reminder",
    "client_followup": "How were you afterwards?",
    "client_intake_link": "Questionnaire link",
    "client_intake_nudge": "Questionnaire reminder",
    "therapist_invite": "Calendar invite to the therapist",
    "therapist_update": "Calendar update to the therapist",
    "therapist_cancellation": "Calendar cancellation to the therapist",
    "therapist_checkin_gentler": "Check-in: shorter and gentler, to the therapist",
    "therapist_checkin_phone": "Check-in: a phone call instead, to the therapist",
}


@bp.get("/outbox")
@roles_required(*OUTBOX_ROLES)
def outbox_failed() -> str:
    """Messages that will not be tried again, with the reason and a button to send again."""
    return render_template(
        "dashboard/admin/outbox.html",
        messages=outbox.failed_messages(),
        form=FlaskForm(formdata=None),
        kind_words=KIND_WORDS,
    )


@bp.post("/outbox/<id:message_id>/retry")
@roles_required(*OUTBOX_ROLES)
def outbox_retry(message_id: int) -> ResponseReturnValue:
    """Send a failed message again: the worker picks it up on its next pass."""
    form = FlaskForm()
    if not form.validate():
        abort(400)
    try:
        retried = outbox.retry_failed(message_id, current_user.id, now_utc())
    except outbox.UnknownMessage:
        abort(404)
    flash(
        "It will be sent again within a few minutes."
        if retried
        else "That message is no longer waiting: it was already sent again.",
        "info",
    )
    return redirect(url_for("dashboard.outbox_failed"), code=303)


@bp.post("/outbox/retry-all")
@roles_required(*OUTBOX_ROLES)
def outbox_retry_all() -> ResponseReturnValue:
    """After an outage: send every failed message again, in one press."""
    form = FlaskForm()
    if not form.validate():
        abort(400)
    count = outbox.retry_all_failed(current_user.id, now_utc())
    if count:
        flash(f"{count} messages will be sent again within a few minutes.", "info")
    else:
        flash("There was nothing waiting to send again.", "info")
    return redirect(url_for("dashboard.outbox_failed"), code=303)
