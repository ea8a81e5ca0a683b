"""Therapists' own calendars as busy time: read from a real local HTTP server serving calendar
files, kept on both databases, and taken out of availability at once.

The clock is frozen in March 2027, so the bookable period holds the March clock change.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from booking.extensions import db
from booking.models import AuditEvent, BusyBlock, BusyCalendar
from booking.services.booking.availability import find_slots
from booking.services.busy_calendar import addresses, sync
from booking.services.messaging import worker
from booking.services.staff import audit
from tests.support.calendar_server import CalendarServer, running_calendar_server
from tests.support.factories import make_practitioner, make_service, open_weekdays
from tests.support.queries import recorded_statements

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)  # a Monday, two weeks before the clocks change
CALENDARS = Path(__file__).parent / "support" / "calendars"
CLOCK_CHANGE = (CALENDARS / "clock_change.ics").read_bytes()  # Wednesdays 09:00-10:00 local
OWN = (CALENDARS / "own.ics").read_bytes()
SECRET = "/private-3f9a1c-do-not-share/basic.ics"


def local(day: int, month: int = 3, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def server() -> Iterator[CalendarServer]:
    yield from running_calendar_server()


@pytest.fixture
def world(app, freeze):
    """A therapist open 09:00-17:00 on weekdays, a one-hour service with no buffers, the clock
    frozen, and private addresses allowed (the server is on this machine)."""
    freeze(NOW)
    app.config.update(BUSY_CALENDAR_ALLOW_PRIVATE=True, BUSY_CALENDAR_TIMEOUT_SECONDS=2)
    with app.app_context():
        practitioner = make_practitioner(name="Maya")
        open_weekdays(practitioner)
        service = make_service(minutes=60, buffer_before_minutes=0, buffer_after_minutes=0)
        db.session.commit()
        return {"practitioner_id": practitioner.id, "service_id": service.id}


def save(app, world, url: str) -> None:
    with app.app_context():
        addresses.save_address(world["practitioner_id"], url, audit.SYSTEM_ACTOR, NOW)


def read(app, world, now: datetime = NOW) -> sync.ReadResult:
    with app.app_context():
        result = sync.read_calendar(world["practitioner_id"], now)
        assert result is not None
        return result


def blocks(app, world) -> list[tuple[datetime, datetime]]:
    with app.app_context():
        rows = db.session.execute(
            select(BusyBlock.start_utc, BusyBlock.end_utc)
            .where(BusyBlock.practitioner_id == world["practitioner_id"])
            .order_by(BusyBlock.start_utc)
        )
        return [tuple(row) for row in rows]


def row(app, world) -> BusyCalendar:
    with app.app_context():
        found = db.session.get(BusyCalendar, world["practitioner_id"])
        db.session.expunge(found)
        return found


def free_starts(app, world, day: int, month: int = 3) -> set[time]:
    """The local start times offered on a day."""
    from booking.models import Practitioner, Service

    with app.app_context():
        service = db.session.get(Service, world["service_id"])
        practitioner = db.session.get(Practitioner, world["practitioner_id"])
        start, end = local(day, month, 0), local(day, month, 0) + timedelta(days=1)
        slots = find_slots(service, [practitioner], start, end, NOW)
        return {slot.start.astimezone(LONDON).time() for slot in slots}


# --- Reading and keeping ---------------------------------------------------------------------


def test_a_weekly_event_across_the_clock_change_takes_the_same_local_hour(app, world, server):
    save(app, world, server.serve(SECRET, body=CLOCK_CHANGE))
    assert len(free_starts(app, world, 24)) >= 9 and time(9) in free_starts(app, world, 24)

    result = read(app, world)

    assert result.ok and result.changed and result.blocks == 4
    for day in (17, 24, 31):  # 31 March is after the clocks went forward
        starts = free_starts(app, world, day)
        assert time(9) not in starts and time(9, 30) not in starts
        assert time(10) in starts and time(8, 45) not in starts  # hours open at 09:00
    assert time(9) in free_starts(app, world, 25)  # a Thursday: nothing there
    assert time(9) not in free_starts(app, world, 7, 4)


def test_the_sample_calendar_busy_times_leave_the_api_too(app, world, server, client):
    save(app, world, server.serve(SECRET, body=OWN))
    read(app, world)
    with app.app_context():
        from booking.models import Service

        slug = db.session.get(Service, world["service_id"]).slug
    answer = client.get(f"/api/v1/availability?service={slug}&start=2027-03-24&end=2027-03-24")
    assert answer.status_code == 200
    starts = {datetime.fromisoformat(s["start"]) for s in answer.get_json()["slots"]}
    assert local(24, hour=10) not in starts and local(24, hour=11) not in starts
    assert local(24, hour=12) in starts
    # The whole-day event (22-23 March) leaves nothing on those days.
    assert free_starts(app, world, 22) == set() and free_starts(app, world, 23) == set()
    # The cancelled and the free event keep nothing.
    assert time(9) in free_starts(app, world, 18) and time(9) in free_starts(app, world, 19)


def test_only_start_and_end_are_kept_and_the_address_is_encrypted(app, world, server):
    url = server.serve(SECRET, body=OWN)
    save(app, world, url)
    read(app, world)
    with app.app_context():
        stored = db.session.execute(select(BusyCalendar.__table__)).mappings().one()
        kept = db.session.execute(select(BusyBlock.__table__)).mappings().all()
        trail = " ".join(e.detail for e in db.session.scalars(select(AuditEvent)))
    assert "private-3f9a1c" not in " ".join(str(v) for v in stored.values())
    assert stored["address_host"] == "127.0.0.1"
    assert set(kept[0].keys()) == {"id", "practitioner_id", "start_utc", "end_utc"}
    assert "private-3f9a1c" not in trail and "Maya" in trail


def test_an_etag_makes_the_next_read_a_not_modified(app, world, server):
    save(app, world, server.serve(SECRET, body=CLOCK_CHANGE, etag='"v1"'))
    assert read(app, world).changed
    later = NOW + timedelta(minutes=15)

    again = read(app, world, later)

    assert again.ok and again.not_modified
    assert server.asked(SECRET)[-1].get("If-None-Match") == '"v1"'
    assert len(blocks(app, world)) == 4
    assert row(app, world).last_success_at == later


def test_last_modified_is_sent_back_as_if_modified_since(app, world, server):
    stamp = "Mon, 15 Mar 2027 08:00:00 GMT"
    save(app, world, server.serve(SECRET, body=CLOCK_CHANGE, last_modified=stamp))
    read(app, world)
    assert read(app, world).not_modified
    assert server.asked(SECRET)[-1].get("If-Modified-Since") == stamp


def test_a_copy_reaching_too_little_far_is_read_in_full(app, world, server):
    save(app, world, server.serve(SECRET, body=CLOCK_CHANGE, etag='"v1"'))
    read(app, world)
    a_month_on = NOW + timedelta(days=30)  # the bookable period now reaches further

    assert not read(app, world, a_month_on).not_modified
    assert "If-None-Match" not in server.asked(SECRET)[-1]


def test_a_changed_calendar_replaces_the_blocks_at_once(app, world, server):
    save(app, world, server.serve(SECRET, body=CLOCK_CHANGE))
    read(app, world)
    server.serve(SECRET, body=OWN)

    assert read(app, world).changed

    assert time(9) in free_starts(app, world, 31)  # the swim is gone
    assert time(10) not in free_starts(app, world, 17)  # the pilates is in
    assert not read(app, world).changed  # the same file again changes nothing


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"status": 500}, "server_error"),
        ({"status": 404}, "not_found"),
        ({"body": b"<html>Please sign in</html>"}, "not_a_calendar"),
        ({"hold": True}, "timed_out"),
        ({"trickle": True}, "timed_out"),
        ({"body": b"X" * 5000}, "too_large"),
        ({"body": b"X" * 5000, "no_length": True}, "too_large"),
    ],
)
def test_a_failing_read_keeps_the_last_good_copy(app, world, server, answer, problem):
    app.config.update(BUSY_CALENDAR_MAX_BYTES=4000, BUSY_CALENDAR_TIMEOUT_SECONDS=1)
    save(app, world, server.serve(SECRET, body=CLOCK_CHANGE))
    read(app, world)
    good = blocks(app, world)
    server.serve(SECRET, **answer)
    later = NOW + timedelta(minutes=15)

    result = read(app, world, later)

    assert result.problem == problem
    assert blocks(app, world) == good
    assert time(9) not in free_starts(app, world, 24)
    kept = row(app, world)
    assert (kept.last_problem, kept.last_attempt_at, kept.last_success_at) == (problem, later, NOW)


def test_a_server_that_is_not_there_is_unreachable(app, world):
    save(app, world, "http://127.0.0.1:1/calendar.ics")  # nothing listens on port 1
    assert read(app, world).problem == "unreachable"


def test_kept_pages_are_thrown_away_only_when_the_blocks_change(app, world, server):
    from booking.models import AvailabilityVersion

    def version() -> int:
        with app.app_context():
            return db.session.get(AvailabilityVersion, 1).version

    save(app, world, server.serve(SECRET, body=CLOCK_CHANGE))
    before = version()
    read(app, world)
    after_first = version()
    read(app, world)  # the same file: the same blocks

    assert after_first > before
    assert version() == after_first


def test_redirects_are_followed_a_few_times_only(app, world, server):
    server.serve("/calendar.ics", body=CLOCK_CHANGE)
    save(app, world, server.serve(SECRET, status=302, location="/calendar.ics"))
    assert read(app, world).blocks == 4

    server.serve("/loop", status=301, location="/loop")
    save(app, world, server.url("/loop"))
    assert read(app, world).problem == "too_many_redirects"
    assert len(server.asked("/loop")) == 4  # the first ask and three redirects


def test_private_addresses_are_refused_unless_allowed(app, world, server):
    url = server.serve(SECRET, body=CLOCK_CHANGE)
    save(app, world, url)  # saved while allowed: the read checks again
    app.config.update(BUSY_CALENDAR_ALLOW_PRIVATE=False)

    assert read(app, world).problem == "refused_address"
    assert server.requests == []  # nothing reached the server

    server.serve("/hop", status=302, location=url)
    app.config.update(BUSY_CALENDAR_ALLOW_PRIVATE=True)
    save(app, world, server.url("/hop"))
    app.config.update(BUSY_CALENDAR_ALLOW_PRIVATE=False)
    assert read(app, world).problem == "refused_address"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/x.ics",
        "http://localhost/x.ics",
        "http://10.1.2.3/x.ics",
        "http://192.168.1.10/x.ics",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x.ics",
        "http://[::ffff:127.0.0.1]/x.ics",
    ],
)
def test_a_private_address_is_refused_when_saved(app, world, url):
    app.config.update(BUSY_CALENDAR_ALLOW_PRIVATE=False)
    with app.app_context(), pytest.raises(addresses.AddressError):
        addresses.save_address(world["practitioner_id"], url, audit.SYSTEM_ACTOR, NOW)


def test_removing_the_address_frees_the_time(app, world, server):
    save(app, world, server.serve(SECRET, body=CLOCK_CHANGE))
    read(app, world)
    with app.app_context():
        assert addresses.remove_address(world["practitioner_id"], audit.SYSTEM_ACTOR, NOW)
    assert blocks(app, world) == []
    assert time(9) in free_starts(app, world, 24)


def test_free_times_take_no_extra_query_for_busy_blocks(app, world, server):
    from booking.models import Practitioner, Service

    def statements() -> int:
        with app.app_context():
            service = db.session.get(Service, world["service_id"])
            practitioner = db.session.get(Practitioner, world["practitioner_id"])
            with recorded_statements(app) as sent:
                find_slots(service, [practitioner], local(15, hour=0), local(15, 5, 0), NOW)
            return len(sent)

    before = statements()
    save(app, world, server.serve(SECRET, body=OWN))
    read(app, world)
    assert statements() == before


# --- The worker and the command line ----------------------------------------------------------


def test_the_worker_reads_what_is_due_and_what_was_asked_for(app, world, server):
    save(app, world, server.serve(SECRET, body=CLOCK_CHANGE))
    with app.app_context():
        worker.read_own_calendars(NOW)  # saving asked for a read
    assert len(server.asked(SECRET)) == 1
    with app.app_context():
        worker.read_own_calendars(NOW + timedelta(minutes=5))  # not due yet
    assert len(server.asked(SECRET)) == 1
    with app.app_context():
        addresses.request_read(world["practitioner_id"], NOW + timedelta(minutes=6))
        worker.read_own_calendars(NOW + timedelta(minutes=6))  # "Read it now"
        worker.read_own_calendars(NOW + timedelta(minutes=22))  # 15 minutes on
    assert len(server.asked(SECRET)) == 3


def test_the_commands_set_and_sync_without_printing_the_address(app, world, server, runner):
    url = server.serve(SECRET, body=CLOCK_CHANGE)
    pid = world["practitioner_id"]

    saved = runner.invoke(args=["busy-calendar", "set", str(pid), url])
    synced = runner.invoke(args=["busy-calendar", "sync"])

    assert saved.exit_code == 0, saved.output
    assert synced.exit_code == 0, synced.output
    assert "Maya" in synced.output and "4 busy stretches" in synced.output
    assert "private-3f9a1c" not in saved.output + synced.output
    assert len(blocks(app, world)) == 4

    server.serve(SECRET, status=500)
    failed = runner.invoke(args=["busy-calendar", "sync"])
    assert failed.exit_code == 1
    assert "last good copy stays in use" in failed.output
    assert len(blocks(app, world)) == 4

    cleared = runner.invoke(args=["busy-calendar", "clear", str(pid)])
    assert cleared.exit_code == 0 and blocks(app, world) == []


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["set", "1", "calendar.google.com/x.ics"], "starting with https://"),
        (["set", "999", "https://calendar.example.test/x.ics"], "No therapist has the id 999"),
    ],
)
def test_the_set_command_says_what_is_wrong(app, world, runner, args, said):
    result = runner.invoke(args=["busy-calendar", *args])
    assert result.exit_code != 0
    assert said in result.output


# --- The diary ---------------------------------------------------------------------------------


def test_the_diary_shows_busy_time_without_titles(app, world, server):
    from booking.domain.statuses import StaffRole
    from tests.support.pages import text_of
    from tests.support.staff import signed_in_client

    save(app, world, server.serve(SECRET, body=OWN))
    read(app, world)
    reception = signed_in_client(app, StaffRole.RECEPTION)

    page = reception.get("/dashboard/diary?view=day&date=2027-03-24")

    words = text_of(page)
    assert "Busy (own calendar)" in words
    for private in ("Pilates", "Sam", "physio", "weekly-pilates"):
        assert private not in page.get_data(as_text=True)
    away = text_of(reception.get("/dashboard/diary?view=day&date=2027-03-22"))
    assert "Busy (own calendar)" in away and "All day" in away


# --- The desk's override -----------------------------------------------------------------------


def test_the_desk_override_warns_when_the_own_calendar_is_busy(app, practice):
    import re

    from booking.domain.statuses import StaffRole
    from tests.support.desk import book_outside_hours, maya_id
    from tests.support.pages import text_of
    from tests.support.staff import signed_in_client

    maya = maya_id(app)
    evening = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # Monday, GMT
    with app.app_context():
        addresses.save_address(maya, "https://cal.example.test/x.ics", audit.SYSTEM_ACTOR, NOW)
        db.session.add(
            BusyBlock(practitioner_id=maya, start_utc=evening, end_utc=evening + timedelta(hours=1))
        )
        db.session.commit()
    desk = signed_in_client(app, StaffRole.RECEPTION)

    warned = book_outside_hours(desk, app, "18:30", "only free after work")

    assert warned.status_code == 409
    assert "own calendar shows them busy at that time" in text_of(warned)
    seen = re.search(
        r'name="busy_seen" type="hidden" value="([^"]+)"', warned.get_data(as_text=True)
    )
    assert seen is not None
    booked = book_outside_hours(desk, app, "18:30", "only free after work", busy_seen=seen[1])
    assert booked.status_code == 303
    # A time clear of the busy block is booked at once.
    clear = book_outside_hours(desk, app, "20:00", "late", name="Bo Late", phone="07700 900789")
    assert clear.status_code == 303
