"""The JSON API's contract (DESIGN.md, "Contract"), endpoint by endpoint, on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.api.openapi import api_rules, openapi_path
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Client, Practitioner
from booking.services.demo import seed_demo
from tests.support import DEFAULT_NOW

API = "/api/v1"
MONDAY = "2026-11-23"  # DEFAULT_NOW is Saturday 21 November 2026; Maya works on Mondays
MONDAY_10_15 = "2026-11-23T10:15:00+00:00"  # the first free time on that Monday
NOT_FOUND = {
    "error": "We cannot find that page",
    "detail": "The link may be old or mistyped. You have not done anything wrong.",
    "status": 404,
}


@pytest.fixture
def demo(app: Flask) -> Flask:
    """The app with the demo practice: four services, Maya and Tom."""
    with app.app_context():
        seed_demo(DEFAULT_NOW, app.config["PRACTICE_TIMEZONE"])
    return app


def practitioner_id(app: Flask, name: str) -> int:
    with app.app_context():
        return db.session.scalars(select(Practitioner.id).where(Practitioner.name == name)).one()


def booking_body(**overrides: Any) -> dict[str, Any]:
    """A valid first booking for a new client; any top-level field can be replaced."""
    body: dict[str, Any] = {
        "service": "first-gentle-session",
        "start": MONDAY_10_15,
        "client": {"name": "Sam Rivers", "email": "sam@example.com"},
    }
    return body | overrides


def book(http: FlaskClient, **overrides: Any):
    return http.post(f"{API}/bookings", json=booking_body(**overrides))


def token_of(response) -> str:
    return response.get_json()["manage_url"].rsplit("/", 1)[1]


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert set(body) == {"errors"}
    for field, messages in body["errors"].items():
        assert isinstance(field, str)
        assert messages
        assert all(isinstance(message, str) and message for message in messages)
    return body["errors"]


# --- GET /services ------------------------------------------------------------------------------


def test_services_lists_what_can_be_booked_first_visits_first(client, demo):
    response = client.get(f"{API}/services")
    assert response.status_code == 200
    services = response.get_json()["services"]
    assert [s["slug"] for s in services] == [
        "first-gentle-session",
        "gentle-massage",
        "short-session",
        "home-visit",
    ]
    first = services[0]
    assert {"slug", "name", "minutes", "first_visit", "home_visit"} <= set(first)
    assert first["name"] == "First gentle session"
    assert (first["minutes"], first["hands_on_minutes"], first["first_visit"]) == (45, 30, True)
    assert services[3]["home_visit"] is True


def test_services_is_an_empty_list_before_any_are_set_up(client):
    assert client.get(f"{API}/services").get_json() == {"services": []}


# --- GET /availability --------------------------------------------------------------------------


def test_availability_gives_times_with_the_practices_offset(client, demo):
    response = client.get(
        f"{API}/availability",
        query_string={"service": "first-gentle-session", "start": MONDAY, "end": MONDAY},
    )
    assert response.status_code == 200
    slots = response.get_json()["slots"]
    assert slots[0] == {
        "start": MONDAY_10_15,
        "end": "2026-11-23T11:00:00+00:00",
        "practitioner": {"id": practitioner_id(demo, "Maya Okafor"), "name": "Maya Okafor"},
    }
    starts = [datetime.fromisoformat(slot["start"]) for slot in slots]
    assert starts == sorted(starts)
    assert all(start.date().isoformat() == MONDAY for start in starts)


def test_availability_in_summer_is_in_british_summer_time(client, app, freeze):
    summer = datetime(2027, 6, 10, 9, 0, tzinfo=UTC)
    freeze(summer)
    with app.app_context():
        seed_demo(summer, app.config["PRACTICE_TIMEZONE"])
    query = {"service": "first-gentle-session", "start": "2027-06-14", "end": "2027-06-14"}
    slots = client.get(f"{API}/availability", query_string=query).get_json()["slots"]
    assert slots[0]["start"] == "2027-06-14T10:15:00+01:00"
    assert all(slot["start"].endswith("+01:00") for slot in slots)

    response = book(client, start=slots[0]["start"])
    assert response.status_code == 201
    assert response.get_json()["start"] == "2027-06-14T10:15:00+01:00"


def test_availability_without_a_practitioner_names_the_first_one_free(client, demo):
    # On Tuesdays Tom starts at 09:30 and Maya at 10:00; both have rest time before a session.
    query = {"service": "first-gentle-session", "start": "2026-11-24", "end": "2026-11-24"}
    slots = client.get(f"{API}/availability", query_string=query).get_json()["slots"]
    by_start = {slot["start"]: slot["practitioner"]["name"] for slot in slots}
    assert by_start["2026-11-24T09:45:00+00:00"] == "Tom Reid"
    assert by_start["2026-11-24T10:15:00+00:00"] == "Maya Okafor"
    assert len(by_start) == len(slots)  # one entry per time, however many are free


def test_availability_for_one_practitioner_shows_only_their_times(client, demo):
    tom = practitioner_id(demo, "Tom Reid")
    query = {"service": "first-gentle-session", "start": MONDAY, "end": "2026-11-27"}
    slots = client.get(
        f"{API}/availability", query_string=query | {"practitioner": tom}
    ).get_json()["slots"]
    assert slots
    assert {slot["practitioner"]["id"] for slot in slots} == {tom}
    # Tom does not work on Mondays.
    assert not [slot for slot in slots if slot["start"].startswith(MONDAY)]


def test_availability_accepts_92_days(client, demo):
    query = {"service": "short-session", "start": "2026-11-21", "end": "2027-02-20"}
    response = client.get(f"{API}/availability", query_string=query)
    assert response.status_code == 200
    assert response.get_json()["slots"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"service": "no-such-service"}, "service"),
        ({"service": None}, "service"),
        ({"service": "a\x00b"}, "service"),
        ({"start": None}, "start"),
        ({"end": None}, "end"),
        ({"start": "2026-13-01"}, "start"),
        ({"start": "23/11/2026"}, "start"),
        ({"start": "2026-11-23T10:00:00+00:00"}, "start"),
        ({"end": "9999-12-31"}, "end"),
        ({"end": "2026-11-22"}, "end"),  # before the start
        ({"end": "2027-02-23"}, "end"),  # 93 days in all
        ({"practitioner": "999"}, "practitioner"),
        ({"practitioner": "abc"}, "practitioner"),
        ({"practitioner": "99999999999999999999"}, "practitioner"),
        ({"practitioner": "-1"}, "practitioner"),
    ],
)
def test_availability_refuses_bad_queries_field_by_field(client, demo, query, field):
    full = {"service": "gentle-massage", "start": MONDAY, "end": "2026-11-27"} | query
    response = client.get(
        f"{API}/availability", query_string={k: v for k, v in full.items() if v is not None}
    )
    assert list(errors_of(response)) == [field]


# --- POST /bookings -----------------------------------------------------------------------------


def test_booking_answers_201_with_the_booking_and_where_to_find_it(client, demo):
    base = demo.config["BASE_URL"]
    response = book(client)
    assert response.status_code == 201
    body = response.get_json()
    token = token_of(response)
    assert body == {
        "id": body["id"],
        "status": "confirmed",
        "start": MONDAY_10_15,
        "end": "2026-11-23T11:00:00+00:00",
        "practitioner": {"id": practitioner_id(demo, "Maya Okafor"), "name": "Maya Okafor"},
        "service": {"slug": "first-gentle-session", "name": "First gentle session", "minutes": 45},
        "manage_url": f"{base}/manage/{token}",
        "ics_url": f"{base}/manage/{token}/calendar.ics",
    }
    assert isinstance(body["id"], int)
    assert base.startswith("http")
    assert len(token) >= 40
    assert response.headers["Location"] == f"{base}{API}/bookings/{token}"

    again = client.get(response.headers["Location"].removeprefix(base))
    assert again.status_code == 200
    assert again.get_json() == body


def test_the_booking_is_stored_for_the_client_with_only_a_hash_of_the_token(client, demo):
    response = book(client, client={"name": "  Sam Rivers ", "phone": "07700 900123"})
    token = token_of(response)
    with demo.app_context():
        booking = db.session.scalars(select(Booking)).one()
        assert booking.status == BookingStatus.CONFIRMED
        assert booking.client.name == "Sam Rivers"
        assert booking.client.phone == "+447700900123"
        assert booking.client.email is None
        assert token not in booking.manage_token_hash


def test_each_booking_gets_its_own_fresh_token(client, demo):
    first = book(client)
    second = book(
        client,
        start="2026-11-23T12:00:00+00:00",
        client={"name": "Kim Lee", "email": "kim@example.com"},
    )
    assert second.status_code == 201
    assert token_of(first) != token_of(second)


@pytest.mark.parametrize(
    "phone",
    ["07700 900123", "07700900123", "+44 7700 900123", "0044 7700 900 123", "(07700) 900-123"],
)
def test_booking_accepts_common_uk_phone_formats(client, demo, phone):
    response = book(client, client={"name": "Sam Rivers", "phone": phone})
    assert response.status_code == 201, response.get_json()
    with demo.app_context():
        assert db.session.scalars(select(Client.phone)).one() == "+447700900123"


def test_booking_with_a_chosen_practitioner(client, demo):
    tom = practitioner_id(demo, "Tom Reid")
    response = book(client, start="2026-11-24T10:15:00+00:00", practitioner=tom)
    assert response.status_code == 201
    assert response.get_json()["practitioner"] == {"id": tom, "name": "Tom Reid"}


def test_start_may_be_given_in_another_offset(client, demo):
    response = book(client, start="2026-11-23T11:15:00+01:00")
    assert response.status_code == 201
    assert response.get_json()["start"] == MONDAY_10_15


def test_a_taken_time_is_409_with_nearby_free_times(client, demo):
    assert book(client).status_code == 201
    response = book(client, client={"name": "Kim Lee", "email": "kim@example.com"})
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "Sorry, that time was just taken by someone else."
    alternatives = body["alternatives"]
    assert alternatives
    assert MONDAY_10_15 not in [slot["start"] for slot in alternatives]
    for slot in alternatives:
        assert set(slot) == {"start", "end", "practitioner"}
        assert set(slot["practitioner"]) == {"id", "name"}
        assert slot["start"].endswith("+00:00")
    # One of them books fine.
    retry = book(
        client,
        start=alternatives[0]["start"],
        client={"name": "Kim Lee", "email": "kim@example.com"},
    )
    assert retry.status_code == 201


def test_a_time_never_offered_is_409_with_free_times(client, demo):
    response = book(client, start="2026-11-22T03:00:00+00:00")  # a Sunday night
    assert response.status_code == 409
    body = response.get_json()
    assert "not one we can offer" in body["error"]
    assert body["alternatives"]


def test_a_new_clients_first_booking_must_be_the_first_visit(client, demo):
    response = book(client, service="gentle-massage")
    errors = errors_of(response)
    assert list(errors) == ["service"]
    assert "first session is a shorter, gentler one" in errors["service"][0]
    assert "first-gentle-session" in errors["service"][1]


def test_sessions_in_the_first_month_are_kept_apart(client, demo):
    assert book(client).status_code == 201
    response = book(client, service="gentle-massage", start="2026-11-24T10:15:00+00:00")
    errors = errors_of(response)
    assert list(errors) == ["start"]
    assert errors["start"][0] == "That is close to another of your sessions."
    assert "2026-11-30T10:15:00+00:00" in errors["start"][1]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service": "no-such-service"}, "service"),
        ({"service": ""}, "service"),
        ({"service": None}, "service"),
        ({"start": "2026-11-23T10:15:00"}, "start"),  # no offset
        ({"start": "2026-11-23 10:15"}, "start"),
        ({"start": "next Monday"}, "start"),
        ({"start": "2026-11-23T25:15:00+00:00"}, "start"),
        ({"start": "9999-12-31T23:59:59+00:00"}, "start"),
        ({"start": 1790000000}, "start"),
        ({"practitioner": 999}, "practitioner"),
        ({"practitioner": "1"}, "practitioner"),
        ({"practitioner": 2**40}, "practitioner"),
        ({"practitioner": True}, "practitioner"),
        ({"client": None}, "client"),
        ({"client": "Sam"}, "client"),
        ({"client": {"email": "sam@example.com"}}, "client.name"),
        ({"client": {"name": "   ", "email": "sam@example.com"}}, "client.name"),
        ({"client": {"name": "S" * 121, "email": "sam@example.com"}}, "client.name"),
        ({"client": {"name": "Sam\x00", "email": "sam@example.com"}}, "client.name"),
        ({"client": {"name": "Sam"}}, "client.email"),  # neither email nor phone
        ({"client": {"name": "Sam", "email": "", "phone": None}}, "client.email"),
        ({"client": {"name": "Sam", "email": "sam@"}}, "client.email"),
        ({"client": {"name": "Sam", "email": "s" * 243 + "@example.com"}}, "client.email"),
        ({"client": {"name": "Sam", "phone": "12"}}, "client.phone"),
        ({"client": {"name": "Sam", "phone": "not a number"}}, "client.phone"),
        ({"client": {"name": "Sam", "phone": "0" * 41}}, "client.phone"),
        ({"client": {"name": "Sam", "email": "sam@example.com", "age": 40}}, "client.age"),
        ({"practioner": 1}, "practioner"),  # a misspelt field is not silently ignored
    ],
)
def test_bad_input_is_422_next_to_the_field(client, demo, overrides, field):
    assert list(errors_of(book(client, **overrides))) == [field]


def test_every_missing_field_is_reported_at_once(client, demo):
    errors = errors_of(client.post(f"{API}/bookings", json={}))
    assert set(errors) == {"service", "start", "client"}
    assert errors["start"] == ["Please choose a time."]


def test_an_empty_json_body_is_treated_as_an_empty_object(client, demo):
    errors = errors_of(client.post(f"{API}/bookings", content_type="application/json"))
    assert set(errors) == {"service", "start", "client"}


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_only_json_changes_anything_so_a_form_on_another_site_cannot(client, demo, content_type):
    """What a cross-site form can send, empty or not, is refused with 415 before anything."""
    token = token_of(book(client))
    for body in ("", "reason=other"):
        response = client.post(
            f"{API}/bookings/{token}/cancel", data=body, content_type=content_type
        )
        assert response.status_code == 415
        assert (
            client.post(f"{API}/bookings", data=body, content_type=content_type).status_code == 415
        )
    assert client.get(f"{API}/bookings/{token}").get_json()["status"] == "confirmed"


def test_answers_that_carry_a_manage_link_are_never_stored_by_a_cache(client, demo):
    booked = book(client)
    token = token_of(booked)
    answers = [
        booked,
        client.get(f"{API}/bookings/{token}"),
        client.post(f"{API}/bookings/{token}/cancel", json={}),
    ]
    for answer in answers:
        assert "manage_url" in answer.get_json()
        assert "no-store" in answer.headers["Cache-Control"]
    assert "no-store" not in client.get(f"{API}/services").headers.get("Cache-Control", "")


def test_a_lone_surrogate_is_refused_not_stored(client, demo):
    raw = json.dumps(booking_body()).replace("Sam Rivers", "Sam \\ud800")
    response = client.post(f"{API}/bookings", data=raw, content_type="application/json")
    assert list(errors_of(response)) == ["client.name"]


@pytest.mark.parametrize("body", ["[]", "null", '"booking"', "42"])
def test_json_that_is_not_an_object_is_422(client, demo, body):
    response = client.post(f"{API}/bookings", data=body, content_type="application/json")
    assert errors_of(response) == {"body": ["Please send a JSON object."]}


@pytest.mark.parametrize("body", ["{", "{'service': 1}", "\xff", "[" * 100_000])
def test_malformed_json_is_400_with_a_clear_message(client, demo, body):
    response = client.post(f"{API}/bookings", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "We could not read that JSON",
        "detail": "The body is not valid JSON. Please check its brackets, quotes and commas.",
        "status": 400,
    }


def test_a_body_that_is_not_json_is_415(client, demo):
    response = client.post(f"{API}/bookings", data={"service": "gentle-massage"})
    assert response.status_code == 415
    assert response.get_json()["error"] == "Please send JSON"
    assert "Content-Type: application/json" in response.get_json()["detail"]


def test_an_oversized_body_is_413_json(client, demo):
    size = demo.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post(f"{API}/bookings", data=b" " * size, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["status"] == 413


def test_the_api_needs_no_csrf_token(client, demo):
    assert demo.config.get("WTF_CSRF_ENABLED", True)
    assert book(client).status_code == 201


# --- GET /bookings/<token> ----------------------------------------------------------------------


def test_an_unknown_token_is_a_404_that_reveals_nothing(client, demo):
    book(client)
    for token in ["no-such-token", "x" * 500, "%00"]:
        response = client.get(f"{API}/bookings/{token}")
        assert response.status_code == 404
        assert response.get_json() == NOT_FOUND
    assert client.get(f"{API}/nothing-here").get_json() == NOT_FOUND


# --- POST /bookings/<token>/cancel --------------------------------------------------------------


def test_cancelling_answers_with_the_cancelled_booking(client, demo):
    token = token_of(book(client))
    response = client.post(f"{API}/bookings/{token}/cancel", json={"reason": "not_well"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert client.get(f"{API}/bookings/{token}").get_json()["status"] == "cancelled"
    with demo.app_context():
        assert db.session.scalars(select(Booking.cancel_reason)).one() == "not_well"


def test_cancelling_twice_is_fine(client, demo):
    token = token_of(book(client))
    assert client.post(f"{API}/bookings/{token}/cancel", json={}).status_code == 200
    again = client.post(f"{API}/bookings/{token}/cancel", json={"reason": "other"})
    assert again.status_code == 200
    assert again.get_json()["status"] == "cancelled"


def test_cancelling_frees_the_time(client, demo):
    token = token_of(book(client))
    query = {"service": "first-gentle-session", "start": MONDAY, "end": MONDAY}

    def starts() -> list[str]:
        reply = client.get(f"{API}/availability", query_string=query).get_json()
        return [slot["start"] for slot in reply["slots"]]

    assert MONDAY_10_15 not in starts()
    client.post(f"{API}/bookings/{token}/cancel", json={})
    assert MONDAY_10_15 in starts()


def test_cancelling_an_unknown_token_is_404(client, demo):
    response = client.post(f"{API}/bookings/no-such-token/cancel", json={"reason": "other"})
    assert response.status_code == 404
    assert response.get_json() == NOT_FOUND


def test_a_session_that_has_started_cannot_be_cancelled_online(client, demo, freeze):
    token = token_of(book(client))
    freeze(datetime(2026, 11, 23, 10, 20, tzinfo=UTC))
    response = client.post(f"{API}/bookings/{token}/cancel", json={})
    assert response.status_code == 409
    assert response.get_json()["error"] == "This session has already started or ended."
    assert client.get(f"{API}/bookings/{token}").get_json()["status"] == "confirmed"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"reason": "bored"}, "reason"), ({"reason": 3}, "reason"), ({"why": "x"}, "why")],
)
def test_cancel_refuses_an_unknown_reason(client, demo, body, field):
    token = token_of(book(client))
    response = client.post(f"{API}/bookings/{token}/cancel", json=body)
    assert list(errors_of(response)) == [field]
    assert client.get(f"{API}/bookings/{token}").get_json()["status"] == "confirmed"


def test_cancel_refuses_a_body_that_is_not_json(client, demo):
    token = token_of(book(client))
    response = client.post(f"{API}/bookings/{token}/cancel", data="reason=not_well")
    assert response.status_code == 415


# --- GET /openapi.json --------------------------------------------------------------------------


def test_the_openapi_document_describes_every_api_route(client, app):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.0.")
    assert document["info"]["title"] and document["info"]["version"]
    for rule in api_rules(app):
        operations = document["paths"][openapi_path(rule)]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert operations[method.lower()]["responses"], rule.rule
    assert len(document["paths"]) == len(api_rules(app))


def test_the_openapi_document_lists_each_operations_status_codes(client):
    paths = client.get(f"{API}/openapi.json").get_json()["paths"]

    def codes(path: str, method: str) -> set[str]:
        return set(paths[f"{API}{path}"][method]["responses"])

    assert codes("/services", "get") == {"200"}
    assert codes("/availability", "get") == {"200", "422"}
    assert codes("/bookings", "post") == {"201", "400", "409", "413", "415", "422"}
    assert codes("/bookings/{token}", "get") == {"200", "404"}
    assert codes("/bookings/{token}/cancel", "post") == {
        "200",
        "400",
        "404",
        "409",
        "413",
        "415",
        "422",
    }


def test_the_openapi_document_is_generated_from_the_marshmallow_schemas(client):
    document = client.get(f"{API}/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    new_booking = schemas["NewBooking"]
    assert set(new_booking["properties"]) == {"service", "start", "practitioner", "client"}
    assert set(new_booking["required"]) == {"service", "start", "client"}
    assert new_booking["additionalProperties"] is False
    assert new_booking["properties"]["start"]["format"] == "date-time"
    assert new_booking["properties"]["client"] == {"$ref": "#/components/schemas/Client"}
    assert schemas["Client"]["properties"]["name"]["maxLength"] == 120
    assert schemas["Client"]["properties"]["email"]["maxLength"] == 254
    booking = schemas["Booking"]
    assert {
        "id",
        "status",
        "start",
        "end",
        "practitioner",
        "service",
        "manage_url",
        "ics_url",
    } <= set(booking["required"])
    assert "additionalProperties" not in booking  # more fields may be added
    post = document["paths"][f"{API}/bookings"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NewBooking"
    }
    query = document["paths"][f"{API}/availability"]["get"]["parameters"]
    assert {(p["name"], p["required"]) for p in query} == {
        ("service", True),
        ("start", True),
        ("end", True),
        ("practitioner", False),
    }


def test_the_openapi_document_is_valid(client):
    document = client.get(f"{API}/openapi.json").get_json()
    try:
        from openapi_spec_validator import validate  # optional; not a pinned dependency
    except ImportError:
        validate = None
    if validate is not None:
        validate(document)
    # Without the validator: every reference resolves.
    text = json.dumps(document)
    for name in {part.split('"')[0] for part in text.split('"#/components/')[1:]}:
        kind, _, key = name.partition("/")
        assert key in document["components"][kind], name


def test_times_are_never_naive_in_replies(client, demo):
    token = token_of(book(client))
    body = client.get(f"{API}/bookings/{token}").get_json()
    for key in ("start", "end"):
        moment = datetime.fromisoformat(body[key])
        assert moment.utcoffset() == timedelta(0)
