"""Times in plain words, in the practice's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

# Written out rather than taken from `calendar.month_name`, which follows the server's locale.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class PartOfDay(StrEnum):
    """How the times page groups a day."""

    MORNING = "Morning"
    AFTERNOON = "Afternoon"
    EVENING = "Evening"


def part_of_day(local: time) -> PartOfDay:
    """Morning before 12:00, afternoon before 17:00, evening after."""
    if local < time(12):
        return PartOfDay.MORNING
    if local < time(17):
        return PartOfDay.AFTERNOON
    return PartOfDay.EVENING


def clock_in_words(local: time) -> str:
    """10:15am, 2pm, 12 noon."""
    if local == time(12):
        return "12 noon"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{suffix}"


def day_in_words(day: date) -> str:
    """Tuesday 24 November (the year only when it is not obvious is left to the caller)."""
    return f"{day:%A} {day.day} {day:%B}"


def moment_in_words(moment: datetime, zone: ZoneInfo, today: date | None = None) -> str:
    """Tuesday 24 November at 10:15am (with the year when it is not this year)."""
    local = moment.astimezone(zone)
    words = day_in_words(local.date())
    if today is not None and local.year != today.year:
        words += f" {local.year}"
    return f"{words} at {clock_in_words(local.time())}"


def local_instant(day: date, clock: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local date and time; None for a time the clocks skip in spring.

    A time that happens twice in autumn is taken the first time (summer time).
    """
    local = datetime.combine(day, clock, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant
