"""Erasing a client: their details go, their sessions stay as anonymous rows, and nothing of
them is left anywhere in the database, on disk included."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from booking.domain.audit import AuditAction
from booking.domain.feed import feed_summary
from booking.domain.statuses import BookingStatus, StaffRole
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
)
from booking.services.messaging import feeds
from booking.services.privacy.erasure import TOMBSTONE_NAME, ErasureRefused, erase_client
from booking.services.staff import audit
from tests.support import DEFAULT_NOW
from tests.support.browser import (
    axe_violations,
    sign_in_by_keyboard,
    small_targets,
    tab_and_follow,
    tab_and_press,
)
from tests.support.pages import text_of
from tests.support.privacy import (
    CARER_NAME,
    EMAIL,
    NAME,
    PERSONAL,
    PREFERRED,
    cancel,
    client_with_everything,
)
from tests.support.staff import add_staff_member, page_token, signed_in_client


@pytest.fixture
def on_file(app):
    with app.app_context():
        return client_with_everything()


def _raw_dump(app) -> str:
    """Everything the database holds, as text: every row of every table on PostgreSQL; the
    bytes of the database file and its write-ahead log on SQLite (free pages included)."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                return "\n".join(
                    row
                    for table in db.metadata.sorted_tables
                    for row in connection.scalars(
                        text(f"SELECT row_to_json(t)::text FROM {table.name} AS t")
                    )
                )
        path = Path(db.engine.url.database)
        files = [path, path.with_name(path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists()).decode("latin-1")


def _found(dump: str) -> list[str]:
    return [detail for detail in PERSONAL if detail in dump]


def _erase(app, client_id: int):
    with app.app_context():
        return erase_client(client_id, audit.SYSTEM_ACTOR, DEFAULT_NOW)


def test_nothing_personal_is_left_anywhere_after_erasure(app, on_file):
    before = _raw_dump(app)
    # The clear-text details are there to find (health answers and records are encrypted).
    assert {NAME, EMAIL, CARER_NAME} <= set(_found(before))
    with app.app_context():
        cancel(on_file.coming_id)
    report = _erase(app, on_file.client_id)
    assert report is not None
    assert _found(_raw_dump(app)) == []


def test_sqlite_overwrites_deleted_rows_on_every_connection(app):
    """Some builds default to it (Debian's does), others leave deleted rows in free pages."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL keeps dead rows out of reach of SQL; autovacuum reclaims them")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_erasure_keeps_the_sessions_as_anonymous_rows(app, on_file):
    with app.app_context():
        cancel(on_file.coming_id)
        bookings = db.session.scalar(select(func.count()).select_from(Booking))
    report = _erase(app, on_file.client_id)
    assert (report.intakes, report.consents, report.session_records) == (1, 2, 1)
    assert (report.agreed_changes, report.messages, report.call_requests) == (1, 3, 1)
    assert report.bookings_kept_anonymous == 3
    with app.app_context():
        client = db.session.get(Client, on_file.client_id)
        assert client.name == TOMBSTONE_NAME and client.erased_at == DEFAULT_NOW
        assert [client.preferred_name, client.email, client.phone, client.carer_name] == [None] * 4
        assert [client.carer_email, client.carer_phone, client.carer_relationship] == [None] * 3
        assert db.session.scalar(select(func.count()).select_from(Booking)) == bookings
        attended = db.session.get(Booking, on_file.attended_id)
        assert attended.status == BookingStatus.ATTENDED  # the diary and the counts stay true
        assert attended.checkin_answer is None and attended.followup_answer is None
        assert attended.manage_token_hash is None  # no link opens it any more
        for model in (
            Intake,
            Consent,
            SessionNote,
            SessionAdjustment,
            OutboxMessage,
            CallRequest,
        ):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model


def test_the_therapist_s_calendar_feed_shows_the_session_without_a_name(app, client, on_file):
    with app.app_context():
        cancel(on_file.coming_id)
        practitioner_id = db.session.get(Booking, on_file.attended_id).practitioner_id
        token = feeds.rotate_feed_token(practitioner_id)
    before = client.get(f"/feeds/{token}.ics").get_data(as_text=True)
    assert feed_summary("Gentle first session", PREFERRED) in before
    _erase(app, on_file.client_id)
    after = client.get(f"/feeds/{token}.ics").get_data(as_text=True)
    # Still in the calendar, with no name.
    assert feed_summary("Gentle first session", TOMBSTONE_NAME) in after
    assert _found(after) == []


def test_the_audit_event_holds_ids_and_counts_only(app, on_file):
    with app.app_context():
        cancel(on_file.coming_id)
    _erase(app, on_file.client_id)
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.ERASED_CLIENT)
        ).one()
        assert event.client_id == on_file.client_id and event.actor == "system"
        assert event.detail == (
            "intakes: 1, consents: 2, session records: 1, agreed changes: 1, messages: 3, "
            "call requests: 1, bookings kept anonymous: 3, waiting list places: 0"
        )
        # The earlier entries about them stay: the trail is append-only.
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2


def test_erasure_is_refused_while_a_session_is_to_come(app, on_file):
    with app.app_context(), pytest.raises(ErasureRefused) as refused:
        erase_client(on_file.client_id, audit.SYSTEM_ACTOR, DEFAULT_NOW)
    assert "They have a session on Tuesday 24 November 2026 at 10:00" in refused.value.reason
    with app.app_context():
        assert db.session.get(Client, on_file.client_id).name == NAME
        assert db.session.scalar(select(func.count()).select_from(Intake)) == 1


def test_an_erased_client_cannot_be_erased_again(app, on_file):
    with app.app_context():
        cancel(on_file.coming_id)
    _erase(app, on_file.client_id)
    with app.app_context(), pytest.raises(ErasureRefused, match="already erased on 21 November"):
        erase_client(on_file.client_id, audit.SYSTEM_ACTOR, DEFAULT_NOW)


# --- The command ----------------------------------------------------------------------------------


def test_the_command_refuses_with_the_reason_and_a_non_zero_exit(app, runner, on_file):
    result = runner.invoke(args=["client-erase", EMAIL, "--yes"])
    assert result.exit_code != 0
    assert "Not erased: They have a session on Tuesday 24 November 2026" in result.output
    with app.app_context():
        assert db.session.get(Client, on_file.client_id).name == NAME


def test_the_command_asks_for_yes(app, runner, on_file):
    with app.app_context():
        cancel(on_file.coming_id)
    result = runner.invoke(args=["client-erase", str(on_file.client_id)])
    assert result.exit_code != 0 and "run again with --yes" in result.output
    with app.app_context():
        assert db.session.get(Client, on_file.client_id).name == NAME


def test_the_command_erases_by_email(app, runner, on_file):
    with app.app_context():
        cancel(on_file.coming_id)
    result = runner.invoke(args=["client-erase", EMAIL.upper(), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Erased client {on_file.client_id}: intakes: 1" in result.output
    assert NAME not in result.output
    with app.app_context():
        assert db.session.get(Client, on_file.client_id).erased_at == DEFAULT_NOW


@pytest.mark.parametrize(
    ("reference", "words"),
    [("999999", "No client has the id 999999"), ("nobody@example.org", "No client has the email")],
)
def test_the_command_names_a_client_it_cannot_find(app, runner, reference, words):
    result = runner.invoke(args=["client-erase", reference, "--yes"])
    assert result.exit_code != 0 and words in result.output


# --- On the dashboard -----------------------------------------------------------------------------


def test_admin_sees_why_erasure_must_wait(app, on_file):
    admin = signed_in_client(app, StaffRole.ADMIN)
    page = admin.get(f"/dashboard/clients/{on_file.client_id}/erase")
    words = text_of(page)
    assert "Not possible yet" in words and "Cancel it (or every coming session) first" in words
    assert 'name="confirm"' not in page.get_data(as_text=True)
    # A form sent anyway (from a page opened earlier) changes nothing and says why.
    sent = admin.post(
        f"/dashboard/clients/{on_file.client_id}/erase",
        data={"csrf_token": page_token(admin), "confirm": "y"},
    )
    assert sent.status_code == 303
    again = text_of(admin.get(sent.headers["Location"]))
    assert "Not erased. They have a session on Tuesday 24 November 2026" in again
    with app.app_context():
        assert db.session.get(Client, on_file.client_id).name == NAME


def test_admin_must_tick_the_box(app, on_file):
    with app.app_context():
        cancel(on_file.coming_id)
    admin = signed_in_client(app, StaffRole.ADMIN)
    response = admin.post(
        f"/dashboard/clients/{on_file.client_id}/erase", data={"csrf_token": page_token(admin)}
    )
    assert response.status_code == 422
    assert "Please tick the box to confirm the erasure." in text_of(response)
    with app.app_context():
        assert db.session.get(Client, on_file.client_id).name == NAME


def test_admin_erases_a_client_from_their_page(app, on_file):
    with app.app_context():
        cancel(on_file.coming_id)
    admin = signed_in_client(app, StaffRole.ADMIN)
    page = text_of(admin.get(f"/dashboard/clients/{on_file.client_id}"))
    assert f"Erase {PREFERRED}'s details" in page
    response = admin.post(
        f"/dashboard/clients/{on_file.client_id}/erase",
        data={"csrf_token": page_token(admin), "confirm": "y"},
    )
    assert response.status_code == 303
    words = text_of(admin.get(response.headers["Location"]))
    assert "Erased: 1 questionnaires, 1 session records and 3 messages deleted" in words
    assert "personal details were erased on" in words
    assert NAME not in words and EMAIL not in words
    assert "Erase" not in words.replace("Erased", "")  # no second erasure, no export of nothing
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.ERASED_CLIENT)
        ).one()
        assert event.actor == "admin@practice.test"


# --- In a real browser: readable, by keyboard, at any width, light or dark ------------------------


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_client_page_and_the_erasure_page_pass_axe(
    app, browser, live_server, on_file, scheme, width
):
    add_staff_member(app, StaffRole.ADMIN)
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server + f"/dashboard/clients/{on_file.client_id}")
    sign_in_by_keyboard(page, StaffRole.ADMIN)
    assert page.inner_text("main h2 >> nth=-1") == "Their data rights"
    assert axe_violations(page) == []
    assert small_targets(page) == []
    tab_and_follow(page, f"Erase {PREFERRED}'s details…")
    assert page.inner_text("h1") == f"Erase {PREFERRED}'s details"
    assert "Not possible yet" in page.inner_text("main")
    assert axe_violations(page) == []
    with app.app_context():
        cancel(on_file.coming_id)
    page.reload()
    assert axe_violations(page) == []
    assert small_targets(page) == []
    tab_and_follow(page, f"Erase {PREFERRED}'s details")  # not ticked: the error, by the box
    assert "Please tick the box to confirm the erasure." in page.inner_text("main")
    assert axe_violations(page) == []
    tab_and_press(page, "Yes, erase this client's details", "Space")
    tab_and_follow(page, f"Erase {PREFERRED}'s details")
    assert page.inner_text("h1") == TOMBSTONE_NAME
    assert axe_violations(page) == []
    context.close()


def test_no_one_can_book_for_an_erased_client(app, on_file):
    from booking.services.booking import ClientDetails, UnknownClient, book, new_manage_token

    with app.app_context():
        cancel(on_file.coming_id)
    _erase(app, on_file.client_id)
    with app.app_context():
        booking = db.session.get(Booking, on_file.coming_id)
        slug, start = booking.service.slug, booking.start_utc
        with pytest.raises(UnknownClient):
            book(slug, start, None, ClientDetails(name="x", email=None), new_manage_token(),
                 DEFAULT_NOW, client_id=on_file.client_id)  # fmt: skip
