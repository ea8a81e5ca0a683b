"""How far through the questionnaire a client is, and how long it takes: pure (no Flask, no
database), so the booked page, the first page and every page's progress line say the same.

The step count never grows as the client goes on: it counts every page that may still be
asked (a follow-up page counts until the page that decides it is answered) and says "up to"
while some of them may yet fall away. Answers only ever take pages away going forward.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from booking.domain import intake as q

# --- How long: one estimate, derived from the words and questions actually asked --------------
#
# A tired reader, not a well one. Adults read about 240 words a minute (Brysbaert 2019); with
# brain fog people read more slowly and read things twice, so we allow 150, well under
# two-thirds. Every word a page shows counts (labels, "why we ask" lines, each choice, the
# consent wording), and a scale offered in several lists is read once. On top of the reading,
# each question takes a moment to decide and press (8 seconds), each box a client must type in
# (name, date of birth, signature) 30 seconds more, and each page 15 seconds to arrive, find
# one's place and press on. The check page, kept to about 300 words, is read at the same pace.
# For the demo practice's questionnaire, every one of its 13 pages counted, the sums come to
# 27 minutes, shown as "about 25": inside the 20-30 minutes measured at a foggy pace, where
# the pages once promised 10 (the booked page) and 11 (the first page).
WORDS_PER_MINUTE = 150
SECONDS_PER_QUESTION = 8
SECONDS_PER_TEXT_BOX = 30
SECONDS_PER_PAGE = 15
CHECK_PAGE_WORDS = 300


@dataclass(frozen=True)
class PageLoad:
    """What one page asks of the reader: words to read, questions to answer, boxes to type in."""

    words: int
    questions: int
    text_boxes: int = 0

    @property
    def seconds(self) -> float:
        return (
            self.words * 60 / WORDS_PER_MINUTE
            + self.questions * SECONDS_PER_QUESTION
            + self.text_boxes * SECONDS_PER_TEXT_BOX
            + SECONDS_PER_PAGE
        )


CHECK_PAGE = PageLoad(CHECK_PAGE_WORDS, questions=0)


def calm_minutes(seconds: float) -> int:
    """Minutes as a person would say them: whole minutes up to 10, then the nearest five
    (half-way goes up); never 0."""
    minutes = math.ceil(seconds / 60)
    if minutes <= 10:
        return max(minutes, 1)
    return 5 * math.floor(minutes / 5 + 0.5)


def minutes_for(pages: Sequence[PageLoad]) -> int:
    """About how many minutes these pages and the check page take a tired reader."""
    return calm_minutes(sum(page.seconds for page in (*pages, CHECK_PAGE)))


def minutes_words(minutes: int) -> str:
    return "about 1 minute" if minutes == 1 else f"about {minutes} minutes"


# --- How far: pages that may still be asked ---------------------------------------------------


def possible_steps(
    answers: q.Answers,
    conditions: Sequence[q.ScreeningCondition],
    *,
    reconfirm_only: bool = False,
    consent_on_file: bool = False,
) -> list[q.Step]:
    """The pages shown now, plus follow-up pages whose deciding page is not answered yet (a
    deciding page left with "finish later" before its required questions decides nothing)."""
    maybe = dict(answers)
    if _undecided(answers, "screening"):
        asking = [c for c in conditions if c.follow_up is not q.FollowUp.NONE]
        if asking:
            maybe["screening"] = {asking[0].group.value: [asking[0].key]}
    if _undecided(answers, "condition"):
        maybe["condition"] = {"conditions": [q.Condition.NOT_SURE]}
    return q.steps_for(
        maybe, conditions, reconfirm_only=reconfirm_only, consent_on_file=consent_on_file
    )


def _undecided(answers: q.Answers, step: str) -> bool:
    given = answers.get(step, {})
    return any(not given.get(question) for question in q.STEPS_BY_KEY[step].required)


@dataclass(frozen=True)
class Progress:
    """Where the client is: "Step 3 of up to 13 · about 20 minutes left"."""

    number: int
    total: int
    up_to: bool  # some of the pages counted may not be needed
    minutes_left: int
    previous: q.Step | None
    next: q.Step | None

    def __str__(self) -> str:
        total = f"up to {self.total}" if self.up_to else str(self.total)
        return f"Step {self.number} of {total} · {minutes_words(self.minutes_left)} left"


def progress(
    step: q.Step,
    shown: Sequence[q.Step],
    possible: Sequence[q.Step],
    loads: dict[str, PageLoad],
) -> Progress:
    """The progress line for a page: counted among the pages that may be asked, timed over
    those still to come (this one included), with its neighbours among the pages shown."""
    counted = list(possible)
    if step not in counted:
        counted.append(step)  # a page reached out of order still shows where it sits
    index = counted.index(step)
    shown_keys = [s.key for s in shown]
    position = shown_keys.index(step.key) if step.key in shown_keys else len(shown)
    return Progress(
        number=index + 1,
        total=len(counted),
        up_to=len(counted) > len({*shown_keys, step.key}),
        minutes_left=minutes_for([loads[s.key] for s in counted[index:]]),
        previous=shown[position - 1] if position > 0 else None,
        next=shown[position + 1] if position + 1 < len(shown) else None,
    )
