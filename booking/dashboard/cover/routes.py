"""A therapist who is not a client's therapist says they are covering a session, with a
reason; the audit trail records it, and that gives them the client's record for a while
(booking/services/sessions/access.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from booking.auth.roles import CLINICAL_ROLES, roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.services.clients import records as client_records
from booking.services.sessions import access
from booking.views.fields import line_field


class CoverForm(FlaskForm):
    reason = line_field(
        "Why do you need this client's record?",
        200,
        required="Please say which session you are covering, and for whom.",
        too_long="Please shorten this to 200 characters or fewer.",
        description="For example: covering Maya's Tuesday 2pm session while she is away.",
    )


@bp.route("/clients/<id:client_id>/cover", methods=["GET", "POST"])
@roles_required(*CLINICAL_ROLES)
def cover_client(client_id: int) -> ResponseReturnValue:
    """Ask why, then open the record (no questions when they may read it already: their own
    client, or admin)."""
    client = client_records.find_client(client_id)
    if client is None:
        abort(404)
    now = now_utc()
    theirs = access.may_read_sessions(current_user, client_id, now)
    form = CoverForm()
    if theirs and form.is_submitted():
        return redirect(url_for("dashboard.client_intake", client_id=client_id), code=303)
    if form.validate_on_submit():
        access.cover(current_user, client_id, form.reason.data, now)
        flash(
            f"Noted in the audit trail: you are covering {client.display_name}'s session. "
            f"Their record is open to you for {access.COVER_DAYS} days.",
            "info",
        )
        return redirect(url_for("dashboard.client_intake", client_id=client_id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "dashboard/cover/cover.html",
        form=form,
        client=client,
        theirs=theirs,
        days=access.COVER_DAYS,
    ), status
