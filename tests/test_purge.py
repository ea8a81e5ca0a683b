"""Records past their keeping time are removed by `purge-expired`; the audit trail never is."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from booking.domain import retention
from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus, StaffRole
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
    StaffSession,
)
from booking.services.privacy.erasure import TOMBSTONE_NAME
from booking.services.privacy.retention import clients_past_keeping, purge_expired
from booking.services.staff import audit
from tests.support import DEFAULT_NOW
from tests.support.factories import make_booking, make_client, make_consent
from tests.support.staff import add_intake, add_staff_member

# --- The rules, pure ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "years", "later"),
    [
        (date(2020, 5, 17), 7, date(2027, 5, 17)),
        (date(2020, 2, 29), 7, date(2027, 3, 1)),  # no 29 February in 2027: the day after
        (date(2020, 2, 29), 4, date(2024, 2, 29)),
        (date(2019, 12, 31), 7, date(2026, 12, 31)),
    ],
)
def test_years_after(day, years, later):
    assert retention.years_after(day, years) == later


@pytest.mark.parametrize(
    ("last_treatment", "born", "today", "expired"),
    [
        # Seven years after the last treatment, kept through that whole day.
        (date(2019, 11, 20), None, date(2026, 11, 20), False),
        (date(2019, 11, 20), None, date(2026, 11, 21), True),
        (date(2019, 11, 20), date(1980, 1, 1), date(2026, 11, 21), True),  # an adult
        # Treated on 29 February: kept until 1 March seven years on.
        (date(2020, 2, 29), None, date(2027, 2, 28), False),
        (date(2020, 2, 29), None, date(2027, 3, 1), False),
        (date(2020, 2, 29), None, date(2027, 3, 2), True),
        # A minor: until seven years after their 18th birthday, when that is later.
        (date(2015, 6, 1), date(2005, 6, 1), date(2026, 11, 21), False),
        (date(2015, 6, 1), date(2005, 6, 1), date(2030, 6, 1), False),  # 25th birthday: kept
        (date(2015, 6, 1), date(2005, 6, 1), date(2030, 6, 2), True),
        # Born on 29 February: 18 on 1 March 2026 (no leap day), so kept to 1 March 2033.
        (date(2020, 1, 10), date(2008, 2, 29), date(2033, 3, 1), False),
        (date(2020, 1, 10), date(2008, 2, 29), date(2033, 3, 2), True),
        # Treated as a minor but more than seven years after their 18th birthday: the
        # treatment rule decides.
        (date(2024, 1, 1), date(2006, 1, 1), date(2030, 1, 2), False),
        (date(2024, 1, 1), date(2006, 1, 1), date(2031, 1, 2), True),
    ],
)
def test_clinical_record_expired(last_treatment, born, today, expired):
    assert retention.clinical_record_expired(last_treatment, born, today) is expired


@pytest.mark.parametrize(
    ("age", "keep", "past"),
    [
        (timedelta(days=90), retention.OUTBOX_KEEP, False),  # exactly on the boundary: kept
        (timedelta(days=90, seconds=1), retention.OUTBOX_KEEP, True),
        (timedelta(days=30), retention.STAFF_SESSION_KEEP, False),
        (timedelta(days=31), retention.STAFF_SESSION_KEEP, True),
        (timedelta(days=365), retention.CALL_REQUEST_KEEP, False),
        (timedelta(days=366), retention.CALL_REQUEST_KEEP, True),
    ],
)
def test_past_keeping(age, keep, past):
    assert retention.past_keeping(DEFAULT_NOW - age, keep, DEFAULT_NOW) is past


# --- The purge ----------------------------------------------------------------------------------

DAY = timedelta(days=1)


def _clinical_record(
    name: str,
    *,
    treated: datetime | None,
    intake_at: datetime,
    born: str | None = None,
    status: BookingStatus = BookingStatus.ATTENDED,
) -> int:
    # Made when they first got in touch (the row's own clock would say "today").
    client = make_client(name=name, created_at=min(filter(None, [intake_at, treated])))
    answers = (
        {"about": {"name": name, "date_of_birth": born}} if born else {"about": {"name": name}}
    )
    intake = add_intake(client, answers, submitted_at=intake_at)
    intake.created_at = intake_at
    make_consent(client.id, intake.id, signed_name=name, given_at=intake_at)
    if treated is not None:
        booking = make_booking(client=client, start_utc=treated, status=status)
    if treated is not None and status == BookingStatus.ATTENDED:
        db.session.add(
            SessionNote(booking_id=booking.id, note_encrypted=cipher().encrypt({"n": "x"}))
        )
        # The change agreed for that session goes with the clinical record.
        db.session.add(
            SessionAdjustment(
                booking_id=booking.id, direction="same", hands_on_minutes=30, pressure=2
            )
        )
        db.session.flush()
        db.session.scalars(select(SessionNote)).all()[-1].created_at = treated
    db.session.flush()
    return client.id


def _message(key: str, **times) -> OutboxMessage:
    return OutboxMessage(
        dedupe_key=key,
        kind="client_confirmation",
        recipient="ann@example.com",
        subject="Booked",
        text_body="",
        html_body="",
        message_id=f"<{key}@booking>",
        due_at=DEFAULT_NOW - timedelta(days=200),
        next_attempt_at=DEFAULT_NOW - timedelta(days=200),
        **times,
    )


@pytest.fixture
def records(app):
    """Clients, messages, sign-ins and call requests on both sides of each keeping time."""
    staff_id = add_staff_member(app, StaffRole.RECEPTION)
    now = DEFAULT_NOW  # Saturday 21 November 2026
    seven_years = datetime(2019, 11, 21, 10, 0, tzinfo=UTC)
    with app.app_context():
        ids = {
            "expired": _clinical_record(
                "Past Keeping", treated=seven_years - DAY, intake_at=seven_years - 30 * DAY
            ),
            "boundary": _clinical_record(
                "On The Day", treated=seven_years, intake_at=seven_years - 30 * DAY
            ),
            "minor": _clinical_record(
                "Young Client",
                treated=datetime(2015, 6, 1, 10, tzinfo=UTC),
                intake_at=datetime(2015, 5, 1, tzinfo=UTC),
                born="2005-06-01",
            ),
            "never_treated": _clinical_record(
                "Never Came", treated=None, intake_at=seven_years - DAY
            ),
            "cancelled_only": _clinical_record(
                "Only Cancelled",
                treated=seven_years + 400 * DAY,
                intake_at=seven_years - DAY,
                status=BookingStatus.CANCELLED,
            ),
            "returning": _clinical_record(
                "Back Again", treated=seven_years - 400 * DAY, intake_at=now - 7 * DAY
            ),
        }
        db.session.add_all(
            [
                _message("old-sent", sent_at=now - 91 * DAY),
                _message("old-failed", failed_at=now - 100 * DAY),
                _message("old-dropped", dropped_at=now - 95 * DAY),
                _message("recent-sent", sent_at=now - 89 * DAY),
                _message("waiting"),  # never sent yet: kept however old
                StaffSession(
                    token_hash="a" * 64,
                    staff_user_id=staff_id,
                    started_at=now - 40 * DAY,
                    last_seen_at=now - 40 * DAY,
                    ended_at=now - 31 * DAY,
                    end_reason="signed_out",
                ),
                StaffSession(
                    token_hash="b" * 64,
                    staff_user_id=staff_id,
                    started_at=now - 40 * DAY,
                    last_seen_at=now - 40 * DAY,  # never signed out: long timed out
                ),
                StaffSession(
                    token_hash="c" * 64,
                    staff_user_id=staff_id,
                    started_at=now - 29 * DAY,
                    last_seen_at=now - 29 * DAY,
                    ended_at=now - 29 * DAY,
                    end_reason="idle",
                ),
                CallRequest(name="Old Call", phone="1", handled_at=now - 366 * DAY),
                CallRequest(name="Recent Call", phone="2", handled_at=now - 364 * DAY),
                CallRequest(name="Waiting Call", phone="3", created_at=now - 800 * DAY),
            ]
        )
        audit.record(
            audit.SYSTEM_ACTOR,
            AuditAction.VIEWED_INTAKE,
            now - 3000 * DAY,
            client_id=ids["expired"],
        )
        db.session.commit()
    return ids


def _clients_with_intakes(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Intake.client_id)))


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


EXPECTED = {
    "clients": 3,
    "intakes": 3,
    "consents": 3,
    "session_notes": 1,
    "session_adjustments": 1,
    "messages": 3,
    "staff_sessions": 2,
    "call_requests": 1,
    "client_records": 2,  # "expired" and "never_treated": no contact for seven years
}


def test_purge_removes_only_what_is_past_its_keeping_time(app, records):
    with app.app_context():
        report = purge_expired(DEFAULT_NOW)
    assert {name: getattr(report, name) for name in EXPECTED} == EXPECTED
    kept = {records[name] for name in ("boundary", "minor", "returning")}
    assert _clients_with_intakes(app) == kept
    with app.app_context():
        assert set(db.session.scalars(select(Consent.client_id))) == kept
        assert set(db.session.scalars(select(OutboxMessage.dedupe_key))) == {
            "recent-sent",
            "waiting",
        }
        assert set(db.session.scalars(select(StaffSession.token_hash))) == {"c" * 64}
        assert set(db.session.scalars(select(CallRequest.name))) == {"Recent Call", "Waiting Call"}
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert _count(app, SessionNote) == 3  # the kept clients' records
    assert _count(app, SessionAdjustment) == 3
    # The audit trail keeps its old event and gains one, with counts only.
    assert [event.action for event in events] == [
        AuditAction.VIEWED_INTAKE,
        AuditAction.ERASED_CLIENT,
        AuditAction.ERASED_CLIENT,
        AuditAction.PURGED_RECORDS,
    ]
    assert {event.client_id for event in events[1:3]} == {
        records["expired"],
        records["never_treated"],
    }
    assert events[-1].actor == "system" and events[-1].client_id is None
    assert events[-1].detail == (
        "clients: 3, intakes: 3, consents: 3, session notes: 1, session adjustments: 1, "
        "messages: 3, "
        "staff sessions: 2, call requests: 1, client records: 2"
    )
    # A second run finds nothing more.
    with app.app_context():
        again = purge_expired(DEFAULT_NOW)
    assert [count for _, count in again.lines()] == [0] * 9


def test_the_boundary_client_goes_the_next_day(app, records):
    with app.app_context():
        purge_expired(DEFAULT_NOW + DAY)
    assert records["boundary"] not in _clients_with_intakes(app)
    assert records["minor"] in _clients_with_intakes(app)


def test_a_dry_run_counts_and_removes_nothing(app, runner, records):
    before = {model: _count(app, model) for model in (Intake, OutboxMessage, AuditEvent)}
    result = runner.invoke(args=["purge-expired", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would remove (dry run, nothing removed):" in result.output
    assert "Intake questionnaires: 3" in result.output
    assert "Sent, failed or dropped messages older than 90 days: 3" in result.output
    assert {model: _count(app, model) for model in before} == before


def test_the_command_prints_what_it_removed(app, runner, records):
    result = runner.invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    assert "Removed:" in result.output
    assert "Clients whose clinical records were past keeping: 3" in result.output
    assert "Ended staff sign-ins older than 30 days: 2" in result.output
    assert "Call requests handled more than a year ago: 1" in result.output
    assert _count(app, Intake) == 3


def test_purging_an_empty_database_is_calm(app, runner):
    result = runner.invoke(args=["purge-expired"])
    assert result.exit_code == 0
    assert "Intake questionnaires: 0" in result.output


# --- The client's own record ----------------------------------------------------------------------


def _names(app) -> dict[int, str]:
    with app.app_context():
        return dict(db.session.execute(select(Client.id, Client.name)).all())


def test_a_client_with_no_contact_for_seven_years_becomes_a_tombstone(app, records):
    with app.app_context():
        bookings_before = db.session.scalar(select(func.count()).select_from(Booking))
        purge_expired(DEFAULT_NOW)
        erased = db.session.get(Client, records["expired"])
        assert erased.erased_at == DEFAULT_NOW
        assert (erased.name, erased.email, erased.phone) == (TOMBSTONE_NAME, None, None)
        # Their session stays in the diary, anonymous: the counts stay true.
        assert db.session.scalar(select(func.count()).select_from(Booking)) == bookings_before
    names = _names(app)
    assert "Past Keeping" not in names.values() and "Never Came" not in names.values()
    # Kept: the last session was seven years ago today; a minor; a cancelled booking six years
    # ago; a questionnaire last week.
    for kept in ("boundary", "minor", "cancelled_only", "returning"):
        assert names[records[kept]] != TOMBSTONE_NAME, kept


def test_the_minor_s_record_is_kept_until_seven_years_after_they_turn_18(app, records):
    with app.app_context():
        purge_expired(datetime(2030, 6, 1, 12, tzinfo=UTC))  # their 25th birthday: kept
        assert db.session.get(Client, records["minor"]).erased_at is None
        purge_expired(datetime(2030, 6, 2, 12, tzinfo=UTC))
        assert db.session.get(Client, records["minor"]).erased_at is not None


def test_a_new_client_with_nothing_yet_is_kept(app):
    with app.app_context():
        fresh = make_client(name="Just Asked", created_at=DEFAULT_NOW - DAY).id
        old = make_client(name="Long Gone", created_at=DEFAULT_NOW - 8 * 365 * DAY).id
        db.session.commit()
        report = purge_expired(DEFAULT_NOW)
    assert report.client_records == 1
    names = _names(app)
    assert names[fresh] == "Just Asked" and names[old] == TOMBSTONE_NAME


def test_a_session_to_come_keeps_an_old_client(app):
    with app.app_context():
        client = make_client(name="Booked Far Ahead", created_at=DEFAULT_NOW - 8 * 365 * DAY)
        make_booking(client=client, start_utc=DEFAULT_NOW + 30 * DAY)
        db.session.commit()
        assert clients_past_keeping(DEFAULT_NOW, ZoneInfo("Europe/London")) == []
        assert purge_expired(DEFAULT_NOW).client_records == 0


def test_a_dry_run_names_the_clients_it_would_erase(app, runner, records):
    result = runner.invoke(args=["purge-expired", "--dry-run"])
    assert "Clients erased: no contact for 7 years and no session to come: 2" in result.output
    assert "Past Keeping" in _names(app).values()
