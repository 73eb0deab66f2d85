"""How much better could the backtest's ranking be with the same information? (issue 6)

The synthetic backtest (``tilsynsplan backtest``, ``bench/backtest_seeds.py``) finds problems about 28 %
sooner than rotation, short of the 30 % target. This script asks whether the *ranking* is what holds it
back, on the backtest's own worlds and window. For each world: the product's risk model is trained as of
the replay's first day on what the world's own history knew then (as the replay's first quarter is), and
scored every quarter start of the window on the world's history. Against the truth, per quarter:

- ``bad``: the tilbud is in a seriously bad state in some month of the quarter (what the oracle policy
  ranks by);
- ``onset``: a problem *begins* in the quarter, among tilbud not bad the month before (the backtest's
  problems are spells beginning inside the window: these are what it counts);
- ``bad, top 10 %``: the share of truly bad tilbud among the tenth ranked highest each quarter (the plan
  visits about that tenth first), averaged over the quarters.

Beside the product (trained on what visits found) stands a LightGBM model trained on the **truth
itself** with the **same features**: monthly snapshots over the three years before the window, labelled
with the same two targets from the world's truth (one model per target). It learns from labels no tilsyn
has, so it shows what the product's inputs can tell: where the product ranks as well, a better ranking
needs information the data do not carry, not a better learner. ``latest quality`` ranks by the true
latent quality of the month before (what no input shows; the oracle's knowledge).

This measures the world's own history, whose labels come from the world's own visits (reactive ones
included). In the replay the labels come from the policy's own planned visits only. ``--replay`` runs the
backtest itself (``risk``, ``rotation`` and, in the oracle's place, ``truth-trained``: every quarter the
truth-trained model is fitted on what that policy itself knew -- features from its own history, labels
"bad in the next three months" from the truth -- and its ranking handed to the planner rank-matched to the
risk policy's values, as rotation's is) and prints days unseen per world and pooled, as
``bench/backtest_seeds.py`` does. Refitted every quarter, that model's latest labels are the truth of the
very tilbud it ranks up to the plan day, so it is *cross-fitted*: each half of the tilbud is ranked by the
model of the other half (``--same-tilbud`` fits it on every tilbud, as the ninth session's run did: that
ranking knows who is bad now, from labels no input carries).

    .venv/bin/python bench/backtest_ceiling.py [--seeds 42 1 2 3 4 5] [--quarters 8] [--replay [--same-tilbud]] [--json]

About 20 seconds a world; with ``--replay`` about ten minutes a world on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import time
import zlib
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from backtest_seeds import pooled  # the sibling bench script (run from bench/ as a script)

import api.services.backtest as backtest
from api.services.backtest import backtest_world, default_as_of, quarter_bounds, rank_matched, replay_window
from api.services.backtest_defaults import DEFAULT_QUARTERS
from data.dataset import Dataset
from data.settings import Settings
from data.synthetic import World, WorldConfig, generate_world
from models.calibration import estimate_offsets
from models.evaluation import auc, precision_at
from models.features import FEATURE_NAMES, compute_features
from models.risk_model import RiskModel

TARGETS = ("bad", "onset")
FIGURES = ("bad", "onset", "bad_top10")
TRUTH_YEARS = 3  # training snapshots of the truth-trained model: monthly, this many years before the window


def backtest_world_of(seed: int, quarters: int, settings: Settings) -> World:
    """The world ``bench/backtest_seeds.py`` and ``tilsynsplan backtest`` replay for ``seed``."""
    return generate_world(WorldConfig(seed=seed, facilities=2000, years=6, as_of=default_as_of(settings, quarters)))


def quarter_from(fm: pd.DataFrame, t: pd.Timestamp) -> pd.DataFrame:
    """The truth's rows of the three months from ``t``."""
    return fm[(fm["month"] >= t) & (fm["month"] < t + pd.DateOffset(months=3))]


def truth_frame(world: World) -> pd.DataFrame:
    """facility_id, month, bad, onset (bad this month and not the month before), quality."""
    fm = world.truth.facility_months.sort_values(["facility_id", "month"]).copy()
    before = fm.groupby("facility_id")["bad"].shift(1).fillna(False).astype(bool)
    fm["onset"] = fm["bad"].astype(bool) & ~before
    return fm


def snapshot(world: World, fm: pd.DataFrame, model: RiskModel, t: pd.Timestamp) -> pd.DataFrame:
    """Features as of ``t`` (what the world's history knew) with the truth of the quarter from ``t``."""
    ds = world.dataset
    f = compute_features(ds.known_at(t), t, model.offsets_).set_index("facility_id", drop=False)
    truth = quarter_from(fm, t).groupby("facility_id").agg(bad=("bad", "any"), onset=("onset", "any"))
    month_before = fm[fm["month"] == t - pd.DateOffset(months=1)].set_index("facility_id")
    f["bad"] = truth["bad"].reindex(f.index).fillna(False).astype(int)
    f["onset"] = truth["onset"].reindex(f.index).fillna(False).astype(int)
    f["bad_before"] = month_before["bad"].reindex(f.index).fillna(False).astype(bool)
    f["quality_before"] = month_before["quality"].reindex(f.index)
    f["t"] = t
    return f


def _inputs(frame: pd.DataFrame) -> pd.DataFrame:
    x = frame[list(FEATURE_NAMES)].copy()
    x["facility_type"] = x["facility_type"].astype("category")
    return x


def _learner(seed: int) -> lgb.LGBMClassifier:
    return lgb.LGBMClassifier(
        n_estimators=400,
        learning_rate=0.03,
        num_leaves=15,
        min_child_samples=100,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        random_state=seed,
        verbose=-1,
        n_jobs=1,  # two bench processes share the two cores; LightGBM's spinning threads then crawl
    )


# --- the replay with a truth-trained ranking --------------------------------------------------------
def half_of(facility_ids: Any) -> np.ndarray:
    """0 or 1 per tilbud, stable across runs and processes (a CRC of the id, not Python's salted hash)."""
    return np.array([zlib.crc32(str(f).encode()) % 2 for f in facility_ids], dtype=int)


def truth_trained_priority(
    world: World, known: Dataset, active: pd.DataFrame, on: pd.Timestamp, *, cross_fit: bool = True
) -> pd.Series:
    """A ranking of ``active`` on ``on``: LightGBM on the product's features from ``known`` (a policy's own
    history), labelled "bad in the next three months" by the truth, monthly snapshots over three years.

    ``cross_fit`` (the default): each half of the tilbud is ranked by a model fitted on the other half's
    snapshots only. Fitted on every tilbud, the model's latest labels are the truth of the very tilbud it
    ranks up to ``on`` (a seriously bad state lasts months), and it learns *who* is bad now from their
    near-unique static features (approval age, places): knowledge no input carries, which in the replay
    was worth about 0.02-0.03 AUC and most of that ranking's lead over the product."""
    fm = world.truth.facility_months
    offsets = estimate_offsets(known.visit_theme_values(), known.facilities, since=on - pd.DateOffset(years=3))
    rows = []
    for t in pd.date_range(on - pd.DateOffset(years=TRUTH_YEARS), on - pd.DateOffset(months=3), freq="MS"):
        f = compute_features(known.known_at(t), t, offsets).set_index("facility_id")
        f["y"] = quarter_from(fm, t).groupby("facility_id")["bad"].any().reindex(f.index).fillna(False).astype(int)
        rows.append(f)
    train = pd.concat(rows)
    now = compute_features(known, on, offsets).set_index("facility_id")
    if not cross_fit:
        learner = _learner(0).fit(_inputs(train), train["y"])
        p = pd.Series(np.asarray(learner.predict_proba(_inputs(now)))[:, 1], index=now.index)
    else:
        p = pd.Series(np.nan, index=now.index)
        train_half, now_half = half_of(train.index), half_of(now.index)
        for h in (0, 1):
            other = train[train_half != h]
            learner = _learner(0).fit(_inputs(other), other["y"])
            mine = now[now_half == h]
            p[mine.index] = np.asarray(learner.predict_proba(_inputs(mine)))[:, 1]
    return p.reindex(active["facility_id"].to_numpy()).fillna(p.median())


def _with_truth_trained_oracle(cross_fit: bool) -> None:
    """Swap the replay's ``oracle`` priority for the truth-trained ranking (a bench-only patch of the
    service's private dispatch; every other policy runs unchanged)."""
    original = backtest._risk_values

    def risk_values(policy: str, world: World, known: Dataset, ds: Dataset, active: pd.DataFrame, on: Any,
                    quarter: str, k: int, settings: Settings, reference: Any, model: Any = None,
                    since: Any = None) -> tuple[pd.DataFrame, dict[str, Any]]:  # fmt: skip
        if policy != "oracle":
            return original(
                policy, world, known, ds, active, on, quarter, k, settings, reference, model=model, since=since
            )
        day = pd.Timestamp(quarter_bounds(quarter)[0] if since is None else since)
        priority = truth_trained_priority(world, known, active, day, cross_fit=cross_fit)
        values = rank_matched(priority, active.set_index("facility_id")["authority"], reference or {})
        ids = active["facility_id"]
        return pd.DataFrame({"facility_id": ids.to_numpy(), "risk": values.reindex(ids).to_numpy(float)}), {}

    backtest._risk_values = risk_values


def replay_world(seed: int, quarters: int, settings: Settings) -> dict[str, Any]:
    t0 = time.perf_counter()
    world = backtest_world_of(seed, quarters, settings)
    result = backtest_world(world, settings, quarters=quarters, policies=("risk", "rotation", "oracle"))
    p = result.policies
    names = {"risk": "risk", "rotation": "rotation", "oracle": "truth-trained"}
    return {
        "seed": seed,
        "problems": result.spells,
        **{names[k]: v.mean_days_censored for k, v in p.items()},
        "visits": {names[k]: v.visits for k, v in p.items()},
        "seconds": round(time.perf_counter() - t0, 1),
        "_days": {names[k]: np.asarray(v.days_censored, float) for k, v in p.items()},
    }


def pooled_against_rotation(worlds: list[dict[str, Any]], policy: str) -> tuple[float, float, float]:
    """1 - (all ``policy`` days) / (all rotation days), with ``backtest_seeds.pooled``'s 95 % interval."""
    return pooled([{"_days": (w["_days"][policy], w["_days"]["rotation"])} for w in worlds])


def main_replay(seeds: list[int], quarters: int, as_json: bool, cross_fit: bool) -> None:
    _with_truth_trained_oracle(cross_fit)
    settings = Settings()
    worlds = []
    for seed in seeds:
        worlds.append(replay_world(seed, quarters, settings))
        w = worlds[-1]
        if not as_json:
            print(
                f"seed {seed:>3}: {w['problems']} problems; days unseen risk {w['risk']:.1f}, truth-trained "
                f"{w['truth-trained']:.1f}, rotation {w['rotation']:.1f}; {w['seconds']:.0f} s",
                flush=True,
            )
    gains = {p: pooled_against_rotation(worlds, p) for p in ("risk", "truth-trained")}
    summary = {
        "worlds": [{k: v for k, v in w.items() if not k.startswith("_")} for w in worlds],
        "pooled_against_rotation": gains,
    }
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    for p, (point, lo, hi) in gains.items():
        print(f"{p}: pooled {point:.1%} sooner than rotation (95 % {lo:.1%} to {hi:.1%})")


def run_world(seed: int, quarters: int, settings: Settings) -> dict[str, Any]:
    t0 = time.perf_counter()
    world = backtest_world_of(seed, quarters, settings)
    window = replay_window(world.config.resolved_as_of(), quarters)
    start = pd.Timestamp(window.start)
    fm = truth_frame(world)
    model = RiskModel.from_settings(settings).fit(world.dataset, window.start)
    test_days = [start + pd.DateOffset(months=3 * k) for k in range(quarters)]
    train_days = pd.date_range(start - pd.DateOffset(years=TRUTH_YEARS), start - pd.DateOffset(months=3), freq="MS")
    test = pd.concat([snapshot(world, fm, model, t) for t in test_days])
    train = pd.concat([snapshot(world, fm, model, t) for t in train_days])
    test["product"] = np.concatenate(
        [
            model.predict_proba(world.dataset, t).set_index("facility_id")["risk"].reindex(test.index[test["t"] == t])
            for t in test_days
        ]
    )
    test["latest quality"] = -test["quality_before"].fillna(test["quality_before"].median())
    for target in TARGETS:
        rows = train if target == "bad" else train[~train["bad_before"]]
        learner = _learner(seed).fit(_inputs(rows), rows[target])
        test[f"truth-trained ({target})"] = np.asarray(learner.predict_proba(_inputs(test)))[:, 1]
    rankers = ("product", "truth-trained (bad)", "truth-trained (onset)", "latest quality")
    not_bad = test[~test["bad_before"]]
    out: dict[str, Any] = {
        "seed": seed,
        "snapshots": len(test),
        "bad": int(test["bad"].sum()),
        "onsets": int(not_bad["onset"].sum()),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    for name in rankers:
        out[name] = {
            "bad": auc(test["bad"].to_numpy(), test[name].to_numpy()),
            "onset": auc(not_bad["onset"].to_numpy(), not_bad[name].to_numpy()),
            "bad_top10": float(
                np.mean([precision_at(g["bad"].to_numpy(), g[name].to_numpy()) for _, g in test.groupby("t")])
            ),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 1, 2, 3, 4, 5])
    parser.add_argument("--quarters", type=int, default=DEFAULT_QUARTERS)
    parser.add_argument("--replay", action="store_true", help="replay the backtest with a truth-trained ranking")
    parser.add_argument(
        "--same-tilbud",
        action="store_true",
        help="with --replay: fit the truth-trained ranking on every tilbud it ranks (the ninth session's run)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.replay:
        main_replay(args.seeds, args.quarters, args.json, not args.same_tilbud)
        return
    settings = Settings()
    worlds = [run_world(seed, args.quarters, settings) for seed in args.seeds]
    rankers = [k for k in worlds[0] if isinstance(worlds[0][k], dict)]
    mean = {r: {t: float(np.mean([w[r][t] for w in worlds])) for t in FIGURES} for r in rankers}
    if args.json:
        print(json.dumps({"worlds": worlds, "mean": mean}, indent=2))
        return
    print("AUC against the truth of the quarter, on the backtest's window (quarterly snapshots, world history)")
    print(f"{'world':>6} {'ranker':<24} {'bad in quarter':>15} {'onset':>8} {'bad, top 10 %':>14}")
    for w in worlds:
        for r in rankers:
            print(f"{w['seed']:>6} {r:<24} {w[r]['bad']:>15.3f} {w[r]['onset']:>8.3f} {w[r]['bad_top10']:>14.1%}")
        print(f"{'':>6} ({w['snapshots']} snapshots, {w['bad']} bad, {w['onsets']} onsets, {w['seconds']} s)")
    print()
    for r in rankers:
        print(f"{'mean':>6} {r:<24} {mean[r]['bad']:>15.3f} {mean[r]['onset']:>8.3f} {mean[r]['bad_top10']:>14.1%}")


if __name__ == "__main__":
    main()
