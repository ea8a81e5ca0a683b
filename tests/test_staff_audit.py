"""The admin's audit trail page: newest first, in words, filtered, paged, in a fixed number of
queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from booking.domain.audit import AuditAction
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.services.staff import audit
from tests.support import DEFAULT_NOW
from tests.support.factories import make_client
from tests.support.pages import text_of
from tests.support.queries import count_queries
from tests.support.staff import signed_in_client


@pytest.fixture
def admin(app):
    return signed_in_client(app, StaffRole.ADMIN)


def _record(app, action: AuditAction, minutes: int = 0, **where) -> None:
    with app.app_context():
        actor = audit.Actor(None, "reception@practice.test")
        audit.record(actor, action, DEFAULT_NOW + timedelta(minutes=minutes), **where)
        db.session.commit()


def _client(app, name: str) -> int:
    with app.app_context():
        client_id = make_client(name=name).id
        db.session.commit()
        return client_id


def test_events_show_newest_first_in_words(app, admin):
    rowan = _client(app, "Rowan Ash")
    _record(app, AuditAction.VIEWED_INTAKE, client_id=rowan)
    _record(app, AuditAction.CANCELLED, 5, client_id=rowan, booking_id=12, detail="reason: unwell")
    _record(app, AuditAction.PURGED_RECORDS, 10, client_id=4242, detail="intakes: 1")
    page = admin.get("/dashboard/audit")
    words = text_of(page).split("Events, newest first")[1]  # the table, not the filter's list
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    first = words.index("removed records past their keeping time")
    second = words.index("cancelled a session")
    third = words.index("opened the intake answers")
    assert first < second < third
    assert (
        "Sat 21 Nov 2026, 10:05 reception@practice.test cancelled a session "
        f"Rowan Ash (client {rowan}) Booking 12 reason: unwell" in words
    )
    assert f'href="/dashboard/clients/{rowan}/practical"' in body
    assert "Client 4242 (no longer on file)" in words


def test_times_are_shown_in_the_practice_s_zone(app, admin):
    with app.app_context():
        summer = DEFAULT_NOW.replace(month=7)
        audit.record(audit.SYSTEM_ACTOR, AuditAction.PURGED_RECORDS, summer)
        db.session.commit()
    words = text_of(admin.get("/dashboard/audit"))
    assert "Tue 21 Jul 2026, 11:00 The system removed records" in words  # BST, one hour on


def test_filtering_by_client_and_by_action(app, admin):
    rowan, sam = _client(app, "Rowan Ash"), _client(app, "Sam Birch")
    _record(app, AuditAction.VIEWED_INTAKE, client_id=rowan)
    _record(app, AuditAction.CANCELLED, 1, client_id=rowan)
    _record(app, AuditAction.CANCELLED, 2, client_id=sam)
    words = text_of(admin.get(f"/dashboard/audit?client={rowan}"))
    assert "Rowan Ash" in words and "Sam Birch" not in words
    words = text_of(admin.get("/dashboard/audit?action=cancelled"))
    assert "Rowan Ash" in words and "Sam Birch" in words
    assert "opened the intake answers" not in words.split("Events, newest first")[1]
    words = text_of(admin.get(f"/dashboard/audit?client={sam}&action=viewed_intake"))
    assert "Nothing matches these filters." in words


@pytest.mark.parametrize(
    "query", ["client=abc", "client=0", "client=99999999999999999", "action=deleted_everything"]
)
def test_bad_filters_are_explained_not_a_500(app, admin, query):
    response = admin.get(f"/dashboard/audit?{query}")
    assert response.status_code == 422
    assert "Please" in text_of(response)


def test_paging_through_older_events(app, admin, monkeypatch):
    from booking.services.staff import audit_trail

    monkeypatch.setattr(audit_trail, "PAGE_SIZE", 3)
    client_id = _client(app, "Rowan Ash")
    for minute in range(7):
        _record(app, AuditAction.VIEWED_CLIENT, minute, client_id=client_id, detail=f"n{minute}")
    seen = []
    path = f"/dashboard/audit?client={client_id}"
    while path:
        page = admin.get(path)
        body = page.get_data(as_text=True)
        seen += re.findall(r"<td>(n\d)</td>", body)
        older = body.split('id="older" href="')
        path = older[1].split('"')[0].replace("&amp;", "&") if len(older) > 1 else None
        if path:
            assert f"client={client_id}" in path  # the filter is kept
    assert seen == ["n6", "n5", "n4", "n3", "n2", "n1", "n0"]


def test_the_page_loads_in_the_same_few_queries_however_many_events(app, admin):
    _record(app, AuditAction.VIEWED_CLIENT, client_id=_client(app, "One"))
    few = count_queries(app, admin, "/dashboard/audit")
    for minute in range(20):
        _record(app, AuditAction.BOOKED, minute, client_id=_client(app, f"C{minute}"), booking_id=1)
    assert count_queries(app, admin, "/dashboard/audit") == few
    assert few <= 4  # the signed-in account, the events, their clients' names
