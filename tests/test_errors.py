"""Bad requests get the friendly pages with the right status codes, never a stack trace."""

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import InternalServerError

from booking.errors.handlers import handle_internal_error
from booking.extensions import db
from booking.models import Client

HELP_TEXT = "A carer, friend or family member can also do this for you"


def assert_friendly_page(response, status, heading):
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"<h1>{heading}</h1>" in body
    assert HELP_TEXT in body
    assert "Traceback" not in body
    assert 'href="#main"' in body


def test_unknown_page_is_a_friendly_404(client):
    assert_friendly_page(client.get("/no-such-page"), 404, "We cannot find that page")


def test_wrong_method_is_a_friendly_405_that_names_the_allowed_methods(client):
    response = client.post("/")
    assert_friendly_page(response, 405, "That page cannot be used that way")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("path", ["/", "/healthz", "/no-such-page"])
def test_oversized_request_is_a_friendly_413_on_any_route(client, app, path):
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(path, data=too_big, content_type="application/octet-stream")
    assert_friendly_page(response, 413, "That was more than we can accept")


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "We cannot find that page",
        "detail": "The link may be old or mistyped. You have not done anything wrong.",
        "status": 404,
    }


@pytest.mark.parametrize(
    ("accept", "json_wanted"),
    [
        ("application/json", True),
        ("text/html,application/json;q=0.9", False),
        ("application/json;q=0, text/html", False),
        ("*/*", False),
    ],
)
def test_errors_answer_in_the_format_asked_for(client, accept, json_wanted):
    response = client.get("/no-such-page", headers={"Accept": accept})
    assert response.status_code == 404
    assert response.is_json is json_wanted


def test_an_unexpected_error_is_a_friendly_500(make_app):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals: do not show")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert_friendly_page(response, 500, "Sorry, something went wrong on our side")
    assert "secret internals" not in response.get_data(as_text=True)


def test_the_500_handler_rolls_the_session_back(app):
    with app.test_request_context("/"):
        db.session.add(Client(name="Nobody"))  # neither email nor phone: the database refuses
        with pytest.raises(Exception, match=r"reachable|check constraint|CHECK"):
            db.session.flush()
        handle_internal_error(InternalServerError())
        # Without the rollback the session is stuck and every query raises PendingRollbackError.
        assert db.session.scalar(select(func.count()).select_from(Client)) == 0
