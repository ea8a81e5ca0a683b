"""Admin's pages for running the practice: the services offered and the practice settings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.dashboard.admin.forms import ServiceForm, SettingsForm
from booking.domain.settings import DEFINITIONS, SettingError, as_text, fingerprint
from booking.domain.statuses import StaffRole
from booking.models import Service
from booking.services.practice import services_admin
from booking.services.practice import settings as practice_settings_service
from booking.views.embedding import embed_snippet

ADMIN = StaffRole.ADMIN
SERVICE_CHANGED_MEANWHILE = (
    "Someone else changed this service while you were editing it. The form now shows your "
    "changes; the saved values are listed above it. Save again to keep yours."
)
SETTINGS_CHANGED_MEANWHILE = (
    "Someone else changed the settings while you were editing them. The form still shows "
    "your values; the saved ones are listed above it. Save again to keep yours."
)


# --- Services ---------------------------------------------------------------------------------


@bp.get("/services")
@roles_required(ADMIN)
def services_list() -> str:
    """Every service, switched-off ones too, with a link to change each."""
    return render_template("dashboard/admin/services.html", services=services_admin.all_services())


def _service_form_page(
    form: ServiceForm, service: Service | None = None, problem: str | None = None
) -> str:
    return render_template(
        "dashboard/admin/services_form.html", form=form, service=service, problem=problem
    )


def _form_for(service: Service) -> ServiceForm:
    entry = services_admin.entry_of(service)
    data = {
        "name": entry.name,
        "slug": entry.slug,
        "description": entry.description,
        "minutes": entry.minutes,
        "hands_on_minutes": entry.hands_on_minutes,
        "buffer_before_minutes": entry.buffer_before_minutes,
        "buffer_after_minutes": entry.buffer_after_minutes,
        "first_visit": entry.first_visit,
        "home_visit": entry.home_visit,
        "active": entry.active,
        "order": entry.sort_order,
        "seen": services_admin.version_of(service),
    }
    return ServiceForm(formdata=None, data=data)


@bp.get("/services/new")
@roles_required(ADMIN)
def service_new() -> str:
    """An empty service form, with the usual rest buffers."""
    defaults = {"buffer_before_minutes": 10, "buffer_after_minutes": 15, "active": True}
    return _service_form_page(ServiceForm(formdata=None, data=defaults))


@bp.post("/services/new")
@roles_required(ADMIN)
def service_add() -> ResponseReturnValue:
    """Add a service."""
    form = ServiceForm()
    if not form.validate():
        return _service_form_page(form), 422
    try:
        service = services_admin.add_service(form.entry(), current_user.id, now_utc())
    except services_admin.ServiceError as problem:
        return _failed(form, None, problem)
    flash(f"Added: {service.name}", "info")
    return redirect(url_for("dashboard.services_list", _anchor=f"service-{service.id}"), code=303)


@bp.get("/services/<id:service_id>")
@roles_required(ADMIN)
def service_edit(service_id: int) -> str:
    """One service's form, filled in."""
    service = services_admin.find_service(service_id)
    if service is None:
        abort(404)
    return _service_form_page(_form_for(service), service)


@bp.post("/services/<id:service_id>")
@roles_required(ADMIN)
def service_save(service_id: int) -> ResponseReturnValue:
    """Save a service's changes; bookings already made keep their times."""
    service = services_admin.find_service(service_id)
    if service is None:
        abort(404)
    form = ServiceForm()
    if not form.validate():
        return _service_form_page(form, service), 422
    try:
        changed = services_admin.update_service(
            service_id,
            form.entry(keep_order=service.sort_order),
            form.seen.data or "",
            current_user.id,
            now_utc(),
        )
    except services_admin.UnknownService:
        abort(404)
    except services_admin.ServiceError as problem:
        return _failed(form, service, problem)
    except services_admin.ServiceChangedMeanwhile:
        latest = services_admin.find_service(service_id) or abort(404)
        form.seen.data = services_admin.version_of(latest)
        return _service_form_page(form, latest, SERVICE_CHANGED_MEANWHILE), 409
    name = form.name.data
    flash(f"Saved: {name}" if changed else f"Nothing changed: {name}", "info")
    return redirect(url_for("dashboard.services_list", _anchor=f"service-{service_id}"), code=303)


def _failed(
    form: ServiceForm, service: Service | None, problem: services_admin.ServiceError
) -> ResponseReturnValue:
    """Show a service's refusal next to its field (or above the form), keeping what was typed."""
    if problem.field and problem.field in form:
        form[problem.field].errors = [str(problem)]
        return _service_form_page(form, service), 422
    return _service_form_page(form, service, str(problem)), 422


# --- Practice settings ------------------------------------------------------------------------


def _settings_page(
    form: SettingsForm, problem: str | None = None, latest: object | None = None
) -> str:
    return render_template(
        "dashboard/admin/settings.html",
        form=form,
        definitions=DEFINITIONS,
        problem=problem,
        latest=latest,
        as_text=as_text,
        embed_origins=practice_settings_service.current().embed_origins,
        embed_snippet=embed_snippet(),
    )


@bp.get("/settings")
@roles_required(ADMIN)
def practice_settings() -> str:
    """The booking rules and message timings, each explained in one line."""
    now_in_force = practice_settings_service.current()
    data = {key: as_text(value) for key, value in now_in_force.as_dict().items()}
    data["seen"] = fingerprint(now_in_force)
    return _settings_page(SettingsForm(formdata=None, data=data))


@bp.post("/settings")
@roles_required(ADMIN)
def practice_settings_save() -> ResponseReturnValue:
    """Save the settings that changed (audited)."""
    form = SettingsForm()
    if not form.validate():
        return _settings_page(form), 422
    try:
        described = practice_settings_service.save(
            form.parsed, form.seen.data or "", current_user.id, now_utc()
        )
    except practice_settings_service.StaleSettings as stale:
        form.seen.data = fingerprint(stale.latest)
        return _settings_page(form, SETTINGS_CHANGED_MEANWHILE, stale.latest), 409
    except SettingError as problem:  # the form checks the same rules; kept as a safety net
        return _settings_page(form, str(problem)), 422
    if described:
        flash("Saved: " + "; ".join(described) + ".", "info")
    else:
        flash("Nothing changed.", "info")
    return redirect(url_for("dashboard.practice_settings"), code=303)
