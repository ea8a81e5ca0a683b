"""Pure checks of booking.domain.intake_rules: flags, the first session, the room sheet, and what
reception may see. No database: answers are plain dictionaries, as the forms produce them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.domain.intake import (
    ALLERGIES,
    CONDITIONS,
    DEFAULT_SCREENING,
    ENERGY_STATES,
    FLAG_ORDER,
    SEVERITIES,
    Flag,
    FollowUp,
    ScreeningCondition,
    ScreeningGroup,
)
from booking.domain.intake_rules import (
    NOT_SAID,
    FirstSession,
    RaisedFlag,
    allows_service,
    first_session_for,
    flags_for,
    needs_review,
    practical_adjustments,
    session_plan,
    suggested_minutes,
)

TODAY = date(2026, 11, 21)
SCREENING = {condition.key: condition for condition in DEFAULT_SCREENING}
ME = {"condition": {"conditions": ["me_diagnosed"]}}


def me(**steps: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Answers from a client with ME/CFS, so the energy pages count."""
    return {**ME, **steps}


def pairs(answers: dict[str, Any], conditions=DEFAULT_SCREENING) -> list[tuple[Flag, str]]:
    """The flags raised, as (flag, reason) pairs in their order."""
    return [(raised.flag, raised.reason) for raised in flags_for(answers, conditions, TODAY)]


def only_flag(answers: dict[str, Any], conditions=DEFAULT_SCREENING) -> RaisedFlag:
    (raised,) = flags_for(answers, conditions, TODAY)
    return raised


# --- Screening --------------------------------------------------------------------------------


@pytest.mark.parametrize("condition", DEFAULT_SCREENING, ids=lambda c: c.key)
def test_each_ticked_condition_raises_its_own_flag_with_its_label(condition):
    answers = {"screening": {condition.group.value: [condition.key]}}
    raised = only_flag(answers)
    assert (raised.flag, raised.reason) == (condition.flag, condition.label)


@pytest.mark.parametrize(
    ("flag", "advice"),
    [
        (Flag.STOP, "No hands-on session until reviewed"),
        (Flag.REVIEW, "Review before the session; the GP's agreement may be needed"),
        (Flag.ADAPT, ""),
        (Flag.INFO, ""),
    ],
)
def test_the_therapists_own_flag_for_a_condition_is_the_one_raised(flag, advice):
    edited = [ScreeningCondition("fever", "Feeling feverish", ScreeningGroup.NOW, flag)]
    raised = only_flag({"screening": {"now": ["fever"]}}, edited)
    assert raised == RaisedFlag(flag, "Feeling feverish", advice)


@pytest.mark.parametrize(
    ("key", "details", "reason", "advice"),
    [
        (
            "varicose_veins",
            {"varicose_veins_areas": ["legs"]},
            "Varicose veins: legs",
            "Avoid the legs",
        ),
        (
            "skin",
            {"skin_areas": ["feet", "head"]},
            "A skin condition, rash or broken skin: feet, head and face",
            "Avoid the feet and head and face",
        ),
        (
            "scar",
            {"scar_areas": ["arms", "tummy", "back"]},
            "A recent or tender scar: arms, tummy, back",
            "Avoid the arms, tummy and back",
        ),
        ("lumps", {}, "A lump or swelling", "Ask where, and avoid that area"),
        ("lumps", {"lumps_areas": []}, "A lump or swelling", "Ask where, and avoid that area"),
        ("scar", {"scar_areas": ["elbow"]}, "A recent or tender scar: elbow", "Avoid the elbow"),
    ],
)
def test_a_local_condition_names_its_areas_and_advises_avoiding_them(key, details, reason, advice):
    answers = {"screening": {"local": [key]}, "screening_details": details}
    assert only_flag(answers) == RaisedFlag(Flag.ADAPT, reason, advice)


@pytest.mark.parametrize(
    ("group", "key", "details", "reason"),
    [
        ("history", "pregnancy", {"pregnancy_details": " 20 weeks "}, "Pregnancy: 20 weeks"),
        ("history", "surgery", {"surgery_details": ""}, "An operation in the last three months"),
        (
            "now",
            "acute_injury",
            {"acute_injury_areas": ["shoulders"]},
            "A new injury, sprain or strain: shoulders",
        ),
        # Details left over from a condition no longer ticked say nothing.
        ("history", "diabetes", {"pregnancy_details": "20 weeks"}, "Diabetes"),
    ],
)
def test_follow_up_answers_go_into_the_reason(group, key, details, reason):
    answers = {"screening": {group: [key]}, "screening_details": details}
    assert only_flag(answers).reason == reason


def test_a_holding_flag_keeps_its_advice_even_with_areas():
    answers = {
        "screening": {"now": ["acute_injury"]},
        "screening_details": {"acute_injury_areas": ["back"]},
    }
    assert only_flag(answers).advice == "No hands-on session until reviewed"


@pytest.mark.parametrize(
    ("conditions", "ticked", "expected"),
    [
        # Switched off by the therapist since the client ticked it.
        (
            [c for c in DEFAULT_SCREENING if c.key != "epilepsy"],
            {"history": ["epilepsy"]},
            [(Flag.REVIEW, "epilepsy")],
        ),
        # Never on the list at all.
        (DEFAULT_SCREENING, {"local": ["bunions"]}, [(Flag.REVIEW, "bunions")]),
        # Known ones first, in list order; unknown ones after, even for a mild flag.
        (
            DEFAULT_SCREENING,
            {"now": ["mystery"], "history": ["diabetes"], "local": ["scar"]},
            [
                (Flag.REVIEW, "Diabetes"),
                (Flag.REVIEW, "mystery"),
                (Flag.ADAPT, "A recent or tender scar"),
            ],
        ),
        ([], {"now": ["fever"]}, [(Flag.REVIEW, "fever")]),
    ],
)
def test_a_ticked_key_not_on_the_list_is_reported_for_review(conditions, ticked, expected):
    assert pairs({"screening": ticked}, conditions) == expected


def test_an_unknown_key_keeps_its_follow_up_answers():
    answers = {
        "screening": {"local": ["bunions"]},
        "screening_details": {"bunions_areas": ["feet"]},
    }
    raised = only_flag(answers)
    assert raised.flag is Flag.REVIEW
    assert raised.reason == "bunions: feet"
    assert "ask the client" in raised.advice


@pytest.mark.parametrize(
    "screening",
    [
        {},
        {"now": ["none"], "history": ["none"], "local": ["none"]},
        {"now": [], "history": None},
        {"now": "none"},
    ],
)
def test_none_of_these_raises_nothing(screening):
    assert flags_for({"screening": screening}, DEFAULT_SCREENING, TODAY) == []


def test_a_condition_ticked_twice_is_reported_once():
    answers = {"screening": {"now": ["mystery"], "history": ["mystery"]}}
    assert pairs(answers) == [(Flag.REVIEW, "mystery")]


# --- The other rules, one answer at a time ----------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # Severity (NICE NG206) and the state just now.
        (
            me(energy={"severity": "very_severe"}),
            [(Flag.REVIEW, "Very severe: in bed most or all of the time")],
        ),
        (me(energy={"severity": "severe"}), [(Flag.ADAPT, "Severe: mostly at home")]),
        (me(energy={"severity": "moderate"}), []),
        (me(energy={"severity": "mild"}), []),
        (me(energy={"severity": "not_sure"}), []),
        (me(energy={"state": "flare"}), [(Flag.ADAPT, "In a flare or crash just now")]),
        (me(energy={"state": "worse"}), [(Flag.ADAPT, "Worse lately")]),
        (me(energy={"state": "stable"}), []),
        (me(energy={"state": "improving"}), []),
        # Age: 18 on the day is an adult.
        ({"about": {"date_of_birth": "2010-05-01"}}, [(Flag.REVIEW, "Under 18 (aged 16)")]),
        ({"about": {"date_of_birth": "2008-11-22"}}, [(Flag.REVIEW, "Under 18 (aged 17)")]),
        ({"about": {"date_of_birth": "2008-11-21"}}, []),
        ({"about": {"date_of_birth": "not a date"}}, []),
        (
            {"about": {"date_of_birth": "2027-01-01"}},
            [(Flag.REVIEW, "Date of birth is after today")],
        ),
        # Positioning.
        ({"comfort": {"lie_flat": "no"}}, [(Flag.ADAPT, "Lying flat is hard")]),
        ({"comfort": {"face_down": "no"}}, [(Flag.ADAPT, "Cannot lie face-down")]),
        ({"comfort": {"face_down": "not_sure"}}, [(Flag.ADAPT, "Not sure about lying face-down")]),
        (
            {"comfort": {"lie_flat": "no", "face_down": "no"}},
            [(Flag.ADAPT, "Lying flat is hard; Cannot lie face-down")],
        ),
        ({"comfort": {"lie_flat": "yes", "face_down": "yes"}}, []),
        ({"comfort": {"lie_flat": "not_sure"}}, []),
        # Senses.
        ({"senses": {"scent": "scent_free"}}, [(Flag.ADAPT, "Asked for scent-free")]),
        ({"senses": {"scent": "mild"}}, []),
        (
            {"screening": {"allergies": ["fragrance"]}},
            [(Flag.ADAPT, "Allergic to fragrance or essential oils")],
        ),
        (
            {"senses": {"scent": "scent_free"}, "screening": {"allergies": ["fragrance"]}},
            [(Flag.ADAPT, "Asked for scent-free; Allergic to fragrance or essential oils")],
        ),
        ({"senses": {"light": "dim"}}, [(Flag.ADAPT, "Asked for dim light")]),
        (
            {"senses": {"light": "very_dim"}},
            [(Flag.ADAPT, "Asked for the room as dark as possible")],
        ),
        ({"senses": {"light": "no_preference"}}, []),
        # Allergies.
        ({"screening": {"allergies": ["nut_oils"]}}, [(Flag.ADAPT, "Allergic to nut oils")]),
        ({"screening": {"allergies": ["latex"]}}, [(Flag.ADAPT, "Allergic to latex")]),
        ({"screening": {"allergies": ["other"]}}, [(Flag.INFO, "Allergy: something else")]),
        (
            {"screening": {"allergies": ["other"], "allergies_other": "Lanolin"}},
            [(Flag.INFO, "Allergy: Lanolin")],
        ),
        ({"screening": {"allergies_other": "Arnica"}}, [(Flag.INFO, "Allergy: Arnica")]),
        ({"screening": {"allergies": [], "allergies_other": "none"}}, []),
        # Massage and touch.
        (
            {"comfort": {"previous_massage": "worse"}},
            [(Flag.ADAPT, "Felt worse after massage before")],
        ),
        ({"comfort": {"previous_massage": "helped"}}, []),
        (me(pem={"triggers": ["touch"]}), [(Flag.ADAPT, "Touch or massage can bring on PEM")]),
        (me(pem={"triggers": ["physical", "thinking"]}), []),
        # Good to know.
        (
            {"screening": {"medications": "Amitriptyline 10mg"}},
            [(Flag.INFO, "Medication: Amitriptyline 10mg")],
        ),
        ({"screening": {"medications": "None"}}, []),
        ({"screening": {"medications": "   "}}, []),
        ({"care": {"gp_contact": "yes"}}, [(Flag.INFO, "May contact their GP")]),
        ({"care": {"gp_contact": "no"}}, []),
        ({"practical": {"home_visit": "yes"}}, [(Flag.ADAPT, "Asked for a home visit")]),
        (
            {"practical": {"home_visit": "sometimes"}},
            [(Flag.INFO, "Would like a home visit on bad days")],
        ),
        ({"practical": {"home_visit": "no"}}, []),
        ({"practical": {"access": ["companion"]}}, [(Flag.INFO, "Someone will come with them")]),
        ({"practical": {"access": ["step_free", "parking"]}}, []),
        (
            {"about": {"filled_by": "carer", "carer_name": "Sam", "carer_relationship": "son"}},
            [(Flag.INFO, "Filled in by a carer: Sam (son)")],
        ),
        ({"about": {"filled_by": "carer"}}, [(Flag.INFO, "Filled in by a carer")]),
        ({"about": {"filled_by": "self"}}, []),
        # Consent is the service's business, not a flag.
        ({"consent": {"treatment": "yes"}}, []),
        ({}, []),
    ],
)
def test_single_answers_raise_the_expected_flags(answers, expected):
    assert pairs(answers) == expected


@pytest.mark.parametrize(
    ("answers", "advice"),
    [
        (
            me(energy={"severity": "very_severe"}),
            "Phone the client before any session; no self-booked hands-on",
        ),
        (me(energy={"severity": "severe"}), "A short home visit, with very short hands-on contact"),
        ({"comfort": {"face_down": "no"}}, "No face-down"),
        (
            {"comfort": {"lie_flat": "no", "support": ["head_raised", "time_to_sit_up"]}},
            "No face-down; support: head raised, time to sit up slowly",
        ),
        ({"screening": {"allergies": ["nut_oils"]}}, "Nut-free oil only"),
        ({"screening": {"allergies": ["latex"]}}, "No latex gloves"),
        ({"senses": {"scent": "scent_free"}}, "Unscented oil; no diffuser or candles"),
        ({"comfort": {"previous_massage": "worse"}}, "Start very light and very short"),
        ({"care": {"gp_contact": "yes", "gp_practice": "Elm Surgery"}}, "GP practice: Elm Surgery"),
        (
            {"about": {"date_of_birth": "2012-01-01"}},
            "A parent or guardian gives consent before any session",
        ),
        ({"practical": {"home_visit": "yes"}}, "Book as a home visit"),
    ],
)
def test_flags_say_what_to_do(answers, advice):
    assert only_flag(answers).advice == advice


@pytest.mark.parametrize(
    "answers",
    [
        {"condition": {"conditions": ["none"]}, "energy": {"severity": "very_severe"}},
        {"condition": {"conditions": ["other"]}, "energy": {"state": "flare"}},
        {"energy": {"severity": "severe"}, "pem": {"triggers": ["touch"]}},
    ],
)
def test_answers_left_on_energy_pages_no_longer_shown_count_for_nothing(answers):
    assert flags_for(answers, DEFAULT_SCREENING, TODAY) == []
    assert first_session_for(answers) is FirstSession.CLINIC
    assert suggested_minutes(45, answers) == 45


@pytest.mark.parametrize("condition", ["me_suspected", "long_covid", "fibromyalgia", "not_sure"])
def test_energy_answers_count_for_every_condition_that_shows_the_pages(condition):
    answers = {"condition": {"conditions": [condition]}, "energy": {"severity": "very_severe"}}
    assert pairs(answers) == [(Flag.REVIEW, "Very severe: in bed most or all of the time")]


def test_flags_come_most_urgent_first_and_otherwise_in_a_stable_order():
    answers = me(
        about={"date_of_birth": "2012-01-01"},
        care={"gp_contact": "yes"},
        screening={
            "now": ["fever"],
            "history": ["diabetes", "unknown"],
            "local": ["varicose_veins"],
            "medications": "Sertraline",
        },
        energy={"severity": "very_severe", "state": "flare"},
        senses={"light": "dim"},
    )
    assert pairs(answers) == [
        (Flag.STOP, "A fever, or an infection such as flu or Covid"),
        (Flag.REVIEW, "Diabetes"),
        (Flag.REVIEW, "unknown"),
        (Flag.REVIEW, "Under 18 (aged 14)"),
        (Flag.REVIEW, "Very severe: in bed most or all of the time"),
        (Flag.ADAPT, "Varicose veins"),
        (Flag.ADAPT, "In a flare or crash just now"),
        (Flag.ADAPT, "Asked for dim light"),
        (Flag.INFO, "Medication: Sertraline"),
        (Flag.INFO, "May contact their GP"),
    ]
    assert flags_for(answers, DEFAULT_SCREENING, TODAY) == flags_for(
        answers, DEFAULT_SCREENING, TODAY
    )


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], False),
        ([RaisedFlag(Flag.INFO, "a"), RaisedFlag(Flag.ADAPT, "b")], False),
        ([RaisedFlag(Flag.ADAPT, "b"), RaisedFlag(Flag.REVIEW, "c")], True),
        ([RaisedFlag(Flag.STOP, "d")], True),
    ],
)
def test_needs_review_on_any_stop_or_review(flags, expected):
    assert needs_review(flags) is expected


# --- First session and length -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, FirstSession.CLINIC),
        (ME, FirstSession.CLINIC),
        (me(energy={"severity": "mild"}), FirstSession.CLINIC),
        (me(energy={"severity": "moderate"}), FirstSession.CLINIC),
        (me(energy={"severity": "not_sure"}), FirstSession.CLINIC),
        (me(energy={"severity": "severe"}), FirstSession.HOME_VISIT),
        (me(energy={"severity": "very_severe"}), FirstSession.CALL_FIRST),
        (me(energy={"state": "flare"}), FirstSession.CLINIC),
    ],
)
def test_first_session_follows_severity(answers, expected):
    assert first_session_for(answers) is expected


@pytest.mark.parametrize(
    ("first", "home_visit", "allowed"),
    [
        (FirstSession.CLINIC, False, True),
        (FirstSession.CLINIC, True, True),
        (FirstSession.HOME_VISIT, True, True),
        (FirstSession.HOME_VISIT, False, False),
        (FirstSession.CALL_FIRST, True, False),
        (FirstSession.CALL_FIRST, False, False),
    ],
)
def test_allows_service(first, home_visit, allowed):
    assert allows_service(first, home_visit=home_visit) is allowed


@pytest.mark.parametrize(
    ("current", "answers", "expected"),
    [
        (45, {}, 45),
        (45, me(energy={"severity": "moderate", "state": "stable"}), 45),
        (90, me(energy={"state": "improving"}), 90),
        (45, me(energy={"state": "flare"}), 30),
        (45, me(energy={"state": "worse"}), 30),
        (45, me(energy={"severity": "severe"}), 30),
        (45, me(energy={"severity": "very_severe"}), 30),
        (60, me(energy={"state": "flare"}), 40),
        (50, me(energy={"state": "flare"}), 30),  # 33 rounded down to whole five minutes
        (30, me(energy={"state": "flare"}), 20),
        (20, me(energy={"state": "flare"}), 15),  # never below 15...
        (15, me(energy={"state": "flare"}), 15),
        (10, me(energy={"state": "flare"}), 10),  # ...and never longer than now
        (0, me(energy={"state": "flare"}), 0),
    ],
)
def test_suggested_minutes(current, answers, expected):
    assert suggested_minutes(current, answers) == expected


# Answers drawn from real choices and from nonsense, in any step, with anything missing.
CHOICE_VALUES = st.sampled_from(
    [
        "very_severe",
        "severe",
        "mild",
        "flare",
        "worse",
        "stable",
        "none",
        "not_sure",
        "yes",
        "no",
        "me_diagnosed",
        "long_covid",
        "touch",
        "fever",
        "legs",
        "2010-01-01",
        "",
    ]
)
VALUES = st.one_of(
    st.none(),
    CHOICE_VALUES,
    st.text(max_size=10),
    st.lists(st.one_of(CHOICE_VALUES, st.text(max_size=5)), max_size=4),
)
QUESTIONS = st.sampled_from(
    [
        "severity",
        "state",
        "conditions",
        "now",
        "history",
        "local",
        "triggers",
        "date_of_birth",
        "lie_flat",
        "pressure",
        "include",
        "avoid",
        "fever_areas",
        "medications",
        "home_visit",
        "access",
        "light",
    ]
)
STEPS = st.sampled_from(
    [
        "about",
        "screening",
        "screening_details",
        "condition",
        "energy",
        "pem",
        "comfort",
        "areas",
        "senses",
        "practical",
        "nonsense",
    ]
)
ANSWERS = st.dictionaries(STEPS, st.dictionaries(QUESTIONS, VALUES, max_size=6), max_size=8)
# The same, but often with the energy pages shown and answered, where lengths may change.
WITH_ENERGY = st.builds(
    lambda answers, conditions, energy: {
        **answers,
        "condition": {"conditions": conditions},
        "energy": energy,
    },
    ANSWERS,
    st.lists(st.sampled_from([value for value, _ in CONDITIONS]), max_size=3),
    st.fixed_dictionaries(
        {},
        optional={
            "severity": st.sampled_from([value for value, _ in SEVERITIES]) | VALUES,
            "state": st.sampled_from([value for value, _ in ENERGY_STATES]) | VALUES,
        },
    ),
)


@settings(max_examples=150, deadline=None)
@given(current=st.integers(-10, 20) | st.integers(0, 600), answers=ANSWERS | WITH_ENERGY)
def test_suggested_minutes_never_lengthens_a_session(current, answers):
    assert suggested_minutes(current, answers) <= current


@settings(max_examples=100, deadline=None)
@given(answers=ANSWERS | WITH_ENERGY)
def test_any_answers_give_flags_a_sheet_and_reception_details_without_raising(answers):
    flags = flags_for(answers, DEFAULT_SCREENING, TODAY)
    ranks = [FLAG_ORDER.index(raised.flag) for raised in flags]
    assert ranks == sorted(ranks)
    plan = session_plan(answers, DEFAULT_SCREENING, TODAY)
    assert plan.flags == flags
    practical_adjustments(answers, review_pending=needs_review(flags))


# --- The room preparation sheet ---------------------------------------------------------------


def test_an_empty_sheet_has_calm_defaults_and_the_lightest_pressure():
    plan = session_plan({}, DEFAULT_SCREENING, TODAY)
    assert (plan.lighting, plan.sound, plan.scent, plan.temperature) == (NOT_SAID,) * 4
    assert (plan.talking, plan.check_in) == (NOT_SAID, NOT_SAID)
    assert plan.positioning == [NOT_SAID]
    assert plan.pressure == "1: the lightest touch"
    assert plan.include_areas == plan.avoid_areas == plan.painful_areas == []
    assert plan.travel_access == plan.notes == plan.flags == []
    assert plan.first_session is FirstSession.CLINIC


FULL = me(
    about={"date_of_birth": "1985-03-27"},
    care={"gp_contact": "yes", "other_practitioners": "A physio, monthly"},
    screening={
        "now": ["none"],
        "history": ["none"],
        "local": ["varicose_veins", "skin"],
        "medications": "Amitriptyline 10mg",
        "allergies": ["nut_oils", "other"],
        "allergies_other": "Lanolin",
    },
    screening_details={"varicose_veins_areas": ["legs"], "skin_areas": ["hands"]},
    energy={
        "severity": "severe",
        "state": "stable",
        "bell_today": "20",
        "bell_typical": "30",
    },
    pem={"triggers": ["travel"], "delay": "next_day", "recovery": "week"},
    comfort={"previous_massage": "helped", "lie_flat": "no", "face_down": "no"},
    areas={
        "pressure": "2",
        "include": ["feet", "hands", "back", "head"],
        "avoid": ["tummy"],
        "painful": ["neck", "shoulders"],
    },
    senses={
        "light": "very_dim",
        "sound": "silence",
        "scent": "mild",
        "temperature": "warm",
        "talking": "quiet",
        "check_in": "signal",
    },
    practical={
        "home_visit": "yes",
        "access": ["parking", "rest_after"],
        "access_notes": "Ring the bell twice",
        "gap": "2",
    },
)


def test_a_full_sheet_reads_in_plain_words():
    plan = session_plan(FULL, DEFAULT_SCREENING, TODAY)
    assert plan.lighting == "As dark as possible"
    assert plan.sound == "Quiet, no music"
    assert plan.scent == "A mild scent is fine"
    assert plan.temperature == "Extra warm, with blankets"
    assert plan.positioning == ["Lying flat is hard", "No face-down"]
    assert plan.pressure == "2: light"
    # Hands are avoided (a skin condition), so they are not included, whatever was chosen.
    assert plan.include_areas == ["Feet", "Back", "Head and face"]
    assert plan.avoid_areas == ["Hands", "Tummy", "Legs"]
    assert plan.painful_areas == ["Neck", "Shoulders"]
    assert plan.talking == "Quiet, please: I'd rather not talk"
    assert plan.check_in == "Let's agree a hand signal at the start"
    assert plan.travel_access == [
        "Home visit: Yes, please come to me",
        "Parking close to the door",
        "Time to lie down after the session",
        "Ring the bell twice",
    ]
    assert plan.first_session is FirstSession.HOME_VISIT
    assert plan.flags == flags_for(FULL, DEFAULT_SCREENING, TODAY)
    assert plan.notes == [
        "Conditions: ME/CFS, diagnosed",
        f"Day to day: {dict(SEVERITIES)['severe']}",
        f"Lately: {dict(ENERGY_STATES)['stable']}",
        "Bell scale: today 20, typical 30",
        "PEM brought on by: Travelling",
        "PEM starts: The next day",
        "PEM lasts: About a week",
        "Massage before: Yes, and it helped",
        "Gap between sessions: At least two weeks",
        "Medication: Amitriptyline 10mg",
        "Allergies: Nut oils; Lanolin",
        "Other practitioners: A physio, monthly",
    ]


@pytest.mark.parametrize(
    ("comfort", "positioning"),
    [
        ({}, [NOT_SAID]),
        ({"lie_flat": "yes", "face_down": "yes"}, ["Can lie flat", "Face-down is fine"]),
        ({"lie_flat": "yes"}, ["Can lie flat", "Ask before face-down"]),
        ({"face_down": "not_sure"}, ["No face-down"]),
        ({"lie_flat": "not_sure", "face_down": "no"}, ["May find lying flat hard", "No face-down"]),
        (
            {"support": ["head_raised", "legs_raised", "side_lying", "seated", "time_to_sit_up"]},
            [
                "Ask before face-down",
                "Head raised",
                "Legs raised",
                "Lying on the side",
                "Sitting in a chair",
                "Time to sit up slowly",
            ],
        ),
    ],
)
def test_positioning(comfort, positioning):
    assert session_plan({"comfort": comfort}, DEFAULT_SCREENING, TODAY).positioning == positioning


@pytest.mark.parametrize(
    ("answers", "scent"),
    [
        ({"senses": {"scent": "no_preference"}}, "No preference"),
        ({"senses": {"scent": "scent_free"}}, "Scent-free, please (no oils with a smell)"),
        (
            {"senses": {"scent": "mild"}, "screening": {"allergies": ["fragrance"]}},
            "Scent-free (allergic to fragrance or essential oils)",
        ),
    ],
)
def test_a_fragrance_allergy_makes_the_room_scent_free(answers, scent):
    assert session_plan(answers, DEFAULT_SCREENING, TODAY).scent == scent


@pytest.mark.parametrize(
    ("pressure", "words"),
    [(None, "1: the lightest touch"), ("9", "1: the lightest touch"), ("5", "5: deep")],
)
def test_pressure_is_the_lightest_unless_chosen(pressure, words):
    answers = {"areas": {"pressure": pressure}}
    assert session_plan(answers, DEFAULT_SCREENING, TODAY).pressure == words


def test_areas_of_conditions_no_longer_ticked_are_not_avoided():
    answers = {"screening": {"local": ["none"]}, "screening_details": {"scar_areas": ["back"]}}
    assert session_plan(answers, DEFAULT_SCREENING, TODAY).avoid_areas == []


# --- What reception may see -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "field", "expected"),
    [
        ({}, "home_visit", None),
        ({"practical": {"home_visit": "no"}}, "home_visit", None),
        ({"practical": {"home_visit": "yes"}}, "home_visit", "Yes, please come to me"),
        ({"practical": {"home_visit": "sometimes"}}, "home_visit", "Sometimes, on bad days"),
        ({"practical": {"access": ["step_free"]}}, "step_free", True),
        ({"practical": {"access": ["parking"]}}, "parking", True),
        ({"practical": {"access": ["companion"]}}, "companion", True),
        ({"practical": {"access": ["rest_before"]}}, "rest_before", True),
        ({"practical": {"access": ["rest_after"]}}, "rest_after", True),
        ({"practical": {"access": ["parking"]}}, "step_free", False),
        ({"senses": {"light": "dim"}}, "dim_room", True),
        ({"senses": {"light": "very_dim"}}, "dim_room", True),
        ({"senses": {"light": "no_preference"}}, "dim_room", False),
        ({"senses": {"sound": "silence"}}, "quiet_room", True),
        ({"senses": {"sound": "soft_music"}}, "quiet_room", False),
        ({"senses": {"scent": "scent_free"}}, "scent_free", True),
        ({"screening": {"allergies": ["fragrance"]}}, "scent_free", True),
        ({"screening": {"allergies": ["latex"]}}, "scent_free", False),
        ({"practical": {"best_days": ["mon", "thu"]}}, "best_days", ["Monday", "Thursday"]),
        ({"practical": {"best_times": ["morning"]}}, "best_times", ["Morning"]),
        ({"contact": {"contact_times": ["evening"]}}, "contact_times", ["Evening"]),
        (
            {"practical": {"access_notes": " Flat 2, ring twice "}},
            "access_notes",
            "Flat 2, ring twice",
        ),
        ({"practical": {"access_notes": "  "}}, "access_notes", None),
    ],
)
def test_practical_adjustments(answers, field, expected):
    assert getattr(practical_adjustments(answers, review_pending=False), field) == expected


@pytest.mark.parametrize("pending", [True, False])
def test_reception_sees_whether_a_review_is_pending(pending):
    assert practical_adjustments({}, review_pending=pending).review_pending is pending


CANARY = "CANARY"
CLINICAL = me(
    about={"date_of_birth": "2012-01-01", "filled_by": "self"},
    care={
        "gp_practice": f"{CANARY}-gp-practice",
        "other_practitioners": f"{CANARY}-practitioners",
        "gp_contact": "yes",
    },
    screening={
        "now": [c.key for c in DEFAULT_SCREENING if c.group is ScreeningGroup.NOW],
        "history": [c.key for c in DEFAULT_SCREENING if c.group is ScreeningGroup.HISTORY],
        "local": [c.key for c in DEFAULT_SCREENING if c.group is ScreeningGroup.LOCAL],
        "medications": f"{CANARY}-medications",
        "allergies": [value for value, _ in ALLERGIES],
        "allergies_other": f"{CANARY}-allergies-other",
    },
    screening_details={
        **{f"{c.key}_areas": ["legs"] for c in DEFAULT_SCREENING if c.follow_up is FollowUp.AREA},
        **{
            f"{c.key}_details": f"{CANARY}-{c.key}-details"
            for c in DEFAULT_SCREENING
            if c.follow_up is FollowUp.DETAILS
        },
    },
    condition={
        "conditions": ["me_diagnosed", "long_covid", "fibromyalgia", "other"],
        "other_condition": f"{CANARY}-other-condition",
    },
    energy={"severity": "very_severe", "state": "flare", "bell_today": "10"},
    pem={"triggers": ["touch"], "delay": "two_days_or_more", "recovery": "weeks"},
    comfort={"previous_massage": "worse", "lie_flat": "no", "face_down": "no"},
    areas={"painful": ["neck"], "avoid": ["tummy"]},
    senses={"light": "very_dim", "sound": "silence", "scent": "scent_free"},
    practical={
        "best_days": ["tue"],
        "best_times": ["afternoon"],
        "home_visit": "yes",
        "access": ["step_free", "companion"],
        "access_notes": "Side door, please",
    },
)


def test_reception_never_sees_clinical_details():
    flags = flags_for(CLINICAL, DEFAULT_SCREENING, TODAY)
    seen = repr(practical_adjustments(CLINICAL, review_pending=needs_review(flags)))
    forbidden = [
        CANARY,
        *(condition.label for condition in DEFAULT_SCREENING),
        *(label for value, label in CONDITIONS if value != "none"),
        *(label for _, label in SEVERITIES),
        *(label for _, label in ENERGY_STATES),
        *(label for _, label in ALLERGIES),
        *(raised.reason for raised in flags),
        *(raised.advice for raised in flags if raised.advice),
        "Medication",
        "PEM",
        "Legs",
        "Neck",
    ]
    assert len(flags) > 20  # the answers really are full of clinical content
    assert [text for text in forbidden if text.lower() in seen.lower()] == []
    # ...while the practical side is all there.
    assert "Side door, please" in seen
    assert "Tuesday" in seen
    assert "review_pending=True" in seen
