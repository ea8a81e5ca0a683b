"""Which questionnaire pages a client sees, and the progress line: pure, table-driven."""

from __future__ import annotations

from datetime import date

import pytest

from booking.domain import intake as q
from booking.services.intake import progress

ALWAYS = [
    "about",
    "contact",
    "care",
    "screening",
    "condition",
    "comfort",
    "areas",
    "senses",
    "practical",
    "consent",
]


def keys(steps):
    return [step.key for step in steps]


@pytest.mark.parametrize(
    ("conditions", "energy_pages"),
    [
        ([], False),
        (["none"], False),
        (["other"], False),
        (["me_diagnosed"], True),
        (["me_suspected"], True),
        (["long_covid"], True),
        (["fibromyalgia"], True),
        (["not_sure"], True),
        (["other", "fibromyalgia"], True),
    ],
)
def test_energy_pages_follow_the_condition(conditions, energy_pages):
    answers = {"condition": {"conditions": conditions}}
    shown = keys(q.steps_for(answers, q.DEFAULT_SCREENING))
    assert ("energy" in shown) is energy_pages
    assert ("pem" in shown) is energy_pages
    assert all(step in shown for step in ALWAYS)


@pytest.mark.parametrize(
    ("screening", "follow_up"),
    [
        ({}, False),
        ({"now": ["none"], "history": ["none"]}, False),
        ({"now": ["fever"]}, False),  # acute, no follow-up question
        ({"history": ["epilepsy"]}, False),
        ({"history": ["pregnancy"]}, True),  # how many weeks
        ({"local": ["scar"]}, True),  # where
        ({"now": ["acute_injury"]}, True),  # where
    ],
)
def test_screening_follow_ups_only_when_a_ticked_condition_asks(screening, follow_up):
    shown = keys(q.steps_for({"screening": screening}, q.DEFAULT_SCREENING))
    assert ("screening_details" in shown) is follow_up


def test_a_condition_switched_off_by_the_therapist_asks_nothing_more():
    active = [c for c in q.DEFAULT_SCREENING if c.key != "pregnancy"]
    shown = keys(q.steps_for({"screening": {"history": ["pregnancy"]}}, active))
    assert "screening_details" not in shown


@pytest.mark.parametrize(
    ("consent_on_file", "reconfirm_only", "expected"),
    [
        (False, False, None),
        (True, False, [s for s in ALWAYS if s != "consent"]),
        (True, True, ["screening"]),
        (False, True, ["screening", "consent"]),
    ],
)
def test_returning_clients_and_consents_on_file(consent_on_file, reconfirm_only, expected):
    shown = keys(
        q.steps_for(
            {}, q.DEFAULT_SCREENING, reconfirm_only=reconfirm_only, consent_on_file=consent_on_file
        )
    )
    assert shown == (expected or ALWAYS)


def test_missing_required_names_each_unanswered_required_question():
    steps = q.steps_for({}, q.DEFAULT_SCREENING)
    answers = {"about": {"name": "Ann", "filled_by": "self"}, "screening": {"now": ["none"]}}
    missing = [(step.key, name) for step, name in q.missing_required(answers, steps)]
    assert ("about", "date_of_birth") in missing
    assert ("screening", "history") in missing
    assert ("screening", "now") not in missing
    assert ("about", "name") not in missing


@pytest.mark.parametrize(
    ("born", "minor"),
    [
        ("2008-11-22", True),
        ("2008-11-21", False),
        ("1985-03-27", False),
        (None, False),
        ("not a date", False),
    ],
)
def test_under_18_on_the_day(born, minor):
    answers = {"about": {"date_of_birth": born}} if born else {}
    assert q.is_minor(answers, date(2026, 11, 21)) is minor


def test_choices_are_read_in_words_and_unknown_ones_are_none():
    assert q.label_of(q.SEVERITIES, "severe").startswith("I am mostly at home")
    assert q.label_of(q.SEVERITIES, "made-up") is None
    assert q.chosen({"areas": {"avoid": "back"}}, "areas", "avoid") == ["back"]
    assert q.answer({"areas": {"include": ["hands", "feet"]}}, "areas", "include") == "hands"


# --- The step count and the time estimate (booking/services/intake/progress.py) -----------------

NO_FOLLOW_UPS = {"screening": {"now": ["none"], "history": ["none"]}}


@pytest.mark.parametrize(
    ("answers", "maybe"),
    [
        ({}, {"screening_details", "energy", "pem"}),
        (NO_FOLLOW_UPS, {"energy", "pem"}),
        ({"condition": {"conditions": ["none"]}}, {"screening_details"}),
        ({**NO_FOLLOW_UPS, "condition": {"conditions": ["none"]}}, set()),
        ({**NO_FOLLOW_UPS, "condition": {"conditions": ["long_covid"]}}, set()),
        # Left with "finish later" before its required questions: it decides nothing yet.
        ({"screening": {"now": ["none"]}, "condition": {"other_condition": "Asthma"}}, None),
    ],
)
def test_pages_that_may_come_are_counted_until_their_page_decides(answers, maybe):
    shown = keys(q.steps_for(answers, q.DEFAULT_SCREENING))
    possible = keys(progress.possible_steps(answers, q.DEFAULT_SCREENING))
    if maybe is None:
        maybe = {"screening_details", "energy", "pem"}
    assert set(possible) - set(shown) == maybe
    assert set(shown) <= set(possible)
    assert possible == [key for key in keys(q.STEPS) if key in possible]  # in the usual order


def test_a_therapist_list_without_follow_ups_never_counts_the_follow_up_page():
    plain = [c for c in q.DEFAULT_SCREENING if c.follow_up is q.FollowUp.NONE]
    assert "screening_details" not in keys(progress.possible_steps({}, plain))


def test_returning_clients_count_only_their_pages():
    possible = progress.possible_steps(
        {}, q.DEFAULT_SCREENING, reconfirm_only=True, consent_on_file=True
    )
    assert keys(possible) == ["screening", "screening_details"]


LOADS = {step.key: progress.PageLoad(words=150, questions=5) for step in q.STEPS}


def test_the_progress_line_says_up_to_while_pages_may_fall_away():
    shown = q.steps_for({}, q.DEFAULT_SCREENING)
    possible = progress.possible_steps({}, q.DEFAULT_SCREENING)
    care = q.STEPS_BY_KEY["care"]
    line = progress.progress(care, shown, possible, LOADS)
    assert str(line).startswith("Step 3 of up to 13 · about ")
    assert str(line).endswith(" minutes left")
    assert (line.previous.key, line.next.key) == ("contact", "screening")
    answered = {**NO_FOLLOW_UPS, "condition": {"conditions": ["none"]}}
    shown = q.steps_for(answered, q.DEFAULT_SCREENING)
    possible = progress.possible_steps(answered, q.DEFAULT_SCREENING)
    last = progress.progress(q.STEPS_BY_KEY["consent"], shown, possible, LOADS)
    assert (last.number, last.total, last.up_to, last.next) == (10, 10, False, None)


def test_a_page_reached_out_of_order_still_shows_where_it_sits():
    answered = {**NO_FOLLOW_UPS, "condition": {"conditions": ["none"]}}
    shown = q.steps_for(answered, q.DEFAULT_SCREENING)
    possible = progress.possible_steps(answered, q.DEFAULT_SCREENING)
    pem = progress.progress(q.STEPS_BY_KEY["pem"], shown, possible, LOADS)
    assert (pem.number, pem.total, pem.previous.key, pem.next) == (11, 11, "consent", None)


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [
        (0, 1),
        (59, 1),
        (61, 2),
        (600, 10),
        (601, 10),  # 11 minutes: the nearest five
        (12 * 60, 10),
        (13 * 60, 15),
        (27 * 60, 25),
        (28 * 60, 30),
    ],
)
def test_minutes_are_said_as_a_person_would(seconds, minutes):
    assert progress.calm_minutes(seconds) == minutes


def test_the_estimate_counts_reading_answering_typing_and_the_check_page():
    # 300 words at 150 a minute, 6 questions at 8 seconds, a box at 30, and 15 for the page.
    page = progress.PageLoad(words=300, questions=6, text_boxes=1)
    assert page.seconds == 120 + 48 + 30 + 15
    # The check page (300 words, 15 seconds) comes with every estimate.
    assert progress.minutes_for([]) == 3
    assert progress.minutes_for([page] * 4) == 15  # 987 seconds: 17 minutes, said as 15


def test_fewer_pages_never_take_longer():
    pages = [LOADS[step.key] for step in q.STEPS]
    minutes = [progress.minutes_for(pages[i:]) for i in range(len(pages))]
    assert minutes == sorted(minutes, reverse=True)
