"""Clients at the desk: search by name, email or phone; a client page with nothing clinical."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus, ReviewState, StaffRole
from booking.extensions import db
from booking.models import AuditEvent
from tests.support import DEFAULT_NOW
from tests.support.factories import make_booking, make_client
from tests.support.pages import text_of
from tests.support.queries import count_queries
from tests.support.staff import ANSWERS, CANARY, add_intake, signed_in_client


@pytest.fixture
def rowan(app) -> int:
    """A client with a phone number, a held session tomorrow and answers with a canary."""
    with app.app_context():
        client = make_client(
            name="Rowan Ash",
            preferred_name="Ro",
            email="rowan.ash@example.com",
            phone="+441632960001",
            carer_name="Sam Ash",
            carer_phone="+441632960777",
        )
        booking = make_booking(
            client=client,
            start_utc=DEFAULT_NOW + timedelta(days=1),
            status=BookingStatus.HELD_FOR_REVIEW,
        )
        booking.checkin_answer = "gentler"
        past = make_booking(
            client=client,
            start_utc=DEFAULT_NOW - timedelta(days=14),
            status=BookingStatus.ATTENDED,
        )
        past.followup_answer = "tired"
        add_intake(client, ANSWERS, review_state=ReviewState.PENDING)
        make_client(name="Kit Willow", phone="+447700900123")
        db.session.commit()
        return client.id


@pytest.mark.parametrize(
    "query",
    [
        "01632 960001",
        "01632960001",
        "+44 1632 960001",
        "0044 (1632) 960-001",
        "+441632960001",
        "960001",
        "rowan",
        "ASH",
        "Ro",
        "ash@example",
        "01632 960777",  # the carer's number
    ],
)
def test_search_finds_a_client_by_name_email_or_any_form_of_phone(app, rowan, query):
    words = text_of(signed_in_client(app, StaffRole.RECEPTION).get(f"/dashboard/clients?q={query}"))
    assert "Rowan Ash" in words, query
    assert "Kit Willow" not in words, query


@pytest.mark.parametrize("query", ["%", "_", "nobody here", "07700 900999"])
def test_search_wildcards_are_plain_characters_and_misses_say_so(app, rowan, query):
    words = text_of(
        signed_in_client(app, StaffRole.RECEPTION).get(
            "/dashboard/clients", query_string={"q": query}
        )
    )
    assert "Nobody found" in words
    assert "Rowan Ash" not in words


def test_search_takes_the_same_queries_however_many_match(app, rowan):
    desk = signed_in_client(app, StaffRole.RECEPTION)
    few = count_queries(app, desk, "/dashboard/clients?q=ash")
    with app.app_context():
        for n in range(8):
            someone = make_client(name=f"Ash Tree {n}")
            make_booking(client=someone, start_utc=DEFAULT_NOW + timedelta(days=n + 2))
        db.session.commit()
    assert count_queries(app, desk, "/dashboard/clients?q=ash") == few


def test_reception_sees_the_client_page_without_anything_clinical(app, rowan):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    response = reception.get(f"/dashboard/clients/{rowan}")
    body = response.get_data(as_text=True)
    words = text_of(response)
    assert CANARY not in body
    assert "fever" not in body.lower() and "moderate" not in body.lower()
    assert f"/dashboard/clients/{rowan}/intake" not in body
    assert "Rowan Ash (Ro)" in words and "01632 960001" in words
    assert "Sam Ash" in words and "01632 960777" in words
    assert "Waiting for the therapist's review" in words  # intake status
    assert "Shorter and gentler, please" in words  # check-in
    assert "More tired than usual" in words  # follow-up
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent)).all()
        assert (event.action, event.client_id) == (AuditAction.VIEWED_CLIENT, rowan)


def test_the_therapist_gets_a_link_to_the_clinical_page(app, rowan):
    body = signed_in_client(app, StaffRole.THERAPIST).get(f"/dashboard/clients/{rowan}")
    assert f"/dashboard/clients/{rowan}/intake" in body.get_data(as_text=True)
    assert CANARY not in body.get_data(as_text=True)


def test_intake_status_words(app):
    with app.app_context():
        fresh = make_client(name="New Person").id
        sent = make_client(name="Sent Person")
        add_intake(sent, {"energy": {"severity": "mild"}})
        db.session.commit()
        sent_id = sent.id
    desk = signed_in_client(app, StaffRole.RECEPTION)
    assert "Questionnaire Not started" in text_of(desk.get(f"/dashboard/clients/{fresh}"))
    assert "Questionnaire Sent" in text_of(desk.get(f"/dashboard/clients/{sent_id}"))


def test_the_client_page_takes_the_same_queries_however_many_bookings(app, rowan):
    desk = signed_in_client(app, StaffRole.RECEPTION)
    few = count_queries(app, desk, f"/dashboard/clients/{rowan}")
    with app.app_context():
        from booking.models import Client

        client = db.session.get(Client, rowan)
        for n in range(6):
            make_booking(client=client, start_utc=DEFAULT_NOW + timedelta(days=20 + n))
        db.session.commit()
    assert count_queries(app, desk, f"/dashboard/clients/{rowan}") == few
