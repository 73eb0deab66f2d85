"""Scratch measurement: would blending a kept LightGBM with the expert score rank the truth better?

For each world it fits the product's ``RiskModel`` once (in-process, without its own blend:
``expert_blend_weight=1``) and, when LightGBM is kept, scores every tilbud with the rule before the blend
(``main``: LightGBM's calibrated risk) and with each blend below (the product's is ``logit0.7_2se``, shifted);
when the expert score is used nothing changes. Each variant's AUC against the truth is computed from that one fit,
so the variants differ only in the blend (same process, same worlds):

- ``logit0.3`` / ``logit0.5`` / ``logit0.7``: sigmoid(w x logit(LightGBM's calibrated risk) + (1 - w) x the expert
  score's margin (-3 + 0.4 x points)), bounded to 1-99 % like every risk (``models.engine.bound_probability``);
- ``logit0.5_2se`` / ``logit0.7_2se``: the same, only when the lead on C is within 2 standard errors (else LightGBM);
- ``rank``: the mean of the two scores' rank percentiles over the scored tilbud (a ranking, not a probability).

Calibration: a logit average of two probabilities is a probability, and ``--json`` gives, per world, the
expected calibration error on C (the held-out period LightGBM is calibrated on) of LightGBM and of each logit
blend there, from the engine's C predictions (the evaluation booster's, as ``train`` reports).

    PYTHONPATH=. .venv/bin/python bench/blend_scratch.py national [--seeds 1 2 3] [--facilities 2000]
    PYTHONPATH=. .venv/bin/python bench/blend_scratch.py alien [--variants a b c] [--seeds 1 2 3 4 5]

``alien`` imports each world of ``bench/alien_world.py`` with the CLI (as ``--measure`` does) and fits in-process
on the loaded data with the settings ``train`` uses, so main's rule gives the same figures as its table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models.engine import bound_probability, sigmoid
from models.evaluation import auc, expected_calibration_error, reliability_table
from models.risk_model import RiskModel

VARIANTS = ("main", "logit0.3", "logit0.5", "logit0.7", "logit0.5_2se", "logit0.7_2se", "rank")
WEIGHTS = (0.3, 0.5, 0.7)
EPS = 1e-6


def _logit(risk: np.ndarray) -> np.ndarray:
    """The log-odds of a bounded (1-99 %) risk, unbounded first."""
    p = np.clip((np.asarray(risk, float) - 0.01) / 0.98, EPS, 1 - EPS)
    return np.log(p / (1 - p))


def _logit_raw(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, float), EPS, 1 - EPS)
    return np.log(p / (1 - p))


def blends(model: RiskModel, risk: pd.Series, features: pd.DataFrame) -> dict[str, pd.Series]:
    """Every variant's score for the scored tilbud (index as ``risk``)."""
    if model.engine_ is None:
        return dict.fromkeys(VARIANTS, risk)
    expert_margin = pd.Series(model.expert_.margin(features), index=risk.index)
    lgbm = pd.Series(_logit(risk.to_numpy()), index=risk.index)
    out: dict[str, pd.Series] = {"main": risk}
    for w in WEIGHTS:
        out[f"logit{w}"] = pd.Series(bound_probability(sigmoid(w * lgbm + (1 - w) * expert_margin)), index=risk.index)
    within = bool((model.lead_over_expert_ or {}).get("within_noise"))
    for w in (0.5, 0.7):
        out[f"logit{w}_2se"] = out[f"logit{w}"] if within else risk
    expert_risk = bound_probability(sigmoid(expert_margin))
    out["rank"] = (risk.rank(pct=True) + pd.Series(expert_risk, index=risk.index).rank(pct=True)) / 2
    return out


def calibration_on_c(model: RiskModel) -> dict[str, float] | None:
    """ECE on C of LightGBM and the logit blends (the engine's C predictions)."""
    if model.engine_ is None:
        return None
    test = model.engine_.report_.test_predictions
    y = test["label"].to_numpy(int)
    # the engine's "expert" column is the expert score's margin (models.baselines.baseline_scores), not a risk
    lg, ex = _logit_raw(test["model"].to_numpy(float)), test["expert"].to_numpy(float)
    out = {"lightgbm": expected_calibration_error(reliability_table(y, test["model"].to_numpy(float)))}
    for w in WEIGHTS:
        out[f"logit{w}"] = expected_calibration_error(reliability_table(y, sigmoid(w * lg + (1 - w) * ex)))
    out["observed"] = float(y.mean())
    return {k: round(float(v), 4) for k, v in out.items()}


def _measure(model: RiskModel, risk: pd.Series, features: pd.DataFrame, y: pd.Series) -> dict[str, Any]:
    scores = blends(model, risk, features)
    return {
        "kept": model.engine_ is not None,
        "lead": model.lead_over_expert_,
        "auc": {k: round(auc(y, s.reindex(y.index).to_numpy()), 4) for k, s in scores.items()},
        "expert_auc": round(auc(y, model.expert_.predict_proba(features.loc[y.index])), 4),
        "ece_c": calibration_on_c(model),
    }


def national_seed(seed: int, facilities: int, years: int, as_of: dt.date) -> dict[str, Any]:
    from bench.risk_quality import truth_labels
    from data.synthetic import WorldConfig, generate_world

    t0 = time.perf_counter()
    world = generate_world(WorldConfig(seed=seed, facilities=facilities, years=years, as_of=as_of))
    model = RiskModel(horizon_months=6, random_state=seed, expert_blend_weight=1.0).fit(world.dataset, as_of)
    scored = model.score(world.dataset, as_of, explain=False)
    y = truth_labels(world, scored.risk.index, pd.Timestamp(as_of), 6)
    return {"seed": seed, **_measure(model, scored.risk, scored.features, y), "s": round(time.perf_counter() - t0)}


def alien_world(variant: str, seed: int, as_of: dt.date) -> dict[str, Any]:
    from bench.alien_world import _cli, generate, truth_at
    from data.settings import Settings
    from data.store import database, load_dataset

    t0 = time.perf_counter()
    out = Path(tempfile.mkdtemp(prefix=f"blend_{variant}{seed}_"))
    data = generate(variant, seed, out, as_of)
    home = out / "home"
    imp = _cli(home, as_of, "import", str(data))
    if imp.returncode:
        return {"variant": variant, "seed": seed, "error": (imp.stdout + imp.stderr)[-1000:]}
    settings = Settings(home=home, today=as_of)
    with database(settings) as engine:
        ds = load_dataset(engine)
    model = RiskModel.from_settings(settings, expert_blend_weight=1.0).fit(ds, as_of)
    scored = model.score(ds, as_of, explain=False)
    y = truth_at(out, as_of, scored.risk.index)
    result = _measure(model, scored.risk, scored.features, y)
    return {"variant": variant, "seed": seed, **result, "s": round(time.perf_counter() - t0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bench", choices=("national", "alien"))
    parser.add_argument("--seeds", type=int, nargs="+", default=None)
    parser.add_argument("--facilities", type=int, default=2000)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--variants", nargs="+", default=["a", "b", "c"])
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 1, 1))
    args = parser.parse_args()
    if args.bench == "national":
        worlds = [national_seed(s, args.facilities, args.years, args.as_of) for s in args.seeds or [1, 2, 3]]
    else:
        worlds = [alien_world(v, s, args.as_of) for v in args.variants for s in args.seeds or [1, 2, 3, 4, 5]]
    ok = [w for w in worlds if "auc" in w]
    kept = [w for w in ok if w["kept"]]
    summary = {
        "bench": args.bench,
        "facilities": args.facilities if args.bench == "national" else None,
        "worlds": worlds,
        "mean": {v: round(float(np.nanmean([w["auc"][v] for w in ok])), 4) for v in VARIANTS},
        "mean_kept": {v: round(float(np.nanmean([w["auc"][v] for w in kept])), 4) for v in VARIANTS} if kept else None,
        "kept": [w.get("variant", "") + str(w["seed"]) for w in kept],
        "expert_mean": round(float(np.nanmean([w["expert_auc"] for w in ok])), 4),
    }
    print(json.dumps(summary, indent=2, default=str))


if __name__ == "__main__":
    main()
