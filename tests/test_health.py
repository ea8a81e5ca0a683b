"""GET /healthz answers from a real database round trip."""

import pytest


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


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
