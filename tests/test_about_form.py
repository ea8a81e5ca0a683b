"""The questionnaire's first page checks a date of birth against the practice's today."""

from __future__ import annotations

from datetime import UTC, datetime

from werkzeug.datastructures import MultiDict

from booking.views.questionnaire import AboutForm


def _about(app, born: str) -> AboutForm:
    with app.test_request_context():
        form = AboutForm(
            formdata=MultiDict({"name": "Ann Smith", "date_of_birth": born, "filled_by": "self"}),
            meta={"csrf": False},
        )
        form.validate()
        return form


def test_today_comes_from_the_app_clock_when_the_form_is_made(app, freeze):
    freeze(datetime(2040, 6, 1, 12, 0, tzinfo=UTC))
    assert _about(app, "1 1 2035").date_of_birth.errors == []  # the past, in 2040
    freeze(datetime(2034, 6, 1, 12, 0, tzinfo=UTC))
    assert _about(app, "1 1 2035").date_of_birth.errors  # the future, in 2034


def test_today_is_the_practice_s_day_not_the_server_s(app, freeze):
    # 23:30 UTC on 31 May 2040 is already 1 June in London (summer time).
    freeze(datetime(2040, 5, 31, 23, 30, tzinfo=UTC))
    assert _about(app, "1 6 2040").date_of_birth.errors == []
    freeze(datetime(2040, 5, 31, 22, 30, tzinfo=UTC))
    assert _about(app, "1 6 2040").date_of_birth.errors
