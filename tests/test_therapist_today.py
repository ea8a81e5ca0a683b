"""The therapist's day: each session with the client's plan, flags, check-in, how they were
after earlier sessions and last time's record; and the session record after a session, filled
in from the plan, partly encrypted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select, text

from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus, StaffRole
from booking.encryption import cipher
from booking.extensions import db
from booking.models import AuditEvent, Booking, Practitioner, SessionNote
from booking.services.sessions.records import SessionRecord, records_for
from booking.services.staff.accounts import add_staff
from tests.support import DEFAULT_NOW
from tests.support.browser import (
    axe_violations,
    sign_in_by_keyboard,
    small_targets,
    tab_and_follow,
    tab_and_type,
    tab_to,
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
    sign_in,
    signed_in_client,
)

CANARY = "CANARY-note-lavender-4417"
MEDICATION_CANARY = "CANARY-warfarin-2290"
ANSWERS = {
    "screening": {"now": ["fever"], "history": ["none"], "medications": MEDICATION_CANARY},
    "energy": {"severity": "moderate"},
    "condition": {"conditions": ["me_diagnosed"]},
    "comfort": {"support": ["head_raised"]},
    "areas": {"pressure": "2", "include": ["shoulders", "feet"], "avoid": ["neck"]},
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


def therapist_for(app, practitioner_id: int | None, email: str = EMAILS[StaffRole.THERAPIST]):
    """The therapist's account, linked to this diary."""
    with app.app_context():
        user = add_staff(email, StaffRole.THERAPIST, PASSWORD)
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


def post_record(client, booking_id: int, helped: str, seen: str = "", **fields):
    """Send the record form: 25 minutes hands-on at pressure 2 unless `fields` say otherwise
    (a field given as None is left out, as a browser leaves out a radio group not chosen)."""
    data = {
        "csrf_token": page_token(client),
        "hands_on_minutes": "25",
        "pressure": "2",
        "helped": helped,
        "seen": seen,
        **fields,
    }
    return client.post(
        note_path(booking_id),
        data={name: value for name, value in data.items() if value is not None},
    )


def stored_notes(app) -> list[tuple[int, str, str | None]]:
    with app.app_context():
        return list(
            db.session.execute(
                text("SELECT booking_id, note_encrypted, avoid_next_encrypted FROM session_notes")
            ).all()
        )


def stored_records(app) -> dict[int, SessionRecord]:
    """Every saved record, decrypted, by booking id."""
    with app.app_context():
        return records_for(set(db.session.scalars(select(SessionNote.booking_id))))


def add_record(app, booking_id: int, minutes: int | None, pressure: int | None, helped: str):
    """A record saved earlier, straight into the table (minutes None: an old note-only row)."""
    with app.app_context():
        start = db.session.get(Booking, booking_id).start_utc
        db.session.add(
            SessionNote(
                booking_id=booking_id,
                note_encrypted=cipher().encrypt(helped),
                hands_on_minutes=minutes,
                pressure=pressure,
                created_at=start,
                updated_at=start,
            )
        )
        db.session.commit()


class _FormReader(HTMLParser):
    """The values a browser would send from the page's forms: text boxes and hidden fields,
    ticked boxes and chosen radio buttons, and what is in each text area."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        name = found.get("name")
        if tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")
        elif tag == "input" and name:
            if found.get("type") in {"checkbox", "radio"} and "checked" not in found:
                self.values.setdefault(name, [])
                return
            self.values.setdefault(name, []).append(found.get("value") or "")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            # A browser drops the line break straight after <textarea>, as HTML says.
            typed = self.values[self._textarea][-1]
            self.values[self._textarea][-1] = re.sub(r"\A\r?\n", "", typed)
            self._textarea = None


def form_values(response) -> dict[str, list[str]]:
    """The record form's values as the page fills them in, by field name."""
    body = response.get_data(as_text=True)
    form = body[body.index('<form method="post" action="/dashboard/today/sessions/') :]
    reader = _FormReader()
    reader.feed(form[: form.index("</form>")])
    return reader.values


def error_next_to(response, field_id: str) -> str | None:
    """The error shown beside a field, or None when it has none."""
    found = re.search(
        rf'id="{field_id}-error"><span class="visually-hidden">Error: </span>([^<]*)</p>',
        response.get_data(as_text=True),
    )
    return found[1] if found else None


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
    ro = today[today.index("2pm to 3pm: Ro") :]
    assert "Last time, Wednesday 11 November After it: A crash." in ro
    assert "No record of that session." in ro
    assert "Keep this for the session" not in words  # no record yet, so nothing to suggest
    assert "No answers from the questionnaire yet" in today  # Kit has no intake
    assert "Lee Cancelled" not in words
    assert "Other Person" not in words  # Tom's diary, not Maya's
    ahead = words[words.index("Coming up") : words.index("The last 7 days")]
    assert "Tuesday 24 November" in ahead and "Sam Birch" in ahead
    assert "Far Ahead" not in words
    recent = words[words.index("The last 7 days") :]
    assert "No sessions in the last 7 days." in recent  # ten days ago is further back


def test_last_times_record_and_a_suggestion_show_before_a_coming_session(app, therapist, day):
    add_record(app, day.recent_id, 40, 3, f"Liked the shoulders. {CANARY}")
    page = therapist.get("/dashboard/today")
    words = text_of(page)
    ro = words[words.index("2pm to 3pm: Ro") : words.index("Coming up")]
    assert "Last time, Wednesday 11 November After it: A crash." in ro
    assert "Hands-on 40 minutes" in ro and "Pressure 3: medium" in ro
    assert CANARY in ro
    assert "This session" in ro and "Keep this for the session" in ro
    body = page.get_data(as_text=True)
    assert f'action="/dashboard/today/sessions/{day.later_id}/next"' in body
    assert f'action="/dashboard/today/sessions/{day.started_id}/next"' not in body  # started


def test_a_record_link_only_for_sessions_that_have_started(therapist, day):
    body = therapist.get("/dashboard/today").get_data(as_text=True)
    assert note_path(day.started_id) in body
    assert note_path(day.later_id) not in body
    assert "Write the record" in body and "Write a note" not in body


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


def test_reception_may_not_open_the_day_or_a_record(app, day):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    for path in ["/dashboard/today", note_path(day.started_id)]:
        response = reception.get(path)
        assert response.status_code == 403
        assert MEDICATION_CANARY not in response.get_data(as_text=True)
    refused = post_record(reception, day.started_id, CANARY)
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
    assert post_record(therapist, day.started_id, "Settled well.").status_code == 303
    few = count_queries(app, therapist, "/dashboard/today")
    earlier = []
    with app.app_context():
        screening_rows()
        for n in range(8):
            someone = make_client(name=f"Extra {n}")
            add_intake(someone, {"senses": {"light": "dim"}})
            maya = {"practitioner": db.session.get(Practitioner, day.practitioner_id)}
            make_booking(
                client=someone, start_utc=DEFAULT_NOW + timedelta(days=1, hours=2 * n), **maya
            )
            earlier.append(
                make_booking(  # earlier, with a follow-up answer and a record
                    client=someone,
                    start_utc=DEFAULT_NOW - timedelta(days=2, hours=2 * n),
                    followup_answer="tired",
                    **maya,
                )
            )
        db.session.commit()
        earlier_ids = [booking.id for booking in earlier]
    for booking_id in earlier_ids:
        add_record(app, booking_id, 30, 2, "Extra record.")
    words = text_of(therapist.get("/dashboard/today"))
    assert "Extra 7" in words and "More tired than usual" in words
    assert "30 minutes, pressure 2. Extra record." in words  # the recent days' records
    assert words.count("Keep this for the session") == 8  # each with last time's record
    assert count_queries(app, therapist, "/dashboard/today") == few
    # The page's loads, one for the list's care flags, and recording the view in the audit trail.
    assert few <= 15


# --- The record after a session ------------------------------------------------------------------


def test_a_record_is_saved_encrypted_shown_back_and_audited_without_its_text(app, therapist, day):
    form = therapist.get(note_path(day.started_id))
    assert form.status_code == 200
    assert "Session record: Kit Willow" in text_of(form)
    assert "What helped" in text_of(form) and "Save the record" in text_of(form)
    response = post_record(
        therapist,
        day.started_id,
        f"Liked the dim room. {CANARY}\nLess neck.",
        avoid_next="CANARY-avoid-cold-oil-8812",
        arrived="low",
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/dashboard/today#session-{day.started_id}")
    page = therapist.get("/dashboard/today")
    words = text_of(page)
    assert "Record saved." in words
    assert CANARY in words and "Your record of this session" in words
    assert "CANARY-avoid-cold-oil-8812" in words
    assert "Hands-on 25 minutes" in words and "Pressure 2: light" in words
    # At rest: both texts encrypted, the words nowhere in the table.
    [(booking_id, stored, avoid)] = stored_notes(app)
    assert booking_id == day.started_id
    assert CANARY not in stored and "dim room" not in stored
    assert avoid and "cold-oil" not in avoid
    assert stored_records(app)[day.started_id] == SessionRecord(
        hands_on_minutes=25,
        pressure=2,
        arrived="low",
        helped=f"Liked the dim room. {CANARY}\nLess neck.",
        avoid_next="CANARY-avoid-cold-oil-8812",
    )
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.WROTE_SESSION_NOTE)
        ).all()
        assert [(e.booking_id, e.detail) for e in events] == [(day.started_id, "record added")]
        assert events[0].actor == EMAILS[StaffRole.THERAPIST]
        assert all(CANARY not in (e.detail or "") for e in db.session.scalars(select(AuditEvent)))


def test_the_one_record_is_changed_not_added_to(app, therapist, day):
    assert post_record(therapist, day.started_id, "First thoughts.").status_code == 303
    opened = therapist.get(note_path(day.started_id))
    [seen] = form_values(opened)["seen"]
    assert seen
    changed = post_record(therapist, day.started_id, "Second thoughts.", seen, pressure="1")
    assert changed.status_code == 303
    words = text_of(therapist.get(note_path(day.started_id)))
    assert "Second thoughts." in words and "First thoughts." not in words
    assert "Last saved Saturday 21 November at 10am by therapist@practice.test" in words
    assert stored_records(app)[day.started_id].pressure == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SessionNote)) == 1
        details = db.session.scalars(
            select(AuditEvent.detail)
            .where(AuditEvent.action == AuditAction.WROTE_SESSION_NOTE)
            .order_by(AuditEvent.id)
        ).all()
        assert details == ["record added", "record changed"]


def test_a_record_written_meanwhile_by_someone_else_is_never_overwritten_unseen(
    app, therapist, day
):
    admin = signed_in_client(app, StaffRole.ADMIN)
    assert post_record(admin, day.started_id, "The admin's record.").status_code == 303
    stale = post_record(therapist, day.started_id, "My own words.", seen="")
    assert stale.status_code == 409
    words = text_of(stale)
    assert "Someone else saved this record while you were writing" in words
    assert "The admin's record." in words  # theirs, shown
    assert "My own words." in stale.get_data(as_text=True)  # mine, still in the box
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SessionNote)) == 1
    assert stored_records(app)[day.started_id].helped == "The admin's record."


def test_no_record_before_the_session_has_started(app, therapist, day):
    page = therapist.get(note_path(day.later_id))
    assert "You can write the record once the session has started." in text_of(page)
    assert 'name="helped"' not in page.get_data(as_text=True)
    refused = post_record(therapist, day.later_id, "Written too early.")
    assert refused.status_code == 422
    assert "You can write the record once the session has started." in text_of(refused)
    assert "Written too early." in refused.get_data(as_text=True)  # nothing typed is lost
    # A client whose only session with this therapist was cancelled is not theirs to read.
    assert post_record(therapist, day.cancelled_id, "Never happened.").status_code == 404
    admin = signed_in_client(app, StaffRole.ADMIN)
    cancelled = post_record(admin, day.cancelled_id, "Never happened.")
    assert cancelled.status_code == 422
    assert "This session was cancelled, so there is nothing to record." in text_of(cancelled)
    assert stored_notes(app) == []


MINUTES_AS_A_NUMBER = "Please give the hands-on minutes as a number. Whole minutes, such as 25."


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        pytest.param({"hands_on_minutes": ""}, "hands_on_minutes", MINUTES_AS_A_NUMBER, id="blank"),
        pytest.param(
            {"hands_on_minutes": "abc"}, "hands_on_minutes", MINUTES_AS_A_NUMBER, id="words"
        ),
        pytest.param(
            {"hands_on_minutes": "300"},
            "hands_on_minutes",
            "Please give a number from 0 to 240.",
            id="too many minutes",
        ),
        pytest.param(
            {"pressure": None}, "pressure", "Please choose the pressure, 1 to 5.", id="no pressure"
        ),
        pytest.param(
            {"pressure": "9"},
            "pressure",
            "Please choose one of the options shown.",
            id="pressure off the scale",
        ),
        pytest.param(
            {"helped": "x" * 2001},
            "helped",
            "Please keep this to 2,000 characters or fewer.",
            id="too long",
        ),
        pytest.param(
            {"avoid_next": "x" * 2001},
            "avoid_next",
            "Please keep this to 2,000 characters or fewer.",
            id="avoid next time too long",
        ),
    ],
)
def test_a_record_that_cannot_be_saved_says_why_next_to_the_field(
    app, therapist, day, fields, field_id, message
):
    fields = {"helped": "Settled well.", **fields}
    response = post_record(therapist, day.started_id, **fields)
    assert response.status_code == 422
    assert error_next_to(response, field_id) == message
    assert message in text_of(response)  # in the summary at the top too
    assert stored_notes(app) == []


def test_a_record_with_no_words_is_saved(app, therapist, day):
    # The minutes and the pressure are the record; what helped is optional.
    assert post_record(therapist, day.started_id, "").status_code == 303
    assert stored_records(app) == {day.started_id: SessionRecord(hands_on_minutes=25, pressure=2)}
    words = text_of(therapist.get("/dashboard/today"))
    assert "Your record of this session" in words and "Nothing written" in words


def test_control_characters_are_dropped_from_a_record(app, therapist, day):
    saved = post_record(
        therapist, day.started_id, "Calm\x00 session.\nRested.", avoid_next="Cold\x07 oil."
    )
    assert saved.status_code == 303
    body = therapist.get(note_path(day.started_id)).get_data(as_text=True)
    assert "Calm session.\nRested." in body and "Cold oil." in body


def test_records_are_not_on_pages_reception_can_open(app, therapist, day):
    assert post_record(therapist, day.started_id, CANARY).status_code == 303
    reception = signed_in_client(app, StaffRole.RECEPTION)
    for path in ["/dashboard/", "/dashboard/calls"]:
        assert CANARY not in reception.get(path).get_data(as_text=True), path


def test_the_record_opens_filled_in_from_the_plan_and_saves_as_it_is(app, therapist, day):
    # Ro's questionnaire: pressure 2, massage on the shoulders and feet, not the neck, head
    # raised; the booked session gives 45 minutes hands-on.
    opened = therapist.get(note_path(day.recent_id))
    assert opened.status_code == 200
    assert "Filled in from the plan" in text_of(opened)
    values = form_values(opened)
    assert values["hands_on_minutes"] == ["45"]
    assert values["pressure"] == ["2"]
    assert values["positions"] == ["back", "head_raised"]
    assert values["areas_worked"] == ["shoulders", "feet"]
    assert values["areas_avoided"] == ["neck"]
    assert values["arrived"] == []  # no check-in before that session
    assert values["helped"] == [""] and values["avoid_next"] == [""]
    assert values["seen"] == [""]

    saved = therapist.post(note_path(day.recent_id), data=values)
    assert saved.status_code == 303
    assert stored_records(app) == {
        day.recent_id: SessionRecord(
            hands_on_minutes=45,
            pressure=2,
            positions=["back", "head_raised"],
            areas_worked=["shoulders", "feet"],
            areas_avoided=["neck"],
        )
    }
    # Opened again, the form shows the record as saved.
    again = form_values(therapist.get(note_path(day.recent_id)))
    assert {name: again[name] for name in values if name not in {"seen", "csrf_token"}} == {
        name: value for name, value in values.items() if name not in {"seen", "csrf_token"}
    }


def test_an_old_note_opens_with_the_plan_filled_in_and_its_words_kept(app, therapist, day):
    add_record(app, day.recent_id, None, None, "Liked the dim room.")  # before the record
    assert stored_records(app)[day.recent_id] == SessionRecord(helped="Liked the dim room.")
    opened = therapist.get(note_path(day.recent_id))
    assert "Nothing written" not in text_of(opened) and "Liked the dim room." in text_of(opened)
    values = form_values(opened)
    assert values["hands_on_minutes"] == ["45"] and values["pressure"] == ["2"]
    assert values["helped"] == ["Liked the dim room."]
    assert values["seen"] != [""]
    assert therapist.post(note_path(day.recent_id), data=values).status_code == 303
    record = stored_records(app)[day.recent_id]
    assert record.has_details and record.helped == "Liked the dim room."


def test_a_therapist_who_never_saw_the_client_cannot_open_their_record(app, therapist, day):
    assert post_record(therapist, day.started_id, CANARY).status_code == 303
    therapist_for(app, day.other_practitioner_id, email="tom@practice.test")
    tom = app.test_client()
    assert sign_in(tom, "tom@practice.test").status_code == 303
    for booking_id in [day.started_id, day.recent_id]:  # Kit's and Ro's: Maya's clients
        opened = tom.get(note_path(booking_id))
        assert opened.status_code == 404
        assert CANARY not in opened.get_data(as_text=True)
        assert MEDICATION_CANARY not in opened.get_data(as_text=True)
    refused = post_record(tom, day.recent_id, "Not my client.")
    assert refused.status_code == 404
    assert set(stored_records(app)) == {day.started_id}
    own = tom.get(note_path(day.other_id))  # his own client's session, later today
    assert own.status_code == 200
    assert "You can write the record once the session has started." in text_of(own)
    # And Maya cannot open Tom's client's.
    assert therapist.get(note_path(day.other_id)).status_code == 404


# --- In a real browser: keyboard only, WCAG 2.2 AA ---------------------------------------------


@pytest.mark.browser
def test_the_day_works_by_keyboard_and_passes_axe(app, browser, live_server, day):
    # Ro's last session has a record, so the day shows last time's and a suggestion too.
    add_record(app, day.recent_id, 40, 3, "Liked the shoulders.")
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(live_server + "/dashboard/today")
    sign_in_by_keyboard(page, StaffRole.THERAPIST)
    assert page.inner_text("h1") == "Your day"
    assert "Keep this for the session" not in page.inner_text("main")  # details wait, closed
    assert axe_violations(page) == []
    tab_to(page, "Ro")  # the client's name in the day's list opens their session
    page.keyboard.press("Enter")
    assert "Keep this for the session" in page.inner_text("main")
    assert axe_violations(page) == []
    assert small_targets(page) == []
    page.goto(live_server + "/dashboard/today")
    tab_to(page, "Kit Willow")
    page.keyboard.press("Enter")
    tab_and_follow(page, "Write the record for Kit Willow, 9am")
    assert page.inner_text("h1") == "Session record: Kit Willow"
    assert axe_violations(page) == []
    assert small_targets(page) == []
    tab_and_type(page, "What helped", "Settled quickly; keep the room dim.")
    tab_and_follow(page, "Save the record")  # the minutes and pressure came filled in
    assert page.inner_text("h1") == "Your day"
    assert "Record saved." in page.inner_text("main")
    assert "Settled quickly; keep the room dim." in page.inner_text("main")
    assert axe_violations(page) == []
    context.close()
