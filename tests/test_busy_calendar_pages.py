"""The own-calendar page: a therapist keeps their own address, admin anyone's, reception none;
saving never reads the address in the request, and it is never shown back whole."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import AuditEvent, BusyBlock, BusyCalendar
from booking.services.busy_calendar import addresses
from booking.services.staff import audit
from booking.services.staff.accounts import find_staff
from tests.support import DEFAULT_NOW
from tests.support.browser import axe_violations, sign_in_by_keyboard, tab_and_follow, tab_and_type
from tests.support.calendar_server import CalendarServer, running_calendar_server
from tests.support.factories import make_practitioner
from tests.support.pages import text_of
from tests.support.staff import EMAILS, add_staff_member, page_token, signed_in_client

ADDRESS = "https://calendar.example.test/calendar/ical/maya/private-7c1e5d/basic.ics"
SECRET_PART = "private-7c1e5d"


@pytest.fixture
def diaries(app) -> dict[str, int]:
    """Two therapists' diaries; the therapist's account is linked to Maya's."""
    with app.app_context():
        maya, ravi = make_practitioner(name="Maya"), make_practitioner(name="Ravi")
        db.session.commit()
        ids = {"maya": maya.id, "ravi": ravi.id}
    add_staff_member(app, StaffRole.THERAPIST)
    with app.app_context():
        find_staff(EMAILS[StaffRole.THERAPIST]).practitioner_id = ids["maya"]
        db.session.commit()
    return ids


@pytest.fixture
def server() -> Iterator[CalendarServer]:
    yield from running_calendar_server()


def stored(app, practitioner_id: int) -> BusyCalendar | None:
    with app.app_context():
        row = db.session.get(BusyCalendar, practitioner_id)
        if row is not None:
            db.session.expunge(row)
        return row


def save(client, address: str, **more: str):
    return client.post(
        "/dashboard/own-calendar/save",
        data={"csrf_token": page_token(client), "address": address, **more},
    )


def test_a_therapist_saves_their_own_address_and_sees_only_its_host(app, diaries, server):
    app.config.update(BUSY_CALENDAR_ALLOW_PRIVATE=True)
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    url = server.serve("/" + SECRET_PART + ".ics", body=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")

    answer = save(therapist, url)

    assert answer.status_code == 303
    assert server.requests == []  # saving never reads the address in the request
    page = therapist.get(answer.headers["Location"])
    words = text_of(page)
    assert "Saved the calendar address at 127.0.0.1" in words
    assert "Saved: 127.0.0.1 …" in words and "Not read yet" in words
    assert SECRET_PART not in page.get_data(as_text=True)
    row = stored(app, diaries["maya"])
    assert row is not None and SECRET_PART not in row.address_encrypted
    assert row.read_requested_at == DEFAULT_NOW
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).all()[-1]
        assert event.action == "saved_own_calendar" and SECRET_PART not in event.detail


def test_a_therapist_cannot_set_another_therapists_calendar(app, diaries):
    therapist = signed_in_client(app, StaffRole.THERAPIST)

    assert save(therapist, ADDRESS, practitioner=str(diaries["ravi"])).status_code == 303

    assert stored(app, diaries["ravi"]) is None
    assert stored(app, diaries["maya"]) is not None
    assert "Ravi" not in text_of(
        therapist.get(f"/dashboard/own-calendar?practitioner={diaries['ravi']}")
    )


def test_admin_sets_anyones_calendar(app, diaries):
    admin = signed_in_client(app, StaffRole.ADMIN)

    answer = save(admin, ADDRESS, practitioner=str(diaries["ravi"]))

    assert answer.status_code == 303
    assert stored(app, diaries["ravi"]).address_host == "calendar.example.test"
    page = text_of(admin.get(answer.headers["Location"]))
    assert "Ravi's calendar" in page and "Ravi : calendar.example.test …" in page
    assert "Maya : none added" in page


def test_reception_has_no_access(app, diaries):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    assert reception.get("/dashboard/own-calendar").status_code == 403
    answer = save(reception, ADDRESS, practitioner=str(diaries["maya"]))
    assert answer.status_code == 403
    assert stored(app, diaries["maya"]) is None


def test_without_the_form_token_nothing_is_saved(app, diaries):
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    answer = therapist.post("/dashboard/own-calendar/save", data={"address": ADDRESS})
    assert answer.status_code == 400
    assert stored(app, diaries["maya"]) is None


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("calendar.google.com/x.ics", "starting with https://, http:// or webcal://"),
        ("", "Please paste the calendar's private address."),
        ("http://192.168.1.20/cal.ics", "points inside a private network"),
    ],
)
def test_a_bad_address_is_explained_next_to_the_field_and_kept(app, diaries, typed, said):
    therapist = signed_in_client(app, StaffRole.THERAPIST)

    answer = save(therapist, typed)

    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    assert said in text_of(answer)
    assert 'id="address-error"' in body and 'aria-invalid="true"' in body
    assert f'value="{typed}"' in body or typed == ""
    assert stored(app, diaries["maya"]) is None


def test_a_failed_read_is_said_calmly_and_the_last_good_copy_stays(app, diaries):
    with app.app_context():
        addresses.save_address(diaries["maya"], ADDRESS, audit.SYSTEM_ACTOR, DEFAULT_NOW)
        row = db.session.get(BusyCalendar, diaries["maya"])
        row.last_success_at = DEFAULT_NOW - timedelta(hours=2)
        row.last_attempt_at = DEFAULT_NOW - timedelta(minutes=5)
        row.last_problem = "timed_out"
        row.read_requested_at = None
        db.session.commit()
    therapist = signed_in_client(app, StaffRole.THERAPIST)

    words = text_of(therapist.get("/dashboard/own-calendar"))

    assert "The last try to read it did not work" in words
    assert "took too long to answer" in words
    assert "The busy times from the last good read stay in use." in words


def test_read_it_now_asks_the_worker_and_remove_forgets(app, diaries):
    with app.app_context():
        addresses.save_address(diaries["maya"], ADDRESS, audit.SYSTEM_ACTOR, DEFAULT_NOW)
        db.session.get(BusyCalendar, diaries["maya"]).read_requested_at = None
        db.session.commit()
    therapist = signed_in_client(app, StaffRole.THERAPIST)

    asked = therapist.post(
        "/dashboard/own-calendar/read", data={"csrf_token": page_token(therapist)}
    )
    assert asked.status_code == 303
    assert stored(app, diaries["maya"]).read_requested_at == DEFAULT_NOW
    assert "A read is on its way" in text_of(therapist.get("/dashboard/own-calendar"))

    removed = therapist.post(
        "/dashboard/own-calendar/remove", data={"csrf_token": page_token(therapist)}
    )
    assert removed.status_code == 303
    assert stored(app, diaries["maya"]) is None
    assert "No calendar address is saved" in text_of(therapist.get("/dashboard/own-calendar"))


def test_a_therapist_without_a_diary_is_told_so(app):
    add_staff_member(app, StaffRole.THERAPIST)
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    assert "not linked to a therapist's diary" in text_of(therapist.get("/dashboard/own-calendar"))
    answer = therapist.post(
        "/dashboard/own-calendar/read", data={"csrf_token": page_token(therapist)}
    )
    assert answer.status_code == 409


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_by_keyboard_passes_axe(app, diaries, browser, live_server, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_server + "/login?next=/dashboard/own-calendar")
    sign_in_by_keyboard(page, StaffRole.THERAPIST)
    found = {"empty": axe_violations(page)}

    tab_and_type(page, "Your calendar's private address", "calendar.google.com/x.ics")
    tab_and_follow(page, "Save the address")
    assert "starting with https://" in page.inner_text("#address-error")
    found["error"] = axe_violations(page)

    page.fill("#address", "")
    tab_and_type(page, "Your calendar's private address", ADDRESS)
    tab_and_follow(page, "Save the address")
    with app.app_context():
        row = db.session.get(BusyCalendar, diaries["maya"])
        row.last_problem, row.last_attempt_at = "server_error", DEFAULT_NOW
        db.session.commit()
    page.reload()
    assert "did not work" in page.inner_text("#own-calendar-problem")
    assert SECRET_PART not in page.content()
    found["saved, last read failed"] = axe_violations(page)

    # The diary shows the busy time as a plain block.
    with app.app_context():
        start = DEFAULT_NOW + timedelta(hours=3)
        db.session.add(
            BusyBlock(
                practitioner_id=diaries["maya"], start_utc=start, end_utc=start + timedelta(hours=1)
            )
        )
        db.session.commit()
    page.goto(live_server + "/dashboard/diary?view=day&date=2026-11-21")
    assert "Busy (own calendar)" in page.inner_text(".book-busy")
    found["diary"] = axe_violations(page)
    context.close()
    assert found == {name: [] for name in found}
