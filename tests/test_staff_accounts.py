"""Staff accounts: `create-staff` on the command line, and the admin's pages to add, change,
switch off and set passwords, never leaving the practice without an admin."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from booking import passwords
from booking.domain.audit import AuditAction
from booking.domain.staff_accounts import (
    LAST_ADMIN,
    NO_DIARY_FOR_RECEPTION,
    OWN_ACCOUNT_OFF,
    OWN_ADMIN_ROLE,
    AccountState,
    change_problem,
    diary_problem,
)
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import AuditEvent, StaffSession, StaffUser
from booking.passwords import MIN_PASSWORD_LENGTH, password_matches, password_problem
from tests.support import sqlite_only
from tests.support.browser import (
    axe_violations,
    sign_in_by_keyboard,
    small_targets,
    tab_and_follow,
    tab_and_type,
)
from tests.support.factories import make_practitioner
from tests.support.pages import csrf_token, text_of
from tests.support.staff import (
    EMAILS,
    PASSWORD,
    add_staff_member,
    page_token,
    sign_in,
    signed_in_client,
)

ADMIN, THERAPIST, RECEPTION = StaffRole.ADMIN, StaffRole.THERAPIST, StaffRole.RECEPTION
GOOD = "twelve chars"  # exactly the minimum
NEW_PASSWORD = "a long walk on a grey morning"


# --- The rules, pure ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "fine"),
    [("", False), ("x" * (MIN_PASSWORD_LENGTH - 1), False), (GOOD, True), (" " * 12, False)],
)
def test_password_problem(password, fine):
    assert (password_problem(password) is None) is fine


@pytest.mark.parametrize(
    ("password", "says"),
    [
        # On the shipped list of common passwords, in any case.
        ("password1234", passwords.COMMON),
        ("PASSWORD1234", passwords.COMMON),
        ("qwertyuiop12", passwords.COMMON),
        # A common one with digits or symbols around it.
        ("Password2024!", passwords.COMMON_WITH_EXTRAS),
        ("iloveyou1234", passwords.COMMON_WITH_EXTRAS),
        ("!!sunshine99!!", passwords.COMMON_WITH_EXTRAS),
        # Repeats and runs, however long.
        ("aaaaaaaaaaaa", passwords.PATTERN),
        ("abcdefghijklmnop", passwords.PATTERN),
        ("123456789012", passwords.PATTERN),
        ("zyxwvutsrqpo", passwords.PATTERN),
        ("ababababababab", passwords.PATTERN),
        ("1234512345!!", passwords.PATTERN),
        # The account's own email name, or the practice's name, anywhere and in any case.
        ("maya.jones is here", passwords.OWN_NAME),
        ("my name is MAYAJONES", passwords.OWN_NAME),
        ("Still Waters Massage!", passwords.PRACTICE),
        ("stillwatersmassage2026", passwords.PRACTICE),
        # Fine: a few words, or a long mix.
        ("a quiet walk by the river", None),
        ("correct horse battery", None),
        (GOOD, None),
        ("maya likes the sea", None),  # "maya" alone is not the email name "mayajones"
        ("still waters run deep", None),  # part of the practice's name is not the name
    ],
)
def test_common_and_guessable_passwords_are_refused_saying_why(password, says):
    problem = password_problem(password, "Maya.Jones@example.com", "Still Waters Massage")
    assert problem == says


def test_a_short_email_name_is_not_looked_for_inside_words():
    assert password_problem("a jolly good morning", "jo@example.com", "Calm") is None


def test_every_refusal_is_kind_and_gives_an_example():
    for message in (passwords.COMMON, passwords.COMMON_WITH_EXTRAS, passwords.PATTERN):
        assert message.startswith("This password") and "a quiet walk by the river" in message


def test_the_common_list_is_read_from_the_shipped_file():
    common = passwords.common_passwords()
    assert len(common) > 19_000
    assert "password1234" in common and all(word == word.lower() for word in common)


ME = 1


@pytest.mark.parametrize(
    ("actor", "account", "role", "active", "admins", "problem"),
    [
        # Switching yourself off, or taking your own admin role: never.
        (ME, AccountState(ME, ADMIN, True), ADMIN, False, {ME, 2}, OWN_ACCOUNT_OFF),
        (ME, AccountState(ME, ADMIN, True), RECEPTION, True, {ME, 2}, OWN_ADMIN_ROLE),
        (ME, AccountState(ME, ADMIN, True), ADMIN, True, {ME}, None),  # no change
        # The last active admin keeps the role and stays on, whoever asks.
        (ME, AccountState(2, ADMIN, True), THERAPIST, True, {2}, LAST_ADMIN),
        (None, AccountState(2, ADMIN, True), ADMIN, False, {2}, LAST_ADMIN),
        # With another active admin, one may go.
        (ME, AccountState(2, ADMIN, True), THERAPIST, True, {ME, 2}, None),
        (ME, AccountState(2, ADMIN, True), ADMIN, False, {ME, 2}, None),
        # Others change freely; a switched-off admin is not one of the active ones.
        (ME, AccountState(3, RECEPTION, True), ADMIN, True, {ME}, None),
        (ME, AccountState(3, ADMIN, False), RECEPTION, False, {ME}, None),
        (ME, AccountState(3, THERAPIST, True), THERAPIST, False, {ME}, None),
    ],
)
def test_change_problem(actor, account, role, active, admins, problem):
    assert change_problem(actor, account, role=role, active=active, active_admin_ids=admins) == (
        problem
    )


@pytest.mark.parametrize(
    ("role", "diary", "problem"),
    [
        (RECEPTION, 4, NO_DIARY_FOR_RECEPTION),
        (RECEPTION, None, None),
        (THERAPIST, 4, None),
        (ADMIN, 4, None),
    ],
)
def test_diary_problem(role, diary, problem):
    assert diary_problem(role, diary) == problem


# --- create-staff -------------------------------------------------------------------------------


def _account(app, email: str) -> StaffUser | None:
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def _trail(app) -> list[AuditEvent]:
    """The audit trail, without the two-factor set-ups signing in as admin brings."""
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action != AuditAction.SET_UP_SECOND_FACTOR)
        events = list(db.session.scalars(query.order_by(AuditEvent.id)))
        db.session.expunge_all()
        return events


def test_create_staff_asks_for_the_password_twice_and_hashes_it(app, runner):
    result = runner.invoke(
        args=["create-staff", "New.Admin@Example.com", "--role", "admin"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Added an admin account for new.admin@example.com" in result.output
    assert NEW_PASSWORD not in result.output  # never echoed
    user = _account(app, "new.admin@example.com")
    assert user.role == ADMIN and user.active
    assert user.password_hash.startswith("$argon2id$")
    assert password_matches(user.password_hash, NEW_PASSWORD)
    (event,) = _trail(app)
    assert event.action == AuditAction.ADDED_STAFF and event.actor == "system"
    assert event.detail == "new.admin@example.com as admin"
    assert sign_in(app.test_client(), "new.admin@example.com", NEW_PASSWORD).status_code == 303


def test_create_staff_asks_again_when_the_two_passwords_differ(app, runner):
    result = runner.invoke(
        args=["create-staff", "desk@example.com", "--role", "reception"],
        input=f"{NEW_PASSWORD}\nsomething else entirely\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output.lower()
    assert _account(app, "desk@example.com").role == RECEPTION


def test_create_staff_reads_one_line_from_standard_input(app, runner):
    result = runner.invoke(
        args=["create-staff", "therapist@example.com", "--role", "therapist", "--password-stdin"],
        input=f"{NEW_PASSWORD}\r\nignored second line\n",
    )
    assert result.exit_code == 0, result.output
    assert password_matches(_account(app, "therapist@example.com").password_hash, NEW_PASSWORD)


def test_create_staff_links_a_therapist_to_their_diary(app, runner):
    with app.app_context():
        diary = make_practitioner(name="Alex Reed").id
        db.session.commit()
    result = runner.invoke(
        args=[
            "create-staff",
            "alex@example.com",
            "--role",
            "therapist",
            "--practitioner",
            str(diary),
            "--password-stdin",
        ],
        input=NEW_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert _account(app, "alex@example.com").practitioner_id == diary
    assert _trail(app)[0].detail == "alex@example.com as therapist, diary: Alex Reed"


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (["--role", "admin", "--password-stdin"], "too short\n", "at least 12 characters"),
        (["--role", "admin", "--password-stdin"], "password1234\n", "very common passwords"),
        (["--role", "admin", "--password-stdin"], "aaaaaaaaaaaa\n", "repeated letters"),
        (["--role", "admin", "--password-stdin"], "Still Waters Massage\n", "practice"),
        (["--role", "admin", "--password-stdin"], "", "No password on standard input"),
        (["--role", "boss", "--password-stdin"], NEW_PASSWORD, "'boss' is not one of"),
        (["--password-stdin"], NEW_PASSWORD, "Missing option '--role'"),
        (
            ["--role", "therapist", "--practitioner", "999", "--password-stdin"],
            NEW_PASSWORD,
            "No therapist's diary has the id 999",
        ),
        (
            ["--role", "reception", "--practitioner", "1", "--password-stdin"],
            NEW_PASSWORD,
            "Reception accounts are not linked",
        ),
    ],
)
def test_create_staff_refuses_clearly_and_adds_nothing(app, runner, args, stdin, says):
    result = runner.invoke(args=["create-staff", "x@example.com", *args], input=stdin)
    assert result.exit_code != 0
    assert says in result.output
    assert _account(app, "x@example.com") is None
    assert _trail(app) == []


def test_create_staff_refuses_a_bad_email(app, runner):
    result = runner.invoke(
        args=["create-staff", "not-an-email", "--role", "admin", "--password-stdin"],
        input=NEW_PASSWORD,
    )
    assert result.exit_code != 0
    assert "does not look complete" in result.output


def test_create_staff_leaves_an_existing_account_alone(app, runner):
    add_staff_member(app, RECEPTION, "desk@example.com")
    before = _account(app, "desk@example.com")
    result = runner.invoke(
        args=["create-staff", " Desk@Example.com ", "--role", "admin", "--password-stdin"],
        input=NEW_PASSWORD,
    )
    assert result.exit_code != 0
    assert "There is already a staff account for desk@example.com; nothing was changed" in (
        result.output
    )
    after = _account(app, "desk@example.com")
    assert (after.role, after.password_hash) == (before.role, before.password_hash)


# --- The admin's pages --------------------------------------------------------------------------


@pytest.fixture
def admin(app):
    return signed_in_client(app, ADMIN)


def _admin_id(app) -> int:
    return _account(app, EMAILS[ADMIN]).id


def test_the_list_shows_every_account(app, admin):
    with app.app_context():
        diary = make_practitioner(name="Alex Reed")
        db.session.flush()
        from booking.services.staff.accounts import add_staff

        add_staff("alex@example.com", THERAPIST, PASSWORD, diary)
        off = add_staff("gone@example.com", RECEPTION, PASSWORD)
        off.active = False
        db.session.commit()
    words = text_of(admin.get("/dashboard/staff"))
    assert "admin@practice.test (you) Admin Not linked Yes Sat 21 Nov 2026, 10:00" in words
    assert "alex@example.com Therapist Alex Reed Yes Never" in words
    assert "gone@example.com Reception Not linked No: switched off Never" in words
    assert words.index("alex@example.com") < words.index("gone@example.com")


def _add(admin, **fields):
    page = admin.get("/dashboard/staff/new")
    data = {
        "csrf_token": csrf_token(page),
        "email": "new.starter@example.com",
        "role": "reception",
        "practitioner": "",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    } | fields
    return admin.post("/dashboard/staff/new", data=data)


def test_adding_an_account(app, admin):
    with app.app_context():
        diary = make_practitioner(name="Alex Reed").id
        db.session.commit()
    response = _add(admin, email="Alex@Example.com", role="therapist", practitioner=str(diary))
    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard/staff"
    words = text_of(admin.get("/dashboard/staff"))
    assert "Added alex@example.com (therapist)" in words
    user = _account(app, "alex@example.com")
    assert (user.role, user.practitioner_id) == (THERAPIST, diary)
    event = _trail(app)[-1]
    assert event.action == AuditAction.ADDED_STAFF and event.actor == EMAILS[ADMIN]
    assert event.detail == "alex@example.com as therapist, diary: Alex Reed"
    assert NEW_PASSWORD not in event.detail
    assert sign_in(app.test_client(), "alex@example.com", NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": ""}, "email", "Please enter their email address."),
        ({"email": "nope"}, "email", "does not look complete"),
        ({"email": "x\x00y"}, "email", "does not look complete"),
        ({"role": "boss"}, "role", "Not a valid choice"),
        ({"practitioner": "99999999999999999999"}, "practitioner", "Please choose a therapist"),
        ({"practitioner": "abc"}, "practitioner", "Please choose a therapist"),
        ({"password": "short", "password_again": "short"}, "password", "at least 12"),
        (
            {"password": "password1234", "password_again": "password1234"},
            "password",
            "very common passwords",
        ),
        (
            {"password": "new.starter 2026", "password_again": "new.starter 2026"},
            "password",
            "contains your email name",
        ),
        ({"password_again": "something else"}, "password_again", "not the same"),
        ({"email": EMAILS[ADMIN]}, "email", "There is already a staff account"),
    ],
)
def test_adding_refuses_with_the_reason_next_to_the_field(app, admin, fields, field, message):
    response = _add(admin, **fields)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', body, re.S)
    assert error and message in error[1], body[:3000]
    assert 'id="error-summary"' in body
    if field != "email":
        assert 'value="new.starter@example.com"' in body  # what was typed is kept
    assert NEW_PASSWORD not in body  # passwords are never sent back
    assert len(_trail(app)) == 0


def test_a_reception_account_cannot_be_linked_to_a_diary(app, admin):
    with app.app_context():
        diary = make_practitioner().id
        db.session.commit()
    response = _add(admin, practitioner=str(diary))
    assert response.status_code == 422
    assert "Reception accounts are not linked" in text_of(response)
    assert re.search(rf'<option selected value="{diary}">', response.get_data(as_text=True))


def _edit_token(admin, staff_id: int) -> str:
    return csrf_token(admin.get(f"/dashboard/staff/{staff_id}"))


def _change(admin, staff_id: int, role: str, practitioner: str = ""):
    data = {
        "change-csrf_token": _edit_token(admin, staff_id),
        "change-role": role,
        "change-practitioner": practitioner,
    }
    return admin.post(f"/dashboard/staff/{staff_id}/role", data=data)


def test_changing_the_role_and_diary_is_audited_in_words(app, admin):
    other = add_staff_member(app, RECEPTION)
    with app.app_context():
        diary = make_practitioner(name="Alex Reed").id
        db.session.commit()
    response = _change(admin, other, "therapist", str(diary))
    assert response.status_code == 303
    assert "Saved." in text_of(admin.get(response.headers["Location"]))
    assert _trail(app)[-1].detail == (
        "reception@practice.test: role: reception → therapist; diary: not linked → Alex Reed"
    )
    # The change applies to their open session at once.
    assert _change(admin, other, "therapist", str(diary)).status_code == 303
    assert "Nothing was different" in text_of(admin.get(f"/dashboard/staff/{other}"))
    assert len(_trail(app)) == 1


def test_a_role_change_applies_to_an_open_session_at_once(app, admin):
    therapist = signed_in_client(app, THERAPIST)
    assert therapist.get("/dashboard/reviews").status_code == 200
    _change(admin, _account(app, EMAILS[THERAPIST]).id, "reception")
    assert therapist.get("/dashboard/reviews").status_code == 403


def test_the_last_admin_cannot_be_demoted_or_switched_off(app, admin):
    me = _admin_id(app)
    response = _change(admin, me, "reception")
    assert response.status_code == 422
    assert OWN_ADMIN_ROLE in text_of(response)
    token = _edit_token(admin, me)
    response = admin.post(f"/dashboard/staff/{me}/switch-off", data={"switch-csrf_token": token})
    assert response.status_code == 422
    assert OWN_ACCOUNT_OFF in text_of(response)
    assert _account(app, EMAILS[ADMIN]).role == ADMIN
    assert _account(app, EMAILS[ADMIN]).active
    assert _trail(app) == []


def test_another_admin_can_be_demoted_while_one_remains(app, admin):
    second = add_staff_member(app, ADMIN, "second.admin@example.com")
    assert _change(admin, second, "therapist").status_code == 303
    assert _account(app, "second.admin@example.com").role == THERAPIST


def test_the_only_active_admin_is_kept_even_from_another_admin_s_hands(app):
    # Two admins; the other one is switched off, so this one is the last active admin.
    add_staff_member(app, ADMIN)
    other = add_staff_member(app, ADMIN, "second.admin@example.com")
    second = app.test_client()
    sign_in(second, "second.admin@example.com")
    first = signed_in_client(app, ADMIN)
    token = _edit_token(first, other)
    assert (
        first.post(f"/dashboard/staff/{other}/switch-off", data={"switch-csrf_token": token})
    ).status_code == 303
    # The switched-off admin's browser is signed out; the remaining one cannot go.
    assert second.get("/dashboard/staff").status_code == 302
    with app.app_context():
        from booking.services.staff import accounts as staff
        from booking.services.staff import audit

        with pytest.raises(staff.StaffAccountError, match="only active admin"):
            staff.set_active(audit.SYSTEM_ACTOR, _admin_id(app), False, app.extensions["clock"]())


def test_switching_off_and_on(app, admin):
    other = add_staff_member(app, RECEPTION)
    desk = signed_in_client(app, RECEPTION)
    token = _edit_token(admin, other)
    response = admin.post(f"/dashboard/staff/{other}/switch-off", data={"switch-csrf_token": token})
    assert response.status_code == 303
    assert "reception@practice.test is switched off and signed out everywhere." in text_of(
        admin.get(response.headers["Location"])
    )
    assert desk.get("/dashboard/").status_code == 302
    assert sign_in(app.test_client(), EMAILS[RECEPTION]).status_code == 422
    token = _edit_token(admin, other)
    response = admin.post(f"/dashboard/staff/{other}/switch-on", data={"switch-csrf_token": token})
    assert response.status_code == 303
    assert sign_in(app.test_client(), EMAILS[RECEPTION]).status_code == 303
    assert [event.detail for event in _trail(app)] == [
        "reception@practice.test: switched off",
        "reception@practice.test: switched on",
    ]


def _set_password(admin, staff_id: int, password: str, again: str | None = None):
    data = {
        "password-csrf_token": _edit_token(admin, staff_id),
        "password-password": password,
        "password-password_again": password if again is None else again,
    }
    return admin.post(f"/dashboard/staff/{staff_id}/password", data=data)


def test_a_new_password_signs_them_out_everywhere(app, admin):
    other = add_staff_member(app, THERAPIST)
    therapist = signed_in_client(app, THERAPIST)
    response = _set_password(admin, other, NEW_PASSWORD)
    assert response.status_code == 303
    assert therapist.get("/dashboard/").status_code == 302
    assert sign_in(app.test_client(), EMAILS[THERAPIST]).status_code == 422  # old password
    assert sign_in(app.test_client(), EMAILS[THERAPIST], NEW_PASSWORD).status_code == 303
    event = _trail(app)[-1]
    assert event.detail == "therapist@practice.test: new password set"
    with app.app_context():
        reasons = set(db.session.scalars(select(StaffSession.end_reason)))
    assert "new_password" in reasons


def test_a_too_short_new_password_is_refused_next_to_the_field(app, admin):
    other = add_staff_member(app, THERAPIST)
    response = _set_password(admin, other, "short")
    assert response.status_code == 422
    assert 'id="password-password-error"' in response.get_data(as_text=True)
    assert _trail(app) == []


def test_a_guessable_new_password_is_refused_next_to_the_field_saying_why(app, admin):
    other = add_staff_member(app, THERAPIST)
    response = _set_password(admin, other, "Password2024!")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = re.search(r'id="password-password-error">(.*?)</p>', body, re.S)
    assert error and "a very common one with numbers or symbols added" in error[1]
    assert _trail(app) == []


def test_a_new_password_for_yourself_signs_you_in_again(app, admin):
    response = _set_password(admin, _admin_id(app), NEW_PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "Your password is changed" in text_of(admin.get("/login"))
    assert admin.get("/dashboard/staff").status_code == 302
    assert sign_in(admin, EMAILS[ADMIN], NEW_PASSWORD).status_code == 303


def test_huge_and_unknown_ids_are_not_found(app, admin):
    assert admin.get("/dashboard/staff/99999").status_code == 404
    assert admin.get("/dashboard/staff/99999999999999").status_code == 404
    token = page_token(admin)
    response = admin.post("/dashboard/staff/99999/switch-off", data={"switch-csrf_token": token})
    assert response.status_code == 404


# --- In a real browser: keyboard only, WCAG 2.2 AA ----------------------------------------------


@pytest.fixture
def live_admin(app, live_server) -> str:
    """The app on a free local port, with an admin account and a reception account."""
    add_staff_member(app, ADMIN)
    add_staff_member(app, RECEPTION)
    return live_server


@pytest.mark.browser
@sqlite_only
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_staff_pages_work_by_keyboard_and_pass_axe(app, browser, live_admin, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(live_admin + "/login")
    sign_in_by_keyboard(page, ADMIN)
    page.goto(live_admin + "/dashboard/staff/new")
    # Add an account by keyboard alone, with a mistake first.
    tab_and_type(page, "Email address", "new.starter@example.com")
    tab_and_type(page, "First password", "too short")
    tab_and_follow(page, "Add the account")
    assert "at least 12 characters" in page.inner_text("#error-summary")
    assert page.input_value("#email") == "new.starter@example.com"
    pages = ["/dashboard/staff/new", "/dashboard/staff", "/dashboard/staff/2", "/dashboard/audit"]
    for path in pages:
        if path != "/dashboard/staff/new":
            page.goto(live_admin + path)
        assert axe_violations(page) == [], path
        assert small_targets(page) == [], path
    context.close()
