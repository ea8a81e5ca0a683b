"""Admin's services editor: add services and change them. Nothing is ever deleted.

A service is switched off instead, so past bookings keep their service. A booking keeps the
times it was booked with: changing a service's length or buffers changes new bookings only.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass, fields
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from booking.domain.audit import AuditAction
from booking.extensions import db
from booking.models import Service
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction


class ServiceError(Exception):
    """The change cannot be saved; the message says why, next to `field` if given."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownService(LookupError):
    """No service has this id."""


class ServiceChangedMeanwhile(Exception):
    """Someone else saved this service after the form was opened; nothing was saved."""


@dataclass(frozen=True)
class ServiceEntry:
    """A service's checked values, as the form gives them."""

    name: str
    slug: str
    description: str
    minutes: int
    hands_on_minutes: int | None
    buffer_before_minutes: int
    buffer_after_minutes: int
    first_visit: bool
    home_visit: bool
    active: bool
    sort_order: int


# How the audit trail names each field, and the unit after a number.
_IN_WORDS: dict[str, tuple[str, str]] = {
    "name": ("name", ""),
    "slug": ("web address", ""),
    "description": ("description", ""),
    "minutes": ("length", " minutes"),
    "hands_on_minutes": ("hands-on", " minutes"),
    "buffer_before_minutes": ("rest before", " minutes"),
    "buffer_after_minutes": ("rest after", " minutes"),
    "first_visit": ("first visit", ""),
    "home_visit": ("home visit", ""),
    "active": ("offered", ""),
    "sort_order": ("order", ""),
}


def _shown(value: object, unit: str) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value}{unit}"


def changes(before: ServiceEntry, after: ServiceEntry) -> list[str]:
    """What changed, in audit words: "length 60 → 75 minutes" (a description only "changed")."""
    described = []
    for field in fields(ServiceEntry):
        old, new = getattr(before, field.name), getattr(after, field.name)
        if old == new:
            continue
        words, unit = _IN_WORDS[field.name]
        if field.name == "description":
            described.append("description changed")
        elif isinstance(old, int) and not isinstance(old, bool) and new is not None:
            described.append(f"{words} {old} → {new}{unit}")
        else:
            described.append(f"{words} {_shown(old, unit)} → {_shown(new, unit)}")
    return described


def entry_of(service: Service) -> ServiceEntry:
    """A stored service's values."""
    return ServiceEntry(
        **{field.name: getattr(service, field.name) for field in fields(ServiceEntry)}
    )


def version_of(service: Service) -> str:
    """A short digest of the service's values, so a form can tell they changed meanwhile."""
    return hashlib.sha256(repr(astuple(entry_of(service))).encode()).hexdigest()[:16]


def all_services() -> list[Service]:
    """Every service, switched-off ones too, in the practice's order."""
    return list(
        db.session.scalars(select(Service).order_by(Service.sort_order, Service.name, Service.id))
    )


def find_service(service_id: int) -> Service | None:
    """The service with this id, or None."""
    return db.session.get(Service, service_id)


def _check_slug_free(slug: str, service_id: int | None) -> None:
    taken = select(Service.id).where(Service.slug == slug)
    if service_id is not None:
        taken = taken.where(Service.id != service_id)
    if db.session.scalars(taken.limit(1)).first() is not None:
        raise ServiceError("Another service already uses this web address.", "slug")


def _check_first_visit_kept(before: ServiceEntry, after: ServiceEntry, service_id: int) -> None:
    """New clients start with a first-visit service: the last one offered cannot go."""
    was = before.active and before.first_visit
    if not was or (after.active and after.first_visit):
        return
    others = db.session.scalar(
        select(func.count())
        .select_from(Service)
        .where(Service.id != service_id, Service.active.is_(True), Service.first_visit.is_(True))
    )
    if not others:
        field = "active" if not after.active else "first_visit"
        raise ServiceError(
            "This is the only first-visit service offered, and new clients start with one. "
            "Add or switch on another first-visit service first.",
            field,
        )


def _flush_or_slug_taken() -> None:
    try:
        db.session.flush()
    except IntegrityError:  # another admin took the address at the same moment
        raise ServiceError("Another service already uses this web address.", "slug") from None


@retry_conflicts
def add_service(entry: ServiceEntry, staff_user_id: int, now: datetime) -> Service:
    """Add a service (audited). ServiceError if its web address is taken."""
    with write_transaction():
        _check_slug_free(entry.slug, None)
        service = Service(**{field.name: getattr(entry, field.name) for field in fields(entry)})
        service.created_at = now
        db.session.add(service)
        _flush_or_slug_taken()
        audit.record(
            audit.actor_for(staff_user_id),
            AuditAction.CHANGED_SERVICE,
            now,
            detail=f"added {entry.name} ({entry.minutes} minutes)",
        )
    return service


@retry_conflicts
def update_service(
    service_id: int, entry: ServiceEntry, seen: str, staff_user_id: int, now: datetime
) -> list[str]:
    """Change a service (audited); what changed, in words (empty if nothing).

    Existing bookings keep their times. Raises UnknownService, ServiceError, or
    ServiceChangedMeanwhile when `seen` is not the version the form was opened with.
    """
    with write_transaction():
        service = db.session.scalars(
            select(Service).where(Service.id == service_id).with_for_update()
        ).one_or_none()
        if service is None:
            raise UnknownService(service_id)
        if version_of(service) != seen:
            raise ServiceChangedMeanwhile(service_id)
        before = entry_of(service)
        described = changes(before, entry)
        if not described:
            return []
        _check_slug_free(entry.slug, service_id)
        _check_first_visit_kept(before, entry, service_id)
        for field in fields(entry):
            setattr(service, field.name, getattr(entry, field.name))
        _flush_or_slug_taken()
        audit.record(
            audit.actor_for(staff_user_id),
            AuditAction.CHANGED_SERVICE,
            now,
            detail=f"{before.name}: " + "; ".join(described),
        )
    return described
