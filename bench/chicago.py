"""Chicago's food inspections: does the risk engine find critical violations sooner? (issue 6)

The only public inspection dataset with outcomes and a published evaluation (City of Chicago,
``Chicago/food-inspections-evaluation``, 2015; see ``../shared/external/chicago/README.md``). Train on
``split == train`` (2011-09..2014-04), score ``split == test`` (1,637 routine inspections,
2014-09-02..2014-10-31, 258 with a critical violation) and re-order the test inspections by score.

All Chicago column handling lives here: the core packages see only a generic frame (entity id, date,
0/1 label, feature columns) through ``models.engine.RiskEngine`` and a generic re-ordering through
``planner.ordering.order_under_capacity``.

Figures (definitions of the Chicago README, reproduced exactly):

- **first-half share** (published): the share of all test positives among the inspections scoring
  above the median score. For the actual order: the positives inspected before the median date.
- **days earlier**: sort the inspections by descending score, hand them the actual dates in
  chronological order (each day keeps its number of inspections), mean of (actual date - simulated
  date) over the positives.
- **scheduled first-half share**: the share of positives whose *simulated* date is before the median
  actual date. For pooled re-ordering it is the published "exact match" variant; it is the only
  first-half figure that also means something for re-ordering within each inspector group.

Re-ordering ``pooled`` lets any inspection take any slot (as published); ``within group`` keeps each
inspector group's own daily slots (the honest version: establishments do not move between teams).

Scores compared:

- ``logistic``: the published model (a logistic regression on 16 predictors, 6 of which are the
  inspector-group dummies), fitted like ``glmnet(alpha = 0, penalty.factor = inspector dummies)`` at
  the 100th lambda of glmnet's default path (their ``30_glmnet_model.R``); without the group it is a
  plain logistic regression (the README's "leakage-free logistic" 57.8 % / 2.3 days).
- ``lightgbm``: the product's engine with its default hyperparameters (not tuned on Chicago):
  time-ordered validation inside the training years, calibrated on the later fold.
- random orderings (``--random-runs``, mean and 97.5th percentile) and perfect knowledge (score = label).

Feature sets (the README's pitfall: weather, ``timeSinceLast`` and the 90-day ``heat_*`` windows are
measured at the *actual* visit date, which the re-ordering is supposed to choose):

- ``as_published``: every pre-visit column as given (what the published figures used);
- ``window_start``: only what is known when the window is planned (2014-09-02): weather and the 90-day
  heat windows dropped; ``timeSinceLast`` and ``ageAtInspection`` moved back to the window start
  (``timeSinceLast`` unknown when the previous inspection falls inside the window; the 2-year cap kept).

    .venv/bin/python bench/chicago.py [--json] [--csv PATH] [--random-runs 10000] [--no-grid]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.engine import BoosterParams, FeatureSpec, RiskEngine
from planner.ordering import order_under_capacity

CSV = Path(__file__).resolve().parents[2] / "shared" / "external" / "chicago" / "chicago_inspections_2015.csv"

# --- the Chicago columns (only here) ------------------------------------------------------------------
ENTITY, DATE, LABEL, GROUP, ROW_ID = (
    "License",
    "Inspection_Date",
    "criticalFound",
    "Inspector_Assigned",
    "Inspection_ID",
)
LICENCE_FLAGS = (
    "consumption_on_premises_incidental_activity",
    "tobacco_retail_over_counter",
    "package_goods",
    "limited_business_license",
    "outdoor_patio",
    "public_place_of_amusement",
    "childrens_services_facility_license",
    "tavern",
    "regulated_business_license",
    "filling_station",
    "caterers_liquor_license",
    "mobile_food_license",
)
WEATHER = ("precipIntensity", "temperatureMax", "windSpeed", "humidity")
HEAT = ("heat_burglary", "heat_garbage", "heat_sanitation")
HISTORY = (
    FeatureSpec("pastFail", monotone=1),
    FeatureSpec("pastCritical", monotone=1),
    FeatureSpec("pastSerious", monotone=1),
    FeatureSpec("pastMinor"),
    FeatureSpec("firstRecord"),
    FeatureSpec("ageAtInspection"),
    FeatureSpec("Facility_Type", categorical=True),
    *(FeatureSpec(f) for f in LICENCE_FLAGS),
)
FEATURE_SETS: dict[str, tuple[FeatureSpec, ...]] = {
    "as_published": (
        *HISTORY,
        FeatureSpec("timeSinceLast"),
        *(FeatureSpec(h) for h in HEAT),
        *(FeatureSpec(w) for w in WEATHER),
    ),
    "window_start": (*HISTORY, FeatureSpec("timeSinceLast")),
}
# The published logistic model's predictors (30_glmnet_model.R), before the inspector dummies.
LOGISTIC_SETS: dict[str, tuple[str, ...]] = {
    "as_published": (
        "pastSerious",
        "pastCritical",
        "timeSinceLast",
        "ageAtInspection",
        "consumption_on_premises_incidental_activity",
        "tobacco_retail_over_counter",
        "temperatureMax",
        "heat_burglary",
        "heat_sanitation",
        "heat_garbage",
    ),
    "window_start": (
        "pastSerious",
        "pastCritical",
        "timeSinceLast",
        "ageAtInspection",
        "consumption_on_premises_incidental_activity",
        "tobacco_retail_over_counter",
    ),
}
PUBLISHED = {
    "model_with_group": {"first_half_share": 0.6899, "days_earlier": 7.44},
    "logistic_without_group": {"first_half_share": 0.578, "days_earlier": 2.3},
    "gbm_without_group": {"first_half_share": 0.628, "days_earlier": 3.7},
    "actual": {"first_half_share": 0.5465},
    "random_mean": {"first_half_share": 0.499, "days_earlier": -1.5},
    "random_p97_5": {"first_half_share": 0.550, "days_earlier": 0.35},
    "perfect": {"first_half_share": 1.0, "days_earlier": 24.1},
}
TARGET = PUBLISHED["logistic_without_group"]
GRID = [
    BoosterParams(learning_rate=lr, num_leaves=nl, min_child_samples=mcs, n_estimators=1000, early_stopping_rounds=100)
    for lr in (0.02, 0.05)
    for nl in (4, 15)
    for mcs in (50, 300)
]


# --- the figures (generic: dates, scores, labels, optional groups) ---------------------------------------
def actual_first_half_share(dates: pd.Series, labels: pd.Series) -> float:
    """Share of positives inspected before the median date (the actual order)."""
    y = labels.to_numpy(int)
    early = (dates < dates.median()).to_numpy()
    return float(y[early].sum() / y.sum())


def first_half_share(scores: pd.Series, labels: pd.Series) -> float:
    """Published model figure: share of positives among the inspections scoring above the median score."""
    s = scores.to_numpy(float)
    y = labels.to_numpy(int)
    return float(y[s > np.median(s)].sum() / y.sum())


def scheduled_first_half_share(dates: pd.Series, simulated: pd.Series, labels: pd.Series) -> float:
    """Share of positives whose simulated date is before the median actual date."""
    y = labels.to_numpy(int)
    early = (simulated < dates.median()).to_numpy()
    return float(y[early].sum() / y.sum())


def days_earlier(dates: pd.Series, simulated: pd.Series, labels: pd.Series) -> float:
    """Mean of (actual date - simulated date) in days over the positives."""
    diff = (pd.to_datetime(dates) - pd.to_datetime(simulated)).dt.days.to_numpy(float)
    return float(diff[labels.to_numpy(int) == 1].mean())


def evaluate(test: pd.DataFrame, scores: pd.Series) -> dict[str, dict[str, float]]:
    """Both re-orderings of the test inspections by ``scores`` (index aligned with ``test``)."""
    dates, labels = test[DATE], test[LABEL]
    pooled = order_under_capacity(dates, scores)
    within = order_under_capacity(dates, scores, test[GROUP])
    return {
        "pooled": {
            "first_half_share": first_half_share(scores, labels),
            "scheduled_first_half_share": scheduled_first_half_share(dates, pooled, labels),
            "days_earlier": days_earlier(dates, pooled, labels),
        },
        "within_group": {
            "scheduled_first_half_share": scheduled_first_half_share(dates, within, labels),
            "days_earlier": days_earlier(dates, within, labels),
        },
    }


def random_orderings(test: pd.DataFrame, runs: int, seed: int) -> dict[str, dict[str, dict[str, float]]]:
    """Mean and 97.5th percentile of every figure over ``runs`` random orderings."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, dict[str, float]]] = []
    for _ in range(runs):
        rows.append(evaluate(test, pd.Series(rng.random(len(test)), index=test.index)))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for stat, fn in (("mean", np.mean), ("p97_5", lambda v: np.percentile(v, 97.5))):
        out[stat] = {
            mode: {k: float(fn([r[mode][k] for r in rows])) for k in rows[0][mode]}
            for mode in ("pooled", "within_group")
        }
    return out


# --- data ----------------------------------------------------------------------------------------------
def load(path: Path = CSV) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train and test frames, sorted by inspection id (the tie-break of every ordering, as in R's keyed table)."""
    frame = pd.read_csv(path)
    needed = {ENTITY, DATE, LABEL, GROUP, ROW_ID, "split", "timeSinceLast", *HEAT, *WEATHER}
    needed |= {spec.name for spec in HISTORY}
    if missing := sorted(needed - set(frame.columns)):
        raise SystemExit(
            f"{path}: missing column(s) {', '.join(missing)}; the file must have the columns of "
            "chicago_inspections_2015.csv (see ../shared/external/chicago/README.md)"
        )
    frame[DATE] = pd.to_datetime(frame[DATE])
    frame = frame.sort_values(ROW_ID, kind="stable").reset_index(drop=True)
    train = frame[frame["split"] == "train"].reset_index(drop=True)
    test = frame[frame["split"] == "test"].reset_index(drop=True)
    return train, test


def at_window_start(test: pd.DataFrame) -> pd.DataFrame:
    """The test rows' date-dependent history as it stood when the window was planned (its first day)."""
    out = test.copy()
    delta = (out[DATE] - out[DATE].min()).dt.days / 365.0  # ageAtInspection is days / 365 in the source
    out["ageAtInspection"] = out["ageAtInspection"] - delta
    tsl = out["timeSinceLast"]
    capped = tsl >= 2.0
    shifted = tsl - delta
    # The previous inspection fell inside the window: at planning time it had not happened; unknown.
    out["timeSinceLast"] = shifted.where(capped | (shifted >= 0)).where(~capped, 2.0)
    return out


# --- the published logistic model ------------------------------------------------------------------------
def logistic_design(frame: pd.DataFrame, columns: Sequence[str], group: bool) -> pd.DataFrame:
    """The predictors of 30_glmnet_model.R (caps and the age > 4 indicator), plus the group dummies."""
    x = pd.DataFrame(index=frame.index)
    caps = {"pastSerious": 1, "pastCritical": 1, "heat_burglary": 70, "heat_sanitation": 70, "heat_garbage": 50}
    for c in columns:
        v = frame[c].astype(float)
        if c == "ageAtInspection":
            v = (v > 4).astype(float)
        elif c in caps:
            v = v.clip(upper=caps[c])
        x[c] = v
    if group:
        for g in sorted(frame[GROUP].unique()):
            x[f"group_{g}"] = (frame[GROUP] == g).astype(float)
    return x


@dataclass(frozen=True)
class RidgeLogistic:
    """Logistic regression with a ridge penalty on some columns, like glmnet (standardised, intercept free)."""

    mean: np.ndarray
    scale: np.ndarray
    intercept: float
    coef: np.ndarray

    def margin(self, x: pd.DataFrame) -> np.ndarray:
        z = (x.to_numpy(float) - self.mean) / self.scale
        return np.asarray(self.intercept + z @ self.coef, dtype=float)


def fit_glmnet_ridge(x: pd.DataFrame, y: np.ndarray, penalised: np.ndarray, lambda_index: int = 100) -> RidgeLogistic:
    """glmnet(family = "binomial", alpha = 0, penalty.factor = penalised) at its ``lambda_index``-th lambda.

    glmnet standardises the columns, rescales the penalty factors to sum to the number of columns, starts
    its path at lambda_max = max |x_j' (y - ybar)| / n / pf_j / max(alpha, 0.001) and ends it at
    1e-4 * lambda_max after 100 log-spaced steps. With no penalised column it is a plain logistic fit.
    """
    xa = x.to_numpy(float)
    n, p = xa.shape
    mean = xa.mean(axis=0)
    scale = xa.std(axis=0)
    scale[scale == 0] = 1.0
    z = (xa - mean) / scale
    lam = 0.0
    pf = np.zeros(p)
    if penalised.any():
        pf = penalised.astype(float) * p / penalised.sum()
        grad = np.abs(z.T @ (y - y.mean())) / n
        lam_max = float(np.max(grad[penalised] / pf[penalised])) / 1e-3
        lam = lam_max * (1e-4) ** ((lambda_index - 1) / 99)

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        eta = w[0] + z @ w[1:]
        loss = -np.mean(y * eta - np.logaddexp(0.0, eta)) + lam * np.sum(pf * w[1:] ** 2) / 2
        resid = y - 1.0 / (1.0 + np.exp(-eta))
        grad_w = np.concatenate([[-resid.mean()], -(z.T @ resid) / n + lam * pf * w[1:]])
        return float(loss), grad_w

    res = minimize(
        objective,
        np.zeros(p + 1),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 10_000, "gtol": 1e-10, "ftol": 1e-14},
    )
    return RidgeLogistic(mean=mean, scale=scale, intercept=float(res.x[0]), coef=np.asarray(res.x[1:]))


def logistic_scores(train: pd.DataFrame, test: pd.DataFrame, features: str, group: bool) -> pd.Series:
    cols = LOGISTIC_SETS[features]
    x_train = logistic_design(train, cols, group)
    model = fit_glmnet_ridge(
        x_train, train[LABEL].to_numpy(float), np.array([c.startswith("group_") for c in x_train.columns])
    )
    # Unknown values (window_start: a previous inspection inside the window) take the training median.
    x_test = logistic_design(test, cols, group).fillna(x_train.median())
    return pd.Series(model.margin(x_test), index=test.index)


# --- the product's engine --------------------------------------------------------------------------------
def engine_frame(frame: pd.DataFrame, features: Sequence[FeatureSpec]) -> pd.DataFrame:
    """The generic frame the engine sees: entity id, date, 0/1 label and the feature columns."""
    out = pd.DataFrame({"entity_id": frame[ENTITY].astype(str), "date": frame[DATE], "label": frame[LABEL].astype(int)})
    for f in features:
        out[f.name] = frame[f.name]
    return out


def engine_scores(
    train: pd.DataFrame, test: pd.DataFrame, features: str, group: bool, params: BoosterParams | None = None
) -> tuple[pd.Series, RiskEngine]:
    specs = FEATURE_SETS[features] + ((FeatureSpec(GROUP, categorical=True),) if group else ())
    engine = RiskEngine(specs, params=params or BoosterParams()).fit(engine_frame(train, specs))
    test_frame = at_window_start(test) if features == "window_start" else test
    return pd.Series(engine.predict_proba(engine_frame(test_frame, specs)), index=test.index), engine


# --- the run ---------------------------------------------------------------------------------------------
def run(path: Path, random_runs: int, seed: int, grid: bool) -> dict[str, Any]:
    t_start = time.perf_counter()
    train, test = load(path)
    labels = test[LABEL]
    result: dict[str, Any] = {
        "data": {
            "train_rows": len(train),
            "train_window": [str(train[DATE].min().date()), str(train[DATE].max().date())],
            "test_rows": len(test),
            "test_window": [str(test[DATE].min().date()), str(test[DATE].max().date())],
            "test_days": int(test[DATE].nunique()),
            "test_positives": int(labels.sum()),
            "median_date": str(test[DATE].median().date()),
        },
        "published": PUBLISHED,
        "actual": {"first_half_share": actual_first_half_share(test[DATE], labels), "days_earlier": 0.0},
        "random": random_orderings(test, random_runs, seed) | {"runs": random_runs, "seed": seed},
        "perfect": evaluate(test, labels.astype(float)),
    }
    models: list[dict[str, Any]] = []
    for group in (True, False):
        for features in ("as_published", "window_start"):
            test_in = at_window_start(test) if features == "window_start" else test
            models.append(
                {
                    "model": "logistic",
                    "inspector_group": group,
                    "features": features,
                    **evaluate(test, logistic_scores(train, test_in, features, group)),
                }
            )
            t0 = time.perf_counter()
            scores, engine = engine_scores(train, test, features, group)
            models.append(
                {
                    "model": "lightgbm",
                    "inspector_group": group,
                    "features": features,
                    **evaluate(test, scores),
                    "trees": engine.report_.best_iteration,
                    "validation_auc": engine.report_.metrics["model"]["auc"],
                    "fit_s": round(time.perf_counter() - t0, 1),
                }
            )
    result["models"] = models
    if grid:
        result["sensitivity"] = sensitivity(train, test)
    headline = next(m for m in models if m["model"] == "lightgbm" and not m["inspector_group"])
    pooled = headline["pooled"]
    result["target"] = {
        "figure": "lightgbm, without the inspector group, as_published features, pooled",
        "first_half_share": pooled["first_half_share"],
        "days_earlier": pooled["days_earlier"],
        "beat": TARGET,
        "met": bool(
            pooled["first_half_share"] > TARGET["first_half_share"] and pooled["days_earlier"] > TARGET["days_earlier"]
        ),
    }
    result["runtime_s"] = round(time.perf_counter() - t_start, 1)
    return result


def sensitivity(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, Any]:
    """Without the group: every figure over a small hyperparameter grid, and the grid point the engine's
    own time-ordered validation (AUC on the last training fold, never the test) would choose."""
    out: dict[str, Any] = {}
    for features in ("as_published", "window_start"):
        points = []
        for params in GRID:
            scores, engine = engine_scores(train, test, features, False, params)
            points.append(
                {
                    "learning_rate": params.learning_rate,
                    "num_leaves": params.num_leaves,
                    "min_child_samples": params.min_child_samples,
                    "validation_auc": engine.report_.metrics["model"]["auc"],
                    **evaluate(test, scores),
                }
            )
        chosen = max(points, key=lambda p: p["validation_auc"])
        summary: dict[str, Any] = {"points": points, "chosen_by_validation": chosen}
        for mode, keys in (("pooled", ("first_half_share", "days_earlier")), ("within_group", ("days_earlier",))):
            for k in keys:
                values = [p[mode][k] for p in points]
                summary[f"{mode}_{k}_range"] = [min(values), max(values)]
        out[features] = summary
    return out


# --- printing --------------------------------------------------------------------------------------------
def _pct(v: float) -> str:
    return f"{100 * v:6.2f} %"


def _days(v: float) -> str:
    return f"{v:+6.2f} d"


def _row(name: str, ev: dict[str, dict[str, float]]) -> str:
    pooled, within = ev["pooled"], ev["within_group"]
    return (
        f"  {name:<44} {_pct(pooled['first_half_share']):>9} {_pct(pooled['scheduled_first_half_share']):>10} "
        f"{_days(pooled['days_earlier']):>9} | {_pct(within['scheduled_first_half_share']):>10} "
        f"{_days(within['days_earlier']):>9}"
    )


def print_report(r: dict[str, Any]) -> None:
    d = r["data"]
    print(
        f"Chicago food inspections: train {d['train_rows']} rows {d['train_window'][0]}..{d['train_window'][1]}; "
        f"test {d['test_rows']} inspections on {d['test_days']} days {d['test_window'][0]}..{d['test_window'][1]}, "
        f"{d['test_positives']} with a critical violation; median date {d['median_date']}"
    )
    head = f"  {'ordering':<44} {'1st half':>9} {'sched. 1st':>10} {'days':>9} | {'grp sched.':>10} {'grp days':>9}"
    print("\nReferences (pooled: any slot; grp: within each inspector group's own daily slots)")
    print(head)
    print(f"  {'actual order':<44} {_pct(r['actual']['first_half_share']):>9} {'':>10} {_days(0.0):>9} |")
    runs = r["random"]["runs"]
    print(_row(f"random, mean ({runs} runs)", r["random"]["mean"]))
    print(_row(f"random, 97.5th percentile ({runs} runs)", r["random"]["p97_5"]))
    print(_row("perfect knowledge", r["perfect"]))
    print("  published: model 68.99 % / 7.44 d; no group: logistic 57.8 % / 2.3 d, GBM 62.8 % / 3.7 d;")
    print("             random 49.9 % / -1.5 d (97.5th pct 55.0 % / 0.35 d); perfect 100 % / 24.1 d")
    print("\nModels (trained on split == train, scored on split == test)")
    print(head)
    for m in r["models"]:
        print(_row(f"{m['model']}, {'with' if m['inspector_group'] else 'without'} group, {m['features']}", m))
    if "sensitivity" in r:
        print(f"\nSensitivity without the group, LightGBM over {len(GRID)} hyperparameter points (test ranges):")
        for features, s in r["sensitivity"].items():
            c = s["chosen_by_validation"]
            lo, hi = s["pooled_first_half_share_range"]
            dlo, dhi = s["pooled_days_earlier_range"]
            glo, ghi = s["within_group_days_earlier_range"]
            print(
                f"  {features:<13} pooled 1st half {_pct(lo)}..{_pct(hi)}, days {_days(dlo)}..{_days(dhi)}; "
                f"grp days {_days(glo)}..{_days(ghi)}"
            )
            print(
                f"  {'':<13} chosen by validation AUC (lr {c['learning_rate']}, leaves {c['num_leaves']}, "
                f"min child {c['min_child_samples']}): pooled {_pct(c['pooled']['first_half_share'])} / "
                f"{_days(c['pooled']['days_earlier'])}, grp {_days(c['within_group']['days_earlier'])}"
            )
    t = r["target"]
    print(
        f"\nTarget ({t['figure']}): {_pct(t['first_half_share'])} / {_days(t['days_earlier'])} against "
        f"{_pct(t['beat']['first_half_share'])} / {_days(t['beat']['days_earlier'])} -> "
        f"{'MET' if t['met'] else 'NOT MET'}   (runtime {r['runtime_s']} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", type=Path, default=CSV)
    parser.add_argument("--random-runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-grid", action="store_true", help="skip the hyperparameter sensitivity grid")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.csv.is_file():
        parser.error(
            f"no inspection file at {args.csv}: the data live in ../shared/external/chicago/ beside the repository "
            "(a clone elsewhere has none); pass --csv PATH to chicago_inspections_2015.csv"
        )
    logging.basicConfig(level=logging.WARNING)
    result = run(args.csv, args.random_runs, args.seed, not args.no_grid)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_report(result)


if __name__ == "__main__":
    main()
