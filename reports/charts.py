"""Charts as inline SVG (matplotlib, no pyplot state): every report is one self-contained file.

Each function takes plain data (already in Danish where it is shown) and returns the ``<svg>`` element
as :class:`~markupsafe.Markup`, ready to be placed in a template. The SVG keeps text as text
(``svg.fonttype = none``: searchable, selectable, æøå intact, rendered with the reader's DejaVu/Arial),
has no XML prolog, DOCTYPE or metadata, references nothing outside itself, and its internal ids are
prefixed per chart so several charts can share one page. Output is deterministic (fixed hash salt).

The last :data:`KEPT_CHARTS` charts drawn are kept by their exact data (:func:`_kept`): a facility's web page and
then its PDF, or a report written as HTML and as PDF, draw each chart once (a Tilbudsprofil's six took 0.4 s of
CPU, a fifth of its PDF in the web app).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import math
import pickle
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from html import escape
from typing import Any, ParamSpec, cast

import matplotlib
import numpy as np
from markupsafe import Markup
from matplotlib.figure import Figure
from matplotlib.projections.polar import PolarAxes
from matplotlib.ticker import Formatter, MaxNLocator

from data.glossary import MONTH_ABBR_DA, format_number_da

INK = "#1d2330"
MUTED = "#5b6475"
LINE = "#d9dde5"
ACCENT = "#0b5394"
PEER = "#8a94a6"
BAD = "#b3261e"
GOOD = "#2e7d32"
WARN = "#b26a00"
THEME_COLOURS = ("#0b5394", "#b26a00", "#2e7d32", "#b3261e", "#6a3d9a", "#00838f", "#5b6475")

_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "tilsynsplan",
    "text.parse_math": False,  # labels are data (an inspector named "Pia $x^$" broke every plan page): never TeX
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": LINE,
    "axes.labelcolor": INK,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "legend.frameon": False,
    "legend.fontsize": 8,
}
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


P = ParamSpec("P")

#: How many charts :func:`_kept` keeps (a Tilbudsprofil has six, the other reports one each; about 20 kB a chart).
KEPT_CHARTS = 48
_kept_charts: OrderedDict[bytes, Markup] = OrderedDict()
_kept_lock = threading.Lock()


def _kept(draw: Callable[P, Markup]) -> Callable[P, Markup]:
    """A chart function whose result is kept by its exact arguments: the same data again (the PDF of the page just
    seen) returns the same SVG without drawing it. The key is a digest of the pickled arguments, which tells apart
    every value (floats to the bit, ``None``, dates, the order of a list); arguments that cannot be pickled are drawn
    every time."""

    @functools.wraps(draw)
    def kept(*args: P.args, **kwargs: P.kwargs) -> Markup:
        try:
            key = hashlib.sha256(pickle.dumps((draw.__name__, args, kwargs), protocol=5)).digest()
        except (pickle.PicklingError, TypeError, AttributeError):
            return draw(*args, **kwargs)
        with _kept_lock:
            svg = _kept_charts.get(key)
            if svg is not None:
                _kept_charts.move_to_end(key)
                return svg
        svg = draw(*args, **kwargs)
        with _kept_lock:
            _kept_charts[key] = svg
            while len(_kept_charts) > KEPT_CHARTS:
                _kept_charts.popitem(last=False)
        return svg

    return kept


def drop_kept_charts() -> None:
    """Forget the kept charts (the next call of each chart function draws again)."""
    with _kept_lock:
        _kept_charts.clear()


def _style() -> AbstractContextManager[None]:
    """The house style for one chart (rcParams are process-global: set per chart, restored after)."""
    return matplotlib.rc_context(_RC)  # type: ignore[arg-type]


class _DanishTicks(Formatter):
    """Tick labels in Danish (decimal comma, thousands point) with at least ``decimals`` decimals and as many
    more as the ticks need to be told apart: ticks every 0,025 written with two decimals read 0,03 0,05 0,08,
    equal steps that looked unequal."""

    def __init__(self, decimals: int, *, percent: bool = False) -> None:
        self.decimals = decimals
        self.percent = percent
        self._ticks: list[float] = []

    def set_locs(self, locs: Sequence[float]) -> None:
        self._ticks = [self._scaled(v) for v in locs]

    def _scaled(self, value: float) -> float:
        return float(value) * 100 if self.percent else float(value)

    def _decimals(self) -> int:
        ticks = self._ticks
        decimals = self.decimals
        while decimals < 6 and any(abs(round(t, decimals) - t) > 1e-9 * max(1.0, abs(t)) for t in ticks):
            decimals += 1
        return decimals

    def __call__(self, x: float, pos: int | None = None) -> str:
        value = self._scaled(x)
        text = format_number_da(abs(value), self._decimals())
        if value < 0 and any(c in "123456789" for c in text):
            text = f"−{text}"  # a true minus sign, as the tables' ``signed`` numbers
        return f"{text} %" if self.percent else text


def _number_formatter(decimals: int) -> Formatter:
    return _DanishTicks(decimals)


def _percent_formatter(decimals: int = 0) -> Formatter:
    return _DanishTicks(decimals, percent=True)


def _nice_ticks(integer: bool = False) -> MaxNLocator:
    """Ticks at 1, 2 or 5 times a power of ten (never 2,5: 0,025 steps need three decimals to say)."""
    return MaxNLocator(nbins="auto", steps=[1, 2, 5, 10], integer=integer)


def date_label_da(day: dt.date, with_year: bool = True) -> str:
    """``"okt. 2026"`` (or ``"okt."``) for an axis."""
    month = MONTH_ABBR_DA[day.month - 1]
    return f"{month} {day.year}" if with_year else month


def short_date_da(day: dt.date) -> str:
    """``"28. jul. 2021"``: a day on an axis as the pages' tables write it (never ``28-07-2021``)."""
    return f"{day.day}. {MONTH_ABBR_DA[day.month - 1]} {day.year}"


def _clean_svg(raw: str, label: str) -> Markup:
    """Strip prolog/DOCTYPE/metadata, drop unused ids, prefix used ones, add a title and ARIA label."""
    start = raw.index("<svg")
    svg = raw[start:].strip()
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    prefix = "c" + hashlib.sha1(svg.encode("utf-8")).hexdigest()[:8] + "-"
    used = set(re.findall(r'href="#([^"]+)"', svg)) | set(re.findall(r"url\(#([^)]+)\)", svg))

    def _id(match: re.Match[str]) -> str:
        name = match.group(1)
        return f' id="{prefix}{name}"' if name in used else ""

    svg = re.sub(r' id="([^"]+)"', _id, svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    title = escape(label, quote=True)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{title}" class="chart-svg" ',
        1,
    )
    svg = re.sub(r"(<svg[^>]*>)", lambda m: f"{m.group(1)}<title>{title}</title>", svg, count=1)
    return Markup(svg)


def _to_svg(fig: Figure, label: str) -> Markup:
    buf = io.StringIO()
    tight = fig.get_layout_engine() is not None  # a fixed-margin figure is drawn once, at its own size
    with _style():
        fig.savefig(buf, format="svg", metadata=_METADATA, bbox_inches="tight" if tight else None, pad_inches=0.05)
    return _clean_svg(buf.getvalue(), label)


def _figure(width: float, height: float) -> Figure:
    with _style():
        return Figure(figsize=(width, height), layout="constrained")


def _fixed_figure(width: float, height: float, *, left: float, right: float, top: float, bottom: float) -> Figure:
    """A figure whose axes sit at fixed margins (inches) instead of a computed layout: half the drawing
    time of ``_figure`` (no layout pass measuring every label), for charts whose labels have a known size."""
    with _style():
        fig = Figure(figsize=(width, height))
        fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height)
        return fig


def _nan(values: Sequence[float | None]) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values], dtype=float)


def _empty(fig: Figure, title: str, message: str) -> Markup:
    with _style():
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_title(title, loc="left")
        ax.text(0.5, 0.5, message, ha="center", va="center", color=MUTED, transform=ax.transAxes)
    return _to_svg(fig, f"{title}: {message}")


# --- charts ----------------------------------------------------------------------------------------


@_kept
def spider_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    peer: Sequence[float | None],
    *,
    title: str,
    value_label: str,
    peer_label: str,
    scale: tuple[float, float] = (1.0, 5.0),
    not_applicable: Sequence[bool] | None = None,
) -> Markup:
    """Radar chart (spindelvæv) of the theme values against the peer median, on the 1-5 scale.

    A theme without a value is left out of the polygon (drawn as a gap) and marked "ikke vurderet", or "gælder ikke"
    when ``not_applicable`` says the quality model never assesses it for the facility's type.
    """
    never = list(not_applicable) if not_applicable is not None else [False] * len(labels)
    n = len(labels)
    fig = _figure(5.6, 4.6)
    if n < 3:
        return _empty(fig, title, "For få temaer til et spindelvæv")
    with _style():
        ax = cast(PolarAxes, fig.add_subplot(projection="polar"))
        angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
        closed = np.concatenate([angles, angles[:1]])
        low, high = scale
        ax.set_theta_offset(np.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_ylim(low - 1 if low > 0 else 0, high)
        ax.set_yticks(np.arange(math.ceil(low), math.floor(high) + 1))
        ax.yaxis.set_major_formatter(_number_formatter(0))
        ax.tick_params(axis="y", labelsize=7, colors=MUTED)
        ax.set_xticks(angles)
        v = _nan(values)
        # a theme without a value says so under its name (in the middle of the web, seven of them overlapped)
        ax.set_xticklabels(
            [
                _wrap(label, 16) + (("\n(gælder ikke)" if no else "\n(ikke vurderet)") if np.isnan(value) else "")
                for label, value, no in zip(labels, v, never, strict=True)
            ],
            fontsize=8,
            color=INK,
        )
        ax.grid(color=LINE)
        ax.spines["polar"].set_color(LINE)
        p = _nan(peer)
        if not np.all(np.isnan(p)):
            pc = np.concatenate([p, p[:1]])
            ax.plot(closed, pc, color=PEER, linewidth=1.5, linestyle="--", label=peer_label)
        vc = np.concatenate([v, v[:1]])
        ax.plot(closed, vc, color=ACCENT, linewidth=2, marker="o", markersize=4, label=value_label)
        if not np.any(np.isnan(v)):
            ax.fill(closed, vc, color=ACCENT, alpha=0.15)
        ax.set_title(title, loc="left", pad=18)
        # below the web: at its top right a long peer label ran over the top theme's name
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)
    described = "; ".join(
        f"{label} {_fmt(value)} (sammenligning {_fmt(pv)})"
        for label, value, pv in zip(labels, values, peer, strict=True)
    )
    return _to_svg(fig, f"{title}: {described}")


@_kept
def waterfall_chart(
    base_value: float,
    steps: Sequence[tuple[str, float]],
    *,
    title: str,
    start_label: str,
    end_label: str,
    axis_label: str,
) -> Markup:
    """SHAP waterfall: from the model's base value, each contribution as a bar (red raises the risk,
    green lowers it), to the facility's model output. Largest contributions at the top."""
    k = len(steps)
    fig = _figure(6.8, 0.42 * (k + 2) + 1.0)
    with _style():
        ax = fig.add_subplot()
        position = base_value
        ys = np.arange(k + 1, -1, -1)  # start at the top
        ax.barh(ys[0], 0, left=base_value, color=PEER)
        ax.plot([base_value, base_value], [ys[0] - 0.4, ys[0] + 0.4], color=PEER, linewidth=2)
        labels = [start_label]
        for i, (label, value) in enumerate(steps, start=1):
            colour = BAD if value > 0 else GOOD
            ax.barh(ys[i], value, left=position, color=colour, height=0.6)
            text = format_number_da(abs(value), 2)
            if any(c in "123456789" for c in text):  # a contribution that rounds to zero has no sign
                text = f"{'+' if value > 0 else '−'}{text}"
            end = position + value
            ax.text(
                max(position, end) + 0.02 * _span(base_value, steps),
                ys[i],
                text,
                va="center",
                fontsize=7,
                color=colour,
            )
            if i < k:
                ax.plot([end, end], [ys[i] - 0.3, ys[i + 1] + 0.3], color=LINE, linewidth=0.8)
            position = end
            labels.append(label)
        ax.plot([position, position], [ys[-1] - 0.4, ys[-1] + 0.4], color=INK, linewidth=2)
        ax.axvline(base_value, color=LINE, linewidth=0.8, zorder=0)
        labels.append(end_label)
        ax.set_yticks(ys)
        ax.set_yticklabels([_wrap(label, 38) for label in labels], fontsize=8, color=INK)
        ax.xaxis.set_major_locator(_nice_ticks())
        ax.xaxis.set_major_formatter(_number_formatter(1))
        ax.set_xlabel(axis_label, fontsize=8, color=MUTED)
        ax.set_title(title, loc="left")
        lo, hi = _extent(base_value, steps)
        pad = 0.15 * max(hi - lo, 0.5)
        ax.set_xlim(lo - pad * 0.3, hi + pad)
    described = "; ".join(f"{label} {format_number_da(value, 2)}" for label, value in steps)
    return _to_svg(fig, f"{title}: {start_label} {format_number_da(base_value, 2)}; {described}")


@_kept
def series_vs_peer(
    x: Sequence[dt.date],
    values: Sequence[float | None],
    peer_median: Sequence[float | None],
    peer_low: Sequence[float | None],
    peer_high: Sequence[float | None],
    *,
    title: str,
    y_label: str,
    value_label: str,
    peer_label: str,
    band_label: str,
    decimals: int = 1,
    percent: bool = False,
    labels: Sequence[str] | None = None,
) -> Markup:
    """A facility's series (line with points) against the peer group's median and middle half (band).

    ``labels`` name the periods on the axis ("3. kvt. 2026"; default: years, months or days from ``x``); at most
    six are written, the latest always."""
    fig = _fixed_figure(6.0, 2.85, left=0.66, right=0.12, top=0.3, bottom=0.85)
    if not x:
        return _empty(fig, title, "Ingen data")
    names = list(labels) if labels is not None else _x_labels(x)
    with _style():
        ax = fig.add_subplot()
        pos = np.arange(len(x))
        lo, hi, med = _nan(peer_low), _nan(peer_high), _nan(peer_median)
        if not np.all(np.isnan(lo)):
            ax.fill_between(pos, lo, hi, color=PEER, alpha=0.2, linewidth=0, label=band_label)
        if not np.all(np.isnan(med)):
            ax.plot(pos, med, color=PEER, linestyle="--", linewidth=1.5, label=peer_label)
        v = _nan(values)
        ax.plot(pos, v, color=ACCENT, linewidth=2, marker="o", markersize=3.5, label=value_label)
        shown = pos[::-1][:: math.ceil(len(x) / 6)][::-1]  # counted back from the latest period
        ax.set_xticks(shown)
        ax.set_xticklabels([names[i] for i in shown], fontsize=7)
        ax.yaxis.set_major_locator(_nice_ticks())
        ax.yaxis.set_major_formatter(_percent_formatter() if percent else _number_formatter(decimals))
        ax.set_ylim(bottom=0)
        ax.set_ylabel(y_label, fontsize=8)
        ax.set_title(title, loc="left")
        ax.legend(loc="upper left", ncols=2, bbox_to_anchor=(0, -0.16))
        ax.grid(axis="y", color=LINE, linewidth=0.6)
    return _to_svg(fig, f"{title}: {_series_description(names, values, peer_median, y_label, peer_label, decimals)}")


def _series_description(
    names: Sequence[str],
    values: Sequence[float | None],
    peer_median: Sequence[float | None],
    unit: str,
    peer_label: str,
    decimals: int,
) -> str:
    """``tilbuddet 0,20 pr. plads i jul. 2025; median for opholdssteder 0,10 pr. plads``: the facility's last
    figure with its unit and period and the peers' median then (the last median when the facility has none)."""

    def amount(value: float) -> str:
        return f"{format_number_da(value, decimals)}{' %' if unit == '%' else f' {unit}'}"

    own = [i for i, v in enumerate(values) if v is not None]
    peers = [i for i, v in enumerate(peer_median) if v is not None]
    at = own[-1] if own else (peers[-1] if peers else None)
    value, median = (None, None) if at is None else (values[at], peer_median[at])
    said = "ingen tal for tilbuddet" if value is None or at is None else f"tilbuddet {amount(value)} i {names[at]}"
    if median is not None:
        said += f"; {peer_label[:1].lower()}{peer_label[1:]} {amount(median)}"
    return said


@_kept
def theme_history_chart(
    dates: Sequence[dt.date], series: Mapping[str, Sequence[float | None]], *, title: str
) -> Markup:
    """Theme values at each assessed visit, one line per theme, on the 1-5 scale."""
    fig = _fixed_figure(6.8, 3.0, left=0.75, right=2.3, top=0.3, bottom=0.7)  # legend of theme names right
    if not dates:
        return _empty(fig, title, "Ingen vurderinger endnu")
    with _style():
        ax = fig.add_subplot()
        pos = np.arange(len(dates))
        for (label, values), colour in zip(series.items(), THEME_COLOURS, strict=False):
            v = _nan(values)
            mask = ~np.isnan(v)
            if mask.any():
                ax.plot(pos[mask], v[mask], marker="o", markersize=3.5, linewidth=1.5, color=colour, label=label)
        step = max(1, math.ceil(len(dates) / 12))  # at most about 12 labels
        ticks = pos[::step]
        ax.set_xticks(ticks)
        ax.set_xticklabels([short_date_da(dates[i]) for i in ticks], fontsize=7, rotation=30, ha="right")
        ax.set_ylim(0.8, 5.2)
        ax.set_yticks([1, 2, 3, 4, 5])
        ax.yaxis.set_major_formatter(_number_formatter(0))
        ax.set_ylabel("Temaværdi (1-5)", fontsize=8)
        ax.set_title(title, loc="left")
        ax.grid(axis="y", color=LINE, linewidth=0.6)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)
    return _to_svg(fig, f"{title}: {len(dates)} tilsyn med vurderinger")


@_kept
def calibration_chart(
    predicted: Sequence[float], observed: Sequence[float], counts: Sequence[int], *, title: str
) -> Markup:
    """Reliability diagram: mean predicted probability against the observed rate per bin, with the
    diagonal a perfectly calibrated model follows; point size grows with the bin's rows."""
    fig = _figure(4.4, 4.0)
    if not predicted:
        return _empty(fig, title, "Ingen valideringsdata")
    with _style():
        ax = fig.add_subplot()
        p, o = np.asarray(predicted, float), np.asarray(observed, float)
        top = max(float(np.nanmax(p)), float(np.nanmax(o)), 0.05) * 1.1
        top = min(top, 1.0)
        ax.plot([0, top], [0, top], color=PEER, linestyle="--", linewidth=1, label="Perfekt kalibrering")
        sizes = 12 + 60 * np.asarray(counts, float) / max(max(counts), 1)
        ax.plot(p, o, color=ACCENT, linewidth=1.5)
        ax.scatter(p, o, s=sizes, color=ACCENT, zorder=3, label="Risikomodel (pr. decil)")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.xaxis.set_major_formatter(_percent_formatter())
        ax.yaxis.set_major_formatter(_percent_formatter())
        ax.set_xlabel("Forudsagt sandsynlighed", fontsize=8)
        ax.set_ylabel("Observeret andel med alvorligt fund", fontsize=8)
        ax.set_title(title, loc="left")
        ax.grid(color=LINE, linewidth=0.6)
        ax.legend(loc="lower right")
    return _to_svg(fig, f"{title}: {len(predicted)} grupper")


@_kept
def capacity_chart(
    labels: Sequence[str],
    used: Sequence[int],
    capacity: Sequence[int],
    *,
    title: str,
    near_full: float = 0.95,
    what: str = "Ingen tilsynskonsulenter",
) -> Markup:
    """Horizontal bars: planned visits against capacity per inspector, or per socialtilsyn (red from ``near_full``,
    as the plan's capacity table and warnings); ``what``: the text when there are no bars."""
    n = len(labels)
    fig = _figure(6.4, 0.32 * max(n, 1) + 1.0)
    if not n:
        return _empty(fig, title, what)
    with _style():
        ax = fig.add_subplot()
        ys = np.arange(n)[::-1]
        cap = np.asarray(capacity, float)
        use = np.asarray(used, float)
        # the pale bar is seen by its edge: MUTED is 6:1 on white, LINE was 1.4:1 (WCAG 1.4.11 asks 3:1)
        ax.barh(ys, cap, color="#eef1f6", edgecolor=MUTED, linewidth=0.8, height=0.7, label="Kapacitet")
        share = np.divide(use, cap, out=np.zeros_like(use), where=cap > 0)
        colours = [BAD if s >= near_full else ACCENT for s in share]
        ax.barh(ys, use, color=colours, height=0.45, label="Planlagte besøg")
        for y, u, c in zip(ys, use, cap, strict=True):
            text = f"{int(u)} / {int(c)}" + (f" ({format_number_da(u / c * 100, 0)} %)" if c > 0 else "")
            ax.text(max(u, c) + 0.3, y, text, va="center", fontsize=7, color=INK)
        ax.set_yticks(ys)
        ax.set_yticklabels([_shorten(label, BAR_LABEL_CHARS) for label in labels], fontsize=8, color=INK)
        ax.xaxis.set_major_formatter(_number_formatter(0))
        ax.set_xlim(0, max(float(cap.max(initial=0)), float(use.max(initial=0)), 1) * 1.35)
        ax.set_xlabel("Besøg i kvartalet", fontsize=8)
        ax.set_title(title, loc="left")
        # the key beside the title: below the axis it floated far from the bars when there were many inspectors
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, fontsize=7, borderaxespad=0.2)
    return _to_svg(fig, f"{title}: {int(use.sum())} af {int(cap.sum())} mulige besøg")


@_kept
def risk_histogram(risks: Sequence[float], *, title: str, threshold: float | None = None) -> Markup:
    """Distribution of the risk (probability) over the listed facilities; the tier "høj" threshold as a line."""
    fig = _figure(6.4, 2.2)
    if not len(risks):
        return _empty(fig, title, "Ingen tilbud")
    with _style():
        ax = fig.add_subplot()
        r = np.asarray(risks, float)
        top = max(float(r.max()), 0.05)
        ax.hist(r, bins=np.linspace(0, top * 1.02, 30).tolist(), color=ACCENT, alpha=0.85)
        if threshold is not None:
            ax.axvline(threshold, color=BAD, linestyle="--", linewidth=1.2, label="Grænse for høj risiko")
            # beside the title: inside the plot it covered the last bins, where the riskiest are
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.2)
        ax.xaxis.set_major_formatter(_percent_formatter())
        ax.yaxis.set_major_locator(_nice_ticks(integer=True))
        ax.yaxis.set_major_formatter(_number_formatter(0))
        ax.set_xlabel("Risiko (sandsynlighed for alvorligt fund)", fontsize=8)
        ax.set_ylabel("Tilbud", fontsize=8)
        ax.set_title(title, loc="left")
        ax.grid(axis="y", color=LINE, linewidth=0.6)
    median = format_number_da(float(np.median(r)) * 100, 1)
    return _to_svg(fig, f"{title}: {format_number_da(len(r), 0)} tilbud, median {median} %")


# --- helpers -----------------------------------------------------------------------------------------


def _fmt(value: float | None, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "ikke vurderet"
    return format_number_da(float(value), decimals)


#: The longest bar label a capacity chart draws: inspectors.csv allows names of 200 characters, and one such tick label
#: made the figure 3.5 times as wide as the page, the bars a sliver at its right (the tables keep the whole name)
BAR_LABEL_CHARS = 28


def _shorten(text: str, width: int) -> str:
    """``text`` on one line (a newline inside a quoted CSV name read as a space), cut to ``width`` with an ellipsis."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[: width - 1].rstrip() + "…"


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "\n".join(lines)


def _x_labels(x: Sequence[dt.date]) -> list[str]:
    """Quarter/year labels when the points are months or quarters, else dates."""
    if len(x) >= 2 and all(d.month == 1 and d.day == 1 for d in x):
        return [str(d.year) for d in x]
    if all(d.day == 1 for d in x):
        return [date_label_da(d) for d in x]
    return [short_date_da(d) for d in x]


def _extent(base: float, steps: Sequence[tuple[str, float]]) -> tuple[float, float]:
    position, lo, hi = base, base, base
    for _, value in steps:
        position += value
        lo, hi = min(lo, position), max(hi, position)
    return lo, hi


def _span(base: float, steps: Sequence[tuple[str, float]]) -> float:
    lo, hi = _extent(base, steps)
    return max(hi - lo, 0.5)
