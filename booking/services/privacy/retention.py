"""Removing records past their keeping time (`flask --app wsgi purge-expired`).

Each kind of record goes in transactions of its own (clinical records in batches of
clients), so a long run holds no lock for long and an interrupted run is simply run again.
A client's own record (name, email, phone, carer) goes last, once nothing keeps it: seven
years after their last contact of any kind and no session to come; it is erased as on request
(booking/services/privacy/erasure.py), leaving their bookings as anonymous rows.
The audit trail is never touched; the run itself is recorded in it, with counts only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, fields
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.sql import Delete

from booking.clock import practice_zone
from booking.domain import retention
from booking.domain.audit import AuditAction
from booking.domain.intake import date_of_birth
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import (
    Booking,
    CallRequest,
    Client,
    Consent,
    Intake,
    OutboxMessage,
    SessionAdjustment,
    SessionNote,
    StaffSession,
)
from booking.services.intake.questionnaire import answers_of
from booking.services.privacy import erasure
from booking.services.staff import audit
from booking.transactions import write_transaction

BATCH = 100  # clients per transaction

REPORT_LABELS = {
    "clients": "Clients whose clinical records were past keeping",
    "intakes": "Intake questionnaires",
    "consents": "Consents",
    "session_notes": "Session records",
    "session_adjustments": "Changes agreed for coming sessions",
    "messages": "Sent, failed or dropped messages older than 90 days",
    "staff_sessions": "Ended staff sign-ins older than 30 days",
    "call_requests": "Call requests handled more than a year ago",
    "client_records": "Clients erased: no contact for 7 years and no session to come",
}


@dataclass
class PurgeReport:
    """How many rows were (or, on a dry run, would be) removed, by kind."""

    clients: int = 0  # clients whose clinical records were past their keeping time
    intakes: int = 0
    consents: int = 0
    session_notes: int = 0
    session_adjustments: int = 0
    messages: int = 0
    staff_sessions: int = 0
    call_requests: int = 0
    client_records: int = 0  # clients whose own record was erased (kept as a tombstone)

    def lines(self) -> list[tuple[str, int]]:
        """Each count with its label, for the command line."""
        return [(REPORT_LABELS[f.name], getattr(self, f.name)) for f in fields(self)]

    def detail(self) -> str:
        """The counts in one short line for the audit trail (counts only, nothing else)."""
        return ", ".join(
            f"{f.name.replace('_', ' ')}: {getattr(self, f.name)}" for f in fields(self)
        )


def _latest(moments: dict[int, datetime], rows: Iterable[tuple[int, datetime | None]]) -> None:
    for client_id, moment in rows:
        if moment is not None and (client_id not in moments or moment > moments[client_id]):
            moments[client_id] = moment


def _last_clinical_moments(now: datetime) -> dict[int, datetime]:
    """Per client with clinical records: their last treatment, or their newest intake,
    consent or note if that is later (a new questionnaire is never removed for an old
    treatment). Four grouped queries, however many clients."""
    treated = or_(
        Booking.status == BookingStatus.ATTENDED,
        and_(Booking.status == BookingStatus.CONFIRMED, Booking.start_utc < now),
    )
    moments: dict[int, datetime] = {}
    queries = [
        select(Booking.client_id, func.max(Booking.start_utc))
        .where(treated)
        .group_by(Booking.client_id),
        select(
            Intake.client_id,
            func.max(func.coalesce(Intake.submitted_at, Intake.created_at)),
        ).group_by(Intake.client_id),
        select(Consent.client_id, func.max(Consent.given_at)).group_by(Consent.client_id),
        select(Booking.client_id, func.max(SessionNote.created_at))
        .join(SessionNote, SessionNote.booking_id == Booking.id)
        .group_by(Booking.client_id),
    ]
    with_records: set[int] = set()
    for position, query in enumerate(queries):
        rows = [(client_id, moment) for client_id, moment in db.session.execute(query)]
        if position > 0:
            with_records.update(client_id for client_id, _ in rows)
        _latest(moments, rows)
    return {client_id: moments[client_id] for client_id in with_records}


def _birth_dates(client_ids: Sequence[int]) -> dict[int, date]:
    """The date of birth each client gave on their newest intake that has one."""
    born: dict[int, date] = {}
    intakes = db.session.scalars(
        select(Intake).where(Intake.client_id.in_(client_ids)).order_by(Intake.id.desc())
    )
    for intake in intakes:
        if intake.client_id not in born:
            given = date_of_birth(answers_of(intake))
            if given is not None:
                born[intake.client_id] = given
    return born


def expired_clients(now: datetime, zone: ZoneInfo) -> list[int]:
    """Clients whose clinical records are past their keeping time, by id."""
    today = now.astimezone(zone).date()
    last_days = {
        client_id: moment.astimezone(zone).date()
        for client_id, moment in _last_clinical_moments(now).items()
    }
    # Past 7 years on the treatment rule alone; the minor rule can only keep longer, so only
    # these few intakes are decrypted to read a date of birth.
    candidates = sorted(
        client_id
        for client_id, last in last_days.items()
        if retention.clinical_record_expired(last, None, today)
    )
    expired = []
    for start in range(0, len(candidates), BATCH):
        batch = candidates[start : start + BATCH]
        born = _birth_dates(batch)
        expired.extend(
            client_id
            for client_id in batch
            if retention.clinical_record_expired(last_days[client_id], born.get(client_id), today)
        )
        db.session.expunge_all()  # decrypted intakes are not kept around
    return expired


def clients_past_keeping(now: datetime, zone: ZoneInfo) -> list[int]:
    """Clients (not yet erased) whose own record nothing keeps any more, by id.

    Their last contact of any kind (the record made, a booking in any state, a questionnaire,
    a consent, a session record, a call request) is past the clinical keeping time, the minor
    rule included, and they have no session to come.
    """
    today = now.astimezone(zone).date()
    kept = {
        client_id: created
        for client_id, created in db.session.execute(
            select(Client.id, Client.created_at).where(Client.erased_at.is_(None))
        )
    }
    moments = dict(kept)
    _latest(
        moments,
        db.session.execute(
            select(Booking.client_id, func.max(Booking.start_utc)).group_by(Booking.client_id)
        ),
    )
    _latest(
        moments,
        db.session.execute(
            select(CallRequest.client_id, func.max(CallRequest.created_at))
            .where(CallRequest.client_id.is_not(None))
            .group_by(CallRequest.client_id)
        ),
    )
    _latest(moments, _last_clinical_moments(now).items())
    candidates = sorted(
        client_id
        for client_id in kept
        if retention.clinical_record_expired(
            moments[client_id].astimezone(zone).date(), None, today
        )
    )
    if not candidates:
        return []
    coming = set(
        db.session.scalars(
            select(Booking.client_id).where(
                Booking.client_id.in_(candidates),
                Booking.status.in_(erasure.LIVE),
                Booking.end_utc > now,
            )
        )
    )
    past = []
    for start in range(0, len(candidates), BATCH):
        batch = [
            client_id for client_id in candidates[start : start + BATCH] if client_id not in coming
        ]
        born = _birth_dates(batch)
        past.extend(
            client_id
            for client_id in batch
            if retention.clinical_record_expired(
                moments[client_id].astimezone(zone).date(), born.get(client_id), today
            )
        )
        db.session.expunge_all()  # decrypted intakes are not kept around
    return past


def _erase_clients(client_ids: Sequence[int], now: datetime, dry_run: bool) -> int:
    if dry_run:
        return len(client_ids)
    erased = 0
    for start in range(0, len(client_ids), BATCH):
        erased += erasure.erase_clients(client_ids[start : start + BATCH], now)
    if erased:
        erasure.scrub_free_space()
    return erased


def _of_sessions(model: type[SessionNote] | type[SessionAdjustment], client_ids: Sequence[int]):
    return model.booking_id.in_(
        select(Booking.id).where(Booking.client_id.in_(client_ids)).scalar_subquery()
    )


def _run(statement: Delete, dry_run: bool) -> int:
    """Delete, or on a dry run count what would be deleted."""
    if dry_run:
        table = statement.table
        query = select(func.count()).select_from(table)
        if statement.whereclause is not None:
            query = query.where(statement.whereclause)
        return db.session.scalar(query) or 0
    return db.session.execute(statement).rowcount


def _transaction(dry_run: bool) -> AbstractContextManager[object]:
    return nullcontext() if dry_run else write_transaction()


def _purge_clinical(client_ids: Sequence[int], report: PurgeReport, dry_run: bool) -> None:
    for start in range(0, len(client_ids), BATCH):
        batch = client_ids[start : start + BATCH]
        with _transaction(dry_run):
            report.session_notes += _run(
                delete(SessionNote).where(_of_sessions(SessionNote, batch)), dry_run
            )
            report.session_adjustments += _run(
                delete(SessionAdjustment).where(_of_sessions(SessionAdjustment, batch)), dry_run
            )
            report.consents += _run(delete(Consent).where(Consent.client_id.in_(batch)), dry_run)
            report.intakes += _run(delete(Intake).where(Intake.client_id.in_(batch)), dry_run)
        report.clients += len(batch)


def purge_expired(now: datetime, *, dry_run: bool = False) -> PurgeReport:
    """Remove (or with dry_run, count) every record past its keeping time."""
    report = PurgeReport()
    zone = practice_zone()
    # Chosen before the clinical records go: a date of birth is read from their answers.
    past = clients_past_keeping(now, zone)
    _purge_clinical(expired_clients(now, zone), report, dry_run)

    old_message = retention.kept_since(retention.OUTBOX_KEEP, now)
    old_sign_in = retention.kept_since(retention.STAFF_SESSION_KEEP, now)
    old_call = retention.kept_since(retention.CALL_REQUEST_KEEP, now)
    with _transaction(dry_run):
        report.messages = _run(
            delete(OutboxMessage).where(
                or_(
                    OutboxMessage.sent_at < old_message,
                    OutboxMessage.failed_at < old_message,
                    OutboxMessage.dropped_at < old_message,
                )
            ),
            dry_run,
        )
    with _transaction(dry_run):
        report.staff_sessions = _run(
            delete(StaffSession).where(
                or_(
                    StaffSession.ended_at < old_sign_in,
                    # Never ended (the browser just went away): long past any timeout.
                    and_(StaffSession.ended_at.is_(None), StaffSession.last_seen_at < old_sign_in),
                )
            ),
            dry_run,
        )
    with _transaction(dry_run):
        report.call_requests = _run(
            delete(CallRequest).where(CallRequest.handled_at < old_call), dry_run
        )
    report.client_records = _erase_clients(past, now, dry_run)
    if not dry_run:
        with write_transaction():
            audit.record(
                audit.SYSTEM_ACTOR, AuditAction.PURGED_RECORDS, now, detail=report.detail()
            )
    return report
