"""The therapist's day: today's and the coming week's sessions, each with the client's session
plan, flags, the last session and a suggestion for this one; and the record after a session.

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
from booking.dashboard.diary_words import CARE_FLAG_WORDS
from booking.dashboard.therapist.day_list import day_lines
from booking.dashboard.therapist.forms import NextSessionForm, SessionRecordForm
from booking.dashboard.words import FLAG_WORDS
from booking.domain.audit import AuditAction
from booking.domain.messages import CHECKIN_ANSWERS, FOLLOWUP_ANSWERS
from booking.domain.session_record import RECORD_LABELS
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking, Practitioner
from booking.services.booking.availability import active_practitioners
from booking.services.schedule.upcoming import therapist_day
from booking.services.sessions import loop
from booking.services.sessions import records as session_notes
from booking.services.sessions.access import may_read_sessions
from booking.services.sessions.agreed import WANTS_LESS
from booking.services.staff import audit
from booking.web import row_id

CHANGED_MEANWHILE = (
    "Someone else saved this record while you were writing. Their version is shown above and "
    "what you entered is still in the form: save again to replace theirs."
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
    """Today's sessions and the week ahead as a compact list, each opening to its details;
    the last week's, for notes."""
    now = now_utc()
    everyone, practitioner = _whose_day()
    day = therapist_day(practitioner.id, now) if practitioner else None
    page = render_template(
        "dashboard/therapist/today.html",
        practitioner=practitioner,
        everyone=everyone,
        for_anyone=current_user.role == StaffRole.ADMIN,
        day=day,
        lines=day_lines(day, FLAG_WORDS) if day else {},
        care_flag_words=CARE_FLAG_WORDS,
        checkin_words=CHECKIN_ANSWERS,
        followup_words=FOLLOWUP_ANSWERS,
        labels=RECORD_LABELS,
        wants_less=WANTS_LESS,
    )
    if day is not None:
        # Recorded after rendering: committing expires the loaded rows the page reads.
        shown = [
            session.booking.client_id
            for session in [*day.today_sessions, *day.recent]
            + [session for _, sessions in day.upcoming for session in sessions]
            if session.plan is not None or session.record or session.last_session
        ]
        audit.record_views(
            audit.actor_for(current_user.id),
            AuditAction.VIEWED_SESSION_PLANS,
            now,
            shown,
            detail=f"{practitioner.name}'s day",
        )
    return page


def _readable(booking_client_id: int) -> None:
    """A 404 unless the signed-in therapist treats this client (admin sees all)."""
    if not may_read_sessions(current_user, booking_client_id):
        abort(404)


def _record_page(
    page: session_notes.RecordPage, form: SessionRecordForm, problem: str | None = None
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
        labels=RECORD_LABELS,
        wants_less=WANTS_LESS,
    )


def _form_data(page: session_notes.RecordPage) -> dict[str, object]:
    """The form's starting values: the saved record, else the draft from the plan."""
    record, draft = page.record, page.draft
    if record is not None and record.has_details:
        start: object = record
    else:
        start = draft
    return {
        "hands_on_minutes": start.hands_on_minutes,
        "pressure": str(start.pressure) if start.pressure else "",
        "positions": start.positions,
        "areas_worked": start.areas_worked,
        "areas_avoided": start.areas_avoided,
        "arrived": start.arrived or "",
        "helped": record.helped if record else "",
        "avoid_next": record.avoid_next if record else "",
        "seen": page.version,
    }


@bp.get("/today/sessions/<id:session_id>/note")
@roles_required(*CLINICAL_ROLES)
def session_note(session_id: int) -> str:
    """The record after a session: written, or to write (filled in from the plan)."""
    page = session_notes.record_page(session_id, now_utc())
    if page is None:
        abort(404)
    _readable(page.booking.client_id)
    if page.record is not None:
        audit.record_view(
            audit.actor_for(current_user.id),
            AuditAction.VIEWED_SESSION_NOTE,
            now_utc(),
            client_id=page.booking.client_id,
            booking_id=page.booking.id,
        )
    form = SessionRecordForm(formdata=None, data=_form_data(page))
    return _record_page(page, form)


@bp.post("/today/sessions/<id:session_id>/note")
@roles_required(*CLINICAL_ROLES)
def session_note_save(session_id: int) -> ResponseReturnValue:
    """Save the record after a session (one per session; saving again changes it)."""
    page = session_notes.record_page(session_id, now_utc())
    if page is None:
        abort(404)
    _readable(page.booking.client_id)
    form = SessionRecordForm()
    if not form.validate():
        return _record_page(page, form), 422
    record = session_notes.SessionRecord(
        hands_on_minutes=form.hands_on_minutes.data,
        pressure=int(form.pressure.data),
        positions=list(form.positions.data or []),
        areas_worked=list(form.areas_worked.data or []),
        areas_avoided=list(form.areas_avoided.data or []),
        arrived=form.arrived.data or None,
        helped=form.helped.data or "",
        avoid_next=form.avoid_next.data or "",
    )
    try:
        changed = session_notes.save_record(
            session_id, record, form.seen.data or "", current_user.id, now_utc()
        )
    except session_notes.UnknownSession:
        abort(404)
    except session_notes.NoteRefused as refused:
        if refused.field is None:
            return _record_page(page, form, str(refused)), 422
        getattr(form, refused.field).errors = [str(refused)]
        return _record_page(page, form), 422
    except session_notes.NoteChangedMeanwhile:
        page = session_notes.record_page(session_id, now_utc()) or abort(404)
        form.seen.data = page.version  # saving again now replaces the newer record on purpose
        return _record_page(page, form, CHANGED_MEANWHILE), 409
    flash("Record saved." if changed else "The record was already saved as it is.", "info")
    return redirect(_day_of(page.booking, session_id), code=303)


def _day_of(booking: Booking, session_id: int) -> str:
    day = {"practitioner": booking.practitioner_id}
    if current_user.role != StaffRole.ADMIN:
        day = {}
    return url_for("dashboard.today", **day, _anchor=f"session-{session_id}")


def _next_page(next_up: loop.NextSession, form: NextSessionForm, back: str) -> str:
    return render_template(
        "dashboard/therapist/next_session.html",
        next_up=next_up,
        form=form,
        back=back,
        labels=RECORD_LABELS,
        wants_less=WANTS_LESS,
    )


@bp.route("/today/sessions/<id:booking_id>/next", methods=["GET", "POST"])
@roles_required(*CLINICAL_ROLES)
def agree_next(booking_id: int) -> ResponseReturnValue:
    """Keep the suggestion for a coming session, as it is or edited (the day card and the
    timeline post here; a problem is shown on this page, next to the field, with what was
    typed). Never applied by itself: more than planned becomes an offer to the client."""
    now = now_utc()
    booking = db.session.get(Booking, booking_id) or abort(404)
    _readable(booking.client_id)
    next_up = loop.next_session(booking, now)
    back = "timeline" if request.values.get("back") == "timeline" else "day"
    if request.method == "GET":
        start = next_up.agreed or next_up.suggestion
        data = {"direction": getattr(next_up.suggestion, "direction", "same")}
        if start is not None:
            data |= {"hands_on_minutes": start.hands_on_minutes, "pressure": str(start.pressure)}
        return _next_page(next_up, NextSessionForm(formdata=None, data=data), back)
    form = NextSessionForm()
    if not form.validate():
        return _next_page(next_up, form, back), 422
    try:
        kept = loop.agree(
            booking_id,
            form.hands_on_minutes.data,
            int(form.pressure.data),
            form.direction.data or "same",
            current_user.id,
            now,
        )
    except loop.AgreeRefused as refused:
        getattr(form, refused.field).errors = [str(refused)]
        return _next_page(next_up, form, back), 422
    if not kept.offered:
        flash("Kept for the session.", "info")
    elif kept.in_reminder:
        flash("Kept. The client is asked in their reminder; only their yes changes it.", "info")
    else:
        flash(
            "Kept. Their reminder has gone (or they get none), so their booking page asks "
            "instead; only their yes changes it. You can ask them on the day too.",
            "info",
        )
    if back == "timeline":
        target = url_for("dashboard.client_timeline", client_id=booking.client_id, _anchor="next")
    else:
        target = _day_of(booking, booking_id)
    return redirect(target, code=303)
