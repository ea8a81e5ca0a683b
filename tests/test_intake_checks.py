"""Pure checks of booking.domain.intake_checks: dates of birth typed any way, answers that
contradict each other, and text that is too long. Messages are pinned word for word: they are
what a tired client reads next to the field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.domain.intake_checks import (
    AnswerProblem,
    check_text,
    contradictions,
    parse_date_of_birth,
)

TODAY = date(2026, 11, 21)
BIRTHDAY = date(1985, 3, 27)
UNTICK_ONE = "You chose 'None of these' and also a condition. Please untick one."

# Words that must never reach a client (DOMAIN.md), checked against every message below.
NEVER_SAY = ("detox", "toxin", "healing crisis", "push through", "tolerance", "comply", "refuse")


@pytest.mark.parametrize(
    "raw",
    [
        "27/3/1985",
        "27/03/1985",
        "27-03-1985",
        "27.3.1985",
        "27 3 1985",
        "  27  3  1985 ",
        "27 / 3 / 1985",
        "27\\3\\1985",
        "27\u20133\u20131985",  # en dashes, as phones sometimes type
        "27 March 1985",
        "27 march 1985",
        "27 MARCH 1985",
        "27 Mar 1985",
        "27 Mar. 1985",
        "27th March 1985",
        "27th of March 1985",
        "27, March, 1985",
        "March 27 1985",
        "March 27, 1985",
        "Mar 27th 1985",
        "1985-03-27",
        "1985/3/27",
        "1985 March 27",
    ],
)
def test_many_ways_of_writing_a_date_of_birth_are_understood(raw):
    assert parse_date_of_birth(raw, TODAY) == BIRTHDAY


@pytest.mark.parametrize(
    ("raw", "born"),
    [
        ("1 1 2000", date(2000, 1, 1)),
        ("12 1 2000", date(2000, 1, 12)),  # day first, as in the UK
        ("1 12 2000", date(2000, 12, 1)),
        ("29 2 2024", date(2024, 2, 29)),  # a leap year
        ("29 Feb 2000", date(2000, 2, 29)),  # 2000 was one too
        ("5 Sept 1990", date(1990, 9, 5)),
        ("5 Sep 1990", date(1990, 9, 5)),
        ("5 June 1990", date(1990, 6, 5)),
        ("5 Jun 1990", date(1990, 6, 5)),
        ("5 May 1990", date(1990, 5, 5)),
        ("21 11 2026", TODAY),  # born today is not in the future
        ("21 11 1906", date(1906, 11, 21)),  # exactly 120
    ],
)
def test_dates_of_birth_that_are_fine(raw, born):
    assert parse_date_of_birth(raw, TODAY) == born


ASK_FOR_DATE = "Please enter your date of birth, for example 27 3 1985"
ASK_FOR_PARTS = "Please give the day, month and year, for example 27 3 1985"
FULL_YEAR = "Please give the year in full, for example 1985"
CHECK_MONTH = "Please check the month: use a number from 1 to 12, or a name such as March"
FUTURE = "That date is in the future. Please check the year."
TOO_OLD = "Please check the year: that would make you over 120."


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", ASK_FOR_DATE),
        ("   ", ASK_FOR_DATE),
        ("//", ASK_FOR_DATE),
        ("27 3", ASK_FOR_PARTS),
        ("27031985", ASK_FOR_PARTS),
        ("27 3 1985 10", ASK_FOR_PARTS),
        ("day month year", ASK_FOR_PARTS),
        ("27 3 1985th", ASK_FOR_PARTS),
        ("27 3 85", FULL_YEAR),
        ("27/03/85", FULL_YEAR),
        ("27 March 85", FULL_YEAR),
        ("27 3 985", FULL_YEAR),
        ("31 2 1990", "That date does not exist: February 1990 has 28 days."),
        ("29 2 2023", "That date does not exist: February 2023 has 28 days."),
        ("30 Feb 2024", "That date does not exist: February 2024 has 29 days."),
        ("31 4 1990", "That date does not exist: April 1990 has 30 days."),
        ("0 4 1990", "That date does not exist: April 1990 has 30 days."),
        (
            "3/27/1985",
            "It looks like the month came first. Please put the day first, for example 27 3 1985",
        ),
        ("27 13 1985", CHECK_MONTH),
        ("27 0 1985", CHECK_MONTH),
        ("27 Marhc 1985", CHECK_MONTH),
        ("27 Ma 1985", CHECK_MONTH),
        ("22 11 2026", FUTURE),
        ("1 1 2027", FUTURE),
        ("31 2 2090", FUTURE),
        ("1 1 99999", FUTURE),
        ("20 11 1906", TOO_OLD),
        ("1 1 1066", TOO_OLD),
        ("1 1 0000", TOO_OLD),
    ],
)
def test_dates_of_birth_we_cannot_use_get_a_specific_kind_message(raw, message):
    with pytest.raises(AnswerProblem) as problem:
        parse_date_of_birth(raw, TODAY)
    assert str(problem.value) == message


@pytest.mark.parametrize(
    ("raw", "today", "fine"),
    [
        ("29 2 1908", date(2028, 2, 29), True),  # 120 today, to the day
        ("28 2 1908", date(2028, 2, 29), False),
        ("29 2 1908", date(2028, 3, 1), False),
        ("1 3 1907", date(2027, 3, 1), True),
        ("1 3 1907", date(2027, 3, 2), False),
    ],
)
def test_up_to_120_years_ago_is_believed(raw, today, fine):
    if fine:
        assert parse_date_of_birth(raw, today)
    else:
        with pytest.raises(AnswerProblem, match="over 120"):
            parse_date_of_birth(raw, today)


def test_an_answer_problem_is_a_value_error():
    assert issubclass(AnswerProblem, ValueError)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 /-.,ab3MarchFebSt²٣"), max_size=16) | st.text())
def test_any_typing_gives_a_date_or_a_message_never_a_crash(raw):
    try:
        born = parse_date_of_birth(raw, TODAY)
    except AnswerProblem as problem:
        assert str(problem)
    else:
        assert TODAY - timedelta(days=366 * 121) < born <= TODAY


@settings(max_examples=200, deadline=None)
@given(
    born=st.dates(min_value=date(1906, 11, 21), max_value=TODAY),
    layout=st.sampled_from(
        ["{d}/{m}/{y}", "{d:02}-{m:02}-{y}", "{d}.{m}.{y}", "{d} {month} {y}", "{y}-{m:02}-{d:02}"]
    ),
)
def test_every_real_date_of_birth_comes_back_as_itself(born, layout):
    raw = layout.format(d=born.day, m=born.month, y=born.year, month=f"{born:%B}")
    assert parse_date_of_birth(raw, TODAY) == born


# --- Contradictions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "values", "expected"),
    [
        # Screening: "None of these" with a condition, on the question it happened in.
        ("screening", {"now": ["none", "fever"]}, {"now": UNTICK_ONE}),
        ("screening", {"history": ["diabetes", "none"]}, {"history": UNTICK_ONE}),
        ("screening", {"local": ["none", "scar"]}, {"local": UNTICK_ONE}),
        (
            "screening",
            {"now": ["none", "fever"], "history": ["none"], "local": ["scar", "none"]},
            {"now": UNTICK_ONE, "local": UNTICK_ONE},
        ),
        ("screening", {"now": ["none"], "history": ["none"], "local": ["none"]}, {}),
        ("screening", {"now": ["fever", "clot"]}, {}),
        ("screening", {"now": "none"}, {}),
        ("screening", {}, {}),
        ("screening", {"allergies": ["none", "latex"]}, {}),  # not a screening group
        # Long-term conditions: "I'm not sure" with a named one is a fair answer.
        ("condition", {"conditions": ["none", "long_covid"]}, {"conditions": UNTICK_ONE}),
        ("condition", {"conditions": ["none", "not_sure"]}, {"conditions": UNTICK_ONE}),
        ("condition", {"conditions": ["not_sure", "me_suspected"]}, {}),
        ("condition", {"conditions": ["me_diagnosed", "fibromyalgia"]}, {}),
        ("condition", {"conditions": ["none"]}, {}),
        ("condition", {"conditions": None}, {}),
        # Areas both to include and to avoid, named in head-to-toe order.
        (
            "areas",
            {"include": ["back", "feet"], "avoid": ["back"]},
            {"avoid": "You chose Back both to include and to avoid. Please untick one."},
        ),
        (
            "areas",
            {"include": ["legs", "back"], "avoid": ["legs", "back", "neck"]},
            {"avoid": "You chose Back and Legs both to include and to avoid. Please untick one."},
        ),
        (
            "areas",
            {"include": ["feet", "head", "back"], "avoid": ["feet", "back", "head"]},
            {
                "avoid": "You chose Head and face, Back and Feet both to include and to avoid. "
                "Please untick one."
            },
        ),
        ("areas", {"include": ["back"], "avoid": ["legs"], "painful": ["back"]}, {}),
        ("areas", {"include": ["back"]}, {}),
        (
            "areas",
            {"avoid": "back", "include": "back"},
            {"avoid": "You chose Back both to include and to avoid. Please untick one."},
        ),
        # Bell scores: best below worst is a slip; today outside them is a real day.
        (
            "energy",
            {"bell_best": "30", "bell_worst": "50"},
            {
                "bell_best": "Your best is lower than your worst. "
                "Please check these two: the best is the higher number."
            },
        ),
        ("energy", {"bell_best": "50", "bell_worst": "50"}, {}),
        ("energy", {"bell_best": "100", "bell_worst": "0"}, {}),
        ("energy", {"bell_best": "40", "bell_worst": "20", "bell_today": "90"}, {}),
        ("energy", {"bell_best": "40", "bell_worst": "20", "bell_today": "0"}, {}),
        ("energy", {"bell_best": "30"}, {}),
        ("energy", {"bell_best": "", "bell_worst": "50"}, {}),
        # Reminders: none and a channel.
        (
            "consent",
            {"reminders": ["none", "sms"]},
            {"reminders": "You chose no reminders and also a way to send them. Please untick one."},
        ),
        ("consent", {"reminders": ["email", "sms"]}, {}),
        ("consent", {"reminders": ["none"]}, {}),
        # Steps with nothing that can contradict.
        ("practical", {"home_visit": "no", "access": ["step_free", "parking"]}, {}),
        ("practical", {"home_visit": "yes"}, {}),
        ("about", {"filled_by": "self", "carer_name": "Sam"}, {}),
        ("nonsense", {"now": ["none", "fever"]}, {}),
    ],
)
def test_contradictions(step, values, expected):
    assert contradictions(step, values) == expected


# --- Text length ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        ("", 10, None),
        ("a" * 10, 10, None),
        ("a" * 11, 10, "Please keep this to 10 characters or fewer (it is 11 now)."),
        ("a" * 1234, 1000, "Please keep this to 1,000 characters or fewer (it is 1,234 now)."),
        ("é" * 120, 120, None),  # characters, not bytes
    ],
)
def test_check_text(value, limit, expected):
    assert check_text(value, limit) == expected


def test_no_message_uses_words_we_never_use():
    messages = [
        *(
            str(problem)
            for raw in (
                "",
                "27 3",
                "27 3 85",
                "31 2 1990",
                "3/27/1985",
                "27 13 1985",
                "1 1 2090",
                "1 1 1800",
            )
            for problem in _problems(raw)
        ),
        *contradictions("screening", {"now": ["none", "fever"]}).values(),
        *contradictions("areas", {"include": ["back"], "avoid": ["back"]}).values(),
        *contradictions("energy", {"bell_best": "10", "bell_worst": "90"}).values(),
        *contradictions("consent", {"reminders": ["none", "sms"]}).values(),
        check_text("ab", 1) or "",
    ]
    assert len(messages) == 13
    assert [m for m in messages if any(word in m.lower() for word in NEVER_SAY)] == []


def _problems(raw: str) -> list[AnswerProblem]:
    try:
        parse_date_of_birth(raw, TODAY)
    except AnswerProblem as problem:
        return [problem]
    return []
