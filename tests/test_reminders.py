"""Day-before reminders with one-tap check-ins, and the follow-up two days after."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from booking.domain.reminders import after_quiet_hours, in_quiet_hours, reminder_due
from booking.extensions import db
from booking.models import Booking, OutboxMessage
from booking.services import booking as bookings
from booking.services.messaging import outbox
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client
from tests.support.pages import csrf_token, text_of

LONDON = ZoneInfo("Europe/London")
NEVER = ("detox", "toxins", "healing crisis", "push through", "build up tolerance")


@pytest.mark.parametrize(
    ("moment", "quiet", "inside"),
    [
        (time(9, 0), (time(20, 0), time(10, 0)), True),
        (time(10, 0), (time(20, 0), time(10, 0)), False),
        (time(21, 0), (time(20, 0), time(10, 0)), True),
        (time(12, 0), (time(13, 0), time(15, 0)), False),
        (time(14, 0), (time(13, 0), time(15, 0)), True),
        (time(14, 0), (None, None), False),
        (time(14, 0), (time(9, 0), time(9, 0)), False),
    ],
)
def test_quiet_hours_may_cross_midnight(moment, quiet, inside):
    assert in_quiet_hours(moment, *quiet) is inside


def test_the_reminder_is_the_morning_before_in_london_time_across_the_clock_change():
    # Session on Monday 26 October 2026 (GMT); the day before is the change-over Sunday.
    due = reminder_due(datetime(2026, 10, 26, 9, 0, tzinfo=UTC), LONDON)
    assert due == datetime(2026, 10, 25, 10, 0, tzinfo=UTC)  # 10:00 GMT
    summer = reminder_due(datetime(2026, 10, 24, 9, 0, tzinfo=UTC), LONDON)
    assert summer == datetime(2026, 10, 23, 9, 0, tzinfo=UTC)  # 10:00 BST


def test_a_reminder_due_in_quiet_hours_waits_until_they_end():
    due = reminder_due(MONDAY, LONDON, time(20, 0), time(11, 30))
    assert due == datetime(2026, 11, 22, 11, 30, tzinfo=UTC)
    late = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)
    assert after_quiet_hours(late, LONDON, time(20, 0), time(8, 0)) == datetime(
        2026, 11, 23, 8, 0, tzinfo=UTC
    )


def due_rows(app, kind):
    with app.app_context():
        found = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        ).all()
        db.session.expunge_all()
        return found


def send_at(app, moment):
    with app.app_context():
        return outbox.run_once(lambda: moment)


def links_in(message) -> dict[str, str]:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return dict(re.findall(r"^(.+?): (http\S+/(?:checkin|followup)/\S+)\r?$", body, re.MULTILINE))


def test_the_day_before_a_first_session_the_reminder_says_it_is_short_and_gentle(
    app, practice, inbox
):
    book_as_client(app)
    (reminder,) = due_rows(app, "client_reminder")
    assert reminder.due_at == datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    send_at(app, DEFAULT_NOW)
    send_at(app, reminder.due_at)
    message = inbox.messages[-1]
    text = message.get_body(preferencelist=("plain",)).get_content()
    for line in [
        "Your first session is short and gentle.",
        "You can stop, or change anything, at any time.",
        "You can lie down while you wait.",
        "Keep the rest of the day, and the next one or two days, light.",
        "Most people take two or three sessions to settle in.",
    ]:
        assert line in text
    assert set(links_in(message)) == {
        "As planned",
        "Shorter and gentler, please",
        "Switch to a phone call",
        "Postpone it, no charge",
    }


def test_a_check_in_is_one_tap_to_a_page_and_one_press_to_record(app, practice, inbox, client):
    book_as_client(app)
    reminder = due_rows(app, "client_reminder")[0]
    send_at(app, reminder.due_at)
    link = links_in(inbox.messages[-1])["Shorter and gentler, please"]
    path = "/" + link.split("/", 3)[3]
    page = client.get(path)
    assert "Your answer: Shorter and gentler, please" in text_of(page)
    with app.app_context():
        assert (
            db.session.scalars(select(Booking)).one().checkin_answer is None
        )  # GET changes nothing
    done = client.post(path, data={"csrf_token": csrf_token(page)})
    assert "knows, and will keep it gentle" in text_of(done)
    again = client.post(path, data={"csrf_token": csrf_token(page)})
    assert again.status_code == 200  # twice is the same answer, acted on once
    assert "knows, and will keep it gentle" in text_of(again)
    with app.app_context():
        assert db.session.scalars(select(Booking)).one().checkin_answer == "gentler"
    assert client.get(path[:-3] + "xyz").status_code == 404


def test_a_check_in_after_the_booking_changed_records_nothing_and_says_why(
    app, practice, inbox, client
):
    token = book_as_client(app)
    reminder = due_rows(app, "client_reminder")[0]
    send_at(app, reminder.due_at)
    path = "/" + links_in(inbox.messages[-1])["As planned"].split("/", 3)[3]
    page = client.get(path)
    with app.app_context():
        bookings.reschedule(token, MONDAY + timedelta(hours=1), DEFAULT_NOW)
    response = client.post(path, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 409
    assert "the session has changed since" in text_of(response)
    with app.app_context():
        assert db.session.scalars(select(Booking)).one().checkin_answer is None


def test_a_moved_session_drops_the_old_reminder_and_sends_the_new_one(app, practice, inbox):
    token = book_as_client(app)
    with app.app_context():
        bookings.reschedule(token, MONDAY + timedelta(days=1), DEFAULT_NOW)
    old, new = sorted(due_rows(app, "client_reminder"), key=lambda row: row.sequence)
    assert (old.sequence, new.sequence) == (0, 1)
    send_at(app, old.due_at)
    send_at(app, new.due_at)
    reminders = [m for m in inbox.messages if str(m["Subject"]).startswith("Tomorrow")]
    assert len(reminders) == 1
    superseded = next(row for row in due_rows(app, "client_reminder") if row.sequence == 0)
    assert superseded.dropped_at is not None


def test_a_reminder_held_up_until_after_the_start_is_dropped(app, practice, inbox):
    book_as_client(app)
    report = send_at(app, MONDAY + timedelta(minutes=5))
    assert not [m for m in inbox.messages if str(m["Subject"]).startswith("Tomorrow")]
    assert report.dropped >= 1


def test_the_follow_up_two_days_after_records_a_crash_and_suggests_gentler(
    app, practice, inbox, client
):
    book_as_client(app)
    (followup,) = due_rows(app, "client_followup")
    with app.app_context():
        end = db.session.scalars(select(Booking)).one().end_utc
    assert followup.due_at == end + timedelta(hours=48)
    send_at(app, followup.due_at)
    message = next(m for m in inbox.messages if m["Subject"] == "How were you after your session?")
    assert (
        "Feeling worse is useful to know, not a failure."
        in message.get_body(preferencelist=("plain",)).get_content()
    )
    app.extensions["clock"] = lambda: followup.due_at
    path = "/" + links_in(message)["A crash"].split("/", 3)[3]
    page = client.get(path)
    done = client.post(path, data={"csrf_token": csrf_token(page)})
    assert "Next time we will suggest a shorter, gentler session. You choose." in text_of(done)
    with app.app_context():
        assert db.session.scalars(select(Booking)).one().followup_answer == "crash"


TEMPLATES = Path(__file__).resolve().parent.parent / "booking" / "templates"
MESSAGES = Path(__file__).resolve().parent.parent / "booking" / "domain" / "messages.py"


@pytest.mark.parametrize(
    "path", sorted([*TEMPLATES.rglob("*.html"), MESSAGES]), ids=lambda path: path.name
)
def test_no_template_uses_words_we_never_use(path):
    words = path.read_text().lower()
    for never in NEVER:
        assert never not in words, f"{path.name} says {never!r}"


def test_the_demo_practice_reminders_reach_the_carer_when_chosen(app, practice, inbox):
    book_as_client(
        app,
        name="Bo Green",
        email="bo@example.com",
        carer_name="Cas Green",
        carer_email="cas@example.com",
        send_to_carer=True,
    )
    (reminder,) = due_rows(app, "client_reminder")
    assert reminder.recipient == "cas@example.com"


def test_the_questionnaire_link_goes_by_email_and_works(app, practice, inbox, client):
    book_as_client(app)
    send_at(app, DEFAULT_NOW)
    message = next(
        m for m in inbox.messages if m["Subject"] == "Your questions before your session"
    )
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"Answer the questions: (http\S+)\r?$", body, re.MULTILINE)[1]
    assert "You can stop at any time: we keep your answers." in text_of(
        client.get("/" + link.split("/", 3)[3])
    )


def test_one_gentle_nudge_goes_only_if_the_questions_are_still_unanswered(app, practice, inbox):
    later = datetime(2026, 12, 7, 10, 15, tzinfo=UTC)  # two weeks ahead
    book_as_client(app, start=later)
    (nudge,) = due_rows(app, "client_intake_nudge")
    assert nudge.due_at == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # three days before
    send_at(app, nudge.due_at)
    assert [m for m in inbox.messages if "gentle reminder" in str(m["Subject"])]


def test_the_nudge_is_dropped_once_the_questions_are_sent(app, practice, inbox):
    from booking.domain.statuses import IntakeStatus
    from booking.models import Intake

    later = datetime(2026, 12, 7, 10, 15, tzinfo=UTC)
    book_as_client(app, start=later)
    with app.app_context():
        intake = db.session.scalars(select(Intake)).one()
        intake.status = IntakeStatus.SUBMITTED
        db.session.commit()
    (nudge,) = due_rows(app, "client_intake_nudge")
    send_at(app, nudge.due_at)
    assert not [m for m in inbox.messages if "gentle reminder" in str(m["Subject"])]
    assert due_rows(app, "client_intake_nudge")[0].dropped_at is not None


def test_quiet_hours_from_the_questionnaire_hold_a_message_until_they_end(app, practice, inbox):
    from booking.models import Client
    from booking.services.intake import questionnaire as intakes

    book_as_client(app)
    with app.app_context():
        client = db.session.scalars(select(Client)).one()
        link = intakes.link_token(intakes.latest_intake(client.id))
        intakes.save_page(link, "contact", {"quiet_hours": "20-09"}, DEFAULT_NOW)
        intakes._keep_quiet_hours(client, {"contact": {"quiet_hours": "20-09"}})
        db.session.commit()
        assert (client.quiet_from_local, client.quiet_until_local) == (time(20, 0), time(9, 0))
    late_evening = datetime(2026, 11, 21, 21, 30, tzinfo=UTC)
    report = send_at(app, late_evening)
    assert report.waiting == 2 and report.sent == 1  # the therapist's invite is not held
    assert [str(m["To"]) for m in inbox.messages] != ["ann@example.com"]
    morning = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert send_at(app, morning).sent >= 2


def test_after_a_crash_the_next_reminder_offers_gentler_and_never_forces_it(app, practice, inbox):
    book_as_client(app)
    with app.app_context():
        first = db.session.scalars(select(Booking)).one()
        first.followup_answer = "crash"
        db.session.commit()
    next_week = MONDAY + timedelta(days=8)
    book_as_client(app, next_week, "gentle-massage")
    with app.app_context():
        second = db.session.scalars(select(Booking).where(Booking.start_utc == next_week)).one()
        assert second.service.slug == "gentle-massage"  # the length is the client's choice
    reminder = max(due_rows(app, "client_reminder"), key=lambda row: row.due_at)
    assert "If you would like tomorrow shorter and gentler, just say so below." in (
        reminder.text_body
    )
    first_reminder = min(due_rows(app, "client_reminder"), key=lambda row: row.due_at)
    assert "felt much worse" not in first_reminder.text_body
