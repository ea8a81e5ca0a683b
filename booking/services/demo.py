"""A believable demo practice for trying the app. Safe to run again: adds only what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import (
    Closure,
    Opening,
    OpeningHours,
    Practitioner,
    ScreeningQuestion,
    Service,
)
from booking.passwords import password_matches
from booking.services.intake.screening import default_rows
from booking.services.staff.accounts import add_staff, find_staff
from booking.transactions import write_transaction

SEED_WEEKS = 8
ONE_DAY = timedelta(days=1)
ONE_WEEK = timedelta(weeks=1)

PRACTITIONERS = [
    {
        "name": "Maya Okafor",
        "email": "maya@stillwaters.example",
        "bio": "Maya has worked with people with ME/CFS for twelve years. Quiet, slow and gentle.",
    },
    {
        "name": "Tom Reid",
        "email": "tom@stillwaters.example",
        "bio": "Tom visits people at home who cannot travel, and works in a dim, quiet room.",
    },
]

SERVICES = [
    {
        "slug": "first-gentle-session",
        "name": "First gentle session",
        "description": "A short, light first session, so your body can get used to massage. "
        "We talk first, and you choose the areas. You can stay covered or clothed.",
        "minutes": 45,
        "hands_on_minutes": 30,
        "first_visit": True,
        "sort_order": 1,
    },
    {
        "slug": "gentle-massage",
        "name": "Gentle massage",
        "description": "A calm, light-pressure massage, adapted to how you are on the day.",
        "minutes": 60,
        "hands_on_minutes": 45,
        "sort_order": 2,
    },
    {
        "slug": "short-session",
        "name": "Short session",
        "description": "Hands, feet or back only, for days with less energy.",
        "minutes": 30,
        "hands_on_minutes": 20,
        "sort_order": 3,
    },
    {
        "slug": "home-visit",
        "name": "Gentle home visit",
        "description": "We come to you, for people who are mostly at home or in bed. "
        "About 20 minutes of very light massage.",
        "minutes": 40,
        "hands_on_minutes": 20,
        "buffer_before_minutes": 30,  # travel time there
        "buffer_after_minutes": 30,  # and back
        "home_visit": True,
        "sort_order": 4,
    },
]

# Weekly hours in local time: (weekday, start, end); Monday is 0.
WEEKLY_HOURS = {
    "maya@stillwaters.example": [
        (0, time(10, 0), time(16, 0)),
        (1, time(10, 0), time(16, 0)),
        (2, time(13, 0), time(19, 0)),  # a later day for those who are slow in the mornings
        (3, time(10, 0), time(16, 0)),
    ],
    "tom@stillwaters.example": [
        (1, time(9, 30), time(15, 30)),
        (2, time(9, 30), time(15, 30)),
        (4, time(9, 30), time(15, 30)),
    ],
}

DEMO_STAFF = [
    ("admin@stillwaters.example", StaffRole.ADMIN, "demo-admin-calm", None),
    ("maya@stillwaters.example", StaffRole.THERAPIST, "demo-therapist-calm", "maya"),
    ("tom@stillwaters.example", StaffRole.THERAPIST, "demo-therapist-calm", "tom"),
    ("reception@stillwaters.example", StaffRole.RECEPTION, "demo-reception-calm", None),
]


@dataclass
class SeedReport:
    """What a seeding run added."""

    added: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, how_many: int = 1) -> None:
        self.added[kind] = self.added.get(kind, 0) + how_many


def practice_is_empty() -> bool:
    """True when there are no practitioners and no services yet (a fresh database)."""
    practitioners = db.session.scalar(select(func.count()).select_from(Practitioner))
    services = db.session.scalar(select(func.count()).select_from(Service))
    return practitioners == 0 and services == 0


def demo_logins() -> list[tuple[str, str, str]]:
    """Demo accounts that are active and still have their demo password: (email, role, password)."""
    logins = []
    for email, _role, password, _handle in DEMO_STAFF:
        user = find_staff(email)
        if user is not None and user.active and password_matches(user.password_hash, password):
            logins.append((email, user.role.value, password))
    return logins


def seed_demo(now_utc: datetime, practice_zone: str) -> SeedReport:
    """Add whatever the demo practice is missing, in one transaction; return what was added.

    Runs again safely: nothing is duplicated, and a later run only tops the demo diary up so
    that it still reaches eight weeks ahead.
    """
    zone = ZoneInfo(practice_zone)
    today_local = now_utc.astimezone(zone).date()
    report = SeedReport()

    with write_transaction():
        practitioners = {
            p["email"]: _ensure_practitioner(p, practice_zone, report) for p in PRACTITIONERS
        }
        for spec in SERVICES:
            _ensure_service(spec, report)
        for email, hours in WEEKLY_HOURS.items():
            _ensure_weekly_hours(practitioners[email], hours, today_local, report)
        _ensure_saturday_opening(
            practitioners["maya@stillwaters.example"], now_utc, today_local, zone, report
        )
        _ensure_christmas_closure(today_local, zone, report)
        _ensure_screening_list(report)
        by_handle = {email.split("@")[0]: p for email, p in practitioners.items()}
        for email, role, password, handle in DEMO_STAFF:
            if find_staff(email) is None:
                add_staff(email, role, password, by_handle.get(handle) if handle else None)
                report.count("staff accounts")
    return report


def _ensure_screening_list(report: SeedReport) -> None:
    """The default screening list (migration 0004 adds it; this puts it back if emptied)."""
    if db.session.scalar(select(func.count()).select_from(ScreeningQuestion)):
        return
    rows = default_rows()
    db.session.add_all(rows)
    report.count("screening questions", len(rows))


def _ensure_practitioner(spec: dict[str, str], zone: str, report: SeedReport) -> Practitioner:
    practitioner = db.session.scalar(
        select(Practitioner).where(Practitioner.email == spec["email"])
    )
    if practitioner is None:
        practitioner = Practitioner(time_zone=zone, **spec)
        db.session.add(practitioner)
        db.session.flush()
        report.count("practitioners")
    return practitioner


def _ensure_service(spec: dict[str, object], report: SeedReport) -> None:
    if db.session.scalar(select(Service).where(Service.slug == spec["slug"])) is None:
        db.session.add(Service(**spec))
        report.count("services")


def _ensure_weekly_hours(
    practitioner: Practitioner,
    hours: list[tuple[int, time, time]],
    today_local: date,
    report: SeedReport,
) -> None:
    """Weekly hours up to eight weeks ahead, added after whatever the diary already has.

    Tops up only when less than seven weeks are left, so each top-up adds at least a week.
    """
    window_end = today_local + timedelta(weeks=SEED_WEEKS, days=-1)
    existing = list(
        db.session.scalars(
            select(OpeningHours).where(OpeningHours.practitioner_id == practitioner.id)
        )
    )
    if any(h.valid_to is None for h in existing):
        return  # open-ended hours: a real diary, never rewritten by the demo
    covered_until = max((h.valid_to for h in existing if h.valid_to), default=None)
    if covered_until is not None and covered_until > window_end - ONE_WEEK:
        return
    valid_from = today_local if covered_until is None else max(today_local, covered_until + ONE_DAY)
    for weekday, start, end in hours:
        db.session.add(
            OpeningHours(
                practitioner=practitioner,
                weekday=weekday,
                start_local=start,
                end_local=end,
                valid_from=valid_from,
                valid_to=window_end,
            )
        )
        report.count("weekly opening hours")


def _ensure_saturday_opening(
    practitioner: Practitioner,
    now_utc: datetime,
    today_local: date,
    zone: ZoneInfo,
    report: SeedReport,
) -> None:
    """One extra Saturday morning two to three weeks ahead, unless one is still to come."""
    upcoming = db.session.scalar(
        select(Opening.id)
        .where(Opening.practitioner_id == practitioner.id, Opening.end_utc > now_utc)
        .limit(1)
    )
    if upcoming:
        return
    in_two_weeks = today_local + timedelta(weeks=2)
    saturday = in_two_weeks + timedelta(days=(5 - in_two_weeks.weekday()) % 7)
    db.session.add(
        Opening(
            practitioner=practitioner,
            start_utc=_utc(saturday, time(10, 0), zone),
            end_utc=_utc(saturday, time(13, 0), zone),
            note="Extra Saturday morning",
        )
    )
    report.count("one-off openings")


def _ensure_christmas_closure(today_local: date, zone: ZoneInfo, report: SeedReport) -> None:
    """The whole practice closes on Christmas Day and Boxing Day, when that falls in the window."""
    christmas = date(today_local.year, 12, 25)
    if not today_local <= christmas < today_local + timedelta(weeks=SEED_WEEKS):
        return
    start_utc = _utc(christmas, time(0, 0), zone)
    exists = db.session.scalar(
        select(Closure.id).where(Closure.practitioner_id.is_(None), Closure.start_utc == start_utc)
    )
    if not exists:
        db.session.add(
            Closure(
                start_utc=start_utc,
                end_utc=_utc(christmas + timedelta(days=2), time(0, 0), zone),
                reason="Christmas and Boxing Day",
            )
        )
        report.count("closures")


def _utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
