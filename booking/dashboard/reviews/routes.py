"""The therapist's reviews of held intakes, and the screening list they are checked against."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import CLINICAL_ROLES, roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.dashboard.reviews.forms import ContactedForm, ReleaseForm, ScreeningRowForm
from booking.domain.intake import ScreeningGroup
from booking.services.intake import review, screening
from booking.services.sessions.access import may_read_sessions, readable_clients
from booking.services.staff import audit

# --- Reviews ----------------------------------------------------------------------------------


def _reviews_page(failed: ReleaseForm | ContactedForm | None = None, failed_id: int | None = None):
    now = now_utc()
    items = review.held_for_review(now)
    # A therapist reviews their own clients' answers (and those they cover); admin, everyone's.
    readable = readable_clients(current_user, {item.intake.client_id for item in items}, now)
    items = [item for item in items if item.intake.client_id in readable]
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
        "dashboard/reviews/reviews.html",
        items=items,
        forms=forms,
        notes={item.intake.id: review.review_note(item.intake) for item in items},
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
    intake = review.find_intake(intake_id)
    if intake is None or not may_read_sessions(current_user, intake.client_id):
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
        "dashboard/reviews/screening.html",
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
