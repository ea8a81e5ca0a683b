"""The admin's pages: staff accounts (add, change role or diary, new password, switch off or
on) and the audit trail. Admin only; every change is audited, never with a password."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user

from booking.auth.roles import roles_required
from booking.clock import now_utc, practice_zone
from booking.dashboard import bp
from booking.dashboard.accounts.forms import (
    AuditFilterForm,
    StaffAddForm,
    StaffChangeForm,
    StaffPasswordForm,
    StaffSwitchForm,
)
from booking.domain.audit import AUDIT_WORDS, AuditAction
from booking.domain.staff_accounts import ROLE_WORDS
from booking.domain.statuses import StaffRole
from booking.services.staff import accounts as staff
from booking.services.staff import audit
from booking.services.staff import audit_trail as trail
from booking.services.staff import second_factor as factors
from booking.web import row_id

ADMIN = StaffRole.ADMIN
BOOKING_PAGE = "dashboard.booking_detail"  # linked from the trail once the desk has it


def _actor() -> audit.Actor:
    return audit.actor_for(current_user.id)


def _loaded(staff_id: int):
    try:
        return staff.staff_account(staff_id)
    except staff.UnknownStaff:
        abort(404)


def _words() -> dict[str, object]:
    return {"role_words": ROLE_WORDS, "zone": practice_zone(), "when": trail.when_words}


# --- The list and a new account ---------------------------------------------------------------


@bp.get("/staff")
@roles_required(ADMIN)
def staff_list() -> str:
    """Every staff account: email, role, diary, whether it can sign in, last sign-in."""
    return render_template(
        "dashboard/accounts/staff_list.html", accounts=staff.staff_accounts(), **_words()
    )


def _add_page(form: StaffAddForm, problem: str | None = None) -> str:
    return render_template(
        "dashboard/accounts/staff_add.html", form=form, problem=problem, **_words()
    )


@bp.get("/staff/new")
@roles_required(ADMIN)
def staff_add() -> str:
    """The form for a new staff account."""
    form = StaffAddForm(formdata=None, data={"role": StaffRole.RECEPTION.value})
    return _add_page(form.offer(staff.diaries()))


@bp.post("/staff/new")
@roles_required(ADMIN)
def staff_create() -> ResponseReturnValue:
    """Add the account; the email, role and diary stay on the form if anything is wrong."""
    form = StaffAddForm().offer(staff.diaries())
    if not form.validate():
        return _add_page(form), 422
    try:
        user = staff.create_account(
            _actor(),
            form.email.data,
            StaffRole(form.role.data),
            form.password.data,
            now_utc(),
            form.practitioner.data,
        )
    except staff.StaffAccountError as problem:
        getattr(form, problem.field or "email").errors.append(problem.message)
        return _add_page(form), 422
    flash(
        f"Added {user.email} ({ROLE_WORDS[user.role]}). Please tell them their first "
        "password in person or by phone.",
        "info",
    )
    return redirect(url_for("dashboard.staff_list"), code=303)


# --- One account ------------------------------------------------------------------------------


def _edit_page(
    user,
    *,
    change: StaffChangeForm | None = None,
    password: StaffPasswordForm | None = None,
    problem: str | None = None,
) -> str:
    if change is None:
        data = {"role": user.role.value, "practitioner": user.practitioner_id}
        change = StaffChangeForm(formdata=None, data=data, prefix="change")
    change.offer(staff.diaries())
    return render_template(
        "dashboard/accounts/staff_edit.html",
        account=user,
        change=change,
        password=password or StaffPasswordForm(formdata=None, prefix="password"),
        switch=StaffSwitchForm(formdata=None, prefix="switch"),
        is_self=user.id == current_user.id,
        problem=problem,
        **_words(),
    )


@bp.get("/staff/<id:staff_id>")
@roles_required(ADMIN)
def staff_edit(staff_id: int) -> str:
    """One account: change its role or diary, set a new password, switch it off or on."""
    return _edit_page(_loaded(staff_id))


@bp.post("/staff/<id:staff_id>/role")
@roles_required(ADMIN)
def staff_change(staff_id: int) -> ResponseReturnValue:
    """Change the role and the linked diary."""
    user = _loaded(staff_id)
    form = StaffChangeForm(prefix="change").offer(staff.diaries())
    if not form.validate():
        return _edit_page(user, change=form), 422
    try:
        changed = staff.change_account(
            _actor(), staff_id, StaffRole(form.role.data), form.practitioner.data, now_utc()
        )
    except staff.UnknownStaff:
        abort(404)
    except staff.StaffAccountError as problem:
        getattr(form, problem.field or "role").errors.append(problem.message)
        return _edit_page(_loaded(staff_id), change=form), 422
    flash("Saved." if changed else "Nothing was different, so nothing has changed.", "info")
    return redirect(url_for("dashboard.staff_edit", staff_id=staff_id), code=303)


@bp.post("/staff/<id:staff_id>/password")
@roles_required(ADMIN)
def staff_password(staff_id: int) -> ResponseReturnValue:
    """Set a new password: the account is signed out everywhere."""
    user = _loaded(staff_id)
    form = StaffPasswordForm(prefix="password")
    if not form.validate():
        return _edit_page(user, password=form), 422
    try:
        staff.set_password(_actor(), staff_id, form.password.data, now_utc())
    except staff.UnknownStaff:
        abort(404)
    except staff.StaffAccountError as problem:
        form.password.errors.append(problem.message)
        return _edit_page(user, password=form), 422
    if staff_id == current_user.id:  # this browser was signed out with the rest
        logout_user()
        session.clear()
        flash("Your password is changed. Please sign in with the new one.", "info")
        return redirect(url_for("auth.login"), code=303)
    flash(
        f"{user.email} has a new password and is signed out everywhere. Please tell them the "
        "new password in person or by phone.",
        "info",
    )
    return redirect(url_for("dashboard.staff_edit", staff_id=staff_id), code=303)


def _switch(staff_id: int, active: bool) -> ResponseReturnValue:
    user = _loaded(staff_id)
    if not StaffSwitchForm(prefix="switch").validate():
        abort(400)
    try:
        changed = staff.set_active(_actor(), staff_id, active, now_utc())
    except staff.UnknownStaff:
        abort(404)
    except staff.StaffAccountError as problem:
        return _edit_page(user, problem=problem.message), 422
    if not changed:
        message = "That account was already " + ("on." if active else "off.")
    elif active:
        message = f"{user.email} can sign in again."
    else:
        message = f"{user.email} is switched off and signed out everywhere."
    flash(message, "info")
    return redirect(url_for("dashboard.staff_edit", staff_id=staff_id), code=303)


@bp.post("/staff/<id:staff_id>/switch-off")
@roles_required(ADMIN)
def staff_deactivate(staff_id: int) -> ResponseReturnValue:
    """Switch the account off: it cannot sign in, and its open sessions end."""
    return _switch(staff_id, active=False)


@bp.post("/staff/<id:staff_id>/switch-on")
@roles_required(ADMIN)
def staff_reactivate(staff_id: int) -> ResponseReturnValue:
    """Switch the account back on."""
    return _switch(staff_id, active=True)


@bp.post("/staff/<id:staff_id>/second-factor/reset")
@roles_required(ADMIN)
def staff_reset_second_factor(staff_id: int) -> ResponseReturnValue:
    """Forget the account's authenticator app (a lost or new phone): it is signed out
    everywhere and sets one up again at its next sign-in."""
    user = _loaded(staff_id)
    if not StaffSwitchForm(prefix="switch").validate():
        abort(400)
    if staff_id == current_user.id:
        abort(403)  # another admin does it: a lost phone is not fixed from the same account
    try:
        reset = factors.reset(_actor(), staff_id, now_utc())
    except factors.UnknownStaff:
        abort(404)
    if reset:
        message = (
            f"{user.email} is signed out everywhere. At their next sign-in they set up their "
            "authenticator app again and get new recovery codes."
        )
    else:
        message = f"{user.email} has no two-factor sign-in set up, so there was nothing to reset."
    flash(message, "info")
    return redirect(url_for("dashboard.staff_edit", staff_id=staff_id), code=303)


# --- The audit trail --------------------------------------------------------------------------


def _before_id() -> int | None:
    return row_id(request.args.get("before", ""))


@bp.get("/audit")
@roles_required(ADMIN)
def audit_trail() -> ResponseReturnValue:
    """Who viewed, changed or exported what, newest first; filtered by client or action."""
    form = AuditFilterForm(formdata=request.args)
    valid = form.validate()
    page = None
    if valid:
        action = AuditAction(form.action.data) if form.action.data else None
        page = trail.audit_page(client_id=form.client_id, action=action, before_id=_before_id())
    html = render_template(
        "dashboard/accounts/audit.html",
        form=form,
        page=page,
        filters={
            k: v for k, v in (("client", form.client.data), ("action", form.action.data)) if v
        },
        action_words=AUDIT_WORDS,
        booking_page=BOOKING_PAGE if BOOKING_PAGE in current_app.view_functions else None,
        **_words(),
    )
    return html, (200 if valid else 422)
