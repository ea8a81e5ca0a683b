"""Two-factor sign-in (TOTP) for the roles that read clinical data: setting the app up, the
code at each sign-in, recovery codes, throttling, and the admin's reset."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from booking.auth.accounts import CLINICAL_ROLES
from booking.domain import second_factor as rules
from booking.domain.audit import AuditAction
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import AuditEvent, StaffSession, StaffUser
from booking.services.staff import second_factor as factors
from booking.services.staff.accounts import change_account, find_staff
from booking.services.staff.audit import SYSTEM_ACTOR
from tests.support import DEFAULT_NOW
from tests.support.pages import csrf_token, text_of
from tests.support.staff import (
    EMAILS,
    PASSWORD,
    add_staff_member,
    ready_second_factor,
    sign_in,
    signed_in_client,
)

THERAPIST = EMAILS[StaffRole.THERAPIST]
STEP = timedelta(seconds=30)


def password_only(client, email: str = THERAPIST, password: str = PASSWORD):
    """The sign-in form with the password, and nothing after it."""
    page = client.get("/login")
    data = {"csrf_token": csrf_token(page), "email": email, "password": password}
    return client.post("/login", data=data)


def post_code(client, code: str, page: str = "/login/code"):
    shown = client.get(page)
    token = csrf_token(shown if shown.status_code == 200 else client.get("/login"))
    return client.post(page, data={"csrf_token": token, "code": code})


def code_at(secret: str, moment) -> str:
    return pyotp.TOTP(secret).at(moment)


def signed_in(client) -> bool:
    return client.get("/dashboard/").status_code == 200


def events(app, action: AuditAction) -> list[AuditEvent]:
    with app.app_context():
        found = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db.session.expunge_all()
        return found


def account(app, email: str = THERAPIST) -> StaffUser:
    with app.app_context():
        user = find_staff(email)
        db.session.expunge(user)
        return user


@pytest.fixture
def therapist_id(app) -> int:
    return add_staff_member(app, StaffRole.THERAPIST)


# --- The rules ------------------------------------------------------------------------------------


def test_every_role_that_reads_clinical_data_needs_a_second_factor():
    assert CLINICAL_ROLES <= rules.SECOND_FACTOR_ROLES
    assert not rules.needs_second_factor(StaffRole.RECEPTION)


def test_a_code_is_accepted_one_step_either_side_and_never_twice():
    secret = rules.new_secret()
    now = DEFAULT_NOW
    step = pyotp.TOTP(secret).timecode(now)
    assert rules.accepted_step(secret, code_at(secret, now), now, None) == step
    assert rules.accepted_step(secret, code_at(secret, now - STEP), now, None) == step - 1
    assert rules.accepted_step(secret, code_at(secret, now + STEP), now, None) == step + 1
    assert rules.accepted_step(secret, code_at(secret, now - 2 * STEP), now, None) is None
    assert rules.accepted_step(secret, code_at(secret, now + 2 * STEP), now, None) is None
    # Used once: that step and any before it are gone.
    assert rules.accepted_step(secret, code_at(secret, now), now, step) is None
    assert rules.accepted_step(secret, code_at(secret, now - STEP), now, step) is None
    assert rules.accepted_step(secret, code_at(secret, now + STEP), now, step) == step + 1
    assert rules.accepted_step(secret, "12345", now, None) is None
    assert rules.accepted_step(secret, "١٢٣٤٥٦", now, None) is None  # not ASCII digits


def test_codes_are_read_as_people_type_them():
    assert rules.tidy_code(" 123 456 ") == "123456"
    assert rules.tidy_code("ABCDE\u2013FGHJK") == "abcdefghjk"  # an en dash, capitals
    codes = rules.new_recovery_codes()
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    digests = [rules.recovery_digest(code) for code in codes]
    typed = rules.tidy_code(codes[3].upper().replace("-", " "))
    assert rules.matching_recovery_digest(typed, digests) == digests[3]
    assert rules.matching_recovery_digest("aaaaaaaaaa", digests) is None


# --- Setting it up, the first time ----------------------------------------------------------------


def test_the_first_sign_in_sets_up_the_app_and_shows_recovery_codes_once(app, therapist_id):
    browser = app.test_client()
    response = password_only(browser)
    assert response.headers["Location"] == "/login/set-up"
    assert not signed_in(browser)  # the password alone signs nobody in

    page = browser.get("/login/set-up")
    html = page.get_data(as_text=True)
    assert 'role="img"' in html and "<svg" in html  # the QR code
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html)[1]
    assert len(secret.replace(" ", "")) == 32
    assert browser.get("/login/set-up").get_data(as_text=True).count(secret) == 1  # the same

    wrong = post_code(browser, "000000", "/login/set-up")
    assert wrong.status_code == 422
    assert "That code did not work" in text_of(wrong)
    assert not signed_in(browser)

    with app.app_context():
        code = code_at(secret.replace(" ", ""), DEFAULT_NOW)
    done = post_code(browser, " " + code[:3] + " " + code[3:], "/login/set-up")
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert "no-store" in done.headers["Cache-Control"]
    assert signed_in(browser)

    user = account(app)
    assert user.second_factor_confirmed_at is not None
    stored = f"{user.second_factor_secret} {user.recovery_code_hashes}"
    assert secret.replace(" ", "") not in stored  # encrypted
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    assert [e.detail for e in events(app, AuditAction.SET_UP_SECOND_FACTOR)] == [THERAPIST]
    # Set up now: the set-up page goes to the code page, and shows no secret again.
    again = app.test_client()
    assert password_only(again).headers["Location"] == "/login/code"
    assert again.get("/login/set-up").headers["Location"] == "/login/code"


def test_reception_signs_in_with_the_password_alone(app):
    add_staff_member(app, StaffRole.RECEPTION)
    browser = app.test_client()
    assert password_only(browser, EMAILS[StaffRole.RECEPTION]).headers["Location"] == (
        "/dashboard/"
    )
    assert signed_in(browser)


# --- The code, each time --------------------------------------------------------------------------


def test_the_code_signs_in_and_a_code_is_never_taken_twice(app, freeze, therapist_id):
    secret = ready_second_factor(app, THERAPIST)
    first = app.test_client()
    assert password_only(first).headers["Location"] == "/login/code"
    assert not signed_in(first)
    code = code_at(secret, DEFAULT_NOW)
    assert post_code(first, code).headers["Location"] == "/dashboard/"
    assert signed_in(first)

    # Seen over a shoulder: the same code in another browser is refused.
    second = app.test_client()
    password_only(second)
    refused = post_code(second, code)
    assert refused.status_code == 422
    assert "each works once" in text_of(refused)
    assert not signed_in(second)
    # Thirty seconds on, the app's next code works.
    freeze(DEFAULT_NOW + STEP)
    assert post_code(second, code_at(secret, DEFAULT_NOW + STEP)).status_code == 303
    assert signed_in(second)


def test_a_sign_in_waiting_for_its_code_expires_after_ten_minutes(app, freeze, therapist_id):
    secret = ready_second_factor(app, THERAPIST)
    browser = app.test_client()
    password_only(browser)
    token = csrf_token(browser.get("/login/code"))
    later = DEFAULT_NOW + timedelta(minutes=10, seconds=1)
    freeze(later)
    response = browser.post(
        "/login/code", data={"csrf_token": token, "code": code_at(secret, later)}
    )
    assert response.headers["Location"] == "/login"
    page = browser.get("/login")
    assert "signing in was not finished within 10 minutes" in text_of(page)
    assert not signed_in(browser)


def test_a_new_password_set_while_waiting_for_the_code_wins(app, therapist_id):
    secret = ready_second_factor(app, THERAPIST)
    browser = app.test_client()
    password_only(browser)
    with app.app_context():
        from booking.services.staff.accounts import set_password

        set_password(SYSTEM_ACTOR, therapist_id, "a brand new secret phrase", DEFAULT_NOW)
    response = post_code(browser, code_at(secret, DEFAULT_NOW))
    assert response.headers["Location"] == "/login"
    assert not signed_in(browser)


def test_the_code_page_without_a_password_first_sends_to_sign_in(client, therapist_id):
    assert client.get("/login/code").headers["Location"] == "/login"
    assert post_code(client, "123456").headers["Location"] == "/login"
    assert client.get("/login/set-up").headers["Location"] == "/login"


def test_going_back_to_the_code_page_after_signing_in_keeps_you_signed_in(app, therapist_id):
    browser = app.test_client()
    assert sign_in(browser, THERAPIST).status_code == 303
    for page in ("/login/code", "/login/set-up"):
        assert browser.get(page).headers["Location"] == "/dashboard/"
    assert signed_in(browser)


def test_an_empty_code_is_asked_for_next_to_the_field(app, therapist_id):
    ready_second_factor(app, THERAPIST)
    browser = app.test_client()
    password_only(browser)
    response = post_code(browser, "   ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="code-error"' in html and "Please type the 6-digit code" in html, text_of(response)


def test_wrong_codes_are_throttled_like_passwords(app, freeze, therapist_id):
    secret = ready_second_factor(app, THERAPIST)
    browser = app.test_client()
    password_only(browser)
    for _ in range(5):
        assert post_code(browser, "000000").status_code == 422
    blocked = post_code(browser, code_at(secret, DEFAULT_NOW))  # even the right one, now
    assert blocked.status_code == 429
    assert "Please wait a few minutes" in text_of(blocked)
    assert not signed_in(browser)


# --- Recovery codes -------------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(app, therapist_id):
    with app.app_context():
        secret = factors.prepare(therapist_id).secret
        codes = factors.confirm(therapist_id, code_at(secret, DEFAULT_NOW), DEFAULT_NOW)
    browser = app.test_client()
    password_only(browser)
    response = post_code(browser, codes[0].upper())
    assert response.headers["Location"] == "/dashboard/"
    assert "You have 9 recovery codes left" in text_of(browser.get("/dashboard/"))
    again = app.test_client()
    password_only(again)
    assert post_code(again, codes[0]).status_code == 422
    [used] = events(app, AuditAction.USED_RECOVERY_CODE)
    assert used.detail == f"{THERAPIST}: 9 recovery codes left"


# --- A session is never kept without it -----------------------------------------------------------


def test_a_therapist_session_without_a_second_factor_is_not_accepted(app):
    desk_id = add_staff_member(app, StaffRole.RECEPTION)
    browser = signed_in_client(app, StaffRole.RECEPTION)
    assert signed_in(browser)
    with app.app_context():
        change_account(SYSTEM_ACTOR, desk_id, StaffRole.THERAPIST, None, DEFAULT_NOW)
    assert not signed_in(browser)  # a clinical role now: sign in with a code first


# --- The admin's reset ----------------------------------------------------------------------------


def test_admin_resets_a_colleagues_second_factor_audited_and_signed_out(app, therapist_id):
    therapist = app.test_client()
    assert sign_in(therapist, THERAPIST).status_code == 303
    admin = signed_in_client(app, StaffRole.ADMIN)
    page = admin.get(f"/dashboard/staff/{therapist_id}")
    assert "Reset two-factor sign-in" in text_of(page)
    response = admin.post(
        f"/dashboard/staff/{therapist_id}/second-factor/reset",
        data={"switch-csrf_token": csrf_token(page)},
    )
    assert response.status_code == 303
    assert "set up their authenticator app again" in text_of(
        admin.get(response.headers["Location"])
    )
    assert not signed_in(therapist)  # signed out everywhere
    user = account(app)
    assert (user.second_factor_secret, user.second_factor_confirmed_at) == (None, None)
    assert user.recovery_code_hashes is None
    [event] = events(app, AuditAction.RESET_SECOND_FACTOR)
    assert (event.actor, event.detail) == (EMAILS[StaffRole.ADMIN], THERAPIST)
    assert password_only(app.test_client()).headers["Location"] == "/login/set-up"
    with app.app_context():
        ended = db.session.scalars(select(StaffSession.end_reason)).all()
    assert "second_factor_reset" in ended


def test_admin_cannot_reset_their_own_second_factor(app):
    admin = signed_in_client(app, StaffRole.ADMIN)
    admin_id = account(app, EMAILS[StaffRole.ADMIN]).id
    page = admin.get(f"/dashboard/staff/{admin_id}")
    assert "Reset two-factor sign-in" not in text_of(page)
    response = admin.post(
        f"/dashboard/staff/{admin_id}/second-factor/reset",
        data={"switch-csrf_token": csrf_token(page)},
    )
    assert response.status_code == 403
    assert account(app, EMAILS[StaffRole.ADMIN]).second_factor_confirmed_at is not None


def test_the_command_resets_the_last_admins_second_factor(app, runner):
    signed_in_client(app, StaffRole.ADMIN)
    admin = EMAILS[StaffRole.ADMIN]
    result = runner.invoke(args=["reset-second-factor", admin])
    assert result.exit_code == 0, result.output
    assert "Reset two-factor sign-in for" in result.output
    assert account(app, admin).second_factor_secret is None
    [event] = events(app, AuditAction.RESET_SECOND_FACTOR)
    assert event.actor == "system"
    again = runner.invoke(args=["reset-second-factor", admin])
    assert again.exit_code == 0 and "nothing was changed" in again.output
    unknown = runner.invoke(args=["reset-second-factor", "nobody@practice.test"])
    assert unknown.exit_code != 0


def test_one_code_sent_twice_at_once_is_taken_once(app, therapist_id):
    secret = ready_second_factor(app, THERAPIST)
    code = code_at(secret, DEFAULT_NOW)
    results = []
    start = threading.Barrier(2)

    def try_code() -> None:
        with app.app_context():
            start.wait()
            results.append(factors.check(therapist_id, code, DEFAULT_NOW))

    threads = [threading.Thread(target=try_code) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(result is None for result in results) == [False, True]
