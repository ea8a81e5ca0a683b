"""A client's subject access request: one zip with everything held, decrypted, and a page they
can read; by command or by admin's button, and always in the audit trail."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from booking.domain.audit import AuditAction
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import AuditEvent, Client
from booking.services.privacy.export import export_client
from booking.services.staff import audit
from tests.support import DEFAULT_NOW
from tests.support.browser import axe_violations
from tests.support.pages import text_of
from tests.support.privacy import (
    CANCEL_NOTE,
    CARER_EMAIL,
    CARER_NAME,
    CARER_PHONE,
    DRAFT,
    EMAIL,
    MEDICATION,
    NAME,
    PHONE,
    PREFERRED,
    SESSION_TEXT,
    client_with_everything,
)
from tests.support.staff import page_token, signed_in_client


@pytest.fixture
def on_file(app):
    with app.app_context():
        return client_with_everything()


def _unzip(content: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["data.json", "report.html"]
        return json.loads(archive.read("data.json")), archive.read("report.html").decode()


def _export_events(app) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORTED_CLIENT)
            )
        )


def test_the_command_writes_everything_held_by_email(app, runner, on_file, tmp_path):
    out = tmp_path / "wren.zip"
    result = runner.invoke(args=["client-export", EMAIL, "--out", str(out)])
    assert result.exit_code == 0, result.output
    data, report = _unzip(out.read_bytes())
    assert data["client"]["name"] == NAME and data["client"]["phone"] == PHONE
    assert data["carer"]["name"] == CARER_NAME and data["carer"]["email"] == CARER_EMAIL
    assert [b["status"] for b in data["bookings"]] == ["attended", "cancelled", "confirmed"]
    assert data["bookings"][1]["cancel_note"] == CANCEL_NOTE
    assert data["check_ins"] == [
        {
            "booking_id": on_file.attended_id,
            "session_start": "2026-11-07T10:00:00+00:00",
            "answer": "gentler",
        }
    ]
    assert data["follow_ups"][0]["answer"] == "tired"
    assert data["follow_ups"][0]["lasted"] == "day_or_two"
    # Health answers decrypted, unfinished pages included.
    (intake,) = data["questionnaires"]
    assert intake["answers"]["screening"]["medications"] == MEDICATION
    assert intake["unfinished_pages"] == {"senses": {"scent_note": DRAFT}}
    assert {c["kind"] for c in data["consents"]} == {"health_data", "treatment"}
    assert data["session_records"][0]["what_helped"] == SESSION_TEXT
    assert data["agreed_changes"][0]["hands_on_minutes"] == 25
    assert sorted(m["to"] for m in data["messages"]) == sorted([EMAIL, CARER_EMAIL, PHONE])
    assert data["call_requests"][0]["phone"] == PHONE
    assert [e["action"] for e in data["audit_trail"]] == ["viewed_client"]
    # The page for the client holds the same, in words.
    for detail in (NAME, PREFERRED, CARER_PHONE, MEDICATION, SESSION_TEXT, DRAFT):
        assert detail in report
    assert "Shorter and gentler, please" in report  # the check-in answer, as they chose it
    assert "More tired than usual, lasting a day or two" in report
    assert "<script" not in report and "<style>" in report


def test_the_export_is_in_the_audit_trail_with_counts_only(app, runner, on_file, tmp_path):
    runner.invoke(args=["client-export", str(on_file.client_id), "--out", str(tmp_path / "a")])
    (event,) = _export_events(app)
    assert event.client_id == on_file.client_id and event.actor == "system"
    assert event.detail == (
        "bookings: 3, questionnaires: 1, consents: 2, session records: 1, messages: 3"
    )


def test_the_report_escapes_what_people_typed(app, runner, on_file, tmp_path):
    with app.app_context():
        db.session.get(Client, on_file.client_id).preferred_name = "<b>Wren</b>"
        db.session.commit()
    out = tmp_path / "escaped.zip"
    assert runner.invoke(args=["client-export", EMAIL, "--out", str(out)]).exit_code == 0
    _, report = _unzip(out.read_bytes())
    assert "<b>Wren</b>" not in report and "&lt;b&gt;Wren&lt;/b&gt;" in report


def test_the_command_names_a_client_it_cannot_find(app, runner, on_file, tmp_path):
    with app.app_context():
        db.session.add(Client(name="Same Address", email=EMAIL))
        db.session.commit()
    out = tmp_path / "none.zip"
    result = runner.invoke(args=["client-export", EMAIL, "--out", str(out)])
    assert result.exit_code != 0
    assert f"2 clients have the email address {EMAIL}" in result.output
    assert "please give the id instead" in result.output
    missing = runner.invoke(args=["client-export", "424242", "--out", str(out)])
    assert missing.exit_code != 0 and "No client has the id 424242" in missing.output
    assert not out.exists() and _export_events(app) == []


def test_admin_downloads_the_zip_from_the_client_page(app, on_file):
    admin = signed_in_client(app, StaffRole.ADMIN)
    page = admin.get(f"/dashboard/clients/{on_file.client_id}")
    assert f"Download everything held about {PREFERRED} (zip)" in text_of(page)
    response = admin.post(
        f"/dashboard/clients/{on_file.client_id}/export", data={"csrf_token": page_token(admin)}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=client-{on_file.client_id}-2026-11-21.zip"
    )
    assert "no-store" in response.headers["Cache-Control"]
    data, _ = _unzip(response.data)
    assert data["client"]["email"] == EMAIL
    (event,) = _export_events(app)
    assert event.actor == "admin@practice.test"


@pytest.mark.parametrize("role", [StaffRole.RECEPTION, StaffRole.THERAPIST], ids=str)
def test_only_admin_sees_the_data_rights_buttons(app, on_file, role):
    staff = signed_in_client(app, role)
    words = text_of(staff.get(f"/dashboard/clients/{on_file.client_id}"))
    assert NAME in words
    assert "Download everything held" not in words and "Erase" not in words


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_report_passes_axe_without_a_server(app, browser, on_file, scheme, width):
    """The client opens report.html from the zip, offline: it must stand on its own."""
    with app.app_context():
        export = export_client(on_file.client_id, audit.SYSTEM_ACTOR, DEFAULT_NOW)
    _, report = _unzip(export.content)
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    context.route("**/*", lambda route: route.abort())  # nothing is fetched from anywhere
    page = context.new_page()
    page.set_content(report)
    assert page.inner_text("h1") == f"Everything we hold about {PREFERRED}"
    assert axe_violations(page) == []
    # Nothing wider than the screen: long addresses wrap.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
