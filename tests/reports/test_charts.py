"""Charts are inline SVG a browser and WeasyPrint can place anywhere: no prolog, nothing external,
unique ids per chart, Danish text kept as text, deterministic."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from markupsafe import Markup
from matplotlib.figure import Figure

from reports import charts
from tests.reports.html_doc import parse

THEMES = (
    "Uddannelse og beskæftigelse",
    "Selvstændighed og relationer",
    "Målgruppe, metoder og resultater",
    "Sundhed og trivsel",
    "Organisation og ledelse",
    "Kompetencer",
    "Fysiske rammer",
)
QUARTERS = [dt.date(2025, 1, 1), dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1)]


def all_charts() -> dict[str, Markup]:
    return {
        "spider": charts.spider_chart(
            THEMES, [3.5, 4, None, 2.0, 3, 4.5, 5], [4] * 7, title="Temaværdier", value_label="Tilbuddet",
            peer_label="Median for opholdssteder",
        ),
        "waterfall": charts.waterfall_chart(
            -2.5, [("Magtanvendelser", 0.8), ("Pladser", -0.3)], title="Hvorfor", start_label="Gennemsnit",
            end_label="Tilbuddet", axis_label="log-odds",
        ),
        "series": charts.series_vs_peer(
            QUARTERS, [0.1, None, 0.4, 0.2], [0.1] * 4, [0.05] * 4, [0.2] * 4, title="Magtanvendelser",
            y_label="pr. plads", value_label="Tilbuddet", peer_label="Median", band_label="Midterste halvdel",
        ),
        "history": charts.theme_history_chart(QUARTERS[:2], {"Kompetencer": [3.0, None]}, title="Temahistorik"),
        "calibration": charts.calibration_chart([0.01, 0.1, 0.3], [0.0, 0.12, 0.35], [10, 10, 10], title="Kalibrering"),
        "capacity": charts.capacity_chart(["Anne Holm", "Søren Ærø"], [30, 40], [39, 39], title="Kapacitet"),
        "histogram": charts.risk_histogram([0.01, 0.2, 0.5], title="Fordeling", threshold=0.4),
    }  # fmt: skip


@pytest.fixture(scope="module")
def drawn() -> dict[str, Markup]:
    return all_charts()


def test_every_chart_is_one_clean_inline_svg(drawn: dict[str, Markup]) -> None:
    for name, svg in drawn.items():
        assert isinstance(svg, Markup), name
        assert svg.startswith("<svg "), name
        assert svg.rstrip().endswith("</svg>"), name
        assert "<?xml" not in svg and "DOCTYPE" not in svg and "<metadata" not in svg, name
        doc = parse(f"<html><body>{svg}</body></html>")
        assert len(doc.svgs()) == 1, name
        root = doc.svgs()[0]
        assert root.attrs["role"] == "img" and root.attrs["aria-label"], name
        assert root.attrs["viewbox"], name
        assert doc.external_urls() == [], (name, doc.external_urls())


def test_text_stays_text_with_danish_letters(drawn: dict[str, Markup]) -> None:
    assert "Selvstændighed" in drawn["spider"] and "Målgruppe" in drawn["spider"]
    assert "<text" in drawn["spider"]
    assert "Søren Ærø" in drawn["capacity"]
    # Danish number formatting on the axes (decimal comma) and in the description.
    assert "0,4" in drawn["series"] or "0,40" in drawn["series"]
    assert "ikke vurderet" in drawn["spider"]  # the theme without a value is marked, not drawn as 0


def test_ids_are_unique_across_charts_and_all_references_resolve(drawn: dict[str, Markup]) -> None:
    page = "".join(drawn.values())
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "two charts on one page share an id"
    refs = set(re.findall(r'href="#([^"]+)"', page)) | set(re.findall(r"url\(#([^)]+)\)", page))
    assert refs <= set(ids)


def test_charts_are_deterministic() -> None:
    charts.drop_kept_charts()
    first = all_charts()
    charts.drop_kept_charts()  # drawn again, not the kept ones
    assert first == all_charts()


def test_a_chart_of_the_same_data_is_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A facility's page and then its PDF (or a report written as HTML and as PDF) draw each chart once."""
    charts.drop_kept_charts()
    drawn: list[str] = []
    to_svg = charts._to_svg

    def counted(fig: Figure, label: str) -> Markup:
        drawn.append(label)
        return to_svg(fig, label)

    monkeypatch.setattr(charts, "_to_svg", counted)

    def spider(values: list[float | None], title: str = "Temaer") -> Markup:
        return charts.spider_chart(
            ["A", "B", "C"], values, [4.0, 4.0, 4.0], title=title, value_label="Tilbuddet", peer_label="Median"
        )

    first = spider([3.0, 2.0, None])
    assert spider([3.0, 2.0, None]) == first and len(drawn) == 1
    assert spider([3.0, 2.0, 1.0]) != first and len(drawn) == 2  # other data: drawn
    assert spider([3.0, 2.0, None], title="Andre") != first and len(drawn) == 3


def test_empty_data_draws_a_message_not_an_error() -> None:
    svg = charts.series_vs_peer(
        [], [], [], [], [], title="Sygefravær", y_label="%", value_label="a", peer_label="b", band_label="c"
    )
    assert "Ingen data" in svg and svg.startswith("<svg ")
    assert "For få temaer" in charts.spider_chart(
        ["A", "B"], [1, 2], [1, 2], title="T", value_label="a", peer_label="b"
    )
    assert "Ingen tilbud" in charts.risk_histogram([], title="Fordeling")


def test_dates_on_a_chart_axis_are_written_as_the_tables_write_them() -> None:
    """The theme chart's axis read 28-07-2021 while the tables say 28. jul. 2021."""
    assert charts.short_date_da(dt.date(2021, 7, 28)) == "28. jul. 2021"
    assert charts._x_labels([dt.date(2021, 7, 28), dt.date(2022, 3, 2)]) == ["28. jul. 2021", "2. mar. 2022"]


@pytest.mark.parametrize("name", [r"Pia $\frac$ Hansen", "Jens $x^$ Holm", "Bo $5 og $6"])
def test_a_label_with_dollar_signs_is_drawn_as_written(name: str) -> None:
    """Labels are data (inspectors.csv names the capacity chart's bars): matplotlib read "$…$" as TeX, so one
    name failed every plan page with a parse error, and "$5 og $6" was typeset as "5 og 6"."""
    svg = charts.capacity_chart([name, "Anne Holm"], [3, 4], [5, 5], title="Kapacitet")
    assert name in svg


def texts(svg: str) -> list[str]:
    """Every text drawn in a chart (ticks, labels, legend), as written."""
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def numbers_da(labels: list[str]) -> list[float]:
    """The tick labels that are Danish numbers ("1.350", "0,05", "20 %"), as floats."""
    out = []
    for label in labels:
        plain = label.removesuffix(" %").replace("−", "-")
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d+)?", plain):
            out.append(float(plain.replace(".", "").replace(",", ".")))
    return out


def test_axis_numbers_are_danish_and_say_the_tick_they_stand_at() -> None:
    """The risk list's histogram counted "1350" (no thousands point), and a profile's magtanvendelser axis read
    0,00 0,03 0,05 0,08 0,10 0,13 0,15: ticks every 0,025 rounded to two decimals, so equal steps looked unequal."""
    histogram = texts(charts.risk_histogram([0.05] * 1500 + [0.5], title="Fordeling", threshold=0.4))
    assert "1.000" in histogram, histogram
    assert not [t for t in histogram if re.fullmatch(r"\d{4,}", t)], histogram
    series = charts.series_vs_peer(
        QUARTERS, [0.0, 0.0, 0.05, 0.0], [0.04] * 4, [0.0] * 4, [0.13] * 4, title="Magtanvendelser",
        y_label="pr. plads", value_label="Tilbuddet", peer_label="Median", band_label="Midterste halvdel", decimals=2,
    )  # fmt: skip
    ticks = sorted(set(numbers_da(texts(series))))
    assert len(ticks) >= 3, ticks
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1, ticks  # evenly spaced as written


def text_boxes(svg: str) -> list[tuple[str, float, float, float, float]]:
    """Each text of a chart with its approximate box (left, top, right, bottom in SVG units): DejaVu Sans is
    about 0.6 em wide a letter. A legend's text gets 2.5 em more on its left for the line or marker before it."""
    out = []
    for m in re.finditer(r"<text([^>]*)>([^<]*)</text>", svg):
        attrs, text = m.group(1), m.group(2).strip()
        size = float(re.search(r"font-size: ([\d.]+)px", attrs).group(1))  # type: ignore[union-attr]
        place = re.search(r'x="([-\d.]+)" y="([-\d.]+)"', attrs) or re.search(
            r"translate\(([-\d.]+) ([-\d.]+)\)", attrs
        )
        assert place is not None, attrs
        x, y = float(place.group(1)), float(place.group(2))
        width = 0.6 * size * len(text)
        anchor = re.search(r"text-anchor: (\w+)", attrs)
        left = (
            x - width / 2
            if anchor and anchor.group(1) == "middle"
            else x - width
            if anchor and anchor.group(1) == "end"
            else x
        )
        out.append((text, left, y - 0.8 * size, left + width, y + 0.2 * size))
    return out


def overlapping_texts(svg: str, legend: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    boxes = [
        (t, left - (2.5 * (bottom - top) if t in legend else 0), top, right, bottom)
        for t, left, top, right, bottom in text_boxes(svg)
    ]
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


def test_a_spider_chart_without_values_and_its_legend_overlap_no_label() -> None:
    """A tilbud never assessed drew seven "ikke vurderet" on top of each other in the middle of the web, and a
    long peer label put the legend over the top theme's name ("Uddannelse og beskæftigelse")."""
    legend = ("Median for længerevarende botilbud", "Tilbuddet")
    for values in ([None] * 7, [3.5, 4, None, 2.0, 3, 4.5, None]):
        svg = charts.spider_chart(
            THEMES, values, [4] * 7, title="Seneste temaværdier (spindelvæv)", value_label=legend[1],
            peer_label=legend[0],
        )  # fmt: skip
        assert overlapping_texts(svg, legend) == []
        assert len([t for t in texts(svg) if t == "(ikke vurderet)"]) == values.count(None)  # under its name


def test_a_series_chart_describes_its_last_figure_with_unit_and_period() -> None:
    """A screen reader heard "Sygefravær pr. år: seneste værdi ikke vurderet" for a tilbud without staff
    figures ("ikke vurderet" is said of themes), and a bare "0,2" for one with them: no unit, no period."""

    def label(values: list[float | None], y_label: str) -> str:
        svg = charts.series_vs_peer(
            QUARTERS, values, [0.1] * 4, [0.05] * 4, [0.2] * 4, title="Magtanvendelser", y_label=y_label,
            value_label="Tilbuddet", peer_label="Median for opholdssteder", band_label="Midterste halvdel", decimals=2,
        )  # fmt: skip
        return parse(f"<html><body>{svg}</body></html>").svgs()[0].attrs["aria-label"]

    assert label([0.1, 0.3, 0.2, None], "pr. plads") == (
        "Magtanvendelser: tilbuddet 0,20 pr. plads i jul. 2025; median for opholdssteder 0,10 pr. plads"
    )
    assert label([None] * 4, "%") == "Magtanvendelser: ingen tal for tilbuddet; median for opholdssteder 0,10 %"


def test_the_capacity_chart_marks_95_percent_as_the_table_does_and_keys_it_by_its_title() -> None:
    """An inspector at exactly 95 % was blue in the chart while the table and the warnings count 95 % as full
    ("≥ 95 %"), and with many inspectors the legend floated far below the axis label, away from the bars."""
    names = [f"Tilsynskonsulent {i}" for i in range(24)]
    svg = charts.capacity_chart(names, [19] + [10] * 23, [20] * 24, title="Kapacitetsudnyttelse 2027K1")
    assert charts.BAD in svg  # 19 of 20
    assert charts.BAD not in charts.capacity_chart(["A"], [18], [20], title="K")  # 90 %
    y = {text: bottom for text, _, _, _, bottom in text_boxes(svg)}
    assert y["Planlagte besøg"] < y[names[0]] and y["Kapacitet"] < y[names[0]]  # the key above the bars
    assert abs(y["Kapacitet"] - y["Kapacitetsudnyttelse 2027K1"]) < 12  # beside the title


def test_the_histograms_key_is_outside_the_bars() -> None:
    """With few tilbud (one type in one socialtilsyn) the riskiest sits in the last bin, at the plot's top right,
    where the key "Grænse for høj risiko" was drawn over it."""
    svg = charts.risk_histogram([0.03, 0.354], title="Risikoens fordeling", threshold=0.086)
    plot = re.search(r'<clipPath[^>]*>\s*<rect x="[-\d.]+" y="([-\d.]+)"', svg)
    assert plot is not None
    key = next(box for box in text_boxes(svg) if box[0] == "Grænse for høj risiko")
    assert key[4] <= float(plot.group(1))  # above the plot area


def test_negative_axis_numbers_have_the_minus_sign_the_tables_have() -> None:
    """The waterfall's axis wrote -2,5 with a hyphen beside bars labelled −0,10 and a factor table of −0,11 (a true
    minus sign, as the reports' ``signed`` filter writes it)."""
    svg = charts.waterfall_chart(
        -2.5, [("Pladser", 0.3), ("Lederskifte", -0.1)], title="Hvad driver risikoen (SHAP)",
        start_label="Gennemsnitligt tilbud", end_label="Dette tilbud", axis_label="Modellens score (log-odds)",
    )  # fmt: skip
    ticks = [t for t in texts(svg) if re.fullmatch(r"[-−]?\d+,\d+", t)]
    assert ticks and all(t.startswith("−") for t in ticks), ticks


def test_a_contribution_that_rounds_to_zero_has_no_sign() -> None:
    """A factor contributing -0.001 was labelled "−0,00" on its bar (and +0.001 "+0,00"): a sign on nothing."""
    svg = charts.waterfall_chart(
        -2.5, [("Pladser", 0.3), ("Lederskifte", -0.001), ("Sygefravær", 0.002)], title="Hvad driver risikoen (SHAP)",
        start_label="Gennemsnitligt tilbud", end_label="Dette tilbud", axis_label="Modellens score (log-odds)",
    )  # fmt: skip
    labels = texts(svg)
    assert "+0,30" in labels and "0,00" in labels
    assert "−0,00" not in labels and "+0,00" not in labels, labels


def contrast(a: str, b: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_solid_shape_of_a_chart_stands_out_from_the_page_by_3_to_1() -> None:
    """The capacity chart's capacity bars (and their legend key) were #eef1f6 edged with #d9dde5: 1.1:1 and
    1.4:1 against the white page, a bar a reader with low vision could not see (WCAG 1.4.11 asks 3:1 of the
    graphics needed to understand a chart). A pale fill is fine when its edge carries the shape."""
    for name, svg in all_charts().items():
        for style in re.findall(r'style="([^"]*)"', svg):
            props = dict(p.split(": ", 1) for p in style.split("; ") if ": " in p)
            fill, stroke = props.get("fill", ""), props.get("stroke", "")
            if not re.fullmatch(r"#[0-9a-f]{6}", fill) or fill == "#ffffff" or "opacity" in style or "font" in style:
                continue
            seen = max(contrast(fill), contrast(stroke) if re.fullmatch(r"#[0-9a-f]{6}", stroke) else 1.0)
            assert seen >= 3, (name, style, round(seen, 2))


def test_a_very_long_inspector_name_does_not_squeeze_the_capacity_bars() -> None:
    """inspectors.csv allows names of 200 characters: one such name as a tick label made the figure 3.5 times as
    wide as the page (the bars a sliver at its right, "axes sizes collapsed to zero"); the bar's label is cut with an
    ellipsis and its newline read as a space (the tables beside the chart keep the whole name)."""

    def width(svg: str) -> float:
        return float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))  # type: ignore[union-attr]

    long_name = "Ø" * 200
    short = charts.capacity_chart(["Anne Holm", "Bo Ravn"], [3, 4], [5, 5], title="Kapacitet")
    svg = charts.capacity_chart([long_name, "Bo\nRavn"], [3, 4], [5, 5], title="Kapacitet")
    assert width(svg) < 1.5 * width(short), (width(svg), width(short))
    drawn = texts(svg)
    assert "Ø" * 27 + "…" in drawn and "Bo Ravn" in drawn, drawn
