"""What to suggest for a client's next session, from how the earlier ones went.

The loop reads the therapist's session records (hands-on minutes, pressure) and the client's
follow-up answers. It never lengthens anything by itself (DOMAIN.md, NICE NG206 1.11): after a
worse answer it suggests shorter and lighter; only after two sessions in a row with no
worsening does it *offer* a little more, which the client may take or leave. Anything else keeps
last time's plan. The therapist reads the suggestion before the session; nothing changes a
booking here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from booking.domain.messages import FOLLOWUP_ANSWERS, LASTED_ANSWERS, WORSE

STEP_MINUTES = 5  # "about 5 more minutes" / "about 5 minutes less"
MINIMUM_MINUTES = 10  # never suggest less hands-on time than this
LIGHTEST, FIRMEST = 1, 5  # the pressure scale, as in the questionnaire

# Sessions in a row with no worsening before a little more may be offered (booking rule 2).
GOOD_RUN = 2

# "They felt more tired than usual", "They had a crash": the follow-up words need a verb.
_VERBS = {"tired": "felt", "crash": "had"}
# "it lasted longer, or still going" does not read as a sentence; the others do as they are.
_LASTED_WORDS = {"longer": "it lasted longer, or is still going"}


@dataclass(frozen=True)
class PastSession:
    """One earlier session as the loop sees it; a history is oldest first."""

    hands_on_minutes: int | None  # from the therapist's session record; None when none was written
    pressure: int | None  # 1-5 from the record
    followup: str | None  # a FOLLOWUP_ANSWERS key, None when the client has not answered
    lasted: str | None = None  # a LASTED_ANSWERS key, after a worse answer

    @property
    def recorded(self) -> bool:
        """Whether the therapist wrote down both the minutes and the pressure."""
        return self.hands_on_minutes is not None and self.pressure is not None

    @property
    def no_worse(self) -> bool:
        """Whether the client answered, and the answer was not a worsening.

        Only a known answer counts: an unknown key is treated as no answer, so it can never
        open the way to more.
        """
        return self.followup in FOLLOWUP_ANSWERS and self.followup not in WORSE


class Direction(StrEnum):
    """Which way the suggestion leans compared with last time."""

    GENTLER = "gentler"
    MORE = "more"  # an offer: the client decides
    SAME = "same"


@dataclass(frozen=True)
class Suggestion:
    """The next session's hands-on minutes and pressure, and why, for the therapist."""

    direction: Direction
    hands_on_minutes: int
    pressure: int
    reason: str  # plain, calm words for the therapist; never blaming


@dataclass(frozen=True)
class _Base:
    """Last time's values, brought within what the next session allows."""

    minutes: int
    pressure: int
    floor: int  # the shortest we would suggest
    note: str  # said when the next session is shorter than last time's hands-on time


def suggest_next(history: Sequence[PastSession], *, allowed_minutes: int) -> Suggestion | None:
    """The suggestion for the next session; None without any session record (the plan from
    the questionnaire stands)."""
    last_recorded = next((past for past in reversed(history) if past.recorded), None)
    if last_recorded is None:
        return None
    base = _base(last_recorded, allowed_minutes)
    latest = history[-1]
    if latest.followup in WORSE:
        return _gentler(latest.followup, latest.lasted, base)
    good_run = _good_run(history)
    if good_run >= GOOD_RUN:
        return _more(good_run, base, allowed_minutes)
    if not latest.no_worse:  # not answered (or an answer we do not know)
        why = "We do not know yet how they were after the last session: keep it as last time."
    else:
        why = (
            "One session without worsening so far: keep it as last time. "
            "After two in a row, you could offer a little more."
        )
    return Suggestion(Direction.SAME, base.minutes, base.pressure, why + base.note)


def _base(record: PastSession, allowed_minutes: int) -> _Base:
    recorded_minutes, recorded_pressure = record.hands_on_minutes, record.pressure
    assert recorded_minutes is not None and recorded_pressure is not None  # only records come here
    minutes = min(recorded_minutes, allowed_minutes)
    note = ""
    if recorded_minutes > allowed_minutes:
        note = f" Last time was {recorded_minutes} minutes; this session allows {allowed_minutes}."
    # The floor is MINIMUM_MINUTES, or less when the session allows less. A record already
    # below it is kept as it was: raising it would lengthen a session nobody asked to lengthen.
    return _Base(
        minutes=minutes,
        pressure=min(FIRMEST, max(LIGHTEST, recorded_pressure)),
        floor=min(MINIMUM_MINUTES, minutes),
        note=note,
    )


def may_offer_more(history: Sequence[PastSession]) -> bool:
    """Whether a longer session may be offered at all: only after two or more sessions in a
    row with no worsening reported (DOMAIN.md booking rule 2), whoever suggests it."""
    return _good_run(history) >= GOOD_RUN


def _good_run(history: Sequence[PastSession]) -> int:
    """How many of the latest sessions in a row were answered with no worsening."""
    run = 0
    for past in reversed(history):
        if not past.no_worse:
            break
        run += 1
    return run


def _gentler(followup: str, lasted: str | None, base: _Base) -> Suggestion:
    """Shorter and lighter, down to the floor; at the floor, as gentle as it already is."""
    minutes = max(base.floor, base.minutes - STEP_MINUTES)
    pressure = max(LIGHTEST, base.pressure - 1)
    felt = f"They {_VERBS[followup]} {FOLLOWUP_ANSWERS[followup].lower()} after the last session"
    if lasted in LASTED_ANSWERS:
        words = _LASTED_WORDS.get(lasted, f"it lasted {LASTED_ANSWERS[lasted]}")
        felt += f" ({words.lower()})"
    shorter, lighter = minutes < base.minutes, pressure < base.pressure
    less = base.minutes - minutes
    if shorter and lighter:
        offer = f"offer about {less} minutes less ({minutes}) and a lighter touch ({pressure})."
    elif shorter:
        offer = (
            f"offer about {less} minutes less ({minutes}); "
            f"the touch is already as light as we go ({pressure})."
        )
    elif lighter:
        offer = (
            f"offer a lighter touch ({pressure}); "
            f"the time is already as short as we go ({minutes} minutes)."
        )
    else:
        offer = (
            f"it is already as short and light as we go ({minutes} minutes, pressure {pressure}), "
            "so keep it as gentle and ask how they are on the day."
        )
    why = f"{felt}. Feeling worse is useful to know, not a failure: {offer}"
    return Suggestion(Direction.GENTLER, minutes, pressure, why + base.note)


def _more(good_run: int, base: _Base, allowed_minutes: int) -> Suggestion:
    """An offer of a little longer or, at the longest this session allows, a little firmer."""
    since = f"No worsening after the last {good_run} sessions"
    minutes = min(allowed_minutes, base.minutes + STEP_MINUTES)
    firmer = min(FIRMEST, base.pressure + 1)
    if minutes > base.minutes:
        offer = f"offer about {minutes - base.minutes} more minutes ({minutes})"
        if firmer > base.pressure:
            offer += f", or a little firmer ({firmer})"
        why = f"{since}: {offer} — the client decides."  # never clamped: it could grow
        return Suggestion(Direction.MORE, minutes, base.pressure, why)
    if firmer > base.pressure:
        why = (
            f"{since}: offer a little firmer ({firmer}) — the client decides; "
            f"{minutes} minutes is the most this session allows."
        )
        return Suggestion(Direction.MORE, minutes, firmer, why)
    why = (
        f"{since}. It is already the longest and firmest this session allows "
        f"({minutes} minutes, pressure {base.pressure}): keep it as it is."
    )
    return Suggestion(Direction.SAME, minutes, base.pressure, why)
