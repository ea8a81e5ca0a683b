"""The intake questionnaire: its steps, the words of its choices, and which steps a client sees.

Pure: no Flask, no database. Answers are plain data, `{step key: {question key: value}}`, where
a value is a string, a list of strings (several choices), or absent when not answered. The
screening conditions come from the therapist's editable list and are passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import Any

QUESTIONNAIRE_VERSION = 1

Answers = Mapping[str, Mapping[str, Any]]
Options = tuple[tuple[str, str], ...]


class Flag(StrEnum):
    """What an answer asks of the therapist, most urgent first."""

    STOP = "stop"  # acute: no hands-on session until the therapist has reviewed it
    REVIEW = "review"  # the therapist (or the client's GP) looks at it before the session
    ADAPT = "adapt"  # an adjustment to how the session is given
    INFO = "info"  # good to know


FLAG_ORDER = (Flag.STOP, Flag.REVIEW, Flag.ADAPT, Flag.INFO)
HOLDING_FLAGS = frozenset({Flag.STOP, Flag.REVIEW})  # a booking waits for the therapist


class ScreeningGroup(StrEnum):
    """Where a screening condition is asked: each group is one question on the page."""

    NOW = "now"  # going on now (fever, clot): usually STOP
    HISTORY = "history"  # needs review or GP consent: usually REVIEW
    LOCAL = "local"  # in one place on the body: usually an area to avoid


class FollowUp(StrEnum):
    """What a chosen screening condition asks next, on the follow-up page."""

    NONE = "none"
    AREA = "area"  # where on the body
    DETAILS = "details"  # a short note (when, which, how many weeks)


@dataclass(frozen=True)
class ScreeningCondition:
    """One entry of the therapist's editable screening list."""

    key: str
    label: str
    group: ScreeningGroup
    flag: Flag
    follow_up: FollowUp = FollowUp.NONE
    hint: str = ""


NONE_OF_THESE = "none"  # the explicit "none of these" answer to a screening group

# The list a new practice starts with (DOMAIN.md); the therapist edits it in the dashboard.
# Migration 0004 inserts its own frozen copy of this list.
DEFAULT_SCREENING: tuple[ScreeningCondition, ...] = (
    ScreeningCondition(
        "fever", "A fever, or an infection such as flu or Covid", ScreeningGroup.NOW, Flag.STOP
    ),
    ScreeningCondition(
        "contagious",
        "Something catching, such as a stomach bug or a skin infection",
        ScreeningGroup.NOW,
        Flag.STOP,
    ),
    ScreeningCondition(
        "clot",
        "A possible blood clot: a painful, swollen, warm calf or leg",
        ScreeningGroup.NOW,
        Flag.STOP,
    ),
    ScreeningCondition(
        "acute_injury",
        "A new injury, sprain or strain",
        ScreeningGroup.NOW,
        Flag.STOP,
        FollowUp.AREA,
    ),
    ScreeningCondition(
        "surgery",
        "An operation in the last three months",
        ScreeningGroup.HISTORY,
        Flag.REVIEW,
        FollowUp.DETAILS,
        "When was it, and what for?",
    ),
    ScreeningCondition(
        "cancer",
        "Cancer, or treatment for cancer",
        ScreeningGroup.HISTORY,
        Flag.REVIEW,
        FollowUp.DETAILS,
    ),
    ScreeningCondition(
        "heart",
        "A heart condition, or high or low blood pressure",
        ScreeningGroup.HISTORY,
        Flag.REVIEW,
        FollowUp.DETAILS,
    ),
    ScreeningCondition(
        "clot_history",
        "A blood clot or stroke in the past",
        ScreeningGroup.HISTORY,
        Flag.REVIEW,
        FollowUp.DETAILS,
    ),
    ScreeningCondition("epilepsy", "Epilepsy or seizures", ScreeningGroup.HISTORY, Flag.REVIEW),
    ScreeningCondition("diabetes", "Diabetes", ScreeningGroup.HISTORY, Flag.REVIEW),
    ScreeningCondition(
        "osteoporosis", "Osteoporosis (fragile bones)", ScreeningGroup.HISTORY, Flag.REVIEW
    ),
    ScreeningCondition(
        "neurological",
        "A neurological condition, such as MS",
        ScreeningGroup.HISTORY,
        Flag.REVIEW,
        FollowUp.DETAILS,
    ),
    ScreeningCondition(
        "pregnancy",
        "Pregnancy",
        ScreeningGroup.HISTORY,
        Flag.REVIEW,
        FollowUp.DETAILS,
        "How many weeks?",
    ),
    ScreeningCondition(
        "blood_thinners", "Taking blood thinners", ScreeningGroup.HISTORY, Flag.REVIEW
    ),
    ScreeningCondition(
        "new_symptoms",
        "New symptoms no one has explained yet",
        ScreeningGroup.HISTORY,
        Flag.REVIEW,
        FollowUp.DETAILS,
    ),
    ScreeningCondition(
        "varicose_veins", "Varicose veins", ScreeningGroup.LOCAL, Flag.ADAPT, FollowUp.AREA
    ),
    ScreeningCondition(
        "skin",
        "A skin condition, rash or broken skin",
        ScreeningGroup.LOCAL,
        Flag.ADAPT,
        FollowUp.AREA,
    ),
    ScreeningCondition(
        "lumps", "A lump or swelling", ScreeningGroup.LOCAL, Flag.ADAPT, FollowUp.AREA
    ),
    ScreeningCondition(
        "fracture",
        "A broken bone in the last year",
        ScreeningGroup.LOCAL,
        Flag.ADAPT,
        FollowUp.AREA,
    ),
    ScreeningCondition(
        "scar", "A recent or tender scar", ScreeningGroup.LOCAL, Flag.ADAPT, FollowUp.AREA
    ),
)


# --- Choices ----------------------------------------------------------------------------------


class Condition(StrEnum):
    ME_DIAGNOSED = "me_diagnosed"
    ME_SUSPECTED = "me_suspected"
    LONG_COVID = "long_covid"
    FIBROMYALGIA = "fibromyalgia"
    OTHER = "other"
    NONE = "none"
    NOT_SURE = "not_sure"


CONDITIONS: Options = (
    (Condition.ME_DIAGNOSED, "ME/CFS, diagnosed"),
    (Condition.ME_SUSPECTED, "ME/CFS, not diagnosed yet"),
    (Condition.LONG_COVID, "Long Covid"),
    (Condition.FIBROMYALGIA, "Fibromyalgia"),
    (Condition.OTHER, "Another long-term condition"),
    (Condition.NONE, "None of these"),
    (Condition.NOT_SURE, "I'm not sure"),
)
# Choosing any of these brings the ME/CFS and energy pages.
ENERGY_CONDITIONS = frozenset(
    {
        Condition.ME_DIAGNOSED,
        Condition.ME_SUSPECTED,
        Condition.LONG_COVID,
        Condition.FIBROMYALGIA,
        Condition.NOT_SURE,
    }
)


class Severity(StrEnum):
    """NICE NG206's four levels, asked in plain words."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    VERY_SEVERE = "very_severe"
    NOT_SURE = "not_sure"


SEVERITIES: Options = (
    (Severity.MILD, "I can look after myself and do some light work or study, then need rest"),
    (Severity.MODERATE, "I get about less, rest a lot, and often stop work or study"),
    (Severity.SEVERE, "I am mostly at home; I can do a little for myself; some days in bed"),
    (Severity.VERY_SEVERE, "I am in bed most or all of the time and need help with daily care"),
    (Severity.NOT_SURE, "I'm not sure"),
)


class EnergyState(StrEnum):
    STABLE = "stable"
    IMPROVING = "improving"
    WORSE = "worse"
    FLARE = "flare"
    NOT_SURE = "not_sure"


ENERGY_STATES: Options = (
    (EnergyState.STABLE, "About the same as usual"),
    (EnergyState.IMPROVING, "A little better lately"),
    (EnergyState.WORSE, "Worse lately"),
    (EnergyState.FLARE, "In a flare or crash just now"),
    (EnergyState.NOT_SURE, "I'm not sure"),
)

# The Bell disability scale, 0 to 100 in steps of 10, with short plain descriptions.
BELL_SCORES: Options = (
    ("100", "100: no symptoms; full activity"),
    ("90", "90: mild symptoms at rest; full activity"),
    ("80", "80: mild symptoms; nearly full activity, but strenuous things are hard"),
    ("70", "70: mild symptoms; daily activity limited a little"),
    ("60", "60: mild to moderate symptoms; daily activity limited"),
    ("50", "50: moderate symptoms; about half of usual activity"),
    ("40", "40: moderate symptoms; out of the house for short times only"),
    ("30", "30: moderate to severe symptoms; mostly at home; rest a lot"),
    ("20", "20: severe symptoms; out of the house rarely; in bed much of the day"),
    ("10", "10: severe symptoms; in bed most of the time"),
    ("0", "0: severe symptoms all the time; in bed and needing help with care"),
)
BELL_QUESTIONS = ("bell_today", "bell_typical", "bell_best", "bell_worst")

PEM_TRIGGERS: Options = (
    ("physical", "Physical effort, even small (washing, stairs)"),
    ("thinking", "Thinking, reading or screens"),
    ("sensory", "Light, noise or busy places"),
    ("emotional", "Emotional stress"),
    ("travel", "Travelling"),
    ("touch", "Touch or massage"),
    ("not_sure", "I'm not sure"),
)
PEM_DELAYS: Options = (
    ("same_day", "The same day"),
    ("next_day", "The next day"),
    ("two_days_or_more", "Two days or more later"),
    ("varies", "It varies"),
    ("not_sure", "I'm not sure"),
)
PEM_RECOVERIES: Options = (
    ("hours", "A few hours"),
    ("days", "A day or two"),
    ("week", "About a week"),
    ("weeks", "Weeks or longer"),
    ("varies", "It varies"),
    ("not_sure", "I'm not sure"),
)

PREVIOUS_MASSAGE: Options = (
    ("never", "No, this is new for me"),
    ("helped", "Yes, and it helped"),
    ("mixed", "Yes, with mixed results"),
    ("worse", "Yes, and I felt worse afterwards"),
)
YES_NO_UNSURE: Options = (("yes", "Yes"), ("no", "No"), ("not_sure", "I'm not sure"))
YES_NO: Options = (("yes", "Yes"), ("no", "No"))
POSITION_SUPPORT: Options = (
    ("head_raised", "My head raised"),
    ("legs_raised", "My legs raised"),
    ("side_lying", "Lying on my side"),
    ("seated", "Sitting in a chair"),
    ("time_to_sit_up", "Plenty of time to sit up slowly"),
)
PRESSURES: Options = (
    ("1", "1: the lightest touch"),
    ("2", "2: light"),
    ("3", "3: medium"),
    ("4", "4: firm"),
    ("5", "5: deep"),
)
BODY_AREAS: Options = (
    ("head", "Head and face"),
    ("neck", "Neck"),
    ("shoulders", "Shoulders"),
    ("arms", "Arms"),
    ("hands", "Hands"),
    ("back", "Back"),
    ("tummy", "Tummy"),
    ("hips", "Hips"),
    ("legs", "Legs"),
    ("feet", "Feet"),
)
LIGHT: Options = (
    ("dim", "Dim, please"),
    ("very_dim", "As dark as possible"),
    ("no_preference", "No preference"),
)
SOUND: Options = (
    ("silence", "Quiet, no music"),
    ("soft_music", "Soft music"),
    ("earplugs", "I will bring earplugs or ear defenders"),
    ("no_preference", "No preference"),
)
SCENT: Options = (
    ("scent_free", "Scent-free, please (no oils with a smell)"),
    ("mild", "A mild scent is fine"),
    ("no_preference", "No preference"),
)
TEMPERATURE: Options = (
    ("warm", "Extra warm, with blankets"),
    ("cool", "Cool"),
    ("no_preference", "No preference"),
)
TALKING: Options = (
    ("quiet", "Quiet, please: I'd rather not talk"),
    ("little", "A little talking is fine"),
    ("chat", "I like to chat"),
    ("not_sure", "I'm not sure; let's see on the day"),
)
CHECK_IN: Options = (
    ("ask_quietly", "Ask me quietly now and then"),
    ("i_will_say", "I will say if anything is wrong"),
    ("signal", "Let's agree a hand signal at the start"),
)
ALLERGIES: Options = (
    ("nut_oils", "Nut oils"),
    ("latex", "Latex"),
    ("fragrance", "Fragrance or essential oils"),
    ("other", "Something else"),
)
CONTACT_CHANNELS: Options = (("email", "Email"), ("sms", "Text message"), ("phone", "Phone call"))
NO_REMINDERS = "none"  # the consent page's "No reminders, thank you"
QUIET_HOURS: Options = (
    ("20-09", "Not in the evening or early morning (8pm to 9am)"),
    ("22-08", "Not at night (10pm to 8am)"),
    ("18-11", "Only late morning to early evening (11am to 6pm)"),
    ("none", "Any time is fine"),
)
# Each choice as (quiet from, quiet until) in local time; "none" has no quiet hours.
QUIET_WINDOWS: dict[str, tuple[time, time] | None] = {
    "20-09": (time(20, 0), time(9, 0)),
    "22-08": (time(22, 0), time(8, 0)),
    "18-11": (time(18, 0), time(11, 0)),
    "none": None,
}
PARTS_OF_DAY: Options = (
    ("morning", "Morning"),
    ("afternoon", "Afternoon"),
    ("evening", "Evening"),
)
WEEKDAYS: Options = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)
SESSION_GAPS: Options = (
    ("1", "At least a week"),
    ("2", "At least two weeks"),
    ("3", "At least three weeks"),
    ("4", "A month or more"),
    ("not_sure", "I'm not sure yet"),
)
HOME_VISIT: Options = (
    ("no", "No, I can come to you"),
    ("sometimes", "Sometimes, on bad days"),
    ("yes", "Yes, please come to me"),
)
ACCESS_NEEDS: Options = (
    ("step_free", "Step-free access"),
    ("parking", "Parking close to the door"),
    ("companion", "Someone will come with me"),
    ("rest_before", "Somewhere to lie down before the session"),
    ("rest_after", "Time to lie down after the session"),
)
FILLED_BY: Options = (
    ("self", "I am filling this in for myself"),
    ("carer", "I am filling this in for someone else"),
)


def label_of(options: Options, value: str | None) -> str | None:
    """The words shown for a stored choice, or None for an unknown one."""
    return dict(options).get(value) if value is not None else None


# --- Steps ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One page of the questionnaire: one topic."""

    key: str
    title: str
    required: tuple[str, ...] = ()  # questions that must be answered before sending


STEPS: tuple[Step, ...] = (
    Step("about", "About you", required=("name", "date_of_birth", "filled_by")),
    Step("contact", "Reaching you"),
    Step("care", "Your care"),
    Step("screening", "Health check", required=("now", "history")),
    Step("screening_details", "A little more about those"),
    Step("condition", "Long-term conditions", required=("conditions",)),
    Step("energy", "Your energy", required=("severity",)),
    Step("pem", "After doing too much"),
    Step("comfort", "Comfort on the couch"),
    Step("areas", "Pressure and areas"),
    Step("senses", "Light, sound and talking"),
    Step("practical", "Times and getting here"),
    Step("consent", "Your agreement", required=("treatment", "health_data", "signed_name")),
)
STEPS_BY_KEY = {step.key: step for step in STEPS}
ENERGY_STEPS = frozenset({"energy", "pem"})
# A returning client with nothing changed re-confirms only these.
RECONFIRM_STEPS = frozenset({"screening", "screening_details"})


def chosen(answers: Answers, step: str, question: str) -> list[str]:
    """The choices given to a several-choice question (an empty list if unanswered)."""
    value = answers.get(step, {}).get(question)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def answer(answers: Answers, step: str, question: str) -> str | None:
    """A single answer, or None if not given."""
    value = answers.get(step, {}).get(question)
    if isinstance(value, list):
        return value[0] if value else None
    return value or None


def chosen_conditions(
    answers: Answers, conditions: Sequence[ScreeningCondition]
) -> list[ScreeningCondition]:
    """The screening conditions the client ticked, in the list's order."""
    ticked = {key for group in ScreeningGroup for key in chosen(answers, "screening", group.value)}
    return [condition for condition in conditions if condition.key in ticked]


def needs_energy_pages(answers: Answers) -> bool:
    """The ME/CFS and energy pages are for ME/CFS, Long Covid, fibromyalgia or 'not sure'."""
    return any(value in ENERGY_CONDITIONS for value in chosen(answers, "condition", "conditions"))


def steps_for(
    answers: Answers,
    conditions: Sequence[ScreeningCondition],
    *,
    reconfirm_only: bool = False,
    consent_on_file: bool = False,
) -> list[Step]:
    """The pages this client sees, in order, given what they have answered so far."""
    shown = []
    follow_ups = any(
        c.follow_up is not FollowUp.NONE for c in chosen_conditions(answers, conditions)
    )
    for step in STEPS:
        if step.key == "consent":
            if consent_on_file:
                continue
        elif reconfirm_only and step.key not in RECONFIRM_STEPS:
            continue
        if step.key in ENERGY_STEPS and not needs_energy_pages(answers):
            continue
        if step.key == "screening_details" and not follow_ups:
            continue
        shown.append(step)
    return shown


def missing_required(answers: Answers, steps: Sequence[Step]) -> list[tuple[Step, str]]:
    """Required questions not yet answered on the pages shown: (step, question)."""
    return [
        (step, question)
        for step in steps
        for question in step.required
        if not answers.get(step.key, {}).get(question)
    ]


def age_on(born: date, today: date) -> int:
    """Whole years of age on a day."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


ADULT_AGE = 18


def date_of_birth(answers: Answers) -> date | None:
    """The stored date of birth, if given."""
    raw = answer(answers, "about", "date_of_birth")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def is_minor(answers: Answers, today: date) -> bool:
    """Under 18 on the day: a parent or guardian gives consent."""
    born = date_of_birth(answers)
    return born is not None and age_on(born, today) < ADULT_AGE
