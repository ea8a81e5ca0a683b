"""The intake questionnaire as a client meets it: follow the link from the booked page, fill in
the pages, and read back what was stored."""

from __future__ import annotations

import re

from sqlalchemy import select

from booking.extensions import db
from booking.models import Intake
from booking.services.intake import questionnaire as intakes
from tests.support.pages import csrf_token, text_of

# Answers that move through every page without a problem (the energy pages included).
GOOD_PAGES = {
    "about": {"name": "Ann Smith", "date_of_birth": "27/3/1985", "filled_by": "self"},
    "contact": {"channel": "email", "contact_times": ["morning"]},
    "care": {"gp_contact": "no"},
    "screening": {"now": ["none"], "history": ["none"], "local": ["none"]},
    "condition": {"conditions": ["me_diagnosed"]},
    "energy": {"severity": "moderate", "state": "stable", "bell_today": "40"},
    "pem": {"triggers": ["physical", "sensory"], "delay": "next_day", "recovery": "days"},
    "comfort": {"lie_flat": "yes", "face_down": "no", "support": ["time_to_sit_up"]},
    "areas": {"pressure": "1", "include": ["hands", "feet"], "avoid": ["back"]},
    "senses": {"light": "dim", "scent": "scent_free", "talking": "quiet"},
    "practical": {"best_times": ["morning"], "home_visit": "no"},
    "consent": {
        "treatment": "y",
        "health_data": "y",
        "reminders": ["email"],
        "signed_name": "Ann Smith",
    },
}


def intake_link(client, manage_token: str) -> str:
    """The questionnaire link, followed from the booked page as a client would."""
    page = client.get(f"/book/booked/{manage_token}").get_data(as_text=True)
    return re.search(r'href="(/intake/[^"/]+)"', page)[1]


def post_page(client, link, step, fields, action="continue", token=None):
    """Open a page (for its token) and send it, as the form does."""
    if token is None:
        token = csrf_token(client.get(f"{link}/{step}"))
    return client.post(f"{link}/{step}", data={"csrf_token": token, "action": action, **fields})


def skip_page(client, link, step, then="", token=None):
    """Press "Skip this page" on an optional page (its own small form)."""
    if token is None:
        token = csrf_token(client.get(f"{link}/{step}"))
    return client.post(f"{link}/{step}/skip", data={"csrf_token": token, "then": then})


PROGRESS = re.compile(r"Step (\d+) of (up to )?(\d+) · about (\d+) minutes? left")


def progress_on(client, link, step) -> tuple[int, int, bool, int]:
    """A page's progress line as (step number, of how many, "up to"?, minutes left)."""
    line = PROGRESS.search(text_of(client.get(f"{link}/{step}")))
    assert line, step
    return int(line[1]), int(line[3]), bool(line[2]), int(line[4])


def minutes_promised(words: str) -> list[int]:
    """Every "about N minutes" a page's words promise for the questions."""
    promise = r"about (\d+) minutes? (?:in all|at a gentle|left)"
    return [int(n) for n in re.findall(promise, words, re.IGNORECASE)]


def _latest_intake() -> Intake:
    return db.session.scalars(select(Intake).order_by(Intake.id.desc())).first()


def the_intake(app) -> Intake:
    """The newest intake, detached so its columns can be read after the app context."""
    with app.app_context():
        intake = _latest_intake()
        db.session.expunge(intake)
        return intake


def answers(app) -> dict:
    """The newest intake's sent answers, decrypted."""
    with app.app_context():
        return intakes.answers_of(_latest_intake())


def drafts(app) -> dict:
    """The newest intake's answers kept as typed (not yet accepted), decrypted."""
    with app.app_context():
        return intakes._blob(_latest_intake())["drafts"]


def fill_in(client, link, pages=GOOD_PAGES, until="check", **changes):
    """Go through every page the client is shown, following Continue, up to `until`."""
    pages = {**pages, **changes}
    location = client.get(link).get_data(as_text=True)
    step = re.search(rf'href="{re.escape(link)}/(\w+)"', location)[1]
    visited = []
    while step not in ("check", until):
        visited.append(step)
        response = post_page(client, link, step, pages.get(step, {}))
        problems = re.findall(r'class="error"[^>]*>(.*?)</p>', response.get_data(as_text=True))
        assert response.status_code == 303, (step, problems)
        step = response.headers["Location"].rsplit("/", 1)[1]
    return visited


def send(client, link):
    """Send the answers from the check page."""
    token = csrf_token(client.get(f"{link}/check"))
    return client.post(f"{link}/submit", data={"csrf_token": token})
