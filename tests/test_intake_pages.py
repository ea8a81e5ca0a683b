"""The intake questionnaire in the browser's shoes: pages, saving, resuming, sending, holding."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.domain.statuses import BookingStatus, ConsentKind, IntakeStatus, ReviewState
from booking.extensions import db
from booking.models import Booking, CallRequest, Consent
from booking.services.demo import seed_demo
from booking.services.intake import questionnaire as intakes
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client, booking_for
from tests.support.intake import (
    GOOD_PAGES,
    answers,
    drafts,
    fill_in,
    intake_link,
    post_page,
    send,
    the_intake,
)
from tests.support.pages import csrf_token, text_of


@pytest.fixture
def manage_token(app, practice):
    return book_as_client(app)


@pytest.fixture
def link(client, manage_token) -> str:
    return intake_link(client, manage_token)


def is_checked(html: str, name: str, value: str) -> bool:
    """Whether the page shows this choice as chosen (whatever the attribute order)."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    return False


# --- The link --------------------------------------------------------------------------------


def test_booking_creates_an_intake_and_the_booked_page_links_to_it(app, client, link):
    words = text_of(client.get(link))
    assert "You can stop at any time: we keep your answers." in words
    assert "A carer or family member can fill this in for you" in words
    intake = the_intake(app)
    assert intake.status == IntakeStatus.DRAFT
    assert intake.link_expires_at >= DEFAULT_NOW + timedelta(days=14)
    # The name from the booking is already on page one.
    assert 'value="Ann Smith"' in client.get(f"{link}/about").get_data(as_text=True)


def test_the_manage_page_links_to_the_questions_too(client, manage_token, link):
    page = client.get(f"/manage/{manage_token}").get_data(as_text=True)
    assert link in page


@pytest.mark.parametrize("suffix", ["", "/about", "/check", "/consents"])
def test_a_tampered_link_is_a_kind_404_that_reveals_nothing(client, link, suffix):
    tampered = link[:-3] + ("abc" if not link.endswith("abc") else "xyz")
    response = client.get(tampered + suffix)
    assert response.status_code == 404
    assert "Ann" not in response.get_data(as_text=True)


def test_another_intakes_id_with_a_made_up_nonce_is_a_404(app, client, link):
    second = book_as_client(
        app, MONDAY + timedelta(days=8), name="Bea Jones", email="bea@example.com"
    )
    other = intake_link(client, second)
    with app.app_context():
        forged = intakes._links().dumps([the_intake(app).id, "guessed-nonce"])
    assert client.get(f"/intake/{forged}").status_code == 404
    assert client.get(other).status_code == 200


def test_an_expired_link_keeps_the_answers_and_says_how_to_carry_on(app, client, link, freeze):
    post_page(client, link, "about", GOOD_PAGES["about"])
    freeze(DEFAULT_NOW + timedelta(days=app.config["INTAKE_LINK_DAYS"], hours=1))
    response = client.get(link)
    assert response.status_code == 410
    assert "Your answers are safe with us" in text_of(response)
    assert answers(app)["about"]["name"] == "Ann Smith"


def test_each_visit_keeps_the_link_open_for_longer(app, client, link, freeze):
    later = DEFAULT_NOW + timedelta(days=20)
    freeze(later)
    post_page(client, link, "about", GOOD_PAGES["about"])
    assert the_intake(app).link_expires_at == later + timedelta(days=30)


# --- Pages, progress and conditions ------------------------------------------------------------


def test_every_page_has_progress_a_back_link_and_why_we_ask(client, link):
    words = text_of(client.get(f"{link}/care"))
    assert re.search(r"Step 3 of up to 13 · about \d+ minutes left", words)
    assert "Back to reaching you" in words
    assert "In case we need to check something is safe." in words


def test_the_energy_pages_appear_only_for_me_long_covid_fibromyalgia_or_not_sure(client, link):
    visited = fill_in(client, link, condition={"conditions": ["none"]})
    assert "energy" not in visited and "pem" not in visited
    post_page(client, link, "condition", {"conditions": ["not_sure"]})
    words = text_of(client.get(f"{link}/check"))
    assert "Your energy" in words and "After doing too much" in words


def test_follow_up_questions_appear_only_for_conditions_that_ask_them(client, link):
    assert "screening_details" not in fill_in(client, link)
    post_page(
        client,
        link,
        "screening",
        {"now": ["none"], "history": ["pregnancy"], "local": ["varicose_veins"]},
    )
    page = text_of(client.get(f"{link}/screening_details"))
    assert "Pregnancy: anything we should know?" in page
    assert "How many weeks?" in page
    assert "Varicose veins: where?" in page
    assert "Epilepsy" not in page


def test_the_whole_questionnaire_sends_and_records_consents(app, client, link):
    fill_in(client, link)
    words = text_of(client.get(f"{link}/check"))
    assert "Light: Dim, please" in words and "Born: 27 March 1985" in words
    response = send(client, link)
    assert response.status_code == 303
    intake = the_intake(app)
    assert intake.status == IntakeStatus.SUBMITTED
    assert intake.submitted_at == DEFAULT_NOW
    assert intake.review_state == ReviewState.NOT_NEEDED
    with app.app_context():
        consents = db.session.scalars(select(Consent).order_by(Consent.kind)).all()
        kinds = {c.kind: c for c in consents}
    assert set(kinds) == {ConsentKind.TREATMENT, ConsentKind.HEALTH_DATA, ConsentKind.REMINDERS}
    assert all(c.wording_version == 1 and c.given_at == DEFAULT_NOW for c in consents)
    assert kinds[ConsentKind.REMINDERS].detail == "email"
    assert "your answers are sent" in text_of(client.get(response.headers["Location"]))
    assert answers(app)["about"]["date_of_birth"] == "1985-03-27"


def test_sending_with_required_answers_missing_lists_them(app, client, link):
    post_page(client, link, "about", GOOD_PAGES["about"])
    response = send(client, link)
    assert response.status_code == 422
    words = text_of(response)
    assert "Please answer these first" in words
    assert "Health check: Please tick any that apply now" in words
    assert the_intake(app).status == IntakeStatus.DRAFT


# --- Save and resume ---------------------------------------------------------------------------


def test_a_new_browser_days_later_resumes_where_the_client_left_off(app, link, freeze):
    first_browser = app.test_client()
    post_page(first_browser, link, "about", GOOD_PAGES["about"])
    post_page(first_browser, link, "contact", {"channel": "phone"})
    freeze(DEFAULT_NOW + timedelta(days=9))
    later_browser = app.test_client()  # no cookies: closed browser, new device
    start = later_browser.get(link).get_data(as_text=True)
    assert "Carry on where you left off" in start
    assert f'href="{link}/care"' in start
    assert is_checked(
        later_browser.get(f"{link}/contact").get_data(as_text=True), "channel", "phone"
    )


def test_save_and_finish_later_keeps_even_a_page_with_a_problem(app, client, link):
    response = post_page(
        client,
        link,
        "about",
        {"name": "Ann Smith", "date_of_birth": "31 2 1990", "filled_by": "self"},
        action="later",
    )
    assert response.status_code == 303
    assert drafts(app)["about"]["date_of_birth"] == "31 2 1990"
    assert 'value="31 2 1990"' in client.get(f"{link}/about").get_data(as_text=True)


def test_an_expired_form_token_shows_the_page_again_with_everything_typed(app, client, link):
    fields = {"name": "Ann Smith", "date_of_birth": "27 3 1985", "preferred_name": "Annie"}
    response = post_page(client, link, "about", fields, token="stale-token")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please press the button again" in html
    assert 'value="Annie"' in html and 'value="27 3 1985"' in html
    assert "about" not in answers(app)  # nothing saved from a request we cannot trust


def test_autosave_keeps_what_is_typed_and_refuses_a_bad_token(app, client, link):
    token = csrf_token(client.get(f"{link}/senses"))
    ok = client.post(f"{link}/senses/autosave", data={"csrf_token": token, "light": "dim"})
    assert ok.status_code == 200 and ok.get_json() == {"saved": True}
    assert drafts(app)["senses"] == {"light": "dim"}
    bad = client.post(f"{link}/senses/autosave", data={"csrf_token": "x", "light": "very_dim"})
    assert bad.status_code == 400
    assert drafts(app)["senses"] == {"light": "dim"}


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31 2 1990", "That date does not exist"),
        ("1 1 2030", "in the future"),
        ("1 1 1850", "check the year"),
        ("12/5/85", "year in full"),
        ("", "Please enter your date of birth"),
    ],
)
def test_an_impossible_date_of_birth_is_explained_and_the_rest_kept(client, link, typed, message):
    response = post_page(
        client,
        link,
        "about",
        {"name": "Ann Smith", "preferred_name": "Annie", "date_of_birth": typed},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in text_of(response)
    assert 'id="date_of_birth-error"' in html
    assert 'value="Annie"' in html


def test_a_bell_score_off_the_scale_is_refused_kindly(app, client, link):
    post_page(client, link, "condition", {"conditions": ["long_covid"]})
    response = post_page(
        client, link, "energy", {"severity": "mild", "state": "stable", "bell_today": "55"}
    )
    assert response.status_code == 422
    assert "Please choose a score from the list" in text_of(response)
    assert is_checked(response.get_data(as_text=True), "severity", "mild")


def test_contradictory_answers_are_pointed_out_next_to_the_field(client, link):
    response = post_page(client, link, "areas", {"include": ["back"], "avoid": ["back"]})
    assert response.status_code == 422
    assert 'id="avoid-error"' in response.get_data(as_text=True)
    response = post_page(client, link, "screening", {"now": ["none", "fever"], "history": ["none"]})
    assert response.status_code == 422
    assert 'id="now-error"' in response.get_data(as_text=True)


def test_huge_text_gets_a_message_not_an_error_page(app, client, link):
    huge = "x" * 20_000
    response = post_page(
        client, link, "screening", {"now": ["none"], "history": ["none"], "medications": huge}
    )
    assert response.status_code == 422
    assert "Please keep this to 500 characters or fewer" in text_of(response)
    assert is_checked(response.get_data(as_text=True), "now", "none")


def test_an_unknown_page_or_choice_is_handled(client, link):
    assert client.get(f"{link}/no-such-page").status_code == 404
    response = post_page(client, link, "senses", {"light": "disco"})
    assert response.status_code == 422
    assert "Please choose one of the options shown." in text_of(response)


# --- Flags hold bookings; severity shapes the first session --------------------------------------


def test_a_stop_flag_holds_the_booking_and_says_what_happens_next(app, client, manage_token, link):
    fill_in(client, link, screening={"now": ["fever"], "history": ["none"]})
    response = send(client, link)
    words = text_of(client.get(response.headers["Location"]))
    assert "Your therapist will read your answers before your session." in words
    assert "You do not need to do anything." in words
    booking = booking_for(app, manage_token)
    assert booking.status == BookingStatus.HELD_FOR_REVIEW
    assert booking.ical_sequence == 1
    assert the_intake(app).review_state == ReviewState.PENDING
    # Held sessions say so on the manage page, in plain words.
    assert "waiting for the therapist" in text_of(client.get(f"/manage/{manage_token}"))


def test_a_later_booking_by_a_client_under_review_is_held_too(app, client, manage_token, link):
    fill_in(client, link, screening={"now": ["none"], "history": ["heart"]})
    send(client, link)
    later = book_as_client(app, MONDAY + timedelta(days=7))
    assert booking_for(app, later).status == BookingStatus.HELD_FOR_REVIEW


def book_again(app, slug="gentle-massage", start=MONDAY + timedelta(days=9), now=DEFAULT_NOW):
    """The same client books once more (by the same email): the new booking's status and link."""
    token = book_as_client(app, start, slug, now)
    return booking_for(app, token).status, token


def test_very_severe_holds_every_hands_on_booking_and_asks_for_a_call(
    app, client, manage_token, link
):
    fill_in(client, link, energy={"severity": "very_severe", "state": "stable"})
    words = text_of(client.get(send(client, link).headers["Location"]))
    assert "They will confirm it, or phone you to talk it through" in words
    assert booking_for(app, manage_token).status == BookingStatus.HELD_FOR_REVIEW
    with app.app_context():
        assert db.session.scalars(select(CallRequest)).all() == []  # no phone: review covers it
    # Booking again online is never refused with words about health (anyone can type a known
    # email); it simply waits for the therapist, who phones first.
    later, _ = book_again(app)
    assert later == BookingStatus.HELD_FOR_REVIEW


def test_very_severe_with_a_phone_number_gets_a_call_request(app, client, practice):
    token = book_as_client(app, name="Cy Lee", email=None, phone="+447700900456")
    own_link = intake_link(client, token)
    fill_in(client, own_link, energy={"severity": "very_severe", "state": "stable"})
    send(client, own_link)
    send(client, own_link)  # sending again asks only once
    with app.app_context():
        request = db.session.scalars(select(CallRequest)).one()
        assert (request.name, request.phone) == ("Cy Lee", "+447700900456")


def test_severe_holds_a_clinic_session_but_a_home_visit_suits(app, client, manage_token, link):
    fill_in(client, link, energy={"severity": "severe", "state": "stable"})
    send(client, link)
    # The clinic first session does not suit, so it waits for the therapist.
    assert booking_for(app, manage_token).status == BookingStatus.HELD_FOR_REVIEW
    with app.app_context():
        rule = intakes.booking_rule(
            db.session.get(Booking, booking_for(app, manage_token).id).client
        )
        assert rule.holds(home_visit=False)
        assert rule.under_review  # until the therapist has looked
        assert rule.first_session.value == "home_visit"


def test_a_carer_filling_in_is_recorded_with_their_relationship(app, client, link):
    fill_in(
        client,
        link,
        about={
            "name": "Ann Smith",
            "date_of_birth": "27 3 1985",
            "filled_by": "carer",
            "carer_name": "Sam Smith",
            "carer_relationship": "partner",
        },
        consent={
            **GOOD_PAGES["consent"],
            "signed_name": "Sam Smith",
            "signer_relationship": "partner",
        },
    )
    send(client, link)
    intake = the_intake(app)
    assert (intake.filled_by_carer, intake.carer_name, intake.carer_relationship) == (
        True,
        "Sam Smith",
        "partner",
    )
    with app.app_context():
        consent = db.session.scalars(
            select(Consent).where(Consent.kind == ConsentKind.HEALTH_DATA)
        ).one()
        assert (consent.signed_name, consent.on_behalf_relationship) == ("Sam Smith", "partner")


def test_an_under_18_needs_a_parent_or_guardian_to_sign(client, link):
    fill_in(
        client,
        link,
        about={"name": "Ann", "date_of_birth": "1 1 2012", "filled_by": "self"},
        until="consent",
    )
    page = text_of(client.get(f"{link}/consent"))
    assert "a parent or guardian needs to agree and sign" in page
    response = post_page(client, link, "consent", {**GOOD_PAGES["consent"]})
    assert response.status_code == 422
    assert "for example parent or guardian" in text_of(response)


def test_a_returning_client_says_nothing_changed_and_reconfirms_screening_only(
    app, client, manage_token, link, freeze
):
    fill_in(client, link)
    send(client, link)
    months_later = DEFAULT_NOW + timedelta(days=120)
    freeze(months_later)
    with app.app_context():
        seed_demo(months_later, app.config["PRACTICE_TIMEZONE"])
    slot = months_later.replace(hour=10, minute=15) + timedelta(days=2)
    while slot.weekday() != 0:
        slot += timedelta(days=1)
    token = book_as_client(app, slot, "gentle-massage", months_later)
    client_id = booking_for(app, token).client_id
    with app.app_context():
        # A returning client's link goes to their contact details on file, not the page.
        new_link = "/intake/" + intakes.link_token(intakes.latest_intake(client_id))
    assert "we only send its link to the email or phone number" in text_of(
        client.get(f"/book/booked/{token}")
    )
    assert new_link != link
    assert "Has anything changed?" in text_of(client.get(new_link))
    start_token = csrf_token(client.get(new_link))
    response = client.post(f"{new_link}/path", data={"csrf_token": start_token, "changed": "no"})
    assert response.headers["Location"].endswith("/screening")
    assert is_checked(client.get(f"{new_link}/screening").get_data(as_text=True), "now", "none")
    visited = fill_in(client, new_link)
    assert visited == ["screening"]
    assert send(client, new_link).status_code == 303
    intake = the_intake(app)
    assert intake.status == IntakeStatus.SUBMITTED and intake.based_on_id is not None


def test_consent_can_be_withdrawn_and_sessions_then_wait(app, client, manage_token, link):
    fill_in(client, link)
    send(client, link)
    with app.app_context():
        consent = db.session.scalars(
            select(Consent).where(Consent.kind == ConsentKind.HEALTH_DATA)
        ).one()
        consent_id = consent.id
    page = client.get(f"{link}/consents")
    assert "Looking after your health answers" in text_of(page)
    response = client.post(
        f"{link}/consents/{consent_id}/withdraw", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Consent, consent_id).withdrawn_at == DEFAULT_NOW
    assert booking_for(app, manage_token).status == BookingStatus.HELD_FOR_REVIEW
    assert (
        client.post(
            f"{link}/consents/999999/withdraw", data={"csrf_token": csrf_token(page)}
        ).status_code
        == 404
    )


# --- Asking for a call -------------------------------------------------------------------------


def test_anyone_can_ask_the_therapist_to_call(app, client):
    page = client.get("/call-me")
    assert "Ask us to call you" in text_of(page)
    missing = client.post("/call-me", data={"csrf_token": csrf_token(page), "name": "Ann"})
    assert missing.status_code == 422
    assert "Please give a number we can call." in text_of(missing)
    assert 'value="Ann"' in missing.get_data(as_text=True)
    done = client.post(
        "/call-me",
        data={
            "csrf_token": csrf_token(page),
            "name": "Ann",
            "phone": "07700 900123",
            "best_time": "morning",
        },
    )
    assert "we will call you" in text_of(done)
    with app.app_context():
        request = db.session.scalars(select(CallRequest)).one()
        assert (request.name, request.phone, request.best_time) == (
            "Ann",
            "+447700900123",
            "morning",
        )


def test_someone_typing_a_clients_email_learns_nothing_about_their_health(
    app, client, manage_token, link
):
    fill_in(
        client,
        link,
        screening={"now": ["none"], "history": ["pregnancy"]},
        screening_details={"pregnancy_details": "about 20 weeks"},
        energy={"severity": "very_severe", "state": "stable"},
    )
    send(client, link)
    stranger = app.test_client()
    page = stranger.get("/book/gentle-massage/details?start=2026-12-02T10:15:00%2B00:00")
    checked = stranger.post(
        "/book/gentle-massage/details",
        data={
            "csrf_token": csrf_token(page),
            "start": "2026-12-02T10:15:00+00:00",
            "for_whom": "self",
            "name": "Nobody",
            "email": "ANN@example.com",
            "send_to": "client",
        },
    )
    api = stranger.post(
        "/api/v1/bookings",
        json={
            "service": "gentle-massage",
            "start": "2026-12-02T10:15:00+00:00",
            "client": {"name": "Nobody", "email": "ann@example.com"},
        },
    )
    assert api.status_code == 201
    manage = api.get_json()["manage_url"].split("/manage/")[1]
    pages = [
        text_of(checked),
        api.get_data(as_text=True),
        text_of(stranger.get(f"/book/booked/{manage}")),
        text_of(stranger.get(f"/manage/{manage}")),
    ]
    for words in pages:
        for secret in ("bed", "mostly at home", "20 weeks", "Pregnancy", "/intake/"):
            assert secret not in words
    assert stranger.get(f"/manage/{manage}/questions").status_code == 404


def test_a_hold_still_applies_when_a_returning_client_starts_a_new_intake(
    app, client, manage_token, link, freeze
):
    fill_in(client, link, screening={"now": ["fever"], "history": ["none"]})
    send(client, link)
    months_later = DEFAULT_NOW + timedelta(days=120)
    freeze(months_later)
    with app.app_context():
        seed_demo(months_later, app.config["PRACTICE_TIMEZONE"])
    first, _ = book_again(app, start=MONDAY + timedelta(days=126), now=months_later)
    second, _ = book_again(app, start=MONDAY + timedelta(days=140), now=months_later)
    assert first == second == BookingStatus.HELD_FOR_REVIEW


def test_questionnaire_pages_are_never_cached(client, link):
    for path in ("", "/about", "/check", "/consents"):
        assert client.get(link + path).headers["Cache-Control"] == "no-store"


def test_booked_and_manage_pages_are_never_cached_either(client, manage_token):
    assert client.get(f"/book/booked/{manage_token}").headers["Cache-Control"] == "no-store"
    assert client.get(f"/manage/{manage_token}").headers["Cache-Control"] == "no-store"


# --- What the review found: each pinned ---------------------------------------------------------


def test_a_withdrawn_consent_is_not_given_again_by_sending_old_answers(app, client, link):
    fill_in(client, link, care={"gp_contact": "yes"})
    send(client, link)
    with app.app_context():
        gp = db.session.scalars(select(Consent).where(Consent.kind == ConsentKind.GP_CONTACT)).one()
        gp_id = gp.id
    page = client.get(f"{link}/consents")
    client.post(f"{link}/consents/{gp_id}/withdraw", data={"csrf_token": csrf_token(page)})
    post_page(client, link, "senses", {"light": "very_dim"})  # another page changes
    assert send(client, link).status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(Consent).where(Consent.kind == ConsentKind.GP_CONTACT))
        assert [row.withdrawn_at for row in rows] == [DEFAULT_NOW]
    # Choosing it again on its page gives it again.
    post_page(client, link, "care", {"gp_contact": "yes"})
    send(client, link)
    with app.app_context():
        rows = db.session.scalars(select(Consent).where(Consent.kind == ConsentKind.GP_CONTACT))
        assert sorted(row.withdrawn_at is None for row in rows) == [False, True]


def test_control_characters_are_tidied_not_a_server_error(app, client, link):
    response = post_page(
        client,
        link,
        "about",
        {
            "name": "Ann\x00 Smith",
            "date_of_birth": "27 3 1985",
            "filled_by": "carer",
            "carer_name": "Sam\x00",
            "carer_relationship": "son\x07",
        },
    )
    assert response.status_code == 303
    intake = the_intake(app)
    assert (intake.carer_name, intake.carer_relationship) == ("Sam", "son")
    called = client.get("/call-me")
    response = client.post(
        "/call-me",
        data={"csrf_token": csrf_token(called), "name": "Ann\x00", "phone": "07700 900123"},
    )
    assert response.status_code == 200


def test_an_id_too_big_for_the_database_is_simply_not_found(client, link):
    page = client.get(f"{link}/check")
    response = client.post(
        f"{link}/consents/99999999999999999999999/withdraw", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 404


def test_nothing_has_changed_is_only_for_returning_clients(app, client, link):
    token = csrf_token(client.get(f"{link}/check"))
    response = client.post(f"{link}/path", data={"csrf_token": token, "changed": "no"})
    assert response.status_code == 404
    assert the_intake(app).reconfirm_only is False


def test_answers_kept_as_typed_are_listed_before_sending_and_survive_it(app, client, link):
    fill_in(client, link)
    token = csrf_token(client.get(f"{link}/senses"))
    client.post(f"{link}/senses/autosave", data={"csrf_token": token, "light": "very_dim"})
    words = text_of(client.get(f"{link}/check"))
    assert "Changes not saved yet" in words and "Light, sound and talking" in words
    send(client, link)
    assert answers(app)["senses"]["light"] == "dim"  # not used until saved with its button
    assert is_checked(client.get(f"{link}/senses").get_data(as_text=True), "light", "very_dim")


def test_an_expired_token_still_keeps_what_was_typed_as_a_draft(app, client, link):
    post_page(client, link, "contact", {"channel": "sms", "postcode": "AB1 2CD"}, token="stale")
    assert drafts(app)["contact"]["postcode"] == "AB1 2CD"
    assert "contact" not in answers(app)


def test_sending_the_same_answers_after_a_release_holds_nothing_again(
    app, client, manage_token, link
):
    from booking.services.intake import review

    fill_in(client, link, screening={"now": ["none"], "history": ["heart"]})
    send(client, link)
    with app.app_context():
        review.release(the_intake(app).id, None, "", DEFAULT_NOW)
    assert booking_for(app, manage_token).status == BookingStatus.CONFIRMED
    post_page(client, link, "senses", {"light": "very_dim"})
    send(client, link)
    assert booking_for(app, manage_token).status == BookingStatus.CONFIRMED
    # Something new that needs a look holds it again.
    post_page(client, link, "screening", {"now": ["none"], "history": ["heart", "epilepsy"]})
    send(client, link)
    assert booking_for(app, manage_token).status == BookingStatus.HELD_FOR_REVIEW


def test_quiet_hours_chosen_in_the_questionnaire_are_kept_for_messages(app, client, link):
    from datetime import time

    from booking.models import Client

    fill_in(client, link, contact={"channel": "email", "quiet_hours": "22-08"})
    send(client, link)
    with app.app_context():
        ann = db.session.scalars(select(Client)).one()
        assert (ann.quiet_from_local, ann.quiet_until_local) == (time(22, 0), time(8, 0))
    post_page(client, link, "contact", {"channel": "email", "quiet_hours": "none"})
    send(client, link)
    with app.app_context():
        ann = db.session.scalars(select(Client)).one()
        assert (ann.quiet_from_local, ann.quiet_until_local) == (None, None)
