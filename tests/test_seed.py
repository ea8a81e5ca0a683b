"""`flask --app wsgi seed-demo` builds a believable practice, once."""

from datetime import UTC, date, datetime, time
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Closure, Opening, OpeningHours, Practitioner, Service, StaffUser
from booking.passwords import hash_password, password_matches
from tests.support import sqlite_only
from tests.support.factories import make_service

MODELS = [Practitioner, Service, OpeningHours, Opening, Closure, StaffUser]


def row_counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_seed_demo_twice_adds_everything_once(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Demo practice added" in first.output
    with app.app_context():
        after_first = row_counts()

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "nothing added" in second.output
    with app.app_context():
        assert row_counts() == after_first
    assert after_first == {
        "Practitioner": 2,
        "Service": 4,
        "OpeningHours": 7,
        "Opening": 1,
        "Closure": 1,  # the clock says 21 November 2026, so Christmas is in the window
        "StaffUser": 4,
    }
    for output in (first.output, second.output):
        assert "admin@stillwaters.example" in output
        assert "reception@stillwaters.example" in output
        assert "password: demo-admin-calm" in output


def test_seed_demo_services_follow_the_practice_rules(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        services = {s.slug: s for s in db.session.scalars(select(Service))}
        first = services["first-gentle-session"]
        assert (first.name, first.minutes, first.hands_on_minutes) == (
            "First gentle session",
            45,
            30,
        )
        assert first.first_visit and not first.home_visit
        assert [s.slug for s in services.values() if s.first_visit] == ["first-gentle-session"]
        assert services["home-visit"].home_visit
        assert services["short-session"].minutes < services["gentle-massage"].minutes
        for service in services.values():
            assert service.buffer_before_minutes >= 10
            assert service.buffer_after_minutes >= 15


def test_seed_demo_opens_the_next_eight_weeks(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        hours = list(db.session.scalars(select(OpeningHours)))
        assert {h.valid_from for h in hours} == {date(2026, 11, 21)}
        assert {h.valid_to for h in hours} == {date(2027, 1, 15)}  # 8 weeks, inclusive
        assert {h.practitioner.name for h in hours} == {"Maya Okafor", "Tom Reid"}

        christmas = db.session.scalar(select(Closure))
        assert christmas.practitioner_id is None
        assert christmas.start_utc == datetime(2026, 12, 25, 0, 0, tzinfo=UTC)  # GMT = UTC
        assert christmas.end_utc == datetime(2026, 12, 27, 0, 0, tzinfo=UTC)

        saturday = db.session.scalar(select(Opening))
        assert saturday.start_utc == datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def test_seed_demo_converts_summer_local_times_to_utc(app, runner, freeze):
    freeze(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        saturday = db.session.scalar(select(Opening))
        # 10:00 in London in June is 09:00 UTC (British Summer Time).
        assert saturday.start_utc == datetime(2027, 6, 19, 9, 0, tzinfo=UTC)
        assert db.session.scalar(select(func.count()).select_from(Closure)) == 0
        wednesday = db.session.scalar(
            select(OpeningHours).where(
                OpeningHours.weekday == 2, OpeningHours.start_local > time(12)
            )
        )
        assert wednesday.end_local == time(19, 0)


def test_seed_demo_staff_can_sign_in_with_the_printed_passwords(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        staff = {u.email: u for u in db.session.scalars(select(StaffUser))}
        assert staff["admin@stillwaters.example"].role is StaffRole.ADMIN
        assert staff["reception@stillwaters.example"].role is StaffRole.RECEPTION
        maya = staff["maya@stillwaters.example"]
        assert maya.role is StaffRole.THERAPIST
        assert maya.practitioner.name == "Maya Okafor"
        assert maya.password_hash.startswith("$argon2id$")
        assert password_matches(maya.password_hash, "demo-therapist-calm")
        assert not password_matches(maya.password_hash, "demo-admin-calm")


def test_seed_demo_if_empty_leaves_a_real_practice_alone(app, runner):
    with app.app_context():
        make_service(slug="our-own-service")
        db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "no demo data added" in result.output
    with app.app_context():
        assert row_counts()["Practitioner"] == 0


@sqlite_only
@pytest.mark.parametrize("flag", [[], ["--if-empty"]])
def test_seed_demo_refuses_to_run_in_production(make_app, flag):
    app = make_app(APP_ENV="production")
    result = app.test_cli_runner().invoke(args=["seed-demo", *flag])
    assert result.exit_code != 0
    assert "will not run in production" in result.output


def test_seed_demo_on_later_days_tops_up_without_duplicating(app, runner, freeze):
    for day in (21, 22, 28):  # the next day, a week later, then weeks later
        freeze(datetime(2026, 11, day, 9, 0, tzinfo=UTC))
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Opening)) == 1
        # The next day adds nothing (almost eight weeks are left); a week later tops up a week.
        assert db.session.scalar(select(func.count()).select_from(OpeningHours)) == 14
        before = row_counts()
    freeze(datetime(2026, 12, 20, 9, 0, tzinfo=UTC))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        counts = row_counts()
        assert counts["Practitioner"] == before["Practitioner"]
        assert counts["StaffUser"] == before["StaffUser"]
        assert counts["Opening"] == 2  # the first Saturday has passed; one more is to come
        for practitioner in db.session.scalars(select(Practitioner)):
            hours = sorted(
                (h.valid_from, h.valid_to)
                for h in db.session.scalars(
                    select(OpeningHours).where(OpeningHours.practitioner_id == practitioner.id)
                )
            )
            ranges = sorted(set(hours))
            # Consecutive, never overlapping, and reaching eight weeks past 20 December.
            assert all(a[1] < b[0] for a, b in pairwise(ranges))
            assert ranges[-1][1] == date(2027, 2, 13)


def test_seed_demo_if_empty_still_prints_the_demo_logins_that_work(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        reception = db.session.scalar(
            select(StaffUser).where(StaffUser.email == "reception@stillwaters.example")
        )
        reception.password_hash = hash_password("a-real-password-now")
        db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "no demo data added" in result.output
    assert "admin@stillwaters.example" in result.output
    assert "reception@stillwaters.example" not in result.output  # its password was changed
