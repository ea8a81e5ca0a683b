"""The week-to-week loop: each session's record and response shape a suggestion for the next,
which the therapist keeps or edits; more than last time reaches the client as an offer in the
reminder, and only their yes changes the booking. The client's own page lists their sessions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus, StaffRole
from booking.encryption import cipher
from booking.extensions import db
from booking.models import (
    AuditEvent,
    Booking,
    OutboxMessage,
    Practitioner,
    Service,
    SessionAdjustment,
    SessionNote,
)
from booking.services import booking as bookings
from booking.services.messaging import notify, replies
from booking.services.staff.accounts import add_staff
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, booking_for
from tests.support.browser import (
    axe_violations,
    sign_in_by_keyboard,
    small_targets,
    tab_and_follow,
    tab_to,
)
from tests.support.factories import make_booking, make_client
from tests.support.pages import csrf_token, text_of
from tests.support.queries import count_queries
from tests.support.staff import EMAILS, PASSWORD, signed_in_client

CANARY = "CANARY-helped-warm-towel-5521"
OTHER_THERAPIST = "tom.therapist@practice.test"


def _service(slug: str) -> Service:
    return db.session.scalars(select(Service).where(Service.slug == slug)).one()


def _practitioner(name: str) -> Practitioner:
    return db.session.scalars(select(Practitioner).where(Practitioner.name == name)).one()


def _link_staff(app, email: str, role: StaffRole, practitioner_name: str) -> None:
    with app.app_context():
        user = add_staff(email, role, PASSWORD)
        user.practitioner = _practitioner(practitioner_name)
        db.session.commit()


def _with_history(app, slug: str, sessions: list[tuple[int, int, str | None]]) -> str:
    """Ann's session with Maya on Monday, booked after earlier ones of the same kind, a week
    apart, oldest first: (hands-on minutes, pressure, follow-up answer) each. Returns the
    manage token of Monday's session."""
    with app.app_context():
        maya, service = _practitioner("Maya Okafor"), _service(slug)
        ann = make_client(name="Ann Smith", email="ann@example.com")
        for weeks_ago, (minutes, pressure, answer) in zip(
            range(len(sessions), 0, -1), sessions, strict=True
        ):
            start = DEFAULT_NOW - timedelta(weeks=weeks_ago)
            past = make_booking(
                client=ann,
                practitioner=maya,
                service=service,
                start_utc=start,
                status=BookingStatus.ATTENDED,
                followup_answer=answer,
            )
            db.session.add(
                SessionNote(
                    booking_id=past.id,
                    note_encrypted=cipher().encrypt(f"{CANARY} {minutes}"),
                    hands_on_minutes=minutes,
                    pressure=pressure,
                    created_at=start,
                    updated_at=start,
                )
            )
        db.session.commit()
        token = bookings.new_manage_token()
        bookings.book(slug, MONDAY, maya.id, None, token, DEFAULT_NOW, client_id=ann.id)
    _link_staff(app, EMAILS[StaffRole.THERAPIST], StaffRole.THERAPIST, "Maya Okafor")
    return token


@pytest.fixture
def short_session(app, practice, freeze):
    """Ann's short session (30 minutes, about 20 hands-on) with Maya on Monday, after two
    earlier ones of 20 minutes at pressure 2, each followed by "fine"."""
    freeze(DEFAULT_NOW)
    return _with_history(app, "short-session", [(20, 2, "fine"), (20, 2, "fine")])


def _agree(therapist, booking_id: int, minutes: str, pressure: str = "2", direction="more"):
    page = therapist.get("/dashboard/today")
    return therapist.post(
        f"/dashboard/today/sessions/{booking_id}/next",
        data={
            "csrf_token": csrf_token(page),
            "hands_on_minutes": minutes,
            "pressure": pressure,
            "direction": direction,
        },
    )


def _reminders(app, booking_id: int) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.booking_id == booking_id,
                OutboxMessage.kind == "client_reminder",
                OutboxMessage.dropped_at.is_(None),
            )
            .order_by(OutboxMessage.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def _offer_path(app, booking_id: int, answer: str) -> str:
    with app.app_context():
        url = replies.answer_links("offer", db.session.get(Booking, booking_id))[answer]
    return "/" + url.split("/", 3)[3]


def _answer_offer(app, client, booking_id: int, answer: str):
    path = _offer_path(app, booking_id, answer)
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf_token(page)})


def _slug(app, token: str) -> str:
    """The slug of the session booked behind this manage link, as stored now."""
    with app.app_context():
        return db.session.get(Service, booking_for(app, token).service_id).slug


def _agreed(app, booking_id: int) -> SessionAdjustment | None:
    with app.app_context():
        row = db.session.scalars(
            select(SessionAdjustment).where(SessionAdjustment.booking_id == booking_id)
        ).one_or_none()
        db.session.expunge_all()
        return row


# --- The suggestion on the therapist's day ----------------------------------------------------


def test_two_fine_sessions_give_an_offer_of_a_little_more_on_the_day_card(app, short_session):
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    words = text_of(therapist.get("/dashboard/today"))
    assert "No worsening after the last 2 sessions: offer about 5 more minutes (25)" in words
    assert "the client decides" in words
    # The last session in view: its record and the answer after it.
    assert "After it: Fine." in words and f"{CANARY} 20" in words
    assert _slug(app, short_session) == "short-session"  # nothing changed by itself


def test_a_crash_last_time_suggests_shorter_and_lighter(app, practice, freeze):
    freeze(DEFAULT_NOW)
    _with_history(app, "gentle-massage", [(30, 3, "fine"), (30, 3, "crash")])
    words = text_of(signed_in_client(app, StaffRole.THERAPIST).get("/dashboard/today"))
    assert "They had a crash after the last session" in words
    assert "Feeling worse is useful to know, not a failure" in words
    assert "about 5 minutes less (25) and a lighter touch (2)" in words


# --- Kept by the therapist, offered to the client ----------------------------------------------


def test_a_kept_offer_reaches_the_client_in_the_reminder_and_changes_nothing_yet(
    app, short_session
):
    booking = booking_for(app, short_session)
    [before] = _reminders(app, booking.id)
    assert "a little more massage" not in before.text_body
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    kept = _agree(therapist, booking.id, "25")
    assert kept.status_code == 303
    words = text_of(therapist.get("/dashboard/today"))
    assert "Kept. The client is asked in their reminder" in words
    assert "Offered to the client (instead of 20 minutes): waiting for their answer." in words

    agreed = _agreed(app, booking.id)
    assert (agreed.hands_on_minutes, agreed.pressure, agreed.offered_from_minutes) == (25, 2, 20)
    with app.app_context():
        longer = db.session.get(Service, agreed.longer_service_id)
        assert longer.slug == "gentle-massage"  # 25 minutes needs more than the short session
    [reminder] = _reminders(app, booking.id)  # written again in place, at the same moment
    assert reminder.due_at == before.due_at and reminder.sent_at is None
    assert "Would you like a little more massage tomorrow? About 25 minutes hands-on instead" in (
        reminder.text_body
    )
    assert "Yes, please" in reminder.html_body and "Keep it as it is" in reminder.html_body
    assert "/offer/" in reminder.text_body
    assert CANARY not in reminder.text_body  # nothing from the record reaches the client
    assert _slug(app, short_session) == "short-session"  # never automatic
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.AGREED_NEXT_SESSION)
        ).one()
        assert event.booking_id == booking.id and CANARY not in event.detail


def test_the_clients_yes_makes_the_session_longer_at_the_same_time(app, short_session, client):
    booking = booking_for(app, short_session)
    _agree(signed_in_client(app, StaffRole.THERAPIST), booking.id, "25")
    manage = text_of(client.get(f"/manage/{short_session}"))
    assert "A little more massage next time?" in manage
    assert "Maya Okafor suggests about 25 minutes of massage instead of 20" in manage

    done = _answer_offer(app, client, booking.id, "yes")
    assert done.status_code == 200
    assert "Maya Okafor knows, and will give you a little more massage." in text_of(done)
    after = booking_for(app, short_session)
    assert _slug(app, short_session) == "gentle-massage"
    assert after.start_utc == booking.start_utc
    assert after.end_utc - after.start_utc == timedelta(minutes=60)
    assert after.ical_sequence == booking.ical_sequence + 1
    assert _agreed(app, booking.id).client_answer == "yes"
    with app.app_context():
        update = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.booking_id == booking.id, OutboxMessage.kind == "client_update"
            )
        ).one()
        assert "Your session is now a little longer, as you asked." in update.text_body
    # Pressing again shows the thank-you page and changes nothing more.
    again = _answer_offer(app, client, booking.id, "yes")
    assert again.status_code == 200
    assert booking_for(app, short_session).ical_sequence == after.ical_sequence
    assert "A little more massage next time?" not in text_of(client.get(f"/manage/{short_session}"))
    day = text_of(signed_in_client(app, StaffRole.THERAPIST).get("/dashboard/today"))
    assert "The client said yes to the offer." in day


def test_keep_it_as_it_is_changes_nothing(app, short_session, client):
    booking = booking_for(app, short_session)
    _agree(signed_in_client(app, StaffRole.THERAPIST), booking.id, "25")
    done = _answer_offer(app, client, booking.id, "keep")
    assert done.status_code == 200
    assert "Your session stays as it is." in text_of(done)
    assert _slug(app, short_session) == "short-session"
    assert _agreed(app, booking.id).client_answer == "keep"
    day = text_of(signed_in_client(app, StaffRole.THERAPIST).get("/dashboard/today"))
    assert "The client would rather keep it as it is (20 minutes)." in day


def test_a_yes_that_no_longer_fits_says_so_and_changes_nothing(app, short_session, client):
    booking = booking_for(app, short_session)
    _agree(signed_in_client(app, StaffRole.THERAPIST), booking.id, "25")
    with app.app_context():  # someone else books Maya straight after the short session
        make_booking(
            client=make_client(),
            practitioner=_practitioner("Maya Okafor"),
            service=_service("short-session"),
            start_utc=MONDAY + timedelta(minutes=60),
        )
        db.session.commit()
    refused = _answer_offer(app, client, booking.id, "yes")
    assert refused.status_code == 409
    assert "The longer session does not fit at that time" in text_of(refused)
    assert _slug(app, short_session) == "short-session"
    assert _agreed(app, booking.id).client_answer is None  # still theirs to answer


def test_more_within_the_booked_time_needs_no_change_to_the_booking(app, practice, freeze, client):
    freeze(DEFAULT_NOW)  # a gentle massage: 60 minutes, about 45 hands-on
    token = _with_history(app, "gentle-massage", [(35, 2, "fine"), (35, 2, "fine")])
    booking = booking_for(app, token)
    _agree(signed_in_client(app, StaffRole.THERAPIST), booking.id, "40")
    assert _agreed(app, booking.id).longer_service_id is None
    assert _answer_offer(app, client, booking.id, "yes").status_code == 200
    after = booking_for(app, token)
    assert (after.service_id, after.ical_sequence) == (booking.service_id, booking.ical_sequence)
    assert _agreed(app, booking.id).client_answer == "yes"


@pytest.mark.parametrize(
    ("minutes", "pressure", "field", "message"),
    [
        ("", "2", "hands_on_minutes", "Please give the hands-on minutes as a number."),
        ("lots", "2", "hands_on_minutes", "Please give the hands-on minutes as a number."),
        ("1" * 400, "2", "hands_on_minutes", "Please give a number from 0 to 240."),
        ("90", "2", "hands_on_minutes", "Please keep to 45 minutes hands-on or fewer"),
        ("25", "9", "pressure", "Please choose the pressure, 1 to 5."),
    ],
)
def test_a_change_that_cannot_be_kept_says_why_next_to_the_field_and_keeps_nothing(
    app, short_session, minutes, pressure, field, message
):
    booking = booking_for(app, short_session)
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    refused = _agree(therapist, booking.id, minutes, pressure)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">(.*?)</p>', html, re.S)
    assert error is not None and message in error[1]
    assert f'value="{minutes}"' in html or not minutes  # what was typed is still there
    assert "Next session: Ann Smith" in text_of(refused)
    assert _agreed(app, booking.id) is None
    assert len(_reminders(app, booking.id)) == 1


def test_a_changed_offer_makes_the_older_link_stale(app, short_session, client):
    booking = booking_for(app, short_session)
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    _agree(therapist, booking.id, "25")
    old_yes = _offer_path(app, booking.id, "yes")
    _agree(therapist, booking.id, "30")  # changed before the client answered
    stale = client.get(old_yes)
    assert "your therapist has changed it since" in text_of(stale)
    assert "Send this answer" not in text_of(stale)  # nothing to press
    assert _agreed(app, booking.id).client_answer is None
    assert _answer_offer(app, client, booking.id, "keep").status_code == 200  # the new one


def test_no_second_offer_once_the_client_has_answered(app, short_session, client):
    booking = booking_for(app, short_session)
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    _agree(therapist, booking.id, "25")
    _answer_offer(app, client, booking.id, "keep")
    again = _agree(therapist, booking.id, "30")
    assert again.status_code == 422
    assert "The client has already answered an offer for this session." in text_of(again)
    gentler = _agree(therapist, booking.id, "20", direction="same")  # not more: kept
    assert gentler.status_code == 303
    agreed = _agreed(app, booking.id)
    assert (agreed.hands_on_minutes, agreed.client_answer) == (20, "keep")


def test_asking_for_gentler_at_the_check_in_closes_the_offer(app, short_session, client, freeze):
    booking = booking_for(app, short_session)
    _agree(signed_in_client(app, StaffRole.THERAPIST), booking.id, "25")
    with app.app_context():
        db.session.get(Booking, booking.id).checkin_answer = "gentler"
        db.session.commit()
    assert "A little more massage next time?" not in text_of(client.get(f"/manage/{short_session}"))
    closed = client.get(_offer_path(app, booking.id, "yes"))
    assert "You asked us for less this time, so your session stays as it is." in text_of(closed)


def test_more_is_never_offered_straight_after_feeling_worse(app, practice, freeze):
    freeze(DEFAULT_NOW)
    token = _with_history(app, "short-session", [(20, 2, "fine"), (20, 2, "crash")])
    booking = booking_for(app, token)
    refused = _agree(signed_in_client(app, StaffRole.THERAPIST), booking.id, "25")
    assert refused.status_code == 422
    assert "More time is offered only after two sessions in a row" in text_of(refused)
    assert _agreed(app, booking.id) is None


def test_after_a_yes_the_therapist_can_still_change_the_pressure(app, short_session, client):
    booking = booking_for(app, short_session)
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    _agree(therapist, booking.id, "25")
    _answer_offer(app, client, booking.id, "yes")
    assert _agree(therapist, booking.id, "25", pressure="1").status_code == 303
    agreed = _agreed(app, booking.id)
    assert (agreed.pressure, agreed.client_answer) == (1, "yes")
    closed = client.get(_offer_path(app, booking.id, "keep"))
    assert "You said yes to a little more, so that is kept for you." in text_of(closed)


def test_the_next_session_page_opens_with_the_suggestion(app, short_session):
    booking = booking_for(app, short_session)
    page = signed_in_client(app, StaffRole.THERAPIST).get(
        f"/dashboard/today/sessions/{booking.id}/next"
    )
    assert page.status_code == 200
    assert 'value="25"' in page.get_data(as_text=True)
    assert "offer about 5 more minutes (25)" in text_of(page)


def test_another_therapist_cannot_keep_a_change_for_someone_elses_client(app, short_session):
    _link_staff(app, OTHER_THERAPIST, StaffRole.THERAPIST, "Tom Reid")
    tom = app.test_client()
    from tests.support.staff import sign_in

    assert sign_in(tom, OTHER_THERAPIST).status_code == 303
    booking = booking_for(app, short_session)
    assert _agree(tom, booking.id, "25").status_code == 404
    assert _agreed(app, booking.id) is None


def test_a_client_reminded_by_phone_answers_the_offer_on_the_call(app, short_session, freeze):
    booking = booking_for(app, short_session)
    with app.app_context():
        ann = db.session.get(Booking, booking.id).client
        ann.phone, ann.reminder_channels = "+441632960123", "phone"
        notify.reroute_reminders(ann.id, DEFAULT_NOW)
        db.session.commit()
    # Kept late, after the reminder call fell due and before the desk rang: still asked.
    freeze(MONDAY - timedelta(hours=22))
    _agree(signed_in_client(app, StaffRole.THERAPIST), booking.id, "25")
    desk = signed_in_client(app, StaffRole.RECEPTION)
    calls = desk.get("/dashboard/phone-calls")
    words = text_of(calls)
    assert "Would they like a little more massage: about 25 minutes instead of 20?" in words
    assert "Would you like a little more massage tomorrow?" in words  # the script says it
    done = desk.post(
        f"/dashboard/phone-calls/{booking.id}",
        data={
            "csrf_token": csrf_token(calls),
            "kind": "checkin",
            "answer": "as_planned",
            "sequence": str(booking.ical_sequence),
            "offer": "yes",
        },
    )
    assert done.status_code == 303
    assert _slug(app, short_session) == "gentle-massage"
    assert _agreed(app, booking.id).client_answer == "yes"
    with app.app_context():
        assert db.session.get(Booking, booking.id).checkin_answer == "as_planned"


# --- The client's timeline --------------------------------------------------------------------


def test_the_timeline_shows_each_session_with_a_chart_and_table(app, short_session):
    booking = booking_for(app, short_session)
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    page = therapist.get(f"/dashboard/clients/{booking.client_id}/sessions")
    assert page.status_code == 200
    html, words = page.get_data(as_text=True), text_of(page)
    assert 'role="img"' in html and "<svg" in html
    assert html.count('class="chart-mark chart-mark--fine"') == 2 + 1  # and the legend's
    assert "Session 1:" in words and "Session 2:" in words
    assert html.count("<td>20 min</td>") == 2  # the data table beside the chart
    assert f"{CANARY} 20" in words
    assert "offer about 5 more minutes (25)" in words  # the next session's suggestion
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.client_id) == (AuditAction.VIEWED_TIMELINE, booking.client_id)
        assert CANARY not in event.detail


def test_the_timeline_takes_the_same_queries_however_many_sessions(app, short_session):
    booking = booking_for(app, short_session)
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    path = f"/dashboard/clients/{booking.client_id}/sessions"
    few = count_queries(app, therapist, path)
    with app.app_context():
        for weeks in range(3, 9):
            make_booking(
                client_id=booking.client_id,
                practitioner_id=booking.practitioner_id,
                service=_service("short-session"),
                start_utc=DEFAULT_NOW - timedelta(weeks=weeks, days=1),
                followup_answer="tired",
            )
        db.session.commit()
    assert count_queries(app, therapist, path) == few


def test_only_the_clients_therapists_and_admin_see_the_timeline(app, short_session):
    booking = booking_for(app, short_session)
    path = f"/dashboard/clients/{booking.client_id}/sessions"
    assert signed_in_client(app, StaffRole.ADMIN).get(path).status_code == 200
    assert signed_in_client(app, StaffRole.RECEPTION).get(path).status_code == 403
    _link_staff(app, OTHER_THERAPIST, StaffRole.THERAPIST, "Tom Reid")
    tom = app.test_client()
    from tests.support.staff import sign_in

    assert sign_in(tom, OTHER_THERAPIST).status_code == 303
    assert tom.get(path).status_code == 404
    assert tom.get(f"/dashboard/today/sessions/{booking.id}/note").status_code == 404


# --- The client's own page ---------------------------------------------------------------------


def test_the_manage_page_lists_the_clients_sessions_without_anything_clinical(
    app, short_session, client
):
    page = client.get(f"/manage/{short_session}")
    words = text_of(page)
    assert "Your sessions" in words
    assert "Coming up" in words and "30 minutes (this one)" in words
    assert "Past sessions" in words
    assert "Saturday 14 November at 10am: 30 minutes" in words
    assert "Saturday 7 November at 10am: 30 minutes" in words
    assert CANARY not in words and "pressure" not in words.lower()
    again = re.search(r'href="(/manage/[^"]+/again)"[^>]*>Book the same again', page.text)
    assert again is not None
    times = text_of(client.get(again[1]))
    assert "Short session" in times and "Maya Okafor" in times


# --- In a real browser: keyboard only, axe, light and dark, a phone's width --------------------


@pytest.mark.browser
@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 1280), ("light", 320)])
def test_the_timeline_passes_axe_in_light_and_dark_and_at_320px(
    app, browser, live_server, short_session, scheme, width
):
    booking = booking_for(app, short_session)
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/clients/{booking.client_id}/sessions")
    sign_in_by_keyboard(page, StaffRole.THERAPIST)
    assert page.inner_text("h1") == "Sessions over time: Ann Smith"
    assert page.locator("svg.session-chart").count() == 1
    assert axe_violations(page) == []
    assert small_targets(page) == []
    # The page never scrolls sideways; only the chart's own region may, on a narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Keeping the suggestion works from the keyboard too.
    tab_and_follow(page, "Keep this for the session")
    assert "Kept. The client is asked in their reminder" in page.inner_text("main")
    assert axe_violations(page) == []
    context.close()


@pytest.mark.browser
def test_the_record_is_quick_on_a_phone_by_keyboard(
    app, browser, live_server, short_session, freeze
):
    booking = booking_for(app, short_session)
    freeze(MONDAY + timedelta(minutes=40))  # the session has just ended
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/today/sessions/{booking.id}/note")
    sign_in_by_keyboard(page, StaffRole.THERAPIST)
    assert page.inner_text("h1") == "Session record: Ann Smith"
    assert axe_violations(page) == []
    assert small_targets(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Filled in from the plan: the booked hands-on time; only what differed is changed.
    assert page.input_value("#hands_on_minutes") == "20"
    tab_to(page, "Hands-on minutes")
    page.keyboard.press("Control+A")
    page.keyboard.type("18")
    tab_and_follow(page, "Save as filled in")  # the rest was right as filled in
    assert "Record saved." in page.inner_text("main")
    with app.app_context():
        saved = db.session.scalars(
            select(SessionNote).where(SessionNote.booking_id == booking.id)
        ).one()
        assert (saved.hands_on_minutes, saved.pressure) == (18, 2)  # last time's pressure
    context.close()
