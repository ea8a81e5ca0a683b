"""Manage slots: weekly hours, extra openings and closures, each previewed before it is saved.

Every change is worked out twice: once for the preview, and again inside the write transaction
that saves it. The preview carries a fingerprint of what it showed (the change in words and the
sessions it touches); if the second working-out differs (someone booked a session or changed the
hours meanwhile, or the form was edited after the preview) nothing is saved and the new preview
is shown instead. Sessions a change touches are never cancelled: they are listed, and they stay
booked only when the person saving says so.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from booking.clock import local_date, practice_zone
from booking.domain import slots as rules
from booking.domain.audit import AuditAction
from booking.domain.availability import Span, WeeklyHours, merge, weekly_windows
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Closure, Opening, OpeningHours, Practitioner
from booking.services.staff import audit
from booking.transactions import write_transaction


class UnknownPractitioner(LookupError):
    """No practitioner has that id."""


class UnknownOpening(LookupError):
    """No extra opening has that id (perhaps someone removed it already)."""


class UnknownClosure(LookupError):
    """No closure has that id (perhaps someone removed it already)."""


class PreviewChanged(Exception):
    """What would be saved is not what was previewed: show the new preview instead."""

    def __init__(self, preview: Preview, reason: str) -> None:
        super().__init__(reason)
        self.preview = preview
        self.reason = reason


class NothingToChange(Exception):
    """The hours are already exactly this from that date."""


@dataclass(frozen=True)
class Clash:
    """A live session a change touches."""

    booking_id: int
    client_name: str
    service_name: str
    practitioner_name: str
    start_utc: datetime
    end_utc: datetime
    held: bool


@dataclass(frozen=True)
class Preview:
    """What a change does, in words, the sessions it touches, and its fingerprint."""

    lines: tuple[str, ...]
    clashes: tuple[Clash, ...] = ()
    token: str = ""
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def changes_anything(self) -> bool:
        """Whether there is anything to save."""
        return bool(self.lines)


def fingerprint(kind: str, values: object, lines: Sequence[str], clash_ids: Iterable[int]) -> str:
    """A short digest of a preview: the same inputs and outcome give the same text."""
    blob = json.dumps([kind, values, list(lines), sorted(clash_ids)], default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _with_token(kind: str, values: object, lines, clashes, **extra) -> Preview:
    token = fingerprint(kind, values, lines, (c.booking_id for c in clashes))
    return Preview(tuple(lines), tuple(clashes), token, dict(extra))


def find_practitioner(practitioner_id: int) -> Practitioner | None:
    """The practitioner with this id, active or not."""
    return db.session.get(Practitioner, practitioner_id)


def _practitioner(practitioner_id: int) -> Practitioner:
    practitioner = find_practitioner(practitioner_id)
    if practitioner is None:
        raise UnknownPractitioner(practitioner_id)
    return practitioner


def _clashes(booking_ids: Sequence[int]) -> tuple[Clash, ...]:
    """The sessions with these ids, in time order, for listing: one query."""
    if not booking_ids:
        return ()
    bookings = db.session.scalars(
        select(Booking)
        .options(
            joinedload(Booking.client),
            joinedload(Booking.service),
            joinedload(Booking.practitioner),
        )
        .where(Booking.id.in_(list(booking_ids)))
        .order_by(Booking.start_utc, Booking.id)
    )
    return tuple(
        Clash(
            b.id,
            b.client.display_name,
            b.service.name,
            b.practitioner.name,
            b.start_utc,
            b.end_utc,
            b.status == BookingStatus.HELD_FOR_REVIEW,
        )
        for b in bookings
    )


def _live_sessions(
    practitioner_id: int | None, start: datetime, end: datetime | None = None
) -> list[rules.BookedSession]:
    """Live sessions ending after `start` (and starting before `end`), one or all practitioners."""
    query = select(Booking.id, Booking.practitioner_id, Booking.start_utc, Booking.end_utc).where(
        Booking.status.in_([BookingStatus.CONFIRMED, BookingStatus.HELD_FOR_REVIEW]),
        Booking.end_utc > start,
    )
    if end is not None:
        query = query.where(Booking.start_utc < end)
    if practitioner_id is not None:
        query = query.where(Booking.practitioner_id == practitioner_id)
    return [
        rules.BookedSession(booking_id, pid, Span(session_start, session_end))
        for booking_id, pid, session_start, session_end in db.session.execute(query)
    ]


# --- The overview -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursSummary:
    """One practitioner's weekly hours today, and any change already planned."""

    practitioner: Practitioner
    today: dict[int, tuple[rules.Window, ...]]
    planned: tuple[tuple[date, dict[int, tuple[rules.Window, ...]]], ...]
    stops_after: date | None  # the last date today's hours run to, when an end is set


@dataclass(frozen=True)
class Overview:
    """The manage-slots page."""

    hours: tuple[HoursSummary, ...]
    openings: tuple[Opening, ...]
    closures: tuple[Closure, ...]


def overview(now: datetime) -> Overview:
    """Weekly hours, and extra openings and closures not yet over: four queries."""
    today = local_date(now)
    practitioners = list(
        db.session.scalars(
            select(Practitioner)
            .where(Practitioner.active.is_(True))
            .order_by(Practitioner.name, Practitioner.id)
        )
    )
    rows_by: dict[int, list[rules.HoursRow]] = defaultdict(list)
    for row in db.session.scalars(
        select(OpeningHours).where(
            or_(OpeningHours.valid_to.is_(None), OpeningHours.valid_to >= today)
        )
    ):
        rows_by[row.practitioner_id].append(_hours_row(row))
    summaries = []
    for practitioner in practitioners:
        rows = rows_by[practitioner.id]
        starts = sorted({r.valid_from for r in rows if r.valid_from > today})
        ends = [r.valid_to for r in rows if r.in_force_on(today) or r.valid_from <= today]
        summaries.append(
            HoursSummary(
                practitioner,
                rules.plan_from(rows, today),
                tuple((start, rules.plan_from(rows, start)) for start in starts),
                min((end for end in ends if end is not None), default=None),
            )
        )
    openings = db.session.scalars(
        select(Opening)
        .options(joinedload(Opening.practitioner))
        .where(Opening.end_utc > now)
        .order_by(Opening.start_utc, Opening.id)
    )
    closures = db.session.scalars(
        select(Closure)
        .options(joinedload(Closure.practitioner))
        .where(Closure.end_utc > now)
        .order_by(Closure.start_utc, Closure.id)
    )
    return Overview(tuple(summaries), tuple(openings), tuple(closures))


def _hours_row(row: OpeningHours) -> rules.HoursRow:
    return rules.HoursRow(
        row.id, row.weekday, row.start_local, row.end_local, row.valid_from, row.valid_to
    )


def hours_rows(practitioner_id: int) -> list[rules.HoursRow]:
    """Every weekly window stored for a practitioner, past ones too."""
    return [
        _hours_row(row)
        for row in db.session.scalars(
            select(OpeningHours)
            .where(OpeningHours.practitioner_id == practitioner_id)
            .order_by(OpeningHours.weekday, OpeningHours.start_local, OpeningHours.id)
        )
    ]


def plan_in_force(practitioner_id: int, day: date) -> dict[int, tuple[rules.Window, ...]]:
    """The weekly plan in force from `day`, to fill in the form."""
    return rules.plan_from(hours_rows(practitioner_id), day)


# --- Weekly hours ---------------------------------------------------------------------------------


def _plan_values(practitioner_id: int, plan: rules.WeeklyPlan, effective_from: date) -> object:
    return [
        practitioner_id,
        effective_from.isoformat(),
        [[w.words() for w in sorted(plan.get(day, ()))] for day in range(7)],
    ]


def preview_hours(
    practitioner_id: int, plan: rules.WeeklyPlan, effective_from: date, now: datetime
) -> Preview:
    """What replacing the weekly hours from `effective_from` would do, and the sessions left
    outside the new hours."""
    practitioner = _practitioner(practitioner_id)
    zone = ZoneInfo(practitioner.time_zone)
    change = rules.hours_change(hours_rows(practitioner_id), plan, effective_from)
    clashes: tuple[Clash, ...] = ()
    if change.changes_anything:
        from_ = max(now, rules.day_start(effective_from, zone))
        sessions = _live_sessions(practitioner_id, from_)
        sessions = [s for s in sessions if s.session.start >= rules.day_start(effective_from, zone)]
        openings = [
            Span(o.start_utc, o.end_utc)
            for o in db.session.scalars(
                select(Opening).where(
                    Opening.practitioner_id == practitioner_id, Opening.end_utc > from_
                )
            )
        ]
        clashes = _clashes(
            rules.outside_hours(sessions, rules.weekly_rules(change), openings, zone)
        )
    values = _plan_values(practitioner_id, plan, effective_from)
    return _with_token("hours", values, change.lines, clashes, change=change)


def save_hours(
    practitioner_id: int,
    plan: rules.WeeklyPlan,
    effective_from: date,
    staff_user_id: int,
    now: datetime,
    token: str,
    keep_sessions: bool,
) -> Preview:
    """Save new weekly hours from `effective_from`, exactly as previewed (else PreviewChanged)."""
    with write_transaction():
        preview = preview_hours(practitioner_id, plan, effective_from, now)
        _check_as_previewed(preview, token, keep_sessions)
        if not preview.changes_anything:
            raise NothingToChange()
        change: rules.HoursChange = preview.extra["change"]  # type: ignore[assignment]
        rows = {
            row.id: row
            for row in db.session.scalars(
                select(OpeningHours).where(OpeningHours.practitioner_id == practitioner_id)
            )
        }
        for row_id in change.end_row_ids:
            rows[row_id].valid_to = effective_from - timedelta(days=1)
        for row_id in change.replaced_row_ids:
            db.session.delete(rows[row_id])
        db.session.flush()
        for weekday, window in change.new_rows:
            db.session.add(
                OpeningHours(
                    practitioner_id=practitioner_id,
                    weekday=weekday,
                    start_local=window.start,
                    end_local=window.end,
                    valid_from=effective_from,
                )
            )
        who = _practitioner(practitioner_id).name
        audit.record(
            audit.actor_for(staff_user_id),
            AuditAction.CHANGED_HOURS,
            now,
            detail=_detail(who, preview),
        )
    return preview


def _check_as_previewed(preview: Preview, token: str, keep_sessions: bool) -> None:
    if token != preview.token:
        raise PreviewChanged(
            preview,
            "Something changed since the preview (the details, the diary, or a session booked "
            "meanwhile), so nothing was saved. Please check this new preview.",
        )
    if preview.clashes and not keep_sessions:
        raise PreviewChanged(
            preview, "Nothing was saved: please choose what to do about the sessions listed."
        )


def _detail(who: str, preview: Preview) -> str:
    detail = f"{who}: " + "; ".join(preview.lines)
    if preview.clashes:
        count = len(preview.clashes)
        detail += f"; kept {count} booked session{'s' if count != 1 else ''}"
    return detail


# --- Extra openings -------------------------------------------------------------------------------


def preview_opening(practitioner_id: int, span: Span, note: str, now: datetime) -> Preview:
    """What adding an extra opening would do."""
    practitioner = _practitioner(practitioner_id)
    zone = ZoneInfo(practitioner.time_zone)
    first = span.start.astimezone(zone).date() - timedelta(days=1)
    last = span.end.astimezone(zone).date() + timedelta(days=1)
    weekly = [
        WeeklyHours(r.weekday, r.start, r.end, r.valid_from, r.valid_to)
        for r in hours_rows(practitioner_id)
    ]
    others = [
        Span(o.start_utc, o.end_utc)
        for o in db.session.scalars(
            select(Opening).where(
                Opening.practitioner_id == practitioner_id,
                Opening.start_utc < span.end,
                Opening.end_utc > span.start,
            )
        )
    ]
    closed = [
        Span(c.start_utc, c.end_utc)
        for c in db.session.scalars(
            select(Closure).where(
                or_(Closure.practitioner_id == practitioner_id, Closure.practitioner_id.is_(None)),
                Closure.start_utc < span.end,
                Closure.end_utc > span.start,
            )
        )
    ]
    already = merge([*weekly_windows(weekly, first, last, zone), *others])
    lines = list(rules.opening_lines(span, practitioner.name, already, closed, zone))
    if note:
        lines.append(f"Note: {note}")
    values = [practitioner_id, span.start.isoformat(), span.end.isoformat(), note]
    return _with_token("opening", values, lines, ())


def save_opening(
    practitioner_id: int, span: Span, note: str, staff_user_id: int, now: datetime, token: str
) -> Opening:
    """Add an extra opening, exactly as previewed."""
    with write_transaction():
        preview = preview_opening(practitioner_id, span, note, now)
        _check_as_previewed(preview, token, keep_sessions=False)
        opening = Opening(
            practitioner_id=practitioner_id, start_utc=span.start, end_utc=span.end, note=note
        )
        db.session.add(opening)
        audit.record(
            audit.actor_for(staff_user_id),
            AuditAction.ADDED_OPENING,
            now,
            detail=_detail(_practitioner(practitioner_id).name, preview),
        )
    return opening


def find_opening(opening_id: int) -> Opening | None:
    """The extra opening with this id, with its practitioner."""
    return db.session.get(Opening, opening_id, options=[joinedload(Opening.practitioner)])


def preview_opening_removal(opening_id: int, now: datetime) -> Preview:
    """What removing an opening does: the sessions inside it stay booked, outside the hours."""
    opening = find_opening(opening_id)
    if opening is None:
        raise UnknownOpening(opening_id)
    zone = ZoneInfo(opening.practitioner.time_zone)
    span = Span(opening.start_utc, opening.end_utc)
    inside = _live_sessions(opening.practitioner_id, max(now, span.start), span.end)
    weekly = [
        WeeklyHours(r.weekday, r.start, r.end, r.valid_from, r.valid_to)
        for r in hours_rows(opening.practitioner_id)
    ]
    outside = rules.outside_hours(inside, weekly, [], zone)
    lines = [
        f"Removes the extra opening for {opening.practitioner.name}: {rules.span_words(span, zone)}"
    ]
    return _with_token("remove-opening", [opening_id], lines, _clashes(outside))


def remove_opening(opening_id: int, checked: str, staff_user_id: int, now: datetime) -> Preview:
    """Remove an extra opening as previewed; sessions inside it stay booked. Audited."""
    with write_transaction():
        preview = preview_opening_removal(opening_id, now)
        _check_as_previewed(preview, checked, keep_sessions=True)
        opening = find_opening(opening_id)
        assert opening is not None
        who = opening.practitioner.name
        db.session.delete(opening)
        audit.record(
            audit.actor_for(staff_user_id),
            AuditAction.REMOVED_OPENING,
            now,
            detail=_detail(who, preview),
        )
    return preview


# --- Closures ------------------------------------------------------------------------------------


def preview_closure(practitioner_id: int | None, span: Span, reason: str, now: datetime) -> Preview:
    """What a closure would do, and the live sessions inside it (which are never cancelled)."""
    who = _practitioner(practitioner_id).name if practitioner_id is not None else None
    zone = practice_zone()
    lines = rules.closure_lines(span, who, reason, zone)
    sessions = _live_sessions(practitioner_id, max(now, span.start), span.end)
    clashes = _clashes(rules.overlapping(sessions, span))
    values = [practitioner_id, span.start.isoformat(), span.end.isoformat(), reason]
    return _with_token("closure", values, lines, clashes)


def save_closure(
    practitioner_id: int | None,
    span: Span,
    reason: str,
    staff_user_id: int,
    now: datetime,
    token: str,
    keep_sessions: bool,
) -> Closure:
    """Add a closure exactly as previewed; sessions inside it stay booked when asked to."""
    with write_transaction():
        preview = preview_closure(practitioner_id, span, reason, now)
        _check_as_previewed(preview, token, keep_sessions)
        closure = Closure(
            practitioner_id=practitioner_id, start_utc=span.start, end_utc=span.end, reason=reason
        )
        db.session.add(closure)
        who = _practitioner(practitioner_id).name if practitioner_id is not None else "Everyone"
        audit.record(
            audit.actor_for(staff_user_id),
            AuditAction.ADDED_CLOSURE,
            now,
            detail=_detail(who, preview),
        )
    return closure


def find_closure(closure_id: int) -> Closure | None:
    """The closure with this id, with its practitioner if it has one."""
    return db.session.get(Closure, closure_id, options=[joinedload(Closure.practitioner)])


def preview_closure_removal(closure_id: int, now: datetime) -> Preview:
    """What removing a closure does: its time can be booked again."""
    closure = find_closure(closure_id)
    if closure is None:
        raise UnknownClosure(closure_id)
    span = Span(closure.start_utc, closure.end_utc)
    whom = f"for {closure.practitioner.name}" if closure.practitioner else "for everyone"
    lines = [
        f"Removes the closure {whom}: {rules.span_words(span, practice_zone())}",
        "Any opening hours in that time can be booked again.",
    ]
    return _with_token("remove-closure", [closure_id], lines, ())


def remove_closure(closure_id: int, checked: str, staff_user_id: int, now: datetime) -> Preview:
    """Remove a closure as previewed. Audited."""
    with write_transaction():
        preview = preview_closure_removal(closure_id, now)
        _check_as_previewed(preview, checked, keep_sessions=True)
        closure = find_closure(closure_id)
        assert closure is not None
        who = closure.practitioner.name if closure.practitioner else "Everyone"
        reason = closure.reason
        db.session.delete(closure)
        detail = _detail(who, preview)
        if reason:
            detail += f"; reason was: {reason}"
        audit.record(
            audit.actor_for(staff_user_id), AuditAction.REMOVED_CLOSURE, now, detail=detail
        )
    return preview
