"""Best times first: the days and parts of the day a client says suit them order their times
pages ("Times that usually suit you"), and "next available" prefers them; one press shows all."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from booking.domain.best_times import BestTimes
from booking.domain.dates import PartOfDay
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking, Client, Practitioner, Service
from booking.services.booking import availability
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client, booking_for
from tests.support.intake import GOOD_PAGES, fill_in, intake_link, send
from tests.support.pages import text_of
from tests.support.staff import signed_in_client

LONDON = ZoneInfo("Europe/London")


# --- The rule -------------------------------------------------------------------------------


def test_best_times_suit_by_day_and_part_of_day_in_london_time():
    best = BestTimes.from_keys(["tue", "thu"], ["afternoon"])
    tuesday_2pm = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert best.suits(tuesday_2pm, LONDON)
    assert not best.suits(datetime(2026, 11, 24, 10, 0, tzinfo=UTC), LONDON)  # morning
    assert not best.suits(datetime(2026, 11, 23, 14, 0, tzinfo=UTC), LONDON)  # a Monday
    # In summer time 11:30 UTC is 12:30 in London: the afternoon.
    assert best.suits(datetime(2026, 6, 2, 11, 30, tzinfo=UTC), LONDON)


def test_only_days_or_only_parts_or_nothing():
    mornings = BestTimes.from_keys([], ["morning"])
    assert mornings.suits(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), LONDON)  # any day
    assert not BestTimes()  # no preference
    assert not BestTimes.from_keys(["someday"], ["teatime"])  # unknown keys ignored


def test_best_times_are_kept_in_week_and_day_order():
    best = BestTimes.from_keys(["sun", "mon"], ["evening", "morning"])
    assert best.stored() == ("mon,sun", "morning,evening")
    assert BestTimes.from_stored(*best.stored()) == best
    assert BestTimes.from_stored(None, None) == BestTimes()
    assert best.parts == {PartOfDay.MORNING, PartOfDay.EVENING}


# --- From the questionnaire -----------------------------------------------------------------


def test_the_questionnaires_best_times_are_kept_with_the_client(app, practice, client):
    token = book_as_client(app)
    link = intake_link(client, token)
    practical = {"best_days": ["wed", "fri"], "best_times": ["afternoon"], "home_visit": "no"}
    fill_in(client, link, practical=practical)
    assert send(client, link).status_code == 303
    with app.app_context():
        stored = db.session.scalars(select(Client)).one()
        assert (stored.best_days, stored.best_parts) == ("wed,fri", "afternoon")
    assert GOOD_PAGES["practical"]["best_times"] == ["morning"]  # the shared answers untouched


# --- The times pages ------------------------------------------------------------------------


def _prefer(app, token: str, days: list[str], parts: list[str]) -> None:
    with app.app_context():
        booking = db.session.get(Booking, booking_for(app, token).id)
        booking.client.best_times = BestTimes.from_keys(days, parts)
        db.session.commit()


def _times_on(page) -> list[str]:
    return re.findall(r'class="time action" href="([^"]+)"', page.get_data(as_text=True))


def _local_starts(hrefs: list[str]) -> list[datetime]:
    starts = [
        re.search(r"start=([^&]+)", href)[1].replace("%3A", ":").replace("%2B", "+")
        for href in hrefs
    ]
    return [datetime.fromisoformat(start).astimezone(LONDON) for start in starts]


def test_the_move_page_opens_on_the_times_that_suit_and_one_press_shows_all(app, practice, client):
    token = book_as_client(app)
    _prefer(app, token, ["thu"], ["afternoon"])
    page = client.get(f"/manage/{token}/move")
    words = text_of(page)
    assert "Times that usually suit you" in words
    suiting = _local_starts(_times_on(page))
    assert 1 <= len(suiting) <= availability.SUITING_SHOWN
    assert all(s.weekday() == 3 and 12 <= s.hour < 17 for s in suiting)
    assert suiting == sorted(suiting)

    everything = re.search(r'href="([^"]+)">Show all times</a>', page.get_data(as_text=True))[1]
    all_page = client.get(everything.replace("&amp;", "&"))
    assert "Times that usually suit you" not in text_of(all_page)
    every_start = _local_starts(_times_on(all_page))
    assert any(s.weekday() != 3 or s.hour < 12 for s in every_start)


def test_without_best_times_the_page_is_the_usual_week(app, practice, client):
    token = book_as_client(app)
    page = client.get(f"/manage/{token}/move")
    assert "Times that usually suit" not in text_of(page)
    assert "Show all times" not in text_of(page)


def test_when_no_free_time_suits_all_times_show_with_a_word_why(app, practice, client):
    token = book_as_client(app)
    _prefer(app, token, ["sun"], ["evening"])  # the demo practice is closed then
    page = client.get(f"/manage/{token}/move")
    assert "No free times fall on the days and times that usually suit you" in text_of(page)
    assert _times_on(page)


def test_next_available_prefers_a_time_that_suits(app, practice):
    with app.app_context():
        service = db.session.scalars(select(Service).where(Service.active.is_(True))).first()
        people = list(db.session.scalars(select(Practitioner)))
        first_day = DEFAULT_NOW.astimezone(LONDON).date()
        plain = availability.times_page(service, people, first_day, 7, DEFAULT_NOW)
        best = BestTimes.from_keys(["fri"], ["afternoon"])
        preferred = availability.times_page(service, people, first_day, 7, DEFAULT_NOW, best=best)
    assert plain.next_available is not None and not best.suits(plain.next_available.start, LONDON)
    assert preferred.next_available is not None
    assert best.suits(preferred.next_available.start, LONDON)
    assert preferred.next_available.start > plain.next_available.start
    assert preferred.days == plain.days  # the week itself is the same


@pytest.fixture
def desk(app, practice):
    return signed_in_client(app, StaffRole.RECEPTION)


def test_the_desk_move_page_names_whose_best_times_they_are(app, practice, desk):
    token = book_as_client(app)
    _prefer(app, token, ["thu"], [])
    booking_id = booking_for(app, token).id
    page = desk.get(f"/dashboard/bookings/{booking_id}/move")
    assert "Times that usually suit Ann" in text_of(page)
    assert all(s.weekday() == 3 for s in _local_starts(_times_on(page)))


def test_booking_another_session_from_the_link_opens_on_best_times_and_types_nothing(
    app, practice, client
):
    token = book_as_client(app)
    _prefer(app, token, ["thu"], ["afternoon"])
    manage = client.get(f"/manage/{token}")
    again = re.search(r'href="([^"]+)">Book the same again</a>', manage.get_data(as_text=True))
    page = client.get(again[1])
    assert "Times that usually suit you" in text_of(page)
    follow_on = re.search(r'href="([^"]+service=gentle-massage[^"]*)"', page.get_data(as_text=True))
    page = client.get(follow_on[1].replace("&amp;", "&"))
    assert "Gentle massage" in text_of(page) or "gentle" in text_of(page).lower()
    [first, *_] = _times_on(page)
    assert all(s.weekday() == 3 for s in _local_starts(_times_on(page)))
    confirm = client.get(first.replace("&amp;", "&"))
    html = confirm.get_data(as_text=True)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))
    assert {"csrf_token", "booking_key", "service", "start"} <= set(fields)
    booked = client.post(first.split("?")[0], data=fields)
    assert booked.status_code == 303, text_of(booked)
    twice = client.post(first.split("?")[0], data=fields)  # a double press books once
    assert twice.status_code == 303 and twice.location == booked.location
    with app.app_context():
        assert db.session.scalars(select(Client)).one()  # the same client, no new one
        services = db.session.scalars(
            select(Service.slug).join(Booking, Booking.service_id == Service.id)
        ).all()
        assert sorted(services) == ["first-gentle-session", "gentle-massage"]


def test_times_pages_for_a_known_client_leave_out_what_pacing_refuses(app, practice, client):
    book_as_client(app)  # the first session: Monday 23 November, 10:15
    second = book_as_client(app, start=MONDAY + timedelta(days=7), slug="gentle-massage")
    page = client.get(f"/manage/{second}/move?from=2026-11-24")
    words = text_of(page)
    assert "That is too close to another of your sessions" in words
    for start in _local_starts(_times_on(page)):
        assert start.date() >= date(2026, 11, 30)  # a week after the first session


def test_a_stale_book_again_form_shows_its_button_again(app, practice, client):
    token = book_as_client(app)
    page = client.get(f"/manage/{token}/again?from=2026-11-30")  # a week on, for pacing
    [first, *_] = _times_on(page)
    confirm = client.get(first.replace("&amp;", "&"))
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', confirm.get_data(as_text=True)))
    stale = client.post(first.split("?")[0], data=fields | {"booking_key": "tampered"})
    assert stale.status_code == 400
    assert "Please check the time and press the button again." in text_of(stale)
    assert ">Book this time</button>" in stale.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(Booking)).all()) == 1  # nothing booked
