"""Writing and reading the audit trail.

`record` adds an event to the caller's open transaction, so a change and its audit entry
commit or fail together. `record_view` is for pages that only read: it writes the event in a
transaction of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select

from booking.domain.audit import DETAIL_LIMIT, AuditAction
from booking.domain.text import tidy_line
from booking.extensions import db
from booking.models import AuditEvent, Booking, StaffUser
from booking.transactions import write_transaction

SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """Who did it: a staff account (id and email), or the system itself."""

    staff_user_id: int | None
    label: str


SYSTEM_ACTOR = Actor(None, SYSTEM)


def actor_for(staff_user_id: int | None) -> Actor:
    """The actor for a staff id (loaded for its email), or the system when None."""
    if staff_user_id is None:
        return SYSTEM_ACTOR
    user = db.session.get(StaffUser, staff_user_id)
    return Actor(staff_user_id, user.email if user is not None else f"staff #{staff_user_id}")


def _event_fields(
    actor: Actor,
    action: AuditAction,
    now: datetime,
    client_id: int | None,
    booking_id: int | None,
    detail: str,
) -> dict[str, object]:
    """One event's columns, its detail made a single short line."""
    return {
        "occurred_at": now,
        "staff_user_id": actor.staff_user_id,
        "actor": actor.label[:254],
        "action": action,
        "client_id": client_id,
        "booking_id": booking_id,
        "detail": str(tidy_line(detail))[:DETAIL_LIMIT],
    }


def record(
    actor: Actor,
    action: AuditAction,
    now: datetime,
    *,
    client_id: int | None = None,
    booking_id: int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Add an event to the current transaction. `detail` must never hold a health answer."""
    event = AuditEvent(**_event_fields(actor, action, now, client_id, booking_id, detail))
    db.session.add(event)
    return event


def record_booking_change(
    actor: Actor, action: AuditAction, booking: Booking, now: datetime, detail: str
) -> AuditEvent:
    """Someone changed one booking (and so something of its client's)."""
    return record(
        actor,
        action,
        now,
        client_id=booking.client_id,
        booking_id=booking.id,
        detail=detail,
    )


def record_view(
    actor: Actor,
    action: AuditAction,
    now: datetime,
    *,
    client_id: int | None = None,
    booking_id: int | None = None,
    detail: str = "",
) -> None:
    """Record that someone looked at a record, in a transaction of its own."""
    with write_transaction():
        record(actor, action, now, client_id=client_id, booking_id=booking_id, detail=detail)


def record_views(
    actor: Actor, action: AuditAction, now: datetime, client_ids: Sequence[int], detail: str = ""
) -> None:
    """Record that someone looked at several clients' records at once (one event each)."""
    if not client_ids:
        return
    rows = [
        _event_fields(actor, action, now, client_id, None, detail)
        for client_id in dict.fromkeys(client_ids)  # once each, in order
    ]
    with write_transaction() as session:
        session.execute(insert(AuditEvent), rows)  # one statement, however many clients


def events(
    *,
    client_id: int | None = None,
    actions: Sequence[AuditAction] = (),
    limit: int = 200,
    before_id: int | None = None,
) -> list[AuditEvent]:
    """The newest events first, optionally for one client or some actions; paged by id."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if client_id is not None:
        query = query.where(AuditEvent.client_id == client_id)
    if actions:
        query = query.where(AuditEvent.action.in_(list(actions)))
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(db.session.scalars(query))
