"""The booking steps in HTML: choose a service, a time, give details and book, booked."""

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
    fields = {}
    for tag in re.findall(r"<input [^>]*>", html):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        if attributes.get("type") == "hidden":
            fields[attributes["name"]] = unescape(attributes.get("value", ""))
    return fields


def details_page(client, start=MONDAY_FIRST_SLOT, slug=FIRST):
    return client.get(f"/book/{slug}/details", query_string={"start": start, "practitioner": ""})


def details(client, start=MONDAY_FIRST_SLOT, slug=FIRST, page=None, **fields):
    """Fill in the details page and press Book (or `action`, one of the change buttons)."""
    page = page or details_page(client, start, slug)
    data = {
        "csrf_token": csrf_token(page),
        "booking_key": hidden_fields(page)["booking_key"],
        "action": "book",
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


def test_empty_days_collapse_into_one_line_saying_until_when_and_why(client, practice):
    page = text_of(client.get(f"/book/{FIRST}"))
    # Saturday and Sunday: one line, not a paragraph each.
    assert "No free times until Monday 23 November . We are not open then." in page
    assert "Saturday 21 November" not in page and "Sunday 22 November" not in page


def test_a_day_inside_the_minimum_notice_says_so(client, practice, freeze):
    freeze(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # Monday, before opening
    page = text_of(client.get(f"/book/{FIRST}"))
    assert "No free times on Monday 23 November. That is too soon to book online: we need" in page


def test_empty_days_at_the_end_of_the_page_point_to_the_nearest_free_day(app, client, practice):
    with app.app_context():
        start = datetime(2026, 11, 25, tzinfo=UTC)
        db.session.add(Closure(start_utc=start, end_utc=start + timedelta(days=9), reason="rest"))
        db.session.commit()
    page = text_of(client.get(f"/book/{FIRST}?from=2026-11-25"))
    assert (
        "No free times from Wednesday 25 November to Tuesday 1 December."
        " We are closed (rest). The nearest day with free times is Tuesday 24 November ."
    ) in page


def test_a_whole_practice_closure_is_named(app, client, practice):
    with app.app_context():
        day = datetime(2026, 11, 24, tzinfo=UTC)
        db.session.add(Closure(start_utc=day, end_utc=day + timedelta(days=1), reason="training"))
        db.session.commit()
    page = text_of(client.get(f"/book/{FIRST}"))
    assert "No free times on Tuesday 24 November. We are closed (training)." in page


def test_choosing_one_therapist_shows_only_their_times(client, practice):
    page = client.get(f"/book/{FIRST}?practitioner=2")
    assert 'aria-current="page">Tom Reid' in page.get_data(as_text=True)
    assert "No free times until Tuesday 24 November . Tom Reid does not work then." in text_of(page)


def test_booking_from_start_to_finish(app, client, practice):
    page = details_page(client)
    words = text_of(page)
    assert "Step 3 of 3" in words
    assert "Session First gentle session (45 minutes) Change the session" in words
    assert "Monday 23 November at 10:15am Change the time" in words
    booked = details(client, page=page, phone="07700 900123", email="")
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


def test_pressing_book_twice_books_once(app, client, practice):
    page = details_page(client)
    first = details(client, page=page)
    second = details(client, page=page)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_a_forged_booking_key_books_nothing_and_asks_to_press_again(app, client, practice):
    response = details(client, booking_key="forged", preferred_name="Annie")
    assert response.status_code == 400
    assert "Please check and confirm" in text_of(response)
    assert hidden_fields(response)["preferred_name"] == "Annie"
    assert hidden_fields(response)["booking_key"] != "forged"
    assert confirm(client, response).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


@pytest.mark.parametrize(
    ("action", "goes_to"),
    [("time", f"/book/{FIRST}?from=2026-11-23"), ("session", "/book")],
)
def test_changing_a_choice_keeps_what_was_typed_even_if_incomplete(
    app, client, practice, action, goes_to
):
    response = details(client, action=action, preferred_name="Annie", email="ann@")
    assert response.status_code == 303
    assert response.headers["Location"] == goes_to
    page = details_page(client, start="2026-11-26T10:15:00+00:00")
    html = page.get_data(as_text=True)
    assert 'value="Annie"' in html and 'value="ann@"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


def test_carer_questions_are_ignored_unless_booking_for_someone_else(app, client, practice):
    """Hidden on the page while "for me" is chosen, so they may never block the booking."""
    page = details(client, for_whom="self", carer_email="not an email", carer_name="Sam")
    assert page.status_code == 303
    with app.app_context():
        person = db.session.scalars(select(Client)).one()
        assert (person.carer_name, person.carer_email) == (None, None)


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
    booked = details(
        client,
        for_whom="other",
        email="",
        carer_name="Sam Smith",
        carer_relationship="daughter",
        carer_email="sam@example.com",
        send_to="carer",
    )
    assert booked.status_code == 303
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
    assert details(client).status_code == 303
    response = details(client, start="2026-11-26T10:15:00+00:00")
    words = text_of(response)
    assert response.status_code == 422
    assert "at least 7 days apart" in words
    assert "Your other session is on Monday 23 November at 10:15am" in words
    assert "See times from Monday 30 November" in words


def test_losing_the_race_keeps_the_details_and_offers_nearby_times(app, client, practice):
    page = details_page(client)
    other = app.test_client()
    assert details(other, email="bob@example.com", name="Bob").status_code == 303
    response = details(client, page=page, preferred_name="Annie")
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


def test_unknown_service_and_nonsense_times_are_kind(client, practice):
    assert client.get("/book/no-such-service").status_code == 404
    assert client.get(f"/book/{FIRST}?from=not-a-date&practitioner=abc").status_code == 200
    response = client.get(f"/book/{FIRST}/details?start=garbage")
    assert response.status_code == 302
    past = details(client, start="2026-11-20T10:15:00+00:00")
    assert past.status_code == 409  # with free times nearby to choose from
    assert "not one we can offer" in text_of(past)


def test_each_part_of_a_day_offers_about_a_dozen_times_and_the_rest_on_request(client, practice):
    response = client.get(f"/book/{FIRST}?from=2026-11-25")
    html = response.get_data(as_text=True)
    assert len(response.data) < 40_000
    wednesday = html[html.index('id="day-2026-11-25"') : html.index('id="day-2026-11-26"')]
    afternoon = wednesday[wednesday.index("<h3>Afternoon</h3>") : wednesday.index("<h3>Evening")]
    buttons, more = afternoon.split('<details class="more-times">')
    assert 0 < buttons.count('class="time action"') <= 12
    assert "more times this afternoon</summary>" in more
    # Every free time is still on the page, once.
    starts = re.findall(r'start=(2026-11-25T[^&"]+)', afternoon)
    assert len(starts) == len(set(starts)) == 20  # 12:00 to 16:45, every 15 minutes
