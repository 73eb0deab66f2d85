"""Features as of a date: hand-computed values on the shared factory, and no leakage from the future."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.dataset import Dataset
from models.calibration import AuthorityOffsets
from models.features import FEATURE_NAMES, FEATURES, ThemeHistory, compute_features
from tests.factories import AS_OF, small_dataset
from tests.models.future import perturb_future


@pytest.fixture(scope="module")
def feats() -> pd.DataFrame:
    return compute_features(small_dataset(), AS_OF, AuthorityOffsets()).set_index("facility_id")


def test_ownership_and_authority_are_not_model_inputs() -> None:
    assert "ownership" not in FEATURE_NAMES
    assert "authority" not in FEATURE_NAMES
    assert not any("owner" in n or "authorit" in n for n in FEATURE_NAMES)


def test_monotone_directions_are_the_known_ones() -> None:
    spec = {f.name: f.monotone for f in FEATURES}
    assert spec["theme_min"] == spec["theme_mean"] == spec["theme_change"] == -1
    assert spec["theme_health_wellbeing"] == -1
    assert spec["force_ratio_12m"] == spec["force_ratio_3m"] == spec["force_trend"] == 1
    assert spec["turnover_ratio"] == spec["sickness_ratio"] == 1
    assert spec["concerns_12m"] == spec["concern_severity_12m"] == 1
    assert spec["days_since_concern"] == -1
    assert spec["sanctions_5y"] == 1
    assert spec["days_since_visit"] == spec["days_since_unannounced"] == 1


def test_theme_features_of_f1(feats: pd.DataFrame) -> None:
    f1 = feats.loc["F1"]
    # V2 (2025-04-08): health 1.75, organisation 1.0; V1 (2024-03-12): 3.5 and 2.0.
    assert f1["theme_health_wellbeing"] == 1.75
    assert f1["theme_organisation_management"] == 1.0
    assert f1["theme_mean"] == pytest.approx(1.375)
    assert f1["theme_min"] == 1.0
    assert f1["theme_change"] == pytest.approx(((1.75 - 3.5) + (1.0 - 2.0)) / 2)
    assert math.isnan(f1["theme_education_employment"])
    assert feats.loc["F2", "theme_mean"] == pytest.approx((5 + 4 + 5) / 3)
    assert math.isnan(feats.loc["F2", "theme_change"])  # one scored visit only
    assert math.isnan(feats.loc["F6", "theme_mean"])  # never visited


def test_authority_offset_is_subtracted() -> None:
    f = compute_features(small_dataset(), AS_OF, AuthorityOffsets({"midt": -0.5})).set_index("facility_id")
    assert f.loc["F1", "theme_mean"] == pytest.approx(1.375 + 0.5)
    assert f.loc["F1", "theme_mean_raw"] == pytest.approx(1.375)
    assert f.loc["F4", "theme_mean"] == pytest.approx(3.5)  # nord: no offset


def test_visit_timing(feats: pd.DataFrame) -> None:
    as_of = pd.Timestamp(AS_OF)
    assert feats.loc["F1", "days_since_visit"] == (as_of - pd.Timestamp("2025-04-08")).days
    assert feats.loc["F1", "days_since_unannounced"] == (as_of - pd.Timestamp("2024-03-12")).days
    # F3 never had an unannounced visit: counted from approval (2012-01-10).
    assert feats.loc["F3", "days_since_unannounced"] == (as_of - pd.Timestamp("2012-01-10")).days
    assert feats.loc["F6", "days_since_visit"] == (as_of - pd.Timestamp("2026-05-01")).days


def test_force_counts_windows_and_ratios(feats: pd.DataFrame) -> None:
    # As of 2026-10-01 the last complete month is September; F2 reported 3 in June and 5 in July.
    f2 = feats.loc["F2"]
    assert f2["force_12m"] == 8 and f2["force_3m"] == 5
    assert f2["force_per_place_12m"] == pytest.approx(8 / 8)
    # F2 is the only opholdssted: its expected count is its own, so the 12-month ratio is 1.
    assert f2["force_ratio_12m"] == pytest.approx(1.0)
    assert f2["force_ratio_3m"] == pytest.approx((5 + 1) / (8 / 4 + 1))
    assert f2["force_trend"] == pytest.approx((5 + 0.5) / (8 / 4 + 0.5))
    # none observed, none expected (nobody of F4's type, ambulant treatment, reports): as typical as the tilbud
    # with an expectation, their median ratio
    assert feats.loc["F4", "force_expected_per_place"] == 0
    expects = feats[feats["force_expected_per_place"] > 0]
    assert feats.loc["F4", "force_ratio_12m"] == pytest.approx(expects["force_ratio_12m"].median())


def test_force_ratio_divides_out_reporting_culture() -> None:
    """Midt reports twice as much as Nord for the same types: the ratios stay near 1 in both."""
    fac = pd.DataFrame(
        {
            "facility_id": ["N1", "N2", "M1", "M2"],
            "name": "x",
            "authority": ["nord", "nord", "midt", "midt"],
            "municipality": "x",
            "postcode": "8000",
            "facility_type": ["sel108", "opholdssted", "sel108", "opholdssted"],
            "ownership": "kommunal",
            "places": 10,
            "approved_on": pd.Timestamp("2015-01-01"),
        }
    )
    months = pd.date_range("2025-10-01", "2026-09-01", freq="MS")
    per_month = {"N1": 10, "N2": 20, "M1": 20, "M2": 40}
    uof = pd.DataFrame(
        [(fid, m, c) for fid, c in per_month.items() for m in months], columns=["facility_id", "month", "count"]
    )
    ds = Dataset.from_frames({"facilities": fac, "use_of_force": uof})
    f = compute_features(ds, AS_OF, AuthorityOffsets()).set_index("facility_id")
    # Without the prior, culture(midt) / culture(nord) = 2 and every ratio is exactly 1; the prior of
    # 10 events on 360 / 720 observed shrinks it a little.
    assert f.loc["M1", "force_culture"] / f.loc["N1", "force_culture"] == pytest.approx(2.0, rel=0.02)
    assert np.allclose(f["force_ratio_12m"], 1.0, atol=0.02)
    # The raw rate per place still shows the difference (it is what explanations print).
    assert f.loc["M1", "force_per_place_12m"] == 2 * f.loc["N1", "force_per_place_12m"]


def _three_sel108(last_id: str, last_approved: str) -> pd.DataFrame:
    """Two old § 108 botilbud of ten places in Syd and ``last_id``, approved on ``last_approved``."""
    return pd.DataFrame(
        {
            "facility_id": ["OLD1", "OLD2", last_id],
            "name": "x",
            "authority": "syd",
            "municipality": "x",
            "postcode": "6000",
            "facility_type": "sel108",
            "ownership": "kommunal",
            "places": 10,
            "approved_on": [pd.Timestamp("2015-01-01"), pd.Timestamp("2016-01-01"), pd.Timestamp(last_approved)],
        }
    )


def test_a_tilbud_approved_within_the_year_is_compared_over_the_months_it_reported() -> None:
    """A foreign world's new tilbud (approved two months before the as-of date) reporting as often per place and
    month as its peers read 0,2 x the expected over 12 months and "rising" (trend 4): its two months' count was
    set against twelve months of expectation, and against a quarter of a year it had not been there for."""
    fac = _three_sel108("NEW", "2026-07-20")
    months = pd.date_range("2025-10-01", "2026-09-01", freq="MS")  # AS_OF 2026-10-01: October-September
    uof = pd.DataFrame(
        [(fid, m, 3) for fid in ("OLD1", "OLD2") for m in months]
        + [("NEW", m, 3) for m in months if m >= pd.Timestamp("2026-07-01")],
        columns=["facility_id", "month", "count"],
    )
    ds = Dataset.from_frames({"facilities": fac, "use_of_force": uof})
    f = compute_features(ds, AS_OF, AuthorityOffsets()).set_index("facility_id")
    assert f.loc["NEW", "force_months_12m"] == 3  # July (its approval month), August, September
    assert f.loc["NEW", "force_ratio_12m"] == pytest.approx(1.0)  # was (9 + 1) / (36 + 1) = 0,27
    assert f.loc["NEW", "force_ratio_3m"] == pytest.approx(1.0)
    assert f.loc["NEW", "force_trend"] == pytest.approx(1.0)  # was (9 + 0,5) / (9 / 4 + 0,5) = 3,5
    assert f.loc["OLD1", "force_ratio_12m"] == pytest.approx(1.0)
    assert f.loc["OLD1", "force_trend"] == pytest.approx(1.0)


def test_a_re_approved_tilbud_counts_only_the_months_since_its_approval() -> None:
    """A real export keeps records from before a re-approval (a tilbud closed and approved again, the same id).
    The expectation covers the months since the approval only, so the count must too: REOPEN, approved again
    in August 2026 after reporting 5 a month before, read "14 pr. plads ... 37,6 x det forventede" and "15
    siden godkendelsen" with months it was not approved in."""
    fac = _three_sel108("REOPEN", "2026-08-10")
    months = pd.date_range("2025-10-01", "2026-09-01", freq="MS")  # AS_OF 2026-10-01: October-September
    uof = pd.DataFrame(
        [(fid, m, 3) for fid in ("OLD1", "OLD2") for m in months]
        + [("REOPEN", m, 5 if m < pd.Timestamp("2026-08-01") else 3) for m in months],
        columns=["facility_id", "month", "count"],
    )
    ds = Dataset.from_frames({"facilities": fac, "use_of_force": uof})
    f = compute_features(ds, AS_OF, AuthorityOffsets()).set_index("facility_id")
    reopen = f.loc["REOPEN"]
    assert reopen["force_months_12m"] == 2  # August (its approval month) and September
    assert reopen["force_12m"] == 6 and reopen["force_3m"] == 6  # not 56 and 11
    assert reopen["force_per_place_12m"] == pytest.approx(0.6)
    assert reopen["force_ratio_12m"] == pytest.approx(1.0)
    assert reopen["force_trend"] == pytest.approx(1.0)
    assert f.loc["OLD1", "force_ratio_12m"] == pytest.approx(1.0)  # the others' expectation is theirs alone


def test_one_outlier_does_not_become_its_tilsyns_reporting_culture() -> None:
    """c06 of the QA's hand-built data: one Nord tilbud reported 500 a month; its counts became Nord's
    "culture" (and its type's rate), and every other Nord tilbud read 0,0-0,5 x the expected."""
    rows = []
    for auth in ("nord", "midt", "syd"):
        for i in range(8):
            for ftype in ("sel107", "sel108"):
                rows.append((f"{auth[0].upper()}{ftype[-1]}{i}", auth, ftype))
    fac = pd.DataFrame(rows, columns=["facility_id", "authority", "facility_type"]).assign(
        name="x", municipality="x", postcode="8000", ownership="kommunal", places=4,
        approved_on=pd.Timestamp("2015-01-01"),
    )  # fmt: skip
    # in the year before AS_OF every tilbud reports one use of force in each of three months; the outlier
    # (Nord, § 107) 500 in each month
    months = pd.date_range("2025-10-01", "2026-09-01", freq="MS")[::4]
    uof = pd.DataFrame(
        [(fid, m, 500 if fid == "N70" else 1) for fid in fac["facility_id"] for m in months],
        columns=["facility_id", "month", "count"],
    )
    ds = Dataset.from_frames({"facilities": fac, "use_of_force": uof})
    f = compute_features(ds, AS_OF, AuthorityOffsets()).set_index("facility_id")
    others = f.drop(index="N70")
    # every other tilbud reports the same: each reads about as expected, Nord's too (was 0,0-0,1 x)
    assert others["force_ratio_12m"].between(0.75, 1.25).all()
    assert others.loc[others["authority"] == "nord", "force_culture"].max() < 1.25
    assert f.loc["N70", "force_ratio_12m"] > 100  # the outlier itself still stands out, with its full count


def test_staff_relative_to_same_type_median() -> None:
    ds = small_dataset()
    extra_fac = ds.facilities.iloc[[0]].assign(facility_id="F7", name="Bo 7")
    staff = pd.concat(
        [ds.staff_figures, pd.DataFrame([("F7", 2025, 15.0, 3.0)], columns=list(ds.staff_figures.columns))]
    )
    ds = ds.with_tables(facilities=pd.concat([ds.facilities, extra_fac]), staff_figures=staff)
    f = compute_features(ds, AS_OF, AuthorityOffsets()).set_index("facility_id")
    # sel108 in 2025: F1 31 % and F7 15 % -> median 23; sickness 9 and 3 -> median 6.
    assert f.loc["F1", "turnover_median"] == 23.0
    assert f.loc["F1", "turnover_ratio"] == pytest.approx(31 / 23)
    assert f.loc["F7", "sickness_ratio"] == pytest.approx(3 / 6)
    assert f.loc["F1", "staff_year"] == 2025
    assert math.isnan(f.loc["F3", "turnover_ratio"])


def test_staff_figures_no_facility_has_count_as_the_type_median_not_as_missing() -> None:
    # A tilsyn that collected staff figures only in 2021-22 (or began in 2023): on the dates without any
    # figure a missing ratio only told the model when the snapshot was taken, and "no figures" became
    # every tilbud's first reason on the risk list.
    ds = small_dataset()
    old = ds.with_tables(staff_figures=ds.staff_figures.assign(year=ds.staff_figures["year"] - 4))
    f = compute_features(old, AS_OF, AuthorityOffsets()).set_index("facility_id")
    assert (f["turnover_ratio"] == 1.0).all() and (f["sickness_ratio"] == 1.0).all()
    assert f["turnover_pct"].isna().all() and f["sickness_pct"].isna().all()  # the sentence still says none
    # Only sickness absence is never reported: turnover keeps its ratios and its missing values.
    no_sickness = ds.with_tables(staff_figures=ds.staff_figures.assign(sickness_absence_pct=np.nan))
    f = compute_features(no_sickness, AS_OF, AuthorityOffsets()).set_index("facility_id")
    assert (f["sickness_ratio"] == 1.0).all()
    assert f.loc["F1", "turnover_ratio"] == pytest.approx(1.0)  # 31 % against the median of F1 alone
    assert math.isnan(f.loc["F3", "turnover_ratio"])  # F3 has no figure while F1 and F2 have


def test_staff_figures_a_socialtilsyn_never_collected_count_as_the_type_median() -> None:
    # A clean-room world where Syd reported no staff figures at all while the other four did: Syd's tilbud read
    # "missing", and the learnt model made "Sygefravær: ingen nøgletal" a reason that LOWERED their risk, a
    # statement about where they are, not about them. In small_dataset only midt (F1, F2) has figures.
    f = compute_features(small_dataset(), AS_OF, AuthorityOffsets()).set_index("facility_id")
    for fid in ("F4", "F5", "F6"):  # nord: no figure for any of its tilbud
        assert f.loc[fid, "turnover_ratio"] == 1.0 and f.loc[fid, "sickness_ratio"] == 1.0
        assert math.isnan(f.loc[fid, "turnover_pct"])
    assert math.isnan(f.loc["F3", "turnover_ratio"])  # midt collected them; F3 has none: missing, as before
    assert f.loc["F1", "turnover_ratio"] == pytest.approx(1.0)  # 31 % against the median of F1 alone


def test_concerns_and_sanctions(feats: pd.DataFrame) -> None:
    f1 = feats.loc["F1"]
    assert f1["concerns_12m"] == 1 and f1["concern_severity_12m"] == 3  # one "high"
    assert f1["days_since_concern"] == (pd.Timestamp(AS_OF) - pd.Timestamp("2026-02-03")).days
    assert f1["sanctions_5y"] == 1
    assert f1["days_since_sanction"] == (pd.Timestamp(AS_OF) - pd.Timestamp("2025-04-20")).days
    assert feats.loc["F2", "days_since_concern"] == 3650  # never
    assert feats.loc["F2", "sanctions_5y"] == 0


def test_population_and_static_features(feats: pd.DataFrame) -> None:
    assert sorted(feats.index) == ["F1", "F2", "F3", "F4", "F5", "F6"]
    assert feats.loc["F6", "approval_age_years"] == pytest.approx(153 / 365.25)
    assert feats.loc["F4", "places"] == 40
    assert feats.loc["F2", "facility_type"] == "opholdssted"
    ds = small_dataset()
    closed = ds.facilities.assign(closed_on=pd.NaT)
    closed.loc[closed["facility_id"] == "F3", "closed_on"] = pd.Timestamp("2026-01-01")
    f = compute_features(ds.with_tables(facilities=closed), AS_OF, AuthorityOffsets())
    assert "F3" not in set(f["facility_id"])


def test_leader_change_in_the_last_year() -> None:
    ds = small_dataset()
    fac = ds.facilities.copy()
    fac.loc[fac["facility_id"] == "F2", "leader_since"] = pd.Timestamp("2026-04-01")  # a change
    fac.loc[fac["facility_id"] == "F3", "leader_since"] = pd.Timestamp("2024-04-01")  # too long ago
    fac.loc[fac["facility_id"] == "F6", "leader_since"] = pd.Timestamp("2026-05-01")  # founded the place
    fac.loc[fac["facility_id"] == "F4", "leader_since"] = pd.Timestamp("2026-11-01")  # after as-of: unknown
    f = compute_features(ds.with_tables(facilities=fac), AS_OF, AuthorityOffsets()).set_index("facility_id")
    assert f["leader_change_12m"].to_dict() == {"F1": 0.0, "F2": 1.0, "F3": 0.0, "F4": 0.0, "F5": 0.0, "F6": 0.0}


@pytest.mark.parametrize("as_of", ["2025-01-01", "2025-06-17", "2026-03-01"])
def test_features_ignore_everything_on_or_after_as_of(world: tuple[Dataset, pd.DataFrame], as_of: str) -> None:
    ds, _ = world
    t = pd.Timestamp(as_of)
    offsets = AuthorityOffsets({"syd": -0.4, "midt": 0.1})
    before = compute_features(ds, t, offsets)
    after = compute_features(perturb_future(ds, t), t, offsets)
    pd.testing.assert_frame_equal(before, after)
    # ... while the perturbation does change features computed later.
    later = t + pd.DateOffset(months=13)
    assert not compute_features(ds, later, offsets).equals(compute_features(perturb_future(ds, t), later, offsets))


def test_precomputed_theme_values_give_the_same_features(world: tuple[Dataset, pd.DataFrame]) -> None:
    ds, _ = world
    tv = ds.visit_theme_values()
    for as_of in ("2023-05-01", "2025-11-15"):
        a = compute_features(ds, as_of, AuthorityOffsets({"syd": -0.3}))
        b = compute_features(ds, as_of, AuthorityOffsets({"syd": -0.3}), theme_values=tv)
        pd.testing.assert_frame_equal(a, b)


def test_a_prepared_theme_history_gives_the_same_features_at_every_date(world: tuple[Dataset, pd.DataFrame]) -> None:
    # training computes features at ~60 monthly snapshots from one ThemeHistory (calibrated, sorted and grouped
    # once); each must equal the features computed from scratch on the dataset as of that date
    ds, _ = world
    offsets = AuthorityOffsets({"syd": -0.3, "midt": 0.2})
    history = ThemeHistory.prepare(ds.visit_theme_values(), ds.facilities, offsets)
    for as_of in ("2022-01-01", "2023-05-01", "2025-11-15"):
        expected = compute_features(ds, as_of, offsets)
        assert expected["theme_change"].notna().any() and expected["theme_min"].notna().any()
        pd.testing.assert_frame_equal(compute_features(ds, as_of, offsets, theme_values=history), expected)
    with pytest.raises(ValueError, match="other authority offsets"):
        compute_features(ds, "2025-11-15", AuthorityOffsets(), theme_values=history)


def test_a_corrected_concern_counts_once(tmp_path: Path) -> None:
    """A report sent with its id and then corrected (another severity, another day) is one stored row: the features
    count it once, with the corrected severity and date."""
    from data.importer import read_upload
    from data.settings import Settings
    from data.store import StoredTables, load_dataset, open_database, save_upload
    from tests.fixtures.uploads import write_csv_folder

    engine = open_database(Settings(home=tmp_path / "home"))
    save_upload(engine, read_upload(write_csv_folder(small_dataset(), tmp_path / "base"), today=AS_OF), "base")
    before = compute_features(load_dataset(engine), AS_OF, AuthorityOffsets()).set_index("facility_id")
    for n, row in enumerate(("F3,2026-09-01,low,HV-1", "F3,2026-09-01,low,HV-1", "F3,2026-09-10,high,HV-1")):
        folder = tmp_path / str(n)
        folder.mkdir()
        (folder / "concerns.csv").write_text(f"facility_id,date,severity,concern_id\n{row}\n")
        save_upload(engine, read_upload(folder, today=AS_OF, existing=StoredTables(engine)), str(n))
    f = compute_features(load_dataset(engine), AS_OF, AuthorityOffsets()).set_index("facility_id")
    assert before.loc["F3", "concerns_12m"] == 0
    assert f.loc["F3", "concerns_12m"] == 1
    assert f.loc["F3", "concern_severity_12m"] == 3  # high, not low + high
    assert f.loc["F3", "days_since_concern"] == (AS_OF - dt.date(2026, 9, 10)).days
    engine.dispose()


def test_a_visit_without_scores_counts_as_a_visit_and_keeps_the_last_scored_themes() -> None:
    # A follow-up without scores: someone looked (days since the last visit restart), but it says nothing about
    # the themes, which keep the values of the last visit that scored them.
    ds = small_dataset()
    follow_up = pd.DataFrame(
        [("V9", "F2", "2025-05-05", False, "operational", "I2")],
        columns=["visit_id", "facility_id", "date", "announced", "kind", "inspector_ids"],
    )
    with_it = ds.with_tables(
        visits=pd.concat([ds.visits.assign(date=ds.visits["date"].dt.strftime("%Y-%m-%d")), follow_up])
    )
    day = pd.Timestamp("2025-06-01")
    before = compute_features(ds, day, AuthorityOffsets()).set_index("facility_id").loc["F2"]
    after = compute_features(with_it, day, AuthorityOffsets()).set_index("facility_id").loc["F2"]
    assert after["days_since_visit"] == (day - pd.Timestamp("2025-05-05")).days
    assert before["days_since_visit"] == (day - pd.Timestamp("2025-01-20")).days
    themes = ["theme_mean", "theme_min", "theme_change", *(n for n in FEATURE_NAMES if n.startswith("theme_"))]
    pd.testing.assert_series_equal(after[themes], before[themes])


def _force_world(counts: dict[str, int], approved: dict[str, str] | None = None) -> Dataset:
    """Four § 108 tilbud and two krisecentre (10 places each) with ``counts`` magtanvendelser a month for the 12
    months before AS_OF; ``approved``: approval dates other than 2015."""
    ids = ["B1", "B2", "B3", "B4", "K1", "K2"]
    fac = pd.DataFrame(
        {
            "facility_id": ids,
            "name": "x",
            "authority": "midt",
            "municipality": "x",
            "postcode": "8000",
            "facility_type": ["sel108"] * 4 + ["sel109"] * 2,
            "ownership": "kommunal",
            "places": 10,
            "approved_on": [pd.Timestamp((approved or {}).get(fid, "2015-01-01")) for fid in ids],
        }
    )
    months = pd.date_range("2025-10-01", "2026-09-01", freq="MS")
    uof = pd.DataFrame(
        [(fid, m, c) for fid, c in counts.items() if c for m in months], columns=["facility_id", "month", "count"]
    )
    return Dataset.from_frames({"facilities": fac, "use_of_force": uof})


def test_no_force_where_nothing_is_expected_reads_as_a_typical_tilbud() -> None:
    """Krisecentre where nobody reports any: 0 observed of 0 expected is the median ratio of the tilbud with an
    expectation, not (0 + 1) / (0 + 1) = 1, which lay above most reporting tilbud (the counts are over-dispersed)
    and so read as more force than usual to the monotone model: "Magtanvendelser: 0,00 pr. plads" raised the risk."""
    f = compute_features(_force_world({"B1": 0, "B2": 1, "B3": 2, "B4": 6}), AS_OF, AuthorityOffsets())
    f = f.set_index("facility_id")
    assert (f.loc[["K1", "K2"], "force_expected_per_place"] == 0).all()
    reporting = f.loc[["B1", "B2", "B3", "B4"]]
    for window in ("12m", "3m"):
        column = f"force_ratio_{window}"
        typical = reporting[column].median()
        assert (reporting[column] < 1).sum() == 3  # 1 lay above three of the four
        assert f.loc["K1", column] == f.loc["K2", column] == pytest.approx(typical)
        assert f.loc["K1", column] < 1
    assert f.loc["K1", "force_trend"] == 1.0  # 0 against 0: unchanged, as B1's 0 against 0


def test_a_use_in_a_type_that_reports_little_is_compared_with_the_type() -> None:
    # one krisecenter reports 1 a month: the type now has an expectation, the reporter lies above it and the
    # other krisecenter (none of a small expectation) below 1, as a reporting type's tilbud with none
    f = compute_features(_force_world({"B2": 1, "B3": 2, "B4": 6, "K2": 1}), AS_OF, AuthorityOffsets())
    f = f.set_index("facility_id")
    assert f.loc["K1", "force_expected_per_place"] > 0
    assert f.loc["K2", "force_ratio_12m"] > 1 > f.loc["K1", "force_ratio_12m"]
    assert f.loc["K1", "force_ratio_12m"] == pytest.approx(1 / (f.loc["K1", "force_expected_per_place"] * 10 + 1))


def test_no_force_of_a_tilbud_approved_this_month_reads_as_a_typical_tilbud() -> None:
    # approved in the as-of month: no month to count, 0 expected, 0 observed; same as a type nobody reports for
    as_of = dt.date(2026, 10, 15)
    ds = _force_world({"B2": 1, "B3": 2, "B4": 6}, approved={"B1": "2026-10-05"})
    f = compute_features(ds, as_of, AuthorityOffsets()).set_index("facility_id")
    assert f.loc["B1", "force_months_12m"] == 0
    assert f.loc["B1", "force_ratio_12m"] == pytest.approx(f.loc[["B2", "B3", "B4"], "force_ratio_12m"].median())
