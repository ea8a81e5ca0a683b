"""The booking steps in HTML: choose a service, a time, give details, check, booked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from booking.extensions import db
from booking.models import Booking, Client, Closure
from tests.support.pages import csrf_token, text_of

FIRST = "first-gentle-session"
# Demo hours: Maya works Mondays 10:00-16:00, so Monday 23 November opens at 10:15 (buffers).
MONDAY_FIRST_SLOT = "2026-11-23T10:15:00+00:00"


def hidden_fields(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return {
        name: unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }


def details(client, start=MONDAY_FIRST_SLOT, slug=FIRST, **fields):
    page = client.get(f"/book/{slug}/details", query_string={"start": start, "practitioner": ""})
    data = {
        "csrf_token": csrf_token(page),
        "start": start,
        "practitioner": "",
        "for_whom": "self",
        "name": "Ann Smith",
        "email": "ann@example.com",
        "phone": "",
        "send_to": "client",
    } | fields
    return client.post(f"/book/{slug}/details", data=data)


def confirm(client, check_page, slug=FIRST, **changes):
    form = hidden_fields(check_page) | {"csrf_token": csrf_token(check_page), "action": "confirm"}
    return client.post(f"/book/{slug}/confirm", data=form | changes)


def test_services_page_offers_the_first_visit_first_and_explains_it(client, practice):
    page = text_of(client.get("/book"))
    assert page.index("New to us? Start here") < page.index("First gentle session")
    assert page.index("First gentle session") < page.index("If you have been before")
    assert "shorter and gentler, so your body can get used to it" in page


def test_times_are_grouped_by_day_and_part_of_day_with_next_available(client, practice):
    page = text_of(client.get(f"/book/{FIRST}"))
    assert "Next available Monday 23 November at 10:15am" in page
    monday = page[page.index("Monday 23 November", page.index("Choose this time")) :]
    monday = monday[: monday.index("Tuesday 24 November")]
    assert monday.index("Morning") < monday.index("10:15am") < monday.index("Afternoon")
    assert "10:15am 10:30am" in monday  # earliest first, on a 15-minute step


def test_empty_days_say_why_and_offer_the_nearest_free_day(client, practice):
    page = text_of(client.get(f"/book/{FIRST}"))
    sunday = page[page.index("Sunday 22 November") : page.index("Monday 23 November Morning")]
    assert "We are not open on this day." in sunday
    assert "The nearest day with free times is Monday 23 November ." in sunday


def test_a_day_inside_the_minimum_notice_says_so(client, practice, freeze):
    freeze(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # Monday, before opening
    page = text_of(client.get(f"/book/{FIRST}"))
    monday = page[page.index("Monday 23 November", page.index("Next available") + 60) :]
    assert monday.startswith("Monday 23 November This is too soon to book online")
    assert "The nearest day with free times is Tuesday 24 November ." in monday


def test_a_whole_practice_closure_is_named(app, client, practice):
    with app.app_context():
        day = datetime(2026, 11, 24, tzinfo=UTC)
        db.session.add(Closure(start_utc=day, end_utc=day + timedelta(days=1), reason="training"))
        db.session.commit()
    page = text_of(client.get(f"/book/{FIRST}"))
    assert "We are closed on this day (training)." in page


def test_choosing_one_therapist_shows_only_their_times(client, practice):
    page = client.get(f"/book/{FIRST}?practitioner=2")
    assert 'aria-current="page">Tom Reid' in page.get_data(as_text=True)
    assert "Monday 23 November Tom Reid does not work on this day." in text_of(page)


def test_booking_from_start_to_finish(app, client, practice):
    check = details(client, phone="07700 900123", email="")
    assert check.status_code == 200
    assert "Check your answers" in text_of(check)
    assert "Monday 23 November at 10:15am" in text_of(check)
    booked = confirm(client, check)
    assert booked.status_code == 303
    page = client.get(booked.headers["Location"])
    words = text_of(page)
    assert "You are booked" in words
    assert "Monday 23 November at 10:15am" in words
    assert "short and gentle" in words
    assert re.search(r"http://127\.0\.0\.1:5000/manage/[\w-]{40,}", words)
    token = booked.headers["Location"].rsplit("/", 1)[1]
    calendar = client.get(f"/manage/{token}/calendar.ics")
    assert calendar.mimetype == "text/calendar"
    assert b"DTSTART:20261123T101500Z" in calendar.data
    with app.app_context():
        booking = db.session.scalars(select(Booking)).one()
        assert booking.client.phone == "+447700900123"
        assert booking.manage_token_hash != token


def test_sending_the_confirm_form_twice_books_once(app, client, practice):
    check = details(client)
    first = confirm(client, check)
    second = confirm(client, check)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Please tell us the name"),
        ({"name": "A" * 121}, "name", "120 characters or fewer"),
        ({"email": "ann@"}, "email", "does not look complete"),
        ({"email": "", "phone": ""}, "email", "Please give an email address or a phone number"),
        ({"phone": "12345", "email": ""}, "phone", "too short"),
        ({"for_whom": "other", "carer_name": ""}, "carer_name", "Please tell us your name"),
    ],
)
def test_bad_details_get_a_message_next_to_the_field_and_keep_the_rest(
    client, practice, fields, field, message
):
    response = details(client, preferred_name="Annie", **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert error and message in unescape(error[1])
    assert f'aria-describedby="{field}-error"' in html or f'{field}-error"' in html
    assert 'value="Annie"' in html  # what was typed is kept


def test_a_carer_can_book_with_only_their_own_contact(app, client, practice):
    check = details(
        client,
        for_whom="other",
        email="",
        carer_name="Sam Smith",
        carer_relationship="daughter",
        carer_email="sam@example.com",
        send_to="carer",
    )
    assert "Booked by Sam Smith (daughter)" in text_of(check)
    assert confirm(client, check).status_code == 303
    with app.app_context():
        person = db.session.scalars(select(Client)).one()
        assert (person.name, person.email, person.carer_email) == (
            "Ann Smith",
            None,
            "sam@example.com",
        )
        assert person.send_to_carer is True


def test_a_new_client_is_steered_to_the_first_visit(client, practice):
    response = details(client, slug="gentle-massage")
    assert response.status_code == 422
    words = text_of(response)
    assert "shorter, gentler one, so your body can get used to it" in words
    assert "Choose a time for first gentle session" in words


def test_pacing_explains_the_gap_in_the_first_month(client, practice):
    assert confirm(client, details(client)).status_code == 303
    response = details(client, start="2026-11-26T10:15:00+00:00")
    words = text_of(response)
    assert response.status_code == 422
    assert "at least 7 days apart" in words
    assert "Your other session is on Monday 23 November at 10:15am" in words
    assert "See times from Monday 30 November" in words


def test_losing_the_race_keeps_the_details_and_offers_nearby_times(app, client, practice):
    check = details(client, preferred_name="Annie")
    other = app.test_client()
    assert confirm(other, details(other, email="bob@example.com", name="Bob")).status_code == 303
    response = confirm(client, check)
    assert response.status_code == 409
    words = text_of(response)
    assert "that time was just taken" in words
    assert "Free times nearby" in words
    assert hidden_fields(response)["preferred_name"] == "Annie"
    # Choosing one of the offered times books it, with the details kept.
    html = response.get_data(as_text=True)
    offered = re.search(r'name="start" id="start-1" value="([^"]+)"', html)[1]
    again = confirm(client, response, start=offered)
    assert again.status_code == 303
    with app.app_context():
        names = sorted(db.session.scalars(select(Client.preferred_name)).all(), key=str)
        assert "Annie" in names


def test_an_expired_form_token_keeps_everything_typed(client, practice):
    response = details(client, csrf_token="expired", preferred_name="Annie")
    assert response.status_code == 400
    assert "Everything you typed is still here" in text_of(response)
    assert 'value="Annie"' in response.get_data(as_text=True)


def test_changing_the_time_keeps_the_details(client, practice):
    details(client, preferred_name="Annie")
    page = client.get(f"/book/{FIRST}/details", query_string={"start": "2026-11-26T10:15:00+00:00"})
    assert 'value="Annie"' in page.get_data(as_text=True)


def test_unknown_service_and_nonsense_times_are_kind(client, practice):
    assert client.get("/book/no-such-service").status_code == 404
    assert client.get(f"/book/{FIRST}?from=not-a-date&practitioner=abc").status_code == 200
    response = client.get(f"/book/{FIRST}/details?start=garbage")
    assert response.status_code == 302
    past = details(client, start="2026-11-20T10:15:00+00:00")
    assert past.status_code == 422
    assert "not one we can offer" in text_of(past)
