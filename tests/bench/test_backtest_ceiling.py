"""``bench/backtest_ceiling.py``: the cross-fitted truth-trained ranking never learns the truth of a tilbud it ranks."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data.synthetic import World, WorldConfig, generate_world
from tests.bench.scripts import load_script

ceiling = load_script("backtest_ceiling")
ON = pd.Timestamp(2027, 1, 1)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(WorldConfig(seed=4, facilities=150, years=4, as_of=dt.date(2027, 1, 1)))


def _with_truth_flipped(world: World, facility_ids: list[str]) -> World:
    fm = world.truth.facility_months.copy()
    rows = fm["facility_id"].isin(facility_ids)
    fm.loc[rows, "bad"] = ~fm.loc[rows, "bad"].astype(bool)
    return dataclasses.replace(world, truth=dataclasses.replace(world.truth, facility_months=fm))


def _ranking(world: World, cross_fit: bool) -> pd.Series:
    known = world.dataset.known_at(ON)
    return ceiling.truth_trained_priority(world, known, known.active_facilities(ON), ON, cross_fit=cross_fit)


def test_the_halves_are_stable_and_both_used() -> None:
    # fixed values (CRC-32 of the id, mod 2): Python's salted hash() would differ between processes and runs
    assert ceiling.half_of(["F1", "F2", "F3", "F4", "F5", "F6"]).tolist() == [0, 0, 0, 1, 1, 1]
    halves = ceiling.half_of([f"T{i:04d}" for i in range(400)])
    assert 150 < halves.sum() < 250


def test_a_tilbuds_own_truth_does_not_move_its_cross_fitted_rank_value(world: World) -> None:
    before = _ranking(world, cross_fit=True)
    ids = before.index.to_numpy()
    halves = pd.Series(ceiling.half_of(ids), index=ids)
    flipped_ids = list(ids[halves.to_numpy() == 0][:40])
    after = _ranking(_with_truth_flipped(world, flipped_ids), cross_fit=True)
    # half 0 is ranked by half 1's model, which never saw half 0's truth
    assert np.allclose(before[halves == 0], after[halves == 0])
    # ... and the flipped labels did reach the model that ranks half 1 (the check can fail)
    assert not np.allclose(before[halves == 1], after[halves == 1])


def test_fitted_on_every_tilbud_its_own_truth_moves_its_rank_value(world: World) -> None:
    """What the cross-fit prevents: the model fitted on every tilbud learns who is bad from their own labels."""
    before = _ranking(world, cross_fit=False)
    flipped_ids = list(before.index[:40])
    after = _ranking(_with_truth_flipped(world, flipped_ids), cross_fit=False)
    assert not np.allclose(before[flipped_ids], after[flipped_ids])
