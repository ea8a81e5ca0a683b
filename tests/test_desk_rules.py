"""The desk's pure rules: cancel reasons, attendance, times typed by staff, CSV cells."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking.domain.desk_rules import (
    CANCEL_NOTE_LIMIT,
    attendance_problem,
    booking_version,
    cancel_note_value,
    cancel_reason_words,
    cancelled_for_illness,
    export_range_problem,
    local_instant,
    parse_clock,
    spreadsheet_safe,
)
from booking.domain.statuses import BookingStatus

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+44 7700", "'+44 7700"),
        ("-rest", "'-rest"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Ann Smith", "Ann Smith"),
        ("", ""),
        (None, ""),
        ("a=b", "a=b"),
    ],
)
def test_spreadsheet_cells_never_start_a_formula(value, safe):
    assert spreadsheet_safe(value) == safe


@pytest.mark.parametrize(
    ("code", "note", "words", "illness"),
    [
        ("unwell", None, "Unwell or in a flare", True),
        ("unwell", "rest", "Unwell or in a flare: rest", True),
        ("not_well", None, "Not well enough (the client cancelled)", True),
        ("client", None, "The client asked", False),
        ("practice", "therapist away", "The practice had to cancel: therapist away", False),
        (None, None, "", False),
    ],
)
def test_cancel_reasons_in_words_and_illness(code, note, words, illness):
    assert cancel_reason_words(code, note) == words
    assert cancelled_for_illness(code) is illness


def test_a_cancel_note_is_trimmed_to_its_limit_and_empty_is_none():
    assert cancel_note_value("  " + "x" * 500) == "x" * CANCEL_NOTE_LIMIT
    assert cancel_note_value("   ") is None
    assert cancel_note_value(None) is None


START = NOW + timedelta(hours=1)


@pytest.mark.parametrize(
    ("status", "reason", "now", "attended", "problem"),
    [
        (BookingStatus.CONFIRMED, None, NOW, True, "has not started yet"),
        (BookingStatus.CONFIRMED, None, START, True, None),
        (BookingStatus.HELD_FOR_REVIEW, None, START, False, None),
        (BookingStatus.ATTENDED, None, START, False, None),  # a correction
        (BookingStatus.CANCELLED, "unwell", START, False, "never counted as a no-show"),
        (BookingStatus.CANCELLED, "not_well", START, False, "never counted as a no-show"),
        (BookingStatus.CANCELLED, "client", START, False, "was cancelled"),
        (BookingStatus.CANCELLED, "unwell", START, True, "was cancelled"),
    ],
)
def test_attendance_only_after_the_start_and_never_a_no_show_for_illness(
    status, reason, now, attended, problem
):
    found = attendance_problem(status, reason, START, now, attended=attended)
    if problem is None:
        assert found is None
    else:
        assert problem in found


def test_any_change_makes_a_new_version():
    base = ("confirmed", 0, NOW, START, 1)
    version = booking_version(*base)
    assert booking_version(*base) == version
    for index, changed in enumerate(
        ["cancelled", 1, NOW + timedelta(microseconds=1), START + timedelta(minutes=15), 2]
    ):
        assert booking_version(*base[:index], changed, *base[index + 1 :]) != version


@pytest.mark.parametrize(
    ("raw", "clock"),
    [
        ("14:30", time(14, 30)),
        ("9.15", time(9, 15)),
        ("2:30pm", time(14, 30)),
        ("10am", time(10, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        (" 07:05 ", time(7, 5)),
        ("14", None),
        ("25:00", None),
        ("13pm", None),
        ("noon-ish", None),
        ("", None),
    ],
)
def test_times_as_staff_type_them(raw, clock):
    assert parse_clock(raw) == clock


def test_local_times_across_the_clock_changes():
    # Spring: 01:00 to 02:00 on Sunday 28 March 2027 does not exist in London.
    assert local_instant(date(2027, 3, 28), time(1, 30), LONDON) is None
    assert local_instant(date(2027, 3, 28), time(2, 30), LONDON) == datetime(
        2027, 3, 28, 1, 30, tzinfo=UTC
    )
    # Autumn: 01:30 on Sunday 25 October 2026 happens twice; the first (summer time) is taken.
    assert local_instant(date(2026, 10, 25), time(1, 30), LONDON) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert local_instant(date(2026, 10, 25), time(10, 0), LONDON) == datetime(
        2026, 10, 25, 10, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("first", "last", "problem"),
    [
        (date(2026, 11, 1), date(2026, 11, 1), None),
        (date(2026, 1, 1), date(2026, 12, 31), None),  # 365 days
        (date(2026, 11, 2), date(2026, 11, 1), "before the first day"),
        (date(2025, 1, 1), date(2026, 1, 2), "at most 366 days"),
    ],
)
def test_export_ranges(first, last, problem):
    found = export_range_problem(first, last)
    assert (found is None) if problem is None else (problem in found)
