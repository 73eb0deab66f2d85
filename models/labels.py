"""The label: a serious finding at a visit within the horizon after a snapshot date.

A snapshot (facility, date ``d``) is *positive* when, in ``[d, d + horizon)``, a visit found a theme
value <= 2 (:data:`SERIOUS_THEME_VALUE`, the value as the authority recorded it) or a serious sanction
(:data:`data.enums.SERIOUS_SANCTIONS`: påbud, skærpet tilsyn, ophør) was given; *negative* when a visit
with scores was in the window and neither was found; *unlabelled* when nobody visited, or when the
window's visits carry no scores (below).

Our choice: unlabelled snapshots are left out, not counted as negatives. Nobody looked, so "nothing
found" would teach the model that unvisited places are safe. The consequence: the model learns
P(serious finding | a visit within the horizon) from the facilities that were visited, and visits are
not random — follow-ups go where problems were suspected, so the labelled rows are enriched with
risky facilities. As long as what drove the choice to visit is among the features (concerns, earlier
findings, time since the last visit) this conditional probability carries over to unvisited
facilities; what the tilsyn knew but did not record does not, and is the remaining bias. The
synthetic world's truth (``bench/risk_quality.py``) measures how much that costs.

*Visits without scores.* The data contract makes theme and indicator scores optional, and a real export
has visits without any (follow-ups, years before scores were exported). Such a visit cannot say "nothing
serious found": nobody recorded what was found. So it labels nothing, and a snapshot whose horizon holds
visits but none with a score is unlabelled, even when a serious sanction followed (labelling those windows
only when positive would select snapshots by their outcome: in the years without scores every labelled
row would be a positive with no theme values, and the model would learn "no theme values = risk"). A
snapshot with no visit at all but a serious sanction stays positive, as before. A visit that assessed only
some themes still labels (a negative if none of its themes was at 2 or lower): operational visits assess
selected themes, and leaving their negatives out ranked worse against the synthetic truth. Counting an
unscored visit as a finding-free visit (the label before) cost 0.01 AUC against the truth where 40 % of
the visits had no scores (``bench/score_coverage.py``; docs/risk-model.md has the figures). The features count an
unscored visit as a visit (``days_since_visit``: someone looked) and keep each theme's last scored value.
With every visit scored the labels, and the model, are exactly those of the rule before.

Snapshots are monthly, over the training window, and only where the whole horizon lies before the
as-of date (a window that is still open would count "not yet visited" as "nothing found").

*Severity* (:func:`severity_targets`): the same labelled snapshots graded, for the trees to learn from
(``RiskModel(learn_from="severity")``, the default). A yes/no label throws away how bad a visit was: a
visit that found every theme at 2,1 and one that found one theme at 2 and the rest at 4 are both "1", and
a visit at 2,6 is a "0" like one at 4,8. The severity is ``5 -`` the lowest mean theme value of a visit in
the horizon (the visit's assessed themes, each corrected for its tilsyn's scoring offset), raised to at
least ``5 - 2 = 3`` for a positive snapshot (the label's line: a theme at 2). A negative's visits had every
theme above 2, so its severity is below 3 up to its tilsyn's offset (a few tenths): the grading refines the
label and does not turn it round. Calibration, validation and every
reported figure still use the yes/no label: the risk is still the probability of a serious finding.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data.dataset import Dataset
from data.enums import SERIOUS_SANCTIONS

SERIOUS_THEME_VALUE = 2.0


def snapshot_dates(
    as_of: dt.date | pd.Timestamp, horizon_months: int, training_years: int, step_months: int = 1
) -> list[pd.Timestamp]:
    """Snapshot dates, oldest first: every ``step_months`` back from ``as_of - horizon`` to ``as_of - years``."""
    t = pd.Timestamp(as_of).normalize()
    last = t - pd.DateOffset(months=horizon_months)
    first = t - pd.DateOffset(years=training_years)
    out: list[pd.Timestamp] = []
    k = 0
    while True:
        d = last - pd.DateOffset(months=k * step_months)
        if d < first:
            break
        out.append(pd.Timestamp(d))
        k += 1
    return out[::-1]


def visit_findings(dataset: Dataset, theme_values: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per visit: ``facility_id, date, serious`` (a theme value <= 2 at that visit)."""
    tv = dataset.visit_theme_values() if theme_values is None else theme_values
    low = set(tv.loc[tv["value"] <= SERIOUS_THEME_VALUE, "visit_id"])
    v = dataset.visits[["visit_id", "facility_id", "date"]].copy()
    v["serious"] = v["visit_id"].isin(low)
    return v


def in_horizon(days: np.ndarray, start: pd.Timestamp, horizon_months: int) -> np.ndarray:
    """Which of ``days`` (datetime64) fall in a snapshot's horizon ``[start, start + horizon_months)``."""
    end = pd.Timestamp(start) + pd.DateOffset(months=horizon_months)
    return (days >= np.datetime64(pd.Timestamp(start))) & (days < np.datetime64(end))


def label_snapshots(
    dataset: Dataset,
    dates: list[pd.Timestamp],
    horizon_months: int,
    *,
    theme_values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Labels for every (facility, snapshot date) with a scored visit or a serious sanction in the horizon.

    Returns ``facility_id, date, label`` (1 serious finding, 0 none) for labelled snapshots only. A visit
    without any theme value labels nothing, and a snapshot whose horizon holds visits but none with a
    score is unlabelled even with a sanction (see the module docstring). ``dataset`` should be what is
    known at the model's as-of date (``Dataset.known_at``).
    """
    tv = dataset.visit_theme_values() if theme_values is None else theme_values
    findings = visit_findings(dataset, tv)
    scored = findings["visit_id"].isin(set(tv["visit_id"]))
    sanctions = dataset.sanctions[dataset.sanctions["kind"].isin({k.value for k in SERIOUS_SANCTIONS})]
    events = pd.concat(
        [
            findings[["facility_id", "date", "serious"]].assign(scored=scored, unscored=~scored),
            sanctions[["facility_id", "date"]].assign(serious=True, scored=False, unscored=False),
        ],
        ignore_index=True,
    )
    ev_dates = events["date"].to_numpy()
    parts: list[pd.DataFrame] = []
    for d in dates:
        window = events[in_horizon(ev_dates, d, horizon_months)]
        if window.empty:
            continue
        seen = window.groupby("facility_id")[["serious", "scored", "unscored"]].any()
        seen = seen[seen["scored"] | ~seen["unscored"]]  # visited, but nothing scored: unlabelled
        lab = seen["serious"].astype(int)
        parts.append(pd.DataFrame({"facility_id": lab.index, "date": d, "label": lab.to_numpy()}))
    if not parts:
        return pd.DataFrame(
            {"facility_id": pd.Series([], dtype=object), "date": pd.Series([], dtype="datetime64[ns]"), "label": []}
        )
    return pd.concat(parts, ignore_index=True)


def unscored_visits(
    dataset: Dataset, dates: list[pd.Timestamp], horizon_months: int, theme_values: pd.DataFrame
) -> tuple[int, int]:
    """``(visits, unscored)``: the visits the snapshots at ``dates`` are labelled from (those in some snapshot's
    horizon, ``[dates[0], dates[-1] + horizon)``), and how many of them carry no theme value (neither theme nor
    indicator scores: a follow-up, an export without scores for those years). See the module docstring for how
    the label treats them; ``train`` and the model card say how many there were."""
    if not dates or dataset.visits.empty:
        return 0, 0
    days = pd.to_datetime(dataset.visits["date"])
    end = pd.Timestamp(dates[-1]) + pd.DateOffset(months=horizon_months)
    inside = dataset.visits[((days >= pd.Timestamp(dates[0])) & (days < end)).to_numpy(dtype=bool)]
    unscored = ~inside["visit_id"].isin(set(theme_values["visit_id"]))
    return len(inside), int(unscored.sum())


#: A positive snapshot's severity is at least this (``5 - SERIOUS_THEME_VALUE``): the label's own line.
POSITIVE_SEVERITY = 5.0 - SERIOUS_THEME_VALUE


def severity_targets(labels: pd.DataFrame, visit_values: pd.DataFrame, horizon_months: int) -> pd.Series:
    """The severity of every labelled snapshot (see the module docstring), aligned with ``labels``' index.

    ``labels``: ``facility_id, date, label`` (:func:`label_snapshots`); ``visit_values``: one row per
    visit and theme with ``visit_id, facility_id, date`` and the offset-corrected value in ``cal``
    (:class:`models.features.ThemeHistory` ``.values``). A snapshot whose window holds no theme value (a
    sanction alone, or visits without scores) is graded :data:`POSITIVE_SEVERITY` when positive and the
    mean severity of the graded negatives when negative."""
    out = pd.Series(np.nan, index=labels.index, dtype="float64")
    if len(labels) and len(visit_values):
        visits = visit_values.groupby(["visit_id", "facility_id", "date"], as_index=False, sort=False)["cal"].mean()
        visit_dates = pd.to_datetime(visits["date"]).to_numpy()
        for d, rows in labels.groupby("date", sort=False):
            window = visits[in_horizon(visit_dates, pd.Timestamp(d), horizon_months)]
            lowest = window.groupby("facility_id", sort=False)["cal"].min()
            out.loc[rows.index] = 5.0 - rows["facility_id"].map(lowest).to_numpy(dtype=float)
    positive = labels["label"].to_numpy(dtype=int) == 1 if len(labels) else np.zeros(0, dtype=bool)
    graded = out.notna().to_numpy()
    out[positive] = np.fmax(out[positive].to_numpy(), POSITIVE_SEVERITY)
    negatives = out[~positive & graded]
    out[~positive & ~graded] = float(negatives.mean()) if len(negatives) else 0.0
    return out
