"""One form per questionnaire page. Every field keeps what was typed when anything is wrong.

Each question's `description` is its one-line "why we ask". A form turns into answers with
`answers()` (the stored shape, booking/domain/intake.py) and back with `for_step(..., data=...)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms import TextAreaField as _TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from booking.clock import practice_today
from booking.domain import intake as q
from booking.domain.consent import CONSENTS, REQUIRED_CONSENTS
from booking.domain.contact import ContactError, normalise_phone
from booking.domain.intake_checks import (
    AnswerProblem,
    check_text,
    contradictions,
    parse_date_of_birth,
)
from booking.domain.text import tidy_line, tidy_note
from booking.services.intake.progress import PageLoad, minutes_for

SHORT_TEXT = 120
LONG_TEXT = 1000
DATE_ANSWERS = frozenset({"date_of_birth"})  # stored as ISO dates
CHOOSE_ONE = "Please choose one of the options shown."


def _choices(options: q.Options) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in options]


def _text_or_empty(value: Any) -> str:
    """WTForms would turn "not answered" (None) into the string "None"."""
    return "" if value is None else str(value)


class Choices(RadioField):
    """One choice from a list; unanswered is fine unless the page needs it."""

    def __init__(self, label: str, options: q.Options, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", CHOOSE_ONE)
        kwargs.setdefault("coerce", _text_or_empty)
        super().__init__(label, choices=_choices(options), **kwargs)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data:  # nothing chosen is "not answered"; the page says when it is needed
            super().pre_validate(form)


class SeveralChoices(SelectMultipleField):
    """Tick any that apply."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label: str, options: q.Options, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", "Please tick only the options shown.")
        super().__init__(label, choices=_choices(options), **kwargs)


class Score(SelectField):
    """A score from a fixed list, or left blank."""

    def __init__(self, label: str, options: q.Options, **kwargs: Any) -> None:
        kwargs.setdefault(
            "invalid_choice_message",
            "Please choose a score from the list: 0, 10, 20 and so on up to 100.",
        )
        kwargs.setdefault("coerce", _text_or_empty)
        super().__init__(label, choices=_choices((("", "Choose, or leave it"), *options)), **kwargs)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data:  # left blank is fine
            super().pre_validate(form)


class Agreement(BooleanField):
    """A tick to agree; stored as "yes" when ticked, absent otherwise."""

    def _value(self) -> str:
        return "yes"

    @property
    def answer(self) -> str | None:
        return "yes" if self.data else None


class Text(StringField):
    """A short line of text."""

    def __init__(self, label: str, limit: int = SHORT_TEXT, **kwargs: Any) -> None:
        super().__init__(label, filters=[tidy_line], **kwargs)
        self.limit = limit


class TextArea(_TextAreaField):
    """A few lines of text."""

    def __init__(self, label: str, limit: int = LONG_TEXT, **kwargs: Any) -> None:
        super().__init__(label, filters=[tidy_note], **kwargs)
        self.limit = limit


class StepForm(FlaskForm):
    """A questionnaire page. `step` names it; `then` brings the client back to the check page."""

    class Meta:
        # A calm message instead of a failed request when the page was open a long time.
        csrf_time_limit = None

    step = ""
    then = HiddenField()

    def questions(self) -> list[Field]:
        """The fields that hold answers (not the token or navigation)."""
        return [f for f in self if f.name not in ("csrf_token", "then")]

    def validate_csrf_token_only(self) -> bool:
        """Whether the page's token is good, before anything else is looked at."""
        if not self.meta.csrf:
            return True
        return self.csrf_token.validate(self)

    def answers(self) -> dict[str, Any]:
        """The page's answers in their stored shape."""
        values = {f.name: getattr(f, "answer", f.data) for f in self.questions()}
        return {name: value for name, value in values.items() if value not in (None, "", [], False)}

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Field rules, text lengths, then answers that contradict each other."""
        valid = super().validate(extra_validators)
        for f in self.questions():
            limit = getattr(f, "limit", None)
            if limit and f.data and not f.errors:
                problem = check_text(f.data, limit)
                if problem:
                    f.errors.append(problem)
                    valid = False
        for name, message in contradictions(self.step, self.answers()).items():
            f = getattr(self, name, None)
            if f is not None and not f.errors:
                f.errors.append(message)
                valid = False
        return valid

    def require(self, names: Sequence[str], messages: Mapping[str, str]) -> bool:
        """Mark required questions left empty (used when the client presses Continue)."""
        valid = True
        for name in names:
            f = getattr(self, name, None)
            if f is not None and not f.data and not f.errors:
                f.errors.append(messages.get(name, "Please answer this question."))
                valid = False
        return valid


class AboutForm(StepForm):
    step = "about"
    name = Text("Full name", description="So we know who we are seeing.")
    preferred_name = Text(
        "What would you like us to call you? (optional)", description="We will use this name."
    )
    date_of_birth = Text(
        "Date of birth",
        limit=40,
        description="For example 27 3 1985. Under 18s need a parent or guardian to agree.",
    )
    filled_by = Choices("Who is filling this in?", q.FILLED_BY, default="self")
    carer_name = Text("Your name (if you are filling this in for them)")
    carer_relationship = Text(
        "How you know them (optional)",
        limit=60,
        description="For example: partner, parent, friend, carer.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The practice's today by the app's clock, read when the form is made (never at import);
        # the intake view sets the day its questionnaire state was read on.
        self.today: date = practice_today()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.date_of_birth.data and not self.date_of_birth.errors:
            try:
                born = parse_date_of_birth(self.date_of_birth.data, self.today)
            except AnswerProblem as problem:
                self.date_of_birth.errors.append(str(problem))
                valid = False
            else:
                self.date_of_birth.data = born.isoformat()
        if self.filled_by.data == "carer" and not self.carer_name.data:
            self.carer_name.errors.append(
                "Please tell us your name, as the person filling this in."
            )
            valid = False
        return valid


class ContactForm(StepForm):
    step = "contact"
    channel = Choices(
        "How do you prefer us to get in touch?",
        q.CONTACT_CHANNELS,
        description="We will use this way first.",
    )
    contact_times = SeveralChoices(
        "When is a good time to reach you? (optional)",
        q.PARTS_OF_DAY,
        description="So we do not call when you are resting.",
    )
    quiet_hours = Choices(
        "When should messages not arrive? (optional)",
        q.QUIET_HOURS,
        description="Reminders wait until these hours are over.",
    )
    address = TextArea(
        "Address (only for home visits)",
        limit=300,
        description="We only use it if we come to you.",
    )
    postcode = Text("Postcode (only for home visits)", limit=12)
    emergency_name = Text(
        "Someone we can call in an emergency (optional)",
        description="Only if you are unwell during a session.",
    )
    emergency_phone = Text("Their phone number (optional)", limit=32)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.emergency_phone.data and not self.emergency_phone.errors:
            try:
                self.emergency_phone.data = normalise_phone(self.emergency_phone.data)
            except ContactError as problem:
                self.emergency_phone.errors.append(str(problem))
                valid = False
        return valid


class CareForm(StepForm):
    step = "care"
    gp_practice = Text(
        "Your GP practice (optional)", description="In case we need to check something is safe."
    )
    other_practitioners = TextArea(
        "Anyone else who helps with your health? (optional)",
        limit=500,
        description="For example a physiotherapist or an ME/CFS clinic.",
    )
    gp_contact = Choices(
        "May the therapist contact your GP if needed?",
        q.YES_NO,
        description="This is a separate agreement. We only ask your GP with a good reason.",
    )


class ScreeningForm(StepForm):
    """Built for the therapist's current list (see `screening_form`)."""

    step = "screening"
    ordered: list[Field]

    def questions(self) -> list[Field]:
        return list(self.ordered)

    medications = TextArea(
        "Medicines you take (optional)",
        limit=500,
        description="Some change how your body responds to massage.",
    )
    allergies = SeveralChoices(
        "Allergies or reactions (optional)",
        q.ALLERGIES,
        description="So we choose oils and materials that suit you.",
    )
    allergies_other = Text("Something else: what? (optional)", limit=200)


GROUP_QUESTIONS = {
    q.ScreeningGroup.NOW: (
        "Do any of these apply to you now?",
        "If so, we wait until they pass: massage could make them worse.",
    ),
    q.ScreeningGroup.HISTORY: (
        "Do any of these apply to you?",
        "The therapist may adapt the session or check with your GP first.",
    ),
    q.ScreeningGroup.LOCAL: (
        "Anything in one place on your body? (optional)",
        "We will avoid that area.",
    ),
}


def screening_form(conditions: Sequence[q.ScreeningCondition], **kwargs: Any) -> ScreeningForm:
    """The health check page with one question per group of the therapist's list."""
    fields = {}
    for group, (label, why) in GROUP_QUESTIONS.items():
        options = tuple((c.key, c.label) for c in conditions if c.group is group)
        fields[group.value] = SeveralChoices(
            label, (*options, (q.NONE_OF_THESE, "None of these")), description=why
        )
    form_class = type("ScreeningPage", (ScreeningForm,), fields)
    form = form_class(**kwargs)
    # The groups come first on the page, before medicines and allergies.
    order = [g.value for g in GROUP_QUESTIONS] + ["medications", "allergies", "allergies_other"]
    form.ordered = [form[name] for name in order]
    return form


class DetailsPage(StepForm):
    step = "screening_details"


def details_form(ticked: Sequence[q.ScreeningCondition], **kwargs: Any) -> DetailsPage:
    """Follow-up questions for the conditions ticked on the health check page."""
    fields: dict[str, Field] = {}
    for condition in ticked:
        if condition.follow_up is q.FollowUp.AREA:
            fields[f"{condition.key}_areas"] = SeveralChoices(
                f"{condition.label}: where?",
                q.BODY_AREAS,
                description="We will avoid this area.",
            )
        elif condition.follow_up is q.FollowUp.DETAILS:
            fields[f"{condition.key}_details"] = TextArea(
                f"{condition.label}: anything we should know? (optional)",
                limit=500,
                description=condition.hint or "A few words are plenty.",
            )
    return type("DetailsPageFor", (DetailsPage,), fields)(**kwargs)


class ConditionForm(StepForm):
    step = "condition"
    conditions = SeveralChoices(
        "Do you live with any of these?",
        q.CONDITIONS,
        description="So we can adapt the session to your energy. Tick all that apply.",
    )
    other_condition = Text("Another condition: which? (optional)", limit=200)


class EnergyForm(StepForm):
    step = "energy"
    severity = Choices(
        "Which is most like you, most of the time?",
        q.SEVERITIES,
        description="This shapes your first session: where, how long, and how gentle.",
    )
    state = Choices(
        "How are you lately?",
        q.ENERGY_STATES,
        description="If you are in a flare, we will keep things extra short and light.",
    )
    bell_today = Score(
        "Your energy today, 0 to 100 (optional)",
        q.BELL_SCORES,
        description="The Bell scale: 100 is full health, 0 is bed-bound. A guess is fine.",
    )
    bell_typical = Score("On a typical day (optional)", q.BELL_SCORES)
    bell_best = Score("On a good day (optional)", q.BELL_SCORES)
    bell_worst = Score("On a bad day (optional)", q.BELL_SCORES)


# Where post-exertional malaise is first asked about, it is explained (DOMAIN.md's wording).
PEM_IN_PLAIN_WORDS = (
    "Post-exertional malaise (PEM) means feeling worse after doing things, even small things. "
    "It often starts 12 to 72 hours later and can last days or weeks. Knowing what brings it "
    "on helps us make sure a session does not add to it."
)


class PemForm(StepForm):
    step = "pem"
    triggers = SeveralChoices(
        "What tends to make you worse afterwards? (optional)",
        q.PEM_TRIGGERS,
        description=PEM_IN_PLAIN_WORDS,
    )
    delay = Choices(
        "When does it usually start? (optional)",
        q.PEM_DELAYS,
        description="So we know when to ask how you are.",
    )
    recovery = Choices("How long does it usually last? (optional)", q.PEM_RECOVERIES)


class ComfortForm(StepForm):
    step = "comfort"
    previous_massage = Choices(
        "Have you had massage before? (optional)",
        q.PREVIOUS_MASSAGE,
        description="So we can build on what suited you.",
    )
    lie_flat = Choices(
        "Can you lie flat comfortably?",
        q.YES_NO_UNSURE,
        description="Some people feel dizzy or faint lying flat.",
    )
    face_down = Choices("Can you lie face-down?", q.YES_NO_UNSURE)
    support = SeveralChoices(
        "What would help you be comfortable? (optional)",
        q.POSITION_SUPPORT,
        description="We have cushions, a reclining couch and a chair.",
    )


class AreasForm(StepForm):
    step = "areas"
    pressure = Choices(
        "How firm would you like the touch?",
        q.PRESSURES,
        default="1",
        description="We start at the lightest touch unless you choose otherwise.",
    )
    painful = SeveralChoices(
        "Where do you have pain? (optional)",
        q.BODY_AREAS,
        description="We will be extra gentle there, or leave it alone.",
    )
    include = SeveralChoices(
        "Where would you like massage? (optional)",
        q.BODY_AREAS,
        description="First sessions usually cover just one or two areas.",
    )
    avoid = SeveralChoices("Anywhere we should not touch? (optional)", q.BODY_AREAS)


class SensesForm(StepForm):
    step = "senses"
    light = Choices("Light in the room (optional)", q.LIGHT)
    sound = Choices("Sound (optional)", q.SOUND)
    scent = Choices(
        "Scent (optional)", q.SCENT, description="Many people with ME/CFS are sensitive to smells."
    )
    temperature = Choices("Warmth (optional)", q.TEMPERATURE)
    talking = Choices(
        "Talking during the session (optional)",
        q.TALKING,
        description="Talking uses energy too. Quiet is always fine.",
    )
    check_in = Choices("How should the therapist check you are OK? (optional)", q.CHECK_IN)


class PracticalForm(StepForm):
    step = "practical"
    best_days = SeveralChoices(
        "Your best days (optional)",
        q.WEEKDAYS,
        description="When you move a session or book again from your booking link, we show "
        "times on these days first.",
    )
    best_times = SeveralChoices(
        "Your best time of day (optional)",
        q.PARTS_OF_DAY,
        description="Times in this part of the day come first too.",
    )
    gap = Choices(
        "How long do you need between sessions? (optional)",
        q.SESSION_GAPS,
        description="Time to rest and notice how you feel.",
    )
    home_visit = Choices("Would you like us to come to you?", q.HOME_VISIT)
    access = SeveralChoices(
        "Getting here and settling in (optional)",
        q.ACCESS_NEEDS,
        description="Tell us what would make the visit easier.",
    )
    access_notes = TextArea(
        "Anything else about getting here or getting in? (optional)",
        limit=500,
        description="For example parking, stairs or a door code for home visits.",
    )


class ConsentForm(StepForm):
    step = "consent"
    treatment = Agreement("I agree to gentle massage, as described above.")
    health_data = Agreement("I agree that the practice keeps my health answers, as described.")
    reminders = SeveralChoices(
        "Reminders (optional)",
        (*q.CONTACT_CHANNELS, (q.NO_REMINDERS, "No reminders, thank you")),
        description="A short note the day before, and a check-in afterwards, the ways you "
        "tick. Messages about booking, moving or cancelling a session always come by email.",
    )
    signed_name = Text(
        "Type your full name to sign",
        description="If you are filling this in for someone, type your own name.",
    )
    signer_relationship = Text(
        "If you are signing for someone: how you know them",
        limit=60,
        description="For example parent, guardian, partner or carer.",
    )

    minor: bool = False  # set by the view: under 18s need a parent or guardian to sign
    for_someone: bool = False

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if (self.minor or self.for_someone) and not self.signer_relationship.data:
            self.signer_relationship.errors.append(
                "Please say how you know them, for example parent or guardian."
                if self.minor
                else "Please say how you know them, for example partner or carer."
            )
            valid = False
        return valid


PAGE_FORMS: dict[str, type[StepForm]] = {
    form.step: form
    for form in (
        AboutForm,
        ContactForm,
        CareForm,
        ConditionForm,
        EnergyForm,
        PemForm,
        ComfortForm,
        AreasForm,
        SensesForm,
        PracticalForm,
        ConsentForm,
    )
}

REQUIRED_MESSAGES = {
    "name": "Please tell us your full name.",
    "date_of_birth": "Please enter your date of birth, for example 27 3 1985.",
    "filled_by": "Please say who is filling this in.",
    "now": "Please tick any that apply now, or 'None of these'.",
    "history": "Please tick any that apply, or 'None of these'.",
    "conditions": "Please tick any that apply, or 'None of these', or 'I'm not sure'.",
    "severity": "Please choose the one most like you. 'I'm not sure' is fine.",
    "treatment": "Please tick to agree to massage, or call us to talk it through first.",
    "health_data": "We need this to keep your answers. If you'd rather not, please call us.",
    "signed_name": "Please type your full name to sign.",
    "confirm": "Please check these still apply.",
}


def for_step(
    step: str, conditions: Sequence[q.ScreeningCondition], answers: q.Answers, **kwargs: Any
) -> StepForm:
    """The form for a page. Pass `formdata` for a posted page, or `data` to show answers."""
    if step == "screening":
        return screening_form(conditions, **kwargs)
    if step == "screening_details":
        return details_form(q.chosen_conditions(answers, conditions), **kwargs)
    return PAGE_FORMS[step](**kwargs)


# --- The check page: one short line a page ----------------------------------------------------

# Each question's name on the check page, a word or two; the full question is one click away.
BRIEF_LABELS = {
    "name": "Name",
    "preferred_name": "Call me",
    "date_of_birth": "Born",
    "filled_by": "Filled in by",
    "carer_name": "Carer",
    "carer_relationship": "Relationship",
    "channel": "Contact by",
    "contact_times": "Good times",
    "quiet_hours": "Quiet hours",
    "address": "Address",
    "postcode": "Postcode",
    "emergency_name": "Emergency contact",
    "emergency_phone": "Their phone",
    "gp_practice": "GP",
    "other_practitioners": "Others helping",
    "gp_contact": "We may contact your GP",
    "now": "Now",
    "history": "Health",
    "local": "In one place",
    "medications": "Medicines",
    "allergies": "Allergies",
    "allergies_other": "Other allergy",
    "conditions": "Conditions",
    "other_condition": "Other",
    "severity": "Most of the time",
    "state": "Lately",
    "bell_today": "Energy today",
    "bell_typical": "Typical day",
    "bell_best": "Good day",
    "bell_worst": "Bad day",
    "triggers": "Worse after",
    "delay": "Starts",
    "recovery": "Lasts",
    "previous_massage": "Massage before",
    "lie_flat": "Lie flat",
    "face_down": "Face-down",
    "support": "Helps",
    "pressure": "Pressure",
    "painful": "Pain",
    "include": "Massage",
    "avoid": "Avoid",
    "light": "Light",
    "sound": "Sound",
    "scent": "Scent",
    "temperature": "Warmth",
    "talking": "Talking",
    "check_in": "Check-in",
    "best_days": "Best days",
    "best_times": "Best times",
    "gap": "Between sessions",
    "home_visit": "Home visit",
    "access": "Getting here",
    "access_notes": "Notes",
    "treatment": "Massage",
    "health_data": "Keeping health answers",
    "reminders": "Reminders",
    "signed_name": "Signed",
    "signer_relationship": "Signing as",
}
BRIEF_CHOICES = {"filled_by": {"self": "yourself", "carer": "someone else"}}
BRIEF_TEXT_WORDS = 8  # typed notes are cut to this many words on the check page


def _brief_text(text: str) -> str:
    words = text.split()
    if len(words) <= BRIEF_TEXT_WORDS:
        return text
    return " ".join(words[:BRIEF_TEXT_WORDS]) + "…"


def _brief_words(f: Field) -> str | None:
    data = f.data
    if not data:
        return None
    shorter = BRIEF_CHOICES.get(f.name, {})
    if isinstance(f, Agreement):
        return "Agreed"
    if isinstance(f, SeveralChoices):
        names = {choice.value: choice.label for choice in f.choices}
        return ", ".join(shorter.get(v) or names.get(v, v) for v in data)
    if isinstance(f, Score):
        return str(data)  # the number alone: "40", not the scale's description
    if isinstance(f, RadioField | SelectField):
        names = {choice.value: choice.label for choice in f.choices}
        return shorter.get(data) or names.get(data, data)
    if f.name in DATE_ANSWERS:
        try:
            day = date.fromisoformat(str(data))
        except ValueError:
            return _brief_text(str(data))
        return f"{day.day} {day:%B %Y}"
    return _brief_text(str(data))


def _brief_label(f: Field) -> str:
    if f.name in BRIEF_LABELS:
        return BRIEF_LABELS[f.name]
    # A follow-up question names its condition first: "Varicose veins: where?"
    return str(f.label.text).split(":")[0]


def brief(form: StepForm) -> list[str]:
    """A page's answers for the check page, "Label: answer", unanswered questions left out."""
    lines = []
    for f in form.questions():
        words = _brief_words(f)
        if words:
            lines.append(f"{_brief_label(f)}: {words}")
    return lines


# --- How much a page asks: read from the forms themselves, for the time estimate -------------

PAGE_FRAME_WORDS = 15  # the progress line, the back link, the title and the buttons


def _page_words(step: str) -> int:
    """Words a page shows besides its questions: the consent page's wording to agree to."""
    if step != "consent":
        return PAGE_FRAME_WORDS
    wording = [f"{CONSENTS[kind].title} {CONSENTS[kind].text}" for kind in REQUIRED_CONSENTS]
    return PAGE_FRAME_WORDS + len(" ".join(wording).split())


def _load_of(form: StepForm, required: Sequence[str]) -> PageLoad:
    """The words a page shows (labels, "why we ask" lines, choices), its questions, and the
    boxes a client must type in (optional boxes are mostly left empty: a question's moment)."""
    words = _page_words(form.step)
    lists_read: set[tuple[str, ...]] = set()
    boxes = 0
    for f in form.questions():
        words += len(str(f.label.text).split()) + len(str(f.description or "").split())
        if hasattr(f, "choices"):
            options = tuple(str(choice.label) for choice in f.choices)
            if isinstance(f, SelectField) and not isinstance(f, RadioField | SelectMultipleField):
                if options in lists_read:
                    continue  # the same scale again: read once, chosen from again
                lists_read.add(options)
            words += sum(len(option.split()) for option in options)
        elif isinstance(f, StringField | _TextAreaField) and f.name in required:
            boxes += 1
    return PageLoad(words=words, questions=len(form.questions()), text_boxes=boxes)


@lru_cache(maxsize=64)
def _page_load(
    step: str, conditions: tuple[q.ScreeningCondition, ...], ticked: tuple[str, ...]
) -> PageLoad:
    answers = {"screening": {"history": list(ticked)}}
    form = for_step(step, conditions, answers, formdata=None, meta={"csrf": False})
    return _load_of(form, q.STEPS_BY_KEY[step].required)


def page_loads(
    steps: Sequence[q.Step], conditions: Sequence[q.ScreeningCondition], answers: q.Answers
) -> dict[str, PageLoad]:
    """What each page asks of the reader. A follow-up page not yet decided is counted with
    one follow-up question, the least it can hold."""
    ticked = tuple(c.key for c in q.chosen_conditions(answers, conditions))
    if not ticked:
        asking = [c.key for c in conditions if c.follow_up is not q.FollowUp.NONE]
        ticked = tuple(asking[:1])
    return {step.key: _page_load(step.key, tuple(conditions), ticked) for step in steps}


def questionnaire_minutes(
    steps: Sequence[q.Step], conditions: Sequence[q.ScreeningCondition], answers: q.Answers
) -> int:
    """The one estimate of how long these pages take a tired reader (see intake/progress.py)."""
    loads = page_loads(steps, conditions, answers)
    return minutes_for([loads[step.key] for step in steps])


def minutes_in_all(state: Any) -> int:
    """About how long every page still to be asked of this intake takes (an IntakeState), with
    the check page: the one figure the booked, manage and first pages give."""
    return questionnaire_minutes(state.possible, state.conditions, state.answers)
