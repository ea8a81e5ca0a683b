"""A copy of everything held about one client, for their subject access request.

`flask --app wsgi client-export CLIENT --out FILE`, or admin's button on the client's page,
makes one zip: `data.json` (every value, machine-readable) and `report.html` (the same in
plain words, for the client to read). Health answers and session records are decrypted.
The export itself is recorded in the audit trail, with counts only.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from booking.clock import practice_zone
from booking.domain.audit import AUDIT_WORDS, AuditAction
from booking.domain.consent import CONSENTS
from booking.domain.messages import CHECKIN_ANSWERS, FOLLOWUP_ANSWERS, LASTED_ANSWERS
from booking.domain.session_record import RECORD_LABELS
from booking.encryption import cipher
from booking.extensions import db
from booking.models import (
    AuditEvent,
    Booking,
    CallRequest,
    Client,
    Consent,
    Intake,
    OutboxMessage,
    SessionAdjustment,
    SessionNote,
    WaitlistEntry,
    WaitlistOffer,
)
from booking.services.intake.screening import screening_conditions
from booking.services.staff import audit
from booking.services.staff.audit import Actor
from booking.transactions import write_transaction
from booking.views.answers import readable_answers

REPORT_TEMPLATE = "dashboard/clients/report.html"
STATUS_WORDS = {
    "held_for_review": "Held until the therapist had read your answers",
    "confirmed": "Booked",
    "cancelled": "Cancelled",
    "attended": "You came",
    "no_show": "Marked as missed",
}


@dataclass(frozen=True)
class ClientExport:
    """The zip for one client, and a file name for it that holds no personal data."""

    filename: str
    content: bytes


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _keys(stored: str | None) -> list[str]:
    return [key for key in (stored or "").split(",") if key]


def _client(client: Client) -> dict[str, Any]:
    quiet = client.quiet_hours
    return {
        "id": client.id,
        "name": client.name,
        "preferred_name": client.preferred_name,
        "email": client.email,
        "phone": client.phone,
        "contact_channel": client.contact_channel,
        "reminder_channels": _keys(client.reminder_channels),
        "wants_reminders": client.reminders_wanted,
        "no_messages_from": quiet[0].strftime("%H:%M") if quiet[0] else None,
        "no_messages_until": quiet[1].strftime("%H:%M") if quiet[1] else None,
        "best_days": _keys(client.best_days),
        "best_parts_of_day": _keys(client.best_parts),
        "worsening_usually_starts": client.worsening_starts,
        "created_at": _moment(client.created_at),
        "erased_at": _moment(client.erased_at),
    }


def _carer(client: Client) -> dict[str, Any] | None:
    if not (client.carer_name or client.carer_email or client.carer_phone):
        return None
    return {
        "name": client.carer_name,
        "relationship": client.carer_relationship,
        "email": client.carer_email,
        "phone": client.carer_phone,
        "messages_go_to_carer_only": client.send_to_carer,
        "carer_gets_copies": client.carer_copies,
    }


def _booking(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.id,
        "start": _moment(booking.start_utc),
        "end": _moment(booking.end_utc),
        "session": booking.service.name,
        "therapist": booking.practitioner.name,
        "status": booking.status.value,
        "cancel_reason": booking.cancel_reason,
        "cancel_note": booking.cancel_note,
        "check_in_answer": booking.checkin_answer,
        "follow_up_answer": booking.followup_answer,
        "follow_up_lasted": booking.followup_lasted,
        "booked_at": _moment(booking.created_at),
    }


def _intake(intake: Intake) -> dict[str, Any]:
    blob = cipher().decrypt(intake.answers_encrypted)
    review_note = intake.review_note_encrypted
    return {
        "id": intake.id,
        "questionnaire_version": intake.questionnaire_version,
        "status": intake.status.value,
        "started_at": _moment(intake.created_at),
        "submitted_at": _moment(intake.submitted_at),
        "filled_in_by_carer": intake.filled_by_carer,
        "carer_name": intake.carer_name,
        "carer_relationship": intake.carer_relationship,
        "answers": blob.get("answers", {}),
        "unfinished_pages": blob.get("drafts", {}),
        "review": intake.review_state.value,
        "reviewed_at": _moment(intake.reviewed_at),
        "review_note": cipher().decrypt(review_note) if review_note else None,
    }


def _consent(consent: Consent) -> dict[str, Any]:
    wording = CONSENTS.get(consent.kind)
    return {
        "kind": consent.kind.value,
        "title": wording.title if wording else consent.kind.value,
        "wording_version": consent.wording_version,
        "wording": wording.text if wording and wording.version == consent.wording_version else None,
        "detail": consent.detail,
        "signed_name": consent.signed_name,
        "on_behalf_relationship": consent.on_behalf_relationship,
        "given_at": _moment(consent.given_at),
        "withdrawn_at": _moment(consent.withdrawn_at),
    }


def _record(note: SessionNote, start: datetime) -> dict[str, Any]:
    avoid = note.avoid_next_encrypted
    return {
        "booking_id": note.booking_id,
        "session_start": _moment(start),
        "written_at": _moment(note.created_at),
        "hands_on_minutes": note.hands_on_minutes,
        "pressure": note.pressure,
        "positions": _keys(note.positions),
        "areas_worked": _keys(note.areas_worked),
        "areas_avoided": _keys(note.areas_avoided),
        "arrived": note.arrived,
        "what_helped": cipher().decrypt(note.note_encrypted) if note.note_encrypted else "",
        "avoid_next_time": cipher().decrypt(avoid) if avoid else None,
    }


def _agreed(change: SessionAdjustment) -> dict[str, Any]:
    return {
        "booking_id": change.booking_id,
        "direction": change.direction,
        "hands_on_minutes": change.hands_on_minutes,
        "pressure": change.pressure,
        "your_answer": change.client_answer,
        "answered_at": _moment(change.answered_at),
    }


def _message(message: OutboxMessage) -> dict[str, Any]:
    state = (
        "sent"
        if message.sent_at
        else "failed"
        if message.failed_at
        else "not needed"
        if message.dropped_at
        else "waiting"
    )
    return {
        "kind": message.kind,
        "channel": message.channel,
        "to": message.recipient,
        "subject": message.subject,
        "text": message.text_body,
        "state": state,
        "due_at": _moment(message.due_at),
        "sent_at": _moment(message.sent_at),
    }


def _call(call: CallRequest) -> dict[str, Any]:
    return {
        "name": call.name,
        "phone": call.phone,
        "best_time": call.best_time,
        "asked_at": _moment(call.created_at),
        "handled_at": _moment(call.handled_at),
    }


def _place(entry: WaitlistEntry, offers: list[WaitlistOffer]) -> dict[str, Any]:
    return {
        "session": entry.service.name,
        "therapist": entry.practitioner.name if entry.practitioner else None,
        "days": _keys(entry.days),
        "parts_of_day": _keys(entry.parts),
        "until": entry.until_date.isoformat(),
        "told_by": entry.channel,
        "status": entry.status,
        "joined_at": _moment(entry.created_at),
        "ended_at": _moment(entry.ended_at),
        "times_offered": [
            {
                "start": _moment(offer.start_utc),
                "offered_at": _moment(offer.created_at),
                "status": offer.status,
            }
            for offer in offers
        ],
    }


def _audit(event: AuditEvent) -> dict[str, Any]:
    return {
        "when": _moment(event.occurred_at),
        "who": event.actor,
        "action": event.action.value,
        "in_words": AUDIT_WORDS.get(event.action, event.action.value),
        "booking_id": event.booking_id,
        "detail": event.detail,
    }


def client_data(client_id: int, now: datetime) -> dict[str, Any] | None:
    """Everything held about the client as plain values (decrypted); None if unknown."""
    client = db.session.get(Client, client_id)
    if client is None:
        return None
    session = db.session
    bookings = session.scalars(
        select(Booking)
        .where(Booking.client_id == client_id)
        .options(joinedload(Booking.service), joinedload(Booking.practitioner))
        .order_by(Booking.start_utc)
    ).all()
    starts = {booking.id: booking.start_utc for booking in bookings}
    ids = list(starts)
    contacts = [
        value
        for value in (client.email, client.phone, client.carer_email, client.carer_phone)
        if value
    ]
    about_them = OutboxMessage.booking_id.in_(ids)
    calls = CallRequest.client_id == client_id
    if contacts:
        about_them = or_(about_them, OutboxMessage.recipient.in_(contacts))
        calls = or_(calls, CallRequest.phone.in_(contacts))
    events = or_(AuditEvent.client_id == client_id, AuditEvent.booking_id.in_(ids))
    return {
        "exported_at": _moment(now),
        "client": _client(client),
        "carer": _carer(client),
        "bookings": [_booking(booking) for booking in bookings],
        "check_ins": [
            {"booking_id": b.id, "session_start": _moment(b.start_utc), "answer": b.checkin_answer}
            for b in bookings
            if b.checkin_answer
        ],
        "follow_ups": [
            {
                "booking_id": b.id,
                "session_start": _moment(b.start_utc),
                "answer": b.followup_answer,
                "lasted": b.followup_lasted,
            }
            for b in bookings
            if b.followup_answer
        ],
        "questionnaires": [
            _intake(intake)
            for intake in session.scalars(
                select(Intake).where(Intake.client_id == client_id).order_by(Intake.id)
            )
        ],
        "consents": [
            _consent(consent)
            for consent in session.scalars(
                select(Consent).where(Consent.client_id == client_id).order_by(Consent.id)
            )
        ],
        "session_records": [
            _record(note, starts[note.booking_id])
            for note in session.scalars(
                select(SessionNote).where(SessionNote.booking_id.in_(ids)).order_by(SessionNote.id)
            )
        ],
        "agreed_changes": [
            _agreed(change)
            for change in session.scalars(
                select(SessionAdjustment)
                .where(SessionAdjustment.booking_id.in_(ids))
                .order_by(SessionAdjustment.id)
            )
        ],
        "messages": [
            _message(message)
            for message in session.scalars(
                select(OutboxMessage).where(about_them).order_by(OutboxMessage.id)
            )
        ],
        "call_requests": [
            _call(call)
            for call in session.scalars(select(CallRequest).where(calls).order_by(CallRequest.id))
        ],
        "waiting_list": _places(client_id),
        "audit_trail": [
            _audit(event)
            for event in session.scalars(
                select(AuditEvent).where(events).order_by(AuditEvent.occurred_at, AuditEvent.id)
            )
        ],
    }


def _places(client_id: int) -> list[dict[str, Any]]:
    entries = db.session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.client_id == client_id)
        .options(joinedload(WaitlistEntry.service), joinedload(WaitlistEntry.practitioner))
        .order_by(WaitlistEntry.id)
    ).all()
    offers: dict[int, list[WaitlistOffer]] = {entry.id: [] for entry in entries}
    if entries:
        for offer in db.session.scalars(
            select(WaitlistOffer)
            .where(WaitlistOffer.entry_id.in_(list(offers)))
            .order_by(WaitlistOffer.start_utc)
        ):
            offers[offer.entry_id].append(offer)
    return [_place(entry, offers[entry.id]) for entry in entries]


def _counts(data: dict[str, Any]) -> str:
    """How much the export held, by kind: nothing personal, for the audit trail."""
    kinds = ["bookings", "questionnaires", "consents", "session_records", "messages"]
    return ", ".join(f"{kind.replace('_', ' ')}: {len(data[kind])}" for kind in kinds)


def _local_words(iso: str | None) -> str:
    """An ISO moment as people say it at the practice, e.g. "Tuesday 1 December 2026, 10:00"."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso).astimezone(practice_zone())
    return f"{moment:%A} {moment.day} {moment:%B %Y, %H:%M}"


def report_html(data: dict[str, Any]) -> str:
    """The export in plain words, one self-contained page (no scripts, inline styles)."""
    conditions = screening_conditions(include_inactive=True)
    return render_template(
        REPORT_TEMPLATE,
        data=data,
        answer_sections={
            intake["id"]: readable_answers(intake["answers"], conditions)
            for intake in data["questionnaires"]
        },
        when=_local_words,
        status_words=STATUS_WORDS,
        checkin_words=CHECKIN_ANSWERS,
        followup_words=FOLLOWUP_ANSWERS,
        lasted_words=LASTED_ANSWERS,
        record_words=RECORD_LABELS,
    )


def export_client(client_id: int, actor: Actor, now: datetime) -> ClientExport | None:
    """The zip of everything held about the client, recorded in the audit trail; None if
    there is no such client."""
    data = client_data(client_id, now)
    if data is None:
        return None
    report = report_html(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("report.html", report)
    with write_transaction():
        audit.record(
            actor, AuditAction.EXPORTED_CLIENT, now, client_id=client_id, detail=_counts(data)
        )
    stamp = now.astimezone(practice_zone()).date().isoformat()
    return ClientExport(f"client-{client_id}-{stamp}.zip", buffer.getvalue())
