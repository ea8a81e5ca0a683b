"""One-tap answers from emails: the day-before check-in, the follow-up after a session, and
the answer to an offer of a little more.

A link names the booking, a version and the answer: the booking's SEQUENCE when the message
was written (for an offer, the offer's own version, so a changed offer makes it stale). It is
signed, so it cannot be altered. Opening it shows a confirmation page; only the button
there records anything (a link checker or a preview that opens it changes nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from booking.clock import practice_zone
from booking.domain.messages import (
    CHECKIN_ANSWERS,
    FOLLOWUP_ANSWERS,
    LASTED_ANSWERS,
    OFFER_ANSWERS,
    WORSE,
)
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking
from booking.services.booking.availability import local_day_bounds
from booking.services.sessions.agreed import (
    agreed_for,
    note_answer,
    offer_version,
    why_offer_closed,
)
from booking.transactions import retry_conflicts, write_transaction
from booking.web import public_url

# "lasted" is the follow-up's second question, asked after a worse answer: how long it lasted.
# "offer" answers the therapist's offer of a little more next session (kept on the adjustment).
ANSWERS = {
    "checkin": CHECKIN_ANSWERS,
    "followup": FOLLOWUP_ANSWERS,
    "lasted": LASTED_ANSWERS,
    "offer": OFFER_ANSWERS,
}
ENDPOINTS = {
    "checkin": "replies.checkin",
    "followup": "replies.followup",
    "lasted": "replies.lasted",
    "offer": "replies.offer",
}
FOLLOWUP_OPEN_FOR = timedelta(days=14)


class ReplyProblem(Exception):
    """The answer cannot be recorded; `reason` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _signer(kind: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"reply-{kind}")


def answer_links(kind: str, booking: Booking) -> dict[str, str]:
    """A signed link for each answer, for the message about this booking as it is now.

    A link carries the booking's SEQUENCE (a change makes it stale), or for an offer, the
    offer's own version: a yes answers the offer the client read, never a later one."""
    endpoint = ENDPOINTS[kind]
    version: object = booking.ical_sequence
    if kind == "offer":
        agreed = agreed_for(booking.id)
        version = offer_version(agreed, booking) if agreed else ""
    return {
        answer: public_url(endpoint, token=_signer(kind).dumps([booking.id, version, answer]))
        for answer in ANSWERS[kind]
    }


@dataclass
class Reply:
    """An answer link, opened: the booking, the answer, and whether it still applies."""

    booking: Booking
    answer: str
    words: str
    problem: str | None


def read(kind: str, token: str, now: datetime) -> Reply | None:
    """The reply a link carries, or None for a link that is not ours (a kind 404)."""
    if not token or len(token) > 300:
        return None
    try:
        booking_id, version, answer = _signer(kind).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(booking_id, int) or answer not in ANSWERS[kind]:
        return None
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        return None
    problem = None if _already(kind, booking, answer) else _problem(kind, booking, version, now)
    return Reply(booking, answer, ANSWERS[kind][answer], problem)


_RECORDED_IN = {
    "checkin": "checkin_answer",
    "followup": "followup_answer",
    "lasted": "followup_lasted",
}


def _already(kind: str, booking: Booking, answer: str) -> bool:
    """Whether this very answer is the one on file: pressing it again (a double press, or
    the link opened once more after it acted) shows the thank-you page, changing nothing."""
    if kind == "offer":
        agreed = agreed_for(booking.id)
        return agreed is not None and agreed.client_answer == answer
    return getattr(booking, _RECORDED_IN[kind]) == answer


def _problem(kind: str, booking: Booking, sequence: object, now: datetime) -> str | None:
    if kind == "offer":
        return _offer_problem(booking, sequence, now)
    if booking.status == BookingStatus.CANCELLED:
        return "This session was cancelled, so there is nothing to answer."
    if sequence != booking.ical_sequence:
        return (
            "This link is from an older message: the session has changed since. "
            "Please use the link in the newest message, or call us."
        )
    if kind == "checkin" and booking.start_utc <= now:
        return "This session has already started, so the check-in is closed."
    after = kind in ("followup", "lasted")
    if after and not (booking.end_utc <= now <= booking.end_utc + FOLLOWUP_OPEN_FOR):
        return "This question opens after your session, and stays open for two weeks."
    if kind == "lasted" and booking.followup_answer not in WORSE:
        return "This question is for when you felt worse after your session."
    return None


def _offer_problem(booking: Booking, version: object, now: datetime) -> str | None:
    agreed = agreed_for(booking.id)
    problem = why_offer_closed(booking, agreed, now)
    if problem is None and agreed is not None and version != offer_version(agreed, booking):
        return (
            "This question is from an older message: your therapist has changed it since. "
            "Please use the newest message, or your booking page."
        )
    return problem


@retry_conflicts
def record(
    kind: str,
    token: str,
    now: datetime,
    then: Callable[[Booking, str, datetime], None] | None = None,
) -> Reply:
    """Record the answer (choosing again replaces it); ReplyProblem when it no longer applies.

    `then(booking, answer, now)` acts on the answer in the same transaction (the check-in's
    actions, services/booking/checkin.py), so an answer and what it does commit together.
    """
    with write_transaction():
        reply = read(kind, token, now)
        if reply is None:
            raise LookupError("not a reply link")
        db.session.execute(
            select(Booking.id).where(Booking.id == reply.booking.id).with_for_update()
        )
        if reply.problem:
            raise ReplyProblem(reply.problem)
        if _already(kind, reply.booking, reply.answer):
            return reply
        if kind == "checkin":
            reply.booking.checkin_answer = reply.answer
        elif kind == "followup":
            reply.booking.followup_answer = reply.answer
            if reply.answer not in WORSE:
                reply.booking.followup_lasted = None  # "fine" now: nothing lasted
        elif kind == "lasted":
            reply.booking.followup_lasted = reply.answer
        else:
            agreed = agreed_for(reply.booking.id)
            assert agreed is not None  # _offer_problem said so
            note_answer(agreed, reply.answer, now)
        if then is not None:
            then(reply.booking, reply.answer, now)
    return reply


@dataclass
class Asking:
    """The question a client's manage page asks now, as one-tap answer links: a text holds
    only the manage link, so the page is where a texted client answers."""

    kind: str  # "checkin" or "followup"
    links: dict[str, str]  # answer -> link
    words: dict[str, str]  # answer -> words
    answered: str | None


def asking_now(booking: Booking, now: datetime) -> Asking | None:
    """The check-in from the start of the day before a session (practice time, so before
    the texted reminder arrives) until it starts; the follow-up from its end for two weeks;
    otherwise nothing."""
    zone = practice_zone()
    day_before = booking.start_utc.astimezone(zone).date() - timedelta(days=1)
    opens, _ = local_day_bounds(day_before, zone)
    # A session held for review asks nothing yet: the therapist will call or write first.
    confirmed = booking.status == BookingStatus.CONFIRMED
    if confirmed and opens <= now < booking.start_utc:
        kind, answered = "checkin", booking.checkin_answer
    elif (
        booking.status in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED)
        and booking.end_utc <= now <= booking.end_utc + FOLLOWUP_OPEN_FOR
    ):
        kind, answered = "followup", booking.followup_answer
    else:
        return None
    return Asking(kind, answer_links(kind, booking), ANSWERS[kind], answered)


@dataclass
class Offer:
    """An offer of a little more massage, as the manage page asks it."""

    minutes: int  # hands-on minutes offered
    from_minutes: int  # instead of these
    links: dict[str, str]  # answer -> link
    words: dict[str, str]


def offer_now(booking: Booking, now: datetime) -> Offer | None:
    """The therapist's offer of more for this session, while it waits for the client."""
    agreed = agreed_for(booking.id)
    if agreed is None or why_offer_closed(booking, agreed, now):
        return None
    assert agreed.offered_from_minutes is not None  # an open offer has one
    return Offer(
        agreed.hands_on_minutes,
        agreed.offered_from_minutes,
        answer_links("offer", booking),
        OFFER_ANSWERS,
    )
