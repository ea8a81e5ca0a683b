"""What a client's intake answers ask of the practice: flags, the first session, the room sheet.

Pure: no Flask, no database, no clock (`today` is passed in). Answers are the plain data of
booking.domain.intake; any of them may be missing, and nothing here raises because of that.
The screening list is the therapist's own and is passed in, so no condition is hard-coded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from booking.domain.intake import (
    ACCESS_NEEDS,
    ALLERGIES,
    BELL_QUESTIONS,
    BODY_AREAS,
    CHECK_IN,
    CONDITIONS,
    ENERGY_STATES,
    ENERGY_STEPS,
    FLAG_ORDER,
    HOLDING_FLAGS,
    HOME_VISIT,
    LIGHT,
    NONE_OF_THESE,
    PARTS_OF_DAY,
    PEM_DELAYS,
    PEM_RECOVERIES,
    PEM_TRIGGERS,
    PRESSURES,
    PREVIOUS_MASSAGE,
    SCENT,
    SESSION_GAPS,
    SEVERITIES,
    SOUND,
    TALKING,
    TEMPERATURE,
    WEEKDAYS,
    Answers,
    Condition,
    EnergyState,
    Flag,
    Options,
    ScreeningCondition,
    ScreeningGroup,
    Severity,
    age_on,
    answer,
    chosen,
    chosen_conditions,
    date_of_birth,
    is_minor,
    label_of,
    needs_energy_pages,
)

NOT_SAID = "Not said: ask on the day"
LIGHTEST_PRESSURE = PRESSURES[0][1]  # unanswered means the lightest touch, never a guess upwards

# What people write when they mean "nothing to tell": not worth a flag.
NOTHING_WORDS = frozenset({"none", "no", "nil", "n/a", "na", "nothing", "-"})


@dataclass(frozen=True)
class RaisedFlag:
    """One thing the therapist should know or do, in plain words."""

    flag: Flag
    reason: str  # what the client told us, e.g. "Fever or infection now"
    advice: str = ""  # what to do about it, e.g. "No hands-on session until reviewed"


# --- Reading answers --------------------------------------------------------------------------


def _visible(answers: Answers) -> Answers:
    """The answers of pages the client is shown now.

    The energy pages disappear when a client changes their condition answer to one that does
    not bring them; answers left behind there were withdrawn, so they must not drive anything.
    """
    if needs_energy_pages(answers):
        return answers
    return {step: values for step, values in answers.items() if step not in ENERGY_STEPS}


def _text(answers: Answers, step: str, question: str) -> str | None:
    """A free-text answer with its spaces trimmed, or None if empty."""
    value = answer(answers, step, question)
    text = value.strip() if isinstance(value, str) else ""
    return text or None


def _something(answers: Answers, step: str, question: str) -> str | None:
    """A free-text answer that says something ("none" and "n/a" say nothing)."""
    text = _text(answers, step, question)
    return text if text and text.lower() not in NOTHING_WORDS else None


def _labels(options: Options, values: Sequence[str]) -> list[str]:
    """The words for stored choices; an unknown value is shown as it is, never dropped."""
    return [label_of(options, value) or value for value in values]


def _label(options: Options, answers: Answers, step: str, question: str) -> str:
    """The words for a single choice, or the calm default when it was not answered."""
    value = answer(answers, step, question)
    if value is None:
        return NOT_SAID
    return label_of(options, value) or value


def _in_area_order(values: set[str]) -> list[str]:
    """Body areas head to toe, then any unknown ones alphabetically, so sheets read the same."""
    order = [key for key, _ in BODY_AREAS]
    known = [key for key in order if key in values]
    return known + sorted(values - set(order))


def _ticked_keys(answers: Answers) -> list[str]:
    """Every ticked screening key, in page order, without "none of these"."""
    keys: list[str] = []
    for group in ScreeningGroup:
        for key in chosen(answers, "screening", group.value):
            if key != NONE_OF_THESE and key not in keys:
                keys.append(key)
    return keys


def _screening_areas(answers: Answers, key: str) -> list[str]:
    """The body areas given on the follow-up page for one ticked condition."""
    return chosen(answers, "screening_details", f"{key}_areas")


def _and_join(words: Sequence[str]) -> str:
    """'legs', 'arms and legs', 'head, arms and legs'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


# --- Flags ------------------------------------------------------------------------------------

# One answer (or one ticked choice) that is enough on its own: (step, question, value) → flag.
# Rows on the energy pages count only while those pages are shown (see _visible).
ANSWER_FLAGS: tuple[tuple[str, str, str, RaisedFlag], ...] = (
    (
        "energy",
        "severity",
        Severity.VERY_SEVERE,
        RaisedFlag(
            Flag.REVIEW,
            "Very severe: in bed most or all of the time",
            "Phone the client before any session; no self-booked hands-on",
        ),
    ),
    (
        "energy",
        "severity",
        Severity.SEVERE,
        RaisedFlag(
            Flag.ADAPT,
            "Severe: mostly at home",
            "A short home visit, with very short hands-on contact",
        ),
    ),
    (
        "energy",
        "state",
        EnergyState.FLARE,
        RaisedFlag(
            Flag.ADAPT,
            "In a flare or crash just now",
            "Shorter and lighter; offer to postpone or switch to a call",
        ),
    ),
    (
        "energy",
        "state",
        EnergyState.WORSE,
        RaisedFlag(Flag.ADAPT, "Worse lately", "A shorter, lighter session"),
    ),
    (
        "comfort",
        "previous_massage",
        "worse",
        RaisedFlag(
            Flag.ADAPT, "Felt worse after massage before", "Start very light and very short"
        ),
    ),
    (
        "pem",
        "triggers",
        "touch",
        RaisedFlag(
            Flag.ADAPT,
            "Touch or massage can bring on PEM",
            "Start very light and very short; ask how they were 1 to 2 days later",
        ),
    ),
    (
        "screening",
        "allergies",
        "nut_oils",
        RaisedFlag(Flag.ADAPT, "Allergic to nut oils", "Nut-free oil only"),
    ),
    (
        "screening",
        "allergies",
        "latex",
        RaisedFlag(Flag.ADAPT, "Allergic to latex", "No latex gloves"),
    ),
    (
        "senses",
        "light",
        "dim",
        RaisedFlag(Flag.ADAPT, "Asked for dim light", "Dim the lights"),
    ),
    (
        "senses",
        "light",
        "very_dim",
        RaisedFlag(
            Flag.ADAPT, "Asked for the room as dark as possible", "Dim the lights right down"
        ),
    ),
    (
        "practical",
        "home_visit",
        "yes",
        RaisedFlag(Flag.ADAPT, "Asked for a home visit", "Book as a home visit"),
    ),
    (
        "practical",
        "home_visit",
        "sometimes",
        RaisedFlag(Flag.INFO, "Would like a home visit on bad days", "Offer one on a bad day"),
    ),
    (
        "practical",
        "access",
        "companion",
        RaisedFlag(Flag.INFO, "Someone will come with them"),
    ),
)

# What each screening flag asks, unless the condition's own areas say more.
SCREENING_ADVICE = {
    Flag.STOP: "No hands-on session until reviewed",
    Flag.REVIEW: "Review before the session; the GP's agreement may be needed",
    Flag.ADAPT: "",
    Flag.INFO: "",
}
UNKNOWN_SCREENING_ADVICE = "Not on the screening list now: ask the client what it meant"


def _screening_reason(answers: Answers, key: str, label: str) -> str:
    """'Varicose veins: legs', 'Pregnancy: 20 weeks', with what the follow-up page said."""
    parts = []
    areas = _labels(BODY_AREAS, _screening_areas(answers, key))
    if areas:
        parts.append(", ".join(area.lower() for area in areas))
    details = _text(answers, "screening_details", f"{key}_details")
    if details:
        parts.append(details)
    return f"{label}: {'; '.join(parts)}" if parts else label


def _screening_advice(condition: ScreeningCondition, answers: Answers) -> str:
    """Holding flags say so; otherwise a condition in one place says where to keep away from."""
    if condition.flag in HOLDING_FLAGS:
        return SCREENING_ADVICE[condition.flag]
    areas = _labels(BODY_AREAS, _screening_areas(answers, condition.key))
    if areas:
        return f"Avoid the {_and_join([area.lower() for area in areas])}"
    if condition.group is ScreeningGroup.LOCAL:
        return "Ask where, and avoid that area"
    return SCREENING_ADVICE[condition.flag]


def _screening_flags(
    answers: Answers, conditions: Sequence[ScreeningCondition]
) -> list[RaisedFlag]:
    """Each ticked condition raises the flag the therapist set for it."""
    flags = [
        RaisedFlag(
            condition.flag,
            _screening_reason(answers, condition.key, condition.label),
            _screening_advice(condition, answers),
        )
        for condition in chosen_conditions(answers, conditions)
    ]
    # A key switched off or renamed since the client ticked it still meant something to them.
    known = {condition.key for condition in conditions}
    flags += [
        RaisedFlag(Flag.REVIEW, _screening_reason(answers, key, key), UNKNOWN_SCREENING_ADVICE)
        for key in _ticked_keys(answers)
        if key not in known
    ]
    return flags


def _age_flags(answers: Answers, today: date) -> list[RaisedFlag]:
    """Under 18: a parent or guardian consents."""
    born = date_of_birth(answers)
    if born is None or not is_minor(answers, today):
        return []
    if born > today:  # the form never stores these; an old or imported answer might
        return [RaisedFlag(Flag.REVIEW, "Date of birth is after today", "Check the date of birth")]
    return [
        RaisedFlag(
            Flag.REVIEW,
            f"Under 18 (aged {age_on(born, today)})",
            "A parent or guardian gives consent before any session",
        )
    ]


def _table_flags(answers: Answers) -> list[RaisedFlag]:
    """The rows of ANSWER_FLAGS that the answers match."""
    return [
        flag
        for step, question, value, flag in ANSWER_FLAGS
        if value in chosen(answers, step, question)
    ]


POSITIONING_WORDS = {
    "head_raised": "Head raised",
    "legs_raised": "Legs raised",
    "side_lying": "Lying on the side",
    "seated": "Sitting in a chair",
    "time_to_sit_up": "Time to sit up slowly",
}


def _support_words(answers: Answers) -> list[str]:
    """The positioning support asked for, as short phrases for the sheet."""
    return [POSITIONING_WORDS.get(value, value) for value in chosen(answers, "comfort", "support")]


def _positioning_flags(answers: Answers) -> list[RaisedFlag]:
    """Lying flat or face-down being hard (often orthostatic intolerance): no face-down."""
    reasons = []
    if answer(answers, "comfort", "lie_flat") == "no":
        reasons.append("Lying flat is hard")
    face_down = answer(answers, "comfort", "face_down")
    if face_down == "no":
        reasons.append("Cannot lie face-down")
    elif face_down == "not_sure":
        reasons.append("Not sure about lying face-down")
    if not reasons:
        return []
    support = _support_words(answers)
    advice = "No face-down"
    if support:
        advice += f"; support: {', '.join(word.lower() for word in support)}"
    return [RaisedFlag(Flag.ADAPT, "; ".join(reasons), advice)]


def _scent_flags(answers: Answers) -> list[RaisedFlag]:
    """Scent-free, whether asked for or needed because of an allergy: one flag, both reasons."""
    reasons = []
    if answer(answers, "senses", "scent") == "scent_free":
        reasons.append("Asked for scent-free")
    if "fragrance" in chosen(answers, "screening", "allergies"):
        reasons.append("Allergic to fragrance or essential oils")
    if not reasons:
        return []
    return [RaisedFlag(Flag.ADAPT, "; ".join(reasons), "Unscented oil; no diffuser or candles")]


def _info_flags(answers: Answers) -> list[RaisedFlag]:
    """Good to know before the session: medication, other allergies, the GP, a carer."""
    flags = []
    medications = _something(answers, "screening", "medications")
    if medications:
        flags.append(RaisedFlag(Flag.INFO, f"Medication: {medications}"))
    other_allergy = _something(answers, "screening", "allergies_other")
    if other_allergy:
        flags.append(RaisedFlag(Flag.INFO, f"Allergy: {other_allergy}", "Check oils and products"))
    elif "other" in chosen(answers, "screening", "allergies"):
        flags.append(RaisedFlag(Flag.INFO, "Allergy: something else", "Ask what to avoid"))
    if answer(answers, "care", "gp_contact") == "yes":
        practice = _text(answers, "care", "gp_practice")
        flags.append(
            RaisedFlag(
                Flag.INFO,
                "May contact their GP",
                f"GP practice: {practice}" if practice else "GP practice not given",
            )
        )
    if answer(answers, "about", "filled_by") == "carer":
        name = _text(answers, "about", "carer_name")
        relationship = _text(answers, "about", "carer_relationship")
        who = " ".join(filter(None, (name, f"({relationship})" if relationship else None)))
        flags.append(
            RaisedFlag(Flag.INFO, f"Filled in by a carer: {who}" if who else "Filled in by a carer")
        )
    return flags


def _flag_rank(raised: RaisedFlag) -> int:
    return FLAG_ORDER.index(raised.flag)


def flags_for(
    answers: Answers, conditions: Sequence[ScreeningCondition], today: date
) -> list[RaisedFlag]:
    """Everything the answers ask of the therapist, most urgent first (STOP, REVIEW, ...)."""
    shown = _visible(answers)
    flags = [
        *_screening_flags(shown, conditions),
        *_age_flags(shown, today),
        *_table_flags(shown),
        *_positioning_flags(shown),
        *_scent_flags(shown),
        *_info_flags(shown),
    ]
    return sorted(flags, key=_flag_rank)  # sorted() is stable: same-level flags keep this order


def needs_review(flags: Sequence[RaisedFlag]) -> bool:
    """Whether a booking waits for the therapist: any STOP or REVIEW flag."""
    return any(raised.flag in HOLDING_FLAGS for raised in flags)


# --- The first session and its length ---------------------------------------------------------


class FirstSession(StrEnum):
    """Which kind of first session a client may book for themselves."""

    CLINIC = "clinic"  # mild, moderate, not sure, or no ME answers: the first-visit service
    HOME_VISIT = "home_visit"  # severe: a short home visit
    CALL_FIRST = "call_first"  # very severe: cannot self-book hands-on; the therapist phones first


def first_session_for(answers: Answers) -> FirstSession:
    """The first session that suits the client's severity (NICE NG206 levels)."""
    severity = answer(_visible(answers), "energy", "severity")
    if severity == Severity.VERY_SEVERE:
        return FirstSession.CALL_FIRST
    if severity == Severity.SEVERE:
        return FirstSession.HOME_VISIT
    return FirstSession.CLINIC


def allows_service(first: FirstSession, *, home_visit: bool) -> bool:
    """Whether a client whose first session is `first` may book a service for themselves."""
    if first is FirstSession.CLINIC:
        return True
    if first is FirstSession.HOME_VISIT:
        return home_visit
    return False  # CALL_FIRST: the therapist books after the phone call


SHORTER_FRACTION = (2, 3)  # a bad patch suggests about two thirds of the usual length
SHORTEST_SUGGESTION = 15  # minutes: shorter than this is hardly worth the travel and settling
SUGGESTION_STEP = 5  # suggestions are in whole five minutes, as bookings are
SHORTER_STATES = frozenset({EnergyState.FLARE, EnergyState.WORSE})
SHORTER_SEVERITIES = frozenset({Severity.SEVERE, Severity.VERY_SEVERE})


def _suggests_shorter(answers: Answers) -> bool:
    """A flare, a worse patch, or severe or very severe ME."""
    shown = _visible(answers)
    state = answer(shown, "energy", "state")
    severity = answer(shown, "energy", "severity")
    return state in SHORTER_STATES or severity in SHORTER_SEVERITIES


def suggested_minutes(current_minutes: int, answers: Answers) -> int:
    """A length to suggest: never longer than now (NICE NG206 1.11), shorter in a bad patch."""
    if not _suggests_shorter(answers):
        return current_minutes
    numerator, denominator = SHORTER_FRACTION
    shorter = current_minutes * numerator // denominator
    shorter -= shorter % SUGGESTION_STEP
    return min(current_minutes, max(SHORTEST_SUGGESTION, shorter))


# --- The therapist's room preparation sheet ---------------------------------------------------


@dataclass(frozen=True)
class SessionPlan:
    """The therapist's room preparation sheet for a client's session."""

    lighting: str
    sound: str
    scent: str
    temperature: str
    positioning: list[str]
    pressure: str
    include_areas: list[str]
    avoid_areas: list[str]  # the client's own list and the areas of ticked screening conditions
    painful_areas: list[str]
    talking: str
    check_in: str
    travel_access: list[str]
    first_session: FirstSession
    flags: list[RaisedFlag]
    notes: list[str]


def _scent_words(answers: Answers) -> str:
    """The scent line; an allergy to fragrance makes it scent-free whatever was chosen."""
    if "fragrance" in chosen(answers, "screening", "allergies"):
        return "Scent-free (allergic to fragrance or essential oils)"
    return _label(SCENT, answers, "senses", "scent")


def _positioning(answers: Answers) -> list[str]:
    """How the client can lie, and the support they asked for."""
    lie_flat = answer(answers, "comfort", "lie_flat")
    face_down = answer(answers, "comfort", "face_down")
    support = _support_words(answers)
    if lie_flat is None and face_down is None and not support:
        return [NOT_SAID]
    lines = []
    if lie_flat == "yes":
        lines.append("Can lie flat")
    elif lie_flat == "no":
        lines.append("Lying flat is hard")
    elif lie_flat == "not_sure":
        lines.append("May find lying flat hard")
    if face_down in {"no", "not_sure"}:
        lines.append("No face-down")
    elif face_down == "yes":
        lines.append("Face-down is fine")
    else:
        lines.append("Ask before face-down")
    return lines + support


def _avoid_keys(answers: Answers) -> set[str]:
    """The client's own "avoid" list plus the areas of every ticked screening condition."""
    keys = set(chosen(answers, "areas", "avoid"))
    for key in _ticked_keys(answers):
        keys.update(_screening_areas(answers, key))
    return keys


def _travel_access(answers: Answers) -> list[str]:
    """Home visit, access needs and the client's own access note."""
    lines = []
    home_visit = answer(answers, "practical", "home_visit")
    if home_visit in {"yes", "sometimes"}:
        lines.append(f"Home visit: {label_of(HOME_VISIT, home_visit)}")
    lines += _labels(ACCESS_NEEDS, chosen(answers, "practical", "access"))
    notes = _text(answers, "practical", "access_notes")
    if notes:
        lines.append(notes)
    return lines


def _choice_note(
    answers: Answers, step: str, question: str, options: Options, heading: str
) -> list[str]:
    """'Heading: the words of the choice', or nothing when it was not answered."""
    value = answer(answers, step, question)
    return [f"{heading}: {label_of(options, value) or value}"] if value else []


def _allergy_words(answers: Answers) -> list[str]:
    """Allergies in words, ending with the client's own words for "something else"."""
    ticked = [value for value in chosen(answers, "screening", "allergies") if value != "other"]
    words = _labels(ALLERGIES, ticked)
    other = _something(answers, "screening", "allergies_other")
    if other:
        words.append(other)
    elif "other" in chosen(answers, "screening", "allergies"):
        words.append("something else (not said what)")
    return words


def _notes(answers: Answers) -> list[str]:
    """What else the therapist should read: conditions, energy, PEM, medication, allergies."""
    notes = []
    conditions = [c for c in chosen(answers, "condition", "conditions") if c != Condition.NONE]
    if conditions:
        notes.append(f"Conditions: {'; '.join(_labels(CONDITIONS, conditions))}")
    other_condition = _something(answers, "condition", "other_condition")
    if other_condition:
        notes.append(f"Other condition: {other_condition}")
    notes += _choice_note(answers, "energy", "severity", SEVERITIES, "Day to day")
    notes += _choice_note(answers, "energy", "state", ENERGY_STATES, "Lately")
    bell = [
        f"{question.removeprefix('bell_')} {value}"
        for question in BELL_QUESTIONS
        if (value := answer(answers, "energy", question)) is not None
    ]
    if bell:
        notes.append(f"Bell scale: {', '.join(bell)}")
    triggers = chosen(answers, "pem", "triggers")
    if triggers:
        notes.append(f"PEM brought on by: {'; '.join(_labels(PEM_TRIGGERS, triggers))}")
    notes += _choice_note(answers, "pem", "delay", PEM_DELAYS, "PEM starts")
    notes += _choice_note(answers, "pem", "recovery", PEM_RECOVERIES, "PEM lasts")
    notes += _choice_note(
        answers, "comfort", "previous_massage", PREVIOUS_MASSAGE, "Massage before"
    )
    notes += _choice_note(answers, "practical", "gap", SESSION_GAPS, "Gap between sessions")
    medications = _something(answers, "screening", "medications")
    if medications:
        notes.append(f"Medication: {medications}")
    allergies = _allergy_words(answers)
    if allergies:
        notes.append(f"Allergies: {'; '.join(allergies)}")
    practitioners = _something(answers, "care", "other_practitioners")
    if practitioners:
        notes.append(f"Other practitioners: {practitioners}")
    return notes


def session_plan(
    answers: Answers, conditions: Sequence[ScreeningCondition], today: date
) -> SessionPlan:
    """The room preparation sheet: calm defaults where nothing was said, lightest pressure."""
    shown = _visible(answers)
    avoid = _avoid_keys(shown)
    # An area both wanted and to be avoided is avoided: the safer reading of a slip.
    include = [key for key in chosen(shown, "areas", "include") if key not in avoid]
    pressure = answer(shown, "areas", "pressure")
    return SessionPlan(
        lighting=_label(LIGHT, shown, "senses", "light"),
        sound=_label(SOUND, shown, "senses", "sound"),
        scent=_scent_words(shown),
        temperature=_label(TEMPERATURE, shown, "senses", "temperature"),
        positioning=_positioning(shown),
        pressure=label_of(PRESSURES, pressure) or LIGHTEST_PRESSURE,
        include_areas=_labels(BODY_AREAS, include),
        avoid_areas=_labels(BODY_AREAS, _in_area_order(avoid)),
        painful_areas=_labels(BODY_AREAS, chosen(shown, "areas", "painful")),
        talking=_label(TALKING, shown, "senses", "talking"),
        check_in=_label(CHECK_IN, shown, "senses", "check_in"),
        travel_access=_travel_access(shown),
        first_session=first_session_for(shown),
        flags=flags_for(shown, conditions, today),
        notes=_notes(shown),
    )


# --- What reception may see -------------------------------------------------------------------


@dataclass(frozen=True)
class PracticalAdjustments:
    """What reception may see: practical needs only, never clinical details or flag reasons."""

    home_visit: str | None
    step_free: bool
    parking: bool
    companion: bool
    rest_before: bool
    rest_after: bool
    dim_room: bool
    quiet_room: bool
    scent_free: bool
    best_days: list[str]
    best_times: list[str]
    contact_times: list[str]
    access_notes: str | None
    review_pending: bool


def practical_adjustments(answers: Answers, *, review_pending: bool) -> PracticalAdjustments:
    """The practical side of the answers, for reception (DOMAIN.md booking rule 10)."""
    access = set(chosen(answers, "practical", "access"))
    home_visit = answer(answers, "practical", "home_visit")
    return PracticalAdjustments(
        home_visit=label_of(HOME_VISIT, home_visit) if home_visit in {"yes", "sometimes"} else None,
        step_free="step_free" in access,
        parking="parking" in access,
        companion="companion" in access,
        rest_before="rest_before" in access,
        rest_after="rest_after" in access,
        dim_room=answer(answers, "senses", "light") in {"dim", "very_dim"},
        # Someone bringing earplugs is sensitive to sound: a quiet room helps them too.
        quiet_room=answer(answers, "senses", "sound") in {"silence", "earplugs"},
        # Only the need shows, not why: an allergy is clinical, a scent-free room is not.
        scent_free=answer(answers, "senses", "scent") == "scent_free"
        or "fragrance" in chosen(answers, "screening", "allergies"),
        best_days=_labels(WEEKDAYS, chosen(answers, "practical", "best_days")),
        best_times=_labels(PARTS_OF_DAY, chosen(answers, "practical", "best_times")),
        contact_times=_labels(PARTS_OF_DAY, chosen(answers, "contact", "contact_times")),
        access_notes=_text(answers, "practical", "access_notes"),
        review_pending=review_pending,
    )
