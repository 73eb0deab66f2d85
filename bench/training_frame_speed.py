"""The training frame's features at every monthly snapshot, on a big synthetic world: from a prepared
:class:`models.features.ThemeHistory` (what ``RiskModel.training_frame`` uses) against the earlier way, a raw
theme-values frame calibrated, sorted and grouped again at every snapshot. Same process, same dates; the two
frames are checked equal. (Both skip filtering the indicator scores to the visits known at each date, the
other saving of the same change, so the ratio shows the theme history's share only; the whole saving is the
fit's time against the code before, e.g. ``bench/risk_speed.py`` on both.) Then the whole fit
(``RiskModel.fit``), for the target training < 60 s.

    .venv/bin/python bench/training_frame_speed.py [--facilities 6000] [--years 10] [--seed 1] [--no-fit]

The default world is three times synthetic Denmark with ten years of history: the size at which training
took 103 s wall (about 50 s of CPU on 2 shared cores) in ``tilsynsplan train``, two thirds of it these features.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import pandas as pd

from data.synthetic import WorldConfig, generate_world
from models.calibration import estimate_offsets
from models.features import ThemeHistory, compute_features
from models.labels import snapshot_dates
from models.risk_model import RiskModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--facilities", type=int, default=6000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 1, 1))
    parser.add_argument("--no-fit", action="store_true", help="skip timing the whole fit")
    args = parser.parse_args()
    t0 = time.perf_counter()
    world = generate_world(WorldConfig(seed=args.seed, facilities=args.facilities, years=args.years, as_of=args.as_of))
    print(f"world: {args.facilities} tilbud, {args.years} years, generated in {time.perf_counter() - t0:.1f} s")
    t = pd.Timestamp(args.as_of)
    known = world.dataset.known_at(t)
    tv = known.visit_theme_values()
    offsets = estimate_offsets(tv, known.facilities, since=t - pd.DateOffset(years=5))
    dates = snapshot_dates(t, 6, 5)
    print(f"{len(dates)} snapshot dates, {len(tv):,} theme values, {len(known.indicator_scores):,} indicator scores")

    t0 = time.perf_counter()
    before = [compute_features(known, d, offsets, theme_values=tv) for d in dates]
    raw_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    history = ThemeHistory.prepare(tv, known.facilities, offsets)
    after = [compute_features(known, d, offsets, theme_values=history) for d in dates]
    prepared_s = time.perf_counter() - t0
    for a, b in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(a, b)
    print(
        f"features at every snapshot: raw theme values {raw_s:.1f} s, prepared ThemeHistory {prepared_s:.1f} s "
        f"(preparing included) — {raw_s / prepared_s:.1f} x; frames equal"
    )
    if not args.no_fit:
        t0 = time.perf_counter()
        model = RiskModel(random_state=args.seed).fit(world.dataset, args.as_of)
        fit_s = time.perf_counter() - t0
        print(
            f"fit: {fit_s:.1f} s ({model.training_rows_:,} labelled snapshots, {model.best_iteration_} trees) — "
            f"target < 60 s: {'ok' if fit_s < 60 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
