"""The intake questionnaire: open by private link, save each page, send, and consents.

Answers are stored encrypted (booking/encryption.py) as one JSON blob per intake:
`{"answers": {step: {question: value}}, "drafts": {step: {question: value}}, "carried": [step]}`.
`answers` holds pages the client finished; `drafts` holds what was typed on a page not yet
finished (saved as they type, with JavaScript, or when a page had a problem), so nothing typed
is ever lost; `carried` lists pages copied from a returning client's last answers and not yet
looked at again; `saved_since_send` lists pages saved since the answers were last sent (only
those can give consent again); `hold_reasons` are why the last send held the sessions;
`skipped` lists optional pages the client skipped with one press (their answers are empty).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from booking.clock import local_date
from booking.domain import intake as questionnaire
from booking.domain.best_times import BestTimes
from booking.domain.channels import store_channels
from booking.domain.consent import CONSENTS, REQUIRED_CONSENTS
from booking.domain.intake import HOLDING_FLAGS
from booking.domain.intake_rules import (
    FirstSession,
    RaisedFlag,
    allows_service,
    first_session_for,
    flags_for,
)
from booking.domain.messages import Change
from booking.domain.statuses import (
    BookingStatus,
    ConsentKind,
    IntakeStatus,
    ReviewState,
)
from booking.encryption import cipher
from booking.extensions import db
from booking.models import Booking, CallRequest, Client, Consent, Intake
from booking.services.intake.progress import possible_steps
from booking.services.intake.screening import screening_conditions
from booking.services.messaging import notify
from booking.transactions import retry_conflicts, write_transaction

LINK_SALT = "intake-link"
# Where each consent is given in the questionnaire: (page, question).
CONSENT_ANSWERS = {
    ConsentKind.TREATMENT: ("consent", "treatment"),
    ConsentKind.HEALTH_DATA: ("consent", "health_data"),
    ConsentKind.GP_CONTACT: ("care", "gp_contact"),
    ConsentKind.REMINDERS: ("consent", "reminders"),
}
LIVE_FUTURE = (BookingStatus.CONFIRMED, BookingStatus.HELD_FOR_REVIEW)


class IntakeClosed(Exception):
    """The link is right but has expired: the answers are kept, a new link is needed."""


class IncompleteIntake(Exception):
    """Required questions are not answered yet."""

    def __init__(self, missing: Sequence[tuple[questionnaire.Step, str]]) -> None:
        super().__init__("required questions not answered")
        self.missing = list(missing)


# --- Reading and writing the encrypted answers ----------------------------------------------


def _blob(intake: Intake) -> dict[str, Any]:
    blob = cipher().decrypt(intake.answers_encrypted)
    blob.setdefault("answers", {})
    blob.setdefault("drafts", {})
    blob.setdefault("carried", [])
    blob.setdefault("saved_since_send", [])
    blob.setdefault("skipped", [])
    return blob


def _store(intake: Intake, blob: Mapping[str, Any]) -> None:
    intake.answers_encrypted = cipher().encrypt(blob)


def answers_of(intake: Intake) -> dict[str, dict[str, Any]]:
    """The finished pages' answers of an intake (decrypted)."""
    return _blob(intake)["answers"]


def latest_intake(client_id: int) -> Intake | None:
    """The client's most recent intake, if any."""
    return db.session.scalars(
        select(Intake)
        .where(Intake.client_id == client_id)
        .order_by(Intake.created_at.desc(), Intake.id.desc())
    ).first()


def latest_intakes(client_ids: Iterable[int]) -> dict[int, Intake]:
    """Each client's most recent intake (as latest_intake), for many clients: one query."""
    ids = set(client_ids)
    if not ids:
        return {}
    ranked = (
        select(
            Intake.id,
            func.row_number()
            .over(
                partition_by=Intake.client_id,
                order_by=(Intake.created_at.desc(), Intake.id.desc()),
            )
            .label("position"),
        )
        .where(Intake.client_id.in_(ids))
        .subquery()
    )
    latest = db.session.scalars(
        select(Intake).join(ranked, ranked.c.id == Intake.id).where(ranked.c.position == 1)
    )
    return {intake.client_id: intake for intake in latest}


# --- Private links ----------------------------------------------------------------------------


def _links() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=LINK_SALT)


def link_token(intake: Intake) -> str:
    """The token in the intake's private link: signed, so it cannot be guessed or altered."""
    return _links().dumps([intake.id, intake.link_nonce])


def _by_token(token: str, lock: bool = False) -> Intake | None:
    if not token or len(token) > 200:
        return None
    try:
        intake_id, nonce = _links().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(intake_id, int) or not isinstance(nonce, str):
        return None
    query = select(Intake).where(Intake.id == intake_id)
    if lock:
        query = query.with_for_update()
    intake = db.session.scalars(query).first()
    if intake is None or not hmac.compare_digest(intake.link_nonce, nonce):
        return None  # revoked, or another intake's id with a forged nonce
    return intake


def _link_days() -> timedelta:
    return timedelta(days=current_app.config["INTAKE_LINK_DAYS"])


def _keep_link_open(intake: Intake, now: datetime) -> None:
    """Each visit and each booking keeps the link working for INTAKE_LINK_DAYS more."""
    intake.link_expires_at = max(intake.link_expires_at, now + _link_days())


# --- What a page needs ------------------------------------------------------------------------


@dataclass
class IntakeState:
    """An intake opened by its link, with everything its pages need."""

    intake: Intake
    token: str
    answers: dict[str, dict[str, Any]]
    drafts: dict[str, dict[str, Any]]
    conditions: list[questionnaire.ScreeningCondition]
    consents: list[Consent]
    today: date
    carried: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    steps: list[questionnaire.Step] = field(default_factory=list)
    # The pages shown, and follow-up pages that may still come: what the step count counts.
    possible: list[questionnaire.Step] = field(default_factory=list)

    @property
    def consent_on_file(self) -> bool:
        """Treatment and health-data consent already given, and not withdrawn."""
        active = {c.kind for c in self.consents if c.withdrawn_at is None}
        return all(kind in active for kind in REQUIRED_CONSENTS)

    @property
    def missing(self) -> list[tuple[questionnaire.Step, str]]:
        """Required answers not given, and health pages from last time not yet re-checked."""
        missing = questionnaire.missing_required(self.answers, self.steps)
        for step in self.steps:
            if step.key in questionnaire.RECONFIRM_STEPS and step.key in self.carried:
                missing.append((step, "confirm"))
        return missing

    @property
    def unsaved(self) -> list[questionnaire.Step]:
        """Pages with answers typed but not saved with their button."""
        return [step for step in self.steps if step.key in self.drafts]

    def is_done(self, step_key: str) -> bool:
        """Answered in this filling-in (not only carried over from last time)."""
        return step_key in self.answers and step_key not in self.carried

    def is_finished(self, step_key: str) -> bool:
        """Done, with every question it needs answered (finishing later can leave one out)."""
        return self.is_done(step_key) and not any(step.key == step_key for step, _ in self.missing)

    @property
    def resume_step(self) -> questionnaire.Step | None:
        """Where "carry on" goes: the page left with "finish later" while it still needs
        something, else the first page not finished; None when every page is."""
        for step in self.steps:
            if step.key == self.intake.current_step and (
                not self.is_finished(step.key) or step.key in self.drafts
            ):
                return step
        for step in self.steps:
            if not self.is_finished(step.key):
                return step
        return None

    @property
    def returning(self) -> bool:
        """A client who has sent answers before and has not yet said whether anything changed."""
        return self.intake.based_on_id is not None and self.intake.current_step is None

    def has_step(self, key: str) -> bool:
        return any(step.key == key for step in self.steps)

    def values_for(self, step_key: str) -> dict[str, Any]:
        """What the page shows: the unfinished draft if there is one, else the saved answers."""
        return self.drafts.get(step_key) or self.answers.get(step_key, {})


def _consents_of(client_id: int) -> list[Consent]:
    return list(
        db.session.scalars(
            select(Consent)
            .where(Consent.client_id == client_id)
            .order_by(Consent.given_at, Consent.id)
        )
    )


def _state(intake: Intake, token: str, now: datetime) -> IntakeState:
    blob = _blob(intake)
    state = IntakeState(
        intake=intake,
        token=token,
        answers=blob["answers"],
        drafts=blob["drafts"],
        carried=blob["carried"],
        skipped=blob["skipped"],
        conditions=screening_conditions(),
        consents=_consents_of(intake.client_id),
        today=local_date(now),
    )
    state.steps = questionnaire.steps_for(
        state.answers,
        state.conditions,
        reconfirm_only=intake.reconfirm_only,
        consent_on_file=state.consent_on_file,
    )
    state.possible = possible_steps(
        state.answers,
        state.conditions,
        reconfirm_only=intake.reconfirm_only,
        consent_on_file=state.consent_on_file,
    )
    return state


def open_intake(token: str, now: datetime) -> IntakeState | None:
    """The intake behind a link, or None for a wrong link; IntakeClosed once it has expired."""
    intake = _by_token(token)
    if intake is None:
        return None
    if intake.link_expires_at <= now:
        raise IntakeClosed
    return _state(intake, token, now)


# --- Saving -----------------------------------------------------------------------------------


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Drop unanswered questions, so 'not answered' is always simply absent."""
    kept: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        elif isinstance(value, list | tuple):
            value = [v for v in value if v]
        if value:
            kept[key] = value
    return kept


def _change(token: str, now: datetime) -> tuple[Intake, dict[str, Any]]:
    intake = _by_token(token, lock=True)
    if intake is None:
        raise LookupError("no intake for this link")
    if intake.link_expires_at <= now:
        raise IntakeClosed
    _keep_link_open(intake, now)
    return intake, _blob(intake)


@retry_conflicts
def save_page(token: str, step_key: str, values: Mapping[str, Any], now: datetime) -> None:
    """Keep a finished page's answers (already checked); a sent intake has changes to send."""
    with write_transaction():
        intake, blob = _change(token, now)
        blob["answers"][step_key] = _clean(values)
        blob["drafts"].pop(step_key, None)
        if step_key in blob["carried"]:
            blob["carried"].remove(step_key)
        if step_key in blob["skipped"]:
            blob["skipped"].remove(step_key)
        if step_key not in blob["saved_since_send"]:
            blob["saved_since_send"].append(step_key)
        _store(intake, blob)
        intake.current_step = step_key
        if intake.status == IntakeStatus.SUBMITTED:
            intake.status = IntakeStatus.DRAFT
        if step_key == "about":
            carer = values.get("filled_by") == "carer"
            intake.filled_by_carer = carer
            intake.carer_name = (values.get("carer_name") or None) if carer else None
            intake.carer_relationship = (
                (values.get("carer_relationship") or None) if carer else None
            )


@retry_conflicts
def save_draft(
    token: str, step_key: str, values: Mapping[str, Any], now: datetime, *, here: bool = False
) -> None:
    """Keep what was typed on a page that is not finished, exactly as typed; `here`: the
    client stops on this page, so carrying on starts from it."""
    with write_transaction():
        intake, blob = _change(token, now)
        blob["drafts"][step_key] = dict(values)
        _store(intake, blob)
        if intake.current_step is None or here:
            intake.current_step = step_key


@retry_conflicts
def skip_page(token: str, step_key: str, now: datetime) -> None:
    """An optional page skipped with one press: what was typed on it and not saved goes;
    answers saved before stay. Skipping never gives or takes back a consent."""
    with write_transaction():
        intake, blob = _change(token, now)
        blob["drafts"].pop(step_key, None)
        if step_key not in blob["answers"]:
            blob["answers"][step_key] = {}
        if not blob["answers"][step_key] and step_key not in blob["skipped"]:
            blob["skipped"].append(step_key)
        # Health pages from last time are confirmed only with their button.
        if step_key in blob["carried"] and step_key not in questionnaire.RECONFIRM_STEPS:
            blob["carried"].remove(step_key)
        _store(intake, blob)
        intake.current_step = step_key


@retry_conflicts
def choose_path(token: str, nothing_changed: bool, now: datetime) -> None:
    """A returning client: re-confirm the health check only, or go through everything."""
    with write_transaction():
        intake, _ = _change(token, now)
        if intake.based_on_id is None:
            raise LookupError("only a returning client has answers from last time")
        intake.reconfirm_only = nothing_changed
        intake.current_step = "start"


# --- Sending ----------------------------------------------------------------------------------


@dataclass
class SubmitOutcome:
    """What sending the answers did, for the thank-you page."""

    held: bool  # the client's sessions wait for the therapist to look at the answers
    first_session: FirstSession
    call_requested: bool
    flags: list[RaisedFlag]


def _upcoming(client_id: int, now: datetime) -> list[Booking]:
    """The client's sessions still to come, locked, with their services."""
    return list(
        db.session.scalars(
            select(Booking)
            .options(joinedload(Booking.service, innerjoin=True))
            .where(
                Booking.client_id == client_id,
                Booking.start_utc > now,
                Booking.status.in_(LIVE_FUTURE),
            )
            .with_for_update(of=Booking)
        )
    )


def _hold(upcoming: Sequence[Booking], now: datetime) -> None:
    """Confirmed sessions wait for the therapist; calendars and the client hear of it."""
    for booking in upcoming:
        if booking.status == BookingStatus.CONFIRMED:
            booking.status = BookingStatus.HELD_FOR_REVIEW
            booking.ical_sequence += 1
            notify.booking_changed(booking, Change.HELD, now)


def _keep_quiet_hours(client: Client, answers: Mapping[str, Any]) -> None:
    """The client's answer about quiet hours becomes the hours messages wait for."""
    choice = answers.get("contact", {}).get("quiet_hours")
    if choice not in questionnaire.QUIET_WINDOWS:
        return  # not answered: leave what is on file
    window = questionnaire.QUIET_WINDOWS[choice]
    client.quiet_from_local, client.quiet_until_local = window or (None, None)


def _keep_reminder_choice(client: Client, answers: Mapping[str, Any]) -> bool:
    """ "No reminders, thank you" (and no way ticked besides) stops every reminder; the ways
    ticked (email, text, phone call) carry them. Not answered: leave what is on file.
    Returns whether anything changed."""
    chosen = set(answers.get("consent", {}).get("reminders") or ())
    if not chosen:
        return False
    ways = chosen - {questionnaire.NO_REMINDERS}
    before = (client.wants_reminders, client.reminder_channels)
    client.wants_reminders = bool(ways)
    if ways:  # email, text, phone call: the ways reminders go from now on
        client.reminder_channels = store_channels(ways)
    db.session.flush()
    return (client.wants_reminders, client.reminder_channels) != before


def _keep_best_times(client: Client, answers: Mapping[str, Any]) -> None:
    """The best days and times order the times pages ("Times that usually suit you").
    The page answered with nothing ticked means no preference; not answered, leave it."""
    practical = answers.get("practical")
    if practical is not None:
        client.best_times = BestTimes.from_keys(
            practical.get("best_days") or (), practical.get("best_times") or ()
        )


def _keep_worsening_start(client: Client, answers: Mapping[str, Any], now: datetime) -> None:
    """When the client's worsening usually starts times their follow-ups, those queued too."""
    delay = answers.get("pem", {}).get("delay")
    if delay and delay != client.worsening_starts:
        client.worsening_starts = delay
        db.session.flush()
        notify.retime_followups(client.id, now)


def _lock_client(client_id: int) -> None:
    """Take the client's row lock, as booking does: a booking and a send take turns."""
    db.session.execute(select(Client.id).where(Client.id == client_id).with_for_update())


def _record_consents(
    intake: Intake, answers: Mapping[str, Any], saved_pages: Sequence[str], now: datetime
) -> None:
    consent = answers.get("consent", {})
    care = answers.get("care", {})
    signed_name = consent.get("signed_name") or answers.get("about", {}).get("name") or ""
    relationship = consent.get("signer_relationship") or intake.carer_relationship
    given = {
        ConsentKind.TREATMENT: consent.get("treatment") == "yes",
        ConsentKind.HEALTH_DATA: consent.get("health_data") == "yes",
        ConsentKind.GP_CONTACT: care.get("gp_contact") == "yes",
        ConsentKind.REMINDERS: bool(consent.get("reminders"))
        and "none" not in consent.get("reminders", []),
    }
    active = {
        (c.kind, c.wording_version): c
        for c in _consents_of(intake.client_id)
        if c.withdrawn_at is None
    }
    # A page that was not part of this filling-in changes nothing about its consents.
    # Only a page saved since the last send speaks for its consents: a withdrawn consent is
    # never given again by sending old answers, and pages carried over from last time say
    # nothing new.
    answered = {kind: CONSENT_ANSWERS[kind][0] in saved_pages for kind in CONSENT_ANSWERS}
    for kind, agreed in given.items():
        if not answered[kind]:
            continue
        wording = CONSENTS[kind]
        current = active.get((kind, wording.version))
        detail = ",".join(consent.get("reminders", [])) if kind == ConsentKind.REMINDERS else None
        if agreed and (current is None or current.detail != detail):
            if current is not None:
                current.withdrawn_at = now  # replaced by the new choice of channels
            db.session.add(
                Consent(
                    client_id=intake.client_id,
                    intake_id=intake.id,
                    kind=kind,
                    wording_version=wording.version,
                    detail=detail,
                    signed_name=signed_name[:120],
                    on_behalf_relationship=(relationship or None)
                    if intake.filled_by_carer
                    else None,
                    given_at=now,
                )
            )
        elif not agreed and current is not None:
            current.withdrawn_at = now  # un-ticked when the page was answered again


def _ask_for_call(intake: Intake, client: Client) -> bool:
    """Very severe ME: the therapist phones first. One open request per client is enough."""
    open_request = db.session.scalars(
        select(CallRequest).where(
            CallRequest.client_id == client.id, CallRequest.handled_at.is_(None)
        )
    ).first()
    if open_request is not None:
        return True
    phone = client.phone or client.carer_phone
    if phone is None:
        return False  # no number: the review itself tells the therapist to get in touch
    db.session.add(
        CallRequest(
            client_id=client.id,
            intake_id=intake.id,
            name=client.display_name,
            phone=phone,
            best_time=None,
        )
    )
    return True


def _hold_reasons(
    flags: Sequence[RaisedFlag], first: FirstSession, upcoming: Sequence[Booking]
) -> list[str]:
    """Why the client's sessions should wait for the therapist (empty: they need not)."""
    reasons = [f"{flag.flag}: {flag.reason}" for flag in flags if flag.flag in HOLDING_FLAGS]
    if first is FirstSession.CALL_FIRST:
        reasons.append("first session: the therapist phones first")
    if any(not allows_service(first, home_visit=b.service.home_visit) for b in upcoming):
        reasons.append(f"first session: {first}")
    return sorted(set(reasons))


@retry_conflicts
def submit(token: str, now: datetime) -> SubmitOutcome:
    """Send the answers: work out the flags, hold sessions that need a look, record consents."""
    with write_transaction():
        intake, blob = _change(token, now)
        _lock_client(intake.client_id)
        state = _state(intake, token, now)
        if state.missing:
            raise IncompleteIntake(state.missing)
        answers = blob["answers"]
        flags = flags_for(answers, screening_conditions(include_inactive=True), state.today)
        first = first_session_for(answers)
        upcoming = _upcoming(intake.client_id, now)
        reasons = _hold_reasons(flags, first, upcoming)
        # The therapist released the reasons of the last send: sending them again holds nothing.
        already_released = intake.review_state == ReviewState.RELEASED and set(reasons) <= set(
            blob.get("hold_reasons", [])
        )
        hold = bool(reasons) and not already_released
        if hold:
            if intake.review_state not in (ReviewState.PENDING, ReviewState.CONTACTED):
                intake.review_state = ReviewState.PENDING
            _hold(upcoming, now)
        blob["hold_reasons"] = reasons
        call_requested = first is FirstSession.CALL_FIRST and _ask_for_call(intake, intake.client)
        _record_consents(intake, answers, blob["saved_since_send"], now)
        _keep_quiet_hours(intake.client, answers)
        if _keep_reminder_choice(intake.client, answers):
            notify.reroute_reminders(intake.client_id, now)
        _keep_best_times(intake.client, answers)
        _keep_worsening_start(intake.client, answers, now)
        # Drafts stay: anything typed but not saved is still there when the page is opened.
        blob["carried"] = []
        blob["saved_since_send"] = []
        _store(intake, blob)
        intake.status = IntakeStatus.SUBMITTED
        intake.submitted_at = now
        intake.questionnaire_version = questionnaire.QUESTIONNAIRE_VERSION
    return SubmitOutcome(
        held=intake.review_state in (ReviewState.PENDING, ReviewState.CONTACTED),
        first_session=first,
        call_requested=call_requested,
        flags=flags,
    )


@retry_conflicts
def withdraw_consent(token: str, consent_id: int, now: datetime) -> Consent:
    """Withdraw one consent. Without health-data consent, sessions wait for a conversation."""
    with write_transaction():
        intake, blob = _change(token, now)
        _lock_client(intake.client_id)
        consent = db.session.get(Consent, consent_id)
        if consent is None or consent.client_id != intake.client_id:
            raise LookupError("no such consent for this client")
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
            # The answer that gave it is cleared too, so it is only ever given again by
            # choosing it again.
            step, question = CONSENT_ANSWERS[consent.kind]
            blob["answers"].get(step, {}).pop(question, None)
            _store(intake, blob)
            if consent.kind in REQUIRED_CONSENTS:
                intake.review_state = ReviewState.PENDING
                _hold(_upcoming(intake.client_id, now), now)
    return consent


@dataclass(frozen=True)
class QuestionsLink:
    """What a booking page says about the client's questionnaire."""

    token: str | None  # None: the link is not shown here (ended, or sent to contacts on file)
    sent: bool
    on_file: bool = False  # the link goes only to the contact details we already hold
    # While not sent: what the time estimate is worked out from (views/questionnaire.py).
    state: IntakeState | None = None


def _shown_with(booking: Booking) -> Intake | None:
    intake = latest_intake(booking.client_id)
    if intake is None or intake.shown_with_booking_id != booking.id:
        return None
    return intake


def questions_link(booking: Booking, now: datetime) -> QuestionsLink | None:
    """The questionnaire link a booking's pages may show, or how the client gets it instead."""
    latest = latest_intake(booking.client_id)
    if latest is None:
        return None
    sent = latest.status == IntakeStatus.SUBMITTED
    if _shown_with(booking) is None:
        return QuestionsLink(None, sent, on_file=True)
    token = link_token(latest) if latest.link_expires_at > now else None
    return QuestionsLink(token, sent, state=None if sent else _state(latest, token or "", now))


@retry_conflicts
def reopen_link(booking: Booking, now: datetime) -> str | None:
    """Keep the questionnaire link open for longer, for the booking that may show it."""
    with write_transaction():
        intake = _shown_with(booking)
        if intake is None:
            return None
        _keep_link_open(intake, now)
        return link_token(intake)


# --- Used by the booking service, inside its transaction -------------------------------------


def _new_intake(
    client: Client, now: datetime, based_on: Intake | None, shown_with: Booking | None
) -> Intake:
    """A new intake: a returning client's starts from their last answers (consent is asked
    afresh only if not on file); a new client's page one shows what the booking told us."""
    answers: dict[str, Any] = {}
    drafts: dict[str, Any] = {}
    if based_on is not None:
        answers = {k: v for k, v in answers_of(based_on).items() if k != "consent"}
        carried = sorted(answers)
    else:
        about = {"name": client.name, "preferred_name": client.preferred_name}
        if client.carer_name:
            about |= {
                "filled_by": "carer",
                "carer_name": client.carer_name,
                "carer_relationship": client.carer_relationship,
            }
        drafts = {"about": {k: v for k, v in about.items() if v}}
        carried = []
    intake = Intake(
        client=client,
        questionnaire_version=questionnaire.QUESTIONNAIRE_VERSION,
        status=IntakeStatus.DRAFT,
        based_on_id=based_on.id if based_on is not None else None,
        shown_with_booking_id=shown_with.id if shown_with is not None else None,
        link_nonce=secrets.token_urlsafe(16),
        link_expires_at=now + _link_days(),
    )
    _store(intake, {"answers": answers, "drafts": drafts, "carried": carried})
    db.session.add(intake)
    return intake


def intake_for_booking(
    client: Client, booking: Booking, *, new_client: bool, now: datetime
) -> Intake:
    """The intake a new booking is planned from: the open one, a recent one, or a new one.

    A returning client whose last answers are older than INTAKE_RECONFIRM_DAYS gets a new
    intake that starts from them, with a "nothing has changed" shortcut. Only a new client's
    booking pages show the link; a returning client's goes to their contact details on file.
    """
    # A client made in this very transaction has no answers yet: nothing to look up.
    latest = None if new_client or client.id is None else latest_intake(client.id)
    reconfirm_after = timedelta(days=current_app.config["INTAKE_RECONFIRM_DAYS"])
    if latest is not None and (
        latest.status == IntakeStatus.DRAFT
        or (latest.submitted_at is not None and latest.submitted_at > now - reconfirm_after)
    ):
        _keep_link_open(latest, now)
        return latest
    return _new_intake(client, now, based_on=latest, shown_with=booking if new_client else None)


@dataclass(frozen=True)
class IntakeRule:
    """What a client's sent answers mean for a new booking."""

    first_session: FirstSession | None  # None: no answers sent yet
    under_review: bool  # some answers still wait for the therapist

    def holds(self, *, home_visit: bool) -> bool:
        """Whether a new booking of this kind waits for the therapist before it is confirmed.

        Severity never refuses a booking with a message: anyone can type a known email, so
        the answer must not reveal anything. A session that does not suit the answers (a
        clinic visit for someone mostly at home; anything hands-on for someone in bed most
        of the time, whom the therapist phones first) is simply held for the therapist.
        """
        if self.under_review:
            return True
        return self.first_session is not None and not allows_service(
            self.first_session, home_visit=home_visit
        )


def booking_rule(client: Client) -> IntakeRule:
    """The rule a client's answers set for booking (the latest sent ones)."""
    if client.id is None:
        return IntakeRule(None, False)
    under_review = db.session.scalar(
        select(
            exists().where(
                Intake.client_id == client.id,
                Intake.review_state.in_((ReviewState.PENDING, ReviewState.CONTACTED)),
            )
        )
    )
    sent = db.session.scalars(
        select(Intake)
        .where(Intake.client_id == client.id, Intake.submitted_at.is_not(None))
        .order_by(Intake.submitted_at.desc(), Intake.id.desc())
    ).first()
    first = first_session_for(answers_of(sent)) if sent is not None else None
    return IntakeRule(first, bool(under_review))
