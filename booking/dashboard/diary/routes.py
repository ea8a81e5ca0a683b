"""The reception diary: a day or a week, per practitioner or for everyone, as an appointment
book (time down the side, a column per therapist per day). Every role may look."""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request
from flask_login import current_user

from booking.auth.roles import EVERY_ROLE, roles_required
from booking.clock import local_date, now_utc, practice_zone
from booking.dashboard import bp
from booking.dashboard.diary_words import SLOT_EDITORS, diary_words
from booking.domain.diary import clock_changes, day_hours, week_of
from booking.domain.diary_book import lay_out_book
from booking.domain.messages import CHECKIN_ANSWERS
from booking.services.schedule.diary import load_diary

VIEWS = ("day", "week")
# Further than this either way is a typing slip, and date arithmetic near year 1 or 9999 fails.
FURTHEST = timedelta(days=5 * 366)


def _chosen_day(raw: str | None, today: date) -> tuple[date, str | None]:
    """The date asked for, or today with a calm note when it cannot be used."""
    if not raw:
        return today, None
    try:
        day = date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return today, "We could not read that date, so this is today's diary."
    if abs(day - today) > FURTHEST:
        return today, "That date is more than five years away, so this is today's diary."
    return day, None


def _chosen_practitioner(raw: str | None) -> int | None:
    """The practitioner id asked for; None for everyone (a bad id is noted by the diary)."""
    if not raw or raw == "everyone":
        return None
    return int(raw) if raw.isdecimal() and len(raw) < 10 else 0


@bp.get("/diary")
@roles_required(*EVERY_ROLE)
def diary() -> str:
    """Bookings, rest buffers, closures and free time for a day or a week."""
    now = now_utc()
    zone = practice_zone()
    today = local_date(now)
    view = request.args.get("view", "day")
    view = view if view in VIEWS else "day"
    day, day_note = _chosen_day(request.args.get("date"), today)
    days = week_of(day) if view == "week" else [day]
    service_slug = (request.args.get("service") or "")[:80] or None
    practitioner_id = _chosen_practitioner(request.args.get("practitioner"))
    page = load_diary(days, practitioner_id, service_slug, now, zone)
    who_note = None
    if page.unknown_practitioner:
        practitioner_id = None
        who_note = "We could not find that therapist, so the diary shows everyone."
    step = timedelta(days=7 if view == "week" else 1)
    book = lay_out_book(
        [(d, [page.day_of(p, d) for p in page.practitioners]) for d in days],
        zone,
        # A week for everyone leaves out who is off that day, so its columns stay readable.
        idle_columns=view == "day" or len(page.practitioners) == 1,
    )
    return render_template(
        "dashboard/diary/diary.html",
        diary=page,
        book=book,
        people={p.id: p for p in page.practitioners},
        view=view,
        day=day,
        days=days,
        practitioner_id=practitioner_id,
        notes=[note for note in (day_note, who_note) if note],
        previous_day=day - step,
        next_day=day + step,
        changes_on={d: day_hours(d, zone) for d in days if clock_changes(d, zone)},
        checkin_words=CHECKIN_ANSWERS,
        can_edit_slots=request_can_edit(),
        **diary_words(),
    )


def request_can_edit() -> bool:
    """Whether the signed-in member of staff may change hours, openings and closures."""
    return current_user.role in SLOT_EDITORS
