"""The audit trail: written with the change it records, and append-only in the database itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from booking.domain.audit import AUDIT_WORDS, AuditAction
from booking.extensions import db
from booking.models import AuditEvent
from booking.services import audit
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
