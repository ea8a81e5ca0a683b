"""The reception diary page: cards with care flags and check-in answers, rest buffers, closures,
free times to book, the clock change, calm handling of odd addresses, and a fixed query count."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest

from booking.domain.statuses import StaffRole
from booking.extensions import db
from tests.support.diary import Diary, seed_diary_week
from tests.support.factories import (
    make_booking,
    make_client,
    make_closure,
    make_practitioner,
    make_service,
    make_weekly_hours,
    open_weekdays,
)
from tests.support.pages import text_of
from tests.support.queries import count_queries
from tests.support.staff import CANARY, add_intake, signed_in_client

TUESDAY = date(2026, 11, 24)


@pytest.fixture
def diary(app) -> Diary:
    return seed_diary_week(app)


def _diary(client, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return client.get(f"/dashboard/diary?{query}")


@pytest.fixture
def tuesday(app, diary) -> tuple[str, str]:
    """Reception's diary for Tuesday 24 November, showing the gentle massage: (words, html)."""
    reception = signed_in_client(app, StaffRole.RECEPTION)
    page = _diary(reception, date="2026-11-24", service=diary.service_slug)
    return text_of(page), page.get_data(as_text=True)


def test_a_booking_card_shows_the_session_client_care_flags_and_check_in(diary, tuesday):
    words, html = tuesday
    assert "Diary: Tuesday 24 November 2026" in words
    assert "10am to 11am Ro Gentle massage" in words
    assert f'href="/dashboard/bookings/{diary.booking_id}"' in html
    for flag in ["Step-free access", "Dim room", "Scent-free", "Needs to lie down afterwards"]:
        # An icon hidden from screen readers, always with its words.
        assert re.search(rf'aria-hidden="true">[^<]+</span> {flag}</li>', html), flag
    assert "Check-in: Shorter and gentler, please" in words
    # The held home visit: marked, with its own flags; no check-in yet.
    assert "2pm to 2:40pm Sam Birch Gentle home visit" in words
    assert "Held until the therapist has reviewed the answers" in words
    assert "Home visit" in words and "Review pending" in words
    assert "Check-in: no answer yet" in words
    # Never the cancelled session, never a health answer.
    assert "Kit Willow" not in words
    assert CANARY not in html


def test_rest_buffers_and_free_times_sit_between_the_sessions(diary, tuesday):
    words, html = tuesday
    assert "Working 9am to 5pm" in words
    assert "9:50am to 10am Rest before Ro's session" in words
    assert "11am to 11:15am Rest after Ro's session" in words
    assert "1:50pm to 2pm Rest before Sam Birch's session" in words
    # 9:00 to 9:50 is too short for an hour with its rest; 11:15 to 1:50 is not.
    assert "9am to 9:50am Free Too short for Gentle massage" in words
    assert "11:15am to 1:50pm Free Gentle massage could start 11:30am to 12:30pm" in words
    book = (
        f"/dashboard/book?practitioner={diary.practitioner_id}&amp;service=gentle"
        "&amp;start=2026-11-24T11:30:00%2B00:00"
    )
    assert book in html
    assert "Other start times" in words  # the day view lists every start time


def test_the_week_shows_closures_with_their_reason_and_days_off(app, diary):
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    words = text_of(
        _diary(therapist, view="week", date="2026-11-26", practitioner=diary.practitioner_id)
    )
    assert "Diary: week of Monday 23 November 2026" in words
    # Each day's column is a list in time order, under the day and the therapist's name.
    assert (
        "Wednesday 25 November Maya Okafor Working 9am to 5pm All day ⊘ Closed: Training day"
        in words
    )
    assert "Maya Okafor only" in words
    assert "Saturday 28 November Maya Okafor Not working Nothing booked." in words
    assert "Previous week" in words and "Next week" in words


def test_the_week_loads_in_the_same_few_queries_however_full_it_is(app, diary):
    client = signed_in_client(app, StaffRole.RECEPTION)
    path = "/dashboard/diary?view=week&date=2026-11-24"
    few = count_queries(app, client, path)
    with app.app_context():
        tom = make_practitioner(name="Tom Reid")
        open_weekdays(tom)
        service = make_service()
        for day in range(5):
            for hour in (9, 11, 14):
                someone = make_client()
                add_intake(someone, {"senses": {"light": "dim"}})
                make_booking(
                    client=someone,
                    practitioner=tom,
                    service=service,
                    start_utc=datetime(2026, 11, 23 + day, hour, tzinfo=UTC),
                    checkin_answer="as_planned",
                )
        make_closure(datetime(2026, 11, 27, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC))
        db.session.commit()
    assert count_queries(app, client, path) == few
    assert few <= 14


def test_the_day_the_clocks_go_back_has_25_hours_and_says_which_time(app, freeze):
    freeze(datetime(2026, 10, 20, 9, tzinfo=UTC))
    with app.app_context():
        maya = make_practitioner(name="Maya Okafor")
        make_weekly_hours(
            maya,
            weekday=6,
            start_local=time(0, 30),
            end_local=time(4, 0),
            valid_from=date(2026, 10, 1),
        )
        service = make_service(name="Short session", minutes=30)
        for start, name in [
            (datetime(2026, 10, 25, 0, 30), "Early"),
            (datetime(2026, 10, 25, 1, 30), "Later"),
        ]:
            make_booking(
                client=make_client(name=f"{name} Client"),
                practitioner=maya,
                service=service,
                start_utc=start.replace(tzinfo=UTC),
            )
        db.session.commit()
    words = text_of(_diary(signed_in_client(app, StaffRole.RECEPTION), date="2026-10-25"))
    assert "the clocks go back an hour, so the day has 25 hours" in words
    # The same wall-clock time twice, told apart by the zone, in the order they happen.
    assert words.index("1:30am BST to 1am GMT Early Client") < words.index(
        "1:30am GMT to 2am GMT Later Client"
    )
    assert "Working 12:30am BST to 4am GMT" in words


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("date=2026-02-30", "We could not read that date, so this is today's diary."),
        ("date=tuesday", "We could not read that date"),
        ("date=9999-12-31", "more than five years away"),
        ("date=0001-01-01", "more than five years away"),
        ("practitioner=999999999999999", "We could not find that therapist"),
        ("practitioner=abc", "We could not find that therapist"),
        ("practitioner=424242", "We could not find that therapist"),
    ],
)
def test_odd_addresses_give_a_calm_note_never_an_error(app, diary, query, note):
    page = signed_in_client(app, StaffRole.RECEPTION).get(f"/dashboard/diary?{query}")
    assert page.status_code == 200
    words = text_of(page)
    assert note in words
    assert "Maya Okafor" in words


def test_the_default_is_today_in_day_view_for_everyone(app, diary):
    words = text_of(
        signed_in_client(app, StaffRole.ADMIN).get("/dashboard/diary?view=month&service=nope")
    )
    assert "Diary: today, Saturday 21 November 2026" in words
    assert "Maya Okafor" in words and "Not working" in words


def _block(html: str, kind: str, words: str) -> tuple[int, int]:
    """The grid lines of the first `kind` block whose words start with `words`."""
    found = re.search(
        rf'class="book-entry book-{kind}[^"]* at-(\d+) to-(\d+)">\s*(?:<[^>]+>\s*)*{words}', html
    )
    assert found, (kind, words)
    return int(found[1]), int(found[2])


def test_blocks_start_and_end_at_their_times_on_five_minute_rows(diary, tuesday):
    _, html = tuesday
    # The book starts at 9am, when Maya starts work: 10am is line 13, and an hour is 12 rows.
    assert _block(html, "session", "10am") == (13, 25)
    assert _block(html, "session", "2pm") == (61, 69)  # the 40-minute home visit: 8 rows
    # Rest is shaded in place, not a card: 10 minutes before Ro, 15 after.
    assert _block(html, "rest", "9:50am to 10am Rest before") == (11, 13)
    assert _block(html, "rest", "11am to 11:15am Rest after") == (25, 28)
    # The free gap links to booking at its first start time, with that therapist.
    assert _block(html, "free", "11:15am to 1:50pm") == (28, 59)
    assert 'class="book-link" href="/dashboard/book?practitioner=' in html
    # Working time is shaded apart from the rest of the day, and said in words.
    assert 'class="book-open at-1 to-97"><span class="visually-hidden">Working 9am to 5pm' in html


def test_the_week_for_everyone_leaves_out_who_is_off_that_day(app, diary):
    with app.app_context():
        make_practitioner(name="Tom Reid")  # no hours at all: no column any day
        db.session.commit()
    html = _diary(signed_in_client(app, StaffRole.RECEPTION), view="week", date="2026-11-24")
    words = text_of(html)
    assert "Tom Reid" in words  # still in the chooser
    page = html.get_data(as_text=True)
    # Maya has a column each weekday, Tom none: the week keeps to who works or is booked.
    assert page.count('<h3 id="col-') == 5
    assert page.count(f'<h3 id="col-{diary.practitioner_id}-') == 5
    assert "Saturday 28 November No one is working" in words
    # One day at a time on a phone: a link to each day of the week, the chosen one marked.
    assert page.count('href="/dashboard/diary?view=week&amp;date=2026-11-') >= 7
    assert 'class="book-day span-1 is-chosen"' in page


def test_the_25_hour_day_gives_the_repeated_hour_rows_of_its_own(app, freeze):
    freeze(datetime(2026, 10, 20, 9, tzinfo=UTC))
    with app.app_context():
        maya = make_practitioner(name="Maya Okafor")
        make_weekly_hours(
            maya, weekday=6, start_local=time(0), end_local=time(4), valid_from=date(2026, 10, 1)
        )
        service = make_service(name="Short session", minutes=30, buffer_after_minutes=0)
        for start, name in [
            (datetime(2026, 10, 25, 0, 30), "Early"),
            (datetime(2026, 10, 25, 1, 30), "Later"),
        ]:
            make_booking(
                client=make_client(name=f"{name} Client"),
                practitioner=maya,
                service=service,
                start_utc=start.replace(tzinfo=UTC),
            )
        db.session.commit()
    page = _diary(signed_in_client(app, StaffRole.RECEPTION), date="2026-10-25")
    html = page.get_data(as_text=True)
    # Midnight to 4am GMT is five hours of rows; each 30-minute session has six of them.
    early = _block(html, "session", "1:30am BST")
    later = _block(html, "session", "1:30am GMT")
    assert early == (19, 25) and later == (31, 37)
    assert 'class="book-open at-1 to-61">' in html
    labels = re.findall(r'class="at-\d+ to-\d+">([^<]+)</span>', html)
    assert labels[1:4] == ["1am BST", "1am GMT", "2am"]
