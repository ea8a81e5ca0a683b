"""A client's timeline: each session's plan, what was done, the check-in before and the
follow-up after, with a chart and its data table, and the suggestion for the next session.

Clinical: the therapists who see this client, and admin. Reception never reaches it.
"""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from booking.auth.roles import CLINICAL_ROLES, roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.domain.audit import AuditAction
from booking.domain.messages import CHECKIN_ANSWERS, FOLLOWUP_ANSWERS
from booking.domain.session_record import RECORD_LABELS
from booking.services.clients.records import find_client
from booking.services.sessions.access import may_read_sessions
from booking.services.sessions.agreed import WANTS_LESS
from booking.services.sessions.timeline import timeline
from booking.services.staff import audit


@bp.get("/clients/<id:client_id>/sessions")
@roles_required(*CLINICAL_ROLES)
def client_timeline(client_id: int) -> str:
    """Every session of one client, oldest first, and what they suggest for the next."""
    now = now_utc()
    if not may_read_sessions(current_user, client_id) or find_client(client_id) is None:
        abort(404)
    # Recorded first: its commit would otherwise expire everything the page loaded.
    audit.record_view(
        audit.actor_for(current_user.id), AuditAction.VIEWED_TIMELINE, now, client_id=client_id
    )
    view = timeline(client_id, now)
    if view is None:
        abort(404)
    return render_template(
        "dashboard/timeline/timeline.html",
        view=view,
        client=view.client,
        checkin_words=CHECKIN_ANSWERS,
        followup_words=FOLLOWUP_ANSWERS,
        labels=RECORD_LABELS,
        wants_less=WANTS_LESS,
    )
