"""Checks on intake answers as people give them, with kind messages to show next to the field.

Pure: no Flask, no database, no clock (`today` is passed in). The forms call these; a problem
is an AnswerProblem whose text is the message, written to help rather than to blame.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from booking.domain.dates import MONTHS
from booking.domain.intake import (
    BODY_AREAS,
    NONE_OF_THESE,
    Condition,
    ScreeningGroup,
)


class AnswerProblem(ValueError):
    """An answer we cannot use yet; str(problem) is the message for next to the field."""


# --- Date of birth ----------------------------------------------------------------------------

OLDEST_AGE = 120  # born longer ago than this is almost surely a slip in the year
EXAMPLE = "for example 27 3 1985"

ASK_FOR_DATE = f"Please enter your date of birth, {EXAMPLE}"
ASK_FOR_PARTS = f"Please give the day, month and year, {EXAMPLE}"
ASK_FOR_FULL_YEAR = "Please give the year in full, for example 1985"
ASK_DAY_FIRST = f"It looks like the month came first. Please put the day first, {EXAMPLE}"
ASK_FOR_MONTH = "Please check the month: use a number from 1 to 12, or a name such as March"
IN_FUTURE = "That date is in the future. Please check the year."
TOO_OLD = f"Please check the year: that would make you over {OLDEST_AGE}."

# People separate the parts with whatever is nearest: spaces, slashes, dashes, dots, commas.
SEPARATORS = re.compile(r"[\s/\\\-\u2010-\u2015.,]+")
ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")  # "27th" is a day


def _month_from_name(word: str) -> int | None:
    """1 to 12 for a month name or its start ("mar", "sept", "March"), else None."""
    word = word.lower()
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTHS, start=1):
        if name.lower().startswith(word):
            return number
    return None


def _is_month_word(part: str) -> bool:
    return part.isalpha()


def _number(part: str) -> int | None:
    """A day, month or year written in digits (a day may carry "st", "nd", "rd" or "th")."""
    match = ORDINAL.match(part.lower())
    if match:
        return int(match.group(1))
    return int(part) if part.isdecimal() else None


def _day_month_year(parts: Sequence[str]) -> tuple[str, str, str]:
    """The three parts in day, month, year order, from any order people commonly use."""
    first, second, third = parts
    if first.isdecimal() and len(first) == 4:
        return third, second, first  # 1985-03-27, the ISO order the forms store
    if _is_month_word(first):
        return second, first, third  # March 27 1985
    return first, second, third  # 27 3 1985: day first, as in the UK


def _month(raw: str) -> int:
    """The month as a number, from digits or a name."""
    if _is_month_word(raw):
        number = _month_from_name(raw)
        if number is None:
            raise AnswerProblem(ASK_FOR_MONTH)
        return number
    number = _number(raw)
    if number is None or not 1 <= number <= 12:
        raise AnswerProblem(ASK_FOR_MONTH)
    return number


def parse_date_of_birth(raw: str, today: date) -> date:
    """A date of birth from the many ways people write one, day first as in the UK."""
    parts = [part for part in SEPARATORS.split(raw.strip()) if part and part.lower() != "of"]
    if not parts:
        raise AnswerProblem(ASK_FOR_DATE)
    if len(parts) != 3:
        raise AnswerProblem(ASK_FOR_PARTS)
    day_raw, month_raw, year_raw = _day_month_year(parts)
    day, year = _number(day_raw), _number(year_raw)
    if day is None or year is None or not year_raw.isdecimal():
        raise AnswerProblem(ASK_FOR_PARTS)
    if len(year_raw) < 4:
        raise AnswerProblem(ASK_FOR_FULL_YEAR)  # is "85" 1985 or 2085? only the client knows
    if month_raw.isdecimal() and int(month_raw) > 12 >= day:
        raise AnswerProblem(ASK_DAY_FIRST)  # 3/27/1985, the American order
    month = _month(month_raw)
    # Years outside these bounds are mistakes whatever the day, and the calendar can't hold them.
    if year > today.year:
        raise AnswerProblem(IN_FUTURE)
    if year < 1:
        raise AnswerProblem(TOO_OLD)
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise AnswerProblem(
            f"That date does not exist: {MONTHS[month - 1]} {year} has {days_in_month} days."
        )
    born = date(year, month, day)
    if born > today:
        raise AnswerProblem(IN_FUTURE)
    # Compared as (year, month, day) so that 29 February needs no special case.
    if (born.year + OLDEST_AGE, born.month, born.day) < (today.year, today.month, today.day):
        raise AnswerProblem(TOO_OLD)
    return born


# --- Answers that contradict each other -------------------------------------------------------

NO_REMINDERS = "none"  # the consent page's "no reminders, thank you"
UNTICK_ONE = "You chose 'None of these' and also a condition. Please untick one."
NO_REMINDERS_AND_A_CHANNEL = (
    "You chose no reminders and also a way to send them. Please untick one."
)
BEST_BELOW_WORST = (
    "Your best is lower than your worst. Please check these two: the best is the higher number."
)


def _as_list(value: Any) -> list[str]:
    """A form value as a list of choices: absent is empty, one string is one choice."""
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else list(value)


def _none_and_more(values: Mapping[str, Any], question: str, none: str = NONE_OF_THESE) -> bool:
    """'None of these' ticked together with something else."""
    choices = set(_as_list(values.get(question)))
    return none in choices and len(choices) > 1


def _bell(values: Mapping[str, Any], question: str) -> int | None:
    """A Bell score as a number, or None when not given (or not a number)."""
    value = values.get(question)
    return int(value) if isinstance(value, str) and value.isdecimal() else None


def _screening(values: Mapping[str, Any]) -> dict[str, str]:
    return {
        group.value: UNTICK_ONE for group in ScreeningGroup if _none_and_more(values, group.value)
    }


def _condition(values: Mapping[str, Any]) -> dict[str, str]:
    # "I'm not sure" with a named condition is a fair answer; "none" with anything is not.
    if _none_and_more(values, "conditions", Condition.NONE):
        return {"conditions": UNTICK_ONE}
    return {}


def _areas(values: Mapping[str, Any]) -> dict[str, str]:
    both = set(_as_list(values.get("include"))) & set(_as_list(values.get("avoid")))
    if not both:
        return {}
    labels = [label for key, label in BODY_AREAS if key in both]
    labels += sorted(both - {key for key, _ in BODY_AREAS})  # unknown keys still named
    names = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
    return {"avoid": f"You chose {names} both to include and to avoid. Please untick one."}


def _energy(values: Mapping[str, Any]) -> dict[str, str]:
    # Today above the best or below the worst is not checked: days vary, and we believe them.
    best, worst = _bell(values, "bell_best"), _bell(values, "bell_worst")
    if best is not None and worst is not None and best < worst:
        return {"bell_best": BEST_BELOW_WORST}
    return {}


def _consent(values: Mapping[str, Any]) -> dict[str, str]:
    if _none_and_more(values, "reminders", NO_REMINDERS):
        return {"reminders": NO_REMINDERS_AND_A_CHANNEL}
    return {}


CONTRADICTION_CHECKS = {
    "screening": _screening,
    "condition": _condition,
    "areas": _areas,
    "energy": _energy,
    "consent": _consent,
}


def contradictions(step: str, values: Mapping[str, Any]) -> dict[str, str]:
    """Answers on one page that cannot both be true: question key → message ({} when fine)."""
    check = CONTRADICTION_CHECKS.get(step)
    return check(values) if check else {}


# --- Free text --------------------------------------------------------------------------------


def check_text(value: str, limit: int) -> str | None:
    """None if the text fits, else a message saying how long it is and may be."""
    length = len(value)
    if length <= limit:
        return None
    return f"Please keep this to {limit:,} characters or fewer (it is {length:,} now)."
