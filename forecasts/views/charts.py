"""Geometry for the server-rendered SVG charts; the markup lives in the chart templates.

Coordinates are computed here, once, in SVG user units (y grows downwards), so templates only
place elements. No inline styles: classes in site.css and SVG presentation attributes.
"""

import datetime as dt
import math
from dataclasses import dataclass

COIN_FLIP_BRIER = 0.25


@dataclass(frozen=True)
class Axis:
    """A linear map from data values to pixels."""

    data_low: float
    data_high: float
    pixel_low: float
    pixel_high: float

    def __call__(self, value: float) -> float:
        span = self.data_high - self.data_low
        fraction = 0.5 if span == 0 else (value - self.data_low) / span
        return round(self.pixel_low + fraction * (self.pixel_high - self.pixel_low), 2)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class CalibrationPoint:
    """One non-empty bin: the dot at (mean forecast, observed rate) and its Wilson band."""

    x: float
    y: float
    r: float
    band_top: float | None
    band_bottom: float | None
    bin: dict


@dataclass(frozen=True)
class Frame:
    """The plot area inside the SVG's viewBox."""

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    @property
    def middle_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class CalibrationChart:
    frame: Frame
    points: list[CalibrationPoint]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    diagonal: tuple[float, float, float, float]  # x1, y1, x2, y2

    @property
    def is_empty(self) -> bool:
        return not self.points


def _percent_ticks(axis: Axis, step: float = 0.25) -> list[Tick]:
    count = round(1 / step)
    return [Tick(axis(i * step), f"{round(i * step * 100)}%") for i in range(count + 1)]


def calibration_chart(
    bins: list[dict], *, width: int = 360, margin: int = 62, pad: int = 22, max_radius: float = 14
) -> CalibrationChart:
    """A calibration plot: x = mean forecast, y = observed rate, both 0..1.

    A dot's area is proportional to the number of forecasts in its bin (radius by square root),
    with a floor so a bin of one stays visible.
    """
    # The margin (left and bottom) holds the axis labels; pad keeps the top and right dots, and
    # the last tick's label, whole. The template sets tick labels 28 and 18 px outside the
    # plot, past the largest dot's radius: a dot on an edge (0%) no longer covers its label.
    frame = Frame(width, width, margin, pad, width - pad, width - margin)
    x = Axis(0, 1, frame.left, frame.right)
    y = Axis(0, 1, frame.bottom, frame.top)
    largest = max((b["count"] for b in bins), default=1) or 1
    min_radius = max(2.0, max_radius / 5)
    points = []
    for b in bins:
        has_band = b.get("ci_low") is not None and b.get("ci_high") is not None
        points.append(
            CalibrationPoint(
                x=x(b["mean_forecast"]),
                y=y(b["observed_rate"]),
                r=round(max(min_radius, max_radius * math.sqrt(b["count"] / largest)), 2),
                band_top=y(b["ci_high"]) if has_band else None,
                band_bottom=y(b["ci_low"]) if has_band else None,
                bin=b,
            )
        )
    return CalibrationChart(
        frame=frame,
        points=points,
        x_ticks=_percent_ticks(x),
        y_ticks=_percent_ticks(y),
        diagonal=(x(0), y(0), x(1), y(1)),
    )


# Within this many points on average, leaning one way or the other is not worth a word.
LEANING_THRESHOLD = 0.03


@dataclass(frozen=True)
class CalibrationGap:
    """The leaderboard's calibration column, in words a reader can take in at a glance (a
    48-pixel plot of overlapping dots could not be read, issue 17)."""

    points: int  # forecast-weighted mean |said − happened|, in percentage points
    leaning: str  # "overconfident", "underconfident" or "well calibrated"
    count: int

    @property
    def description(self) -> str:
        return (
            f"On average, what happened was {self.points} percentage points away from the "
            f"probability given, over {self.count} scored forecasts: {self.leaning}."
        )


def calibration_gap(bins: list[dict]) -> CalibrationGap | None:
    """How far, on average, the outcomes fell from the probabilities given (each bin weighted
    by its forecasts), and which way: overconfident when outcomes fall short of confident
    calls (or happen more often than "unlikely" ones). None without scored forecasts."""
    total = sum(b["count"] for b in bins)
    if not total:
        return None
    gap = sum(b["count"] * abs(b["mean_forecast"] - b["observed_rate"]) for b in bins) / total
    lean = (
        sum(
            b["count"]
            * (b["mean_forecast"] - b["observed_rate"])
            * math.copysign(1, b["mean_forecast"] - 0.5)
            for b in bins
            if b["mean_forecast"] != 0.5
        )
        / total
    )
    if lean > LEANING_THRESHOLD:
        leaning = "overconfident"
    elif lean < -LEANING_THRESHOLD:
        leaning = "underconfident"
    else:
        leaning = "well calibrated"
    return CalibrationGap(points=round(gap * 100), leaning=leaning, count=total)


@dataclass(frozen=True)
class BrierChart:
    frame: Frame
    path: str
    points: list[tuple[float, float]]
    reference_y: float
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    x_label: str
    rows: list[tuple[dt.date, float, int]]

    @property
    def is_empty(self) -> bool:
        return not self.rows


def _y_ceiling(values: list[float]) -> float:
    """The top of the Brier axis: at least 0.5 so the coin-flip line sits mid-chart or lower."""
    return max(0.5, math.ceil(max(values, default=0) * 10) / 10)


def brier_chart(
    rows: list[tuple[dt.date, float, int]], *, width: int = 560, height: int = 240
) -> BrierChart:
    """The running mean Brier score by resolution date, with the coin-flip line at 0.25.

    Points are placed by date; when every score resolved on one day they are spread by count.
    """
    frame = Frame(width, height, 48, 12, width - 16, height - 44)
    top = _y_ceiling([mean for _, mean, _ in rows])
    y = Axis(0, top, frame.bottom, frame.top)
    days = [day.toordinal() for day, _, _ in rows]
    by_date = bool(days) and days[0] != days[-1]
    if by_date:
        x = Axis(days[0], days[-1], frame.left, frame.right)
        xs = [x(d) for d in days]
    else:
        x = Axis(1, max(len(rows), 1), frame.left, frame.right)
        xs = [x(n) for _, _, n in rows]
    points = [(px, y(mean)) for px, (_, mean, _) in zip(xs, rows, strict=True)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{px},{py}" for i, (px, py) in enumerate(points))
    y_ticks = [Tick(y(v / 10), f"{v / 10:.1f}") for v in range(0, round(top * 10) + 1)]
    if by_date:
        x_label = "Resolution date"
        x_ticks = [
            Tick(points[0][0], rows[0][0].strftime("%-d %b %Y")),
            Tick(points[-1][0], rows[-1][0].strftime("%-d %b %Y")),
        ]
    else:
        x_label = "Forecasts resolved" + (
            f" (all on {rows[0][0].strftime('%-d %b %Y')})" if rows else ""
        )
        x_ticks = [Tick(points[0][0], "1")] if rows else []
        if len(rows) > 1:
            x_ticks.append(Tick(points[-1][0], str(len(rows))))
    return BrierChart(
        frame=frame,
        path=path,
        points=points,
        reference_y=y(COIN_FLIP_BRIER),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        x_label=x_label,
        rows=rows,
    )
