"""A client's answers in the words the client read: each question and their answer.

The questions' words come from the questionnaire's own forms (views/questionnaire.py), so
the therapist reads exactly what the client was asked. An answer the forms no longer know
(a condition taken off the list, an option since renamed) is shown as stored, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from booking.domain.intake import STEPS, ScreeningCondition
from booking.views.questionnaire import for_step  # the questionnaire's own words

DATE_QUESTIONS = frozenset({"date_of_birth"})  # stored as ISO dates


@dataclass(frozen=True)
class AnswerLine:
    """One question and the client's answer, in words."""

    question: str
    answer: list[str]


@dataclass(frozen=True)
class AnswerSection:
    """One page of the questionnaire, with the questions the client answered."""

    title: str
    lines: list[AnswerLine]


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


def _humanised(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _as_date(value: Any) -> list[str] | None:
    """A stored ISO date as people write it (27 March 1985), or None if it is not one."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return None
    return [f"{day.day} {day:%B %Y}"]


def _words(field: Any, value: Any) -> list[str]:
    """A stored value in the words of the field's choices (or as typed)."""
    if field.name in DATE_QUESTIONS:
        return _as_date(value) or _as_list(value)
    if hasattr(field, "iter_choices"):
        words = {str(choice.value): str(choice.label) for choice in field.iter_choices()}
        return [words.get(item, item) for item in _as_list(value)]
    if getattr(field, "type", "") == "Agreement":
        return ["Yes, agreed"] if value else ["No"]
    return _as_list(value)


def readable_answers(
    answers: Mapping[str, Mapping[str, Any]], conditions: Sequence[ScreeningCondition]
) -> list[AnswerSection]:
    """Every answered question, page by page in the questionnaire's order."""
    sections = []
    known_steps = {step.key for step in STEPS}
    for step in STEPS:
        values = answers.get(step.key)
        if not values:
            continue
        form = for_step(step.key, conditions, answers, formdata=None, meta={"csrf": False})
        # The health check page puts its condition groups first; `ordered` says so.
        fields = {field.name: field for field in getattr(form, "ordered", form.questions())}
        lines = [
            AnswerLine(str(fields[name].label.text), _words(fields[name], values[name]))
            for name in fields
            if name in values
        ]
        lines += [
            AnswerLine(_humanised(name), _as_list(value))
            for name, value in values.items()
            if name not in fields
        ]
        sections.append(AnswerSection(step.title, lines))
    for key, values in answers.items():
        if key not in known_steps and values:
            lines = [AnswerLine(_humanised(name), _as_list(v)) for name, v in values.items()]
            sections.append(AnswerSection(_humanised(key), lines))
    return sections
