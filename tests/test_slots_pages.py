"""Managing slots through the pages: preview, save exactly what was previewed, list the sessions
a change touches without ever cancelling them, clear messages for bad input, and the audit trail."""

# The pages write time ranges with an en dash (U+2013); the tests quote them as shown.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from html import unescape

import pytest
from sqlalchemy import func, select

from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus, StaffRole
from booking.extensions import db
from booking.models import AuditEvent, Booking, Closure, Opening, OpeningHours
from tests.support.factories import (
    make_booking,
    make_client,
    make_closure,
    make_opening,
    make_practitioner,
    make_service,
    open_weekdays,
)
from tests.support.pages import text_of
from tests.support.staff import page_token, signed_in_client

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OFFICE_HOURS = dict.fromkeys(WEEKDAYS[:5], "09:00-17:00") | {"sat": "", "sun": ""}


@dataclass
class Practice:
    maya: int
    service: int


@pytest.fixture
def practice(app) -> Practice:
    """Maya works weekdays 9 to 5 from 1 November 2026."""
    with app.app_context():
        maya = make_practitioner(name="Maya Okafor")
        open_weekdays(maya)
        service = make_service(name="Gentle massage")
        db.session.commit()
        return Practice(maya.id, service.id)


def _book(app, practitioner_id: int, start: datetime, name: str = "Rowan Ash") -> int:
    with app.app_context():
        from booking.models import Practitioner, Service

        booking = make_booking(
            client=make_client(name=name),
            practitioner=db.session.get(Practitioner, practitioner_id),
            service=db.session.scalars(select(Service)).first(),
            start_utc=start,
        )
        db.session.commit()
        return booking.id


def _checked(response) -> str:
    html = response.get_data(as_text=True)
    tag = re.search(r'<input[^>]*name="checked"[^>]*>', html)[0]
    return unescape(re.search(r'value="([^"]*)"', tag)[1])


def _send(client, url: str, data: dict, action: str = "preview", checked: str = ""):
    return client.post(
        url, data=data | {"csrf_token": page_token(client), "action": action, "checked": checked}
    )


def _audit(app, action: AuditAction) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == action))
        )


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- Weekly hours ---------------------------------------------------------------------------------


def test_new_weekly_hours_are_previewed_then_saved_from_their_date(app, practice):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    url = f"/dashboard/slots/hours/{practice.maya}"
    form = reception.get(url).get_data(as_text=True)
    assert 'value="09:00–17:00"' in form and 'value="2026-11-21"' in form  # filled in
    data = OFFICE_HOURS | {"tue": "10:00-13:00, 14:00-17:00", "effective_from": "1 December 2026"}
    preview = _send(reception, url, data)
    assert preview.status_code == 200
    words = text_of(preview)
    assert (
        "Tuesdays change from 09:00–17:00 to 10:00–13:00 and 14:00–17:00 from Tuesday 1 December"
        in words
    )
    assert _count(app, OpeningHours) == 5  # nothing saved by a preview
    saved = _send(reception, url, data, "save", _checked(preview))
    assert saved.status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(OpeningHours).where(OpeningHours.weekday == 1)).all()
        assert sorted((r.valid_from, r.valid_to, r.start_local) for r in rows) == [
            (date(2026, 11, 1), date(2026, 11, 30), time(9)),
            (date(2026, 12, 1), None, time(10)),
            (date(2026, 12, 1), None, time(14)),
        ]
    [detail] = _audit(app, AuditAction.CHANGED_HOURS)
    assert detail.startswith("Maya Okafor: Tuesdays change from 09:00–17:00")
    # The diary before the date keeps its old hours; from the date, the new ones.
    assert "Working 9am to 5pm" in text_of(reception.get("/dashboard/diary?date=2026-11-24"))
    assert "Working 10am to 1pm, 2pm to 5pm" in text_of(
        reception.get("/dashboard/diary?date=2026-12-01")
    )


def test_hours_that_leave_sessions_outside_list_them_and_keep_them_booked(app, practice):
    booking_id = _book(app, practice.maya, datetime(2026, 12, 1, 15, tzinfo=UTC))
    reception = signed_in_client(app, StaffRole.RECEPTION)
    url = f"/dashboard/slots/hours/{practice.maya}"
    data = OFFICE_HOURS | {"tue": "09:00-13:00", "effective_from": "2026-12-01"}
    preview = _send(reception, url, data)
    words = text_of(preview)
    assert "1 booked session would be outside the new hours" in words
    assert "Rowan Ash" in words and "Tuesday 1 December at 3pm to 4pm" in words
    assert f'href="/dashboard/bookings/{booking_id}"' in preview.get_data(as_text=True)
    assert "Save the hours and keep these sessions (they stay booked)" in words
    assert "Go back without saving" in words
    # "Save" without choosing to keep them saves nothing.
    refused = _send(reception, url, data, "save", _checked(preview))
    assert refused.status_code == 409
    assert "please choose what to do about the sessions listed" in text_of(refused)
    assert _audit(app, AuditAction.CHANGED_HOURS) == []
    kept = _send(reception, url, data, "keep", _checked(preview))
    assert kept.status_code == 303
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == BookingStatus.CONFIRMED
    [detail] = _audit(app, AuditAction.CHANGED_HOURS)
    assert detail.endswith("kept 1 booked session")


def test_bad_weekly_hours_are_explained_next_to_the_field_and_nothing_is_lost(app, practice):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    url = f"/dashboard/slots/hours/{practice.maya}"
    data = OFFICE_HOURS | {
        "mon": "09:00-12:00, 11:00-14:00",
        "tue": "17:00-09:00",
        "wed": "nine\x00 till",
        "effective_from": "31/02/2027",
    }
    response = _send(reception, url, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    words = text_of(response)
    assert "09:00–12:00 and 11:00–14:00 overlap" in words
    assert "17:00–09:00 ends before it starts" in words
    assert "“nine till” as a start and an end" in words
    assert "That date does not exist" in words
    assert 'id="mon-error"' in html and 'aria-invalid="true"' in html
    assert 'value="09:00-12:00, 11:00-14:00"' in html and 'value="31/02/2027"' in html
    assert "Check the change before saving" not in words
    for effective, message in [("2026-11-20", "has passed"), ("2030-01-01", "two years")]:
        late = _send(reception, url, OFFICE_HOURS | {"effective_from": effective})
        assert late.status_code == 422 and message in text_of(late)
    assert _count(app, OpeningHours) == 5 and _audit(app, AuditAction.CHANGED_HOURS) == []


def test_the_same_hours_again_have_nothing_to_save(app, practice):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    url = f"/dashboard/slots/hours/{practice.maya}"
    data = OFFICE_HOURS | {"effective_from": "2026-12-01"}
    preview = _send(reception, url, data)
    assert "already the hours from that date" in text_of(preview)
    assert _send(reception, url, data, "save", _checked(preview)).status_code == 422
    assert _count(app, OpeningHours) == 5


def test_a_form_edited_after_its_preview_is_previewed_again_not_saved(app, practice):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    url = f"/dashboard/slots/hours/{practice.maya}"
    data = OFFICE_HOURS | {"tue": "10:00-13:00", "effective_from": "2026-12-01"}
    preview = _send(reception, url, data)
    edited = data | {"tue": "10:00-12:00"}
    response = _send(reception, url, edited, "save", _checked(preview))
    assert response.status_code == 409
    assert "Something changed since the preview" in text_of(response)
    assert "Tuesdays change from 09:00–17:00 to 10:00–12:00" in text_of(response)
    assert _count(app, OpeningHours) == 5


# --- Closures -------------------------------------------------------------------------------------

CLOSURE = {
    "who": "everyone",
    "start_day": "1 December 2026",
    "start_time": "",
    "end_day": "",
    "end_time": "",
    "reason": "Boiler repair",
}


def test_a_closure_over_booked_sessions_lists_them_and_never_cancels_them(app, practice):
    booking_id = _book(app, practice.maya, datetime(2026, 12, 1, 10, tzinfo=UTC))
    reception = signed_in_client(app, StaffRole.RECEPTION)
    url = "/dashboard/slots/closures/new"
    preview = _send(reception, url, CLOSURE)
    words = text_of(preview)
    assert "Closes Tuesday 1 December for everyone" in words
    assert "Reason shown to clients: Boiler repair" in words
    assert "1 booked session falls inside this closure" in words
    assert f'href="/dashboard/bookings/{booking_id}"' in preview.get_data(as_text=True)
    assert "Add the closure and keep these sessions (they stay booked)" in words
    assert "Go back without saving" in words
    assert _count(app, Closure) == 0
    refused = _send(reception, url, CLOSURE, "save", _checked(preview))
    assert refused.status_code == 409 and _count(app, Closure) == 0
    kept = _send(reception, url, CLOSURE, "keep", _checked(preview))
    assert kept.status_code == 303
    with app.app_context():
        closure = db.session.scalars(select(Closure)).one()
        assert closure.practitioner_id is None and closure.reason == "Boiler repair"
        assert closure.start_utc == datetime(2026, 12, 1, tzinfo=UTC)
        assert closure.end_utc == datetime(2026, 12, 2, tzinfo=UTC)
        assert db.session.get(Booking, booking_id).status == BookingStatus.CONFIRMED
    [detail] = _audit(app, AuditAction.ADDED_CLOSURE)
    assert detail == (
        "Everyone: Closes Tuesday 1 December for everyone; "
        "Reason shown to clients: Boiler repair; kept 1 booked session"
    )
    # Both show in the diary: the closure with its reason, and the session still booked.
    words = text_of(reception.get("/dashboard/diary?date=2026-12-01"))
    assert "Closed: Boiler repair" in words and "Rowan Ash" in words


def test_a_session_booked_after_the_preview_stops_the_save(app, practice):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    url = "/dashboard/slots/closures/new"
    data = CLOSURE | {"who": str(practice.maya)}
    preview = _send(reception, url, data)
    assert "booked session" not in text_of(preview)
    _book(app, practice.maya, datetime(2026, 12, 1, 11, tzinfo=UTC), name="Sam Birch")
    response = _send(reception, url, data, "save", _checked(preview))
    assert response.status_code == 409
    words = text_of(response)
    assert "Something changed since the preview" in words
    assert "Sam Birch" in words
    assert _count(app, Closure) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_day": "30 November 2026"}, "end_day", "before it starts"),
        ({"start_time": "15:00", "end_time": "9am"}, "end_time", "ends before it starts"),
        ({"start_day": "1 December 2031"}, "start_day", "more than two years away"),
        ({"start_day": "yesterday"}, "start_day", "Please write a date like"),
        ({"start_time": "25:61"}, "start_time", "like 09:30 or 2pm"),
        ({"who": "424242"}, "who", "Please choose one of the therapists in the list."),
        ({"reason": ""}, "reason", "Please give a short reason"),
        ({"reason": "x" * 201}, "reason", "200 characters or fewer"),
    ],
)
def test_bad_closures_are_explained_next_to_the_field(app, practice, changes, field, message):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    response = _send(reception, "/dashboard/slots/closures/new", CLOSURE | changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert error and message in unescape(error[1])
    assert 'value="Boiler repair"' in html or field == "reason"  # what was typed stays
    assert _count(app, Closure) == 0


def test_removing_a_closure_is_previewed_and_audited(app, practice):
    with app.app_context():
        closure_id = make_closure(
            datetime(2026, 12, 24, tzinfo=UTC),
            datetime(2026, 12, 27, tzinfo=UTC),
            reason="Christmas",
        ).id
        db.session.commit()
    reception = signed_in_client(app, StaffRole.RECEPTION)
    overview = text_of(reception.get("/dashboard/slots"))
    assert "The whole practice : Thursday 24 December to Saturday 26 December" in overview
    assert "Reason: Christmas" in overview
    page = reception.get(f"/dashboard/slots/closures/{closure_id}/remove")
    assert "Removes the closure for everyone: Thursday 24 December to Saturday 26 December" in (
        text_of(page)
    )
    response = reception.post(
        f"/dashboard/slots/closures/{closure_id}/remove",
        data={"csrf_token": page_token(reception), "checked": _checked(page)},
    )
    assert response.status_code == 303 and _count(app, Closure) == 0
    [detail] = _audit(app, AuditAction.REMOVED_CLOSURE)
    assert detail.startswith("Everyone: Removes the closure") and "reason was: Christmas" in detail


# --- Extra openings -------------------------------------------------------------------------------


def test_an_extra_opening_is_previewed_saved_shown_and_removed(app, practice):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    url = "/dashboard/slots/openings/new"
    data = {"practitioner": str(practice.maya), "day": "28/11/2026", "start": "10am", "end": "1pm"}
    data["note"] = "Extra Saturday"
    preview = _send(reception, url, data)
    assert "Adds an extra opening for Maya Okafor: Saturday 28 November, 10:00 to 13:00" in (
        text_of(preview)
    )
    assert _count(app, Opening) == 0
    assert _send(reception, url, data, "save", _checked(preview)).status_code == 303
    [detail] = _audit(app, AuditAction.ADDED_OPENING)
    assert detail.startswith("Maya Okafor: Adds an extra opening")
    assert "Working 10am to 1pm" in text_of(reception.get("/dashboard/diary?date=2026-11-28"))
    with app.app_context():
        opening_id = db.session.scalars(select(Opening.id)).one()
    remove_url = f"/dashboard/slots/openings/{opening_id}/remove"
    empty = reception.get(remove_url)  # previewed before a session was booked into it
    booked = _book(app, practice.maya, datetime(2026, 11, 28, 11, tzinfo=UTC))
    stale = reception.post(
        remove_url, data={"csrf_token": page_token(reception), "checked": _checked(empty)}
    )
    assert stale.status_code == 409 and _count(app, Opening) == 1
    words = text_of(stale)
    assert "Something changed since the preview" in words
    assert "1 booked session in this opening" in words and "They stay booked" in words
    removed = reception.post(
        remove_url, data={"csrf_token": page_token(reception), "checked": _checked(stale)}
    )
    assert removed.status_code == 303 and _count(app, Opening) == 0
    with app.app_context():
        assert db.session.get(Booking, booked).status == BookingStatus.CONFIRMED
    assert len(_audit(app, AuditAction.REMOVED_OPENING)) == 1


def test_an_opening_that_ends_before_it_starts_is_refused(app, practice):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    data = {
        "practitioner": str(practice.maya),
        "day": "28/11/2026",
        "start": "13:00",
        "end": "10:00",
    }
    response = _send(reception, "/dashboard/slots/openings/new", data)
    assert response.status_code == 422
    assert "The opening ends at 10:00, before it starts" in text_of(response)
    assert _count(app, Opening) == 0


def test_the_therapist_sees_the_hours_but_no_way_to_change_them(app, practice):
    with app.app_context():
        from booking.models import Practitioner

        make_opening(
            db.session.get(Practitioner, practice.maya),
            datetime(2026, 12, 5, 10, tzinfo=UTC),
            datetime(2026, 12, 5, 13, tzinfo=UTC),
        )
        db.session.commit()
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    page = therapist.get("/dashboard/slots")
    words = text_of(page)
    assert "Mondays 09:00–17:00" in words and "Saturday 5 December, 10:00 to 13:00" in words
    assert "Reception and admin change these" in words
    assert "/remove" not in page.get_data(as_text=True)
    assert "Add a closure" not in words
    assert therapist.get(f"/dashboard/slots/hours/{practice.maya}").status_code == 403
