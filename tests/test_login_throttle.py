"""Password guessing at /login is slowed per email typed and per client address: every attempt
counts (so guesses sent at once cannot slip through), nothing is locked for good, and the answer
never tells which emails exist."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import uuid
from types import SimpleNamespace

import pytest

from booking.domain.statuses import StaffRole
from booking.extensions import limiter
from tests.support.mail import free_port
from tests.support.pages import csrf_token, text_of
from tests.support.staff import (
    EMAILS,
    PASSWORD,
    add_staff_member,
    ready_second_factor,
    send_code,
    sign_in,
)

THERAPIST = EMAILS[StaffRole.THERAPIST]
WAIT = "Please wait a few minutes, then try again."
PER_EMAIL = 5
PER_ADDRESS = 30


@pytest.fixture
def therapist_id(app) -> int:
    return add_staff_member(app, StaffRole.THERAPIST)


@pytest.fixture
def clock(monkeypatch) -> SimpleNamespace:
    """The limiter's memory store on a clock the test moves (it reads time.time())."""
    import limits.storage.memory as memory

    moment = SimpleNamespace(now=1_900_000_000.0)
    monkeypatch.setattr(memory, "time", SimpleNamespace(time=lambda: moment.now))
    return moment


def _try(client, email: str, password: str = "not the password", address: str | None = None):
    """One sign-in attempt (from `address`, else the test client's own 127.0.0.1)."""
    page = client.get("/login")
    data = {"csrf_token": csrf_token(page), "email": email, "password": password}
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.post("/login", data=data, environ_base=environ)


def _fail(client, email: str, times: int, address: str | None = None) -> None:
    for _ in range(times):
        assert _try(client, email, address=address).status_code == 422


def test_a_few_typos_then_the_right_password_signs_in(app, client, therapist_id):
    secret = ready_second_factor(app, THERAPIST)
    _fail(client, THERAPIST, PER_EMAIL - 1)
    response = send_code(client, _try(client, THERAPIST, PASSWORD), secret)
    assert response.status_code == 303
    assert client.get("/dashboard/").status_code == 200


def test_every_attempt_counts_even_a_successful_one(app, therapist_id):
    for _ in range(PER_EMAIL):
        assert sign_in(app.test_client(), THERAPIST).status_code == 303
    assert sign_in(app.test_client(), THERAPIST).status_code == 429


@pytest.mark.parametrize("hidden", ["\t", "\x7f", "\x01"])
def test_an_invisible_character_in_the_email_is_still_the_same_email(
    app, client, therapist_id, hidden
):
    at = THERAPIST.index("@")
    _fail(client, THERAPIST, PER_EMAIL - 1)
    disguised = THERAPIST[:at] + hidden + THERAPIST[at:]
    first = _try(client, disguised)
    assert first.status_code in (422, 429)
    # Either way the allowance for this account is now used up.
    assert _try(client, THERAPIST, PASSWORD).status_code == 429


def test_a_sign_in_that_is_not_the_pages_form_is_refused_and_signs_no_one_in(
    app, client, therapist_id
):
    page = client.get("/login")
    body = {"csrf_token": csrf_token(page), "email": THERAPIST, "password": PASSWORD}
    token = {"X-CSRFToken": body["csrf_token"]}
    assert client.post("/login", json=body, headers=token).status_code == 415
    assert client.get("/dashboard/").status_code == 302


def test_too_many_refusals_for_one_email_pause_it_even_with_the_right_password(
    app, client, therapist_id
):
    _fail(client, THERAPIST, PER_EMAIL)
    response = _try(client, THERAPIST, PASSWORD)
    assert response.status_code == 429
    assert WAIT in text_of(response)
    assert client.get("/dashboard/").status_code == 302  # not signed in
    # The same email typed differently is the same email.
    assert _try(client, "  THERAPIST@practice.test", PASSWORD).status_code == 429
    # Another email from the same address is not held up.
    assert _try(client, "someone.else@practice.test").status_code == 422


def test_the_pause_page_is_the_same_whether_or_not_the_email_has_an_account(app, therapist_id):
    unknown = "nobody@practice.test"
    known_client, unknown_client = app.test_client(), app.test_client()
    _fail(known_client, THERAPIST, PER_EMAIL)
    _fail(unknown_client, unknown, PER_EMAIL)
    known = _try(known_client, THERAPIST)
    nobody = _try(unknown_client, unknown)
    assert known.status_code == nobody.status_code == 429
    assert text_of(known).replace(THERAPIST, "EMAIL") == text_of(nobody).replace(unknown, "EMAIL")
    body = nobody.get_data(as_text=True)
    assert re.search(r'<input [^>]*id="email"[^>]*value="nobody@practice.test"', body)
    assert "not the password" not in body  # the password is never sent back
    assert nobody.headers["Cache-Control"] == "no-store"
    # The form still works: it carries a fresh token and keeps its action.
    assert csrf_token(nobody) and 'action="/login"' in body


def test_too_many_refusals_from_one_address_pause_it(app, client, therapist_id):
    for number in range(PER_ADDRESS):
        _fail(client, f"guess{number}@practice.test", 1, address="198.51.100.7")
    response = _try(client, THERAPIST, PASSWORD, address="198.51.100.7")
    assert response.status_code == 429
    assert WAIT in text_of(response)
    # Someone at another address is not affected.
    assert _try(app.test_client(), THERAPIST, PASSWORD).status_code == 303


def test_the_pause_ends_by_itself(app, client, clock, therapist_id):
    _fail(client, THERAPIST, PER_EMAIL)
    assert _try(client, THERAPIST, PASSWORD).status_code == 429
    clock.now += 14 * 60
    assert _try(client, THERAPIST, PASSWORD).status_code == 429
    clock.now += 60 + 1  # 15 minutes after the first refusal
    assert _try(client, THERAPIST, PASSWORD).status_code == 303


def test_asking_for_the_sign_in_page_is_never_paused(app, client, therapist_id):
    _fail(client, THERAPIST, PER_EMAIL)
    assert client.get("/login").status_code == 200


def test_each_app_starts_with_an_empty_count(make_app, _schema, therapist_id):
    first = make_app()
    _fail(first.test_client(), THERAPIST, PER_EMAIL)
    assert _try(first.test_client(), THERAPIST, PASSWORD).status_code == 429
    second = make_app()
    assert _try(second.test_client(), THERAPIST, PASSWORD).status_code == 303


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_against_a_real_redis(make_app, _schema):
    if not _redis_reachable():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    app = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15")
    add_staff_member(app, StaffRole.RECEPTION)
    reception = EMAILS[StaffRole.RECEPTION]
    # A fresh address, so earlier runs against the same Redis do not count.
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    client = app.test_client()
    try:
        assert type(limiter.storage).__name__ == "RedisStorage"
        limiter.storage.reset()  # nothing left from an earlier run
        _fail(client, reception, PER_EMAIL, address=address)
        assert _try(client, reception, PASSWORD, address=address).status_code == 429
    finally:
        limiter.storage.reset()  # database 15 is kept for these tests
    try:
        assert _try(client, reception, PASSWORD, address=address).status_code == 303
    finally:
        limiter.storage.reset()


def test_an_oversized_sign_in_is_refused_without_upsetting_the_count(app, client, therapist_id):
    page = client.get("/login")
    data = {"csrf_token": csrf_token(page), "email": "x" * (2 * 1024 * 1024), "password": "p"}
    assert client.post("/login", data=data).status_code == 413
    assert _try(client, THERAPIST, PASSWORD).status_code == 303


@pytest.mark.slow
def test_with_redis_down_sign_in_pauses_for_everyone_then_counts_again(make_app, _schema):
    """Counting in each process's memory would let several times the guesses through (one
    allowance per worker), so while Redis is away nobody signs in, with a calm message."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed here")
    port = free_port()
    command = [server, "--port", str(port), "--save", "", "--appendonly", "no"]
    redis_process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        _wait_until_listening(port)
        app = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0")
        add_staff_member(app, StaffRole.RECEPTION)
        reception = EMAILS[StaffRole.RECEPTION]
        client = app.test_client()
        assert _try(client, reception).status_code == 422  # counted in Redis
        redis_process.terminate()
        redis_process.wait(10)
        paused = _try(client, reception, PASSWORD)
        assert paused.status_code == 503
        assert paused.headers["Retry-After"] == "30"
        assert "Signing in is paused for a moment" in text_of(paused)
        assert reception in paused.get_data(as_text=True)  # what was typed is kept
        assert client.get("/login").status_code == 200  # the page itself still opens
        redis_process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _wait_until_listening(port)
        assert _try(client, reception, PASSWORD).status_code == 303
    finally:
        redis_process.terminate()
        redis_process.wait(10)


def _wait_until_listening(port: int) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on port {port}")
