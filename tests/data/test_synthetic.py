"""Synthetic Denmark: reproducible files, valid data (the real importer), consistent truth, and a
visit-outcome model that is the history's own."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.calendar import is_working_day
from data.contract import FILES
from data.enums import SERIOUS_SANCTIONS, FacilityType, Ownership
from data.errors import InvalidArgumentError, NotFoundError
from data.importer import read_upload
from data.quality_model import FacilityTraits, indicator_applies
from data.synthetic import World, WorldConfig, generate_world, load_truth, write_world
from data.synthetic.params import AMBULANT
from data.synthetic.world import THEME_COLUMNS

AS_OF = dt.date(2026, 10, 1)
SMALL = WorldConfig(seed=7, facilities=150, years=3, as_of=AS_OF, future_months=24)
PLANNING_TABLES = {"absences", "locked_visits"}  # planning inputs: may lie after the as-of date


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(SMALL)


@pytest.fixture(scope="module")
def written(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    write_world(world, out)
    return out


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_byte_identical_files(written: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    write_world(generate_world(SMALL), again)
    first, second = _digests(written), _digests(again)
    assert len(first) == 15  # 11 contract files + 4 truth files
    assert first == second


def test_another_seed_gives_another_world(world: World) -> None:
    other = generate_world(WorldConfig(seed=8, facilities=150, years=3, as_of=AS_OF))
    assert not world.dataset.visits[["facility_id", "date"]].equals(other.dataset.visits[["facility_id", "date"]])


def test_files_pass_the_importer_and_round_trip(world: World, written: Path) -> None:
    result = read_upload(written / "data", today=AS_OF - dt.timedelta(days=1))
    assert result.warnings == []
    assert set(result.files) == {spec.name for spec in FILES}
    for name in ("facilities", "visits", "indicator_scores", "use_of_force", "sanctions", "inspectors"):
        mine = getattr(world.dataset, name)
        theirs = getattr(result.dataset, name)
        assert len(mine) == len(theirs), name
        key = list(mine.columns[:2])
        a = mine.sort_values(key).reset_index(drop=True).astype(str)
        b = theirs[mine.columns].sort_values(key).reset_index(drop=True).astype(str)
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_nothing_observable_is_dated_on_or_after_as_of(world: World) -> None:
    ds = world.dataset
    t = pd.Timestamp(AS_OF)
    assert (ds.facilities["approved_on"] < t).all()
    assert (ds.facilities["closed_on"].dropna() < t).all()
    assert (ds.facilities["leader_since"].dropna() < t).all()
    assert (ds.visits["date"] < t).all()
    assert (ds.concerns["date"] < t).all()
    assert (ds.sanctions["date"] < t).all()
    # months must have ended before the as-of date; staff figures only for ended years
    assert (ds.use_of_force["month"] + pd.offsets.MonthBegin(1) <= t).all()
    assert (ds.staff_figures["year"] < AS_OF.year).all()
    # known_at(as_of) therefore drops nothing but planning inputs
    known = ds.known_at(t)
    for name, frame in ds.tables().items():
        if name not in PLANNING_TABLES:
            assert len(getattr(known, name)) == len(frame), name
    # planning inputs: agreed visits are in the weeks after the as-of date
    assert (ds.locked_visits["date"] > t).all()


def test_a_short_history_carries_the_last_unannounced_visit_from_before_it() -> None:
    # One year of history: most tilbud approved before it had their last unannounced visit before it too.
    # A real export carries that date in facilities.last_unannounced_visit; without it they look overdue.
    short = generate_world(WorldConfig(seed=31, facilities=150, years=1, as_of=AS_OF, future_months=6))
    ds = short.dataset
    hs = pd.Timestamp(short.truth.parameters["history_start"])
    f = ds.facilities.set_index("facility_id")
    given = f["last_unannounced_visit"].dropna()
    assert len(given) > len(f) // 4
    assert (given < hs).all() and (given >= f.loc[given.index, "approved_on"]).all()
    assert (f.loc[given.index, "approved_on"] < hs).all()
    assert all(is_working_day(d.date()) for d in given)
    # only where visits.csv cannot show it: no unannounced visit of the tilbud in the file
    in_file = set(ds.visits.loc[~ds.visits["announced"], "facility_id"])
    assert not set(given.index) & in_file
    # every active tilbud approved well before the history now has a known unannounced visit; those without
    # were approved shortly before it and had none yet (the history counts from a day before their approval)
    active = ds.active_facilities(pd.Timestamp(AS_OF) - pd.Timedelta(days=1)).set_index("facility_id")
    old = active[active["approved_on"] < hs]
    unknown = old.index.difference(ds.last_unannounced().index)
    assert len(unknown) < len(old) // 10
    assert (old.loc[unknown, "approved_on"] > hs - pd.Timedelta(days=690)).all()


def test_a_long_history_gives_the_date_only_to_tilbud_without_an_unannounced_visit_in_it(world: World) -> None:
    ds = world.dataset
    given = ds.facilities.set_index("facility_id")["last_unannounced_visit"].dropna()
    assert not set(given.index) & set(ds.visits.loc[~ds.visits["announced"], "facility_id"])
    assert (given < pd.Timestamp(world.truth.parameters["history_start"])).all()


def test_facilities_look_like_denmark(world: World) -> None:
    f = world.dataset.facilities
    assert f["postcode"].str.fullmatch(r"\d{4}").all()
    assert f["lat"].between(54.5, 57.8).all() and f["lon"].between(8.0, 15.25).all()
    # Midt's tilbud lie in Region Midtjylland (postcodes 6900-8999 and 7xxx)
    midt = f[f["authority"] == "midt"]["postcode"].astype(int)
    assert midt.between(6900, 8999).all()
    assert f["name"].is_unique
    assert not f[f["ownership"] != "privat"]["name"].str.endswith("ApS").any()
    # approval dates are spread (the re-approval wave of 2014-2015 and later), none before 2014
    assert f["approved_on"].min() >= pd.Timestamp(2014, 1, 1)
    assert f["approved_on"].value_counts().max() <= max(3, len(f) // 50)
    assert (f["approved_on"] >= pd.Timestamp(AS_OF) - pd.DateOffset(years=2)).mean() > 0.04
    # boards: public tilbud never, self-governing always
    assert not f[f["ownership"].isin(["kommunal", "regional"])]["has_board"].any()
    assert f[f["ownership"] == "selvejende"]["has_board"].all()
    assert set(f[f["respite_only"]]["facility_type"]) <= {"opholdssted", "doegninstitution"}
    assert (f["leader_since"] >= f["approved_on"]).all()


def test_visits_follow_the_rules(world: World) -> None:
    ds = world.dataset
    v = ds.visits.merge(ds.facilities, on="facility_id")
    assert all(is_working_day(d.date()) for d in v["date"])
    assert (v["date"] >= v["approved_on"]).all()
    assert (v["closed_on"].isna() | (v["date"] < v["closed_on"])).all()
    inspectors = ds.inspectors.set_index("inspector_id")
    absences = ds.absences
    for row in v.itertuples():
        for i in row.inspector_ids.split(";"):
            insp = inspectors.loc[i]
            assert insp["authority"] == row.authority
            assert insp["competences"] == "all" or row.facility_type in insp["competences"].split(";")
            mine = absences[absences["inspector_id"] == i]
            assert not ((mine["start"] <= row.date) & (mine["end"] >= row.date)).any()
    assert set(ds.visits["kind"]) <= {"operational", "approval", "enhanced", "follow_up"}
    # a new tilbud's first operational visit comes within six months of its approval (the planner's rule)
    hs = pd.Timestamp(world.truth.parameters["history_start"])
    grown = ds.facilities[
        (ds.facilities["approved_on"] >= hs)
        & (ds.facilities["approved_on"] < pd.Timestamp(AS_OF) - pd.Timedelta(days=200))
        & ~(ds.facilities["closed_on"] < ds.facilities["approved_on"] + pd.Timedelta(days=200))
    ]
    later = v[v["kind"] != "approval"].groupby("facility_id")["date"].min()
    gap = (later.reindex(grown["facility_id"]) - grown.set_index("facility_id")["approved_on"]).dt.days
    assert len(grown) > 5 and gap.notna().all() and (gap <= 200).all(), gap.describe()
    # new tilbud get an approval visit on their first day in the history
    new = ds.facilities[ds.facilities["approved_on"] >= pd.Timestamp(world.truth.parameters["history_start"])]
    first = v.sort_values("date").groupby("facility_id").first()
    assert (first.loc[new["facility_id"], "kind"] == "approval").all()


def test_indicators_apply_to_the_facility(world: World) -> None:
    ds = world.dataset
    scores = ds.indicator_scores.merge(ds.visits[["visit_id", "facility_id"]], on="visit_id").merge(
        ds.facilities, on="facility_id"
    )
    assert scores["score"].between(1, 5).all()
    pairs = scores[["indicator", "facility_type", "has_board", "respite_only", "ownership"]].drop_duplicates()
    for p in pairs.itertuples():
        traits = FacilityTraits(FacilityType(p.facility_type), p.has_board, p.respite_only, Ownership(p.ownership))
        assert indicator_applies(p.indicator, traits), p
    # approval visits score every applicable indicator; other visits a themed subset
    sizes = scores.groupby("visit_id").size()
    kinds = ds.visits.set_index("visit_id")["kind"].reindex(sizes.index)
    assert sizes[kinds == "approval"].mean() > 1.5 * sizes[kinds != "approval"].mean()


def test_use_of_force_rows_are_positive_and_never_ambulant(world: World) -> None:
    uof = world.dataset.use_of_force.merge(world.dataset.facilities, on="facility_id")
    assert (uof["count"] > 0).all()
    assert not uof["facility_type"].isin([t.value for t in AMBULANT]).any()
    assert not uof.duplicated(["facility_id", "month", "kind"]).any()


def test_truth_covers_history_and_future(world: World) -> None:
    fm = world.truth.facility_months
    assert list(fm.columns) == ["facility_id", "month", "quality", "bad", *THEME_COLUMNS]
    assert fm["month"].max() == pd.Timestamp(2028, 10, 1)  # as_of month + 24
    assert fm["month"].min() == pd.Timestamp(2023, 10, 1)  # history start month
    threshold = world.truth.parameters["bad_threshold"]
    assert (fm["bad"] == (fm["quality"] < threshold)).all()
    themes = fm[list(THEME_COLUMNS)].mean(axis=1)
    assert np.allclose(themes, fm["quality"], atol=1e-3)
    assert 0.005 < fm["bad"].mean() < 0.15
    # every facility active on the as-of date has a row for each month to the end of the simulation,
    # so the backtest can visit any of them at any future date
    active = world.dataset.active_facilities(AS_OF - dt.timedelta(days=1))
    last = fm.groupby("facility_id")["month"].max()
    assert (last.reindex(active["facility_id"]) == pd.Timestamp(2028, 10, 1)).all()
    future = AS_OF + dt.timedelta(days=700)
    for fid in active["facility_id"]:
        assert world.visit_outcome(fid, future, announced=False, seed=1).indicator_scores["score"].between(1, 5).all()


def test_is_bad_and_bad_spells_agree_with_facility_months(world: World) -> None:
    truth = world.truth
    fm = truth.facility_months
    sample = fm.sample(200, random_state=1)
    for row in sample.itertuples():
        assert truth.is_bad(row.facility_id, row.month.date() + dt.timedelta(days=9)) == row.bad
    spells = truth.bad_spells()
    assert list(spells.columns) == ["facility_id", "start", "end"]
    assert (spells["start"] <= spells["end"]).all()
    months_in_spells = (
        (spells["end"].dt.year - spells["start"].dt.year) * 12 + spells["end"].dt.month - spells["start"].dt.month + 1
    ).sum()
    assert months_in_spells == int(fm["bad"].sum())
    some = spells.iloc[0]
    assert truth.is_bad(some["facility_id"], some["start"].date())
    before = (some["start"] - pd.DateOffset(months=1)).date()
    if before >= fm["month"].min().date():
        assert not truth.is_bad(some["facility_id"], before)
    with pytest.raises(NotFoundError):
        truth.is_bad("nope", AS_OF)
    with pytest.raises(InvalidArgumentError):
        truth.is_bad(some["facility_id"], dt.date(2040, 1, 1))


def test_visit_findings_match_the_observable_labels(world: World) -> None:
    ds = world.dataset
    vf = world.truth.visit_findings
    assert list(vf.columns) == ["visit_id", "facility_id", "date", "bad", "found"]
    assert set(vf["visit_id"]) == set(ds.visits["visit_id"])
    low = ds.visit_theme_values().groupby("visit_id")["value"].min()
    theme_serious = set(low[low <= 2.0].index)
    found = vf.set_index("visit_id")["found"]
    assert found[list(theme_serious)].all()
    # found without a theme <= 2: a serious sanction follows within three months (unless after as_of)
    serious = ds.sanctions[ds.sanctions["kind"].isin([k.value for k in SERIOUS_SANCTIONS])]
    for row in vf[vf["found"] & ~vf["visit_id"].isin(theme_serious)].itertuples():
        window = serious[
            (serious["facility_id"] == row.facility_id)
            & (serious["date"] >= row.date)
            & (serious["date"] <= row.date + pd.Timedelta(days=92))
        ]
        assert len(window) or row.date + pd.Timedelta(days=92) >= pd.Timestamp(AS_OF)
    # the bad flag is the truth at the visit
    for row in vf.sample(100, random_state=2).itertuples():
        assert world.truth.is_bad(row.facility_id, row.date.date()) == row.bad
    # detection: bad places are found far more often than good ones
    assert vf.loc[vf["bad"], "found"].mean() > 0.5 > 5 * vf.loc[~vf["bad"], "found"].mean()


def test_visit_outcome_is_deterministic_and_realistic(world: World) -> None:
    active = world.dataset.active_facilities(AS_OF - dt.timedelta(days=1))
    fid = str(active["facility_id"].iloc[0])
    later = AS_OF + dt.timedelta(days=600)  # in the future part of the truth
    a = world.visit_outcome(fid, later, announced=False, seed=3)
    b = world.visit_outcome(fid, later, announced=False, seed=3)
    pd.testing.assert_frame_equal(a.indicator_scores, b.indicator_scores)
    assert a.sanctions == b.sanctions and a.serious_finding == b.serious_finding
    draws = [world.visit_outcome(fid, later, announced=False, seed=s).indicator_scores for s in range(8)]
    assert any(not d.equals(draws[0]) for d in draws[1:])
    assert list(a.indicator_scores.columns) == ["indicator", "score"]
    assert a.indicator_scores["score"].between(1, 5).all()
    row = active.iloc[0]
    traits = FacilityTraits(
        FacilityType(row["facility_type"]),
        bool(row["has_board"]),
        bool(row["respite_only"]),
        Ownership(row["ownership"]),
    )
    assert all(indicator_applies(c, traits) for c in a.indicator_scores["indicator"])
    assert all(d > later - dt.timedelta(days=1) for d, _ in a.sanctions)
    with pytest.raises(NotFoundError):
        world.visit_outcome("T00000", later, announced=False, seed=1)
    with pytest.raises(InvalidArgumentError):
        world.visit_outcome(fid, AS_OF + dt.timedelta(days=3650), announced=False, seed=1)


def test_visit_outcome_sees_more_when_unannounced(world: World) -> None:
    """Over the truth's bad months, unannounced visits find more than announced ones (same model as the history)."""
    fm = world.truth.facility_months
    bad = fm[fm["bad"]].drop_duplicates("facility_id").head(25)
    assert len(bad) >= 10
    found = {True: 0, False: 0}
    for row in bad.itertuples():
        day = row.month.date() + dt.timedelta(days=14)
        for seed in range(12):
            for announced in (True, False):
                found[announced] += world.visit_outcome(row.facility_id, day, announced, seed).serious_finding
    assert found[False] > found[True] * 1.3
    good = fm[fm["quality"] > 4.3].drop_duplicates("facility_id").head(25)
    false_alarms = sum(
        world.visit_outcome(r.facility_id, r.month.date(), False, s).serious_finding
        for r in good.itertuples()
        for s in range(4)
    )
    assert false_alarms <= 5


def test_serious_finding_is_a_serious_sanction_or_a_low_theme(world: World) -> None:
    from data.quality_model import themes_from_rows

    fm = world.truth.facility_months
    rows = fm[fm["quality"] < 3.6].head(40)
    seen = 0
    for row in rows.itertuples():
        out = world.visit_outcome(row.facility_id, row.month.date(), False, 0)
        themes = themes_from_rows(zip(out.indicator_scores["indicator"], out.indicator_scores["score"], strict=True))
        expected = any(k in {s.value for s in SERIOUS_SANCTIONS} for _, k in out.sanctions) or any(
            v <= 2 for v in themes.values()
        )
        assert out.serious_finding == expected
        seen += out.serious_finding
    assert seen > 0


def test_load_truth_gives_the_same_truth(world: World, written: Path) -> None:
    loaded = load_truth(written)
    pd.testing.assert_frame_equal(
        loaded.facility_months[["facility_id", "month", "bad"]],
        world.truth.facility_months[["facility_id", "month", "bad"]],
    )
    assert np.allclose(loaded.facility_months["quality"], world.truth.facility_months["quality"], atol=1e-4)
    pd.testing.assert_frame_equal(loaded.visit_findings, world.truth.visit_findings, check_dtype=False)
    assert loaded.parameters == world.truth.parameters
    fid = str(world.truth.facility_months["facility_id"].iloc[0])
    day = AS_OF + dt.timedelta(days=100)
    a, b = loaded.visit_outcome(fid, day, True, 5), world.visit_outcome(fid, day, True, 5)
    pd.testing.assert_frame_equal(a.indicator_scores, b.indicator_scores)
    assert a.sanctions == b.sanctions
    with pytest.raises(NotFoundError):
        load_truth(written / "data")


def test_parameters_record_the_documented_choices(world: World) -> None:
    p = world.truth.parameters
    offsets = p["authority_offsets"]
    assert p["harshest_authority"] == "oest"
    assert min(offsets.values()) == offsets["oest"] < -0.2 < min(v for k, v in offsets.items() if k != "oest")
    assert 0 < p["ownership_effect_non_public"] <= 0.1
    assert p["detection"]["unannounced"] > p["detection"]["announced"]
    assert max(p["reporting_culture_adult"].values()) >= 3.0


@pytest.mark.parametrize(
    "config",
    [
        WorldConfig(facilities=5),
        WorldConfig(years=0),
        WorldConfig(seed=-1),
        WorldConfig(future_months=-1),
    ],
)
def test_invalid_config_is_refused(config: WorldConfig) -> None:
    with pytest.raises(InvalidArgumentError):
        generate_world(config)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    facilities=st.integers(20, 60),
    years=st.integers(1, 3),
    day=st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)),
)
def test_any_small_world_keeps_its_invariants(seed: int, facilities: int, years: int, day: dt.date) -> None:
    w = generate_world(WorldConfig(seed=seed, facilities=facilities, years=years, as_of=day, future_months=6))
    ds = w.dataset
    t = pd.Timestamp(day)
    assert abs(len(ds.active_facilities(t - pd.Timedelta(days=1))) - facilities) <= max(2, facilities // 10)
    assert (ds.visits["date"] < t).all() and (ds.sanctions["date"] < t).all()
    assert all(is_working_day(d.date()) for d in ds.visits["date"])
    assert ds.visits["visit_id"].is_unique and ds.facilities["facility_id"].is_unique
    assert set(ds.visits["facility_id"]) <= set(ds.facilities["facility_id"])
    assert set(ds.indicator_scores["visit_id"]) <= set(ds.visits["visit_id"])
    ids = {i for s in ds.visits["inspector_ids"] for i in s.split(";")}
    assert ids <= set(ds.inspectors["inspector_id"])
