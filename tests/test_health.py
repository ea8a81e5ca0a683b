"""GET /healthz answers from a real database round trip."""

import pytest

from booking import require_database
from booking.extensions import db
from config import ConfigError
from tests.support import sqlite_only


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


@sqlite_only  # the URLs below are the point; no need to run this once per backend
@pytest.mark.parametrize(
    "unreachable_url",
    [
        "sqlite:////nonexistent-folder/for/booking.db",
        "postgresql://postgres@127.0.0.1:9/booking?connect_timeout=2",
    ],
)
def test_health_is_503_when_the_database_does_not_answer(make_app, unreachable_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=unreachable_url)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_the_start_up_check_leaves_no_connection_for_forked_workers(app):
    require_database(app)
    with app.app_context():
        assert db.engine.pool.checkedin() == 0


@sqlite_only
def test_the_start_up_check_names_the_database_without_its_password(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql://me:hunter2@127.0.0.1:9/booking")
    with pytest.raises(ConfigError, match=r"me:\*\*\*@127.0.0.1:9/booking") as raised:
        require_database(app)
    assert "hunter2" not in str(raised.value)
