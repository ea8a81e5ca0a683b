"""The audit trail: written with the change it records, and append-only in the database itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from booking.domain.audit import AUDIT_WORDS, AuditAction
from booking.extensions import db
from booking.models import AuditEvent
from booking.services.staff import audit
from booking.transactions import write_transaction
from tests.support import DEFAULT_NOW


def test_every_action_has_words():
    assert set(AUDIT_WORDS) == set(AuditAction)


def test_an_event_is_written_with_its_transaction_and_read_newest_first(app):
    with app.app_context():
        with write_transaction():
            audit.record(audit.SYSTEM_ACTOR, AuditAction.BOOKED, DEFAULT_NOW, client_id=7)
        audit.record_view(
            audit.SYSTEM_ACTOR,
            AuditAction.VIEWED_CLIENT,
            DEFAULT_NOW + timedelta(minutes=1),
            client_id=7,
            detail="line one\nline two\x00",
        )
        with pytest.raises(RuntimeError), write_transaction():
            audit.record(audit.SYSTEM_ACTOR, AuditAction.CANCELLED, DEFAULT_NOW, client_id=7)
            raise RuntimeError("the change failed")
        found = audit.events(client_id=7)
        assert [event.action for event in found] == [
            AuditAction.VIEWED_CLIENT,
            AuditAction.BOOKED,
        ]
        assert found[0].detail == "line oneline two"
        assert found[0].actor == "system" and found[0].staff_user_id is None
        assert audit.events(client_id=8) == []
        assert audit.events(actions=[AuditAction.BOOKED])[0].id == found[1].id
        assert audit.events(before_id=found[0].id) == [found[1]]


def test_a_long_detail_is_cut_to_fit(app):
    with app.app_context():
        audit.record_view(
            audit.SYSTEM_ACTOR, AuditAction.EXPORTED_BOOKINGS, DEFAULT_NOW, detail="x" * 999
        )
        assert len(audit.events()[0].detail) == 300


@pytest.mark.parametrize(
    "statement",
    [
        lambda: update(AuditEvent).values(detail="rewritten"),
        lambda: delete(AuditEvent),
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_remove_an_event(app, statement):
    with app.app_context():
        audit.record_view(audit.SYSTEM_ACTOR, AuditAction.BOOKED, DEFAULT_NOW, detail="kept")
        refused = pytest.raises(DatabaseError, match="append-only")
        with refused, db.engine.begin() as connection:
            connection.execute(statement())
        with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text("UPDATE audit_events SET actor = 'someone else'"))
        assert db.session.scalars(select(AuditEvent.detail)).all() == ["kept"]


# --- Staff actions on existing pages leave a trail --------------------------------------------


def _trail(app) -> list[tuple[str, str, int | None]]:
    """The trail, oldest first, without the two-factor set-ups that signing in brings."""
    with app.app_context():
        return [
            (e.action.value, e.actor, e.client_id)
            for e in reversed(audit.events())
            if e.action != "set_up_second_factor"
        ]


def test_opening_a_clients_record_is_recorded_with_who_opened_it(app):
    from booking.domain.statuses import StaffRole
    from booking.services.staff.accounts import find_staff
    from tests.support.factories import make_booking, make_client
    from tests.support.staff import EMAILS, signed_in_client

    therapist = signed_in_client(app, StaffRole.THERAPIST)
    with app.app_context():
        booking = make_booking(client=make_client(name="Rowan Ash"))  # their client
        find_staff(EMAILS[StaffRole.THERAPIST]).practitioner = booking.practitioner
        client_id = booking.client_id
        db.session.commit()
    reception = signed_in_client(app, StaffRole.RECEPTION)
    assert therapist.get(f"/dashboard/clients/{client_id}/intake").status_code == 200
    assert reception.get(f"/dashboard/clients/{client_id}/practical").status_code == 200
    assert reception.get(f"/dashboard/clients/{client_id}/intake").status_code == 403
    assert therapist.get("/dashboard/clients/999999/intake").status_code == 404
    assert _trail(app) == [
        ("viewed_intake", EMAILS[StaffRole.THERAPIST], client_id),
        ("viewed_practical", EMAILS[StaffRole.RECEPTION], client_id),
    ]


def test_review_feed_and_screening_changes_are_recorded(app):
    from booking.domain.statuses import BookingStatus, ReviewState, StaffRole
    from booking.services.intake import review, screening
    from booking.services.messaging import feeds
    from tests.support.factories import make_booking, make_client
    from tests.support.staff import EMAILS, add_intake, add_staff_member, screening_rows

    staff_id = add_staff_member(app, StaffRole.THERAPIST)
    with app.app_context():
        rows = screening_rows()
        client = make_client()
        booking = make_booking(
            client=client,
            start_utc=DEFAULT_NOW + timedelta(days=2),
            status=BookingStatus.HELD_FOR_REVIEW,
        )
        intake = add_intake(
            client, {"screening": {"now": ["fever"]}}, review_state=ReviewState.PENDING
        )
        practitioner_id, client_id, intake_id = booking.practitioner_id, client.id, intake.id
        db.session.commit()
        by = audit.actor_for(staff_id)
        review.mark_contacted(intake_id, staff_id, "Phoned about the fever", DEFAULT_NOW)
        review.release(intake_id, staff_id, "Fever has passed", DEFAULT_NOW)
        feeds.rotate_feed_token(practitioner_id, by)
        feeds.revoke_feed(practitioner_id, by)
        feeds.revoke_feed(practitioner_id, by)  # nothing to switch off: nothing recorded
        row = rows[0]
        entry = screening.ScreeningEntry(
            label=row.label,
            hint=row.hint,
            group=row.group,
            flag=row.flag,
            follow_up=row.follow_up,
            active=False,
            sort_order=row.sort_order,
        )
        screening.update_row(row.id, entry, by)
        details = " ".join(event.detail for event in audit.events()).lower()
    email = EMAILS[StaffRole.THERAPIST]
    assert [(action, actor) for action, actor, _ in _trail(app)] == [
        ("contacted_review", email),
        ("released_review", email),
        ("rotated_feed", email),
        ("revoked_feed", email),
        ("changed_screening", email),
    ]
    assert [client for _, _, client in _trail(app)][:2] == [client_id, client_id]
    assert "phoned" not in details and "passed" not in details  # never the notes' words
