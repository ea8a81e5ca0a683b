"""The booking services: book, reschedule, shorten, cancel and the times page.

Each call is one transaction, so after any refusal the database is exactly as it was before.
Times are UTC; the practice is in Europe/London, which is on UTC all winter.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from booking.domain.availability import EmptyDayReason
from booking.domain.contact import normalise_phone
from booking.domain.dates import PartOfDay
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Client, Practitioner, Service
from booking.services.booking import (
    ClientDetails,
    FirstVisitFirst,
    NotChangeable,
    TimeNotOffered,
    TimeTaken,
    TooClose,
    UnknownPractitioner,
    UnknownService,
    availability,
    book,
    cancel,
    find_by_token,
    new_manage_token,
    reschedule,
    shorten,
    token_hash,
)
from tests.support import DEFAULT_NOW
from tests.support.factories import (
    make_booking,
    make_client,
    make_closure,
    make_opening,
    make_practitioner,
    make_service,
    make_weekly_hours,
    open_weekdays,
)

NOW = DEFAULT_NOW  # Saturday 21 November 2026, 10:00


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


MON = at(23, 10)  # Monday 23 November, 10:00
TUE = at(24, 10)
FRI = at(27, 10)
NEXT_MON = at(30, 10)
# A home visit: half an hour to travel there and back, either side of the session.
HOME_VISIT = {"home_visit": True, "buffer_before_minutes": 30, "buffer_after_minutes": 30}


# --- Setting up a practice ---------------------------------------------------------------------


@pytest.fixture
def ctx(app):
    """The test body runs inside one app context (services open their own transactions)."""
    with app.app_context():
        yield app


@pytest.fixture
def practice(ctx):
    """Ada and Ben work Monday to Friday 09:00 to 17:00; Aaron has left. Five services."""
    ada = make_practitioner(name="Ada Moss")
    ben = make_practitioner(name="Ben Reid")
    aaron = make_practitioner(name="Aaron Gone", active=False)  # first by name, but inactive
    for person in (ada, ben, aaron):
        open_weekdays(person)
    services = {
        "first": make_service(slug="first-visit", minutes=45, first_visit=True, sort_order=1),
        "gentle": make_service(slug="gentle", minutes=60, sort_order=2),
        "short": make_service(slug="short", minutes=30, sort_order=3),
        "retired": make_service(slug="retired", minutes=20, active=False),
        "home": make_service(slug="home", minutes=40, **HOME_VISIT),
        "home-brief": make_service(slug="home-brief", minutes=25, **HOME_VISIT),
    }
    for service in services.values():  # every test relies on the default 10/15 buffers
        if not service.home_visit:
            assert (service.buffer_before_minutes, service.buffer_after_minutes) == (10, 15)
    db.session.commit()
    return SimpleNamespace(ada=ada.id, ben=ben.id, aaron=aaron.id)


def person(n: int | str, **more) -> ClientDetails:
    return ClientDetails(name=f"Client {n}", email=f"client-{n}@example.test", **more)


def booking_for(token: str) -> Booking:
    """The stored booking, read afresh."""
    db.session.rollback()
    found = find_by_token(token)
    assert found is not None
    return found


def existing(practitioner_id: int, slug: str, start: datetime, **overrides) -> str:
    """A booking written straight to the database, with a manage token; returns the token."""
    token = new_manage_token()
    make_booking(
        practitioner=db.session.get(Practitioner, practitioner_id),
        service=db.session.scalar(select(Service).where(Service.slug == slug)),
        start_utc=start,
        manage_token_hash=token_hash(token),
        **overrides,
    )
    db.session.commit()
    return token


def returning_client(
    first_session: datetime, status=BookingStatus.ATTENDED, practitioner_id=None, **fields
) -> int:
    """A client with one earlier (or upcoming) session; returns the client's id."""
    client = make_client(**fields)
    practitioner = db.session.get(Practitioner, practitioner_id) if practitioner_id else None
    make_booking(
        client=client,
        practitioner=practitioner or make_practitioner(),
        start_utc=first_session,
        status=status,
    )
    db.session.commit()
    return client.id


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def snapshot() -> tuple:
    """Everything a failed call must leave untouched."""
    db.session.rollback()
    clients = db.session.execute(
        select(Client.id, Client.name, Client.email, Client.phone, Client.carer_email).order_by(
            Client.id
        )
    ).all()
    bookings = db.session.execute(
        select(
            Booking.id,
            Booking.client_id,
            Booking.practitioner_id,
            Booking.service_id,
            Booking.start_utc,
            Booking.end_utc,
            Booking.status,
            Booking.ical_sequence,
        ).order_by(Booking.id)
    ).all()
    return clients, bookings


# --- Booking a free time -----------------------------------------------------------------------


def test_booking_a_free_slot_makes_a_confirmed_booking(practice):
    token = new_manage_token()
    result = book("first-visit", MON, practice.ada, person(1), token, NOW)

    assert result.repeated is False
    assert result.manage_token == token
    booking = booking_for(token)
    assert booking.id == result.booking.id
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.practitioner_id == practice.ada
    assert booking.service.slug == "first-visit"
    assert booking.start_utc == MON
    assert booking.end_utc == MON + timedelta(minutes=45)
    assert booking.blocked_from_utc == MON - timedelta(minutes=10)
    assert booking.blocked_until_utc == MON + timedelta(minutes=45 + 15)
    assert booking.ical_sequence == 0
    assert booking.client.name == "Client 1"
    assert booking.client.email == "client-1@example.test"
    assert (count(Client), count(Booking)) == (1, 1)


def test_only_the_hash_of_the_manage_token_is_stored(practice):
    token = new_manage_token()
    assert len(token) >= 40
    assert new_manage_token() != token
    book("first-visit", MON, practice.ada, person(1), token, NOW)

    stored = db.session.scalar(select(Booking.manage_token_hash))
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    for table in ("bookings", "clients"):
        for row in db.session.execute(text(f"SELECT * FROM {table}")):
            assert not any(token in str(value) for value in row), table
    assert find_by_token(token).start_utc == MON
    assert find_by_token(stored) is None  # the hash itself is not a key
    assert find_by_token("") is None
    assert find_by_token("x" * 500) is None
    assert find_by_token(new_manage_token()) is None


def test_the_same_form_sent_twice_gives_the_same_booking(practice):
    token = new_manage_token()
    first = book("first-visit", MON, practice.ada, person(1), token, NOW)
    again = book("first-visit", MON, practice.ada, person(1), token, NOW)

    assert again.repeated is True
    assert again.booking.id == first.booking.id
    assert again.manage_token == token
    assert (count(Client), count(Booking)) == (1, 1)


# --- Who may book what -------------------------------------------------------------------------


def test_a_new_client_must_start_with_the_first_visit(practice):
    before = snapshot()
    with pytest.raises(FirstVisitFirst) as refused:
        book("gentle", MON, practice.ada, person(1), new_manage_token(), NOW)

    assert refused.value.field == "service"
    assert refused.value.first_visit_service.slug == "first-visit"
    assert snapshot() == before  # in particular no orphan Client row


def test_a_client_with_only_cancelled_sessions_is_still_new(practice):
    returning_client(at(2, 10), status=BookingStatus.CANCELLED, email="ann@example.test")
    with pytest.raises(FirstVisitFirst):
        book("gentle", MON, practice.ada, person("ann"), new_manage_token(), NOW)


@pytest.mark.parametrize(
    ("status", "first_session"),
    [(BookingStatus.ATTENDED, at(5, 10, month=10)), (BookingStatus.CONFIRMED, at(14, 10, 12))],
    ids=["attended-before", "booked-ahead"],
)
@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ({"email": "Ann.Lee@Example.TEST"}, {"email": "ann.lee@example.test"}),
        ({"email": "ann.lee@example.test"}, {"email": "ANN.LEE@EXAMPLE.TEST"}),
        (
            {"email": None, "phone": normalise_phone("07700 900123")},
            {"phone": normalise_phone("+44 7700 900 123")},
        ),
        (
            {"email": "ann@old.example", "phone": normalise_phone("07700-900-123")},
            {"email": "ann@new.example", "phone": normalise_phone("0044 7700 900123")},
        ),
    ],
    ids=["email-stored-mixed-case", "email-typed-upper-case", "phone", "phone-new-email"],
)
def test_a_returning_client_may_book_other_services(practice, status, first_session, stored, typed):
    client_id = returning_client(first_session, status=status, name="Ann Lee", **stored)
    details = ClientDetails(name="Ann Lee", **typed)

    result = book("gentle", MON, practice.ada, details, new_manage_token(), NOW)

    assert result.booking.client_id == client_id
    assert count(Client) == 1
    assert count(Booking) == 2


def test_a_returning_client_keeps_their_details_and_gains_missing_ones(practice):
    client_id = returning_client(at(5, 10, 10), email="ann@example.test", name="Ann Lee")
    details = ClientDetails(
        name="Someone Else", email="ann@example.test", phone=normalise_phone("07700 900123")
    )
    book("gentle", MON, practice.ada, details, new_manage_token(), NOW)

    client = db.session.get(Client, client_id)
    assert client.name == "Ann Lee"  # not overwritten
    assert client.phone == "+447700900123"  # filled in


# --- Pacing in the first month -----------------------------------------------------------------


def test_sessions_in_the_first_month_stay_seven_days_apart(practice):
    book("first-visit", MON, practice.ada, person(1), new_manage_token(), NOW)

    for too_close in (MON + timedelta(days=4), MON + timedelta(days=6, hours=23, minutes=45)):
        before = snapshot()
        with pytest.raises(TooClose) as refused:
            book("gentle", too_close, practice.ada, person(1), new_manage_token(), NOW)
        assert refused.value.clash.other_start == MON
        assert refused.value.clash.gap == timedelta(days=7)
        assert refused.value.clash.earliest_after == MON + timedelta(days=7)
        assert snapshot() == before

    result = book("gentle", NEXT_MON, practice.ada, person(1), new_manage_token(), NOW)
    assert result.booking.start_utc == MON + timedelta(days=7)


def test_pacing_looks_at_later_sessions_too(practice):
    book("first-visit", NEXT_MON, practice.ada, person(1), new_manage_token(), NOW)
    with pytest.raises(TooClose) as refused:
        book("gentle", TUE, practice.ada, person(1), new_manage_token(), NOW)
    assert refused.value.clash.other_start == NEXT_MON


def test_after_the_first_month_sessions_may_be_closer(practice):
    returning_client(at(1, 10, month=10), email="client-1@example.test")  # attended 1 October

    book("gentle", MON, practice.ada, person(1), new_manage_token(), NOW)
    book("gentle", MON + timedelta(days=2), practice.ada, person(1), new_manage_token(), NOW)
    book("short", MON + timedelta(days=3), practice.ben, person(1), new_manage_token(), NOW)
    assert count(Booking) == 4


def test_a_cancelled_session_does_not_count_for_pacing(practice):
    token = new_manage_token()
    book("first-visit", MON, practice.ada, person(1), token, NOW)
    book("gentle", NEXT_MON, practice.ada, person(1), new_manage_token(), NOW)
    cancel(token, "not_well", NOW)
    # The client is still known (the booking ahead counts), and Monday no longer paces them.
    result = book("gentle", MON, practice.ben, person(1), new_manage_token(), NOW)
    assert result.booking.start_utc == MON


def test_the_first_month_gap_comes_from_the_config(practice, make_app):
    relaxed = make_app(FIRST_MONTH_MIN_GAP_DAYS=3)
    with relaxed.app_context():
        book("first-visit", MON, practice.ada, person(1), new_manage_token(), NOW)
        with pytest.raises(TooClose) as refused:
            book("gentle", MON + timedelta(days=2), practice.ada, person(1), "t-2", NOW)
        assert refused.value.clash.gap == timedelta(days=3)
        assert refused.value.clash.earliest_after == MON + timedelta(days=3)
        book("gentle", MON + timedelta(days=3), practice.ada, person(1), "t-3", NOW)
        db.session.remove()
    # The default (seven days) would have refused the same time.
    with pytest.raises(TooClose):
        book("short", MON + timedelta(days=4), practice.ben, person(1), new_manage_token(), NOW)


# --- Times that are taken or not offered -------------------------------------------------------


def test_a_taken_time_gives_time_taken_with_free_times_nearby(practice):
    noon = MON.replace(hour=12)
    existing(practice.ada, "gentle", noon)  # blocks 11:50 to 13:15
    before = snapshot()

    with pytest.raises(TimeTaken) as refused:
        book("first-visit", noon, practice.ada, person(1), new_manage_token(), NOW)

    assert snapshot() == before  # no orphan Client row
    alternatives = refused.value.alternatives
    starts = [slot.start for slot in alternatives]
    # A first visit blocks 10 minutes before and 60 after its start: the nearest free starts
    # are 10:45 and earlier, and 13:30 and later. The six nearest, shown earliest first:
    assert starts == [
        MON.replace(hour=h, minute=m) for h, m in [(10, 0), (10, 15), (10, 30), (10, 45)]
    ] + [MON.replace(hour=13, minute=30), MON.replace(hour=13, minute=45)]
    assert all(slot.practitioner_ids == (practice.ada,) for slot in alternatives)
    assert all(slot.end == slot.start + timedelta(minutes=45) for slot in alternatives)
    assert_genuinely_free(practice.ada, starts, before_minutes=10, after_minutes=60)
    # And free for real: the nearest on each side can be booked.
    book("first-visit", starts[3], practice.ada, person(1), new_manage_token(), NOW)
    book("first-visit", starts[4], practice.ada, person(2), new_manage_token(), NOW)


def test_alternatives_for_anyone_are_free_for_the_therapists_they_name(practice):
    existing(practice.ada, "gentle", MON)
    existing(practice.ben, "gentle", MON + timedelta(minutes=30))
    with pytest.raises(TimeTaken) as refused:
        book("first-visit", MON, None, person(1), new_manage_token(), NOW)
    alternatives = refused.value.alternatives
    assert len(alternatives) == 6
    assert [s.start for s in alternatives] == sorted({s.start for s in alternatives})
    for slot in alternatives:
        assert slot.practitioner_ids
        assert practice.aaron not in slot.practitioner_ids
        for practitioner_id in slot.practitioner_ids:
            assert_genuinely_free(practitioner_id, [slot.start], 10, 60)


def assert_genuinely_free(practitioner_id, starts, before_minutes, after_minutes):
    """Each start is on the 15-minute grid, inside 09:00 to 17:00 on a weekday, far enough
    ahead, and its blocked time overlaps none of the therapist's live bookings."""
    db.session.rollback()
    busy = db.session.execute(
        select(Booking.blocked_from_utc, Booking.blocked_until_utc).where(
            Booking.practitioner_id == practitioner_id,
            Booking.status != BookingStatus.CANCELLED,
        )
    ).all()
    for start in starts:
        blocked_from = start - timedelta(minutes=before_minutes)
        blocked_until = start + timedelta(minutes=after_minutes)
        assert start.minute % 15 == 0 and start.second == 0
        assert start.weekday() < 5
        assert blocked_from >= start.replace(hour=9, minute=0)
        assert blocked_until <= start.replace(hour=17, minute=0)
        assert start >= NOW + timedelta(hours=12)
        for other_from, other_until in busy:
            assert not (blocked_from < other_until and other_from < blocked_until), start


@pytest.mark.parametrize(
    ("start", "now", "why"),
    [
        (MON + timedelta(minutes=5), NOW, "off the 15-minute grid"),
        (at(22, 12), NOW, "a Sunday, when nobody works"),
        (MON.replace(hour=16, minute=15), NOW, "would run past 17:00"),
        (MON.replace(hour=8, minute=45), NOW, "buffer before 09:00"),
        (TUE, NOW, "Ada is away on Tuesday"),
        (at(25, 10), NOW, "the whole practice is closed on Wednesday"),
        (MON, at(23, 0), "ten hours' notice, twelve needed"),
        (at(20, 10), NOW, "in the past"),
        (at(22, 10, month=2, year=2027), NOW, "more than 90 days ahead"),
        (at(19, 10, 15, month=2, year=2027), NOW, "a quarter of an hour past 90 days"),
    ],
)
def test_a_time_we_do_not_offer_is_not_offered_rather_than_taken(practice, start, now, why):
    ada = db.session.get(Practitioner, practice.ada)
    make_closure(TUE.replace(hour=0), TUE.replace(hour=23), practitioner=ada, reason="away")
    make_closure(at(25, 0), at(26, 0), reason="Training day")
    db.session.commit()
    before = snapshot()

    with pytest.raises(TimeNotOffered) as refused:
        book("first-visit", start, practice.ada, person(1), new_manage_token(), now)

    assert type(refused.value) is TimeNotOffered, why
    assert start not in [slot.start for slot in refused.value.alternatives]
    assert snapshot() == before, why


def test_the_last_bookable_moment_is_exactly_90_days_ahead(practice):
    last = at(19, 10, month=2, year=2027)  # a Friday, 90 days after NOW
    result = book("first-visit", last, practice.ada, person(1), new_manage_token(), NOW)
    assert result.booking.start_utc == last


def test_a_one_off_opening_can_be_booked(practice):
    saturday = at(28, 10)
    ada = db.session.get(Practitioner, practice.ada)
    make_opening(ada, saturday.replace(hour=9), saturday.replace(hour=13))
    db.session.commit()
    result = book("first-visit", saturday, practice.ada, person(1), new_manage_token(), NOW)
    assert result.booking.start_utc == saturday
    with pytest.raises(TimeNotOffered):  # Ben has no such opening
        book("first-visit", saturday, practice.ben, person(2), new_manage_token(), NOW)


@pytest.mark.parametrize("slug", ["no-such-service", "retired", ""])
def test_an_unknown_or_inactive_service_is_refused(practice, slug):
    before = snapshot()
    with pytest.raises(UnknownService) as refused:
        book(slug, MON, practice.ada, person(1), new_manage_token(), NOW)
    assert refused.value.field == "service"
    assert snapshot() == before


@pytest.mark.parametrize("which", ["aaron", "missing"])
def test_an_inactive_or_unknown_practitioner_is_refused(practice, which):
    practitioner_id = practice.aaron if which == "aaron" else practice.ben + 1000
    before = snapshot()
    with pytest.raises(UnknownPractitioner) as refused:
        book("first-visit", MON, practitioner_id, person(1), new_manage_token(), NOW)
    assert refused.value.field == "practitioner"
    assert snapshot() == before


def test_anyone_books_whoever_is_free_then_the_next(practice):
    first = book("first-visit", MON, None, person(1), new_manage_token(), NOW)
    second = book("first-visit", MON, None, person(2), new_manage_token(), NOW)

    assert first.booking.practitioner_id == practice.ada  # first active by name
    assert second.booking.practitioner_id == practice.ben
    before = snapshot()
    with pytest.raises(TimeTaken):
        book("first-visit", MON, None, person(3), new_manage_token(), NOW)
    assert snapshot() == before


def test_anyone_skips_a_therapist_who_is_busy(practice):
    existing(practice.ada, "short", MON + timedelta(minutes=30))
    result = book("first-visit", MON, None, person(1), new_manage_token(), NOW)
    assert result.booking.practitioner_id == practice.ben


# --- Carers ------------------------------------------------------------------------------------


def carer_booking(name: str, carer_email: str) -> ClientDetails:
    return ClientDetails(
        name=name,
        carer_name="Sam Brown",
        carer_relationship="son",
        carer_email=carer_email,
        send_to_carer=True,
    )


def test_a_carer_books_with_only_their_own_email_and_is_recognised_next_time(practice):
    first = book(
        "first-visit",
        MON,
        practice.ada,
        carer_booking("Edith Brown", "sam@example.test"),
        new_manage_token(),
        NOW,
    )
    client = db.session.get(Client, first.booking.client_id)
    assert (client.name, client.email, client.phone) == ("Edith Brown", None, None)
    assert client.carer_email == "sam@example.test"
    assert client.carer_name == "Sam Brown"
    assert client.send_to_carer is True

    again = book(
        "gentle",
        NEXT_MON,
        practice.ada,
        carer_booking("edith brown", "SAM@example.test"),
        new_manage_token(),
        NOW,
    )
    assert again.booking.client_id == client.id
    assert count(Client) == 1

    # The same carer booking for someone else: a different, new client.
    with pytest.raises(FirstVisitFirst):
        book(
            "gentle",
            NEXT_MON,
            practice.ben,
            carer_booking("Frank Brown", "sam@example.test"),
            new_manage_token(),
            NOW,
        )
    assert count(Client) == 1


# --- Rescheduling ------------------------------------------------------------------------------


def test_reschedule_moves_the_session_and_bumps_the_sequence(practice):
    token = existing(practice.ada, "gentle", MON)
    new_start = TUE.replace(hour=14)

    moved = reschedule(token, new_start, NOW)

    assert moved.start_utc == new_start
    booking = booking_for(token)
    assert booking.start_utc == new_start
    assert booking.end_utc == new_start + timedelta(minutes=60)
    assert booking.blocked_from_utc == new_start - timedelta(minutes=10)
    assert booking.blocked_until_utc == new_start + timedelta(minutes=75)
    assert booking.practitioner_id == practice.ada
    assert booking.ical_sequence == 1
    assert count(Booking) == 1
    # The old time is free again.
    book("first-visit", MON, practice.ada, person(2), new_manage_token(), NOW)


def test_reschedule_to_the_same_time_changes_nothing(practice):
    token = existing(practice.ada, "gentle", MON)
    reschedule(token, MON, NOW)
    assert booking_for(token).ical_sequence == 0


def test_reschedule_may_move_a_little_within_its_own_time(practice):
    token = existing(practice.ada, "gentle", MON)
    reschedule(token, MON + timedelta(minutes=15), NOW)
    reschedule(token, MON - timedelta(minutes=30), NOW)
    booking = booking_for(token)
    assert booking.start_utc == MON - timedelta(minutes=30)
    assert booking.ical_sequence == 2


def test_reschedule_onto_a_taken_time_is_refused_as_taken(practice):
    token = existing(practice.ada, "gentle", MON)
    taken = TUE.replace(hour=14)
    existing(practice.ada, "gentle", taken)
    before = snapshot()

    with pytest.raises(TimeNotOffered) as refused:
        reschedule(token, taken + timedelta(minutes=30), NOW)

    assert snapshot() == before
    assert refused.value.alternatives
    assert_genuinely_free(practice.ada, [s.start for s in refused.value.alternatives], 10, 75)
    # The time is offered in general, only held by another booking: say so, as book() does.
    assert isinstance(refused.value, TimeTaken), type(refused.value).__name__


def test_reschedule_to_a_time_not_offered_is_refused(practice):
    token = existing(practice.ada, "gentle", MON)
    before = snapshot()
    for start in (MON + timedelta(minutes=20), at(22, 10), at(1, 10, month=3, year=2027)):
        with pytest.raises(TimeNotOffered) as refused:
            reschedule(token, start, NOW)
        assert type(refused.value) is TimeNotOffered
    assert snapshot() == before


def test_reschedule_keeps_the_first_month_pacing(practice):
    returning_client(at(20, 10), email="client-1@example.test")  # attended yesterday
    token = new_manage_token()
    book("gentle", NEXT_MON, practice.ada, person(1), token, NOW)
    before = snapshot()
    with pytest.raises(TooClose) as refused:
        reschedule(token, TUE, NOW)
    assert refused.value.clash.other_start == at(20, 10)
    assert snapshot() == before


# --- Shortening --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("longer", "shorter", "minutes", "before", "after"),
    [
        ("gentle", "short", 30, 10, 15),
        ("gentle", "first-visit", 45, 10, 15),
        ("home", "home-brief", 25, 30, 30),
    ],
)
def test_shorten_switches_to_a_shorter_service_of_the_same_kind(
    practice, longer, shorter, minutes, before, after
):
    token = existing(practice.ada, longer, MON)

    shorten(token, shorter, NOW)

    booking = booking_for(token)
    assert booking.service.slug == shorter
    assert booking.start_utc == MON
    assert booking.end_utc == MON + timedelta(minutes=minutes)
    assert booking.blocked_from_utc == MON - timedelta(minutes=before)
    assert booking.blocked_until_utc == MON + timedelta(minutes=minutes + after)
    assert booking.ical_sequence == 1


@pytest.mark.parametrize(
    ("booked_slug", "asked"),
    [
        ("short", "gentle"),  # longer
        ("gentle", "gentle"),  # the same length
        ("gentle", "home-brief"),  # shorter, but a home visit
        ("home", "short"),  # shorter, but not a home visit
        ("gentle", "retired"),  # shorter, but no longer offered
        ("gentle", "no-such"),
    ],
)
def test_shorten_refuses_anything_but_a_shorter_service_of_the_same_kind(
    practice, booked_slug, asked
):
    token = existing(practice.ada, booked_slug, MON)
    before = snapshot()
    with pytest.raises(UnknownService):
        shorten(token, asked, NOW)
    assert snapshot() == before


def test_shorten_refuses_a_service_whose_longer_rest_runs_into_the_session_before(practice):
    make_service(slug="short-long-rest", minutes=30, buffer_before_minutes=30)
    db.session.commit()
    token = existing(practice.ada, "gentle", MON)  # blocks 09:50 to 11:15
    existing(practice.ada, "short", MON - timedelta(minutes=55))  # blocks 08:55 to 09:50
    before = snapshot()

    with pytest.raises(TimeNotOffered):
        shorten(token, "short-long-rest", NOW)  # would block from 09:30

    assert snapshot() == before
    shorten(token, "short", NOW)  # the usual ten minutes' rest still fits
    assert booking_for(token).ical_sequence == 1


# --- Cancelling --------------------------------------------------------------------------------


def test_cancel_records_the_reason_and_a_second_cancel_changes_nothing(practice):
    token = existing(practice.ada, "gentle", MON)

    cancel(token, "not_well", NOW)
    booking = booking_for(token)
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == "not_well"
    assert booking.ical_sequence == 1

    before = snapshot()
    again = cancel(token, "something_came_up", NOW)
    assert again.status == BookingStatus.CANCELLED
    assert snapshot() == before
    assert booking_for(token).cancel_reason == "not_well"

    # The time is free again.
    book("first-visit", MON, practice.ada, person(2), new_manage_token(), NOW)


def test_cancel_with_an_unknown_reason_keeps_no_reason(practice):
    token = existing(practice.ada, "gentle", MON)
    cancel(token, "<script>", NOW)
    assert booking_for(token).cancel_reason is None
    assert booking_for(token).status == BookingStatus.CANCELLED


def test_changing_with_an_unknown_link_is_a_lookup_error(practice):
    with pytest.raises(LookupError):
        cancel(new_manage_token(), None, NOW)
    with pytest.raises(LookupError):
        shorten(new_manage_token(), "short", NOW)
    with pytest.raises(LookupError):
        reschedule("", TUE, NOW)


CHANGES = {
    "reschedule": lambda token: reschedule(token, TUE, NOW),
    "shorten": lambda token: shorten(token, "short", NOW),
    "cancel": lambda token: cancel(token, "other", NOW),
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize(
    ("start", "status"),
    [
        (at(20, 10), BookingStatus.CONFIRMED),  # yesterday
        (NOW, BookingStatus.CONFIRMED),  # starting now
        (NOW - timedelta(minutes=30), BookingStatus.CONFIRMED),  # under way
        (at(19, 10), BookingStatus.ATTENDED),
        (at(19, 10), BookingStatus.NO_SHOW),
        (MON, BookingStatus.ATTENDED),  # marked by mistake: still not for the client to change
    ],
    ids=["past", "starting-now", "under-way", "attended", "no-show", "attended-ahead"],
)
def test_a_past_session_cannot_be_changed(practice, change, start, status):
    token = existing(practice.ada, "gentle", start, status=status)
    before = snapshot()
    with pytest.raises(NotChangeable):
        CHANGES[change](token)
    assert snapshot() == before


@pytest.mark.parametrize("change", ["reschedule", "shorten"])
def test_a_cancelled_session_cannot_be_changed(practice, change):
    token = existing(practice.ada, "gentle", MON, status=BookingStatus.CANCELLED)
    before = snapshot()
    with pytest.raises(NotChangeable):
        CHANGES[change](token)
    assert snapshot() == before


# --- The times page ----------------------------------------------------------------------------


def test_times_page_groups_days_and_explains_empty_ones(ctx):
    ada = make_practitioner(name="Ada Moss")
    for weekday in (0, 1, 2, 3):  # Monday to Thursday, 09:00 to 17:00
        make_weekly_hours(ada, weekday=weekday)
    make_weekly_hours(ada, weekday=4, end_local=time(10, 30))  # a short Friday
    make_opening(ada, at(24, 17), at(24, 19, 30))  # a Tuesday evening
    make_closure(at(25, 0), at(26, 0), reason="Training day")  # Wednesday, everyone
    make_closure(at(26, 0), at(27, 0), practitioner=ada, reason="private")  # Thursday, Ada
    first = make_service(slug="first-visit", minutes=45, first_visit=True)
    short = make_service(slug="short", minutes=30, buffer_before_minutes=0, buffer_after_minutes=0)
    make_booking(practitioner=ada, service=short, start_utc=at(27, 9, 45))  # fills Friday
    db.session.commit()

    page = availability.times_page(first, [ada], date(2026, 11, 21), 7, NOW)

    days = {day.day: day for day in page.days}
    assert [d.day for d in page.days] == [date(2026, 11, 21) + timedelta(days=i) for i in range(7)]
    monday, tuesday = days[date(2026, 11, 23)], days[date(2026, 11, 24)]
    assert monday.empty is None and tuesday.empty is None
    assert [part for part, _ in monday.groups] == [PartOfDay.MORNING, PartOfDay.AFTERNOON]
    assert [part for part, _ in tuesday.groups] == [
        PartOfDay.MORNING,
        PartOfDay.AFTERNOON,
        PartOfDay.EVENING,
    ]
    for day in (monday, tuesday):
        starts = [slot.start for _, slots in day.groups for slot in slots]
        assert starts == sorted(starts)
        assert {s.date() for s in starts} == {day.day}
        for part, slots in day.groups:
            assert slots
            for slot in slots:
                hour = slot.start.hour
                expected = (
                    PartOfDay.MORNING
                    if hour < 12
                    else PartOfDay.AFTERNOON
                    if hour < 17
                    else PartOfDay.EVENING
                )
                assert part == expected
    monday_starts = [slot.start for _, slots in monday.groups for slot in slots]
    # Ten minutes' rest before and fifteen after: 09:15 is the first, 16:00 the last.
    assert monday_starts[0] == at(23, 9, 15)
    assert monday_starts[-1] == at(23, 16, 0)
    assert len(monday_starts) == 28
    tuesday_evening = dict(tuesday.groups)[PartOfDay.EVENING]
    assert tuesday_evening[-1].start == at(24, 18, 30)  # the opening joins the day's hours

    expected_empty = {
        date(2026, 11, 21): (EmptyDayReason.NOT_WORKING, date(2026, 11, 23)),
        date(2026, 11, 22): (EmptyDayReason.NOT_WORKING, date(2026, 11, 23)),
        date(2026, 11, 25): (EmptyDayReason.PRACTICE_CLOSED, date(2026, 11, 24)),
        date(2026, 11, 26): (EmptyDayReason.AWAY, date(2026, 11, 24)),
        # Tuesday and next Monday are both three days away: the earlier one is offered.
        date(2026, 11, 27): (EmptyDayReason.FULLY_BOOKED, date(2026, 11, 24)),
    }
    for day, (reason, nearest) in expected_empty.items():
        shown = days[day]
        assert shown.groups == ()
        assert shown.empty is not None and shown.empty.day == day
        assert (shown.empty.reason, shown.nearest_free_day) == (reason, nearest), day
    assert days[date(2026, 11, 25)].empty.detail == "Training day"
    assert days[date(2026, 11, 26)].empty.detail == ""  # Ada's own reason stays private

    assert page.next_available is not None
    assert page.next_available.start == at(23, 9, 15)
    assert page.next_available.practitioner_ids == (ada.id,)
    assert page.first_bookable_day == date(2026, 11, 21)
    assert page.last_bookable_day == date(2027, 2, 19)


def test_times_page_next_available_may_lie_beyond_the_days_shown(ctx):
    ada = make_practitioner()
    make_opening(ada, at(5, 9, month=1, year=2027), at(5, 12, month=1, year=2027))
    first = make_service(slug="first-visit", minutes=45, first_visit=True)
    db.session.commit()

    page = availability.times_page(first, [ada], date(2026, 11, 21), 7, NOW)

    assert all(day.empty is not None for day in page.days)
    assert {day.nearest_free_day for day in page.days} == {date(2027, 1, 5)}
    assert page.next_available.start == at(5, 9, 15, month=1, year=2027)


def test_times_page_with_no_free_time_at_all(ctx):
    ada = make_practitioner()
    first = make_service(slug="first-visit", minutes=45, first_visit=True)
    db.session.commit()
    page = availability.times_page(first, [ada], date(2026, 11, 21), 3, NOW)
    assert page.next_available is None
    assert all(day.nearest_free_day is None for day in page.days)
    assert all(day.empty.reason == EmptyDayReason.NOT_WORKING for day in page.days)
