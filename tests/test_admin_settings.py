"""Practice settings: each explained in one line, checked, audited, and really used by booking
and messages; with nothing stored, the configured defaults apply unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from booking.domain import settings as domain
from booking.domain.audit import AuditAction
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import AuditEvent, OutboxMessage, PracticeSetting, Practitioner, Service
from booking.services import booking as bookings
from booking.services.booking import ClientDetails, TooClose, availability
from booking.services.practice import settings
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client
from tests.support.browser import (
    axe_violations,
    sign_in_by_keyboard,
    small_targets,
    tab_and_follow,
    tab_and_press,
)
from tests.support.factories import make_service
from tests.support.pages import text_of
from tests.support.queries import recorded_statements
from tests.support.staff import add_staff_member, page_token, signed_in_client

CONFIG = {
    "FIRST_MONTH_MIN_GAP_DAYS": 7,
    "BOOKING_MIN_NOTICE_HOURS": 12,
    "BOOKING_MAX_ADVANCE_DAYS": 90,
    "REMINDER_LOCAL_TIME": time(10, 0),
    "FOLLOWUP_HOURS": 48,
    "INTAKE_NUDGE_DAYS": 3,
    "EMBED_ALLOWED_ORIGINS": (),
}
DEFAULTS = domain.resolve({}, CONFIG)
FORM = {
    "first_month_gap_days": "7",
    "min_notice_hours": "12",
    "max_advance_days": "90",
    "reminder_local_time": "10:00",
    "followup_hours": "48",
    "intake_nudge_days": "3",
    "default_quiet_from": "",
    "default_quiet_until": "",
    "embed_origins": "",
}


# --- Pure: reading, checking and describing values ------------------------------------------------


@pytest.mark.parametrize(
    ("key", "raw", "value"),
    [
        ("min_notice_hours", "24", 24),
        ("min_notice_hours", " 0 ", 0),
        ("max_advance_days", "365", 365),
        ("followup_hours", "12", 12),
        ("reminder_local_time", "09:30", time(9, 30)),
        ("reminder_local_time", "9:30", time(9, 30)),
        ("reminder_local_time", "9.30", time(9, 30)),
        ("reminder_local_time", "2.30pm", time(14, 30)),
        ("reminder_local_time", "12am", time(0, 0)),
        ("default_quiet_from", "", None),
        ("default_quiet_from", "21:00", time(21, 0)),
    ],
)
def test_values_people_write_are_read(key, raw, value):
    assert domain.parse(domain.BY_KEY[key], raw) == value


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("min_notice_hours", "", "Please write a whole number of hours."),
        ("min_notice_hours", "-1", "from 0 to 336"),
        ("min_notice_hours", "1.5", "from 0 to 336"),
        ("min_notice_hours", "²", "from 0 to 336"),
        ("min_notice_hours", "9" * 40, "from 0 to 336"),
        ("min_notice_hours", "337", "Please choose a number from 0 to 336."),
        ("max_advance_days", "0", "Please choose a number from 1 to 365."),
        ("followup_hours", "11", "Please choose a number from 12 to 168."),
        ("intake_nudge_days", "1", "Please choose a number from 2 to 30."),
        ("reminder_local_time", "", "Please write a time of day such as 10:00."),
        ("reminder_local_time", "25:00", "between 00:00 and 23:59"),
        ("reminder_local_time", "10:75", "between 00:00 and 23:59"),
        ("reminder_local_time", "10", "Please write the minutes too"),
        ("reminder_local_time", "13pm", "such as 09:30"),
        ("reminder_local_time", "soon", "such as 09:30"),
        ("default_quiet_until", "noonish", "such as 09:30"),
    ],
)
def test_values_that_cannot_be_used_say_why(key, raw, message):
    with pytest.raises(domain.SettingError) as problem:
        domain.parse(domain.BY_KEY[key], raw)
    assert message in str(problem.value)


def test_nothing_stored_means_the_configured_defaults():
    assert DEFAULTS.as_dict() == {
        "first_month_gap_days": 7,
        "min_notice_hours": 12,
        "max_advance_days": 90,
        "reminder_local_time": time(10, 0),
        "followup_hours": 48,
        "intake_nudge_days": 3,
        "default_quiet_from": None,
        "default_quiet_until": None,
        "embed_origins": (),
    }
    assert DEFAULTS.min_notice == timedelta(hours=12)
    assert DEFAULTS.first_month_gap == timedelta(days=7)


def test_a_stored_value_wins_and_one_that_no_longer_reads_falls_back():
    stored = {"min_notice_hours": "24", "max_advance_days": "lots", "reminder_local_time": "08:15"}
    resolved = domain.resolve(stored, CONFIG)
    assert resolved.min_notice_hours == 24
    assert resolved.max_advance_days == 90
    assert resolved.reminder_local_time == time(8, 15)


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({"min_notice_hours": 48, "max_advance_days": 2}, {"min_notice_hours"}),
        ({"min_notice_hours": 47, "max_advance_days": 2}, set()),
        ({"default_quiet_from": time(21), "default_quiet_until": None}, {"default_quiet_until"}),
        ({"default_quiet_from": None, "default_quiet_until": time(9)}, {"default_quiet_from"}),
        ({"default_quiet_from": time(9), "default_quiet_until": time(9)}, {"default_quiet_until"}),
        ({"default_quiet_from": time(21), "default_quiet_until": time(9)}, set()),
    ],
)
def test_settings_are_checked_against_each_other(values, problems):
    assert set(domain.cross_problems(values)) == problems


def test_changes_are_described_for_the_audit_trail():
    after = domain.resolve(
        {"min_notice_hours": "24", "reminder_local_time": "09:30", "default_quiet_from": "21:00"},
        CONFIG,
    )
    assert domain.changes(DEFAULTS, after) == [
        "minimum notice: 12 → 24 hours",
        "reminder time: 10:00 → 09:30",
        "default quiet hours from: none → 21:00",
    ]
    assert domain.changes(after, after) == []


def test_a_clients_own_quiet_hours_win_over_the_default():
    practice = domain.resolve(
        {"default_quiet_from": "20:00", "default_quiet_until": "09:00"}, CONFIG
    )
    assert practice.quiet_hours_for((time(22), time(11))) == (time(22), time(11))
    assert practice.quiet_hours_for((None, None)) == (time(20), time(9))
    assert DEFAULTS.quiet_hours_for((None, None)) == (None, None)


# --- The service ---------------------------------------------------------------------------------


def test_current_falls_back_to_the_apps_configuration_in_one_query(make_app, _schema):
    app = make_app(BOOKING_MIN_NOTICE_HOURS=30, REMINDER_LOCAL_TIME=time(9, 15))
    with app.app_context(), recorded_statements(app) as statements:
        in_force = settings.current()
    assert (in_force.min_notice_hours, in_force.reminder_local_time) == (30, time(9, 15))
    assert in_force.max_advance_days == 90
    assert [s for s in statements if not s.startswith("BEGIN")] == [statements[-1]]
    assert statements[-1].startswith("SELECT")


def save(app, **values) -> list[str]:
    with app.app_context():
        seen = domain.fingerprint(settings.current())
        return settings.save(values, seen, None, DEFAULT_NOW)


def test_saving_stores_only_what_changed_and_audits_it(app):
    assert save(app, min_notice_hours=24, followup_hours=48) == ["minimum notice: 12 → 24 hours"]
    assert save(app, min_notice_hours=24) == []
    with app.app_context():
        rows = db.session.scalars(select(PracticeSetting)).all()
        assert [(row.key, row.value) for row in rows] == [("min_notice_hours", "24")]
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.CHANGED_SETTINGS)
        ).all()
        assert [event.detail for event in events] == ["minimum notice: 12 → 24 hours"]
        assert settings.current().min_notice_hours == 24


def test_the_service_refuses_values_the_form_would_refuse(app):
    with pytest.raises(domain.SettingError):
        save(app, min_notice_hours=1000)
    with pytest.raises(domain.SettingError):
        save(app, default_quiet_from=time(21))
    with app.app_context():
        assert db.session.scalars(select(PracticeSetting)).all() == []


# --- Settings really change booking and messages ------------------------------------------------


def gentle(app) -> tuple[Service, list[Practitioner]]:
    service = db.session.scalar(select(Service).where(Service.slug == "gentle-massage"))
    return service, availability.active_practitioners()


def test_the_minimum_notice_and_advance_change_the_times_offered(app, practice):
    with app.app_context():
        service, people = gentle(app)
        page = availability.times_page(service, people, DEFAULT_NOW.date(), 7, DEFAULT_NOW)
        assert page.next_available.start == MONDAY  # Monday morning, two days ahead
        assert page.last_bookable_day == (DEFAULT_NOW + timedelta(days=90)).date()
    save(app, min_notice_hours=72, max_advance_days=5)
    with app.app_context():
        service, people = gentle(app)
        page = availability.times_page(service, people, DEFAULT_NOW.date(), 7, DEFAULT_NOW)
        assert page.next_available.start == DEFAULT_NOW + timedelta(hours=72)  # Tuesday 10am
        assert page.last_bookable_day == (DEFAULT_NOW + timedelta(days=5)).date()
        slots = availability.find_slots(
            service, people, DEFAULT_NOW, DEFAULT_NOW + timedelta(days=14), DEFAULT_NOW
        )
        assert slots and max(slot.start for slot in slots) <= DEFAULT_NOW + timedelta(days=5)


def person(n: int) -> ClientDetails:
    return ClientDetails(name=f"Client {n}", email=f"client-{n}@example.test")


def test_the_first_month_gap_changes_the_pacing(app, practice):
    with app.app_context():
        maya = db.session.scalar(select(Practitioner).where(Practitioner.name == "Maya Okafor"))
        bookings.book("first-gentle-session", MONDAY, maya.id, person(1), "t-1", DEFAULT_NOW)
        with pytest.raises(TooClose):  # the configured seven days
            bookings.book(
                "gentle-massage", MONDAY + timedelta(days=3), maya.id, person(1), "t-2", DEFAULT_NOW
            )
        maya_id = maya.id
    save(app, first_month_gap_days=2)
    with app.app_context():
        result = bookings.book(
            "gentle-massage", MONDAY + timedelta(days=3), maya_id, person(1), "t-3", DEFAULT_NOW
        )
        assert result.booking.start_utc == MONDAY + timedelta(days=3)


def due_at(app, kind: str) -> list[datetime]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(OutboxMessage.due_at)
                .where(OutboxMessage.kind == kind)
                .order_by(OutboxMessage.id)
            )
        )


def test_the_reminder_time_and_follow_up_delay_change_when_messages_go(app, practice):
    save(app, reminder_local_time=time(8, 30), followup_hours=72)
    book_as_client(app)  # Ann Smith, Monday 23 November at 10:15
    # Sunday 08:30 in London (GMT in November), and 72 hours after the 45-minute session.
    assert due_at(app, "client_reminder") == [datetime(2026, 11, 22, 8, 30, tzinfo=UTC)]
    assert due_at(app, "client_followup") == [MONDAY + timedelta(minutes=45, hours=72)]


def test_default_quiet_hours_move_reminders_for_clients_who_gave_none(app, practice):
    # Quiet from 09:00 to 11:30: the 10:00 reminder waits until 11:30, and so does the
    # follow-up, due at 11:00 two days after the session.
    save(app, default_quiet_from=time(9), default_quiet_until=time(11, 30))
    book_as_client(app)  # Ann Smith, Monday 23 November at 10:15
    assert due_at(app, "client_reminder") == [datetime(2026, 11, 22, 11, 30, tzinfo=UTC)]
    assert due_at(app, "client_followup") == [datetime(2026, 11, 25, 11, 30, tzinfo=UTC)]


def test_with_nothing_stored_messages_follow_the_configured_defaults(app, practice):
    book_as_client(app)  # Ann Smith, Monday 23 November at 10:15
    assert due_at(app, "client_reminder") == [datetime(2026, 11, 22, 10, 0, tzinfo=UTC)]
    assert due_at(app, "client_followup") == [MONDAY + timedelta(minutes=45, hours=48)]


# --- The page -------------------------------------------------------------------------------


@pytest.fixture
def admin(app):
    return signed_in_client(app, StaffRole.ADMIN)


def opened_with(client) -> str:
    body = client.get("/dashboard/settings").get_data(as_text=True)
    return body.split('name="seen" type="hidden" value="')[1].split('"')[0]


def post(client, seen: str | None = None, **values):
    data = FORM | values | {"csrf_token": page_token(client)}
    data["seen"] = opened_with(client) if seen is None else seen
    return client.post("/dashboard/settings", data=data)


def test_the_page_explains_each_setting_and_shows_the_values_in_force(app, admin):
    page = admin.get("/dashboard/settings")
    words = text_of(page)
    for definition in domain.DEFINITIONS:
        assert definition.label in words
        assert definition.explanation in words
    body = page.get_data(as_text=True)
    assert 'name="min_notice_hours" type="text" value="12"' in body
    assert 'name="reminder_local_time" type="text" value="10:00"' in body


@pytest.mark.parametrize("role", [StaffRole.RECEPTION, StaffRole.THERAPIST], ids=str)
def test_only_the_admin_changes_settings(app, role):
    staff = signed_in_client(app, role)
    assert staff.get("/dashboard/settings").status_code == 403
    refused = staff.post(
        "/dashboard/settings",
        data=FORM | {"min_notice_hours": "48", "csrf_token": page_token(staff)},
    )
    assert refused.status_code == 403
    with app.app_context():
        assert settings.current().min_notice_hours == 12


def test_saving_on_the_page(app, admin):
    response = post(
        admin, min_notice_hours="24", default_quiet_from="21:00", default_quiet_until="9am"
    )
    assert response.status_code == 303
    words = text_of(admin.get("/dashboard/settings"))
    assert "Saved: minimum notice: 12 → 24 hours; default quiet hours from: none → 21:00;" in words
    with app.app_context():
        in_force = settings.current()
        assert in_force.min_notice_hours == 24
        assert in_force.quiet_hours_for((None, None)) == (time(21), time(9))
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.CHANGED_SETTINGS)
        ).all()
        assert event.actor == "admin@practice.test"
        assert "minimum notice: 12 → 24 hours" in event.detail


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"min_notice_hours": "soon"}, "min_notice_hours", "from 0 to 336"),
        ({"min_notice_hours": "9" * 50}, "min_notice_hours", "from 0 to 336"),
        ({"max_advance_days": ""}, "max_advance_days", "Please write a whole number of days."),
        ({"reminder_local_time": "24:00"}, "reminder_local_time", "between 00:00 and 23:59"),
        ({"reminder_local_time": "10:\x0000"}, "reminder_local_time", None),
        ({"followup_hours": "2"}, "followup_hours", "from 12 to 168"),
        ({"default_quiet_from": "21:00"}, "default_quiet_until", "Please give both times"),
        (
            {"min_notice_hours": "72", "max_advance_days": "3"},
            "min_notice_hours",
            "must be shorter than how far ahead",
        ),
    ],
)
def test_bad_values_are_explained_next_to_the_field_and_nothing_typed_is_lost(
    app, admin, values, field, message
):
    response = post(admin, **(values | {"intake_nudge_days": "5"}))
    body = response.get_data(as_text=True)
    if message is None:  # a control character is simply dropped
        assert response.status_code == 303
        return
    assert response.status_code == 422
    assert f'id="{field}-error"' in body
    assert message in text_of(response)
    assert 'name="intake_nudge_days" type="text" value="5"' in body  # kept
    with app.app_context():
        assert settings.current().intake_nudge_days == 3  # nothing saved


def test_settings_changed_meanwhile_are_never_overwritten_unseen(app, admin):
    opened = opened_with(admin)
    assert post(admin, min_notice_hours="24").status_code == 303  # someone else, first
    stale = post(admin, seen=opened, max_advance_days="60")
    assert stale.status_code == 409
    words = text_of(stale)
    assert "Someone else changed the settings while you were editing them" in words
    assert "Saved now" in words and "Minimum notice for a booking, in hours 24" in words
    assert 'name="max_advance_days" type="text" value="60"' in stale.get_data(as_text=True)
    with app.app_context():
        assert settings.current().max_advance_days == 90


# --- In a real browser ---------------------------------------------------------------------------


@pytest.fixture
def live_admin(app, live_server) -> str:
    add_staff_member(app, StaffRole.ADMIN)
    with app.app_context():
        make_service(name="Gentle massage", slug="gentle-massage", first_visit=True)
        db.session.commit()
    return live_server


@pytest.mark.browser
def test_the_admin_pages_work_by_keyboard_and_pass_axe(browser, live_admin):
    page = browser.new_page()
    page.goto(live_admin + "/dashboard/settings")
    sign_in_by_keyboard(page, StaffRole.ADMIN)
    assert page.inner_text("h1") == "Practice settings"
    tab_and_press(page, "Minimum notice for a booking", "Control+A")
    page.keyboard.type("500")
    tab_and_follow(page, "Save the settings")
    assert "Please check this" in page.inner_text("main")  # the summary, then the field
    for path in ["", "/dashboard/services", "/dashboard/services/new"]:
        if path:
            page.goto(live_admin + path)
        assert axe_violations(page) == [], path or "settings with an error"
        assert small_targets(page) == [], path
    page.close()
