"""Clients: search by name, email or phone, and each client's page (nothing clinical)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from booking.auth.roles import EVERY_ROLE, roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.dashboard.desk_forms import SearchForm
from booking.domain.audit import AuditAction
from booking.domain.desk_rules import cancel_reason_words
from booking.domain.messages import CHECKIN_ANSWERS, FOLLOWUP_ANSWERS
from booking.services import audit, client_records, client_search
from booking.services.availability import practice_zone


@bp.get("/clients")
@roles_required(*EVERY_ROLE)
def clients() -> str:
    """Find a client by name, email or phone number."""
    form = SearchForm(formdata=request.args)
    now = now_utc()
    result = None
    if form.validate() and form.q.data:
        result = client_search.search_clients(form.q.data, now)
    zone = practice_zone()
    return render_template(
        "dashboard/clients.html",
        form=form,
        result=result,
        zone=zone,
        today=now.astimezone(zone).date(),
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
    zone = practice_zone()
    return render_template(
        "dashboard/client.html",
        view=view,
        client=view.client,
        checkin_words=CHECKIN_ANSWERS,
        followup_words=FOLLOWUP_ANSWERS,
        cancel_words=cancel_reason_words,
        zone=zone,
        today=now.astimezone(zone).date(),
    )
