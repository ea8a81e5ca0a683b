"""Dashboard pages. Each route names who may open it; clinical pages are therapist and admin."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import CLINICAL_ROLES, EVERY_ROLE, roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.dashboard.answers import readable_answers
from booking.dashboard.forms import ContactedForm, PhoneCallForm, ReleaseForm, ScreeningRowForm
from booking.domain.audit import AuditAction
from booking.domain.consent import CONSENTS
from booking.domain.intake import ScreeningGroup
from booking.domain.messages import CHECKIN_ANSWERS, FOLLOWUP_ANSWERS
from booking.services import audit, call_requests, client_records, phone_calls, review, screening
from booking.services.availability import practice_zone
from booking.services.dashboard import UpcomingSession, desk_counts, fortnight, upcoming_sessions


def _today() -> date:
    return now_utc().astimezone(practice_zone()).date()


def _by_day(sessions: Iterable[UpcomingSession]) -> list[tuple[date, list[UpcomingSession]]]:
    """Sessions grouped by their local day, in order."""
    zone = practice_zone()
    days: dict[date, list[UpcomingSession]] = {}
    for session in sessions:
        days.setdefault(session.booking.start_utc.astimezone(zone).date(), []).append(session)
    return list(days.items())


# --- The first page ---------------------------------------------------------------------------


@bp.get("/")
@roles_required(*EVERY_ROLE)
def home() -> str:
    """Today and the next fortnight: sessions, intake progress, and what is waiting."""
    now = now_utc()
    _, until = fortnight(now)
    zone = practice_zone()
    return render_template(
        "dashboard/home.html",
        days=_by_day(upcoming_sessions(now)),
        checkin_words=CHECKIN_ANSWERS,
        followup_words=FOLLOWUP_ANSWERS,
        counts=desk_counts(now),
        last_day=until.astimezone(zone).date() - timedelta(days=1),
        zone=zone,
        today=_today(),
    )


# --- A client's record ------------------------------------------------------------------------


@bp.get("/clients/<id:client_id>/intake")
@roles_required(*CLINICAL_ROLES)
def client_intake(client_id: int) -> str:
    """The therapist's view: session plan, flags with reasons, every answer, consents."""
    now = now_utc()
    record = client_records.clinical_record(client_id, now)
    if record is None:
        abort(404)
    audit.record_view(
        audit.actor_for(current_user.id), AuditAction.VIEWED_INTAKE, now, client_id=client_id
    )
    return render_template(
        "dashboard/intake.html",
        record=record,
        sections=readable_answers(record.answers, record.conditions),
        consent_words=CONSENTS,
        zone=practice_zone(),
        today=_today(),
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
    return render_template("dashboard/practical.html", view=view)


# --- Reviews ----------------------------------------------------------------------------------


def _reviews_page(failed: ReleaseForm | ContactedForm | None = None, failed_id: int | None = None):
    now = now_utc()
    items = review.held_for_review(now)
    forms = {}
    for item in items:
        intake_id = item.intake.id
        release_form = ReleaseForm(formdata=None, prefix=f"release-{intake_id}")
        contacted_form = ContactedForm(formdata=None, prefix=f"contacted-{intake_id}")
        if intake_id == failed_id and isinstance(failed, ReleaseForm):
            release_form = failed
        elif intake_id == failed_id and isinstance(failed, ContactedForm):
            contacted_form = failed
        forms[intake_id] = (release_form, contacted_form)
    return render_template(
        "dashboard/reviews.html",
        items=items,
        forms=forms,
        notes={item.intake.id: review.review_note(item.intake) for item in items},
        zone=practice_zone(),
        today=_today(),
    )


@bp.get("/reviews")
@roles_required(*CLINICAL_ROLES)
def reviews() -> str:
    """Answers waiting for the therapist, with the sessions they hold and why."""
    return _reviews_page()


def _review(
    intake_id: int,
    form: ReleaseForm | ContactedForm,
    action: Callable[..., review.ReviewOutcome],
    done: Callable[[review.ReviewOutcome], str],
) -> ResponseReturnValue:
    """Check the form, call the review service, and say what happened."""
    if review.find_intake(intake_id) is None:
        abort(404)
    if not form.validate():
        return _reviews_page(form, intake_id), 422
    try:
        outcome = action(intake_id, current_user.id, form.note.data or "", now_utc())
    except review.UnknownIntake:
        abort(404)
    except review.ReviewError as problem:
        flash(str(problem), "info")
    else:
        flash(done(outcome), "info")
    return redirect(url_for("dashboard.reviews"), code=303)


def _released_words(outcome: review.ReviewOutcome) -> str:
    confirmed = len(outcome.confirmed_booking_ids)
    if not outcome.changed:
        return "These answers were already reviewed. Nothing has changed."
    if not confirmed:
        return "Reviewed. There were no held sessions to confirm."
    sessions = "session is" if confirmed == 1 else f"{confirmed} sessions are"
    return f"Reviewed. The client's {sessions} now confirmed."


@bp.post("/reviews/<id:intake_id>/release")
@roles_required(*CLINICAL_ROLES)
def release(intake_id: int) -> ResponseReturnValue:
    """Reviewed: the client's held sessions are confirmed."""
    form = ReleaseForm(prefix=f"release-{intake_id}")
    return _review(intake_id, form, review.release, _released_words)


@bp.post("/reviews/<id:intake_id>/contacted")
@roles_required(*CLINICAL_ROLES)
def contacted(intake_id: int) -> ResponseReturnValue:
    """Talking it through with the client: the note is kept, the sessions stay held."""
    form = ContactedForm(prefix=f"contacted-{intake_id}")
    return _review(
        intake_id,
        form,
        review.mark_contacted,
        lambda _: "Noted. The client's sessions stay held until you release them.",
    )


# --- The screening list -----------------------------------------------------------------------


def _row_form(row) -> ScreeningRowForm:
    data = {
        "label": row.label,
        "hint": row.hint,
        "group": row.group.value,
        "flag": row.flag.value,
        "follow_up": row.follow_up.value,
        "active": row.active,
        "order": row.sort_order,
    }
    return ScreeningRowForm(formdata=None, data=data, prefix=f"row-{row.id}")


def _screening_page(failed: ScreeningRowForm | None = None, failed_prefix: str | None = None):
    groups: dict[ScreeningGroup, list] = {group: [] for group in ScreeningGroup}
    for row in screening.rows():
        form = failed if failed_prefix == f"row-{row.id}" else _row_form(row)
        groups[row.group].append((row, form))
    new_form = failed if failed_prefix == "new" else ScreeningRowForm(formdata=None, prefix="new")
    return render_template(
        "dashboard/screening.html",
        groups=groups,
        new_form=new_form,
        failed_prefix=failed_prefix,
    )


@bp.get("/screening")
@roles_required(*CLINICAL_ROLES)
def screening_list() -> str:
    """Every condition on the health check, switched-off ones too, each editable."""
    return _screening_page()


@bp.post("/screening/<id:row_id>")
@roles_required(*CLINICAL_ROLES)
def screening_save(row_id: int) -> ResponseReturnValue:
    """Save one condition's changes."""
    if screening.find_row(row_id) is None:
        abort(404)
    prefix = f"row-{row_id}"
    form = ScreeningRowForm(prefix=prefix)
    if not form.validate():
        return _screening_page(form, prefix), 422
    try:
        row = screening.update_row(row_id, form.entry(), audit.actor_for(current_user.id))
    except screening.UnknownScreeningRow:
        abort(404)
    flash(f"Saved: {row.label}", "info")
    return redirect(url_for("dashboard.screening_list", _anchor=prefix), code=303)


@bp.post("/screening/new")
@roles_required(*CLINICAL_ROLES)
def screening_add() -> ResponseReturnValue:
    """Add a condition to the list."""
    form = ScreeningRowForm(prefix="new")
    if not form.validate():
        return _screening_page(form, "new"), 422
    row = screening.add_row(form.entry(), audit.actor_for(current_user.id))
    flash(f"Added: {row.label}", "info")
    return redirect(url_for("dashboard.screening_list", _anchor=f"row-{row.id}"), code=303)


# --- Call requests ----------------------------------------------------------------------------


@bp.get("/calls")
@roles_required(*EVERY_ROLE)
def calls() -> str:
    """People waiting for a phone call, longest waiting first."""
    return render_template(
        "dashboard/calls.html",
        calls=call_requests.open_call_requests(),
        zone=practice_zone(),
        today=_today(),
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
        "dashboard/phone_calls.html",
        calls=phone_calls.calls_to_make(now_utc()),
        answers=phone_calls.ANSWERS,
        zone=practice_zone(),
        today=_today(),
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
