"""Explanations in Danish: each facility's contributions turned into sentences with its value and a comparison.

A *factor* is a JSON-serialisable dict ``{"feature", "value", "comparison", "shap", "text"}``:
``value`` and ``comparison`` are the numbers the sentence shows (in its units: months, % or per
place), ``shap`` the feature's contribution to the raw margin (log-odds). The comparison is the
median of the *other* facilities of the same type at the same date (the peer group of the facility
profile: the facility itself left out, so that a tilbud is never compared with its own value), except
for magtanvendelser (the expected rate for the type under the authority's reporting culture) and staff
figures (the type's median in the same year). A facility that is the only active one of its type has
no peers: each of those sentences then says "der er ingen andre ... at sammenligne med" instead of a
comparison (its type's rate and median would be its own). Contributions come from SHAP's
TreeExplainer (LightGBM) or, for the expert score, from its points; in both cases
``base_value + sum(shap) == margin``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from data.enums import FacilityType, SanctionKind, Theme
from data.glossary import (
    FACILITY_TYPE_DA,
    FACILITY_TYPE_PLURAL_DA,
    RISK_FEATURE_DA,
    SANCTION_LATEST_DA,
    format_date_da,
    format_number_da,
)
from data.quality_model import FacilityTraits, theme_applies
from models.baselines import EXPERT_RULES
from models.features import (
    FEATURE_NAMES,
    FEATURE_SOURCES,
    FEATURES,
    NEVER_DAYS,
    NOT_COLLECTED_RATIO,
    RAW_THEME_COLUMNS,
    THEME_DATE_COLUMNS,
    THEME_FEATURES,
)

DAYS_PER_MONTH = 365.25 / 12

Factor = dict[str, Any]


def _num(value: float | None, decimals: int = 1) -> str:
    """A number as shown, rounded half up as a reader rounds it: a mean or median of scores that is 3,75 but held by
    the float sum as 3,7499999999999996 is 3,8 (the float's last digits are dropped first)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "ukendt"
    return format_number_da(round(float(value), 9), decimals)


def _smart(value: float | None) -> str:
    """A rate with as many decimals as it needs: 14 / 3,1 / 0,42."""
    if value is None:
        return "ukendt"
    magnitude = abs(value)
    return _num(value, 0 if magnitude >= 10 else 1 if magnitude >= 1 else 2)


def _few(value: float) -> str:
    """A small expected count: ``"0,4"``, ``"2,5"``, ``"under 0,01"`` (never "0,00" for something expected)."""
    return "under 0,01" if 0 < value < 0.005 else _smart(value)


def _clean(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _plural(facility_type: str) -> str:
    try:
        return FACILITY_TYPE_PLURAL_DA[FacilityType(facility_type)]
    except ValueError:
        return str(facility_type)


def _months(days: Any) -> float | None:
    d = _clean(days)
    return None if d is None else d / DAYS_PER_MONTH


def _months_ago(months: float) -> str:
    """``"under 1 måned"``, ``"1 måned"``, ``"7 måneder"`` (whole months, Danish singular/plural)."""
    n = round(months)
    if n < 1:
        return "under 1 måned"
    return "1 måned" if n == 1 else f"{n} måneder"


def _years_ago(years: float) -> str:
    """``"for 2,5 år siden"``; under a year in months, under a month in days (a tilbud approved three days
    ago was "for 0,0 år siden")."""
    if years >= 1:
        return f"for {_num(years, 1)} år siden"
    months = years * 12
    if months >= 1:
        return f"for {_months_ago(months)} siden"
    days = round(years * 365.25)
    if days < 1:
        return "i dag"
    return "for 1 dag siden" if days == 1 else f"for {days} dage siden"


def _median_months(comp_months: float | None, plural: str, none_text: str) -> str:
    """The peer comparison of a recency: the median in months, or that most peers have none at all."""
    if comp_months is None:
        return ""
    if comp_months * DAYS_PER_MONTH >= NEVER_DAYS - 1:
        return f" — de fleste {plural} har {none_text}"
    return f" — medianen for {plural} er {_months_ago(comp_months)}"


def _raw(row: Row, feature: str) -> float | None:
    """A theme feature's value as the tilsyn scored it (before the authority adjustment), when known."""
    column = RAW_THEME_COLUMNS.get(feature)
    raw = _clean(row.get(column)) if column is not None else None
    return raw if raw is not None else _clean(row[feature])


def _raw_only(row: Row, feature: str) -> float | None:
    """A theme's value as scored, or None (no fallback to the adjusted value: that is on another scale)."""
    return _clean(row.get(RAW_THEME_COLUMNS[feature]))


def _vs_median(comparison: float | None, plural: str, decimals: int = 1, unit: str = "") -> str:
    if comparison is None:
        return ""
    return f" — medianen for {plural} er {_num(comparison, decimals)}{unit}"


def _vs_count_median(comparison: float | None, plural: str) -> str:
    """The median of a count: whole, or halfway between two counts (an even number of peers): ``0,5``, not
    ``1`` -- rounded, a tilbud with none read as below a median of 1."""
    if comparison is None:
        return ""
    return _vs_median(comparison, plural, 0 if float(comparison).is_integer() else 1)


def _ratio_text(value: float | None, comparison: float | None) -> str:
    if value is None or comparison is None or comparison <= 0:
        return ""
    return f"{_num(value / comparison, 1)} × "


#: A facility's features and context: a pandas row or a plain dict (the fast path).
Row = Mapping[str, Any]

Sentence = Callable[[Row, float | None, str], tuple[float | None, float | None, str]]


def _theme_applies(feature: str, facility_type: Any) -> bool:
    """Whether the quality model applies the theme to the type (seed 004: "Temaet Organisation og ledelse gælder
    ikke for efterskoler ... med kostafdeling"); an unknown type: yes."""
    try:
        traits = FacilityTraits(FacilityType(facility_type))
    except ValueError:
        return True
    return theme_applies(Theme(feature.removeprefix("theme_")), traits)


def _theme(feature: str) -> Sentence:
    label = RISK_FEATURE_DA[feature]

    def sentence(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
        v = _raw(row, feature)
        if v is None and not _theme_applies(feature, row["facility_type"]):
            return None, comp, f"{label}: gælder ikke for {plural}"
        if v is None and _raw(row, "theme_mean") is None:  # no theme assessed yet (a new tilbud)
            return None, comp, f"{label}: ingen vurdering endnu"
        if v is None:  # the latest value of a theme is read from every visit: none ever assessed it
            return None, comp, f"{label}: ikke vurderet ved nogen af tilbuddets tilsyn"
        year = _older_year(row, feature)
        when = "" if year is None else f" i {year}"
        return v, comp, f"{label}: {_num(v, 1)} ved seneste vurdering{when}{_vs_median(comp, plural)}"

    return sentence


def _theme_mean(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
    v = _raw(row, "theme_mean")
    if v is None:
        return None, comp, "Ingen temaværdier endnu"
    return v, comp, f"Gennemsnitlig temaværdi: {_num(v, 1)}{_vs_median(comp, plural)}"


def _older_year(row: Row, feature: str) -> int | None:
    """The year a theme's latest value was assessed, when that was before the tilbud's newest visit with scores
    (a theme value is its latest from any visit: "ved seneste vurdering" alone reads as the last visit)."""
    column = THEME_DATE_COLUMNS.get(feature)
    assessed = row.get(column) if column is not None else None
    newest = row.get("theme_visit_date")
    if assessed is None or newest is None or pd.isna(assessed) or pd.isna(newest):
        return None
    return int(pd.Timestamp(assessed).year) if pd.Timestamp(assessed) < pd.Timestamp(newest) else None


def _theme_min(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
    v = _raw(row, "theme_min")
    if v is None:
        return None, comp, "Laveste temaværdi: ingen temaværdier endnu"
    lowest = [name for name in THEME_FEATURES if (t := _raw_only(row, name)) is not None and abs(t - v) < 1e-9]
    which = ""
    if len(lowest) == 1:
        year = _older_year(row, lowest[0])
        which = f" ({RISK_FEATURE_DA[lowest[0]]}{'' if year is None else f', vurderet i {year}'})"
    elif len(lowest) == 2:  # theme names hold "og" and commas: "samt" keeps two apart
        which = f" ({RISK_FEATURE_DA[lowest[0]]} samt {RISK_FEATURE_DA[lowest[1]]})"
    elif lowest:
        which = f" ({len(lowest)} temaer)"
    return v, comp, f"Laveste temaværdi: {_num(v, 1)}{which}{_vs_median(comp, plural)}"


def _theme_change(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
    v = _raw(row, "theme_change")
    if v is None and _raw(row, "theme_mean") is None:
        return None, comp, "Ændring i temaværdier: ingen tilsyn med vurderinger endnu"
    if v is None:  # one visit with scores, or several that each assessed other themes
        return None, comp, "Ændring i temaværdier: intet tema er vurderet ved mere end ét tilsyn"
    sign = "+" if round(v, 1) > 0 else ""  # a change that rounds to 0,0 has no sign
    return v, comp, f"Ændring i temaværdier siden forrige vurdering: {sign}{_num(v, 1)} point{_vs_median(comp, plural)}"


def _since(feature: str, what: str, never: str, none_text: str) -> Sentence:
    def sentence(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
        days = _clean(row[feature])
        comp_m = None if comp is None else comp / DAYS_PER_MONTH
        if days is None or days >= NEVER_DAYS:
            return None, comp_m, never
        m = days / DAYS_PER_MONTH
        return m, comp_m, f"{what}: {_months_ago(m)} siden{_median_months(comp_m, plural, none_text)}"

    return sentence


def _sanction(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
    """The latest serious sanction, named by its kind: an ophør counts (a tilbud approved again after it)."""
    try:
        what = SANCTION_LATEST_DA[SanctionKind(str(row.get("last_sanction_kind")))]
    except ValueError:  # a run stored before the column
        what = "Seneste påbud, skærpet tilsyn eller ophør"
    return _since(
        "days_since_sanction",
        what,
        "Ingen påbud, skærpet tilsyn eller ophør registreret",
        "hverken påbud, skærpet tilsyn eller ophør",
    )(row, comp, plural)


def _none_since_approval(what: str, row: Row, months: float) -> str:
    """ "Intet uanmeldt tilsyn siden godkendelsen for 5 måneder siden"; for a tilbud approved before the visit data
    begin (``visits_begin``: a short export) where they begin, since its earlier visits are unknown."""
    begin = row.get("visits_begin")
    if begin is None or pd.isna(begin):
        return f"{what} siden godkendelsen for {_months_ago(months)} siden"
    return (
        f"{what} i besøgsdataene, som begynder {format_date_da(pd.Timestamp(begin).date())}; tiden regnes fra "
        f"godkendelsen for {_months_ago(months)} siden"
    )


def _unannounced(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
    m = _months(row["days_since_unannounced"]) or 0.0
    comp_m = None if comp is None else comp / DAYS_PER_MONTH
    tail = _median_months(comp_m, plural, "intet uanmeldt tilsyn")
    if pd.isna(row.get("last_unannounced")):
        return m, comp_m, _none_since_approval("Intet uanmeldt tilsyn", row, m) + tail
    return m, comp_m, f"Seneste uanmeldte tilsyn: {_months_ago(m)} siden{tail}"


def _visit(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
    m = _months(row["days_since_visit"]) or 0.0
    comp_m = None if comp is None else comp / DAYS_PER_MONTH
    tail = _median_months(comp_m, plural, "intet tilsynsbesøg")
    if pd.isna(row.get("last_visit")):
        return m, comp_m, _none_since_approval("Intet tilsynsbesøg", row, m) + tail
    return m, comp_m, f"Seneste tilsynsbesøg: {_months_ago(m)} siden{tail}"


#: What every comparison of magtanvendelser with the expected says about it.
ADJUSTED = "(justeret for tilsynets indberetningspraksis)"


def _since_approval(months: float) -> str:
    """``"siden godkendelsen for 5 måneder siden"``: the months a tilbud approved within a window reported for
    (its approval month counts, as in :func:`models.features._force_features`)."""
    return f"siden godkendelsen for {_num(months, 0)} {'måned' if months == 1 else 'måneder'} siden"


def _force(months: int) -> Sentence:
    def sentence(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
        v = _clean(row[f"force_per_place_{months}m"])
        expected = _clean(row["force_expected_per_place"])
        reported = min(months, _force_months(row))  # a tilbud approved within the window: its months only
        exp_window = None if expected is None else expected * reported / 12
        if reported < 1:
            # named with its window: the 3- and the 12-month factor read the same line twice in one explanation
            label = RISK_FEATURE_DA[f"force_ratio_{months}m"]
            return v, exp_window, f"{label}: godkendt i denne måned — ingen hel måned at opgøre endnu"
        period = f"de seneste {months} måneder" if reported >= months else _since_approval(reported)
        ratio = _clean(row[f"force_ratio_{months}m"])
        places = _clean(row.get("places"))
        count = _clean(row.get(f"force_{months}m"))
        if count is None and v is not None and places:
            count = v * places
        exp_count = exp_window * places if exp_window is not None and places else None
        text = f"Magtanvendelser: {_smart(v)} pr. plads {period}"
        if expected is not None and expected <= 0 and v == 0:
            # nobody of the type reports any (ambulant treatment; or none in the data at all): the model counts it
            # as a typical tilbud (the median ratio of those with an expectation, models.features), not "1,0 ×"
            text = (
                f"Magtanvendelser: ingen {period} — ingen {plural} har indberettet nogen at sammenligne med "
                "(regnet som et typisk tilbud)"
            )
        elif expected is not None and expected <= 0:
            # no count (a row without it), or a use where none is expected (compute_features gives none: a use makes
            # its type's rate, and the tilbud is compared with that)
            text += f" — der er ingen indberetninger for {plural} at sammenligne med"
        elif v == 0 and exp_window is not None:
            # none: the smoothed ratio (0 + 1) / (expected + 1) of a small expectation reads "1,0 ×", as if
            # exactly as expected; say what was expected instead
            expected_text = (
                f"der forventes {_few(exp_count)} for et tilbud af denne type og størrelse"
                if exp_count is not None
                else f"det forventede for {plural} er {_few(exp_window)} pr. plads"
            )
            text = f"Magtanvendelser: ingen {period} — {expected_text} {ADJUSTED}"
        elif v is not None and exp_window is not None and count is not None and exp_count is not None and exp_count < 1:
            # a ratio against less than one expected use is a ratio of one or two events (1 where 0,07 are
            # expected is "14 ×", which the model's smoothed ratio weighs as about 1,9 ×): say both counts
            text = (
                f"Magtanvendelser: {_num(count, 0)} {period} — der forventes {_few(exp_count)} "
                f"for et tilbud af denne type og størrelse {ADJUSTED}"
            )
        elif v is not None and exp_window is not None:
            # observed against expected, as the sentence says: not the model's smoothed (obs + 1) / (expected + 1),
            # which read 0,5 × for 3 uses where 7 were expected
            text += f" — {_num(v / exp_window, 1)} × det forventede for {plural} {ADJUSTED}"
        elif ratio is not None:  # a row without the expectation (a run stored before the column)
            text += f" — {_num(ratio, 1)} × det forventede for {plural} {ADJUSTED}"
        return v, exp_window, text

    return sentence


def _force_months(row: Row) -> float:
    """Months of the last 12 the tilbud was approved in (12 for a run stored before the column existed)."""
    months = _clean(row.get("force_months_12m"))
    return 12.0 if months is None else months


def _force_trend(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
    v3 = _clean(row["force_3m"]) or 0.0
    months = _force_months(row)
    if months <= 3:  # every use it reported lies in the last 3 months: nothing to compare them with
        since = "godkendt i denne måned" if months < 1 else f"{_num(v3, 0)} {_since_approval(months)}"
        return v3, v3, f"Magtanvendelser: {since} — for kort tid til at se en udvikling"
    quarter = (_clean(row["force_12m"]) or 0.0) * 3 / months
    word = "stigende" if v3 > quarter else ("faldende" if v3 < quarter else "uændret")
    since = (
        "i et gennemsnitligt kvartal det seneste år"
        if months >= 12
        else f"i gennemsnit pr. kvartal {_since_approval(months)}"
    )
    return v3, quarter, f"Magtanvendelser {word}: {_num(v3, 0)} de seneste 3 måneder mod {_num(quarter, 1)} {since}"


def _staff(kind: str) -> Sentence:
    label, pct, median, ratio = {
        "turnover": ("Personalegennemstrømning", "turnover_pct", "turnover_median", "turnover_ratio"),
        "sickness": ("Sygefravær", "sickness_pct", "sickness_median", "sickness_ratio"),
    }[kind]

    def sentence(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
        v = _clean(row[pct])
        m = _clean(row[median])
        year = _clean(row["staff_year"])
        if v is None and _clean(row[ratio]) == NOT_COLLECTED_RATIO:
            text = f"{label}: ingen nøgletal for socialtilsynets tilbud de seneste år (regnet som typens median)"
            return None, m, text
        if v is None:
            return None, m, f"{label}: ingen nøgletal de seneste år"
        when = "" if year is None else f" i {int(year)}"
        tail = "" if m is None else f" — {_ratio_text(v, m)}medianen for {plural} ({_num(m, 1)} %)"
        return v, m, f"{label}: {_num(v, 1)} %{when}{tail}"

    return sentence


def _count(feature: str, label: str, unit: str = "") -> Sentence:
    def sentence(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
        v = _clean(row[feature]) or 0.0
        return v, comp, f"{label}: {_num(v, 0)}{unit}{_vs_count_median(comp, plural)}"

    return sentence


def _years(feature: str, label: str, unknown: str) -> Sentence:
    def sentence(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
        v = _clean(row[feature])
        if v is None:
            return None, comp, unknown
        return v, comp, f"{label} {_years_ago(v)}{_vs_median(comp, plural, 1, ' år')}"

    return sentence


def _leader(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
    if (_clean(row["leader_change_12m"]) or 0.0) > 0:
        months = _clean(row.get("leader_months"))
        when = "" if months is None else f" for {_months_ago(months)} siden"
        return 1.0, None, f"Ny leder tiltrådt{when}"
    return 0.0, None, "Intet kendt lederskifte det seneste år"


def _places(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
    v = _clean(row["places"])
    return v, comp, f"Pladser: {_num(v, 0)}{_vs_count_median(comp, plural)}"


def _type(row: Row, comp: float | None, plural: str) -> tuple[float | None, float | None, str]:
    try:
        label = FACILITY_TYPE_DA[FacilityType(row["facility_type"])]
    except ValueError:
        label = str(row["facility_type"])
    return None, None, f"Tilbudstype: {label}"


SENTENCES: dict[str, Sentence] = {
    "theme_mean": _theme_mean,
    "theme_min": _theme_min,
    "theme_change": _theme_change,
    **{name: _theme(name) for name in THEME_FEATURES},
    "days_since_visit": _visit,
    "days_since_unannounced": _unannounced,
    "force_ratio_12m": _force(12),
    "force_ratio_3m": _force(3),
    "force_trend": _force_trend,
    "turnover_ratio": _staff("turnover"),
    "sickness_ratio": _staff("sickness"),
    "concerns_12m": _count("concerns_12m", "Bekymringshenvendelser de seneste 12 måneder"),
    "concern_severity_12m": _count(
        "concern_severity_12m",
        "Bekymringshenvendelsernes alvor de seneste 12 måneder",
        " point (lav 1, middel 2, høj 3)",
    ),
    "days_since_concern": _since(
        "days_since_concern",
        "Seneste bekymringshenvendelse",
        "Ingen bekymringshenvendelser registreret",
        "ingen bekymringshenvendelser",
    ),
    "sanctions_5y": _count("sanctions_5y", "Påbud, skærpet tilsyn eller ophør de seneste 5 år"),
    "days_since_sanction": _sanction,
    "approval_age_years": _years("approval_age_years", "Godkendt", "Godkendelsesdato ukendt"),
    "leader_change_12m": _leader,
    "places": _places,
    "facility_type": _type,
}


#: Features whose sentence compares with the facility's type (a median, its rate of magtanvendelser, its
#: staff median): without another facility of the type the comparison would be the facility's own value.
PEER_COMPARED: frozenset[str] = frozenset(
    {
        "theme_mean", "theme_min", "theme_change", *THEME_FEATURES, "days_since_visit", "days_since_unannounced",
        "force_ratio_12m", "force_ratio_3m", "turnover_ratio", "sickness_ratio", "concerns_12m",
        "concern_severity_12m", "days_since_concern", "sanctions_5y", "days_since_sanction", "approval_age_years",
        "places",
    }
)  # fmt: skip
#: The column of :func:`comparison_values` that counts the other facilities of the same type.
PEERS_COLUMN = "peers"
#: A theme feature's column of :func:`comparison_values` with the peers' median of the values the model reads
#: (adjusted for each socialtilsyn's scoring practice, :mod:`models.calibration`): ``theme_mean_adjusted``.
ADJUSTED_SUFFIX = "_adjusted"
#: The theme features whose sentence shows the value as scored while the model reads it adjusted.
ADJUSTED_THEMES: tuple[str, ...] = ("theme_mean", "theme_min", *THEME_FEATURES)

#: The magtanvendelser sentences compare with the expected, in their own words (not with a median).
FORCE_RATIOS: frozenset[str] = frozenset({"force_ratio_12m", "force_ratio_3m"})
#: A contribution (log-odds) against the direction of its own sentence from which the sentence says what the
#: contribution is measured against: 0,05 is shown as 0,05 in the facility profile (smaller ones are the footnote's
#: "en smule").
NOTICEABLE = 0.05


def _others_median(values: np.ndarray) -> np.ndarray:
    """For each element, the median of the *other* elements' known values (NaN when there is none)."""
    out = np.full(len(values), np.nan)
    known = ~np.isnan(values)
    v = np.sort(values[known])
    m = len(v)
    if m == 0:
        return out
    out[~known] = np.median(v)  # an unknown own value: every known value is another's
    if m == 1:
        return out  # the one known value is the facility's own
    pos = np.searchsorted(v, values[known], side="left")  # removing v[pos] (= the own value) leaves the others

    def other(j: int) -> np.ndarray:
        return np.where(j < pos, v[j], v[np.minimum(j + 1, m - 1)])

    k = m - 1
    out[known] = other(k // 2) if k % 2 else (other(k // 2 - 1) + other(k // 2)) / 2
    return out


def comparison_values(features: pd.DataFrame) -> pd.DataFrame:
    """The median of each numeric feature among the *other* facilities of the same type (same index), and
    ``peers``: how many others of the type there are (the facility profile's peer group).

    Theme values are compared as scored (the raw columns, where present), like the value the
    sentence shows: a reader compares scores on the model's 1-5 scale, not adjusted ones.
    """
    numeric = [n for n in FEATURE_NAMES if n != "facility_type"]
    values = features[numeric].apply(pd.to_numeric, errors="coerce")
    for feature, raw in RAW_THEME_COLUMNS.items():
        if raw in features.columns:
            values[feature] = pd.to_numeric(features[raw], errors="coerce")
    codes, _ = pd.factorize(features["facility_type"])
    matrix = values.to_numpy(dtype=float)
    result = np.full(matrix.shape, np.nan)
    for code in np.unique(codes):
        rows = np.flatnonzero(codes == code)
        for j in range(matrix.shape[1]):
            result[rows, j] = _others_median(matrix[rows, j])
    out = pd.DataFrame(result, index=features.index, columns=numeric)
    out[PEERS_COLUMN] = (features.groupby(codes)["facility_type"].transform("size") - 1).to_numpy(dtype=float)
    for feature in ADJUSTED_THEMES:  # the model's own comparison: the adjusted values' median
        adjusted = pd.to_numeric(features[feature], errors="coerce").to_numpy(dtype=float)
        column = np.full(len(features), np.nan)
        for code in np.unique(codes):
            rows = np.flatnonzero(codes == code)
            column[rows] = _others_median(adjusted[rows])
        out[feature + ADJUSTED_SUFFIX] = column
    return out


def _side(value: float, comparison: float) -> int:
    """+1 above, -1 below, 0 level with the comparison."""
    return 0 if abs(value - comparison) < 1e-9 else (1 if value > comparison else -1)


#: Features whose sentence shows whole numbers of months.
_MONTHS = frozenset({"days_since_visit", "days_since_unannounced", "days_since_concern", "days_since_sanction"})


def _shown_side(feature: str, value: float, comparison: float) -> int:
    """:func:`_side` of the value and comparison as the sentence shows them (months whole, others to one decimal:
    "0,0 — medianen er 0,0" is level, whatever the decimals behind)."""
    decimals = 0 if feature in _MONTHS else 1

    def shown(x: float) -> float:
        return float(_num(x, decimals).replace(".", "").replace(",", "."))

    return _side(shown(value), shown(comparison))


def _against(feature: str, side: int, shap_value: float) -> bool:
    """Whether a contribution goes noticeably against a value on ``side`` of its comparison: on the warning side
    but lowering the risk by :data:`NOTICEABLE` or more, on the good side but raising it, or level but moving it."""
    warning = _WARNING_SIDE.get(feature, 0)
    if side == 0:
        return abs(shap_value) >= NOTICEABLE
    return shap_value <= -NOTICEABLE if side == warning else shap_value >= NOTICEABLE


#: How a theme's sentence begins to say where it lies as the model reads it.
ADJUSTED_CLAUSE = "; justeret for tilsynets bedømmelsespraksis"


def _threshold(feature: str, op: str, threshold: float) -> str:
    """An expert rule's threshold as the sentence shows its value: ``"1 eller flere"``, ``"18 måneder eller mere"``,
    ``"3,0 eller derunder"``."""
    if feature in ("concerns_12m", "sanctions_5y"):
        return f"{_num(threshold, 0)} eller flere"
    if feature == "concern_severity_12m":
        return f"{_num(threshold, 0)} point eller mere"
    if feature in _MONTHS:
        return f"{_months_ago(threshold / DAYS_PER_MONTH)} eller {'mere' if op == '>=' else 'mindre'}"
    if feature in ("turnover_ratio", "sickness_ratio"):
        return f"{_num(threshold, 1)} × medianen eller mere"
    if feature == "theme_change":
        return f"et fald på {_num(-threshold, 1)} point eller mere"
    return f"{_num(threshold, 1)} eller {'derover' if op == '>=' else 'derunder'}"


def _expert_rule(feature: str, row: Row, value: float, comp: float, shap_value: float) -> str:
    """What an expert score's point against the comparison as shown is given for (empty when it is not against):
    the strictest of the feature's rules that fires (:data:`models.baselines.EXPERT_RULES`)."""
    if _WARNING_SIDE.get(feature, 0) == 0 or feature in FORCE_RATIOS or feature == "force_trend":
        return ""
    if shap_value <= 0 or not _against(feature, _shown_side(feature, value, comp), shap_value):
        return ""
    own = _clean(row.get(feature))
    fired = [r for r in EXPERT_RULES if r.feature == feature and own is not None and r.fires(pd.Series([own])).iloc[0]]
    if not fired:
        return ""
    rule = max(fired, key=lambda r: r.threshold) if fired[0].op == ">=" else min(fired, key=lambda r: r.threshold)
    text = f"; ekspertscoren giver point for {_threshold(feature, rule.op, rule.threshold)}"
    if feature in ADJUSTED_THEMES and own is not None and abs(own - value) >= 0.05:
        text += f" (justeret for tilsynets bedømmelsespraksis er værdien {_num(own, 1)})"
    return text


def _why_against(feature: str, row: Row, value: float, comp: float, adjusted: float | None, shap_value: float) -> str:
    """What a sentence adds when its contribution goes against its comparison as shown (empty when it does not).

    A theme is shown as scored and compared with the peers' median as scored, but the model reads it adjusted for
    the socialtilsyn's scoring practice (:mod:`models.calibration`): when the adjusted value lies on the side of the
    adjusted median that the contribution follows, that is said. Otherwise the contribution is measured against the
    average tilbud (SHAP's base value) and the sentence against the type's median: a skewed feature (a few very low
    theme values, a few concerns last month) puts the two on different sides, and that is said."""
    if _WARNING_SIDE.get(feature, 0) == 0 or feature in FORCE_RATIOS:
        return ""
    shown = _shown_side(feature, value, comp)
    if not _against(feature, shown, shap_value):
        return ""
    own = _clean(row.get(feature)) if feature in ADJUSTED_THEMES else None
    if own is not None and adjusted is not None:
        side = _side(own, adjusted)
        if side != shown and side != 0 and not _against(feature, side, shap_value):
            where = "over" if side > 0 else "under"
            return f"{ADJUSTED_CLAUSE} ligger den {where} medianen"
    way = "op" if shap_value > 0 else "ned"
    if shown == 0:  # level with the median: nothing to go against, but the arrow needs its reference too
        return f"; målt mod et gennemsnitligt tilbud af alle typer trækker det risikoen {way}"
    return f"; målt mod et gennemsnitligt tilbud af alle typer trækker det alligevel risikoen {way}"


def factor(
    feature: str,
    row: Row,
    comparison: float | None,
    shap_value: float,
    peers: float | None = None,
    adjusted: float | None = None,
    *,
    expert: bool = False,
    no_data: bool = False,
) -> Factor:
    """One feature as a factor. ``peers``: other facilities of the type (None: not known); with none, a
    sentence that compares with the type says there is nothing to compare with. ``adjusted``: for a theme, the
    peers' median of the adjusted values the model reads (:data:`ADJUSTED_SUFFIX`).

    A sentence whose comparison disagrees with its contribution says why: a theme that lies on the other side of
    the median once adjusted for the socialtilsyn's scoring practice says so, and a value on the warning side of
    its comparison that lowers the risk by :data:`NOTICEABLE` or more (or on the good side and raises it) says that
    the contribution is measured against the average tilbud (:func:`_why_against`). The expert score's points
    (``expert``) are counted from a start with no warning sign, not from the average tilbud: a point against the
    comparison names the rule that gave it (:func:`_expert_rule`)."""
    if no_data:
        return _no_data(feature, shap_value)
    plural = _plural(str(row["facility_type"]))
    value, comp, text = SENTENCES[feature](row, comparison, plural)
    if peers == 0 and feature in PEER_COMPARED:
        comp = None
        if value is not None:
            text = f"{text.split(' — ')[0]} — der er ingen andre {plural} at sammenligne med"
    if feature == "facility_type" and not expert and abs(shap_value) >= NOTICEABLE:
        # a trait, not a warning sign: the bare "Tilbudstype: opholdssted" was the first of the three reasons of
        # 85 of the demo's 1.987 tilbud (one of three for 425) and said neither which way nor why
        way = "mere" if shap_value > 0 else "mindre"
        text += f" — modellen vurderer tilbud af denne type som {way} risikable end et gennemsnitligt tilbud"
        text += ", alt andet lige"
    if comp is not None and value is not None and feature in PEER_COMPARED:
        if expert:
            text += _expert_rule(feature, row, float(value), float(comp), shap_value)
        else:
            text += _why_against(feature, row, float(value), float(comp), adjusted, shap_value)
    return {
        "feature": feature,
        "value": None if value is None else round(float(value), 4),
        "comparison": None if comp is None else round(float(comp), 4),
        "shap": round(float(shap_value), 6),
        "text": text,
    }


def _no_data(feature: str, shap_value: float) -> Factor:
    """A feature none of whose file or column is loaded (``models.features.sources_without_data``): its "none" for
    every tilbud is not a fact about the tilbud. A small tilsyn without use_of_force.csv and concerns.csv
    (bench/alien_world.py variant c) read "Magtanvendelser: ingen de seneste 12 måneder" and
    "Bekymringshenvendelser de seneste 12 måneder: 0" for every tilbud; the model card already said "ingen data
    indlæst" for these features."""
    return {
        "feature": feature,
        "value": None,
        "comparison": None,
        "shap": round(float(shap_value), 6),
        "text": f"{RISK_FEATURE_DA[feature]}: ingen data indlæst ({FEATURE_SOURCES[feature]})",
    }


def facility_factors(
    row: pd.Series,
    contributions: pd.Series,
    comparisons: pd.Series,
    *,
    expert: bool = False,
    without_data: Collection[str] = (),
) -> list[Factor]:
    """Every feature as a factor, largest absolute contribution first (``expert``: the contributions are the
    expert score's points, see :func:`factor`; ``without_data``: features nothing loaded informs, see
    :func:`_no_data`)."""
    order = contributions.abs().sort_values(ascending=False, kind="stable").index
    peers = _clean(comparisons.get(PEERS_COLUMN))
    return [
        factor(
            str(f),
            row,
            _clean(comparisons.get(f)),
            float(contributions[f]),
            peers,
            _clean(comparisons.get(f"{f}{ADJUSTED_SUFFIX}")),
            expert=expert,
            no_data=f in without_data,
        )
        for f in order
    ]


#: The smallest contribution (log-odds) listed as a reason for the risk: ``tilsynsplan explain`` shows none smaller
#: in its table, and the facility report's "påvirker ikke risikoen" begins far below it.
MIN_REASON = 0.005

#: Which way a feature's value is a warning sign: +1 higher, -1 lower, 0 neither (a trait: type, size, age).
_WARNING_SIDE: dict[str, int] = {spec.name: spec.monotone for spec in FEATURES}


def warns(f: Factor, row: Row, adjusted: float | None = None) -> bool:
    """Whether a factor's own sentence shows a warning sign: its value on the risky side of its comparison
    (worse than the type's median, above the expected), or, with nothing to compare with, present at all.

    A contribution is measured against the average tilbud, the sentence against the median or the expected:
    a factor can raise the risk a little while its sentence is good news ("Magtanvendelser: ingen ... der
    forventes 0,70", "Fysiske rammer: 4,5 — medianen er 4,3"). Such a factor is explained with the others,
    up or down, but it is not one of the reasons a leader is given for the risk. A missing value is a gap the
    model may weigh (no assessment yet, no staff figures) unless nothing is missing: a theme the quality model
    does not apply to the type, staff figures no tilbud had, no concern or sanction ever. A theme whose sentence
    says where it lies adjusted for the tilsyn's scoring practice (``adjusted``: the peers' adjusted median, see
    :func:`_why_against`) is a warning sign on the side it names."""
    feature, value, comp = str(f["feature"]), f["value"], f["comparison"]
    side = _WARNING_SIDE.get(feature, 0)
    if side == 0:
        return True
    if value is None:
        if feature in ("days_since_concern", "days_since_sanction"):
            return False  # never
        if feature in THEME_FEATURES:
            return _theme_applies(feature, row["facility_type"])
        if feature in ("turnover_ratio", "sickness_ratio"):
            return _clean(row.get(feature)) != NOT_COLLECTED_RATIO
        return True
    if comp is None:
        if feature == "theme_change":
            return float(value) < 0
        return side < 0 or float(value) > 0
    why = _why_against(feature, row, float(value), float(comp), adjusted, float(f["shap"]))
    if why.startswith(ADJUSTED_CLAUSE):
        return (1 if why.endswith(" over medianen") else -1) == side
    return float(value) > float(comp) if side > 0 else float(value) < float(comp)


def _reasons(
    chosen: list[tuple[str, float, float | None, float | None]],
    row: Row,
    peers: float | None,
    n: int,
    *,
    expert: bool = False,
    without_data: Collection[str] = (),
) -> list[Factor]:
    """The first ``n`` of ``(feature, contribution, comparison, adjusted comparison)`` (largest contribution first)
    that are reasons (``expert``: see :func:`factor`; a feature ``without_data`` is none)."""
    out: list[Factor] = []
    said: set[str] = set()
    for feature, contribution, comparison, adjusted in chosen:
        if len(out) == n or contribution < MIN_REASON:
            break
        if feature in without_data:  # nothing loaded says anything about this tilbud
            continue
        f = factor(feature, row, comparison, contribution, peers, adjusted, expert=expert)
        fact = _fact(f)
        if warns(f, row, None if expert else adjusted) and fact not in said:
            out.append(f)
            said.add(fact)
    return out


def _fact(f: Factor) -> str:
    """What a reason says, to give it once: the 12- and 3-month sentences of a tilbud approved within three months
    cover the same months and read alike; no theme values yet is one fact for the mean and the lowest."""
    if f["feature"] in ("theme_mean", "theme_min") and f["value"] is None:
        return "no theme values"
    return str(f["text"])


def top_factors(
    row: pd.Series,
    contributions: pd.Series,
    comparisons: pd.Series,
    n: int,
    *,
    expert: bool = False,
    without_data: Collection[str] = (),
) -> list[Factor]:
    """The ``n`` reasons for the risk, as factors: the contributions that raise it most (at least
    :data:`MIN_REASON`) among the factors whose sentence is a warning sign (:func:`warns`)."""
    positive = contributions[contributions > 0].sort_values(ascending=False, kind="stable")
    peers = _clean(comparisons.get(PEERS_COLUMN))
    chosen = [
        (str(f), float(positive[f]), _clean(comparisons.get(f)), _clean(comparisons.get(f"{f}{ADJUSTED_SUFFIX}")))
        for f in positive.index
    ]
    return _reasons(chosen, row, peers, n, expert=expert, without_data=without_data)


def top_factors_all(
    features: pd.DataFrame,
    contributions: pd.DataFrame,
    comparisons: pd.DataFrame,
    n: int | None,
    *,
    expert: bool = False,
    without_data: Collection[str] = (),
) -> list[list[Factor]]:
    """For every row at once (same order as ``features``, no per-row pandas work): with ``n`` the
    ``n`` reasons for the risk (as :func:`top_factors`); with ``n=None`` every factor, largest
    absolute contribution first (as :func:`facility_factors`)."""
    names = list(contributions.columns)
    values = contributions.to_numpy(dtype=float)
    comps = comparisons.reindex(columns=names).to_numpy(dtype=float)
    adjusted = comparisons.reindex(columns=[f"{name}{ADJUSTED_SUFFIX}" for name in names]).to_numpy(dtype=float)
    peers = (
        comparisons[PEERS_COLUMN].to_numpy(dtype=float)
        if PEERS_COLUMN in comparisons.columns
        else np.full(len(features), np.nan)
    )
    records = features.to_dict(orient="records")
    key = np.abs(values) if n is None else values
    order = np.argsort(-key, axis=1, kind="stable")
    out: list[list[Factor]] = []
    for i, row in enumerate(records):
        if n is None:
            out.append(
                [
                    factor(
                        names[j],
                        row,
                        _clean(comps[i, j]),
                        values[i, j],
                        _clean(peers[i]),
                        _clean(adjusted[i, j]),
                        expert=expert,
                        no_data=names[j] in without_data,
                    )
                    for j in order[i]
                ]
            )
        else:
            chosen = [
                (names[j], float(values[i, j]), _clean(comps[i, j]), _clean(adjusted[i, j]))
                for j in order[i]
                if values[i, j] > 0
            ]
            out.append(_reasons(chosen, row, _clean(peers[i]), n, expert=expert, without_data=without_data))
    return out


def global_importance(contributions: pd.DataFrame) -> dict[str, float]:
    """Mean absolute contribution per feature, largest first."""
    mean_abs = contributions.abs().mean().sort_values(ascending=False, kind="stable")
    return {str(k): float(v) for k, v in mean_abs.items()}


@dataclass(frozen=True)
class FacilityExplanation:
    """Why one facility has its risk: every factor, the top ones, and the numbers behind them."""

    facility_id: str
    name: str
    authority: str
    facility_type: str
    as_of: str
    risk: float
    rank: int
    tier: str
    margin: float
    base_value: float
    model_version: str
    cold_start: bool
    factors: list[Factor] = field(default_factory=list)  # all, largest |shap| first
    top_factors: list[Factor] = field(default_factory=list)  # the ones raising risk most
    tier_size: int | None = None  # facilities in its tier (equal risks share one: may differ from the share)
    tier_meant: int | None = None  # the tier's share in whole facilities (``risk_model.tier_sizes``)

    def as_dict(self) -> dict[str, Any]:
        return {
            "facility_id": self.facility_id,
            "name": self.name,
            "authority": self.authority,
            "facility_type": self.facility_type,
            "as_of": self.as_of,
            "risk": self.risk,
            "rank": self.rank,
            "tier": self.tier,
            "margin": self.margin,
            "base_value": self.base_value,
            "model_version": self.model_version,
            "cold_start": self.cold_start,
            "factors": self.factors,
            "top_factors": self.top_factors,
            "tier_size": self.tier_size,
            "tier_meant": self.tier_meant,
        }


def additivity_gap(contributions: pd.DataFrame, base_value: float, margin: np.ndarray) -> float:
    """Largest |base + sum(contributions) - margin| over rows (0 up to rounding)."""
    if len(contributions) == 0:
        return 0.0
    return float(np.max(np.abs(base_value + contributions.sum(axis=1).to_numpy() - np.asarray(margin))))
