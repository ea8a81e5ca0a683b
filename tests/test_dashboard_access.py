"""Who may open which dashboard page, route by route; clinical answers reach only the therapist
and admin."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for

from booking.domain.statuses import BookingStatus, ReviewState, StaffRole
from booking.extensions import db
from booking.models import CallRequest
from tests.support import DEFAULT_NOW
from tests.support.browser import axe_violations, sign_in_by_keyboard, small_targets, tab_and_follow
from tests.support.factories import make_booking, make_client, make_consent, make_service
from tests.support.pages import text_of
from tests.support.queries import count_queries
from tests.support.route_rules import AREAS
from tests.support.route_rules.roles import CLINICAL, EVERYONE
from tests.support.staff import (
    ANSWERS,
    CANARY,
    add_intake,
    add_staff_member,
    page_token,
    screening_rows,
    signed_in_client,
)

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, StaffRole.RECEPTION, StaffRole.THERAPIST, StaffRole.ADMIN]

# Every dashboard route and who may use it. A route missing here fails
# test_every_dashboard_route_is_in_the_table, so none is added without deciding.
RULES: dict[str, frozenset[StaffRole]] = {
    "dashboard.home": EVERYONE,
    "dashboard.client_practical": EVERYONE,
    "dashboard.calls": EVERYONE,
    "dashboard.call_done": EVERYONE,
    "dashboard.phone_calls_list": EVERYONE,
    "dashboard.phone_call_done": EVERYONE,
    "dashboard.todo_list": EVERYONE,
    "dashboard.todo_done": EVERYONE,
    "dashboard.client_intake": CLINICAL,
    "dashboard.reviews": CLINICAL,
    "dashboard.release": CLINICAL,
    "dashboard.contacted": CLINICAL,
    "dashboard.screening_list": CLINICAL,
    "dashboard.screening_save": CLINICAL,
    "dashboard.screening_add": CLINICAL,
    "dashboard.feed": CLINICAL,
    "dashboard.feed_rotate": CLINICAL,
    "dashboard.feed_revoke": CLINICAL,
}
# POST routes that answer with a page instead of a redirect (a new feed link is shown once).
ANSWERED_IN_PLACE = {"dashboard.feed_rotate"}
# Each area of the dashboard declares its own routes in tests/support/route_rules/<area>.py.
for _area in AREAS:
    assert not set(_area.RULES) & set(RULES), _area.__name__
    RULES |= _area.RULES
    ANSWERED_IN_PLACE |= _area.ANSWERED_IN_PLACE

STOP_LABEL = "A fever, or an infection such as flu or Covid"


@dataclass
class World:
    client_id: int
    intake_id: int
    row_id: int
    call_id: int
    practitioner_id: int = 0
    booking_id: int = 0
    # More ids by URL argument name, added by the areas' seed() (e.g. "opening_id").
    ids: dict[str, int] = field(default_factory=dict)

    def missing(self) -> World:
        """The same world with every id pointing at nothing."""
        nothing = 999_999
        return World(
            nothing, nothing, nothing, nothing, nothing, nothing, dict.fromkeys(self.ids, nothing)
        )


@pytest.fixture
def world(app) -> World:
    """A client with a held session tomorrow, answers that hold it, and a call request."""
    with app.app_context():
        rows = screening_rows()
        client = make_client(name="Rowan Ash", preferred_name="Ro", phone="+441632960001")
        booking = make_booking(
            client=client,
            start_utc=DEFAULT_NOW + timedelta(days=1),
            status=BookingStatus.HELD_FOR_REVIEW,
        )
        intake = add_intake(client, ANSWERS, review_state=ReviewState.PENDING)
        call = CallRequest(name="Sam Birch", phone="+441632960002")
        db.session.add(call)
        db.session.flush()
        row_id = next(row.id for row in rows if row.key == "fever")
        world = World(client.id, intake.id, row_id, call.id, booking.practitioner_id, booking.id)
        for area in AREAS:
            area.seed(world)
        db.session.commit()
        return world


def _url(app, endpoint: str, world: World) -> str:
    ids = {
        "client_id": world.client_id,
        "intake_id": world.intake_id,
        "row_id": world.row_id,
        "call_id": world.call_id,
        "booking_id": world.booking_id,
        "practitioner_id": world.practitioner_id,
    } | world.ids
    rule = next(app.url_map.iter_rules(endpoint))
    with app.test_request_context():
        return url_for(endpoint, **{name: ids[name] for name in rule.arguments})


def _is_post(app, endpoint: str) -> bool:
    return "POST" in next(app.url_map.iter_rules(endpoint)).methods


def _row_fields(prefix: str, label: str) -> dict[str, str]:
    return {
        f"{prefix}-label": label,
        f"{prefix}-hint": "",
        f"{prefix}-group": "now",
        f"{prefix}-flag": "stop",
        f"{prefix}-follow_up": "none",
        f"{prefix}-active": "y",
        f"{prefix}-order": "10",
    }


def _form(endpoint: str, world: World, token: str) -> dict[str, str]:
    """A valid form for each POST route (the token under every name a form may use)."""
    prefix = {
        "dashboard.release": f"release-{world.intake_id}",
        "dashboard.contacted": f"contacted-{world.intake_id}",
        "dashboard.screening_save": f"row-{world.row_id}",
        "dashboard.screening_add": "new",
    }.get(endpoint)
    data = {"csrf_token": token}
    if prefix:
        data[f"{prefix}-csrf_token"] = token
    if endpoint in ("dashboard.release", "dashboard.contacted"):
        data[f"{prefix}-note"] = "Spoke on the phone; fever has passed."
    if endpoint in ("dashboard.screening_save", "dashboard.screening_add"):
        data |= _row_fields(prefix, "A fever or an infection")
    if endpoint == "dashboard.phone_call_done":
        data |= {"kind": "checkin", "answer": "as_planned", "sequence": "0"}
    if endpoint == "dashboard.todo_done":
        data["key"] = f"call:{world.call_id}"
    if endpoint in ("dashboard.feed_rotate", "dashboard.feed_revoke"):
        data["practitioner"] = str(world.practitioner_id)  # the admin chooses whose feed
    for area in AREAS:
        if endpoint in area.RULES:
            data |= area.form(endpoint, world, token)
    return data


def _client_as(app, role):
    return app.test_client() if role == ANONYMOUS else signed_in_client(app, role)


def test_every_dashboard_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    dashboard = {endpoint for endpoint in endpoints if endpoint.startswith("dashboard.")}
    assert dashboard == set(RULES)
    for endpoint, allowed in RULES.items():
        assert app.view_functions[endpoint].allowed_roles == allowed, endpoint


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize("endpoint", sorted(RULES))
def test_route_by_route_access(app, world, endpoint, role):
    client = _client_as(app, role)
    url = _url(app, endpoint, world)
    if _is_post(app, endpoint):
        response = client.post(url, data=_form(endpoint, world, page_token(client)))
        allowed_status = 200 if endpoint in ANSWERED_IN_PLACE else 303
        come_back_to = "/dashboard/"  # a form cannot be sent again after signing in
    else:
        response = client.get(url)
        allowed_status = 200
        come_back_to = url
    if role == ANONYMOUS:
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login"
        assert parse_qs(location.query)["next"] == [come_back_to]
    elif role in RULES[endpoint]:
        assert response.status_code == allowed_status, response.get_data(as_text=True)[:2000]
    else:
        assert response.status_code == 403
        assert "This page is not available to you" in text_of(response)
        assert CANARY not in response.get_data(as_text=True)


ID_ROUTES = [
    ("dashboard.client_intake", StaffRole.THERAPIST),
    ("dashboard.client_practical", StaffRole.RECEPTION),
    ("dashboard.release", StaffRole.ADMIN),
    ("dashboard.contacted", StaffRole.THERAPIST),
    ("dashboard.screening_save", StaffRole.THERAPIST),
    ("dashboard.call_done", StaffRole.RECEPTION),
    ("dashboard.phone_call_done", StaffRole.RECEPTION),
] + [route for area in AREAS for route in area.ID_ROUTES]


@pytest.mark.parametrize(("endpoint", "role"), ID_ROUTES)
def test_an_unknown_id_is_a_404_never_a_500(app, world, endpoint, role):
    client = signed_in_client(app, role)
    missing = world.missing()
    url = _url(app, endpoint, missing)
    if _is_post(app, endpoint):
        response = client.post(url, data=_form(endpoint, missing, page_token(client)))
    else:
        response = client.get(url)
    assert response.status_code == 404


def test_every_dashboard_route_with_an_id_is_checked_for_404(app):
    with_ids = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("dashboard.") and rule.arguments
    }
    assert with_ids == {endpoint for endpoint, _ in ID_ROUTES}


def test_posting_without_the_form_token_changes_nothing(app, world):
    client = signed_in_client(app, StaffRole.RECEPTION)
    assert client.post(f"/dashboard/calls/{world.call_id}/done").status_code == 400
    assert "Sam Birch" in text_of(client.get("/dashboard/calls"))


# --- Clinical answers reach only the therapist and admin ---------------------------------------


def test_reception_never_sees_clinical_answers(app, world):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    for path in ["/dashboard/", f"/dashboard/clients/{world.client_id}/practical"]:
        body = reception.get(path).get_data(as_text=True)
        assert CANARY not in body, path
        assert STOP_LABEL not in body, path
        assert "fever" not in body.lower(), path
        assert "moderate" not in body.lower(), path
    home = text_of(reception.get("/dashboard/"))
    assert re.search(r"\bRo\b", home) and "Waiting for the therapist's review" in home
    assert f"/dashboard/clients/{world.client_id}/intake" not in reception.get(
        "/dashboard/"
    ).get_data(as_text=True)


def test_reception_sees_the_practical_needs(app, world):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    words = text_of(reception.get(f"/dashboard/clients/{world.client_id}/practical"))
    assert "Rowan Ash" in words and "01632 960001" in words
    assert "Step-free access" in words
    assert "Time to lie down after the session" in words
    assert "Dim lighting" in words and "Scent-free" in words
    assert "Tuesday" in words
    assert "The therapist is still to look at this client's answers" in words


@pytest.mark.parametrize("role", [StaffRole.THERAPIST, StaffRole.ADMIN], ids=str)
def test_the_therapist_and_admin_read_the_answers(app, world, role):
    staff = signed_in_client(app, role)
    words = text_of(staff.get(f"/dashboard/clients/{world.client_id}/intake"))
    assert CANARY in words
    assert STOP_LABEL in words
    assert "Stop: A fever, or an infection such as flu or Covid" in words
    assert "No hands-on session until reviewed" in words
    assert "Dim, please" in words  # the session plan, in the words the client chose
    assert "Medicines you take (optional)" in words  # every answer, with its question
    home = staff.get("/dashboard/").get_data(as_text=True)
    assert f"/dashboard/clients/{world.client_id}/intake" in home
    assert CANARY not in home


def test_the_intake_page_lists_consents_with_their_wording_version(app, world):
    from booking.domain.statuses import ConsentKind

    signed = {"signed_name": "Rowan Ash", "given_at": DEFAULT_NOW - timedelta(days=2)}
    with app.app_context():
        make_consent(
            world.client_id,
            world.intake_id,
            kind=ConsentKind.HEALTH_DATA,
            withdrawn_at=DEFAULT_NOW - timedelta(days=1),
            **signed,
        )
        make_consent(world.client_id, world.intake_id, kind=ConsentKind.TREATMENT, **signed)
        db.session.commit()
    words = text_of(
        signed_in_client(app, StaffRole.THERAPIST).get(
            f"/dashboard/clients/{world.client_id}/intake"
        )
    )
    assert "Looking after your health answers Version 1 Thursday 19 November at 10am" in words
    assert "Friday 20 November at 10am" in words  # withdrawn
    assert "Agreeing to massage Version 1" in words


def test_a_client_without_answers_has_calm_pages(app, world):
    with app.app_context():
        quiet = make_client(name="Pat Quiet").id
        db.session.commit()
    therapist = signed_in_client(app, StaffRole.THERAPIST)
    admin = signed_in_client(app, StaffRole.ADMIN)  # no session with anyone yet: admin's to see
    assert "has not started the questionnaire yet" in text_of(
        admin.get(f"/dashboard/clients/{quiet}/intake")
    )
    assert "has not answered the questionnaire yet" in text_of(
        therapist.get(f"/dashboard/clients/{quiet}/practical")
    )


# --- The first page -----------------------------------------------------------------------------


def test_home_shows_the_fortnight_with_intake_progress_and_counts(app, world):
    with app.app_context():
        service = make_service(name="Gentle massage")
        later = make_client(name="Kit Willow")
        make_booking(client=later, service=service, start_utc=DEFAULT_NOW + timedelta(days=3))
        make_booking(  # beyond the fortnight
            client=later, service=service, start_utc=DEFAULT_NOW + timedelta(days=20)
        )
        make_booking(  # cancelled
            client=later,
            service=service,
            start_utc=DEFAULT_NOW + timedelta(days=4),
            status=BookingStatus.CANCELLED,
        )
        db.session.commit()
    words = text_of(signed_in_client(app, StaffRole.RECEPTION).get("/dashboard/"))
    assert "1 session is held until the therapist reviews the answers" in words
    assert "1 person has asked us to phone them" in words
    assert "Sunday 22 November" in words and "Tuesday 24 November" in words
    assert "Held until the therapist has reviewed the answers" in words
    assert "Kit Willow" in words and "Not started" in words
    assert "Friday 11 December" not in words  # 20 days ahead
    assert words.count("Kit Willow Gentle massage") == 1  # the cancelled one is not listed


def test_home_loads_in_the_same_few_queries_however_many_sessions(app, world):
    client = signed_in_client(app, StaffRole.THERAPIST)
    few = count_queries(app, client, "/dashboard/")
    with app.app_context():
        for day in range(2, 8):
            someone = make_client()
            add_intake(someone, {"senses": {"light": "dim"}})
            make_booking(client=someone, start_utc=DEFAULT_NOW + timedelta(days=day))
        db.session.commit()
    assert count_queries(app, client, "/dashboard/") == few
    assert few <= 14  # the fortnight (6) and the to-do counts (8), however many rows


def test_the_call_list_shows_no_clinical_detail_and_marks_done(app, world):
    reception = signed_in_client(app, StaffRole.RECEPTION)
    page = reception.get("/dashboard/calls")
    words = text_of(page)
    assert "Sam Birch" in words and "01632 960002" in words
    assert CANARY not in page.get_data(as_text=True)
    response = reception.post(
        f"/dashboard/calls/{world.call_id}/done", data={"csrf_token": page_token(reception)}
    )
    assert response.status_code == 303
    words = text_of(reception.get("/dashboard/calls"))
    assert "Marked as done." in words
    assert "Nobody is waiting for a call." in words
    with app.app_context():
        call = db.session.get(CallRequest, world.call_id)
        assert call.handled_at == DEFAULT_NOW and call.handled_by_id is not None


def test_staff_pages_are_never_cached(app, world):
    client = signed_in_client(app, StaffRole.THERAPIST)
    for path in ["/dashboard/", f"/dashboard/clients/{world.client_id}/intake", "/login"]:
        assert client.get(path).headers["Cache-Control"] == "no-store", path


# --- In a real browser: keyboard only, WCAG 2.2 AA ------------------------------------------------


@pytest.fixture
def live_dashboard(app, world, live_server) -> str:
    """The app served on a free local port, with the world's client and a therapist account."""
    add_staff_member(app, StaffRole.ADMIN)  # admin may open every page
    return live_server


def _every_page(app, world: World) -> list[str]:
    """Every dashboard page a GET opens, with the world's ids in its URL."""
    return sorted(
        _url(app, endpoint, world)
        for endpoint in RULES
        if "GET" in next(app.url_map.iter_rules(endpoint)).methods
    )


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_staff_pages_work_by_keyboard_and_pass_axe(app, browser, live_dashboard, world, scheme):
    # The staff pages have no scripts of their own; axe needs JavaScript to run.
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(live_dashboard + "/dashboard/reviews")  # not signed in: the sign-in page first
    assert page.inner_text("h1") == "Staff sign-in"
    assert axe_violations(page) == []
    sign_in_by_keyboard(page, StaffRole.ADMIN)
    assert page.inner_text("h1") == "Answers waiting for review"  # back where they started
    pages = _every_page(app, world)
    assert "/dashboard/reviews" in pages and f"/dashboard/clients/{world.client_id}/intake" in pages
    for path in pages:
        response = page.goto(live_dashboard + path)
        assert response.status == 200, path
        if not response.headers["content-type"].startswith("text/html"):
            continue  # a download, such as the bookings export
        assert axe_violations(page) == [], path
        assert small_targets(page) == [], path
    tab_and_follow(page, "Sign out")
    assert page.inner_text("h1") == "Staff sign-in"
    assert "You have signed out." in page.inner_text("main")
    context.close()


def test_every_answer_is_shown_even_ones_the_forms_no_longer_know(app):
    from booking.services.intake.screening import screening_conditions
    from booking.views.answers import readable_answers

    answers = {
        "about": {"name": "Rowan Ash", "date_of_birth": "1985-03-27"},
        "screening": {"now": ["fever", "since_removed"], "history": ["none"], "old_question": "x"},
        "retired_page": {"some_question": ["a", "b"]},
    }
    with app.test_request_context():
        screening_rows()
        sections = readable_answers(answers, screening_conditions(include_inactive=True))
    shown = {
        section.title: {line.question: line.answer for line in section.lines}
        for section in sections
    }
    assert shown["About you"] == {"Full name": ["Rowan Ash"], "Date of birth": ["27 March 1985"]}
    assert shown["Health check"]["Do any of these apply to you now?"] == [
        "A fever, or an infection such as flu or Covid",
        "since_removed",
    ]
    assert shown["Health check"]["Do any of these apply to you?"] == ["None of these"]
    assert shown["Health check"]["Old question"] == ["x"]
    assert shown["Retired page"] == {"Some question": ["a", "b"]}
