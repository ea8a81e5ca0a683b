"""The pacing-aware waiting list: asking to be told, offers when a time frees, the first press
books it, the others told kindly and kept on the list, expiry, and the desk's list."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from booking.domain.audit import AuditAction
from booking.domain.best_times import BestTimes
from booking.domain.channels import Channel
from booking.domain.statuses import BookingStatus, StaffRole
from booking.extensions import db
from booking.models import AuditEvent, Booking, OutboxMessage, WaitlistEntry, WaitlistOffer
from booking.services import booking as bookings
from booking.services.messaging import worker
from booking.services.privacy import erasure, export
from booking.services.staff import audit
from booking.services.waitlist import entries, offers
from tests.support import DEFAULT_NOW, run_together
from tests.support.factories import (
    make_booking,
    make_client,
    make_practitioner,
    make_service,
    make_weekly_hours,
)
from tests.support.pages import csrf_token, text_of
from tests.support.staff import signed_in_client

NOW = DEFAULT_NOW  # Saturday 21 November 2026, 10:00 in London
MONDAY_23 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
MONDAY_30 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
UNTIL = date(2026, 11, 30)
OFFER_LINK = re.compile(r"/waitlist/offer/([A-Za-z0-9_-]+)")


@pytest.fixture
def small(app):
    """Ruth works one hour on Mondays, 10:00 to 11:00: one 60-minute session a week. Zoe has
    both Mondays before the end of November; Ann, Ben and Cat have been before (September), so
    neither the first visit nor the first month's pacing limits them."""
    with app.app_context():
        ruth = make_practitioner(name="Ruth Hale")
        make_weekly_hours(ruth, weekday=0, start_local=time(10), end_local=time(11))
        gentle = make_service(
            slug="gentle",
            name="Gentle massage",
            minutes=60,
            buffer_before_minutes=0,
            buffer_after_minutes=0,
        )
        make_service(slug="first", name="First gentle session", minutes=45, first_visit=True)
        ids = {"ruth": ruth.id}
        for number, name in enumerate(["Ann", "Ben", "Cat", "Zoe"]):
            client = make_client(
                name=f"{name} Lee",
                email=f"{name.lower()}@example.com",
                phone=f"+4477009001{number:02}",
            )
            make_booking(
                client=client,
                practitioner=ruth,
                service=gentle,
                start_utc=datetime(2026, 9, 7 + 7 * number, 9, tzinfo=UTC),
                status=BookingStatus.ATTENDED,
            )
            ids[name.lower()] = client.id
        db.session.commit()
        ids["zoe_23"] = _book(ids["zoe"], MONDAY_23)
        ids["zoe_30"] = _book(ids["zoe"], MONDAY_30)
    return ids


def _book(client_id: int, start: datetime) -> str:
    token = bookings.new_manage_token()
    bookings.book("gentle", start, None, None, token, NOW, client_id=client_id)
    return token


def _wait(client_id: int, *, days=(), parts=(), until=UNTIL, slug="gentle", channel="email"):
    wish = entries.WaitingFor(slug, None, BestTimes.from_keys(days, parts), until, Channel(channel))
    return entries.join(wish, NOW, client_id=client_id)


def _offer_tokens(recipient: str) -> list[str]:
    rows = db.session.scalars(
        select(OutboxMessage.text_body).where(
            OutboxMessage.kind == "client_waitlist_offer", OutboxMessage.recipient == recipient
        )
    )
    return [OFFER_LINK.search(body)[1] for body in rows]


def _kinds(recipient: str) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.recipient == recipient, OutboxMessage.dropped_at.is_(None))
            .order_by(OutboxMessage.id)
        )
    )


def _entry_status(client_id: int) -> str:
    return db.session.scalars(
        select(WaitlistEntry.status).where(WaitlistEntry.client_id == client_id)
    ).one()


def test_a_freed_time_goes_to_those_it_suits_and_the_first_press_books_it(app, client, small):
    with app.app_context():
        _wait(small["ann"])
        _wait(small["ben"], days=["mon"], parts=["morning"])
        _wait(small["cat"], days=["tue"])  # Tuesdays only: Monday's time is not for her
        assert offers.offer_free_times(NOW).offered == 0  # nothing is free yet
        bookings.cancel(small["zoe_23"], "unwell", NOW)  # a flare: Monday 23 frees
        report = offers.offer_free_times(NOW)
        assert report.offered == 2
        ann, ben = _offer_tokens("ann@example.com"), _offer_tokens("ben@example.com")
        assert len(ann) == len(ben) == 1 and _offer_tokens("cat@example.com") == []
        body = db.session.scalars(
            select(OutboxMessage.text_body).where(
                OutboxMessage.recipient == "ben@example.com",
                OutboxMessage.kind == "client_waitlist_offer",
            )
        ).one()
        assert "Monday 23 November at 10am" in body and "Nothing is booked unless" in body

    page = client.get(f"/waitlist/offer/{ben[0]}")
    assert page.status_code == 200
    assert "Monday 23 November at 10am" in text_of(page) and "Take this time" in text_of(page)
    with app.app_context():  # opening the page books nothing
        assert (
            db.session.scalar(
                select(Booking).where(
                    Booking.client_id == small["ben"], Booking.start_utc == MONDAY_23
                )
            )
            is None
        )

    taken = client.post(f"/waitlist/offer/{ben[0]}", data={"csrf_token": csrf_token(page)})
    assert taken.status_code == 303 and "/book/booked/" in taken.headers["Location"]
    again = client.post(f"/waitlist/offer/{ben[0]}", data={"csrf_token": csrf_token(page)})
    assert again.headers["Location"] == taken.headers["Location"]  # pressed twice: one booking

    with app.app_context():
        booked = db.session.scalars(
            select(Booking).where(Booking.client_id == small["ben"], Booking.start_utc == MONDAY_23)
        ).all()
        assert len(booked) == 1 and booked[0].status == BookingStatus.CONFIRMED
        assert _entry_status(small["ben"]) == "booked"
        assert _entry_status(small["ann"]) == "waiting"  # stays on the list
        assert "client_waitlist_gone" in _kinds("ann@example.com")

    ann_page = client.get(f"/waitlist/offer/{ann[0]}")
    assert "Sorry, this time has gone" in text_of(ann_page)
    late = client.post(f"/waitlist/offer/{ann[0]}", data={"csrf_token": csrf_token(page)})
    assert late.status_code in (200, 409)
    assert "still on the waiting list" in text_of(late) or "this time has gone" in text_of(late)
    with app.app_context():
        assert (
            db.session.scalar(
                select(Booking).where(Booking.client_id == small["ann"], Booking.start_utc > NOW)
            )
            is None
        )


def test_a_lost_race_is_told_kindly_and_keeps_the_place(app, client, small):
    with app.app_context():
        _wait(small["ann"])
        bookings.cancel(small["zoe_23"], "unwell", NOW)
        offers.offer_free_times(NOW)
        (token,) = _offer_tokens("ann@example.com")
        _book(small["cat"], MONDAY_23)  # someone booked it on the times page meanwhile
    page = client.get(f"/waitlist/offer/{token}")
    response = client.post(f"/waitlist/offer/{token}", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 409
    words = text_of(response)
    assert "Sorry, this time has gone" in words and "still on the waiting list" in words
    with app.app_context():
        assert _entry_status(small["ann"]) == "waiting"
        offer = db.session.scalars(select(WaitlistOffer)).one()
        assert offer.status == "gone"


def test_two_presses_at_once_book_the_time_once(app, small):
    with app.app_context():
        _wait(small["ann"])
        _wait(small["ben"])
        bookings.cancel(small["zoe_23"], "unwell", NOW)
        offers.offer_free_times(NOW)
        tokens = _offer_tokens("ann@example.com") + _offer_tokens("ben@example.com")
    outcomes: list[str] = []

    def press(token: str) -> None:
        with app.app_context():
            outcomes.append(offers.take(token, NOW).outcome)

    run_together(press, tokens)
    assert sorted(outcomes) == ["booked", "gone"]
    with app.app_context():
        live = db.session.scalars(
            select(Booking).where(
                Booking.start_utc == MONDAY_23, Booking.status != BookingStatus.CANCELLED
            )
        ).all()
        assert len(live) == 1
        assert sorted([_entry_status(small["ann"]), _entry_status(small["ben"])]) == [
            "booked",
            "waiting",
        ]


def test_a_time_freed_by_a_closure_removed_or_an_extra_opening_is_offered_too(app, small):
    from tests.support.factories import make_opening

    with app.app_context():
        _wait(small["ann"], days=["wed"])
        assert offers.offer_free_times(NOW).offered == 0
        ruth = db.session.get(
            type(db.session.scalars(select(Booking)).first().practitioner), small["ruth"]
        )
        make_opening(
            ruth, datetime(2026, 11, 25, 14, tzinfo=UTC), datetime(2026, 11, 25, 15, tzinfo=UTC)
        )
        db.session.commit()
        assert offers.offer_free_times(NOW).offered == 1


def test_pacing_and_the_first_visit_decide_who_is_offered(app, small):
    with app.app_context():
        new = make_client(name="Nia New", email="nia@example.com")
        db.session.commit()
        with pytest.raises(entries.WaitlistError) as refused:
            _wait(new.id)  # a new client waits for the first visit first
        assert refused.value.field == "service"
        # Nia's first visit was on Wednesday 18 November: the first month keeps 7 days apart,
        # so Monday 30 suits her and Monday 23 (five days after) does not.
        first = make_service(slug="first-2", name="First", minutes=45, first_visit=True)
        make_booking(
            client=new,
            service=first,
            start_utc=datetime(2026, 11, 18, 10, tzinfo=UTC),
            status=BookingStatus.ATTENDED,
        )
        db.session.commit()
        _wait(new.id)
        bookings.cancel(small["zoe_23"], "unwell", NOW)
        assert offers.offer_free_times(NOW).offered == 0
        bookings.cancel(small["zoe_30"], "unwell", NOW)
        assert offers.offer_free_times(NOW).offered == 1
        offer = db.session.scalars(select(WaitlistOffer)).one()
        assert offer.start_utc == MONDAY_30


def test_no_offer_in_quiet_hours_it_waits_until_they_end(app, small, freeze):
    with app.app_context():
        ann = db.session.get(type(make_client()), small["ann"])
        ann.quiet_from_local, ann.quiet_until_local = time(8), time(11)  # 10:00 is quiet
        db.session.commit()
        _wait(small["ann"])
        bookings.cancel(small["zoe_23"], "unwell", NOW)
        assert offers.offer_free_times(NOW).offered == 0
        assert offers.offer_free_times(NOW + timedelta(hours=1)).offered == 1


def test_offers_expire_and_the_place_stays_and_the_same_time_is_not_offered_again(app, small):
    with app.app_context():
        _wait(small["ann"])
        bookings.cancel(small["zoe_23"], "unwell", NOW)
        offers.offer_free_times(NOW)
        offer = db.session.scalars(select(WaitlistOffer)).one()
        assert offer.expires_at == NOW + timedelta(hours=24)  # a day to see it
        later = offer.expires_at
        report = offers.offer_free_times(later)
        assert report.expired == 1
        assert _entry_status(small["ann"]) == "waiting"
        (token,) = _offer_tokens("ann@example.com")
        assert offers.take(token, later).outcome == "expired"
        assert db.session.scalars(select(WaitlistOffer)).one().status == "expired"


def test_a_place_ends_after_its_date_and_when_they_book_another_way(app, small):
    with app.app_context():
        _wait(small["ann"])
        _wait(small["ben"])
        _book(small["ben"], datetime(2026, 12, 7, 10, tzinfo=UTC))  # booked on the pages
        report = offers.offer_free_times(NOW)
        assert _entry_status(small["ben"]) == "booked"
        offers.offer_free_times(datetime(2026, 12, 1, 10, tzinfo=UTC))
        assert _entry_status(small["ann"]) == "expired"
        assert report.closed == 1


def test_the_times_page_offers_the_list_and_the_form_keeps_what_was_typed(app, client, small):
    times = client.get("/book/gentle").get_data(as_text=True)
    assert 'href="/waitlist/gentle' in times
    page = client.get("/waitlist/gentle")
    assert page.status_code == 200
    response = client.post(
        "/waitlist/gentle",
        data={
            "csrf_token": csrf_token(page),
            "name": "Dee Fox",
            "channel": "sms",
            "email": "dee@example",
            "until": "31/12/2026",
            "days": ["mon", "thu"],
        },
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Please give a mobile number, so we can text you." in body
    assert 'value="Dee Fox"' in body and 'value="dee@example"' in body
    assert re.search(r'<input checked id="days-0" name="days" type="checkbox" value="mon">', body)
    assert 'value="2026-12-31"' in body  # typed as 31/12/2026, shown as the date picker reads it


def test_someone_new_joins_for_a_first_visit_sees_their_place_and_leaves(app, client, small):
    page = client.get("/waitlist/first")
    response = client.post(
        "/waitlist/first",
        data={
            "csrf_token": csrf_token(page),
            "name": "Dee Fox",
            "channel": "email",
            "email": "dee@example.com",
            "until": "2026-12-20",
            "parts": ["morning"],
        },
    )
    assert response.status_code == 303
    place = client.get(response.headers["Location"])
    words = text_of(place)
    assert "You are on the waiting list" in words and "Mornings" in words
    with app.app_context():
        assert "client_waitlist_joined" in _kinds("dee@example.com")
    leave_url = re.search(r'action="(/waitlist/place/[^"]+/leave)"', place.get_data(as_text=True))[
        1
    ]
    left = client.post(leave_url, data={"csrf_token": csrf_token(place)})
    assert left.status_code == 303
    assert "no longer on the waiting list" in text_of(client.get(left.headers["Location"]))


def test_a_client_from_their_own_link_types_nothing_but_the_wish(app, client, small):
    page = client.get(f"/waitlist/gentle/for/{small['zoe_23']}")
    assert page.status_code == 200
    assert 'name="name"' not in page.get_data(as_text=True)
    response = client.post(
        f"/waitlist/gentle/for/{small['zoe_23']}",
        data={"csrf_token": csrf_token(page), "channel": "email", "until": "2026-12-20"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert _entry_status(small["zoe"]) == "waiting"
    assert client.get("/waitlist/gentle/for/not-a-token").status_code == 404


def test_a_date_too_far_or_past_is_explained_next_to_the_field(app, client, small):
    page = client.get(f"/waitlist/gentle/for/{small['zoe_23']}")
    for until in ["2026-11-01", "2030-01-01"]:
        response = client.post(
            f"/waitlist/gentle/for/{small['zoe_23']}",
            data={"csrf_token": csrf_token(page), "channel": "email", "until": until},
        )
        assert response.status_code == 422
        assert 'id="until-error"' in response.get_data(as_text=True)


def test_the_desk_sees_the_list_offers_by_phone_and_removes_with_a_reason(app, small):
    with app.app_context():
        _wait(small["ann"])
        bookings.cancel(small["zoe_23"], "unwell", NOW)
        offers.offer_free_times(NOW)
        entry_id = db.session.scalars(select(WaitlistEntry.id)).one()
    client = signed_in_client(app, StaffRole.RECEPTION)
    listing = text_of(client.get("/dashboard/waitlist"))
    assert "Ann Lee" in listing and "Monday 23 November at 10am" in listing
    page = client.get(f"/dashboard/waitlist/{entry_id}")
    assert "/dashboard/book?client=" in page.get_data(as_text=True)
    refused = client.post(
        f"/dashboard/waitlist/{entry_id}/remove",
        data={"csrf_token": csrf_token(page), "reason": " "},
    )
    assert refused.status_code == 422 and "Please say why" in text_of(refused)
    done = client.post(
        f"/dashboard/waitlist/{entry_id}/remove",
        data={"csrf_token": csrf_token(page), "reason": "asked on the phone"},
    )
    assert done.status_code == 303
    with app.app_context():
        assert _entry_status(small["ann"]) == "removed"
        assert db.session.scalars(select(WaitlistOffer.status)).one() == "withdrawn"
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.WAITLIST_REMOVED)
        ).one()
        assert event.client_id == small["ann"] and "asked on the phone" in event.detail
        unsent = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "client_waitlist_offer")
        ).one()
        assert unsent.dropped_at is not None  # the offer not sent yet never goes


def test_the_desk_adds_a_client_by_phone_audited(app, small):
    client = signed_in_client(app, StaffRole.RECEPTION)
    page = client.get(f"/dashboard/waitlist/add?client={small['cat']}")
    assert page.status_code == 200
    response = client.post(
        "/dashboard/waitlist/add",
        data={
            "csrf_token": csrf_token(page),
            "client": str(small["cat"]),
            "service": "gentle",
            "practitioner": "",
            "channel": "phone",
            "until": "2026-12-20",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        assert _entry_status(small["cat"]) == "waiting"
        assert db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.client_id == small["cat"])
        ).all() == [AuditAction.WAITLIST_ADDED]
        bookings.cancel(small["zoe_23"], "unwell", NOW)
        offers.offer_free_times(NOW)
        # No email or text: the desk's list shows the time to offer and the number to ring.
        kinds = db.session.scalars(select(OutboxMessage.kind)).all()
        assert not [kind for kind in kinds if kind.startswith("client_waitlist")]
    listing = client.get("/dashboard/waitlist").get_data(as_text=True)
    assert "To phone:" in listing and 'href="tel:+447700900102"' in listing
    assert "/dashboard/book?client=" in listing and "Book it for them" in listing


def test_erasure_removes_the_places_and_the_export_lists_them(app, small):
    with app.app_context():
        _wait(small["ann"])
        bookings.cancel(small["zoe_23"], "unwell", NOW)
        offers.offer_free_times(NOW)
        data = export.client_data(small["ann"], NOW)
        assert data["waiting_list"][0]["session"] == "Gentle massage"
        assert data["waiting_list"][0]["times_offered"][0]["status"] == "open"
        # Ann has no session to come, so she may be erased.
        report = erasure.erase_client(small["ann"], audit.SYSTEM_ACTOR, NOW)
        assert report is not None and report.waiting_list_places == 1
        assert db.session.scalars(select(WaitlistOffer)).all() == []
        assert _offer_tokens("ann@example.com") == []


def test_unknown_links_are_404(client, small):
    for path in ["/waitlist/offer/nope", "/waitlist/place/nope", "/waitlist/no-such-service"]:
        assert client.get(path).status_code == 404


def test_a_failing_waiting_list_pass_never_stops_the_messages(app, monkeypatch, caplog):
    def broken(now):
        raise RuntimeError("a bug")

    monkeypatch.setattr(offers, "offer_free_times", broken)
    with app.app_context():
        worker.offer_freed_times(NOW)  # logged, not raised: the outbox pass goes on
    assert "waiting list: RuntimeError" in caplog.text and "trying again" in caplog.text
