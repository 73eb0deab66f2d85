"""How the risk model ranks when the visits' scores are patchy, and what to do with a visit without scores.

A real export may carry no ``theme_scores.csv`` / ``indicator_scores.csv`` for some visits (follow-ups, old
years) and operational visits often assess only some themes. This script takes synthetic worlds, removes
scores in a *coverage pattern*, trains the model with a *treatment* of the unscored visits, and measures
its ranking against the world's truth as ``bench/risk_quality.py`` does (AUC, a tilbud truly in a
seriously bad state within the horizon).

Patterns: ``all`` (the world as generated: every visit scored), ``random60`` (60 % of the visits keep their
scores, at random), ``recent2y`` (only visits of the last two years before the as-of date keep them),
``themes3`` (every visit keeps 3 of the themes it assessed, at random); ``random20`` (20 % keep them) and ``none``
(an export of visits without any scores) are not run by default.

Treatments of a visit without any score:

- ``a`` the label before: it counts as a visit that found nothing serious (a negative, unless a sanction);
- ``b`` it labels nothing: a snapshot is labelled by its scored visits and serious sanctions only;
- ``c`` as ``b``, and a snapshot is negative only when its window's scored visits together assessed at
  least 4 of the 7 themes (a majority: a look at 3 themes cannot say the place is fine);
- ``e`` as ``b``, and a snapshot whose window holds visits but none with a score is unlabelled even when a
  sanction would label it: which snapshots are labelled then depends on whether someone scored, not on
  what was found (under ``b`` such a window is labelled only when positive). The model's label
  (``models.labels``) since 2026-11-24, adopted on this script's figures (docs/risk-model.md, "Visits without scores");
- ``d`` as ``b``, and the unscored visits are left out of the features too (``days_since_visit`` ignores
  them): checks that counting them as a look is right.

    .venv/bin/python bench/score_coverage.py [--seeds 1 2 3 4] [--facilities 800] [--patterns ...]
        [--treatments a b c d e] [--json]

Besides each run's AUC (``auc``: what the product scores with, LightGBM or the expert score it falls back to),
``lgbm_auc`` is the LightGBM's own when the expert score was chosen instead, and ``expert_auc`` the expert
score's. About 3 minutes for the four default patterns, five treatments and two seeds (800 tilbud, 1 core).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

import models.labels as labels_module
import models.risk_model as risk_model_module
from data.dataset import Dataset
from data.enums import SERIOUS_SANCTIONS
from data.quality_model import CRITERION_BY_NUMBER, INDICATOR_BY_CODE
from data.synthetic import WorldConfig, generate_world
from models.evaluation import auc
from models.risk_model import RiskModel

PATTERNS = ("all", "random60", "recent2y", "themes3", "random20", "none")
TREATMENTS = ("a", "b", "c", "d", "e")
MIN_THEMES_FOR_NEGATIVE = 4
_MODEL_LABELS = labels_module.label_snapshots


def _drop_visit_scores(ds: Dataset, keep: pd.Series) -> Dataset:
    """``ds`` with the scores of the visits where ``keep`` (indexed like ``ds.visits``) is False removed."""
    kept = set(ds.visits.loc[keep.to_numpy(bool), "visit_id"])
    return replace(
        ds,
        indicator_scores=ds.indicator_scores[ds.indicator_scores["visit_id"].isin(kept)].reset_index(drop=True),
        theme_scores=ds.theme_scores[ds.theme_scores["visit_id"].isin(kept)].reset_index(drop=True),
    )


def patchy(ds: Dataset, pattern: str, as_of: pd.Timestamp, seed: int) -> Dataset:
    rng = np.random.default_rng(seed * 1009 + PATTERNS.index(pattern))
    if pattern == "all":
        return ds
    if pattern in ("random60", "random20"):
        return _drop_visit_scores(ds, pd.Series(rng.random(len(ds.visits)) < int(pattern[-2:]) / 100))
    if pattern == "none":
        return _drop_visit_scores(ds, pd.Series(False, index=ds.visits.index))
    if pattern == "recent2y":
        return _drop_visit_scores(ds, pd.to_datetime(ds.visits["date"]) >= as_of - pd.DateOffset(years=2))
    if pattern == "themes3":
        theme_of = {code: CRITERION_BY_NUMBER[i.criterion].theme.value for code, i in INDICATOR_BY_CODE.items()}
        ind = ds.indicator_scores.assign(theme=ds.indicator_scores["indicator"].map(theme_of))
        pairs = ind[["visit_id", "theme"]].drop_duplicates().reset_index(drop=True)
        pairs["r"] = rng.random(len(pairs))
        pairs["k"] = pairs.groupby("visit_id")["r"].rank(method="first")
        kept = pairs.loc[pairs["k"] <= 3, ["visit_id", "theme"]]
        ind = ind.merge(kept, on=["visit_id", "theme"], how="inner").drop(columns="theme")
        ts = ds.theme_scores.merge(kept, on=["visit_id", "theme"], how="inner")
        return replace(ds, indicator_scores=ind, theme_scores=ts)
    raise ValueError(pattern)


def _scored_only(dataset: Dataset, theme_values: pd.DataFrame | None) -> tuple[Dataset, pd.DataFrame]:
    tv = dataset.visit_theme_values() if theme_values is None else theme_values
    visits = dataset.visits[dataset.visits["visit_id"].isin(set(tv["visit_id"]))]
    return replace(dataset, visits=visits), tv


def labels_before(
    dataset: Dataset, dates: list[pd.Timestamp], horizon_months: int, *, theme_values: Any = None
) -> pd.DataFrame:
    """The label before treatment ``e`` was adopted: every visit in the horizon labels, a visit without scores as
    a visit that found nothing serious."""
    tv = dataset.visit_theme_values() if theme_values is None else theme_values
    findings = labels_module.visit_findings(dataset, tv)
    sanctions = dataset.sanctions[dataset.sanctions["kind"].isin({k.value for k in SERIOUS_SANCTIONS})]
    events = pd.concat(
        [findings[["facility_id", "date", "serious"]], sanctions[["facility_id", "date"]].assign(serious=True)],
        ignore_index=True,
    )
    days = events["date"].to_numpy()
    parts = []
    for d in dates:
        window = events[labels_module.in_horizon(days, d, horizon_months)]
        lab = window.groupby("facility_id")["serious"].any().astype(int)
        parts.append(pd.DataFrame({"facility_id": lab.index, "date": d, "label": lab.to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def labels_b(dataset: Dataset, dates: list[pd.Timestamp], horizon_months: int, *, theme_values: Any = None) -> Any:
    scored, tv = _scored_only(dataset, theme_values)
    return _MODEL_LABELS(scored, dates, horizon_months, theme_values=tv)


def labels_c(dataset: Dataset, dates: list[pd.Timestamp], horizon_months: int, *, theme_values: Any = None) -> Any:
    scored, tv = _scored_only(dataset, theme_values)
    lab = _MODEL_LABELS(scored, dates, horizon_months, theme_values=tv)
    days = pd.to_datetime(tv["date"]).to_numpy()
    keep = np.ones(len(lab), dtype=bool)
    for d, rows in lab.groupby("date", sort=False):
        window = tv[labels_module.in_horizon(days, pd.Timestamp(d), horizon_months)]
        covered = window.groupby("facility_id")["theme"].nunique()
        n = rows["facility_id"].map(covered).fillna(0).to_numpy()
        keep[rows.index.to_numpy()] = (rows["label"].to_numpy() == 1) | (n >= MIN_THEMES_FOR_NEGATIVE)
    return lab[keep].reset_index(drop=True)


LABELS: dict[str, Callable[..., Any]] = {
    "a": labels_before,
    "b": labels_b,
    "c": labels_c,
    "d": labels_b,
    "e": _MODEL_LABELS,  # the model's label since e was adopted
}


class _KeepingModel(RiskModel):
    """The product's model, keeping the fitted LightGBM when the expert score is chosen instead (``lgbm_auc``)."""

    def _why_the_expert_score_instead(self) -> str:
        self.candidate_ = self.engine_
        return super()._why_the_expert_score_instead()


def truth_labels(world: Any, ids: pd.Index, as_of: pd.Timestamp, horizon: int) -> pd.Series:
    fm = world.truth.facility_months
    end = as_of + pd.DateOffset(months=horizon)
    window = fm[(fm["month"] >= as_of) & (fm["month"] < end)]
    return window.groupby("facility_id")["bad"].any().reindex(ids).fillna(False).astype(int)


def run(seed: int, facilities: int, years: int, as_of: dt.date, horizon: int, patterns: list[str],
        treatments: list[str]) -> list[dict[str, Any]]:  # fmt: skip
    world = generate_world(WorldConfig(seed=seed, facilities=facilities, years=years, as_of=as_of))
    t = pd.Timestamp(as_of)
    out: list[dict[str, Any]] = []
    for pattern in patterns:
        ds = patchy(world.dataset, pattern, t, seed)
        scored_visits = set(ds.visit_theme_values()["visit_id"])
        unscored_share = float(1 - ds.visits["visit_id"].isin(scored_visits).mean())
        for treatment in treatments:
            data = ds
            if treatment == "d":
                data = replace(ds, visits=ds.visits[ds.visits["visit_id"].isin(scored_visits)].reset_index(drop=True))
            risk_model_module.label_snapshots = LABELS[treatment]
            try:
                t0 = time.perf_counter()
                model = _KeepingModel(horizon_months=horizon, random_state=seed, n_jobs=1).fit(data, t)
                scored = model.score(data, t, explain=False)
            finally:
                risk_model_module.label_snapshots = _MODEL_LABELS
            y = truth_labels(world, scored.risk.index, t, horizon)
            out.append(
                {
                    "seed": seed,
                    "pattern": pattern,
                    "treatment": treatment,
                    "unscored_visits": round(unscored_share, 3),
                    "training_rows": model.training_rows_,
                    "positives": model.positive_labels_,
                    "cold_start": bool(model.cold_start_),
                    "auc": auc(y, scored.risk.to_numpy()),
                    "lgbm_auc": None
                    if getattr(model, "candidate_", None) is None
                    else auc(y, model.candidate_.predict_proba(scored.features)),
                    "expert_auc": auc(y, model.expert_.predict_proba(scored.features)),
                    "fit_s": round(time.perf_counter() - t0, 1),
                    "risk_sum": float(scored.risk.sum()),
                }
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4])
    parser.add_argument("--facilities", type=int, default=800)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 1, 1))
    parser.add_argument("--horizon", type=int, default=6)
    parser.add_argument("--patterns", nargs="+", choices=PATTERNS, default=list(PATTERNS[:4]))
    parser.add_argument("--treatments", nargs="+", choices=TREATMENTS, default=list(TREATMENTS))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [
        r
        for s in args.seeds
        for r in run(s, args.facilities, args.years, args.as_of, args.horizon, args.patterns, args.treatments)
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    frame = pd.DataFrame(rows)
    print(
        f"AUC against the truth: {args.facilities} tilbud, {args.years} years, as of {args.as_of}, seeds {args.seeds}"
    )
    table = frame.pivot_table(index=["pattern", "treatment"], columns="seed", values="auc")
    table["mean"] = table.mean(axis=1)
    print(table.reindex(args.patterns, level=0).round(3).to_string())
    extra = frame.groupby(["pattern", "treatment"])[["unscored_visits", "training_rows", "positives", "cold_start"]]
    print(extra.mean().reindex(args.patterns, level=0).round(3).to_string())


if __name__ == "__main__":
    main()
