"""The session chart on a client's page: hands-on minutes as bars, pressure as a line of squares,
and how the client felt afterwards as a shape and a word under each date."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask

from booking.domain.messages import FOLLOWUP_ANSWERS
from booking.domain.session_chart import (
    RESPONSES,
    ChartSession,
    minutes_scale,
    session_chart,
)

DEC_3 = date(2026, 12, 3)


def session(
    day: date = DEC_3,
    minutes: int | None = 30,
    pressure: int | None = 2,
    response: str | None = "fine",
) -> ChartSession:
    return ChartSession(day, minutes, pressure, response)


def weekly(count: int, **overrides) -> list[ChartSession]:
    """`count` sessions a week apart, ending on 3 December."""
    return [session(DEC_3 - timedelta(weeks=count - 1 - i), **overrides) for i in range(count)]


# --- Geometry ----------------------------------------------------------------------------------


def test_bars_scale_with_minutes_from_the_bottom_of_the_plot():
    chart = session_chart([session(minutes=15), session(minutes=30), session(minutes=60)])
    short, middle, long = (column.bar for column in chart.columns)
    assert chart.minutes_top == 60
    assert long.height == pytest.approx(2 * middle.height) == pytest.approx(4 * short.height)
    assert long.y == chart.plot.top
    for bar in (short, middle, long):
        assert bar.y + bar.height == pytest.approx(chart.plot.bottom)


def test_higher_pressure_is_higher_on_screen():
    chart = session_chart([session(pressure=p) for p in (1, 3, 5, 2)])
    heights = [column.point.cy for column in chart.columns]
    assert heights[2] < heights[1] < heights[3] < heights[0] < chart.plot.bottom
    assert heights[2] == chart.plot.top
    assert chart.pressure_line == " ".join(
        f"{column.point.cx:g},{column.point.cy:g}" for column in chart.columns
    )
    assert [tick.value for tick in chart.pressure_ticks] == [1, 2, 3, 4, 5]
    assert chart.pressure_ticks[0].y == heights[0]  # the scale matches the points
    assert chart.pressure_ticks[-1].y == heights[2]


def test_missing_records_draw_no_bar_and_no_point_and_the_line_skips_them():
    chart = session_chart(
        [session(pressure=2), session(minutes=None, pressure=None), session(pressure=4)]
    )
    first, missing, last = chart.columns
    assert missing.bar is None and missing.point is None
    assert missing.mark.kind == "fine"  # the client's answer is still shown
    assert chart.pressure_line == (
        f"{first.point.cx:g},{first.point.cy:g} {last.point.cx:g},{last.point.cy:g}"
    )


def test_a_single_pressure_draws_a_point_but_no_line():
    chart = session_chart([session(pressure=3), session(pressure=None)])
    assert chart.columns[0].point is not None
    assert chart.pressure_line == ""


@pytest.mark.parametrize(
    ("response", "kind", "shape", "word", "lines"),
    [
        ("fine", "fine", "circle", "fine", ("fine",)),
        ("tired", "tired", "triangle-down", "more tired", ("more", "tired")),
        ("crash", "crash", "cross", "crash", ("crash",)),
        (None, "none", "ring", "no answer yet", ("no", "answer", "yet")),
    ],
)
def test_each_response_has_its_own_shape_and_word(response, kind, shape, word, lines):
    (column,) = session_chart([session(response=response)]).columns
    assert (column.mark.kind, column.mark.shape, column.word) == (kind, shape, word)
    assert column.word_lines == lines
    assert column.mark.x == column.x
    assert column.mark.d.startswith("M")


def test_shapes_cover_every_follow_up_answer_and_differ_from_each_other():
    assert set(RESPONSES) == {*FOLLOWUP_ANSWERS, None}
    chart = session_chart([session(response=r) for r in RESPONSES])
    assert len({column.mark.shape for column in chart.columns}) == 4
    assert [mark.word for mark in chart.key] == ["fine", "more tired", "crash", "no answer yet"]


def test_an_unknown_answer_is_drawn_as_no_answer_as_the_rules_read_it():
    [column] = session_chart([session(response="maybe")]).columns
    assert (column.mark.kind, column.word) == ("none", "no answer yet")


def test_at_most_twelve_columns_keeping_the_latest_in_date_order():
    sessions = weekly(15)
    chart = session_chart(list(reversed(sessions)))
    assert [column.day for column in chart.columns] == [s.day for s in sessions[-12:]]
    xs = [column.x for column in chart.columns]
    assert xs == sorted(xs)
    assert chart.plot.left < xs[0] and xs[-1] < chart.plot.right
    assert chart.summary.startswith("The last 12 of 15 sessions from 17 Sep to 3 Dec.")


def test_columns_share_the_plot_evenly_and_labels_are_short_dates():
    chart = session_chart([session(date(2026, 9, 3)), session(DEC_3)])
    left, right = chart.columns
    assert left.x - chart.plot.left == pytest.approx(chart.plot.right - right.x)
    assert (left.label, right.label) == ("3 Sep", "3 Dec")


def test_dates_take_two_lines_when_the_columns_are_narrow():
    few, many = session_chart(weekly(6)), session_chart(weekly(12))
    assert few.columns[-1].label_lines == ("3 Dec",)
    assert many.columns[-1].label_lines == ("3", "Dec")
    assert many.columns[-1].label == "3 Dec"
    assert few.date_y < few.mark_y < many.mark_y < many.word_y < many.height
    assert {column.mark.y for column in many.columns} == {many.mark_y}


@pytest.mark.parametrize(
    ("most", "top", "ticks"),
    [
        (None, 30, [0, 15, 30]),
        (10, 30, [0, 15, 30]),
        (30, 30, [0, 15, 30]),
        (31, 45, [0, 15, 30, 45]),
        (60, 60, [0, 15, 30, 45, 60]),
        (75, 75, [0, 25, 50, 75]),
        (90, 90, [0, 30, 60, 90]),
        (100, 105, [0, 35, 70, 105]),
        (120, 120, [0, 30, 60, 90, 120]),
    ],
)
def test_the_minutes_scale_rounds_up_to_fifteen_with_three_to_five_ticks(most, top, ticks):
    scale_top, scale_ticks = minutes_scale([] if most is None else [5, most])
    assert scale_top == top
    assert [tick.value for tick in scale_ticks] == ticks
    heights = [tick.y for tick in scale_ticks]
    assert heights == sorted(heights, reverse=True)  # 0 at the bottom


def test_the_summary_counts_sessions_records_and_answers():
    responses = ["fine", "fine", "tired", "fine", "crash", "fine"]
    minutes = [20, 35, 30, 25, 30, 20]
    pressures = [1, 2, 2, 1, 1, 2]
    sessions = [
        session(DEC_3 - timedelta(weeks=13 - 13 * i // 5), m, p, r)
        for i, (m, p, r) in enumerate(zip(minutes, pressures, responses, strict=True))
    ]
    assert session_chart(sessions).summary == (
        "6 sessions from 3 Sep to 3 Dec. Hands-on time from 20 to 35 minutes; pressure from 1 "
        "to 2. After the sessions: 4 fine, 1 more tired, 1 crash."
    )


def test_the_summary_says_what_was_not_recorded_and_names_years_across_new_year():
    sessions = [
        session(date(2025, 12, 18), minutes=40, pressure=None, response="tired"),
        session(date(2026, 1, 8), minutes=None, pressure=None, response=None),
    ]
    assert session_chart(sessions).summary == (
        "2 sessions from 18 Dec 2025 to 8 Jan 2026. Hands-on time 40 minutes (not recorded "
        "for 1); pressure not recorded. After the sessions: 1 more tired, 1 no answer yet."
    )
    assert session_chart([session()]).summary.startswith("1 session on 3 Dec.")


def test_no_sessions_make_an_empty_chart():
    chart = session_chart([])
    assert chart.columns == ()
    assert not chart
    assert chart.pressure_line == ""


# --- Drawing -----------------------------------------------------------------------------------


def render(app: Flask, chart, id_: str = "c1") -> str:
    with app.test_request_context():
        template = app.jinja_env.get_template("dashboard/timeline/_chart.html")
        return str(template.module.session_chart(chart, id_))


def test_the_chart_is_one_labelled_image_with_a_mark_and_word_per_session(app):
    sessions = [
        session(DEC_3 - timedelta(weeks=3), response="fine"),
        session(DEC_3 - timedelta(weeks=2), minutes=None, pressure=None, response="tired"),
        session(DEC_3 - timedelta(weeks=1), response="crash"),
        session(DEC_3, response=None),
    ]
    chart = session_chart(sessions)
    html = render(app, chart)

    assert html.count("<svg ") == 1 + 2 + len(chart.key)  # the chart and the legend's keys
    assert '<svg viewBox="0 0 640 280" role="img" aria-labelledby="c1-title c1-desc"' in html
    assert '<title id="c1-title">' in html
    assert f'<desc id="c1-desc">{chart.summary}</desc>' in html
    assert ">minutes</text>" in html and ">pressure</text>" in html

    marks = re.findall(r'<path class="chart-mark chart-mark--(\w+)" d="M[^"]*"/>', html)
    assert marks[:4] == ["fine", "tired", "crash", "none"]  # then the legend's four
    words = re.findall(r'<text class="chart-word chart-word--\w+"[^>]*>(.*?)</text>', html)
    assert [re.sub(r"<[^>]+>", " ", word).split() for word in words] == [
        ["fine"],
        ["more", "tired"],
        ["crash"],
        ["no", "answer", "yet"],
    ]
    assert html.count('class="chart-date"') == 4
    assert html.count('<rect class="chart-bar"') == 3 + 1  # one session has no record; the key
    assert html.count('class="chart-pressure-point"') == 3 + 1
    assert "style=" not in html
    assert "<script" not in html


def test_the_chart_escapes_what_it_is_given(app):
    chart = session_chart([session()])
    html = render(app, chart, id_='x" onload="alert(1)')
    assert 'onload="alert(1)"' not in html
    assert "&#34; onload=&#34;alert(1)" in html


def test_no_sessions_draw_nothing(app):
    assert render(app, session_chart([])).strip() == ""
