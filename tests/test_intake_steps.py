"""Which questionnaire pages a client sees, and the progress line: pure, table-driven."""

from __future__ import annotations

from datetime import date

import pytest

from booking.domain import intake as q

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


def test_progress_counts_the_pages_shown_and_the_minutes_left():
    steps = q.steps_for({"condition": {"conditions": ["none"]}}, q.DEFAULT_SCREENING)
    third = q.progress("care", steps)
    assert (
        str(third) == f"Step 3 of {len(steps)} · about {sum(s.minutes for s in steps[2:])} minutes"
    )
    assert third.previous.key == "contact" and third.next.key == "screening"
    last = q.progress("consent", steps)
    assert str(last) == f"Step {len(steps)} of {len(steps)} · about 1 minute"
    assert last.next is None
    assert q.progress("about", steps).previous is None


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
