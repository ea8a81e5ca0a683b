"""The therapist's day: today's and the coming week's sessions, each with the client's session
plan, flags and how they were after earlier sessions; and the short note after a session.

Clinical pages: the therapist and admin only. A therapist sees their own diary; the admin
chooses whose.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import CLINICAL_ROLES, roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.dashboard.therapist.forms import SessionNoteForm
from booking.domain.audit import AuditAction
from booking.domain.messages import CHECKIN_ANSWERS, FOLLOWUP_ANSWERS
from booking.domain.statuses import StaffRole
from booking.models import Practitioner
from booking.services.booking.availability import active_practitioners
from booking.services.sessions import records as session_notes
from booking.services.schedule.upcoming import therapist_day
from booking.services.staff import audit
from booking.web import row_id

CHANGED_MEANWHILE = (
    "Someone else saved this note while you were writing. Their version is shown above and "
    "your text is still in the box: save again to replace theirs."
)


def _whose_day() -> tuple[list[Practitioner], Practitioner | None]:
    """The practitioners the admin may choose from, and whose day to show.

    A therapist sees their own diary (None if their account has none); the admin sees the
    one chosen with ?practitioner=ID, else their own, else the first. An unknown id is a 404.
    """
    if current_user.role != StaffRole.ADMIN:
        if current_user.practitioner_id is None:
            return [], None
        own = active_practitioners(current_user.practitioner_id)
        return [], own[0] if own else None
    everyone = active_practitioners()
    wanted = request.args.get("practitioner", "").strip()
    if not wanted:
        mine = [p for p in everyone if p.id == current_user.practitioner_id]
        return everyone, (mine or everyone or [None])[0]
    wanted_id = row_id(wanted)
    if wanted_id is None:
        abort(404)
    chosen = next((p for p in everyone if p.id == wanted_id), None)
    if chosen is None:
        abort(404)
    return everyone, chosen


@bp.get("/today")
@roles_required(*CLINICAL_ROLES)
def today() -> str:
    """Today's sessions and the week ahead, ready to prepare for; the last week's, for notes."""
    now = now_utc()
    everyone, practitioner = _whose_day()
    day = therapist_day(practitioner.id, now) if practitioner else None
    page = render_template(
        "dashboard/therapist/today.html",
        practitioner=practitioner,
        everyone=everyone,
        for_anyone=current_user.role == StaffRole.ADMIN,
        day=day,
        checkin_words=CHECKIN_ANSWERS,
        followup_words=FOLLOWUP_ANSWERS,
    )
    if day is not None:
        # Recorded after rendering: committing expires the loaded rows the page reads.
        shown = [
            session.booking.client_id
            for session in [*day.today_sessions, *day.recent]
            + [session for _, sessions in day.upcoming for session in sessions]
            if session.plan is not None or session.note
        ]
        audit.record_views(
            audit.actor_for(current_user.id),
            AuditAction.VIEWED_SESSION_PLANS,
            now,
            shown,
            detail=f"{practitioner.name}'s day",
        )
    return page


def _note_page(
    page: session_notes.NotePage, form: SessionNoteForm, problem: str | None = None
) -> str:
    now = now_utc()
    return render_template(
        "dashboard/therapist/today_note.html",
        page=page,
        form=form,
        refusal=session_notes.why_not_yet(page.booking, now),
        problem=problem,
        checkin_words=CHECKIN_ANSWERS,
        followup_words=FOLLOWUP_ANSWERS,
    )


@bp.get("/today/sessions/<id:session_id>/note")
@roles_required(*CLINICAL_ROLES)
def session_note(session_id: int) -> str:
    """The note after a session: written, or to write."""
    page = session_notes.note_page(session_id)
    if page is None:
        abort(404)
    if page.note:
        audit.record_view(
            audit.actor_for(current_user.id),
            AuditAction.VIEWED_SESSION_NOTE,
            now_utc(),
            client_id=page.booking.client_id,
            booking_id=page.booking.id,
        )
    form = SessionNoteForm(formdata=None, data={"note": page.note or "", "seen": page.version})
    return _note_page(page, form)


@bp.post("/today/sessions/<id:session_id>/note")
@roles_required(*CLINICAL_ROLES)
def session_note_save(session_id: int) -> ResponseReturnValue:
    """Save the note after a session (one per session; saving again changes it)."""
    page = session_notes.note_page(session_id)
    if page is None:
        abort(404)
    form = SessionNoteForm()
    if not form.validate():
        return _note_page(page, form), 422
    try:
        changed = session_notes.save_note(
            session_id, form.note.data, form.seen.data or "", current_user.id, now_utc()
        )
    except session_notes.UnknownSession:
        abort(404)
    except session_notes.NoteRefused as refused:
        form.note.errors = [str(refused)]
        return _note_page(page, form), 422
    except session_notes.NoteChangedMeanwhile:
        page = session_notes.note_page(session_id) or abort(404)
        form.seen.data = page.version  # saving again now replaces the newer note on purpose
        return _note_page(page, form, CHANGED_MEANWHILE), 409
    flash("Note saved." if changed else "The note was already saved as it is.", "info")
    day = {"practitioner": page.booking.practitioner_id}
    if current_user.role != StaffRole.ADMIN:
        day = {}
    return redirect(url_for("dashboard.today", **day, _anchor=f"session-{session_id}"), code=303)
