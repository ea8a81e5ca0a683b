"""Who may read a client's clinical record (intake answers, session plans, records, notes, the
timeline): admin, and the therapists who have or had a session with that client (a booking
that was not cancelled), or who said they are covering one, with a reason, in the last
`COVER_DAYS`. Reception never: their routes do not reach here at all.

A cover is an audit event (COVERED_CLIENT) and nothing else: the trail that records it is
append-only, so the grant and its reason can never be quietly changed or removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, or_, select

from booking.clock import now_utc
from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus, StaffRole
from booking.extensions import db
from booking.models import AuditEvent, Booking, Client, StaffUser
from booking.services.staff import audit
from booking.transactions import write_transaction

COVER_DAYS = 14  # long enough to prepare, give and write up a covered session


def _readable(user: StaffUser, now: datetime) -> ColumnElement[bool]:
    """Rows of `clients` whose records `user` (a therapist) may read."""
    own_session = exists().where(
        Booking.client_id == Client.id,
        Booking.practitioner_id == user.practitioner_id,
        Booking.status != BookingStatus.CANCELLED,
    )
    covering = exists().where(
        AuditEvent.client_id == Client.id,
        AuditEvent.staff_user_id == user.id,
        AuditEvent.action == AuditAction.COVERED_CLIENT,
        AuditEvent.occurred_at > now - timedelta(days=COVER_DAYS),
    )
    if user.practitioner_id is None:
        return covering
    return or_(own_session, covering)


def readable_clients(user: StaffUser, client_ids: Iterable[int], now: datetime) -> set[int]:
    """Of `client_ids`, those whose clinical records this member of staff may read: one query."""
    wanted = set(client_ids)
    if user.role == StaffRole.ADMIN or not wanted:
        return wanted
    if user.role != StaffRole.THERAPIST:
        return set()
    query = select(Client.id).where(Client.id.in_(wanted), _readable(user, now))
    return set(db.session.scalars(query))


def may_read_sessions(user: StaffUser, client_id: int, now: datetime | None = None) -> bool:
    """Whether this member of staff may read the client's clinical record: one query."""
    return client_id in readable_clients(user, [client_id], now or now_utc())


def cover(user: StaffUser, client_id: int, reason: str, now: datetime) -> None:
    """A therapist covers a colleague's session: recorded with the reason, in the audit trail,
    which is also what gives them the client's record for COVER_DAYS."""
    with write_transaction():
        audit.record(
            audit.actor_for(user.id),
            AuditAction.COVERED_CLIENT,
            now,
            client_id=client_id,
            detail=reason,
        )
