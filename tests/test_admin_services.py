"""Admin's services editor: add and change services; switch off, never delete; bookings keep
their times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.domain.audit import AuditAction
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import AuditEvent, Booking, Service
from booking.services.practice import services_admin
from booking.services.practice.catalogue import bookable_services
from tests.support import DEFAULT_NOW
from tests.support.factories import make_booking, make_service
from tests.support.pages import text_of
from tests.support.staff import page_token, signed_in_client

VALID = {
    "name": "Gentle massage",
    "slug": "gentle-massage",
    "description": "",
    "minutes": "60",
    "hands_on_minutes": "45",
    "buffer_before_minutes": "10",
    "buffer_after_minutes": "15",
    "first_visit": None,
    "home_visit": None,
    "active": "y",
    "order": "20",
}


@pytest.fixture
def admin(app):
    return signed_in_client(app, StaffRole.ADMIN)


@pytest.fixture
def services(app) -> dict[str, int]:
    """A first-visit service and a regular one with a booking next week."""
    with app.app_context():
        first = make_service(
            name="First gentle session", slug="first-gentle-session", minutes=45, first_visit=True
        )
        gentle = make_service(
            name="Gentle massage",
            slug="gentle-massage",
            minutes=60,
            hands_on_minutes=45,
            description="",
            sort_order=20,
        )
        booked = make_booking(service=gentle, start_utc=DEFAULT_NOW + timedelta(days=3))
        db.session.commit()
        return {"first": first.id, "gentle": gentle.id, "booking": booked.id}


def version(app, service_id: int) -> str:
    with app.app_context():
        return services_admin.version_of(db.session.get(Service, service_id))


def post(client, path: str, seen: str = "", **values):
    data = {"csrf_token": page_token(client), "seen": seen}
    for name, value in (VALID | values).items():
        if value is not None:  # an unticked box is simply not sent
            data[name] = value
    return client.post(path, data=data)


def save(app, admin, service_id: int, **values):
    return post(admin, f"/dashboard/services/{service_id}", version(app, service_id), **values)


def stored(app, service_id: int) -> Service:
    with app.app_context():
        service = db.session.get(Service, service_id)
        db.session.expunge(service)
        return service


def audit_details(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.detail)
                .where(AuditEvent.action == AuditAction.CHANGED_SERVICE)
                .order_by(AuditEvent.id)
            )
        )


def test_the_list_shows_every_service_switched_off_ones_too(app, admin, services):
    with app.app_context():
        make_service(name="Old hot stones", slug="old-hot-stones", active=False, sort_order=99)
        db.session.commit()
    words = text_of(admin.get("/dashboard/services"))
    assert "Gentle massage /gentle-massage 60 minutes, 45 hands-on" in words
    assert "Old hot stones /old-hot-stones" in words and "No, switched off" in words
    assert "First visit" in words


@pytest.mark.parametrize("role", [StaffRole.RECEPTION, StaffRole.THERAPIST], ids=str)
def test_only_the_admin_changes_services(app, services, role):
    staff = signed_in_client(app, role)
    assert staff.get("/dashboard/services").status_code == 403
    response = post(staff, f"/dashboard/services/{services['gentle']}", name="Renamed")
    assert response.status_code == 403
    assert stored(app, services["gentle"]).name == "Gentle massage"


def test_adding_a_service(app, admin, services):
    form = admin.get("/dashboard/services/new")
    assert 'value="10"' in form.get_data(as_text=True)  # the usual rest before, filled in
    response = post(
        admin,
        "/dashboard/services/new",
        name="Home visit",
        slug="Home-Visit",
        minutes="40",
        hands_on_minutes="20",
        buffer_before_minutes="30",
        buffer_after_minutes="30",
        home_visit="y",
    )
    assert response.status_code == 303
    assert "Added: Home visit" in text_of(admin.get("/dashboard/services"))
    with app.app_context():
        added = db.session.scalar(select(Service).where(Service.slug == "home-visit"))
        assert (added.minutes, added.hands_on_minutes, added.home_visit, added.active) == (
            40,
            20,
            True,
            True,
        )
        assert (added.buffer_before_minutes, added.buffer_after_minutes) == (30, 30)
    assert audit_details(app) == ["added Home visit (40 minutes)"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "Please give the service a name."),
        ({"name": "\x00 \x01"}, "name", "Please give the service a name."),
        ({"slug": "gentle massage!"}, "slug", "lower-case letters and numbers joined by single"),
        ({"slug": "gentle--massage"}, "slug", "lower-case letters and numbers joined by single"),
        ({"minutes": "ten"}, "minutes", "Please use a whole number, for example 45."),
        ({"minutes": "0"}, "minutes", "Please use a number from 5 to 480."),
        ({"minutes": "9" * 30}, "minutes", "Please use a number from 5 to 480."),
        ({"hands_on_minutes": "70"}, "hands_on_minutes", "must fit within the length (60"),
        ({"buffer_before_minutes": "-5"}, "buffer_before_minutes", "from 0 to 240"),
        ({"buffer_after_minutes": "241"}, "buffer_after_minutes", "from 0 to 240"),
        ({"order": "1e9"}, "order", "Please use a whole number, for example 30."),
    ],
)
def test_bad_values_are_explained_next_to_the_field_and_nothing_typed_is_lost(
    app, admin, services, values, field, message
):
    response = save(app, admin, services["gentle"], description="Typed with care.", **values)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{field}-error"' in body
    assert message in text_of(response)
    assert "Typed with care." in body
    assert stored(app, services["gentle"]).description == ""  # nothing saved
    assert audit_details(app) == []


def test_a_web_address_in_use_is_refused_next_to_the_field(app, admin, services):
    response = save(app, admin, services["gentle"], slug="first-gentle-session")
    assert response.status_code == 422
    assert 'id="slug-error"' in response.get_data(as_text=True)
    assert "Another service already uses this web address." in text_of(response)
    added = post(admin, "/dashboard/services/new", slug="gentle-massage")
    assert added.status_code == 422
    assert "Another service already uses this web address." in text_of(added)


def test_a_new_length_changes_new_bookings_only(app, admin, services):
    with app.app_context():
        before = db.session.get(Booking, services["booking"])
        times = (
            before.start_utc,
            before.end_utc,
            before.blocked_from_utc,
            before.blocked_until_utc,
        )
    response = save(app, admin, services["gentle"], minutes="75", buffer_after_minutes="20")
    assert response.status_code == 303
    assert "Saved: Gentle massage" in text_of(admin.get("/dashboard/services"))
    assert stored(app, services["gentle"]).minutes == 75
    with app.app_context():
        after = db.session.get(Booking, services["booking"])
        assert (
            after.start_utc,
            after.end_utc,
            after.blocked_from_utc,
            after.blocked_until_utc,
        ) == (times)
    assert audit_details(app) == [
        "Gentle massage: length 60 → 75 minutes; rest after 15 → 20 minutes"
    ]


def test_switching_a_service_off_keeps_it_and_its_bookings(app, admin, services):
    assert save(app, admin, services["gentle"], active=None).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Service)) == 2
        assert "gentle-massage" not in [s.slug for s in bookable_services()]
        assert db.session.get(Booking, services["booking"]).service_id == services["gentle"]
    assert audit_details(app) == ["Gentle massage: offered yes → no"]
    assert save(app, admin, services["gentle"]).status_code == 303  # and back on
    with app.app_context():
        assert "gentle-massage" in [s.slug for s in bookable_services()]


def test_the_last_first_visit_service_cannot_be_switched_off(app, admin, services):
    first = services["first"]
    values = {"name": "First gentle session", "slug": "first-gentle-session", "minutes": "45"}
    values |= {"hands_on_minutes": "", "first_visit": "y"}
    response = save(app, admin, first, **(values | {"active": None}))
    assert response.status_code == 422
    assert 'id="active-error"' in response.get_data(as_text=True)
    assert "This is the only first-visit service offered" in text_of(response)
    assert stored(app, first).active is True
    # With another first-visit service offered, it may go.
    assert save(app, admin, services["gentle"], first_visit="y").status_code == 303
    assert save(app, admin, first, **(values | {"active": None})).status_code == 303
    assert stored(app, first).active is False


def test_saving_the_same_values_changes_nothing(app, admin, services):
    response = save(app, admin, services["gentle"], description="")
    assert response.status_code == 303
    assert "Nothing changed: Gentle massage" in text_of(admin.get("/dashboard/services"))
    assert audit_details(app) == []


def test_a_service_changed_meanwhile_is_never_overwritten_unseen(app, admin, services):
    opened = version(app, services["gentle"])
    assert save(app, admin, services["gentle"], minutes="50").status_code == 303  # someone else
    stale = post(admin, f"/dashboard/services/{services['gentle']}", opened, minutes="90")
    assert stale.status_code == 409
    words = text_of(stale)
    assert "Someone else changed this service while you were editing it" in words
    assert "Gentle massage (/gentle-massage): 50 minutes" in words  # what is saved now
    assert 'value="90"' in stale.get_data(as_text=True)  # what was typed
    assert stored(app, services["gentle"]).minutes == 50


def test_an_unknown_service_is_not_found(app, admin):
    assert admin.get("/dashboard/services/999999").status_code == 404
    assert admin.get("/dashboard/services/99999999999").status_code == 404
    assert post(admin, "/dashboard/services/999999").status_code == 404
