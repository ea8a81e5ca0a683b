"""The therapist's review: release confirms held future sessions once; contacted keeps them held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.domain.statuses import BookingStatus, ReviewState, StaffRole
from booking.encryption import cipher
from booking.extensions import db
from booking.models import Booking, Intake, StaffUser
from booking.services.intake import review
from tests.support import DEFAULT_NOW
from tests.support.factories import make_booking, make_client, make_practitioner
from tests.support.pages import text_of
from tests.support.queries import recorded_statements
from tests.support.staff import (
    add_intake,
    add_staff_member,
    page_token,
    screening_rows,
    signed_in_client,
)

NOW = DEFAULT_NOW
HOLDING_ANSWERS = {"screening": {"now": ["fever"], "history": ["none"]}}


@dataclass
class Held:
    intake_id: int
    staff_id: int
    future: list[int]  # held, in the future: these are released
    past: int  # held, but already over
    cancelled: int
    confirmed: int  # already confirmed: untouched
    other_client: int  # someone else's held session


def booking_row(app, booking_id: int) -> tuple[BookingStatus, int]:
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        return booking.status, booking.ical_sequence


def intake_row(app, intake_id: int) -> Intake:
    with app.app_context():
        intake = db.session.get(Intake, intake_id)
        db.session.expunge(intake)
        return intake


@pytest.fixture
def held(app) -> Held:
    """A client whose answers hold two future sessions, with others that must not change."""
    staff_id = add_staff_member(app, StaffRole.THERAPIST)
    with app.app_context():
        screening_rows()
        therapist = make_practitioner()
        # The account signed in as a therapist is this client's therapist.
        db.session.get(StaffUser, staff_id).practitioner = therapist
        client = make_client(name="Rowan Ash")
        intake = add_intake(client, HOLDING_ANSWERS, review_state=ReviewState.PENDING)

        def session(days: float, status=BookingStatus.HELD_FOR_REVIEW, who=client, seq=0):
            return make_booking(
                client=who,
                practitioner=therapist,
                start_utc=NOW + timedelta(days=days),
                status=status,
                ical_sequence=seq,
            ).id

        ids = Held(
            intake_id=intake.id,
            staff_id=staff_id,
            future=[session(1, seq=1), session(8)],
            past=session(-2),
            cancelled=session(3, BookingStatus.CANCELLED),
            confirmed=session(15, BookingStatus.CONFIRMED),
            other_client=session(5, who=make_client(name="Someone Else")),
        )
        db.session.commit()
    return ids


def release(app, held: Held, note: str = "") -> review.ReviewOutcome:
    with app.app_context():
        return review.release(held.intake_id, held.staff_id, note, NOW)


def test_release_confirms_the_held_future_sessions_and_bumps_their_sequence(app, held):
    outcome = release(app, held, "  Spoke to the client; fever passed last week.  ")
    assert outcome.changed
    assert sorted(outcome.confirmed_booking_ids) == sorted(held.future)
    assert booking_row(app, held.future[0]) == (BookingStatus.CONFIRMED, 2)
    assert booking_row(app, held.future[1]) == (BookingStatus.CONFIRMED, 1)
    intake = intake_row(app, held.intake_id)
    assert intake.review_state == ReviewState.RELEASED
    assert intake.reviewed_at == NOW
    assert intake.reviewed_by_id == held.staff_id
    with app.app_context():
        assert cipher().decrypt(intake.review_note_encrypted) == (
            "Spoke to the client; fever passed last week."
        )
    assert "fever" not in intake.review_note_encrypted  # encrypted at rest


def test_release_leaves_past_cancelled_confirmed_and_other_clients_sessions_alone(app, held):
    release(app, held)
    assert booking_row(app, held.past) == (BookingStatus.HELD_FOR_REVIEW, 0)
    assert booking_row(app, held.cancelled) == (BookingStatus.CANCELLED, 0)
    assert booking_row(app, held.confirmed) == (BookingStatus.CONFIRMED, 0)
    assert booking_row(app, held.other_client) == (BookingStatus.HELD_FOR_REVIEW, 0)
    assert intake_row(app, held.intake_id).review_note_encrypted is None  # no note given


def test_releasing_twice_changes_nothing_the_second_time(app, held, freeze):
    release(app, held, "First look")
    before = [booking_row(app, booking_id) for booking_id in held.future]
    first = intake_row(app, held.intake_id)
    with app.app_context():
        again = review.release(held.intake_id, held.staff_id, "Second", NOW + timedelta(hours=1))
    assert not again.changed and again.confirmed_booking_ids == ()
    assert [booking_row(app, booking_id) for booking_id in held.future] == before
    second = intake_row(app, held.intake_id)
    assert (second.reviewed_at, second.review_note_encrypted) == (
        first.reviewed_at,
        first.review_note_encrypted,
    )


def test_contacted_keeps_the_sessions_held_and_keeps_the_note(app, held):
    with app.app_context():
        outcome = review.mark_contacted(held.intake_id, held.staff_id, "Asked about GP", NOW)
    assert outcome.changed and outcome.review_state == ReviewState.CONTACTED
    assert [booking_row(app, b) for b in held.future] == [
        (BookingStatus.HELD_FOR_REVIEW, 1),
        (BookingStatus.HELD_FOR_REVIEW, 0),
    ]
    intake = intake_row(app, held.intake_id)
    assert intake.review_state == ReviewState.CONTACTED
    assert (intake.reviewed_at, intake.reviewed_by_id) == (NOW, held.staff_id)
    with app.app_context():
        assert review.review_note(intake) == "Asked about GP"
        # Released later without a new note: the conversation's note stays on record.
        review.release(held.intake_id, held.staff_id, "", NOW + timedelta(hours=1))
        assert review.review_note(db.session.get(Intake, held.intake_id)) == "Asked about GP"
    assert booking_row(app, held.future[0]) == (BookingStatus.CONFIRMED, 2)


@pytest.mark.parametrize("note", ["", "   "])
def test_contacted_needs_a_note(app, held, note):
    with app.app_context(), pytest.raises(review.ReviewError):
        review.mark_contacted(held.intake_id, held.staff_id, note, NOW)
    assert intake_row(app, held.intake_id).review_state == ReviewState.PENDING


def test_a_note_over_the_limit_is_refused_and_nothing_changes(app, held):
    with app.app_context(), pytest.raises(review.ReviewError):
        review.release(held.intake_id, held.staff_id, "x" * 1001, NOW)
    assert intake_row(app, held.intake_id).review_state == ReviewState.PENDING
    assert booking_row(app, held.future[1]) == (BookingStatus.HELD_FOR_REVIEW, 0)


def test_an_unknown_intake_is_a_lookup_error(app, held):
    with app.app_context():
        with pytest.raises(LookupError):
            review.release(999_999, held.staff_id, "", NOW)
        with pytest.raises(LookupError):
            review.mark_contacted(999_999, held.staff_id, "note", NOW)


def test_answers_that_never_waited_cannot_be_released(app, held):
    with app.app_context():
        calm = add_intake(make_client(), {"senses": {"light": "dim"}}).id
        db.session.commit()
        with pytest.raises(review.ReviewError):
            review.release(calm, held.staff_id, "", NOW)
    assert intake_row(app, calm).review_state == ReviewState.NOT_NEEDED


def test_older_answers_cannot_release_sessions_newer_answers_hold(app, held):
    with app.app_context():
        old = db.session.get(Intake, held.intake_id)
        old.review_state = ReviewState.CONTACTED
        newer = add_intake(old.client, HOLDING_ANSWERS, review_state=ReviewState.PENDING)
        db.session.commit()
        with pytest.raises(review.ReviewError, match="newer answers"):
            review.release(held.intake_id, held.staff_id, "", NOW)
        newer_id = newer.id
    assert booking_row(app, held.future[1]) == (BookingStatus.HELD_FOR_REVIEW, 0)
    with app.app_context():
        assert review.release(newer_id, held.staff_id, "", NOW).changed
    assert booking_row(app, held.future[1]) == (BookingStatus.CONFIRMED, 1)


def test_the_queue_lists_waiting_intakes_with_held_sessions_and_flags(app, held):
    with app.app_context():
        db.session.add(make_client())  # no intake: not in the queue
        add_intake(make_client(), {}, review_state=ReviewState.RELEASED)
        db.session.commit()
        queue = review.held_for_review(NOW)
        assert [item.intake.id for item in queue] == [held.intake_id]
        item = queue[0]
        assert [booking.id for booking in item.held] == held.future
        assert item.flags[0].reason == "A fever, or an infection such as flu or Covid"
        assert item.flags[0].advice == "No hands-on session until reviewed"


def test_the_queue_takes_the_same_few_queries_however_long_it_is(app, held):
    def queries_for_queue() -> int:
        with app.app_context(), recorded_statements(app) as statements:
            queue = review.held_for_review(NOW)
            for item in queue:  # everything the page reads
                _ = [item.intake.client.display_name for _ in item.held]
                _ = [(b.service.name, b.practitioner.name) for b in item.held]
        return len(statements)

    one = queries_for_queue()
    with app.app_context():
        therapist = make_practitioner()
        for n in range(5):
            someone = make_client()
            add_intake(someone, HOLDING_ANSWERS, review_state=ReviewState.PENDING)
            make_booking(
                client=someone,
                practitioner=therapist,
                start_utc=NOW + timedelta(days=2, hours=2 * n),
                status=BookingStatus.HELD_FOR_REVIEW,
            )
        db.session.commit()
    assert queries_for_queue() == one


# --- The review page --------------------------------------------------------------------------


def post_review(staff, intake_id: int, action: str, note: str | None = None, **kwargs):
    """Send the review page's "release" or "contacted" form for this intake, as the page does."""
    prefix = f"{action}-{intake_id}"
    token = page_token(staff)
    data = {"csrf_token": token, f"{prefix}-csrf_token": token}
    if note is not None:
        data[f"{prefix}-note"] = note
    return staff.post(f"/dashboard/reviews/{intake_id}/{action}", data=data, **kwargs)


def test_the_review_page_releases_with_a_note(app, held):
    therapist = signed_in_client(app, StaffRole.ADMIN)
    page = therapist.get("/dashboard/reviews")
    words = text_of(page)
    assert "Rowan Ash" in words
    assert "Stop: A fever, or an infection such as flu or Covid" in words
    assert "Someone Else" not in words
    response = post_review(therapist, held.intake_id, "release", "Fine now")
    assert response.status_code == 303
    words = text_of(therapist.get("/dashboard/reviews"))
    assert "Reviewed. The client's 2 sessions are now confirmed." in words
    assert "Nothing is waiting." in words
    assert booking_row(app, held.future[0]) == (BookingStatus.CONFIRMED, 2)


def test_a_contacted_note_that_is_too_long_is_kept_and_explained(app, held):
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    typed = "Talked it through. " * 60  # over 1,000 characters
    response = post_review(therapist, held.intake_id, "contacted", typed)
    prefix = f"contacted-{held.intake_id}"
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{prefix}-note-error"' in body
    assert "Please keep the note to 1,000 characters or fewer." in body
    assert typed.strip() in body
    assert intake_row(app, held.intake_id).review_state == ReviewState.PENDING


def test_a_contacted_note_is_required_on_the_page(app, held):
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    response = post_review(therapist, held.intake_id, "contacted", "")
    assert response.status_code == 422
    assert "Please write a short note about the conversation." in text_of(response)


def test_releasing_answers_already_released_says_so_calmly(app, held):
    release(app, held)
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    response = post_review(therapist, held.intake_id, "release", follow_redirects=True)
    assert "already reviewed. Nothing has changed." in text_of(response)
    with app.app_context():
        sequences = db.session.scalars(
            select(Booking.ical_sequence).where(Booking.id.in_(held.future))
        ).all()
    assert sorted(sequences) == [1, 2]
