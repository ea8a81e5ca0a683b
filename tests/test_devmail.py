"""Development's mailbox and its viewer (/dev/mail): with no MAIL_SERVER the outbox worker
delivers to a folder, and the viewer shows each message as its recipient would see it, with
its calendar files, the texts, the desk's calls, and "send what would be due at …"."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from booking import create_app
from booking.extensions import db
from booking.models import Booking
from booking.services.messaging import notify, outbox
from config import ConfigError, DevelopmentConfig, ProductionConfig
from tests.conftest import empty_all_tables
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client, booking_for
from tests.support.mail import free_port
from tests.support.pages import csrf_token, text_of

MOBILE = "+447700900123"


@pytest.fixture
def app(_schema, make_app, tmp_path):
    """The test app, delivering to a development mailbox in tmp_path (no MAIL_SERVER)."""
    app = make_app(DEV_MAIL_DIR=str(tmp_path / "dev-mail"))
    yield app
    with app.app_context():
        db.session.remove()
        empty_all_tables()


def one_pass(app, moment: datetime = DEFAULT_NOW) -> outbox.RunReport:
    with app.app_context():
        return outbox.run_once(lambda: moment)


def listed(client) -> list[tuple[str, str, str]]:
    """(to, subject, link) for each message on the viewer's list."""
    html = client.get("/dev/mail/").get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]
    found = []
    for row in rows:
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        link, subject = re.search(r'<a href="([^"]+)">([^<]+)</a>', cells[3]).groups()
        found.append((cells[2].strip(), subject.replace("&#39;", "'"), link))
    return found


def test_one_worker_pass_shows_the_confirmation_and_the_therapists_invite(app, client, practice):
    book_as_client(app)
    report = one_pass(app)
    assert report.sent >= 2
    messages = listed(client)
    to = {recipient for recipient, _, _ in messages}
    assert "ann@example.com" in to and "maya@stillwaters.example" in to
    confirmation = next(m for m in messages if m[1].startswith("Booked: "))
    assert confirmation[0] == "ann@example.com"
    page = client.get(confirmation[2])
    words = text_of(page)
    assert "Monday 23 November" in words and "As plain text" in words
    assert "As an email program shows it" in words
    html = client.get(confirmation[2] + "/html")
    assert "sandbox" in html.headers["Content-Security-Policy"]
    assert "Monday 23 November" in html.get_data(as_text=True)
    invite = next(m for m in messages if m[0] == "maya@stillwaters.example")
    ics = client.get(invite[2] + "/calendar-1.ics")
    assert ics.mimetype == "text/calendar"
    assert "method=REQUEST" in ics.headers["Content-Type"]
    assert b"BEGIN:VEVENT" in ics.data and b"DTSTART:20261123T101500Z" in ics.data
    assert "attachment" in ics.headers["Content-Disposition"]


def test_send_what_would_be_due_runs_the_workers_rules_without_moving_anything(
    app, client, practice
):
    token = book_as_client(app, phone=MOBILE)
    with app.app_context():
        client_row = db.session.get(Booking, booking_for(app, token).id).client
        client_row.reminder_channels = "email,sms"
        notify.reroute_reminders(client_row.id, DEFAULT_NOW)  # as the questionnaire does
        db.session.commit()
    one_pass(app)
    before = len(listed(client))
    page = client.get("/dev/mail/")
    answer = client.post(
        "/dev/mail/send-due",
        data={"csrf_token": csrf_token(page), "at": "2026-11-22T10:05"},  # the day before
    )
    assert answer.status_code == 303
    after = client.get(answer.headers["Location"])
    assert "As if it were Sunday 22 November at 10:05" in text_of(after)
    messages = listed(client)
    assert len(messages) > before
    text = next(m for m in messages if m[0] == MOBILE)
    assert "a reminder of your session tomorrow" in text_of(client.get(text[2]))
    assert any(m[0] == "ann@example.com" and m[1].startswith("Tomorrow") for m in messages)
    with app.app_context():  # the booking is where it was
        assert db.session.scalars(select(Booking.start_utc)).one() == MONDAY


def test_a_moment_left_out_is_asked_for_next_to_the_field(app, client, practice):
    page = client.get("/dev/mail/")
    answer = client.post("/dev/mail/send-due", data={"csrf_token": csrf_token(page), "at": ""})
    assert answer.status_code == 422
    assert "Please choose a date and time" in text_of(answer)


def test_an_unknown_message_is_a_404(app, client):
    assert client.get("/dev/mail/no-such-message").status_code == 404
    assert client.get("/dev/mail/no-such-message/calendar-1.ics").status_code == 404


def test_development_without_a_mail_server_keeps_messages_in_the_instance_folder(tmp_path):
    config = DevelopmentConfig({"DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}"})
    app = create_app(config, instance_path=str(tmp_path))
    assert app.config["DEV_MAIL_DIR"] == str(tmp_path / "dev-mail")
    assert "devmail.inbox" in app.view_functions
    with_server = DevelopmentConfig(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}", "MAIL_SERVER": "mail.example"}
    )
    assert (
        "devmail.inbox" not in create_app(with_server, instance_path=str(tmp_path)).view_functions
    )


def test_production_has_no_viewer_and_refuses_to_start_without_a_mail_server(tmp_path):
    environ = {
        "SECRET_KEY": "k" * 48,
        "FIELD_ENCRYPTION_KEY": "L8a3n1n4mX2W6q2rUo7cS4bY6eT0hJ9kP1vZ3xQ5wE8=",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
        "DEV_MAIL_DIR": str(tmp_path / "dev-mail"),
    }
    with pytest.raises(ConfigError, match=r"^MAIL_SERVER is not set\."):
        ProductionConfig(environ)
    app = create_app(ProductionConfig(environ | {"MAIL_SERVER": "mail.example"}), str(tmp_path))
    assert app.config["DEV_MAIL_DIR"] is None
    assert not any(rule.rule.startswith("/dev") for rule in app.url_map.iter_rules())
    assert app.test_client().get("/dev/mail/").status_code == 404
    assert not Path(tmp_path / "dev-mail").exists()


ROOT = Path(__file__).resolve().parent.parent


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def _until(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.slow
def test_make_run_in_a_fresh_clone_serves_the_site_the_worker_and_the_viewer(tmp_path):
    """One command serves the site, sends a booking's messages to /dev/mail, and one Ctrl+C
    (SIGINT to the terminal's process group) stops the server and the worker both."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    keep = ("PATH", "HOME", "LANG", "TMPDIR")
    environ = {name: os.environ[name] for name in keep if name in os.environ}
    log = (tmp_path / "make-run.log").open("w")
    # The project's own environment, so nothing is downloaded; everything else is the clone's.
    make = ["make", "-C", str(clone), "run", f"PORT={port}", f"VENV={ROOT / '.venv'}"]
    process = subprocess.Popen(
        make, env=environ, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        assert _until(lambda: _get(base + "/")[0] == 200, 120), (
            tmp_path / "make-run.log"
        ).read_text()
        assert _get(base + "/dev/mail/")[0] == 200
        booking = {
            "service": "first-gentle-session",
            "start": _first_free_start(base),
            "client": {"name": "Ann Smith", "email": "ann@example.com"},
        }
        request = urllib.request.Request(
            base + "/api/v1/bookings",
            data=json.dumps(booking).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 201
        assert _until(lambda: "Booked: " in _get(base + "/dev/mail/")[1], 60)
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in the terminal
        process.wait(30)
        log.close()
    # Nothing of the group is left running: not the server, not the worker.
    assert _until(lambda: not _group_alive(process.pid), 15), (
        tmp_path / "make-run.log"
    ).read_text()


def _first_free_start(base: str) -> str:
    today = datetime.now().date()  # the real clock: `make run` is not frozen
    query = urllib.parse.urlencode(
        {
            "service": "first-gentle-session",
            "start": (today + timedelta(days=1)).isoformat(),
            "end": (today + timedelta(days=14)).isoformat(),
        }
    )
    status, body = _get(f"{base}/api/v1/availability?{query}")
    assert status == 200, body
    return json.loads(body)["slots"][0]["start"]


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
