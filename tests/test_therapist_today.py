"""The therapist's day: each session with the client's plan, flags, check-in and how they were
after earlier sessions; and the short, encrypted note after a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus, StaffRole
from booking.extensions import db
from booking.models import AuditEvent, Practitioner, SessionNote
from booking.services.staff.accounts import add_staff
from tests.support import DEFAULT_NOW
from tests.support.browser import (
    axe_violations,
    sign_in_by_keyboard,
    small_targets,
    tab_and_follow,
    tab_and_type,
)
from tests.support.factories import make_booking, make_client, make_practitioner, make_service
from tests.support.pages import text_of
from tests.support.queries import count_queries
from tests.support.staff import (
    EMAILS,
    PASSWORD,
    add_intake,
    page_token,
    screening_rows,
    signed_in_client,
)

CANARY = "CANARY-note-lavender-4417"
MEDICATION_CANARY = "CANARY-warfarin-2290"
ANSWERS = {
    "screening": {"now": ["fever"], "history": ["none"], "medications": MEDICATION_CANARY},
    "energy": {"severity": "moderate"},
    "condition": {"conditions": ["me_diagnosed"]},
    "senses": {"light": "dim", "scent": "scent_free"},
    "practical": {"access": ["step_free", "rest_after"]},
}


@dataclass
class Day:
    practitioner_id: int
    other_practitioner_id: int
    later_id: int  # Ro's session this afternoon, not started yet
    started_id: int  # Kit's session this morning, started
    recent_id: int  # Ro's session ten days ago, "a crash" after it
    other_id: int  # another therapist's session today
    cancelled_id: int


def therapist_for(app, practitioner_id: int | None) -> None:
    """The therapist's account, linked to this diary."""
    with app.app_context():
        user = add_staff(EMAILS[StaffRole.THERAPIST], StaffRole.THERAPIST, PASSWORD)
        user.practitioner = (
            db.session.get(Practitioner, practitioner_id) if practitioner_id else None
        )
        db.session.commit()


@pytest.fixture
def day(app) -> Day:
    """Maya's Saturday: Kit at 9am (started), Ro at 2pm with a stop flag and a crash last time;
    a cancelled session; Sam on Tuesday; and Tom's session today."""
    with app.app_context():
        screening_rows()
        maya = make_practitioner(name="Maya Okafor")
        tom = make_practitioner(name="Tom Reid")
        gentle = make_service(name="Gentle massage", minutes=60, hands_on_minutes=45)
        ro = make_client(name="Rowan Ash", preferred_name="Ro")
        add_intake(ro, ANSWERS)
        kit = make_client(name="Kit Willow")
        recent = make_booking(
            client=ro,
            practitioner=maya,
            service=gentle,
            start_utc=DEFAULT_NOW - timedelta(days=10),
            status=BookingStatus.ATTENDED,
            followup_answer="crash",
        )
        make_booking(
            client=ro,
            practitioner=maya,
            service=gentle,
            start_utc=DEFAULT_NOW - timedelta(days=20),
            status=BookingStatus.ATTENDED,
            followup_answer="fine",
        )
        started = make_booking(
            client=kit,
            practitioner=maya,
            service=gentle,
            start_utc=DEFAULT_NOW - timedelta(hours=1),
        )
        later = make_booking(
            client=ro,
            practitioner=maya,
            service=gentle,
            start_utc=DEFAULT_NOW + timedelta(hours=4),
            checkin_answer="gentler",
        )
        cancelled = make_booking(
            client=make_client(name="Lee Cancelled"),
            practitioner=maya,
            service=gentle,
            start_utc=DEFAULT_NOW + timedelta(hours=6),
            status=BookingStatus.CANCELLED,
        )
        make_booking(
            client=make_client(name="Sam Birch"),
            practitioner=maya,
            service=gentle,
            start_utc=DEFAULT_NOW + timedelta(days=3),
        )
        make_booking(  # beyond the week
            client=make_client(name="Far Ahead"),
            practitioner=maya,
            service=gentle,
            start_utc=DEFAULT_NOW + timedelta(days=9),
        )
        other = make_booking(
            client=make_client(name="Other Person"),
            practitioner=tom,
            service=gentle,
            start_utc=DEFAULT_NOW + timedelta(hours=2),
        )
        db.session.commit()
        result = Day(maya.id, tom.id, later.id, started.id, recent.id, other.id, cancelled.id)
    therapist_for(app, result.practitioner_id)
    return result


@pytest.fixture
def therapist(app, day):
    return signed_in_client(app, StaffRole.THERAPIST)


def note_path(booking_id: int) -> str:
    return f"/dashboard/today/sessions/{booking_id}/note"


def post_note(client, booking_id: int, note: str, seen: str = ""):
    data = {"csrf_token": page_token(client), "note": note, "seen": seen}
    return client.post(note_path(booking_id), data=data)


def stored_notes(app) -> list[tuple[int, str]]:
    with app.app_context():
        return list(
            db.session.execute(text("SELECT booking_id, note_encrypted FROM session_notes")).all()
        )


# --- The day ------------------------------------------------------------------------------------


def test_the_therapist_sees_each_session_with_plan_flags_checkin_and_a_crash_last_time(
    therapist, day
):
    page = therapist.get("/dashboard/today")
    words = text_of(page)
    assert page.status_code == 200
    assert "Your day" in words
    today = words[words.index("Today, Saturday 21 November") : words.index("Coming up")]
    assert today.index("9am to 10am: Kit Willow") < today.index("2pm to 3pm: Ro")
    assert "Rowan Ash (likes to be called Ro)" in today
    assert "Gentle massage, 60 minutes (about 45 hands-on)" in today
    assert "Stop: A fever, or an infection such as flu or Covid" in today  # flag with reason
    assert "Dim, please" in today  # the session plan, in the client's words
    assert f"Medication: {MEDICATION_CANARY}" in today  # the plan's notes
    assert "Day-before check-in Shorter and gentler, please" in today
    assert "A crash after the last session." in today
    assert "A crash, after Wednesday 11 November" in today
    assert "Fine, after Sunday 1 November" in today
    assert "No answers from the questionnaire yet" in today  # Kit has no intake
    assert "Lee Cancelled" not in words
    assert "Other Person" not in words  # Tom's diary, not Maya's
    ahead = words[words.index("Coming up") : words.index("The last 7 days")]
    assert "Tuesday 24 November" in ahead and "Sam Birch" in ahead
    assert "Far Ahead" not in words
    recent = words[words.index("The last 7 days") :]
    assert "No sessions in the last 7 days." in recent  # ten days ago is further back


def test_a_note_link_only_for_sessions_that_have_started(therapist, day):
    body = therapist.get("/dashboard/today").get_data(as_text=True)
    assert note_path(day.started_id) in body
    assert note_path(day.later_id) not in body


def test_the_admin_chooses_whose_day(app, day):
    admin = signed_in_client(app, StaffRole.ADMIN)
    first = text_of(admin.get("/dashboard/today"))
    assert "Maya Okafor's day" in first and "Kit Willow" in first  # the first by name
    tom = text_of(admin.get(f"/dashboard/today?practitioner={day.other_practitioner_id}"))
    assert "Tom Reid's day" in tom and "Other Person" in tom and "Kit Willow" not in tom
    for wrong in ["999999", "abc", "99999999999999999999", "1\x00"]:
        assert (
            admin.get("/dashboard/today", query_string={"practitioner": wrong}).status_code == 404
        )


def test_a_therapist_without_a_diary_is_told_why_the_day_is_empty(app):
    therapist_for(app, None)
    words = text_of(signed_in_client(app, StaffRole.THERAPIST).get("/dashboard/today"))
    assert "Your account is not linked to a therapist's diary yet" in words


def test_reception_may_not_open_the_day_or_a_note(app, day):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    for path in ["/dashboard/today", note_path(day.started_id)]:
        response = reception.get(path)
        assert response.status_code == 403
        assert MEDICATION_CANARY not in response.get_data(as_text=True)
    refused = post_note(reception, day.started_id, CANARY)
    assert refused.status_code == 403
    assert stored_notes(app) == []


def test_the_day_across_the_autumn_clock_change(app, freeze):
    # Sunday 25 October 2026: clocks go back at 02:00 BST. The local day is 25 hours long.
    with app.app_context():
        maya = make_practitioner(name="Maya Okafor")
        for name, start in [
            ("Before Midnight", datetime(2026, 10, 24, 21, 0, tzinfo=UTC)),  # 22:00 BST on 24th
            ("Just After Midnight", datetime(2026, 10, 24, 23, 30, tzinfo=UTC)),  # 00:30 BST
            ("Late Evening", datetime(2026, 10, 25, 23, 30, tzinfo=UTC)),  # 23:30 GMT on 25th
        ]:
            make_booking(client=make_client(name=name), practitioner=maya, start_utc=start)
        db.session.commit()
        practitioner_id = maya.id
    therapist_for(app, practitioner_id)
    freeze(datetime(2026, 10, 25, 12, 0, tzinfo=UTC))
    words = text_of(signed_in_client(app, StaffRole.THERAPIST).get("/dashboard/today"))
    today = words[words.index("Today, Sunday 25 October") : words.index("Coming up")]
    assert "12:30am to 1:30am: Just After Midnight" in today
    assert "11:30pm to 12:30am: Late Evening" in today
    recent = words[words.index("The last 7 days") :]
    assert "Before Midnight" in recent and "Saturday 24 October at 10pm" in recent


def test_the_day_takes_the_same_few_queries_however_many_sessions(app, therapist, day):
    assert post_note(therapist, day.started_id, "Settled well.").status_code == 303
    few = count_queries(app, therapist, "/dashboard/today")
    with app.app_context():
        screening_rows()
        for n in range(8):
            someone = make_client(name=f"Extra {n}")
            add_intake(someone, {"senses": {"light": "dim"}})
            maya = {"practitioner": db.session.get(Practitioner, day.practitioner_id)}
            make_booking(
                client=someone, start_utc=DEFAULT_NOW + timedelta(days=1, hours=2 * n), **maya
            )
            make_booking(  # earlier, with a follow-up answer and a note
                client=someone,
                start_utc=DEFAULT_NOW - timedelta(days=2, hours=2 * n),
                followup_answer="tired",
                **maya,
            )
        db.session.commit()
    words = text_of(therapist.get("/dashboard/today"))
    assert "Extra 7" in words and "More tired than usual" in words
    assert count_queries(app, therapist, "/dashboard/today") == few
    assert few <= 12  # the page's loads, plus recording the view in the audit trail


# --- The note after a session --------------------------------------------------------------------


def test_a_note_is_saved_encrypted_shown_back_and_audited_without_its_text(app, therapist, day):
    form = therapist.get(note_path(day.started_id))
    assert form.status_code == 200
    assert "How the session went" in text_of(form)
    response = post_note(therapist, day.started_id, f"Liked the dim room. {CANARY}\nLess neck.")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/dashboard/today#session-{day.started_id}")
    page = therapist.get("/dashboard/today")
    words = text_of(page)
    assert "Note saved." in words
    assert CANARY in words and "Your note after the session" in words
    # At rest: encrypted, the text nowhere in the table.
    [(booking_id, stored)] = stored_notes(app)
    assert booking_id == day.started_id
    assert CANARY not in stored and "dim room" not in stored
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.WROTE_SESSION_NOTE)
        ).all()
        assert [(e.booking_id, e.detail) for e in events] == [(day.started_id, "note added")]
        assert events[0].actor == EMAILS[StaffRole.THERAPIST]


def test_the_one_note_is_changed_not_added_to(app, therapist, day):
    assert post_note(therapist, day.started_id, "First thoughts.").status_code == 303
    opened = therapist.get(note_path(day.started_id)).get_data(as_text=True)
    seen = opened.split('name="seen" type="hidden" value="')[1].split('"')[0]
    assert seen
    assert post_note(therapist, day.started_id, "Second thoughts.", seen).status_code == 303
    words = text_of(therapist.get(note_path(day.started_id)))
    assert "Second thoughts." in words and "First thoughts." not in words
    assert "Last saved Saturday 21 November at 10am by therapist@practice.test" in words
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SessionNote)) == 1
        details = db.session.scalars(
            select(AuditEvent.detail)
            .where(AuditEvent.action == AuditAction.WROTE_SESSION_NOTE)
            .order_by(AuditEvent.id)
        ).all()
        assert details == ["note added", "note changed"]


def test_a_note_written_meanwhile_by_someone_else_is_never_overwritten_unseen(app, therapist, day):
    admin = signed_in_client(app, StaffRole.ADMIN)
    assert post_note(admin, day.started_id, "The admin's note.").status_code == 303
    stale = post_note(therapist, day.started_id, "My own words.", seen="")
    assert stale.status_code == 409
    words = text_of(stale)
    assert "Someone else saved this note while you were writing" in words
    assert "The admin's note." in words  # theirs, shown
    assert "My own words." in stale.get_data(as_text=True)  # mine, still in the box
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SessionNote)) == 1


def test_no_note_before_the_session_has_started(app, therapist, day):
    page = therapist.get(note_path(day.later_id))
    assert "You can write a note once the session has started." in text_of(page)
    assert 'name="note"' not in page.get_data(as_text=True)
    refused = post_note(therapist, day.later_id, "Written too early.")
    assert refused.status_code == 422
    assert "You can write a note once the session has started." in text_of(refused)
    assert "Written too early." in refused.get_data(as_text=True)  # nothing typed is lost
    cancelled = post_note(therapist, day.cancelled_id, "Never happened.")
    assert cancelled.status_code == 422
    assert "This session was cancelled" in text_of(cancelled)
    assert stored_notes(app) == []


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Please write the note."),
        ("   \x00 ", "Please write the note."),
        ("x" * 2001, "Please keep the note to 2,000 characters or fewer."),
    ],
)
def test_a_note_that_cannot_be_saved_says_why(app, therapist, day, note, message):
    response = post_note(therapist, day.started_id, note)
    assert response.status_code == 422
    assert message in text_of(response)
    assert stored_notes(app) == []


def test_control_characters_are_dropped_from_a_note(app, therapist, day):
    assert post_note(therapist, day.started_id, "Calm\x00 session.\nRested.").status_code == 303
    assert "Calm session.\nRested." in therapist.get(note_path(day.started_id)).get_data(
        as_text=True
    )


def test_notes_are_not_on_pages_reception_can_open(app, therapist, day):
    assert post_note(therapist, day.started_id, CANARY).status_code == 303
    reception = signed_in_client(app, StaffRole.RECEPTION)
    for path in ["/dashboard/", "/dashboard/calls"]:
        assert CANARY not in reception.get(path).get_data(as_text=True), path


# --- In a real browser: keyboard only, WCAG 2.2 AA ---------------------------------------------


@pytest.mark.browser
def test_the_day_works_by_keyboard_and_passes_axe(browser, live_server, day):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(live_server + "/dashboard/today")
    sign_in_by_keyboard(page, StaffRole.THERAPIST)
    assert page.inner_text("h1") == "Your day"
    assert axe_violations(page) == []
    assert small_targets(page) == []
    tab_and_follow(page, "Write a note for Kit Willow, 9am")
    assert page.inner_text("h1") == "Note after the session: Kit Willow"
    assert axe_violations(page) == []
    tab_and_type(page, "How the session went", "Settled quickly; keep the room dim.")
    tab_and_follow(page, "Save the note")
    assert page.inner_text("h1") == "Your day"
    assert "Note saved." in page.inner_text("main")
    assert "Settled quickly; keep the room dim." in page.inner_text("main")
    assert axe_violations(page) == []
    context.close()
