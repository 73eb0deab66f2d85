"""Risk model quality against the synthetic world's truth (not the observed labels).

For each seed: generate a world, train at the as-of date on what was known before it, score every
active facility, and compare with the truth — a facility is truly at risk when it is in a seriously
bad state in some month within the horizon after the as-of date. Prints AUC and precision in the top
10 % for the model, each baseline, and an oracle that knows every facility's true quality at the
as-of date (the ceiling for any ranking made that day).

Target: the model beats the best baseline on both, by at least 0.03 AUC.

    .venv/bin/python bench/risk_quality.py [--seeds 1 2 3] [--facilities 2000] [--years 6] [--json]
        [--learn-from severity|label]

``--learn-from label`` trains the trees on the yes/no label instead of the graded severity (the default;
``TILSYNSPLAN_RISK_LEARN_FROM``): the two runs on the same worlds show what the severity adds.

``--export-months N`` gives the model a short export of the same world, as a tilsyn's would be: the last
``N`` months before the as-of date of visits (and their scores), magtanvendelser, concerns and sanctions,
staff figures from the year before the export begins on, and every tilbud, with
``facilities.last_unannounced_visit`` carrying the last unannounced visit before the export began for a
tilbud with none in it (what the contract's extension asks for). ``--without-last-unannounced`` leaves
that column empty (an export without it). The truth stays the world's: what a short history costs the
ranking, beside the full export of the same seeds. (``--years 2`` instead generates a world whose history
itself is two years long.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time

import numpy as np
import pandas as pd

from data.dataset import Dataset
from data.synthetic import WorldConfig, generate_world
from models.baselines import baseline_scores
from models.evaluation import auc, precision_at
from models.risk_model import LEARN_FROM, RiskModel

SCORES = ("model", "random", "latest_theme_mean", "expert", "oracle")


def truth_labels(world: object, ids: pd.Index, as_of: pd.Timestamp, horizon_months: int) -> pd.Series:
    fm = world.truth.facility_months  # type: ignore[attr-defined]
    end = as_of + pd.DateOffset(months=horizon_months)
    window = fm[(fm["month"] >= as_of) & (fm["month"] < end)]
    return window.groupby("facility_id")["bad"].any().reindex(ids).fillna(False).astype(int)


def oracle_score(world: object, ids: pd.Index, as_of: pd.Timestamp) -> pd.Series:
    fm = world.truth.facility_months  # type: ignore[attr-defined]
    month = as_of.to_period("M").to_timestamp()
    now = fm[fm["month"] == month].set_index("facility_id")["quality"]
    return (-now).reindex(ids).fillna(-now.median())


def short_export(ds: Dataset, as_of: dt.date, months: int, *, last_unannounced: bool = True) -> Dataset:
    """The export a tilsyn gives when its records begin ``months`` before ``as_of`` (see the module docstring)."""
    start = pd.Timestamp(as_of) - pd.DateOffset(months=months)
    visits = ds.visits[ds.visits["date"] >= start]
    ids = set(visits["visit_id"])
    in_file = set(visits.loc[~visits["announced"].astype(bool), "facility_id"])
    given = ds.unannounced_visit_dates()
    before = pd.to_datetime(given.loc[given["date"] < start, "date"]).groupby(given["facility_id"]).max()
    fac = ds.facilities.copy()
    carried = fac["facility_id"].map(before).where(~fac["facility_id"].isin(in_file))
    fac["last_unannounced_visit"] = pd.to_datetime(carried if last_unannounced else pd.Series(pd.NaT, index=fac.index))
    return ds.with_tables(
        facilities=fac,
        visits=visits,
        indicator_scores=ds.indicator_scores[ds.indicator_scores["visit_id"].isin(ids)],
        theme_scores=ds.theme_scores[ds.theme_scores["visit_id"].isin(ids)],
        use_of_force=ds.use_of_force[ds.use_of_force["month"] >= start],
        concerns=ds.concerns[ds.concerns["date"] >= start],
        sanctions=ds.sanctions[ds.sanctions["date"] >= start],
        staff_figures=ds.staff_figures[ds.staff_figures["year"] >= start.year - 1],
    )


def run_seed(
    seed: int,
    facilities: int,
    years: int,
    as_of: dt.date,
    horizon: int,
    learn_from: str = "severity",
    export_months: int | None = None,
    last_unannounced: bool = True,
) -> dict[str, object]:
    t0 = time.perf_counter()
    world = generate_world(WorldConfig(seed=seed, facilities=facilities, years=years, as_of=as_of))
    t_gen = time.perf_counter() - t0
    ds = world.dataset
    if export_months is not None:
        ds = short_export(ds, as_of, export_months, last_unannounced=last_unannounced)
    t0 = time.perf_counter()
    model = RiskModel(horizon_months=horizon, random_state=seed, learn_from=learn_from).fit(ds, as_of)
    t_fit = time.perf_counter() - t0
    scored = model.score(ds, as_of, explain=False)
    ids = scored.risk.index
    t = pd.Timestamp(as_of)
    y = truth_labels(world, ids, t, horizon)
    base = baseline_scores(scored.features, seed)
    scores = {
        "model": scored.risk,
        "random": base["random"],
        "latest_theme_mean": base["latest_theme_mean"],
        "expert": base["expert"],
        "oracle": oracle_score(world, ids, t),
    }
    result: dict[str, object] = {
        "seed": seed,
        "facilities_scored": len(ids),
        "truly_bad_share": float(y.mean()),
        "cold_start": bool(model.cold_start_),
        "training_rows": model.training_rows_,
        "positive_labels": model.positive_labels_,
        "generate_s": round(t_gen, 1),
        "fit_s": round(t_fit, 1),
        "validation_auc_observed_labels": model.metrics_.get("model", {}).get("auc"),
    }
    for name, s in scores.items():
        result[name] = {"auc": auc(y, s.to_numpy()), "precision_top10": precision_at(y, s.to_numpy())}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--facilities", type=int, default=2000)
    parser.add_argument("--years", type=int, default=6)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 1, 1))
    parser.add_argument("--horizon", type=int, default=6)
    parser.add_argument("--learn-from", choices=LEARN_FROM, default=RiskModel().learn_from)
    parser.add_argument("--export-months", type=int, default=None, help="give the model only the last N months")
    parser.add_argument("--without-last-unannounced", action="store_true", help="a short export without the column")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = [
        run_seed(
            s,
            args.facilities,
            args.years,
            args.as_of,
            args.horizon,
            args.learn_from,
            args.export_months,
            not args.without_last_unannounced,
        )
        for s in args.seeds
    ]
    mean = {
        name: {m: float(np.mean([r[name][m] for r in results])) for m in ("auc", "precision_top10")}  # type: ignore[index]
        for name in SCORES
    }
    baselines = ("random", "latest_theme_mean", "expert")
    best_auc = max(mean[b]["auc"] for b in baselines)
    best_prec = max(mean[b]["precision_top10"] for b in baselines)
    margin = mean["model"]["auc"] - best_auc
    met = margin >= 0.03 and mean["model"]["precision_top10"] >= best_prec
    summary = {
        "learn_from": args.learn_from,
        "export_months": args.export_months,
        "last_unannounced_visit": args.export_months is None or not args.without_last_unannounced,
        "seeds": results,
        "mean": mean,
        "auc_margin_over_best_baseline": margin,
        "target_met": met,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(f"Risk model against the truth: {args.facilities} facilities, {args.years} years, as of {args.as_of}, "
          f"horizon {args.horizon} months, trees learn from the {args.learn_from}")  # fmt: skip
    if args.export_months is not None:
        column = "without" if args.without_last_unannounced else "with"
        print(f"the model sees an export of the last {args.export_months} months, {column} last_unannounced_visit")
    for r in results:
        print(
            f"\nseed {r['seed']}: {r['facilities_scored']} scored, truly bad within horizon "
            f"{r['truly_bad_share']:.1%}, "
            f"{r['training_rows']} training rows, {r['positive_labels']} positive, cold start {r['cold_start']}, "
            f"generate {r['generate_s']} s, fit {r['fit_s']} s"
        )
        print(f"  {'score':<20} {'AUC':>7} {'prec@10%':>9}")
        for name in SCORES:
            m = r[name]  # type: ignore[index]
            print(f"  {name:<20} {m['auc']:>7.3f} {m['precision_top10']:>9.3f}")
    print(f"\nmean over {len(results)} seeds")
    print(f"  {'score':<20} {'AUC':>7} {'prec@10%':>9}")
    for name in SCORES:
        print(f"  {name:<20} {mean[name]['auc']:>7.3f} {mean[name]['precision_top10']:>9.3f}")
    print(
        f"\nAUC margin over the best baseline: {margin:+.3f} (target +0.030); precision@10% "
        f"{mean['model']['precision_top10']:.3f} vs best baseline {best_prec:.3f} "
        f"-> target {'MET' if met else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
