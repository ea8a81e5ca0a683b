"""A client's recent sessions as a chart: hands-on minutes, pressure, and how they felt after.

Pure geometry in SVG user units, so the template only places what is computed here and a test
can check the picture without a browser. Each session is one evenly spaced column: the chart
shows a pattern over sessions (did the crash follow the longest, firmest one?), not a calendar.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from booking.domain.dates import MONTHS

MOST_COLUMNS = 12  # beyond a dozen the words under each column no longer fit side by side

# The drawing, in viewBox units; CSS scales it to the page. Margins hold the two scales' labels;
# under the plot come the date (on two lines when the columns are narrow), the response mark and
# its word (up to three short lines).
WIDTH = 640
HEIGHT = 280
PLOT_LEFT = 52
PLOT_RIGHT = WIDTH - 52
PLOT_TOP = 28
PLOT_BOTTOM = 170
DATE_Y = 186
LINE_HEIGHT = 13  # the CSS sets chart text at 13px
MARK_GAP = 16  # from the last date line to the centre of the mark
WORD_GAP = 24  # from the centre of the mark to the first line of the word
NARROWEST_DATE = 60  # "17 Sep" needs about 45 units at 13px: a narrower column splits it
MARK_RADIUS = 6
POINT_HALF = 4  # half the side of a pressure square
WIDEST_BAR = 28
LEAST_MINUTES_TOP = 30
PRESSURE_MIN, PRESSURE_MAX = 1, 5

# The follow-up answers (messages.FOLLOWUP_ANSWERS) and a missing one: a shape and a word each,
# so the meaning never rests on colour alone. The words are split into lines that fit a column.
RESPONSES: dict[str | None, tuple[str, str, str]] = {
    "fine": ("fine", "circle", "fine"),
    "tired": ("tired", "triangle-down", "more tired"),
    "crash": ("crash", "cross", "crash"),
    None: ("none", "ring", "no answer yet"),
}
WORD_LINES = {"more tired": ("more", "tired"), "no answer yet": ("no", "answer", "yet")}


@dataclass(frozen=True)
class ChartSession:
    """One past session, as the therapist recorded it and the client answered afterwards."""

    day: date  # the session's local date
    hands_on_minutes: int | None  # None: no record
    pressure: int | None  # 1-5; None: no record
    response: str | None  # "fine" | "tired" | "crash"; None: no answer yet


@dataclass(frozen=True)
class Plot:
    """The rectangle the bars and the pressure line live in."""

    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class Tick:
    """A labelled value on one of the scales, at its height."""

    value: int
    y: float


@dataclass(frozen=True)
class Bar:
    """Hands-on minutes, standing on the bottom of the plot."""

    x: float
    y: float
    width: float
    height: float
    minutes: int


@dataclass(frozen=True)
class PressurePoint:
    """The pressure used, as a small square (a shape none of the response marks has)."""

    cx: float
    cy: float
    d: str
    pressure: int


@dataclass(frozen=True)
class Mark:
    """How the client felt after the session: `kind` names the CSS class, `d` draws the shape."""

    x: float
    y: float
    kind: str  # fine | tired | crash | none
    shape: str  # circle | triangle-down | cross | ring
    d: str
    word: str


@dataclass(frozen=True)
class Column:
    """One session: its bar and pressure point (None without a record), mark and labels."""

    x: float
    day: date
    label: str  # 3 Dec
    label_lines: tuple[str, ...]  # ("3 Dec",) or, in a narrow column, ("3", "Dec")
    bar: Bar | None
    point: PressurePoint | None
    mark: Mark
    word: str
    word_lines: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    """Everything the template draws, already in viewBox units; no columns means no chart."""

    width: int
    height: int
    plot: Plot
    minutes_top: int
    minute_ticks: tuple[Tick, ...]
    pressure_ticks: tuple[Tick, ...]
    columns: tuple[Column, ...]
    pressure_line: str  # polyline points; empty when fewer than two pressures are recorded
    date_y: float
    mark_y: float
    word_y: float
    summary: str
    key: tuple[Mark, ...]  # one mark per response, centred in a 16-unit square, for the legend

    def __bool__(self) -> bool:
        return bool(self.columns)


def session_chart(sessions: Sequence[ChartSession]) -> Chart:
    """The chart of the 12 most recent sessions (by day); older ones are left out."""
    ordered = sorted(sessions, key=lambda session: session.day)
    shown = ordered[-MOST_COLUMNS:]
    minutes_top, minute_ticks = minutes_scale(
        [s.hands_on_minutes for s in shown if s.hands_on_minutes is not None]
    )
    pitch = (PLOT_RIGHT - PLOT_LEFT) / len(shown) if shown else 0
    bar_width = _round(min(WIDEST_BAR, pitch * 0.5))
    split_dates = pitch < NARROWEST_DATE
    mark_y = _mark_y(split_dates)
    columns = tuple(
        _column(session, PLOT_LEFT + pitch * (index + 0.5), bar_width, minutes_top, split_dates)
        for index, session in enumerate(shown)
    )
    points = [column.point for column in columns if column.point is not None]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot=Plot(PLOT_LEFT, PLOT_TOP, PLOT_RIGHT, PLOT_BOTTOM),
        minutes_top=minutes_top,
        minute_ticks=minute_ticks,
        pressure_ticks=tuple(
            Tick(value, pressure_y(value)) for value in range(PRESSURE_MIN, PRESSURE_MAX + 1)
        ),
        columns=columns,
        pressure_line=" ".join(f"{p.cx:g},{p.cy:g}" for p in points) if len(points) > 1 else "",
        date_y=DATE_Y,
        mark_y=mark_y,
        word_y=mark_y + WORD_GAP,
        summary=summary(shown, total=len(ordered)),
        key=tuple(_mark(8, 8, response) for response in RESPONSES),
    )


def minutes_scale(minutes: Sequence[int]) -> tuple[int, tuple[Tick, ...]]:
    """The top of the minutes scale (a multiple of 15, at least 30) and its 3 to 5 ticks.

    Steps of 15 or 30 minutes read best; a top that allows neither (75) is cut in three.
    """
    top = max(LEAST_MINUTES_TOP, math.ceil(max(minutes, default=0) / 15) * 15)
    steps = next((n for n in (4, 3, 2) if top % (15 * n) == 0), 3)
    values = [top * i // steps for i in range(steps + 1)]
    return top, tuple(Tick(value, minutes_y(value, top)) for value in values)


def minutes_y(minutes: int, top: int) -> float:
    """Height on screen of a number of minutes (0 on the bottom of the plot)."""
    return _round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * max(0, min(minutes, top)) / top)


def pressure_y(pressure: int) -> float:
    """Height on screen of a pressure: 5 at the top, 1 a fifth of the way up off the axis."""
    # Clamped so a stray value draws at the edge rather than outside the chart.
    value = max(PRESSURE_MIN, min(pressure, PRESSURE_MAX))
    return _round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / PRESSURE_MAX)


def short_date(day: date) -> str:
    """3 Dec: month names written out, not the server's locale."""
    return f"{day.day} {MONTHS[day.month - 1][:3]}"


def summary(shown: Sequence[ChartSession], total: int) -> str:
    """The chart in a few sentences, for screen readers (the SVG's <desc>)."""
    if not shown:
        return "No sessions yet."
    first, last = shown[0].day, shown[-1].day
    with_year = first.year != last.year
    start, end = (f"{short_date(d)}{f' {d.year}' if with_year else ''}" for d in (first, last))
    count = f"{len(shown)} session{'s' if len(shown) != 1 else ''}"
    if total > len(shown):
        count = f"The last {len(shown)} of {total} sessions"
    when = f"on {start}" if first == last else f"from {start} to {end}"
    minutes = [s.hands_on_minutes for s in shown if s.hands_on_minutes is not None]
    pressures = [s.pressure for s in shown if s.pressure is not None]
    record = (
        f"{_range_words('Hands-on time', minutes, len(shown), ' minutes')}; "
        f"{_range_words('pressure', pressures, len(shown), '')}."
    )
    answers = Counter(session.response for session in shown)
    felt = ", ".join(
        f"{answers[response]} {word}"
        for response, (_, _, word) in RESPONSES.items()
        if answers[response]
    )
    return f"{count} {when}. {record} After the sessions: {felt}."


def _range_words(name: str, values: Sequence[int], sessions: int, unit: str) -> str:
    if not values:
        return f"{name} not recorded"
    low, high = min(values), max(values)
    words = f"{name} {low}{unit}" if low == high else f"{name} from {low} to {high}{unit}"
    missing = sessions - len(values)
    return f"{words} (not recorded for {missing})" if missing else words


def _column(
    session: ChartSession, x: float, bar_width: float, minutes_top: int, split_date: bool
) -> Column:
    x = _round(x)
    bar = None
    if session.hands_on_minutes is not None:
        y = minutes_y(session.hands_on_minutes, minutes_top)
        bar = Bar(
            _round(x - bar_width / 2),
            y,
            bar_width,
            _round(PLOT_BOTTOM - y),
            session.hands_on_minutes,
        )
    point = None
    if session.pressure is not None:
        cy = pressure_y(session.pressure)
        point = PressurePoint(x, cy, _square(x, cy), session.pressure)
    mark = _mark(x, _mark_y(split_date), session.response)
    label = short_date(session.day)
    return Column(
        x=x,
        day=session.day,
        label=label,
        label_lines=tuple(label.split(" ")) if split_date else (label,),
        bar=bar,
        point=point,
        mark=mark,
        word=mark.word,
        word_lines=WORD_LINES.get(mark.word, (mark.word,)),
    )


def _mark_y(split_date: bool) -> float:
    """The marks sit lower when the dates take two lines."""
    return DATE_Y + (LINE_HEIGHT if split_date else 0) + MARK_GAP


def _mark(x: float, y: float, response: str | None) -> Mark:
    # An answer this chart does not know (say, one added later) is drawn as "no answer yet",
    # like next_session's rules read it: a page never fails over a picture.
    kind, shape, word = RESPONSES.get(response, RESPONSES[None])
    return Mark(x, y, kind, shape, _shape_path(shape, x, y, MARK_RADIUS), word)


def _shape_path(shape: str, x: float, y: float, r: float) -> str:
    """An SVG path centred on (x, y) and about 2r across."""
    if shape in ("circle", "ring"):
        return f"M{x - r:g} {y:g}a{r:g} {r:g} 0 1 0 {2 * r:g} 0a{r:g} {r:g} 0 1 0 {-2 * r:g} 0Z"
    if shape == "triangle-down":
        return f"M{x - r:g} {y - r:g}H{x + r:g}L{x:g} {y + r:g}Z"
    # A cross is drawn by its stroke alone (the CSS gives it no fill).
    return f"M{x - r:g} {y - r:g}L{x + r:g} {y + r:g}M{x + r:g} {y - r:g}L{x - r:g} {y + r:g}"


def _square(x: float, y: float) -> str:
    side = 2 * POINT_HALF
    return f"M{x - POINT_HALF:g} {y - POINT_HALF:g}h{side}v{side}h{-side}Z"


def _round(value: float) -> float:
    """One decimal: enough for a screen, and short SVG."""
    return round(value, 1)
