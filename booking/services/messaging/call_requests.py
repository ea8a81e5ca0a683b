"""People who asked to be phoned: the open list, and marking one done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from booking.extensions import db
from booking.models import CallRequest
from booking.transactions import retry_conflicts, write_transaction

CALL_TIMES = frozenset({"morning", "afternoon", "evening", "any"})


@retry_conflicts
def request_call(name: str, phone: str, best_time: str | None) -> CallRequest:
    """ "Please call me": the therapist phones back (no health details are asked here)."""
    with write_transaction():
        request = CallRequest(
            name=name[:120],
            phone=phone,
            best_time=best_time if best_time in CALL_TIMES else None,
        )
        db.session.add(request)
    return request


class UnknownCallRequest(LookupError):
    """No call request has this id."""


def open_call_requests() -> list[CallRequest]:
    """Requests not yet handled, oldest first (they have waited longest)."""
    query = (
        select(CallRequest)
        .where(CallRequest.handled_at.is_(None))
        .order_by(CallRequest.created_at, CallRequest.id)
    )
    return list(db.session.scalars(query))


@retry_conflicts
def mark_handled(call_id: int, staff_user_id: int, now: datetime) -> bool:
    """Mark a request done; False (and nothing changed) when it was done already."""
    with write_transaction():
        call = db.session.scalars(
            select(CallRequest).where(CallRequest.id == call_id).with_for_update()
        ).one_or_none()
        if call is None:
            raise UnknownCallRequest(call_id)
        if call.handled_at is not None:
            return False
        call.handled_at = now
        call.handled_by_id = staff_user_id
    return True
