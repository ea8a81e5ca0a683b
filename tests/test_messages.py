"""The emails a booking change sends: who gets what, what they say, what they never say, and
the calendar invite each carries, checked with icalendar and with the independent `ical`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ical.calendar_stream import IcsCalendarStream
from ical.event import EventStatus
from icalendar import Calendar

from booking.domain.messages import Change, Outgoing, booking_messages
from tests.support import DEFAULT_NOW
from tests.support.messages import MONDAY, PRACTICE_EMAIL, THERAPIST_EMAIL, UID, make_facts


def messages_for(change: Change, **overrides: Any) -> dict[str, Outgoing]:
    """The messages for one change, by kind."""
    messages = booking_messages(make_facts(**overrides), change, DEFAULT_NOW)
    by_kind = {message.kind: message for message in messages}
    assert len(by_kind) == len(messages)
    return by_kind


VARIANTS = {
    "first": {},
    "returning": {"first_visit": False},
    "home": {"home_visit": True},
    "held": {"held": True},
    "all-massage": {"hands_on_minutes": None, "first_visit": False, "home_visit": True},
}


def labelled_messages() -> list[tuple[str, Outgoing]]:
    """Every message for every change and every wording variant, with a readable label."""
    return [
        (f"{change}-{variant}-{message.kind}", message)
        for change in Change
        for variant, overrides in VARIANTS.items()
        for message in booking_messages(make_facts(**overrides), change, DEFAULT_NOW)
    ]


def every_message(prefix: str = "") -> list[Any]:
    """pytest params of every message whose kind starts with `prefix`."""
    return [
        pytest.param(message, id=label)
        for label, message in labelled_messages()
        if message.kind.startswith(prefix)
    ]


def words(message: Outgoing) -> str:
    """Everything a person could read in a message: subject, both bodies and the calendar."""
    # Unfolded, so a word split across a folded line is still found.
    calendar = message.calendar.decode().replace("\r\n ", "") if message.calendar else ""
    return "\n".join([message.subject, message.text, message.html, calendar])


# --- Who gets what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "client_kind", "therapist_kind", "method"),
    [
        (Change.BOOKED, "client_confirmation", "therapist_invite", "REQUEST"),
        (Change.MOVED, "client_update", "therapist_update", "REQUEST"),
        (Change.SHORTENED, "client_update", "therapist_update", "REQUEST"),
        (Change.HELD, "client_update", "therapist_update", "REQUEST"),
        (Change.CONFIRMED, "client_update", "therapist_update", "REQUEST"),
        (Change.CANCELLED, "client_cancellation", "therapist_cancellation", "CANCEL"),
    ],
)
def test_each_change_sends_the_client_and_the_therapist_a_calendar(
    change, client_kind, therapist_kind, method
):
    client, therapist = booking_messages(make_facts(), change, DEFAULT_NOW)
    assert (client.kind, client.recipient, client.method) == (
        client_kind,
        "ann@example.com",
        method,
    )
    assert (therapist.kind, therapist.recipient, therapist.method) == (
        therapist_kind,
        THERAPIST_EMAIL,
        method,
    )
    assert client.calendar is not None
    assert therapist.calendar is not None


@pytest.mark.parametrize("change", list(Change))
def test_a_client_without_email_gets_nothing_and_the_therapist_still_does(change):
    messages = booking_messages(make_facts(client_email=None), change, DEFAULT_NOW)
    assert [m.recipient for m in messages] == [THERAPIST_EMAIL]


# --- The calendar inside every message -------------------------------------------------------


def parsed_event(message: Outgoing):
    """The one VEVENT of a message's calendar, after checking the calendar around it."""
    assert message.calendar is not None
    calendar = Calendar.from_ical(message.calendar)
    assert str(calendar["METHOD"]) == message.method
    (event,) = calendar.walk("VEVENT")
    return event


@pytest.mark.parametrize("message", every_message())
def test_every_calendar_is_one_utc_event_from_the_practice_to_the_recipient(message):
    event = parsed_event(message)
    facts = make_facts()
    assert str(event["UID"]) == UID
    assert event["DTSTART"].dt == facts.start_utc
    assert event["DTEND"].dt == facts.end_utc
    assert b"DTSTART:20261123T101500Z\r\n" in message.calendar  # UTC, no time zone needed
    assert b"DTEND:20261123T110000Z\r\n" in message.calendar
    assert event["DTSTAMP"].dt == DEFAULT_NOW
    assert str(event["ORGANIZER"]) == f"mailto:{PRACTICE_EMAIL}"
    assert [str(a) for a in event.attendees] == [f"mailto:{message.recipient}"]


@pytest.mark.parametrize("message", every_message())
def test_every_calendar_is_read_the_same_by_the_independent_ical_package(message):
    # `ical` (home-assistant's parser) validates with pydantic and knows METHOD, ORGANIZER,
    # ATTENDEE and STATUS, CANCELLED included, so it can check everything icalendar does.
    calendar = IcsCalendarStream.calendar_from_ics(message.calendar.decode())
    (event,) = calendar.events
    assert calendar.method == message.method
    assert event.uid == UID
    assert event.dtstart == MONDAY
    assert event.dtend == MONDAY + timedelta(minutes=45)
    assert event.organizer.uri == f"mailto:{PRACTICE_EMAIL}"
    assert [a.uri for a in event.attendees] == [f"mailto:{message.recipient}"]


@pytest.mark.parametrize("message", every_message())
def test_every_calendar_has_crlf_lines_of_at_most_75_octets(message):
    assert message.calendar.endswith(b"\r\n")
    lines = message.calendar.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # long lines really were folded


@pytest.mark.parametrize(
    ("change", "held", "status"),
    [
        (Change.BOOKED, False, EventStatus.CONFIRMED),
        (Change.BOOKED, True, EventStatus.TENTATIVE),
        (Change.MOVED, False, EventStatus.CONFIRMED),
        (Change.SHORTENED, True, EventStatus.TENTATIVE),
        (Change.HELD, True, EventStatus.TENTATIVE),
        (Change.CONFIRMED, False, EventStatus.CONFIRMED),
        (Change.CANCELLED, False, EventStatus.CANCELLED),
        (Change.CANCELLED, True, EventStatus.CANCELLED),
    ],
)
def test_the_calendar_status_follows_the_booking(change, held, status):
    for message in booking_messages(make_facts(held=held), change, DEFAULT_NOW):
        assert str(parsed_event(message)["STATUS"]) == status.value
        ical_event = IcsCalendarStream.calendar_from_ics(message.calendar.decode()).events[0]
        assert ical_event.status == status


def test_one_uid_for_the_life_of_a_booking_and_the_sequence_the_caller_gives():
    life = [
        (Change.BOOKED, make_facts(sequence=0)),
        (Change.MOVED, make_facts(sequence=1, start_utc=MONDAY + timedelta(days=2))),
        (Change.SHORTENED, make_facts(sequence=2, minutes=30, hands_on_minutes=20)),
        (Change.CANCELLED, make_facts(sequence=3)),
    ]
    seen = []
    for change, facts in life:
        for message in booking_messages(facts, change, DEFAULT_NOW):
            event = parsed_event(message)
            seen.append((str(event["UID"]), int(event["SEQUENCE"])))
            assert event["DTSTART"].dt == facts.start_utc
            assert event["DTEND"].dt == facts.end_utc
    assert {uid for uid, _ in seen} == {UID}
    assert [sequence for _, sequence in seen] == [0, 0, 1, 1, 2, 2, 3, 3]


@pytest.mark.parametrize(
    ("kind", "summary"),
    [
        ("client_confirmation", "Gentle first session with Maya, Still Waters Massage"),
        ("therapist_invite", "Gentle first session \N{EN DASH} Ann"),
    ],
)
def test_each_calendar_names_what_its_reader_may_know(kind, summary):
    event = parsed_event(messages_for(Change.BOOKED)[kind])
    assert str(event["SUMMARY"]) == summary


def test_a_home_visit_address_stays_on_the_dashboard():
    messages = messages_for(Change.BOOKED, home_visit=True)
    assert str(parsed_event(messages["client_confirmation"])["LOCATION"]) == "Your home"
    therapist = parsed_event(messages["therapist_invite"])
    assert str(therapist["LOCATION"]) == "Home visit (address on the dashboard)"


# --- What the therapist's messages never say -------------------------------------------------

# Words that would say something about a client's health. None of them belongs in an email:
# the therapist reads health answers on the dashboard, behind a login.
HEALTH_WORDS = re.compile(
    r"\b(ME|CFS|PEM|GP)\b|"
    r"(?i:\b(health|condition|symptom|flare|pain|fatigue|medication|allerg|sever|"
    r"diagnos|screening|illness|long covid|fibromyalgia|pregnan|surgery|cancer|clot|"
    r"flag|review))"
)


def test_the_health_word_check_would_catch_a_leak():
    assert HEALTH_WORDS.search("Ann has ME")
    assert HEALTH_WORDS.search("in a flare")
    assert HEALTH_WORDS.search("Needs review")
    assert not HEALTH_WORDS.search("Some time for Ann. Her session is gentle.")


@pytest.mark.parametrize("message", every_message())
def test_no_email_says_anything_about_health(message):
    assert HEALTH_WORDS.search(words(message)) is None


@pytest.mark.parametrize("message", every_message("therapist_"))
def test_the_therapist_reads_the_first_name_and_no_contact_details(message):
    seen = words(message)
    assert "Ann" in seen
    assert "https://book.stillwaters.example/dashboard/bookings/17" in seen
    assert "Smith" not in seen
    assert "ann@example.com" not in seen
    assert "/manage/" not in seen  # the client's private link is theirs alone


@pytest.mark.parametrize("message", every_message("client_"))
def test_the_client_never_sees_the_therapists_address_or_dashboard(message):
    seen = words(message)
    assert THERAPIST_EMAIL not in seen
    assert "/dashboard/" not in seen


# --- What the client reads -------------------------------------------------------------------

FIRST_VISIT_LINES = [
    "Your first session is short and gentle.",
    "You can stop, or change anything, at any time.",
    "Keep the rest of the day, and the next one or two days, light.",
    "Most people take two or three sessions to settle in.",
]


@pytest.mark.parametrize(
    "change", [Change.BOOKED, Change.MOVED, Change.SHORTENED, Change.HELD, Change.CONFIRMED]
)
@pytest.mark.parametrize(
    ("home_visit", "waiting"),
    [
        (False, "You can lie down while you wait."),
        (True, "You can stay lying down until Maya arrives."),
    ],
)
def test_a_first_visit_is_explained_plainly(change, home_visit, waiting):
    client = booking_messages(make_facts(home_visit=home_visit), change, DEFAULT_NOW)[0]
    for line in [*FIRST_VISIT_LINES, waiting]:
        assert line in client.text
        assert line in client.html


@pytest.mark.parametrize(
    ("change", "overrides"),
    [
        (Change.BOOKED, {"first_visit": False}),
        (Change.MOVED, {"first_visit": False}),
        (Change.CANCELLED, {"first_visit": True}),  # nothing to prepare for any more
    ],
)
def test_the_first_visit_lines_appear_only_before_a_first_visit(change, overrides):
    for message in booking_messages(make_facts(**overrides), change, DEFAULT_NOW):
        for line in FIRST_VISIT_LINES:
            assert line not in message.text
            assert line not in message.html


def test_the_confirmation_puts_the_key_facts_first_one_to_a_line():
    text = messages_for(Change.BOOKED)["client_confirmation"].text
    assert text.splitlines()[:6] == [
        "Your session is booked.",
        "",
        "When: Monday 23 November at 10:15am, until 11am",
        "Where: Still Waters Massage, 12 Mill Lane, Bristol BS1 4AA",
        "Length: 45 minutes, with about 30 minutes of massage",
        "Session: Gentle first session with Maya",
    ]


@pytest.mark.parametrize(
    "change", [Change.BOOKED, Change.MOVED, Change.SHORTENED, Change.HELD, Change.CONFIRMED]
)
def test_a_bad_day_can_be_met_with_a_free_change_from_the_manage_link(change):
    client = messages_for(change)[
        "client_confirmation" if change == Change.BOOKED else "client_update"
    ]
    manage = make_facts().manage_url
    assert "A bad day? Cancel, shorten or switch to a call. There is no charge." in client.text
    assert manage in client.text
    assert f'href="{manage}"' in client.html


@pytest.mark.parametrize(
    ("change", "held", "client_lead", "client_subject"),
    [
        (Change.BOOKED, False, "Your session is booked.", "Booked: "),
        (Change.BOOKED, True, "Maya will read your answers", "Booked, for Maya to confirm: "),
        (Change.MOVED, False, "Your session has moved to a new time.", "New time: "),
        (Change.SHORTENED, False, "Your session is now shorter.", "Shorter session: "),
        (Change.HELD, True, "Your time is kept for you.", "Waiting for Maya to confirm: "),
        (Change.CONFIRMED, False, "Maya has confirmed your session.", "Confirmed: "),
        (Change.CANCELLED, False, "There is no charge.", "Cancelled: "),
    ],
)
def test_the_client_is_told_what_changed(change, held, client_lead, client_subject):
    client = booking_messages(make_facts(held=held), change, DEFAULT_NOW)[0]
    assert client_lead in client.text
    assert client.subject == client_subject + "Monday 23 November at 10:15am"


@pytest.mark.parametrize(
    ("change", "held", "subject"),
    [
        (Change.BOOKED, False, "New booking: Ann"),
        (Change.BOOKED, True, "New booking to confirm: Ann"),
        (Change.MOVED, False, "Moved: Ann"),
        (Change.SHORTENED, False, "Shortened: Ann"),
        (Change.HELD, True, "To confirm: Ann"),
        (Change.CONFIRMED, False, "Confirmed: Ann"),
        (Change.CANCELLED, False, "Cancelled: Ann"),
    ],
)
def test_the_therapist_subject_says_what_changed_for_whom_and_when(change, held, subject):
    therapist = booking_messages(make_facts(held=held), change, DEFAULT_NOW)[-1]
    assert therapist.subject == f"{subject}, Gentle first session, Monday 23 November at 10:15am"


def test_a_session_that_is_all_massage_gives_one_length():
    facts = {"service_name": "Massage", "minutes": 60, "hands_on_minutes": None}
    text = messages_for(Change.BOOKED, first_visit=False, **facts)["client_confirmation"].text
    assert "Length: 60 minutes\n" in text
    assert "of massage" not in text


# --- Never-used words, times, and safe output ------------------------------------------------

NEVER_SAY = ["detox", "toxin", "healing crisis", "push through", "build up tolerance"]


def test_the_never_say_check_would_catch_each_word():
    for phrase in NEVER_SAY:
        assert re.search(re.escape(phrase), f"Drink water to {phrase.upper()}.", re.IGNORECASE)


@pytest.mark.parametrize("message", every_message())
def test_no_message_uses_the_words_we_never_use(message):
    seen = words(message).lower()
    assert [phrase for phrase in NEVER_SAY if phrase in seen] == []


@pytest.mark.parametrize(
    ("start_utc", "reads"),
    [
        # British Summer Time ends at 01:00 UTC on Sunday 25 October 2026.
        (datetime(2026, 10, 24, 9, 0, tzinfo=UTC), "Saturday 24 October at 10am, until 10:45am"),
        (datetime(2026, 10, 26, 9, 0, tzinfo=UTC), "Monday 26 October at 9am, until 9:45am"),
        (datetime(2027, 3, 29, 9, 0, tzinfo=UTC), "Monday 29 March 2027 at 10am, until 10:45am"),
    ],
)
def test_times_are_in_words_in_the_practice_zone_across_clock_changes(start_utc, reads):
    now = datetime(2026, 10, 1, tzinfo=UTC)
    for message in booking_messages(make_facts(start_utc=start_utc), Change.BOOKED, now):
        assert f"When: {reads}" in message.text
        assert parsed_event(message)["DTSTART"].dt == start_utc


def test_what_people_typed_is_escaped_in_html_and_kept_to_one_line_in_subjects():
    messages = messages_for(
        Change.BOOKED, client_first_name="<b>Ann</b>\r\nBcc: x@example.com", service_name="A & B"
    )
    therapist = messages["therapist_invite"]
    assert "<b>" not in therapist.html
    assert "&lt;b&gt;Ann&lt;/b&gt;" in therapist.html
    assert "A &amp; B" in therapist.html
    assert "\n" not in therapist.subject
    assert "\r" not in therapist.subject


@pytest.mark.parametrize("message", every_message())
def test_the_html_links_only_to_the_manage_or_dashboard_page_and_has_no_images(message):
    links = re.findall(r'href="([^"]*)"', message.html)
    facts = make_facts()
    assert set(links) <= {facts.manage_url, facts.dashboard_url}
    assert "<img" not in message.html
    assert "src=" not in message.html


@pytest.mark.parametrize("change", [Change.HELD, Change.CONFIRMED, Change.MOVED])
def test_without_the_clients_link_the_way_out_is_the_phone(change):
    # Every stored booking has a link (tests/test_manage_link_everywhere.py); a message
    # built without one still gives a way out, and never points to an email that may not be.
    client = booking_messages(make_facts(manage_url=""), change, DEFAULT_NOW)[0]
    assert "A bad day? Cancel, shorten or switch to a call. There is no charge." in client.text
    assert "Call 0117 496 0123." in client.text
    assert "booking email" not in client.text
    assert "href" not in client.html
    event = parsed_event(client)
    assert "URL" not in event
    assert str(event["DESCRIPTION"]) == "Change or cancel, free of charge: call 0117 496 0123"


def test_a_practice_without_an_address_gives_its_name_alone():
    for message in booking_messages(make_facts(practice_address=""), Change.BOOKED, DEFAULT_NOW):
        assert "Where: Still Waters Massage\n" in message.text
        assert str(parsed_event(message)["LOCATION"]) == "Still Waters Massage"
