"""The admin's page of the audit trail: one page of events with the clients they name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from booking.domain.audit import AuditAction
from booking.extensions import db
from booking.models import AuditEvent, Client
from booking.services.staff import audit

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditPage:
    """Newest first; `older_than` is the id to page on from, when there are older events."""

    events: list[AuditEvent]
    client_names: dict[int, str]
    older_than: int | None


def audit_page(
    *,
    client_id: int | None = None,
    action: AuditAction | None = None,
    before_id: int | None = None,
    size: int = PAGE_SIZE,
) -> AuditPage:
    """One page of events, and the names of the clients on it (two queries in all)."""
    events = audit.events(
        client_id=client_id,
        actions=[action] if action else (),
        limit=size + 1,
        before_id=before_id,
    )
    older_than = events[size - 1].id if len(events) > size else None
    events = events[:size]
    client_ids = {event.client_id for event in events if event.client_id is not None}
    names: dict[int, str] = {}
    if client_ids:
        rows = db.session.execute(select(Client.id, Client.name).where(Client.id.in_(client_ids)))
        names = {client_id: name for client_id, name in rows}
    return AuditPage(events, names, older_than)


def when_words(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as the trail shows it, with the year: 'Sat 21 Nov 2026, 10:00'."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
