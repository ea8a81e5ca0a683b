"""Questionnaire pages: start, one page per topic, check your answers, send, consents.

Every page is saved on the server when the client moves on (and, with JavaScript, as they
type). An optional page can be skipped with one press; "finish later" brings the client back
to the page they left. The forms check their own CSRF token, so a page left open overnight, an
expired session or a restarted server shows the page again with everything typed and a calm
message, instead of an error.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from booking.clock import now_utc
from booking.domain import intake as q
from booking.domain.consent import CONSENTS, REQUIRED_CONSENTS
from booking.extensions import csrf
from booking.intake import bp
from booking.services.intake import questionnaire as intakes
from booking.services.intake.progress import progress
from booking.views.questionnaire import (
    REQUIRED_MESSAGES,
    StepForm,
    brief,
    for_step,
    page_loads,
)

MAX_CHOICES = 40  # more than any question offers
MAX_CHOICE_LENGTH = 60


class PlainForm(FlaskForm):
    """A form with nothing but its CSRF token (send, withdraw, choose a path)."""

    class Meta:
        csrf_time_limit = None


@bp.errorhandler(intakes.IntakeClosed)
def link_ended(_error: intakes.IntakeClosed) -> ResponseReturnValue:
    """An expired link: the answers are kept, and the page says how to carry on."""
    return render_template("intake/closed.html"), 410


def _open(token: str) -> intakes.IntakeState:
    """The intake behind the link; a kind 404 for a wrong one, 410 for an ended one."""
    state = intakes.open_intake(token, now_utc())
    if state is None:
        abort(404)
    return state


def _known_step(state: intakes.IntakeState, step: str) -> q.Step:
    if step not in q.STEPS_BY_KEY:
        abort(404)
    return q.STEPS_BY_KEY[step]


@bp.get("/intake/<token>")
def start(token: str) -> ResponseReturnValue:
    """The first page: what this is, that we keep everything, and where to carry on."""
    state = _open(token)
    return render_template(
        "intake/start.html", state=state, form=PlainForm(), next_step=state.resume_step
    )


@bp.post("/intake/<token>/path")
@csrf.exempt  # checked below, so an expired token shows the page again
def choose_path(token: str) -> ResponseReturnValue:
    """A returning client: "nothing has changed" or "something has changed"."""
    state = _open(token)
    form = PlainForm()
    if not form.validate():
        return render_template(
            "intake/start.html", state=state, form=form, expired=True, next_step=None
        ), 400
    nothing_changed = request.form.get("changed") == "no"
    try:
        intakes.choose_path(token, nothing_changed, now_utc())
    except LookupError:
        abort(404)  # only a returning client has last time's answers to keep
    first = "screening" if nothing_changed else "about"
    return redirect(url_for("intake.page", token=token, step=first), code=303)


def _form_for(
    state: intakes.IntakeState, step: str, *, posted: bool, data: dict | None = None
) -> StepForm:
    kwargs: dict[str, Any] = {} if posted else {"formdata": None, "data": data or {}}
    form = for_step(step, state.conditions, state.answers, **kwargs)
    form.today = state.today
    if step == "consent":
        form.minor = q.is_minor(state.answers, state.today)
        form.for_someone = state.intake.filled_by_carer
    return form


def _shown_values(state: intakes.IntakeState, step: str) -> dict[str, Any]:
    values = dict(state.values_for(step))
    born = values.get("date_of_birth")
    if step == "about" and isinstance(born, str):
        try:
            day = date.fromisoformat(born)
        except ValueError:
            pass  # a draft exactly as typed
        else:
            values["date_of_birth"] = f"{day.day} {day.month} {day.year}"
    return values


def _render_page(
    state: intakes.IntakeState, step: q.Step, form: StepForm, status: int = 200, **extra: Any
) -> ResponseReturnValue:
    counted = [*state.possible, *([] if step in state.possible else [step])]
    loads = page_loads(counted, state.conditions, state.answers)
    return (
        render_template(
            "intake/page.html",
            state=state,
            step=step,
            form=form,
            skip_form=PlainForm(),
            progress=progress(step, state.steps, state.possible, loads),
            consent_wording=[CONSENTS[kind] for kind in REQUIRED_CONSENTS],
            minor=q.is_minor(state.answers, state.today),
            **extra,
        ),
        status,
    )


@bp.route("/intake/<token>/<step>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one keeps what was typed
def page(token: str, step: str) -> ResponseReturnValue:
    """One page of the questionnaire."""
    state = _open(token)
    this = _known_step(state, step)
    if not state.has_step(step) and step not in state.answers:
        return redirect(url_for("intake.start", token=token))
    if request.method == "GET":
        form = _form_for(state, step, posted=False, data=_shown_values(state, step))
        form.then.data = request.args.get("then", "")
        return _render_page(state, this, form)

    form = _form_for(state, step, posted=True)
    typed = _typed(form)
    now = now_utc()
    if not form.validate_csrf_token_only():
        # The private link already proves who this is; keep what was typed as a draft (it
        # never replaces a finished page) and ask for one more press.
        intakes.save_draft(token, step, typed, now)
        return _render_page(state, this, form, 400, session_expired=True)
    action = request.form.get("action", "continue")
    valid = form.validate()
    if action == "continue":
        valid = form.require(this.required, REQUIRED_MESSAGES) and valid
    if not valid:
        # Finishing later keeps the page as typed and comes back to it.
        intakes.save_draft(token, step, typed, now, here=action == "later")
        if action == "later":
            return _saved_for_later(token)
        return _render_page(state, this, form, 422)
    # Finishing later with a required answer left out keeps what was given; the page is not
    # finished, so carrying on starts from it (IntakeState.resume_step).
    intakes.save_page(token, step, form.answers(), now)
    if action == "later":
        return _saved_for_later(token)
    return redirect(_after(token, step, form.then.data), code=303)


@bp.post("/intake/<token>/<step>/skip")
@csrf.exempt  # checked below, so an expired token shows the page again
def skip(token: str, step: str) -> ResponseReturnValue:
    """Skip an optional page with one press; what was typed on it and not saved is not kept."""
    state = _open(token)
    this = _known_step(state, step)
    if this.required or not state.has_step(step):
        abort(404)  # only an optional page that is asked can be skipped
    then = request.form.get("then", "")
    if not PlainForm().validate():
        form = _form_for(state, step, posted=True)
        form.then.data = then
        return _render_page(state, this, form, 400, session_expired=True)
    intakes.skip_page(token, step, now_utc())
    return redirect(_after(token, step, then), code=303)


def _typed(form: StepForm) -> dict[str, Any]:
    """What the client typed on the page, exactly, to keep as a draft."""
    typed: dict[str, Any] = {}
    for f in form.questions():
        values = request.form.getlist(f.name)
        if f.type == "SeveralChoices":
            # Choices are short words from a known list; anything longer is not ours.
            typed[f.name] = [value[:MAX_CHOICE_LENGTH] for value in values[:MAX_CHOICES]]
        elif values:
            typed[f.name] = values[0][: getattr(f, "limit", MAX_CHOICE_LENGTH) * 2]
    return typed


def _saved_for_later(token: str) -> ResponseReturnValue:
    flash(
        "Saved. You can close this page and come back with the same link any time: "
        "we will bring you back to where you were.",
        "saved",
    )
    return redirect(url_for("intake.start", token=token), code=303)


def _after(token: str, step: str, then: str | None) -> str:
    """Where Continue goes: back to the check page, or the next page shown."""
    state = intakes.open_intake(token, now_utc())
    assert state is not None
    if then == "check":
        return url_for("intake.check", token=token)
    keys = [s.key for s in state.steps]
    if step in keys and keys.index(step) + 1 < len(keys):
        return url_for("intake.page", token=token, step=keys[keys.index(step) + 1])
    return url_for("intake.check", token=token)


@bp.post("/intake/<token>/<step>/autosave")
@csrf.exempt  # checked below; answers 400 without saving when the token is wrong
def autosave(token: str, step: str) -> ResponseReturnValue:
    """With JavaScript: keep what is typed as it is typed (a draft; Continue still checks it)."""
    try:
        state = intakes.open_intake(token, now_utc())
    except intakes.IntakeClosed:
        return {"saved": False, "reason": "This link has ended."}, 410
    if state is None or step not in q.STEPS_BY_KEY:
        return {"saved": False, "reason": "Not found."}, 404
    form = _form_for(state, step, posted=True)
    if not form.validate_csrf_token_only():
        return {"saved": False, "reason": "Please press Continue to save."}, 400
    intakes.save_draft(token, step, _typed(form), now_utc())
    return {"saved": True}


@bp.get("/intake/<token>/check")
def check(token: str) -> ResponseReturnValue:
    """Check your answers, with a change link for each, before sending."""
    state = _open(token)
    return _check_page(state, PlainForm())


def _check_page(
    state: intakes.IntakeState, form: FlaskForm, status: int = 200, **extra: Any
) -> ResponseReturnValue:
    pages = []
    for step in state.steps:
        shown = _form_for(state, step.key, posted=False, data=state.answers.get(step.key, {}))
        pages.append((step, brief(shown), step.key in state.skipped))
    return (
        render_template(
            "intake/check.html",
            state=state,
            pages=pages,
            form=form,
            missing=state.missing,
            messages=REQUIRED_MESSAGES,
            **extra,
        ),
        status,
    )


@bp.post("/intake/<token>/submit")
@csrf.exempt  # checked below, so an expired token shows the page again
def submit(token: str) -> ResponseReturnValue:
    """Send the answers to the therapist."""
    state = _open(token)
    form = PlainForm()
    if not form.validate():
        return _check_page(state, form, 400, session_expired=True)
    try:
        intakes.submit(token, now_utc())
    except intakes.IncompleteIntake:
        return _check_page(state, form, 422, show_missing=True)
    return redirect(url_for("intake.start", token=token, sent=1), code=303)


@bp.get("/intake/<token>/consents")
def consents(token: str) -> ResponseReturnValue:
    """What the client has agreed to, and a way to withdraw each."""
    state = _open(token)
    return render_template(
        "intake/consents.html",
        state=state,
        form=PlainForm(),
        wording=CONSENTS,
    )


@bp.post("/intake/<token>/consents/<id:consent_id>/withdraw")
@csrf.exempt  # checked below, so an expired token shows the page again
def withdraw(token: str, consent_id: int) -> ResponseReturnValue:
    """Withdraw one consent."""
    state = _open(token)
    form = PlainForm()
    if not form.validate():
        return render_template(
            "intake/consents.html",
            state=state,
            form=form,
            wording=CONSENTS,
            expired=True,
        ), 400
    try:
        consent = intakes.withdraw_consent(token, consent_id, now_utc())
    except LookupError:
        abort(404)
    flash(f"Withdrawn: {CONSENTS[consent.kind].title.lower()}.", "saved")
    return redirect(url_for("intake.consents", token=token), code=303)
