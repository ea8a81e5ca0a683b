"""The first page: today and the coming fortnight, and what is waiting."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from flask import render_template

from booking.auth.roles import EVERY_ROLE, roles_required
from booking.clock import local_date, now_utc
from booking.dashboard import bp
from booking.domain.messages import CHECKIN_ANSWERS, FOLLOWUP_ANSWERS
from booking.services.schedule.upcoming import (
    UpcomingSession,
    desk_counts,
    fortnight,
    held_soon,
    upcoming_sessions,
)
from booking.services.todo import tasks as todo


def _by_day(sessions: Iterable[UpcomingSession]) -> list[tuple[date, list[UpcomingSession]]]:
    """Sessions grouped by their local day, in order."""
    days: dict[date, list[UpcomingSession]] = {}
    for session in sessions:
        days.setdefault(local_date(session.booking.start_utc), []).append(session)
    return list(days.items())


# --- The first page ---------------------------------------------------------------------------


@bp.get("/")
@roles_required(*EVERY_ROLE)
def home() -> str:
    """Today and the next fortnight: sessions, intake progress, and what is waiting."""
    now = now_utc()
    _, until = fortnight(now)
    sessions = upcoming_sessions(now)
    return render_template(
        "dashboard/home/home.html",
        todo_counts=todo.counts(todo.tasks_for_today(now)),
        todo_kinds=todo.TaskKind,
        days=_by_day(sessions),
        held_soon=held_soon(sessions, now),
        checkin_words=CHECKIN_ANSWERS,
        followup_words=FOLLOWUP_ANSWERS,
        counts=desk_counts(now),
        last_day=local_date(until) - timedelta(days=1),
    )
