"""Working out free times takes a few queries, however big the diary.

The times page and the slot search load each kind of row (weekly hours, openings, closures,
bookings) once for the whole period and every practitioner, never once per day, per
practitioner or per booking. Doubling every kind of row must not add a single statement.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Practitioner, Service
from booking.services.booking import availability
from tests.support import DEFAULT_NOW
from tests.support.factories import (
    make_booking,
    make_client,
    make_closure,
    make_opening,
    make_practitioner,
    make_service,
    make_weekly_hours,
)
from tests.support.queries import recorded_statements

NOW = DEFAULT_NOW
MAX_STATEMENTS = 6
DAYS = 91  # the whole bookable period, 90 days and the part-day at its end


def build_diary(group: str, practitioners: int, bookings_each: int) -> None:
    """A group of practitioners with two windows a weekday in changing periods, one-off
    openings, their own closures and many bookings (some cancelled), all over the 90 days."""
    service = db.session.scalar(select(Service).where(Service.slug == "gentle"))
    short = db.session.scalar(select(Service).where(Service.slug == "short"))
    clients = [make_client() for _ in range(10)]
    for p in range(practitioners):
        person = make_practitioner(name=f"{group} {p:02d}")
        for weekday in range(6):
            for valid_from, valid_to in [
                (date(2026, 9, 1), date(2026, 12, 31)),
                (date(2027, 1, 1), None),
            ]:
                for start, end in [(time(9, 0), time(12, 30)), (time(13, 30), time(18, 0))]:
                    make_weekly_hours(
                        person,
                        weekday=weekday,
                        start_local=start,
                        end_local=end,
                        valid_from=valid_from,
                        valid_to=valid_to,
                    )
        for week in range(12):  # a Sunday morning most weeks
            sunday = datetime(2026, 11, 22, 9, 0, tzinfo=UTC) + timedelta(weeks=week)
            make_opening(person, sunday, sunday + timedelta(hours=3))
        for week in range(0, 12, 3):  # a day off every third week
            day_off = datetime(2026, 11, 25, 0, 0, tzinfo=UTC) + timedelta(weeks=week, days=p)
            make_closure(day_off, day_off + timedelta(days=1), practitioner=person, reason="off")
        for n in range(bookings_each):  # spread over the period, a few hours apart
            start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC) + timedelta(hours=9 * n)
            make_booking(
                practitioner=person,
                service=service if n % 2 else short,
                client=clients[n % len(clients)],
                start_utc=start,
                status=BookingStatus.CANCELLED if n % 5 == 0 else BookingStatus.CONFIRMED,
            )


def practice(small: int, large: int) -> None:
    """Two groups of therapists, the second with twice of everything; shared closures."""
    make_service(slug="gentle", minutes=60)
    make_service(slug="short", minutes=30)
    build_diary("Small", practitioners=small, bookings_each=60)
    build_diary("Large", practitioners=large, bookings_each=120)
    for n in range(10):  # whole-practice closures
        start = datetime(2026, 12, 7, 0, 0, tzinfo=UTC) + timedelta(days=7 * n + n % 5)
        make_closure(start, start + timedelta(days=1), reason=f"closed {n}")
    db.session.commit()


def load_choices(group: str) -> tuple[Service, list[Practitioner]]:
    """What a request has loaded before it asks for times: the service and the therapists."""
    service = db.session.scalar(select(Service).where(Service.slug == "gentle"))
    everyone = availability.active_practitioners()
    return service, [p for p in everyone if p.name.startswith(group)]


def count_for(group: str) -> dict[str, object]:
    """Statements used, and some of what was computed, for one group of therapists."""
    db.session.rollback()  # a fresh read, as a new request would make
    service, practitioners = load_choices(group)
    start = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)
    with recorded_statements(current_app) as page_statements:
        page = availability.times_page(service, practitioners, date(2026, 11, 21), DAYS, NOW)
    with recorded_statements(current_app) as slot_statements:
        slots = availability.find_slots(
            service, practitioners, start, start + timedelta(days=DAYS), NOW
        )
    with recorded_statements(current_app) as one_statements:
        one = availability.find_slots(
            service, practitioners[:1], start, start + timedelta(days=DAYS), NOW
        )
    assert_respects_bookings(slots, service)
    return {
        "practitioners": len(practitioners),
        "page": len(page_statements),
        "slots": len(slot_statements),
        "one practitioner": len(one_statements),
        "slot count": len(slots),
        "one practitioner's slot count": len(one),
        "days shown": len(page.days),
        "empty days": sum(1 for day in page.days if day.empty is not None),
    }


def assert_respects_bookings(slots, service: Service) -> None:
    """The work is real: slots exist and none runs into a live booking (buffers included)."""
    assert slots
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for practitioner_id, blocked_from, blocked_until in db.session.execute(
        select(Booking.practitioner_id, Booking.blocked_from_utc, Booking.blocked_until_utc).where(
            Booking.status != BookingStatus.CANCELLED
        )
    ):
        busy.setdefault(practitioner_id, []).append((blocked_from, blocked_until))
    shape = availability.session_shape(service)
    for slot in slots:
        blocked = shape.blocked(slot.start)
        for practitioner_id in slot.practitioner_ids:
            for other_from, other_until in busy.get(practitioner_id, []):
                assert not (blocked.start < other_until and other_from < blocked.end)


def test_free_times_take_a_few_queries_whatever_the_size_of_the_diary(app):
    with app.app_context():
        practice(small=3, large=6)
        small = count_for("Small")
        large = count_for("Large")

    assert (small["practitioners"], large["practitioners"]) == (3, 6)
    for result in (small, large):
        assert result["page"] <= MAX_STATEMENTS, result
        assert result["slots"] <= MAX_STATEMENTS, result
        assert result["one practitioner"] <= MAX_STATEMENTS, result
        assert result["days shown"] == DAYS
        assert 0 < result["empty days"] < DAYS, result
        assert result["one practitioner's slot count"] > 0
    for kind in ("page", "slots", "one practitioner"):
        assert large[kind] == small[kind], (kind, small, large)


def test_free_times_for_a_service_take_three_queries_in_all(app):
    """The API's answer: the service, the therapists, then one query for everything that
    decides free time (hours, openings, closures, bookings and the practice settings)."""
    from booking.api.lookups import free_slots

    with app.app_context():
        practice(small=3, large=6)
        db.session.rollback()
        with recorded_statements(current_app) as statements:
            slots = free_slots("gentle", date(2026, 11, 21), date(2027, 2, 19), None, NOW)
        service, practitioners = load_choices("Large")
        start = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)
        with recorded_statements(current_app) as find_statements:
            availability.find_slots(
                service, practitioners, start, start + timedelta(days=DAYS), NOW
            )

    def queries(statements: list[str]) -> list[str]:
        return [s for s in statements if not s.startswith("BEGIN")]  # SQLite's own

    assert len(slots) > 100
    assert len(queries(statements)) <= 3, statements
    assert len(queries(find_statements)) == 1, find_statements


def whole_period_page(service, practitioners, first_day: date, days: int) -> list[tuple]:
    """The times page worked out the slow way: every slot of the bookable period at once."""
    zone = availability.practice_zone()
    window = availability.booking_window()
    start, _ = availability.local_day_bounds(NOW.astimezone(zone).date(), zone)
    end = window.latest(NOW) + timedelta(days=1)
    slots = availability.find_slots(service, practitioners, start, end, NOW)
    by_day: dict[date, list] = {}
    for slot in slots:
        by_day.setdefault(slot.start.astimezone(zone).date(), []).append(slot)
    rows = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day in by_day:
            rows.append((day, tuple(s.start for s in by_day[day]), None))
        else:
            nearest = min(by_day, key=lambda d: (abs(d - day), d), default=None)
            rows.append((day, (), nearest))
    return [slots[0] if slots else None, *rows]


def page_rows(page) -> list[tuple]:
    rows = [
        (day.day, tuple(s.start for _, slots in day.groups for s in slots), day.nearest_free_day)
        for day in page.days
    ]
    return [page.next_available, *rows]


def test_the_times_page_shows_what_the_whole_period_would(app):
    """Working out only the days shown (and as far as an empty day's nearest free day)
    gives the same page as working out all 90 days."""
    with app.app_context():
        practice(small=1, large=2)
        # Three weeks with nothing free for the small group: nearest free days lie outside.
        small = [p for p in availability.active_practitioners() if p.name.startswith("Small")]
        make_closure(
            datetime(2026, 12, 20, tzinfo=UTC), datetime(2027, 1, 11, tzinfo=UTC),
            practitioner=small[0], reason="away",
        )  # fmt: skip
        db.session.commit()
        for group in ("Small", "Large"):
            for first_day in (
                date(2026, 11, 21), date(2026, 12, 24), date(2027, 1, 2),
                date(2027, 2, 16), date(2027, 2, 21),
            ):  # fmt: skip
                db.session.rollback()
                service, practitioners = load_choices(group)
                with recorded_statements(current_app) as statements:
                    page = availability.times_page(service, practitioners, first_day, 7, NOW)
                expected = whole_period_page(service, practitioners, first_day, 7)
                assert page_rows(page) == expected, (group, first_day)
                assert len(statements) <= MAX_STATEMENTS, (group, first_day, statements)
