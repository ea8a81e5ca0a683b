"""The next-session suggestion (booking.domain.next_session): gentler after a worse answer,
a little more offered only after two sessions in a row with no worsening, otherwise as last
time. Nothing ever grows by itself (DOMAIN.md, booking rule 2), and the words are calm."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.domain.messages import LASTED_ANSWERS, WORSE
from booking.domain.next_session import (
    FIRMEST,
    LIGHTEST,
    MINIMUM_MINUTES,
    STEP_MINUTES,
    Direction,
    PastSession,
    Suggestion,
    suggest_next,
)

GENTLER, MORE, SAME = Direction.GENTLER, Direction.MORE, Direction.SAME
ALLOWED = 45  # a 45-minute first-visit booking's hands-on time at most

# Words that must never reach anyone (DOMAIN.md), checked against every reason below.
NEVER_SAY = ("detox", "toxin", "healing crisis", "push through", "tolerance", "graded")


def had(minutes: int | None, pressure: int | None, followup=None, lasted=None) -> PastSession:
    """A session with the therapist's record and the client's answer (None: not answered)."""
    return PastSession(minutes, pressure, followup, lasted)


def unrecorded(followup=None, lasted=None) -> PastSession:
    """A session the therapist wrote no record for."""
    return PastSession(None, None, followup, lasted)


def _clean(reason: str) -> bool:
    return bool(reason) and not any(word in reason.lower() for word in NEVER_SAY)


# --- No record: the questionnaire's plan stands -------------------------------------------------


@pytest.mark.parametrize(
    "history",
    [
        pytest.param([], id="no history keeps the questionnaire plan"),
        pytest.param(
            [unrecorded("fine"), unrecorded("crash", "week")],
            id="sessions without a record keep the questionnaire plan",
        ),
        pytest.param(
            [had(30, None, "fine"), had(None, 2, "fine")],
            id="a record missing minutes or pressure is no record",
        ),
    ],
)
def test_without_a_session_record_there_is_no_suggestion(history):
    assert suggest_next(history, allowed_minutes=ALLOWED) is None


# --- The rules, case by case ------------------------------------------------------------------

CASES = [
    # Worse after the last session: shorter and lighter.
    pytest.param(
        [had(30, 3, "tired", "day_or_two")],
        ALLOWED,
        (GENTLER, 25, 2),
        ("They felt more tired than usual after the last session (it lasted a day or two).",),
        id="more tired for a day or two gives 5 minutes less and a lighter touch",
    ),
    pytest.param(
        [had(30, 2, "tired", "hours")],
        ALLOWED,
        (GENTLER, 25, 1),
        ("(it lasted a few hours)", "useful to know, not a failure"),
        id="more tired for a few hours is still gentler",
    ),
    pytest.param(
        [had(30, 2, "crash")],
        ALLOWED,
        (GENTLER, 25, 1),
        ("They had a crash after the last session.", "offer about 5 minutes less (25)"),
        id="a crash without how long it lasted leaves the length out",
    ),
    pytest.param(
        [had(40, 4, "crash", "week")],
        ALLOWED,
        (GENTLER, 35, 3),
        ("They had a crash after the last session (it lasted about a week).",),
        id="a crash lasting about a week gives shorter and lighter",
    ),
    pytest.param(
        [had(30, 3, "crash", "longer")],
        ALLOWED,
        (GENTLER, 25, 2),
        ("(it lasted longer, or is still going)",),
        id="a crash still going is said in a whole sentence",
    ),
    pytest.param(
        [had(30, 3, "tired", "forever")],
        ALLOWED,
        (GENTLER, 25, 2),
        ("They felt more tired than usual after the last session. Feeling",),
        id="an unknown length is left out",
    ),
    # At the floor: still gentler, with the same values.
    pytest.param(
        [had(10, 1, "crash", "week")],
        ALLOWED,
        (GENTLER, 10, 1),
        ("already as short and light as we go", "keep it as gentle", "how they are on the day"),
        id="at the shortest and lightest it stays as gentle as it is",
    ),
    pytest.param(
        [had(10, 3, "tired")],
        ALLOWED,
        (GENTLER, 10, 2),
        ("offer a lighter touch (2)", "already as short as we go (10 minutes)"),
        id="at the shortest only the touch gets lighter",
    ),
    pytest.param(
        [had(30, 1, "tired")],
        ALLOWED,
        (GENTLER, 25, 1),
        ("offer about 5 minutes less (25)", "already as light as we go (1)"),
        id="at the lightest only the time gets shorter",
    ),
    pytest.param(
        [had(12, 2, "crash")],
        ALLOWED,
        (GENTLER, 10, 1),
        ("offer about 2 minutes less (10)",),
        id="just above the shortest it stops at the shortest",
    ),
    pytest.param(
        [had(5, 2, "crash")],
        ALLOWED,
        (GENTLER, 5, 1),
        ("offer a lighter touch (1); the time is already as short as we go (5 minutes).",),
        id="a record already below the shortest is neither cut nor lengthened",
    ),
    # Two or more in a row with no worsening: a little more is offered.
    pytest.param(
        [had(30, 2, "fine"), had(30, 2, "fine")],
        ALLOWED,
        (MORE, 35, 2),
        (
            "No worsening after the last 2 sessions: offer about 5 more minutes (35), "
            "or a little firmer (3) — the client decides.",
        ),
        id="two fine sessions in a row offer 5 more minutes or a little firmer",
    ),
    pytest.param(
        [had(25, 2, "fine"), had(30, 2, "fine"), had(30, 3, "fine")],
        ALLOWED,
        (MORE, 35, 3),
        ("No worsening after the last 3 sessions", "(35)", "firmer (4)", "the client decides"),
        id="three fine sessions offer a little more from the latest record",
    ),
    pytest.param(
        [had(40, 4, "fine"), had(30, 2, "fine")],
        ALLOWED,
        (MORE, 35, 2),
        ("offer about 5 more minutes (35)",),
        id="the latest record is the base, not an earlier longer one",
    ),
    pytest.param(
        [had(30, 2, "crash"), had(25, 1, "fine"), had(25, 1, "fine")],
        ALLOWED,
        (MORE, 30, 1),
        ("No worsening after the last 2 sessions", "(30)", "firmer (2)"),
        id="a crash then two fine sessions offer a little more again",
    ),
    pytest.param(
        [had(30, 5, "fine"), had(30, 5, "fine")],
        ALLOWED,
        (MORE, 35, 5),
        ("offer about 5 more minutes (35) — the client decides.",),
        id="at the firmest only more time is offered",
    ),
    pytest.param(
        [had(42, 2, "fine"), had(42, 2, "fine")],
        ALLOWED,
        (MORE, 45, 2),
        ("offer about 3 more minutes (45)",),
        id="near the longest the offer stops at what the session allows",
    ),
    pytest.param(
        [had(45, 2, "fine"), had(45, 2, "fine")],
        ALLOWED,
        (MORE, 45, 3),
        (
            "No worsening after the last 2 sessions: offer a little firmer (3) — the client "
            "decides; 45 minutes is the most this session allows.",
        ),
        id="at the longest a little firmer is offered instead",
    ),
    pytest.param(
        [had(45, 5, "fine"), had(45, 5, "fine")],
        ALLOWED,
        (SAME, 45, 5),
        ("already the longest and firmest this session allows", "keep it as it is"),
        id="at the longest and firmest it stays as it is",
    ),
    # Otherwise as last time.
    pytest.param(
        [had(30, 2, "fine")],
        ALLOWED,
        (SAME, 30, 2),
        (
            "One session without worsening so far: keep it as last time. "
            "After two in a row, you could offer a little more.",
        ),
        id="one fine session keeps it as last time",
    ),
    pytest.param(
        [had(30, 2, "crash"), had(25, 1, "fine")],
        ALLOWED,
        (SAME, 25, 1),
        ("One session without worsening so far",),
        id="one fine session after a crash keeps it as last time",
    ),
    pytest.param(
        [had(30, 2, "fine"), had(30, 2, "tired"), had(25, 1, "fine")],
        ALLOWED,
        (SAME, 25, 1),
        ("One session without worsening so far",),
        id="a worse answer in between starts the count again",
    ),
    pytest.param(
        [had(30, 2, "fine"), had(30, 2)],
        ALLOWED,
        (SAME, 30, 2),
        ("We do not know yet how they were after the last session: keep it as last time.",),
        id="fine then unanswered keeps it as last time until we know",
    ),
    pytest.param(
        [had(30, 2, "fine"), had(30, 2, "great")],
        ALLOWED,
        (SAME, 30, 2),
        ("We do not know yet",),
        id="an unknown answer counts as no answer, never as no worsening",
    ),
    # Two fine then worse: gentler wins.
    pytest.param(
        [had(30, 2, "fine"), had(35, 2, "fine"), had(35, 2, "tired")],
        ALLOWED,
        (GENTLER, 30, 1),
        ("They felt more tired than usual", "offer about 5 minutes less (30)"),
        id="two fine sessions then a worse one gives gentler",
    ),
    # The latest session has no record: its answer decides, the earlier record is the base.
    pytest.param(
        [had(30, 3, "fine"), unrecorded("tired", "hours")],
        ALLOWED,
        (GENTLER, 25, 2),
        ("They felt more tired than usual after the last session (it lasted a few hours).",),
        id="a worse answer after an unrecorded session is gentler than the last record",
    ),
    pytest.param(
        [had(30, 3, "fine"), unrecorded("fine")],
        ALLOWED,
        (MORE, 35, 3),
        ("No worsening after the last 2 sessions",),
        id="an unrecorded fine session counts toward the two in a row",
    ),
    pytest.param(
        [had(30, 3, "crash"), unrecorded()],
        ALLOWED,
        (SAME, 30, 3),
        ("We do not know yet",),
        id="an unanswered unrecorded session keeps the last record",
    ),
    # The next session allows less than last time: everything is capped by it.
    pytest.param(
        [had(60, 3, "fine")],
        ALLOWED,
        (SAME, 45, 3),
        ("keep it as last time", "Last time was 60 minutes; this session allows 45."),
        id="a shorter session next time caps the same plan",
    ),
    pytest.param(
        [had(60, 3, "crash")],
        ALLOWED,
        (GENTLER, 40, 2),
        ("offer about 5 minutes less (40)", "Last time was 60 minutes; this session allows 45."),
        id="a shorter session next time is the base for gentler",
    ),
    pytest.param(
        [had(60, 3, "fine"), had(60, 3, "fine")],
        ALLOWED,
        (MORE, 45, 4),
        ("offer a little firmer (4)", "45 minutes is the most this session allows"),
        id="a shorter session next time offers only a little firmer",
    ),
    pytest.param(
        [had(30, 3, "tired")],
        8,
        (GENTLER, 8, 2),
        ("already as short as we go (8 minutes)",),
        id="a session shorter than the minimum is the shortest we go",
    ),
    pytest.param(
        [had(30, 3, "fine"), had(30, 3, "fine")],
        8,
        (MORE, 8, 4),
        ("8 minutes is the most this session allows",),
        id="a session shorter than the minimum is also the longest",
    ),
    # A record outside the pressure scale is brought back onto it.
    pytest.param(
        [had(30, 7, "fine")],
        ALLOWED,
        (SAME, 30, FIRMEST),
        ("keep it as last time",),
        id="a pressure above the scale is read as the firmest",
    ),
    pytest.param(
        [had(30, 0, "crash")],
        ALLOWED,
        (GENTLER, 25, LIGHTEST),
        ("already as light as we go (1)",),
        id="a pressure below the scale is read as the lightest",
    ),
]


@pytest.mark.parametrize(("history", "allowed", "expected", "words"), CASES)
def test_the_suggestion_follows_the_rules(history, allowed, expected, words):
    suggestion = suggest_next(history, allowed_minutes=allowed)
    assert suggestion is not None
    assert (suggestion.direction, suggestion.hands_on_minutes, suggestion.pressure) == expected
    for phrase in words:
        assert phrase in suggestion.reason
    assert _clean(suggestion.reason)


def test_the_worse_reason_reads_as_one_calm_paragraph():
    suggestion = suggest_next([had(30, 3, "tired", "day_or_two")], allowed_minutes=ALLOWED)
    assert suggestion == Suggestion(
        GENTLER,
        25,
        2,
        "They felt more tired than usual after the last session (it lasted a day or two). "
        "Feeling worse is useful to know, not a failure: offer about 5 minutes less (25) and a "
        "lighter touch (2).",
    )


def test_nothing_but_more_ever_mentions_more():
    """Gentler and same never hint at longer; only two fine sessions in a row do."""
    for history in ([had(30, 2, "fine")], [had(30, 2)], [had(30, 2, "crash")]):
        suggestion = suggest_next(history, allowed_minutes=ALLOWED)
        assert suggestion is not None
        assert "more minutes" not in suggestion.reason
        assert "firmer" not in suggestion.reason


# --- Whatever the history: within bounds, never longer unless offered -----------------------

sessions = st.builds(
    PastSession,
    hands_on_minutes=st.none() | st.integers(1, 120),
    pressure=st.none() | st.integers(-1, 8),
    followup=st.none() | st.sampled_from(["fine", "tired", "crash", "great"]),
    lasted=st.none() | st.sampled_from([*LASTED_ANSWERS, "forever"]),
)


@settings(max_examples=500, deadline=None)
@given(history=st.lists(sessions, max_size=8), allowed=st.integers(1, 120))
def test_any_history_stays_within_bounds_and_never_lengthens_by_itself(history, allowed):
    suggestion = suggest_next(history, allowed_minutes=allowed)
    records = [past for past in history if past.recorded]
    if not records:
        assert suggestion is None
        return
    assert suggestion is not None
    last = records[-1]
    base_minutes = min(last.hands_on_minutes, allowed)
    base_pressure = min(FIRMEST, max(LIGHTEST, last.pressure))

    assert LIGHTEST <= suggestion.pressure <= FIRMEST
    assert suggestion.hands_on_minutes <= allowed
    assert suggestion.hands_on_minutes >= min(MINIMUM_MINUTES, allowed, last.hands_on_minutes)
    assert (suggestion.direction is GENTLER) == (history[-1].followup in WORSE)
    assert _clean(suggestion.reason)
    assert "None" not in suggestion.reason

    longer = suggestion.hands_on_minutes - base_minutes
    firmer = suggestion.pressure - base_pressure
    if suggestion.direction is MORE:
        assert [past.followup for past in history[-2:]] == ["fine", "fine"]
        assert (longer, firmer) in {(0, 1), *((step, 0) for step in range(1, STEP_MINUTES + 1))}
    else:
        assert longer <= 0
        assert firmer <= 0
    if suggestion.direction is SAME:
        assert (longer, firmer) == (0, 0)
    if suggestion.direction is GENTLER:
        assert -STEP_MINUTES <= longer <= 0
        assert firmer in {-1, 0}
