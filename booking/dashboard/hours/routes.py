"""Manage slots: weekly hours, extra openings and closures. Reception and admin change them,
each change previewed first; every role may look at the overview."""

from __future__ import annotations

from contextlib import suppress
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import EVERY_ROLE, roles_required
from booking.clock import now_utc, practice_today, practice_zone
from booking.dashboard import bp
from booking.dashboard.diary_words import SLOT_EDITORS, diary_words
from booking.dashboard.hours.forms import (
    WHOLE_PRACTICE,
    ClosureForm,
    OpeningForm,
    RemoveForm,
    WeeklyHoursForm,
    practitioner_choices,
)
from booking.domain import slots as rules
from booking.domain.availability import Span
from booking.services.booking.availability import active_practitioners
from booking.services.practice import slots

PREVIEW, SAVE, KEEP = "preview", "save", "keep"


def _action() -> str:
    action = request.form.get("action", PREVIEW)
    return action if action in (PREVIEW, SAVE, KEEP) else PREVIEW


def _page(template: str, **context) -> str:
    zone = practice_zone()
    return render_template(
        template,
        when=lambda start, end: rules.span_words(Span(start, end), zone),
        can_edit_slots=current_user.role in SLOT_EDITORS,
        **diary_words(),
        **context,
    )


def _previewed(
    template: str, form, preview: slots.Preview, notice: str | None = None, **context
) -> str:
    """The form with its preview, and the fingerprint the save button sends back."""
    form.checked.data = preview.token
    return _page(template, form=form, preview=preview, notice=notice, **context)


# --- The overview -------------------------------------------------------------------------------


@bp.get("/slots")
@roles_required(*EVERY_ROLE)
def slots_overview() -> str:
    """Weekly hours per therapist, and the extra openings and closures still to come."""
    return _page(
        "dashboard/hours/slots.html",
        overview=slots.overview(now_utc()),
        weekday_names=rules.WEEKDAY_NAMES,
    )


# --- Weekly hours --------------------------------------------------------------------------------


def _hours_page(practitioner, form, preview=None, notice=None) -> str:
    context = {"practitioner": practitioner}
    if preview is None:
        return _page(
            "dashboard/hours/slots_hours.html", form=form, preview=None, notice=notice, **context
        )
    return _previewed("dashboard/hours/slots_hours.html", form, preview, notice, **context)


@bp.get("/slots/hours/<id:practitioner_id>")
@roles_required(*SLOT_EDITORS)
def slots_hours(practitioner_id: int) -> str:
    """A therapist's weekly hours to change, filled in with the hours in force today."""
    practitioner = slots.find_practitioner(practitioner_id)
    if practitioner is None:
        abort(404)
    today = practice_today()
    plan = slots.plan_in_force(practitioner_id, today)
    data = {"effective_from": today.isoformat()} | {
        key: rules.windows_text(plan.get(index, ())) for index, key in enumerate(rules.WEEKDAY_KEYS)
    }
    return _hours_page(practitioner, WeeklyHoursForm(formdata=None, data=data))


@bp.post("/slots/hours/<id:practitioner_id>")
@roles_required(*SLOT_EDITORS)
def slots_hours_send(practitioner_id: int) -> ResponseReturnValue:
    """Preview new weekly hours, or save them exactly as previewed."""
    practitioner = slots.find_practitioner(practitioner_id)
    if practitioner is None:
        abort(404)
    form = WeeklyHoursForm()
    today = practice_today()
    valid = form.validate()
    effective_from = (
        form.day_value(form.effective_from, today) if form.effective_from.data else None
    )
    if effective_from is not None:
        try:
            rules.check_in_range("effective_from", effective_from, today)
        except rules.SlotProblem as problem:
            form.add_problem(problem)
            effective_from = None
    if not valid or effective_from is None:
        return _hours_page(practitioner, form), 422
    now = now_utc()
    action = _action()
    try:
        if action == PREVIEW:
            preview = slots.preview_hours(practitioner_id, form.plan(), effective_from, now)
            notice = None if preview.changes_anything else NOTHING_CHANGES
            return _hours_page(practitioner, form, preview, notice)
        slots.save_hours(
            practitioner_id,
            form.plan(),
            effective_from,
            current_user.id,
            now,
            form.checked.data or "",
            keep_sessions=action == KEEP,
        )
    except slots.UnknownPractitioner:
        abort(404)
    except slots.PreviewChanged as changed:
        return _hours_page(practitioner, form, changed.preview, changed.reason), 409
    except slots.NothingToChange:
        preview = slots.preview_hours(practitioner_id, form.plan(), effective_from, now)
        return _hours_page(practitioner, form, preview, NOTHING_CHANGES), 422
    flash(f"Saved: {practitioner.name}'s new weekly hours.", "info")
    return redirect(url_for("dashboard.slots_overview", _anchor=f"hours-{practitioner_id}"), 303)


NOTHING_CHANGES = "These are already the hours from that date, so there is nothing to save."


# --- Extra openings ------------------------------------------------------------------------------


def _opening_form(formdata=None, **data) -> OpeningForm:
    form = OpeningForm(formdata=formdata, data=data) if data else OpeningForm(formdata=formdata)
    form.practitioner.choices = practitioner_choices(active_practitioners(), everyone=False)
    return form


def _prefill() -> dict[str, str]:
    """?practitioner=&date= from a diary link fill in the form (ignored when unusable)."""
    data = {}
    raw_day = (request.args.get("date") or "")[:10]
    with suppress(ValueError):
        data["day"] = date.fromisoformat(raw_day).isoformat()
    who = (request.args.get("practitioner") or "")[:10]
    if who.isdecimal():
        data["who"] = who
    return data


@bp.get("/slots/openings/new")
@roles_required(*SLOT_EDITORS)
def slots_opening() -> str:
    """The form for a one-off extra opening."""
    prefill = _prefill()
    data = {"practitioner": prefill.get("who"), "day": prefill.get("day")}
    form = _opening_form(None, **{k: v for k, v in data.items() if v})
    return _page("dashboard/hours/slots_opening.html", form=form, preview=None, notice=None)


@bp.post("/slots/openings/new")
@roles_required(*SLOT_EDITORS)
def slots_opening_send() -> ResponseReturnValue:
    """Preview an extra opening, or save it exactly as previewed."""
    form = _opening_form(request.form)
    today, now = practice_today(), now_utc()
    valid = form.validate()
    day = form.day_value(form.day, today) if form.day.data else None
    start, end = form.clock_value(form.start), form.clock_value(form.end)
    span: Span | None = None
    if valid and day and start and end:
        try:
            span = rules.opening_span(day, start, end, practice_zone(), today, now)
        except rules.SlotProblem as problem:
            form.add_problem(problem)
    template = "dashboard/hours/slots_opening.html"
    if span is None:
        return _page(template, form=form, preview=None, notice=None), 422
    practitioner_id = int(form.practitioner.data)
    note = form.note.data or ""
    try:
        if _action() == PREVIEW:
            return _previewed(
                template, form, slots.preview_opening(practitioner_id, span, note, now)
            )
        slots.save_opening(
            practitioner_id, span, note, current_user.id, now, form.checked.data or ""
        )
    except slots.UnknownPractitioner:
        form.practitioner.errors.append(
            "That therapist is no longer in the list. Please choose again."
        )
        return _page(template, form=form, preview=None, notice=None), 422
    except slots.PreviewChanged as changed:
        return _previewed(template, form, changed.preview, changed.reason), 409
    flash("Saved: the extra opening is in the diary.", "info")
    return redirect(url_for("dashboard.slots_overview", _anchor="openings"), 303)


def _removal(
    preview: slots.Preview, title: str, button: str, action: str, notice: str | None = None
) -> str:
    """The page before removing an opening or a closure: what it changes, and the button
    (which sends back the preview's fingerprint)."""
    form = RemoveForm()
    form.checked.data = preview.token
    return _page(
        "dashboard/hours/slots_remove.html",
        form=form,
        preview=preview,
        title=title,
        button=button,
        action=action,
        notice=notice,
    )


@bp.get("/slots/openings/<id:opening_id>/remove")
@roles_required(*SLOT_EDITORS)
def slots_opening_remove(opening_id: int) -> str:
    """What removing an extra opening changes, and the button to do it."""
    try:
        preview = slots.preview_opening_removal(opening_id, now_utc())
    except slots.UnknownOpening:
        abort(404)
    action = url_for("dashboard.slots_opening_remove_send", opening_id=opening_id)
    return _removal(preview, "Remove an extra opening", "Remove this opening", action)


@bp.post("/slots/openings/<id:opening_id>/remove")
@roles_required(*SLOT_EDITORS)
def slots_opening_remove_send(opening_id: int) -> ResponseReturnValue:
    """Remove an extra opening as previewed; sessions inside it stay booked."""
    form = RemoveForm()
    if not form.validate():
        abort(400)
    try:
        slots.remove_opening(opening_id, form.checked.data or "", current_user.id, now_utc())
    except slots.UnknownOpening:
        abort(404)
    except slots.PreviewChanged as changed:
        action = url_for("dashboard.slots_opening_remove_send", opening_id=opening_id)
        page = _removal(
            changed.preview,
            "Remove an extra opening",
            "Remove this opening",
            action,
            changed.reason,
        )
        return page, 409
    flash("Removed: that extra opening is no longer in the diary.", "info")
    return redirect(url_for("dashboard.slots_overview", _anchor="openings"), 303)


# --- Closures ------------------------------------------------------------------------------------


def _closure_form(formdata=None, **data) -> ClosureForm:
    form = ClosureForm(formdata=formdata, data=data) if data else ClosureForm(formdata=formdata)
    form.who.choices = practitioner_choices(active_practitioners(), everyone=True)
    return form


@bp.get("/slots/closures/new")
@roles_required(*SLOT_EDITORS)
def slots_closure() -> str:
    """The form for a closure or a holiday."""
    prefill = _prefill()
    data = {"who": prefill.get("who"), "start_day": prefill.get("day")}
    form = _closure_form(None, **{k: v for k, v in data.items() if v})
    return _page("dashboard/hours/slots_closure.html", form=form, preview=None, notice=None)


@bp.post("/slots/closures/new")
@roles_required(*SLOT_EDITORS)
def slots_closure_send() -> ResponseReturnValue:
    """Preview a closure with the sessions it touches, or save it exactly as previewed."""
    form = _closure_form(request.form)
    today, now = practice_today(), now_utc()
    valid = form.validate()
    start_day = form.day_value(form.start_day, today) if form.start_day.data else None
    end_day = form.day_value(form.end_day, today) if form.end_day.data else None
    start_clock, end_clock = form.clock_value(form.start_time), form.clock_value(form.end_time)
    typed_ok = not (form.end_day.errors or form.start_time.errors or form.end_time.errors)
    span: Span | None = None
    if valid and start_day and typed_ok:
        try:
            span = rules.closure_span(
                start_day, start_clock, end_day, end_clock, practice_zone(), today, now
            )
        except rules.SlotProblem as problem:
            form.add_problem(problem)
    template = "dashboard/hours/slots_closure.html"
    if span is None:
        return _page(template, form=form, preview=None, notice=None), 422
    practitioner_id = None if form.who.data == WHOLE_PRACTICE else int(form.who.data)
    reason = form.reason.data or ""
    try:
        if _action() == PREVIEW:
            preview = slots.preview_closure(practitioner_id, span, reason, now)
            return _previewed(template, form, preview)
        slots.save_closure(
            practitioner_id,
            span,
            reason,
            current_user.id,
            now,
            form.checked.data or "",
            keep_sessions=_action() == KEEP,
        )
    except slots.UnknownPractitioner:
        form.who.errors.append("That therapist is no longer in the list. Please choose again.")
        return _page(template, form=form, preview=None, notice=None), 422
    except slots.PreviewChanged as changed:
        return _previewed(template, form, changed.preview, changed.reason), 409
    flash("Saved: the closure is in the diary.", "info")
    return redirect(url_for("dashboard.slots_overview", _anchor="closures"), 303)


@bp.get("/slots/closures/<id:closure_id>/remove")
@roles_required(*SLOT_EDITORS)
def slots_closure_remove(closure_id: int) -> str:
    """What removing a closure changes, and the button to do it."""
    try:
        preview = slots.preview_closure_removal(closure_id, now_utc())
    except slots.UnknownClosure:
        abort(404)
    action = url_for("dashboard.slots_closure_remove_send", closure_id=closure_id)
    return _removal(preview, "Remove a closure", "Remove this closure", action)


@bp.post("/slots/closures/<id:closure_id>/remove")
@roles_required(*SLOT_EDITORS)
def slots_closure_remove_send(closure_id: int) -> ResponseReturnValue:
    """Remove a closure: its time can be booked again."""
    form = RemoveForm()
    if not form.validate():
        abort(400)
    try:
        slots.remove_closure(closure_id, form.checked.data or "", current_user.id, now_utc())
    except slots.UnknownClosure:
        abort(404)
    except slots.PreviewChanged as changed:
        action = url_for("dashboard.slots_closure_remove_send", closure_id=closure_id)
        page = _removal(
            changed.preview, "Remove a closure", "Remove this closure", action, changed.reason
        )
        return page, 409
    flash("Removed: that closure is no longer in the diary.", "info")
    return redirect(url_for("dashboard.slots_overview", _anchor="closures"), 303)
