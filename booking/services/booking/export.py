"""Bookings for a date range as CSV: one query, no clinical data, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.clock import practice_zone
from booking.domain.audit import AuditAction
from booking.domain.desk_rules import cancel_reason_words, spreadsheet_safe
from booking.domain.messages import CHECKIN_ANSWERS, FOLLOWUP_ANSWERS
from booking.extensions import db
from booking.models import Booking
from booking.services.booking.availability import local_day_bounds
from booking.services.staff import audit
from booking.transactions import write_transaction

HEADER = [
    "Date",
    "Start",
    "End",
    "Therapist",
    "Session",
    "Client",
    "Status",
    "Cancel reason",
    "Check-in",
    "Follow-up",
]
STATUS_WORDS = {
    "held_for_review": "Held for review",
    "confirmed": "Confirmed",
    "cancelled": "Cancelled",
    "attended": "Attended",
    "no_show": "Did not come",
}


@dataclass(frozen=True)
class Export:
    """The bookings of a range as rows of cells, ready to write."""

    first_day: date
    last_day: date
    rows: list[list[str]]  # plain text, made before the audit's commit expires the bookings

    @property
    def filename(self) -> str:
        return f"bookings-{self.first_day.isoformat()}-to-{self.last_day.isoformat()}.csv"


def bookings_between(first_day: date, last_day: date) -> list[Booking]:
    """Every booking starting on these local days (both included), in time order: one query."""
    zone = practice_zone()
    start, _ = local_day_bounds(first_day, zone)
    _, end = local_day_bounds(last_day, zone)
    return list(
        db.session.scalars(
            select(Booking)
            .options(
                joinedload(Booking.client),
                joinedload(Booking.practitioner),
                joinedload(Booking.service),
            )
            .where(Booking.start_utc >= start, Booking.start_utc < end)
            .order_by(Booking.start_utc, Booking.id)
        )
    )


def export_bookings(first_day: date, last_day: date, staff_user_id: int, now: datetime) -> Export:
    """Load the range and record the export in the audit trail (range and count only)."""
    rows = [_row(booking) for booking in bookings_between(first_day, last_day)]
    with write_transaction():
        audit.record(
            audit.actor_for(staff_user_id),
            AuditAction.EXPORTED_BOOKINGS,
            now,
            detail=f"{first_day.isoformat()} to {last_day.isoformat()}; {len(rows)} bookings",
        )
    return Export(first_day, last_day, rows)


def _row(booking: Booking) -> list[str]:
    zone = practice_zone()
    start = booking.start_utc.astimezone(zone)
    end = booking.end_utc.astimezone(zone)
    return [
        start.date().isoformat(),
        f"{start:%H:%M}",
        f"{end:%H:%M}",
        booking.practitioner.name,
        booking.service.name,
        booking.client.name,
        STATUS_WORDS.get(booking.status, str(booking.status)),
        cancel_reason_words(booking.cancel_reason, booking.cancel_note),
        CHECKIN_ANSWERS.get(booking.checkin_answer or "", booking.checkin_answer or ""),
        FOLLOWUP_ANSWERS.get(booking.followup_answer or "", booking.followup_answer or ""),
    ]


def csv_lines(export: Export) -> Iterator[str]:
    """The CSV, a line at a time; every cell guarded against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
        return buffer.getvalue()

    yield "\ufeff" + line(HEADER)  # a byte-order mark, so spreadsheets read UTF-8 names
    for row in export.rows:
        yield line(row)
