"""The days and parts of the day that usually suit a client: the times page shows them first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from booking.domain.dates import PartOfDay, part_of_day

# The questionnaire's keys (domain/intake.py WEEKDAYS and PARTS_OF_DAY), in week order.
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PART_KEYS = {
    "morning": PartOfDay.MORNING,
    "afternoon": PartOfDay.AFTERNOON,
    "evening": PartOfDay.EVENING,
}


@dataclass(frozen=True)
class BestTimes:
    """Weekdays (0 is Monday) and parts of the day; either empty means any."""

    weekdays: frozenset[int] = frozenset()
    parts: frozenset[PartOfDay] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.weekdays or self.parts)

    def suits(self, start_utc: datetime, zone: ZoneInfo) -> bool:
        """Whether a time falls on a best day, in a best part of the day."""
        local = start_utc.astimezone(zone)
        return (not self.weekdays or local.weekday() in self.weekdays) and (
            not self.parts or part_of_day(local.time()) in self.parts
        )

    @classmethod
    def from_keys(cls, days: Iterable[str], parts: Iterable[str]) -> BestTimes:
        """From the questionnaire's answers ("mon", "morning"); unknown keys are ignored."""
        return cls(
            frozenset(WEEKDAY_KEYS.index(day) for day in days if day in WEEKDAY_KEYS),
            frozenset(PART_KEYS[part] for part in parts if part in PART_KEYS),
        )

    @classmethod
    def from_stored(cls, days: str | None, parts: str | None) -> BestTimes:
        """From the comma-separated keys a client row keeps."""
        return cls.from_keys((days or "").split(","), (parts or "").split(","))

    def keys(self) -> tuple[list[str], list[str]]:
        """(days, parts) as lists of the questionnaire's keys, as a form's ticks take them."""
        days, parts = self.stored()
        return (days.split(",") if days else []), (parts.split(",") if parts else [])

    def stored(self) -> tuple[str | None, str | None]:
        """(days, parts) as comma-separated keys in week and day order; None for any."""
        days = ",".join(WEEKDAY_KEYS[day] for day in sorted(self.weekdays))
        parts = ",".join(key for key, part in PART_KEYS.items() if part in self.parts)
        return days or None, parts or None


DAY_WORDS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
PART_WORDS = {
    PartOfDay.MORNING: "mornings",
    PartOfDay.AFTERNOON: "afternoons",
    PartOfDay.EVENING: "evenings",
}


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def days_in_words(best: BestTimes) -> str:
    """ "Mondays and Thursdays", or "Any day"."""
    if not best.weekdays:
        return "Any day"
    return _listed([DAY_WORDS[day] for day in sorted(best.weekdays)])


def parts_in_words(best: BestTimes) -> str:
    """ "Mornings and afternoons", or "Any time of day"."""
    if not best.parts:
        return "Any time of day"
    words = _listed([word for part, word in PART_WORDS.items() if part in best.parts])
    return words[0].upper() + words[1:]
