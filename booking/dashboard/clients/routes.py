"""Clients: search by name, email or phone, and each client's page (nothing clinical)."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import CLINICAL_ROLES, EVERY_ROLE, roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.dashboard.clients.forms import EraseForm, ExportForm
from booking.dashboard.forms import SearchForm
from booking.domain.audit import AuditAction
from booking.domain.consent import CONSENTS
from booking.domain.desk_rules import cancel_reason_words
from booking.domain.messages import CHECKIN_ANSWERS, FOLLOWUP_ANSWERS
from booking.domain.statuses import StaffRole
from booking.services.clients import records as client_records
from booking.services.clients import search as client_search
from booking.services.privacy import erasure
from booking.services.privacy.export import export_client
from booking.services.sessions.access import may_read_sessions
from booking.services.staff import audit
from booking.views.answers import readable_answers


@bp.get("/clients")
@roles_required(*EVERY_ROLE)
def clients() -> str:
    """Find a client by name, email or phone number."""
    form = SearchForm(formdata=request.args)
    now = now_utc()
    result = None
    if form.validate() and form.q.data:
        result = client_search.search_clients(form.q.data, now)
    return render_template(
        "dashboard/clients/clients.html",
        form=form,
        result=result,
    )


@bp.get("/clients/<id:client_id>")
@roles_required(*EVERY_ROLE)
def client_page(client_id: int) -> str:
    """A client's page: details, bookings, intake status, check-in and follow-up answers."""
    now = now_utc()
    if client_records.find_client(client_id) is None:
        abort(404)
    # Recorded first: its commit would otherwise expire everything the page loaded.
    audit.record_view(
        audit.actor_for(current_user.id), AuditAction.VIEWED_CLIENT, now, client_id=client_id
    )
    view = client_records.desk_view(client_id, now)
    if view is None:
        abort(404)
    return render_template(
        "dashboard/clients/client.html",
        view=view,
        client=view.client,
        checkin_words=CHECKIN_ANSWERS,
        followup_words=FOLLOWUP_ANSWERS,
        cancel_words=cancel_reason_words,
        export_form=ExportForm(),
    )


# --- A client's record ------------------------------------------------------------------------


@bp.get("/clients/<id:client_id>/intake")
@roles_required(*CLINICAL_ROLES)
def client_intake(client_id: int) -> ResponseReturnValue:
    """The therapist's view: session plan, flags with reasons, every answer, consents."""
    now = now_utc()
    if client_records.find_client(client_id) is None:
        abort(404)
    if not may_read_sessions(current_user, client_id, now):
        # Not their client: they may say they are covering a session, and why (audited).
        return redirect(url_for("dashboard.cover_client", client_id=client_id), code=303)
    record = client_records.clinical_record(client_id, now)
    if record is None:
        abort(404)
    audit.record_view(
        audit.actor_for(current_user.id), AuditAction.VIEWED_INTAKE, now, client_id=client_id
    )
    return render_template(
        "dashboard/clients/intake.html",
        record=record,
        sections=readable_answers(record.answers, record.conditions),
        consent_words=CONSENTS,
    )


@bp.get("/clients/<id:client_id>/practical")
@roles_required(*EVERY_ROLE)
def client_practical(client_id: int) -> str:
    """Contact details, carer and practical needs: nothing clinical, for every role."""
    view = client_records.practical_view(client_id)
    if view is None:
        abort(404)
    audit.record_view(
        audit.actor_for(current_user.id),
        AuditAction.VIEWED_PRACTICAL,
        now_utc(),
        client_id=client_id,
    )
    return render_template("dashboard/clients/practical.html", view=view)


# --- A client's data rights: a copy of everything held, and erasure (admin only) ---------------


@bp.post("/clients/<id:client_id>/export")
@roles_required(StaffRole.ADMIN)
def client_export(client_id: int) -> ResponseReturnValue:
    """Download a zip of everything held about the client (data.json and report.html)."""
    if not ExportForm().validate_on_submit():
        abort(400)
    export = export_client(client_id, audit.actor_for(current_user.id), now_utc())
    if export is None:
        abort(404)
    return send_file(
        io.BytesIO(export.content),
        mimetype="application/zip",
        as_attachment=True,
        download_name=export.filename,
    )


@bp.route("/clients/<id:client_id>/erase", methods=["GET", "POST"])
@roles_required(StaffRole.ADMIN)
def client_erase(client_id: int) -> ResponseReturnValue:
    """Ask admin to confirm, then erase the client's details (refused while a session is due)."""
    now = now_utc()
    form = EraseForm()
    if form.validate_on_submit():
        try:
            report = erasure.erase_client(client_id, audit.actor_for(current_user.id), now)
        except erasure.ErasureRefused as refused:
            flash(f"Not erased. {refused.reason}", "error")
            return redirect(url_for("dashboard.client_erase", client_id=client_id), code=303)
        if report is None:
            abort(404)
        flash(
            f"Erased: {report.intakes} questionnaires, {report.session_records} session records "
            f"and {report.messages} messages deleted; {report.bookings_kept_anonymous} sessions "
            "kept in the diary without a name.",
            "info",
        )
        return redirect(url_for("dashboard.client_page", client_id=client_id), code=303)
    client = client_records.find_client(client_id)
    if client is None:
        abort(404)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "dashboard/clients/erase.html",
        client=client,
        form=form,
        refusal=erasure.refusal(client, now),
    ), status
