"""A client with something of every kind on file, for the export and erasure tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus, ConsentKind
from booking.encryption import cipher
from booking.extensions import db
from booking.models import Booking, CallRequest, OutboxMessage, SessionAdjustment, SessionNote
from booking.services.staff import audit
from tests.support import DEFAULT_NOW
from tests.support.factories import make_booking, make_client, make_consent, make_service
from tests.support.staff import add_intake

DAY = timedelta(days=1)
# Every personal detail, each one unusual enough that finding it anywhere means it leaked.
NAME = "Wren Marchbanks-Oyelaran"
PREFERRED = "Wrennie"
EMAIL = "wren.marchbanks@example.org"
PHONE = "+447700900123"
CARER_NAME = "Idris Fenwick-Thorne"
CARER_EMAIL = "idris.fenwick@example.org"
CARER_PHONE = "+447700900456"
CARER_RELATIONSHIP = "stepbrother-in-law"
MEDICATION = "Quetrafolin-7731 twice daily"  # a free-text answer
DRAFT = "Lavender-only-oil-please-5521"  # typed on a page not yet finished
SESSION_TEXT = "Settled-with-heat-pad-8842"  # the therapist's record
CANCEL_NOTE = "Rang-from-Ambleside-3309"  # staff's note with a cancellation
PERSONAL = [
    NAME,
    PREFERRED,
    EMAIL,
    PHONE,
    CARER_NAME,
    CARER_EMAIL,
    CARER_PHONE,
    CARER_RELATIONSHIP,
    MEDICATION,
    DRAFT,
    SESSION_TEXT,
    CANCEL_NOTE,
]


@dataclass
class OnFile:
    client_id: int
    attended_id: int
    coming_id: int  # a confirmed session in three days: erasure is refused while it stands


def _message(booking: Booking, kind: str, recipient: str, **times) -> OutboxMessage:
    return OutboxMessage(
        dedupe_key=f"{booking.id}:{kind}:0:{recipient}",
        kind=kind,
        booking_id=booking.id,
        sequence=0,
        recipient=recipient,
        subject=f"Your session, {PREFERRED}",
        text_body=f"Dear {PREFERRED}, see you soon.",
        html_body=f"<p>Dear {PREFERRED}, see you soon.</p>",
        message_id=f"<{kind}-{booking.id}@booking>",
        due_at=DEFAULT_NOW - 10 * DAY,
        next_attempt_at=DEFAULT_NOW - 10 * DAY,
        **times,
    )


def client_with_everything() -> OnFile:
    """Add (and commit) a client with details, carer, bookings, answers, consents, records,
    messages, a call request and audit entries; inside an app context."""
    client = make_client(
        name=NAME,
        preferred_name=PREFERRED,
        email=EMAIL,
        phone=PHONE,
        carer_name=CARER_NAME,
        carer_relationship=CARER_RELATIONSHIP,
        carer_email=CARER_EMAIL,
        carer_phone=CARER_PHONE,
        carer_copies=True,
    )
    service = make_service(name="Gentle first session")
    attended = make_booking(
        client=client,
        service=service,
        start_utc=DEFAULT_NOW - 14 * DAY,
        status=BookingStatus.ATTENDED,
        checkin_answer="gentler",
        followup_answer="tired",
        followup_lasted="day_or_two",
        manage_token_hash="a1" * 32,
    )
    make_booking(
        client=client,
        service=service,
        practitioner=attended.practitioner,
        start_utc=DEFAULT_NOW - 7 * DAY,
        status=BookingStatus.CANCELLED,
        cancel_reason="unwell",
        cancel_note=CANCEL_NOTE,
    )
    coming = make_booking(
        client=client,
        service=service,
        practitioner=attended.practitioner,
        start_utc=DEFAULT_NOW + 3 * DAY,
    )
    intake = add_intake(
        client,
        {
            "screening": {"now": ["none"], "history": ["none"], "medications": MEDICATION},
            "energy": {"severity": "moderate"},
        },
    )
    intake.answers_encrypted = cipher().encrypt(
        {
            "answers": cipher().decrypt(intake.answers_encrypted)["answers"],
            "drafts": {"senses": {"scent_note": DRAFT}},
        }
    )
    make_consent(client.id, intake.id, kind=ConsentKind.HEALTH_DATA, signed_name=NAME)
    make_consent(
        client.id,
        intake.id,
        kind=ConsentKind.TREATMENT,
        signed_name=CARER_NAME,
        on_behalf_relationship=CARER_RELATIONSHIP,
    )
    db.session.add_all(
        [
            SessionNote(
                booking_id=attended.id,
                note_encrypted=cipher().encrypt(SESSION_TEXT),
                hands_on_minutes=25,
                pressure=1,
                positions="side",
            ),
            SessionAdjustment(
                booking_id=coming.id, direction="same", hands_on_minutes=25, pressure=1
            ),
            _message(attended, "client_confirmation", EMAIL, sent_at=DEFAULT_NOW - 20 * DAY),
            _message(attended, "carer_copy", CARER_EMAIL, sent_at=DEFAULT_NOW - 20 * DAY),
            _message(coming, "client_reminder", PHONE),  # waiting to go
            CallRequest(client_id=client.id, name=NAME, phone=PHONE, best_time="morning"),
        ]
    )
    audit.record(
        audit.SYSTEM_ACTOR, AuditAction.VIEWED_CLIENT, DEFAULT_NOW - DAY, client_id=client.id
    )
    db.session.commit()
    return OnFile(client.id, attended.id, coming.id)


def cancel(booking_id: int) -> None:
    """Cancel a session (as the desk would), so nothing stands in the way of erasure."""
    db.session.get(Booking, booking_id).status = BookingStatus.CANCELLED
    db.session.commit()
