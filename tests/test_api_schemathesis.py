"""The API against its own OpenAPI document: schemathesis generates requests, in process.

Every operation is tried with valid and invalid input; all default checks run (no server
error, documented status codes, content types, headers and response schemas, valid input
accepted and invalid input refused). The demo practice is seeded first, so the documented
examples (a real service, dates with free times, a bookable start, a manage token that names
a booking) reach the booking code.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

import config as app_config
from booking import create_app
from booking.api.openapi import EXAMPLE_TOKEN
from booking.extensions import db
from booking.services.booking import ClientDetails, book, find_by_token
from booking.services.demo import practice_is_empty, seed_demo
from tests.support import DEFAULT_NOW

TUESDAY_10_15 = datetime(2026, 11, 24, 10, 15, tzinfo=UTC)  # free in the demo diary

# Some refusals are business rules a JSON Schema cannot express: an unknown service slug, a
# new client's first booking being the first-visit service, sessions kept apart, an end date
# before the start date, neither email nor phone given, a phone number too short to dial.
# The contract answers them with 422, so a schema-valid request may rightly get one from
# these two operations.
RULE_REFUSALS = ["2xx", "401", "403", "404", "409", "422", "429"]

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": 30, "deterministic": True, "database": "none"},
        "operations": [
            {
                "include-operation-id": operation_id,
                "checks": {"positive_data_acceptance": {"expected-statuses": RULE_REFUSALS}},
            }
            for operation_id in ("getAvailability", "createBooking")
        ],
    }
)


def _load_schema() -> schemathesis.BaseSchema:
    """The document, fetched from an app without a database (it needs none) at import time.

    Schemathesis' lazy loader (`schemathesis.pytest.from_fixture`) sets `Function._nodeid`,
    which pytest 9 no longer has, so the schema is loaded eagerly and each test sends its
    requests to the `app` fixture: one app per database backend, seeded with the demo practice.
    """
    with tempfile.TemporaryDirectory() as instance:
        settings_ = app_config.TestingConfig(environ={}, SQLALCHEMY_DATABASE_URI="sqlite://")
        app = create_app(settings_, instance_path=instance)
        loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
        with app.app_context():
            db.engine.dispose()
    return loaded


schema = _load_schema()


@pytest.fixture
def demo_app(app: Flask) -> Flask:
    """The test app with the demo practice, and a booking behind the documented example token.

    Seeds only what is missing, since the app fixture empties the tables after each test.
    """
    with app.app_context():
        if practice_is_empty():
            seed_demo(DEFAULT_NOW, app.config["PRACTICE_TIMEZONE"])
        if find_by_token(EXAMPLE_TOKEN) is None:
            details = ClientDetails(name="Robin Example", email="robin@example.com")
            book("first-gentle-session", TUESDAY_10_15, None, details, EXAMPLE_TOKEN, DEFAULT_NOW)
        db.session.remove()
    return app


@schema.parametrize()
# One app and database serve all of an operation's generated requests: bookings made by one
# request are simply there for the next, as on a real server.
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_documented_promises(case: schemathesis.Case, demo_app: Flask) -> None:
    case.call_and_validate(app=demo_app)
