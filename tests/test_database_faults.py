"""The web side when the database fails under it: a full disk (SQLite on a real, small
filesystem), a PostgreSQL server that goes away and comes back, a connection that drops once.
Nobody gets a 500; a form's typed answers come back ready to send again."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import event, select

from booking.extensions import db
from booking.models import CallRequest
from tests.support import sqlite_only
from tests.support.pages import csrf_token, text_of
from tests.support.postgres_cluster import throwaway_cluster

CALL = {"name": "Ann Smith", "phone": "07700 900123", "best_time": "morning"}


def _migrate(app) -> None:
    with app.app_context():
        command.upgrade(app.extensions["migrate"].migrate.get_config(), "head")


def _ask_for_a_call(client, page=None):
    page = page or client.get("/call-me")
    return client.post("/call-me", data={"csrf_token": csrf_token(page), **CALL})


def _kept_fields(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


@contextlib.contextmanager
def _small_disk(megabytes: int):
    """A real filesystem of its own (tmpfs), unmounted afterwards; skipped where mounting is
    not allowed (it needs root)."""
    folder = Path(tempfile.mkdtemp(prefix="booking-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip("cannot mount a small filesystem here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def _fill(folder: Path) -> Path:
    """Take every free byte of the filesystem; returns the filler to remove later."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (65536, 4096, 512, 1):  # big pieces first, then the last crumbs
            with contextlib.suppress(OSError):
                while True:
                    out.write(b"\0" * size)
    return filler


@sqlite_only  # the app's database here is one of this test's own
def test_a_full_disk_answers_503_keeps_what_was_typed_and_the_health_check_says_so(make_app):
    with _small_disk(8) as disk:
        app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{disk / 'booking.db'}")
        _migrate(app)
        client = app.test_client()
        page = client.get("/call-me")
        filler = _fill(disk)
        try:
            refused = _ask_for_a_call(client, page)
            assert refused.status_code == 503
            assert refused.headers["Retry-After"] == "5"
            assert refused.headers["Cache-Control"] == "no-store"
            assert "We could not save that just now" in text_of(refused)
            kept = _kept_fields(refused)
            assert {name: kept[name] for name in CALL} == CALL  # nothing typed is lost
            health = client.get("/healthz")
            assert health.status_code == 503
            assert health.get_json() == {
                "status": "unavailable",
                "problem": "the database cannot write",
            }
        finally:
            filler.unlink()
        again = client.post("/call-me", data=kept)  # "Send it again", once there is room
        assert "we will call you" in text_of(again)
        assert client.get("/healthz").status_code == 200
        with app.app_context():
            assert db.session.scalars(select(CallRequest.name)).all() == ["Ann Smith"]
            db.session.remove()
            db.engine.dispose()


@sqlite_only
def test_a_page_that_meets_a_dropped_connection_is_tried_once_more(app, client, caplog):
    failures = {"left": 1}

    def drop_once(connection, cursor, statement, parameters, context, executemany):
        page_own = "availability_version" not in statement  # not the kept pages' version
        if failures["left"] and page_own and statement.lstrip().upper().startswith("SELECT"):
            failures["left"] -= 1
            raise sqlite3.OperationalError("disk I/O error")  # as a dropped connection shows

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", drop_once)
    try:
        page = client.get("/book")
        assert page.status_code == 200
        assert failures["left"] == 0
        assert "trying once more" in caplog.text
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", drop_once)


@pytest.mark.slow
@sqlite_only  # the app's database here is a PostgreSQL server of this test's own
def test_while_postgresql_restarts_pages_and_forms_answer_503_then_work(make_app):
    with throwaway_cluster() as cluster:
        app = make_app(SQLALCHEMY_DATABASE_URI=cluster.url)
        _migrate(app)
        client = app.test_client()
        page = client.get("/call-me")
        assert client.get("/book").status_code == 200
        cluster.stop()
        assert client.get("/book").status_code == 503
        assert client.get("/healthz").status_code == 503
        refused = _ask_for_a_call(client, page)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
        kept = _kept_fields(refused)
        cluster.start()
        assert client.get("/healthz").status_code == 200  # no restart of the app needed
        assert "we will call you" in text_of(client.post("/call-me", data=kept))
        with app.app_context():
            assert db.session.scalars(select(CallRequest.name)).all() == ["Ann Smith"]
