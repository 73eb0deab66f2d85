"""``bench/risk_quality.py --export-months``: the model sees a tilsyn's short export of the world, the truth stays whole."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.synthetic import World, WorldConfig, generate_world
from tests.bench.scripts import load_script

risk_quality = load_script("risk_quality")
DAY = dt.date(2026, 1, 1)
START = pd.Timestamp(2025, 1, 1)  # twelve months before DAY


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(WorldConfig(seed=3, facilities=120, years=4, as_of=DAY))


def test_a_short_export_keeps_the_last_months_and_carries_the_last_unannounced_visit_before_them(world: World) -> None:
    full = world.dataset
    short = risk_quality.short_export(full, DAY, 12)
    assert short.visits["date"].min() >= START and len(short.visits) == (full.visits["date"] >= START).sum()
    assert set(short.indicator_scores["visit_id"]) <= set(short.visits["visit_id"])
    for table, column in (("concerns", "date"), ("sanctions", "date"), ("use_of_force", "month")):
        frame = getattr(short, table)
        assert len(frame) and frame[column].min() >= START, table
    assert short.staff_figures["year"].min() == 2024  # the year before the export begins is reported within it
    assert list(short.facilities["facility_id"]) == list(full.facilities["facility_id"])
    # a tilbud with no unannounced visit in the export carries its last one before the export began
    in_file = set(short.visits.loc[~short.visits["announced"].astype(bool), "facility_id"])
    given = short.facilities.set_index("facility_id")["last_unannounced_visit"]
    dates = full.unannounced_visit_dates()
    before = pd.to_datetime(dates.loc[dates["date"] < START, "date"]).groupby(dates["facility_id"]).max()
    carried = given.dropna()
    assert len(carried) > 10 and not set(carried.index) & in_file
    assert (carried == before.reindex(carried.index)).all()
    assert given.reindex(list(in_file)).isna().all()
    # the export's view of the last unannounced visit is the full history's for every tilbud that had one
    assert short.last_unannounced().reindex(before.index).notna().all()


def test_an_export_without_the_column_knows_only_the_visits_in_it(world: World) -> None:
    short = risk_quality.short_export(world.dataset, DAY, 12, last_unannounced=False)
    assert short.facilities["last_unannounced_visit"].isna().all()
    in_file = set(short.visits.loc[~short.visits["announced"].astype(bool), "facility_id"])
    assert set(short.last_unannounced().index) == in_file
