"""What the therapist records after a session, and how the form is filled in before they type.

Pure: no Flask, no database. The draft comes from the session plan (the questionnaire), the
change agreed for this session if there is one, and the day-before check-in, so on most days
the therapist only checks it and presses save.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from booking.domain.intake import BODY_AREAS, PRESSURES, Options
from booking.domain.intake_rules import POSITIONING_WORDS, SessionPlan

POSITIONS: Options = (
    ("back", "On their back"),
    ("side", "On their side"),
    ("face_down", "Face down"),
    ("seated", "Sitting in a chair"),
    ("head_raised", "Head raised"),
    ("legs_raised", "Legs raised"),
)
ARRIVED: Options = (
    ("usual", "As usual for them"),
    ("low", "Lower energy than usual"),
    ("flare", "In a flare"),
    ("brighter", "Brighter than usual"),
)
# Every key's words, for showing a saved record.
RECORD_LABELS = {
    "positions": dict(POSITIONS),
    "areas": dict(BODY_AREAS),
    "arrived": dict(ARRIVED),
    "pressure": {int(key): words for key, words in PRESSURES},
}
PRESSURE_KEYS = tuple(int(key) for key, _ in PRESSURES)
MOST_MINUTES = 240  # longer than any session: a typing slip, not a record

# The check-in asks what the client wants, not how they are; "gentler" says energy is low.
ARRIVED_FROM_CHECKIN = {"as_planned": "usual", "gentler": "low", "phone": "low"}

_AREA_KEYS = {label: key for key, label in BODY_AREAS}
_SUPPORT_POSITIONS = {
    POSITIONING_WORDS["head_raised"]: "head_raised",
    POSITIONING_WORDS["legs_raised"]: "legs_raised",
    POSITIONING_WORDS["side_lying"]: "side",
    POSITIONING_WORDS["seated"]: "seated",
}


@dataclass(frozen=True)
class RecordDraft:
    """The record's structured part: what the form shows before the therapist changes it."""

    hands_on_minutes: int | None
    pressure: int | None
    positions: list[str]
    areas_worked: list[str]
    areas_avoided: list[str]
    arrived: str | None


def draft_record(
    plan: SessionPlan | None,
    *,
    hands_on_minutes: int,
    pressure: int | None,
    checkin: str | None,
    last_time: RecordDraft | None = None,
) -> RecordDraft:
    """The record as planned: the minutes and pressure agreed for this session, else the booked
    hands-on time and last time's pressure (else the plan's); the positions and areas of last
    time, else the plan's. An area the plan says to avoid is always avoided."""
    planned = _from_plan(plan) if plan else RecordDraft(None, None, [], [], [], None)
    base = last_time if last_time and last_time.pressure else planned
    avoided = [key for key, _ in BODY_AREAS if key in {*planned.areas_avoided, *base.areas_avoided}]
    worked = base.areas_worked or planned.areas_worked
    ruled_out = _ruled_out(plan)
    positions = [key for key in base.positions or planned.positions if key not in ruled_out]
    return RecordDraft(
        hands_on_minutes=hands_on_minutes,
        pressure=pressure or base.pressure or planned.pressure or PRESSURE_KEYS[0],
        positions=positions,
        areas_worked=[key for key in worked if key not in avoided],
        areas_avoided=avoided,
        arrived=_arrived(checkin),
    )


def _ruled_out(plan: SessionPlan | None) -> set[str]:
    """Positions the plan now says not to offer, whatever was done last time."""
    lines = set(plan.positioning) if plan else set()
    ruled_out = set()
    if "No face-down" in lines:
        ruled_out.add("face_down")
    if "Lying flat is hard" in lines:
        ruled_out.add("back")
    return ruled_out


def _from_plan(plan: SessionPlan) -> RecordDraft:
    supports = [_SUPPORT_POSITIONS[line] for line in plan.positioning if line in _SUPPORT_POSITIONS]
    lying = [] if {"side", "seated"} & set(supports) else ["back"]
    return RecordDraft(
        hands_on_minutes=None,
        pressure=_pressure_of(plan.pressure),
        positions=[key for key, _ in POSITIONS if key in {*lying, *supports}],
        areas_worked=_area_keys(plan.include_areas),
        areas_avoided=_area_keys(plan.avoid_areas),
        arrived=None,
    )


def _arrived(checkin: str | None) -> str | None:
    return ARRIVED_FROM_CHECKIN.get(checkin or "")


def _pressure_of(words: str) -> int:
    """The number at the start of a pressure label ("2: light"); the lightest when unsure."""
    head = words.split(":", 1)[0].strip()
    return int(head) if head.isdigit() and int(head) in PRESSURE_KEYS else PRESSURE_KEYS[0]


def _area_keys(labels: Iterable[str]) -> list[str]:
    return [_AREA_KEYS[label] for label in labels if label in _AREA_KEYS]


def split_keys(stored: str | None) -> list[str]:
    """A stored comma-separated list of keys, as a list."""
    return [key for key in (stored or "").split(",") if key]


def join_keys(keys: Iterable[str], options: Options) -> str:
    """Keys chosen from `options`, in the options' order, for storing."""
    wanted = set(keys)
    return ",".join(key for key, _ in options if key in wanted)
