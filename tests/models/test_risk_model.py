"""The risk model: scikit-learn contract, no leakage, monotone in the known directions, SHAP additivity,
cold start, and what it stores."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import models.risk_model as risk_model
from data.dataset import Dataset
from data.glossary import HYPERPARAMETER_DA, format_date_da, format_number_da
from data.settings import Settings
from data.synthetic import WorldConfig, generate_world
from models.engine import BoosterParams, fit_calibrator
from models.evaluation import auc, precision_at
from models.explain import additivity_gap
from models.features import FEATURE_NAMES, THEME_FEATURES
from models.risk_model import RiskModel, leaf_size, rank_and_tier, tier_sizes
from tests.models.conftest import AS_OF
from tests.models.future import perturb_future


def test_estimator_contract(fitted: RiskModel) -> None:
    params = fitted.get_params()
    assert params["n_estimators"] == 60 and params["random_state"] == 0
    fresh = clone(fitted)
    assert not hasattr(fresh, "as_of_")
    assert not fitted.cold_start_
    assert fitted.feature_names_ == list(FEATURE_NAMES)
    assert "ownership" not in fitted.engine_.feature_names and "authority" not in fitted.engine_.feature_names
    s = Settings(risk_horizon_months=3, seed=9)
    assert RiskModel.from_settings(s).get_params()["horizon_months"] == 3
    assert RiskModel.from_settings(s).random_state == 9


def test_fit_returns_self_and_refuses_bad_hyperparameters(world: tuple[Dataset, pd.DataFrame]) -> None:
    from data.errors import InvalidArgumentError

    ds, _ = world
    with pytest.raises(InvalidArgumentError, match="platt"):
        RiskModel(calibration="sigmoid").fit(ds, AS_OF)
    small = ds.with_tables(facilities=ds.facilities.head(30))
    model = RiskModel(n_estimators=5, min_positive_labels=10**6, snapshot_step_months=6)
    assert model.fit(small, AS_OF) is model


def test_scores_every_facility_with_probabilities(world: tuple[Dataset, pd.DataFrame], fitted: RiskModel) -> None:
    ds, _ = world
    out = fitted.predict_proba(ds, AS_OF)
    active = ds.known_at(AS_OF).facilities
    assert set(out["facility_id"]) == set(active.loc[active["closed_on"].isna(), "facility_id"])
    assert out["risk"].between(0, 1).all()
    assert list(out.columns) == ["facility_id", "risk", "margin"]


def test_card_is_json_and_reports_time_ordered_validation(fitted: RiskModel) -> None:
    card = fitted.card()
    json.dumps(card)
    names = [p["name"] for p in card["periods"]]
    assert names == ["A", "B", "C"]
    assert card["periods"][0]["end"] < card["periods"][1]["start"] < card["periods"][2]["start"]
    assert set(card["metrics"]) == {"model", "random", "latest_theme_mean", "expert"}
    assert card["authority_offsets"]["offsets"]["syd"] < -0.2  # the simulation's harsh authority
    assert card["training_window"] == ["2021-01-01", "2026-01-01"]
    assert len(card["reliability"]) == 10


def test_shap_adds_up_for_every_facility(world: tuple[Dataset, pd.DataFrame], fitted: RiskModel) -> None:
    ds, _ = world
    s = fitted.score(ds, AS_OF)
    assert s.contributions is not None
    assert additivity_gap(s.contributions, s.base_value, s.margin.to_numpy()) < 1e-6
    assert list(s.contributions.columns) == list(FEATURE_NAMES)


def test_explaining_one_facility_gives_the_same_factors_as_explaining_all(
    world: tuple[Dataset, pd.DataFrame], fitted: RiskModel
) -> None:
    ds, _ = world
    full = fitted.score(ds, AS_OF)
    fid = str(full.risk.idxmax())
    one = fitted.score(ds, AS_OF, explain_only=[fid])
    assert one.contributions is not None and list(one.contributions.index) == [fid]
    pd.testing.assert_series_equal(one.risk, full.risk)
    assert one.base_value == pytest.approx(full.base_value)
    assert one.factors(fid) == full.factors(fid)
    assert one.top_factors(fid, 3) == full.top_factors(fid, 3)


def test_no_leakage_in_fit_or_score(world: tuple[Dataset, pd.DataFrame], fitted: RiskModel) -> None:
    ds, _ = world
    changed = perturb_future(ds, pd.Timestamp(AS_OF))
    refit = clone(fitted).fit(changed, AS_OF)
    a = fitted.predict_proba(ds, AS_OF)
    pd.testing.assert_frame_equal(a, fitted.predict_proba(changed, AS_OF))
    pd.testing.assert_frame_equal(a, refit.predict_proba(changed, AS_OF))
    assert refit.card()["metrics"] == fitted.card()["metrics"]


def _risk_of(model: RiskModel, ds: Dataset, ids: list[str]) -> pd.Series:
    out = model.predict_proba(ds, AS_OF).set_index("facility_id")["risk"]
    return out.loc[ids]


def _last_visits(ds: Dataset, ids: list[str]) -> pd.DataFrame:
    v = ds.visits[(ds.visits["date"] < pd.Timestamp(AS_OF)) & ds.visits["facility_id"].isin(ids)]
    return v.sort_values("date").groupby("facility_id").tail(1)


@pytest.fixture(scope="module")
def sample_ids(world: tuple[Dataset, pd.DataFrame], fitted: RiskModel) -> list[str]:
    ds, _ = world
    risk = fitted.predict_proba(ds, AS_OF).sort_values("risk")
    # Low, middle and high risk facilities.
    return risk["facility_id"].iloc[np.linspace(0, len(risk) - 1, 24).astype(int)].tolist()


def test_more_recent_force_never_lowers_risk(world, fitted, sample_ids) -> None:  # type: ignore[no-untyped-def]
    ds, _ = world
    before = _risk_of(fitted, ds, sample_ids)
    last = pd.Timestamp(AS_OF).to_period("M") - 1
    extra = pd.DataFrame(
        [(fid, (last - k).to_timestamp(), 4, "ekstra") for fid in sample_ids for k in range(3)],
        columns=["facility_id", "month", "count", "kind"],
    )
    more = ds.with_tables(use_of_force=pd.concat([ds.use_of_force, extra], ignore_index=True))
    after = _risk_of(fitted, more, sample_ids)
    assert (after >= before - 1e-12).all()
    assert (after > before + 1e-9).any()


def test_more_concerns_never_lower_risk(world, fitted, sample_ids) -> None:  # type: ignore[no-untyped-def]
    ds, _ = world
    before = _risk_of(fitted, ds, sample_ids)
    extra = pd.DataFrame(
        {"facility_id": sample_ids, "date": pd.Timestamp(AS_OF) - pd.Timedelta(days=20), "severity": "high"}
    )
    after = _risk_of(fitted, ds.with_tables(concerns=pd.concat([ds.concerns, extra], ignore_index=True)), sample_ids)
    assert (after >= before - 1e-12).all()


def test_more_turnover_and_sickness_never_lower_risk(world, fitted, sample_ids) -> None:  # type: ignore[no-untyped-def]
    ds, _ = world
    before = _risk_of(fitted, ds, sample_ids)
    staff = ds.staff_figures.copy()
    hit = staff["facility_id"].isin(sample_ids) & (staff["year"] == pd.Timestamp(AS_OF).year - 1)
    staff.loc[hit, "staff_turnover_pct"] *= 1.8
    staff.loc[hit, "sickness_absence_pct"] *= 1.5
    after = _risk_of(fitted, ds.with_tables(staff_figures=staff), sample_ids)
    assert (after >= before - 1e-12).all()


def test_lower_scores_never_lower_risk(world, fitted, sample_ids) -> None:  # type: ignore[no-untyped-def]
    ds, _ = world
    before = _risk_of(fitted, ds, sample_ids)
    last = set(_last_visits(ds, sample_ids)["visit_id"])
    themes = ds.theme_scores.copy()
    hit = themes["visit_id"].isin(last)
    themes.loc[hit, "score"] = (themes.loc[hit, "score"] - 1.0).clip(lower=1.0)
    after = _risk_of(fitted, ds.with_tables(theme_scores=themes), sample_ids)
    assert (after >= before - 1e-12).all()
    assert (after > before + 1e-9).any()


def test_ownership_does_not_change_scores(world: tuple[Dataset, pd.DataFrame], fitted: RiskModel) -> None:
    ds, _ = world
    fac = ds.facilities.copy()
    fac["ownership"] = np.random.default_rng(0).permutation(fac["ownership"].to_numpy())
    a = fitted.predict_proba(ds, AS_OF)
    b = fitted.predict_proba(ds.with_tables(facilities=fac), AS_OF)
    pd.testing.assert_frame_equal(a, b)


def test_cold_start_uses_the_expert_score_with_the_same_interface(world: tuple[Dataset, pd.DataFrame]) -> None:
    ds, _ = world
    model = RiskModel(min_positive_labels=10**6, snapshot_step_months=6).fit(ds, AS_OF)
    assert model.cold_start_ and model.engine_ is None
    assert "risk_min_positive_labels" in model.cold_start_reason_
    s = model.score(ds, AS_OF)
    assert s.contributions is not None
    assert additivity_gap(s.contributions, s.base_value, s.margin.to_numpy()) < 1e-9
    explained = model.explain(ds, AS_OF)
    top = explained.sort_values("risk").iloc[-1]["top_factors"]
    assert top and all(f["shap"] > 0 for f in top)
    assert set(top[0]) == {"feature", "value", "comparison", "shap", "text"}
    assert model.card()["kind"] == "expert"


def test_card_counts_the_months_that_have_labelled_snapshots(world: tuple[Dataset, pd.DataFrame]) -> None:
    # A tilsyn that exports two years of visits: its five-year window has far fewer labelled months, and
    # "1.665 mærkede øjebliksbilleder fra 55 måneder" hid why time-ordered validation had no room.
    ds, _ = world
    since = pd.Timestamp("2024-01-01")
    recent = ds.with_tables(
        visits=ds.visits[pd.to_datetime(ds.visits["date"]) >= since],
        sanctions=ds.sanctions[pd.to_datetime(ds.sanctions["date"]) >= since],
    )
    model = RiskModel(min_positive_labels=10**6, snapshot_step_months=3).fit(recent, AS_OF)
    card = model.card()
    dates = sorted(model.training_frame(recent, AS_OF)["date"].unique())
    assert card["labelled_months"] == len(dates) <= card["snapshots"]
    assert card["labelled_period"] == [pd.Timestamp(dates[0]).date().isoformat(), "2025-07-01"]
    # no snapshot before the visits begin (it had no history while the data's first visits labelled it)
    assert card["labelled_period"][0] >= "2024-01-01"
    assert min(model.snapshot_dates_) >= "2024-01-01" and card["training_window"][0] >= "2024-01-01"
    json.dumps(card)


def test_a_history_shorter_than_the_horizon_says_why_nothing_is_learnt(world: tuple[Dataset, pd.DataFrame]) -> None:
    # A tilsyn whose export holds three months of visits (or whose tilbud were all approved last month): no
    # snapshot has a whole horizon of visits after it. `train` blamed "0 alvorlige fund i træningsvinduet er
    # færre end 40" and showed a training window of no days ("2026-01-01 – 2026-01-01").
    ds, _ = world
    since = pd.Timestamp(AS_OF) - pd.DateOffset(months=3)
    recent = ds.with_tables(
        visits=ds.visits[pd.to_datetime(ds.visits["date"]) >= since],
        sanctions=ds.sanctions[pd.to_datetime(ds.sanctions["date"]) >= since],
    )
    first = pd.to_datetime(recent.visits["date"]).min().date()
    model = RiskModel().fit(recent, AS_OF)
    assert model.cold_start_ and model.training_rows_ == 0
    reason = model.cold_start_reason_
    assert "risk_min_positive_labels" not in reason
    assert reason.startswith(f"Ingen mærkede øjebliksbilleder: besøgsdataene begynder {format_date_da(first)}")
    assert "en hel horisont (6 måneder) efter det" in reason
    possible = (pd.Timestamp(first) + pd.DateOffset(months=6)).date()
    assert f"tidligst pr. {format_date_da(possible)}" in reason and reason.endswith("ekspertscoren bruges.")
    assert model.card()["training_window"] == [first.isoformat(), AS_OF.isoformat()]


def test_no_visit_in_any_horizon_says_why_nothing_is_learnt(world: tuple[Dataset, pd.DataFrame]) -> None:
    # every visit lies before the five-year window: there are snapshots, but none has a visit after it
    ds, _ = world
    old = ds.with_tables(
        visits=ds.visits[pd.to_datetime(ds.visits["date"]) < pd.Timestamp("2021-01-01")],
        sanctions=ds.sanctions.iloc[0:0],
    )
    model = RiskModel().fit(old, AS_OF)
    assert model.cold_start_ and model.training_rows_ == 0
    reason = model.cold_start_reason_
    assert reason.startswith("Ingen mærkede øjebliksbilleder: intet tilsynsbesøg eller påbud inden for horisonten")
    last = pd.to_datetime(old.visits["date"]).max().date()
    assert f"(det seneste besøg var {format_date_da(last)})" in reason
    assert "risk_min_positive_labels" not in reason and reason.endswith("ekspertscoren bruges.")


def test_explain_gives_danish_factors_for_every_facility(
    world: tuple[Dataset, pd.DataFrame], fitted: RiskModel
) -> None:
    ds, _ = world
    out = fitted.explain(ds, AS_OF)
    assert len(out) == len(fitted.predict_proba(ds, AS_OF))
    riskiest = out.sort_values("risk").iloc[-1]
    assert 1 <= len(riskiest["top_factors"]) <= 3
    assert all(f["shap"] > 0 for f in riskiest["top_factors"])
    assert len(riskiest["factors"]) == len(FEATURE_NAMES)
    json.dumps(out[["top_factors", "factors"]].to_dict(orient="records"), ensure_ascii=False)


def test_rank_and_tier() -> None:
    risk = pd.Series([0.1, 0.9, 0.5, 0.3, 0.2, 0.05, 0.6, 0.7, 0.4, 0.8], index=list("abcdefghij"))
    out = rank_and_tier(risk)
    assert out.loc["b", "rank"] == 1 and out.loc["f", "rank"] == 10
    assert out["tier"].tolist().count("høj") == 1  # ceil(10 x 10 %)
    assert out["tier"].tolist().count("forhøjet") == 2
    assert out.loc["j", "tier"] == "forhøjet" and out.loc["h", "tier"] == "forhøjet"


def test_equal_risks_share_a_tier() -> None:
    # a tiny tilsyn: a coarse model gives five of ten facilities the same risk
    risk = pd.Series([0.21, 0.21, 0.21, 0.21, 0.21, 0.05, 0.04, 0.03, 0.02, 0.01], index=list("abcdefghij"))
    out = rank_and_tier(risk)
    assert out["rank"].tolist() == list(range(1, 11))  # ranks still break ties (stable, by index)
    assert set(out.loc[list("abcde"), "tier"]) == {"høj"}
    assert out.loc["f", "tier"] == "normal"  # 6th: beyond the 30 % (3 facilities) of høj + forhøjet
    tied_second = rank_and_tier(pd.Series([0.9, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]))
    assert tied_second["tier"].tolist()[:4] == ["høj", "forhøjet", "forhøjet", "forhøjet"]
    assert set(tied_second["tier"].tolist()[4:]) == {"normal"}


def test_tier_sizes_are_the_shares_in_whole_facilities() -> None:
    assert tier_sizes(60) == {"høj": 6, "forhøjet": 12, "normal": 42}
    assert tier_sizes(8) == {"høj": 1, "forhøjet": 2, "normal": 5}  # rounded up
    tied = rank_and_tier(pd.Series([0.069] * 38 + [0.047] * 22))
    assert tied["tier"].value_counts().to_dict() == {"høj": 38, "normal": 22}  # more than its 6: said in texts


def test_equal_risks_are_ranked_by_the_margin_behind_them() -> None:
    # the bounded calibration gives every margin far below the rest the floor of 1 %: the ranking keeps
    # the model's order (the margin), not the order of the ids
    risk = pd.Series([0.01, 0.01, 0.5, 0.01], index=list("abcd"))
    margin = pd.Series([-50.0, -40.0, 0.0, -45.0], index=list("abcd"))
    out = rank_and_tier(risk, margin=margin)
    assert out["rank"].to_dict() == {"c": 1, "b": 2, "d": 3, "a": 4}


def test_booster_threads_are_bounded(world: tuple[Dataset, pd.DataFrame]) -> None:
    from data.errors import InvalidArgumentError

    assert BoosterParams().n_jobs == 1 and BoosterParams().lgb_params()["n_jobs"] == 1
    assert RiskModel().n_jobs == 1
    with pytest.raises(InvalidArgumentError, match="n_jobs=8"):
        RiskModel(n_jobs=8).fit(world[0], AS_OF)


@pytest.mark.parametrize(("seed", "uses_lightgbm"), [(1, True), (14, False)])
def test_two_years_of_history_train_on_two_periods_and_keep_the_better_of_model_and_expert(
    seed: int, uses_lightgbm: bool
) -> None:
    # Two years: 18 labelled months (none before the visits begin), too few for three purged periods (the
    # model used to fall back to the expert score whatever the data). Now LightGBM is trained on the older
    # part and scores only when it ranks the later part better than the expert score did (seed 1; seed 14 not: 0,809
    # against 0,845. Seed 2 was the example until magtanvendelser of new tilbud were compared over their own months).
    day = dt.date(2026, 1, 1)
    world = generate_world(WorldConfig(seed=seed, facilities=800, years=2, as_of=day))
    model = RiskModel(random_state=seed).fit(world.dataset, day)
    card = model.card()
    assert model.labelled_months_ == 18  # the visits begin 2024-01-01: no snapshot before (was 24)
    assert model.cold_start_ is not uses_lightgbm
    if uses_lightgbm:
        assert card["short_history"] and [p["name"] for p in card["periods"]] == ["A", "C"]
        assert card["best_iteration"] == card["hyperparameters"]["short_history_trees"] == 60
        assert card["metrics"]["model"]["auc"] > card["metrics"]["expert"]["auc"]
    else:
        assert not card["short_history"] and card["periods"] == []
        assert "rangerede den seneste periode ringere end ekspertscoren" in card["cold_start_reason"]
    risk = model.predict_proba(world.dataset, day)["risk"]
    assert risk.between(0, 1).all() and risk.nunique() > 10


def test_leaves_scale_with_the_data_and_stay_at_100_on_national_data() -> None:
    assert leaf_size(58_000, 100) == 100  # six years of national data: as tuned
    assert leaf_size(2_000, 100) == 100
    assert leaf_size(1_238, 100) == 61
    assert leaf_size(533, 100) == 26 and leaf_size(120, 100) == 10
    assert leaf_size(1_238, 25) == 25  # the hyperparameter is the largest leaf minimum


def test_a_small_tilsyn_can_get_a_learnt_model() -> None:
    # 80 tilbud and two years of visits: 776 labelled snapshots. With leaves of at least 100 rows LightGBM could
    # hardly split the ~500 rows of its training period and the expert score was always used; with leaves of 38
    # it learns, and ranks the later period better than the expert score did (0,905 against 0,835; learning the
    # severity 0,870). (The leaf size was chosen with trees learning the yes/no label. The world of seed 1, used
    # here before, was on the edge: its label trees ranked the later period 0,711 against the expert score's 0,702,
    # its severity trees worse, and after the magtanvendelser of a type nobody reports for became a typical
    # tilbud's, 0,698: in small worlds either can win, see bench/risk_quality.py --facilities 150 in the README.)
    day = dt.date(2026, 1, 1)
    world = generate_world(WorldConfig(seed=20, facilities=80, years=2, as_of=day))
    model = RiskModel(random_state=1, learn_from="label").fit(world.dataset, day)
    card = model.card()
    assert card["training_rows"] == 776
    assert card["min_child_samples_used"] == 38 and card["hyperparameters"]["min_child_samples"] == 100
    assert not model.cold_start_ and card["short_history"]
    assert card["metrics"]["model"]["auc"] > card["metrics"]["expert"]["auc"]


def test_a_model_that_learnt_nothing_says_the_history_is_too_small(
    world: tuple[Dataset, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    # c04a of the QA's data (14 months): the trees could not split (AUC exactly 0,500, one risk for all) and the
    # reason read "rangerede den seneste periode ringere end ekspertscoren", as if the model were merely weaker
    monkeypatch.setattr(risk_model, "leaf_size", lambda rows, cap: 10**6)  # no leaf can be that large
    ds, _ = world
    model = RiskModel(min_positive_labels=20, snapshot_step_months=2, random_state=0).fit(ds, AS_OF)
    assert model.cold_start_ and model.engine_ is None
    assert model.cold_start_reason_.startswith("Historikken er for lille til at lære af: LightGBM fandt ingen opdeling")
    assert "ringere" not in model.cold_start_reason_


@pytest.mark.parametrize(
    ("seed", "reason"),
    [
        # 30 tilbud, six years: three periods, but LightGBM ranked C far worse than the expert score (0,29 against
        # 0,63 with trees learning the yes/no label, 0,40 learning the severity) and was used anyway, with a calibration on C's handful of findings
        (42, "LightGBM rangerede den seneste periode ringere end ekspertscoren (AUC 0,401 mod 0,625)"),
        # C held 5 serious findings: a Platt fit on them gave every tilbud about 1 % (slope 22,689 in the QA run)
        (1, "har kun 5 alvorlige fund, for få til at kalibrere LightGBM og måle den mod ekspertscoren (mindst 10)"),
    ],
)
def test_three_periods_keep_lightgbm_only_when_it_earns_its_place(seed: int, reason: str) -> None:
    day = dt.date(2026, 1, 1)
    world = generate_world(WorldConfig(seed=seed, facilities=30, years=6, as_of=day))
    model = RiskModel(random_state=seed).fit(world.dataset, day)
    assert model.cold_start_ and model.engine_ is None
    assert reason in model.cold_start_reason_ and model.cold_start_reason_.endswith("ekspertscoren bruges.")
    card = model.card()
    assert card["kind"] == "expert" and card["cold_start_reason"] == model.cold_start_reason_
    risk = model.predict_proba(world.dataset, day)["risk"]
    assert risk.between(0.01, 0.99).all() and risk.nunique() > 5  # the expert score's spread, not one 1 % for all


def _gate(
    model_auc: float,
    expert_auc: float,
    *,
    short_history: bool,
    positives: int = 19,
    test: pd.DataFrame | None = None,
) -> str:
    """The gate's verdict on a fitted model whose later period (C) measured these AUCs (on these rows: label,
    model, expert; none, and the lead's noise is not judged)."""
    from types import SimpleNamespace

    from models.engine import EngineReport, Period

    day = pd.Timestamp(2025, 2, 1)
    names = ("A", "C") if short_history else ("A", "B", "C")
    report = EngineReport(
        periods=tuple(Period(n, day, day, 389, positives) for n in names),
        best_iteration=60,
        metrics={"model": {"auc": model_auc}, "expert": {"auc": expert_auc}},
        reliability=pd.DataFrame(),
        calibrator={},
        test_predictions=pd.DataFrame() if test is None else test,
        short_history=short_history,
    )
    model = RiskModel()
    model.engine_ = SimpleNamespace(report_=report)  # type: ignore[assignment]
    model.labelled_months_ = 30
    return model._why_the_expert_score_instead()


@pytest.mark.parametrize("short_history", [False, True])
def test_a_model_no_better_than_chance_is_not_kept_even_when_the_expert_score_ranked_worse(short_history: bool) -> None:
    # bench/alien_world.py variant c seed 1 (one small tilsyn: 150 tilbud, three years): LightGBM ranked C 0,490,
    # below a random order, and was kept because the expert score ranked C 0,398; against the world's truth it
    # ranked 0,454 and the expert score 0,717
    reason = _gate(0.490185, 0.398009, short_history=short_history)
    assert reason.startswith(
        "LightGBM rangerede den seneste periode ikke bedre end en tilfældig rækkefølge (AUC 0,490;"
    )
    assert "ekspertscoren 0,398" in reason and reason.endswith("bruges.")
    assert _gate(0.5, 0.398, short_history=short_history) != ""  # exactly chance is not better than chance
    assert _gate(0.52, 0.398, short_history=short_history) == ""  # better than both: kept, as before
    worse = _gate(0.45, 0.60, short_history=short_history)  # worse than the expert score: that reason, as before
    assert "ringere end ekspertscoren (AUC 0,450 mod 0,600)" in worse


def _held_out(rows: int, positives: int, model_signal: float, seed: int = 5) -> pd.DataFrame:
    """Rows of a later period C: the expert score and the model both read the label with noise, the model by
    ``model_signal`` more."""
    rng = np.random.default_rng(seed)
    label = np.zeros(rows, dtype=int)
    label[rng.choice(rows, positives, replace=False)] = 1
    expert = 0.6 * label + rng.normal(0, 1, rows)
    model = 0.5 * expert + (0.3 + model_signal) * label + rng.normal(0, 0.9, rows)
    return pd.DataFrame({"label": label, "model": model, "expert": expert})


@pytest.mark.parametrize("short_history", [False, True])
def test_a_lead_over_the_expert_score_within_the_noise_of_the_later_period_is_said(short_history: bool) -> None:
    # bench/alien_world.py variant b seed 1 (visits every two to three years, 3 % truly bad): LightGBM ranked C
    # 0,556 against the expert score's 0,495 on 49 findings (1,8 standard errors) and was kept without a word on
    # that noise; against the world's truth it ranked 0,496 and the expert score 0,585. Here: 40 findings among
    # 2,000 rows and a lead of 0,039 at 0,8 standard errors; the same lead on 400 findings is 2,6 of them
    from models.engine import EngineReport, Period
    from models.evaluation import auc_difference_se, score_metrics
    from models.risk_model import lead_note_da

    def lead(test: pd.DataFrame) -> dict[str, object] | None:
        day = pd.Timestamp(2025, 2, 1)
        metrics = {k: score_metrics(test["label"], test[k]) for k in ("model", "expert")}
        names = ("A", "C") if short_history else ("A", "B", "C")
        report = EngineReport(
            periods=tuple(Period(n, day, day, len(test), int(test["label"].sum())) for n in names),
            best_iteration=60,
            metrics=metrics,
            reliability=pd.DataFrame(),
            calibrator={},
            test_predictions=test,
            short_history=short_history,
        )
        return RiskModel._lead_over_expert(report)

    few, many = _held_out(2000, 40, 0.3), _held_out(2000, 400, 0.3)
    se = auc_difference_se(few["label"], few["model"], few["expert"])
    model_auc, expert_auc = auc(few["label"], few["model"]), auc(few["label"], few["expert"])
    assert 0 < model_auc - expert_auc <= 2 * se
    measured = lead(few)
    assert measured == {
        "auc": pytest.approx(model_auc - expert_auc, abs=1e-6),
        "standard_error": pytest.approx(se, abs=1e-6),
        "positives": 40,
        "within_noise": True,
    }
    card = {"cold_start": False, "lead_over_expert": measured, "metrics": {"model": {"auc": model_auc},
                                                                           "expert": {"auc": expert_auc}}}  # fmt: skip
    note = lead_note_da(card)
    assert note.startswith("LightGBM rangerer valideringsperioden bedre end ekspertscoren (AUC ")
    assert "ikke over 2 standardfejl" in note and "periodens 40 alvorlige fund) og kan være tilfældig" in note
    beyond = lead(many)
    assert beyond is not None and beyond["within_noise"] is False and beyond["auc"] > 2 * beyond["standard_error"]
    assert lead_note_da({**card, "lead_over_expert": beyond}) == ""
    assert lead_note_da({**card, "cold_start": True}) == ""  # the expert score is used: no lead to qualify
    assert lead_note_da({"cold_start": False, "metrics": card["metrics"]}) == ""  # a card from before


def test_a_model_that_out_ranks_the_expert_score_on_enough_findings_is_kept(fitted: RiskModel) -> None:
    card = fitted.card()  # 200 tilbud, six years
    assert not fitted.cold_start_ and [p["name"] for p in card["periods"]] == ["A", "B", "C"]
    assert card["periods"][2]["positives"] >= risk_model.MIN_HELD_OUT_POSITIVES
    assert card["metrics"]["model"]["auc"] > card["metrics"]["expert"]["auc"]


def test_a_model_stored_before_the_severity_still_scores_explains_and_describes_itself(
    world: tuple[Dataset, pd.DataFrame],
) -> None:
    # a home upgraded with a model pickled before learn_from / the engine's link existed: repr raised
    # AttributeError ('RiskModel' object has no attribute 'learn_from'); scoring must keep working until retrained
    import pickle

    ds, _ = world
    model = RiskModel(n_estimators=30, min_positive_labels=20, snapshot_step_months=2, learn_from="label")
    model.fit(ds, AS_OF)
    assert model.engine_ is not None and model.engine_.link_ == (1.0, 0.0)
    expected = model.score(ds, AS_OF)
    old = pickle.loads(pickle.dumps(model))
    for obj, names in ((old, ("learn_from",)), (old.engine_, ("severity_col", "link_"))):
        for name in names:
            del obj.__dict__[name]  # as pickled by the earlier code
    assert "learn_from='label'" in repr(old) and old.get_params()["learn_from"] == "label"
    again = old.score(ds, AS_OF)
    pd.testing.assert_series_equal(again.risk, expected.risk)
    assert again.contributions is not None and expected.contributions is not None
    pd.testing.assert_frame_equal(again.contributions, expected.contributions)


def _without_scores(ds: Dataset, visit_ids: set[str]) -> Dataset:
    return ds.with_tables(
        indicator_scores=ds.indicator_scores[~ds.indicator_scores["visit_id"].isin(visit_ids)],
        theme_scores=ds.theme_scores[~ds.theme_scores["visit_id"].isin(visit_ids)],
    )


def test_visits_without_scores_label_nothing_and_the_card_counts_them(world: tuple[Dataset, pd.DataFrame]) -> None:
    # A real export has visits without scores (follow-ups, old years). They counted as "visited, nothing
    # serious found"; now they label nothing, and the card says how many of the labelling visits had none.
    ds, _ = world
    dropped = set(ds.visits["visit_id"].iloc[::3])
    patchy = _without_scores(ds, dropped)
    model = RiskModel(min_positive_labels=10**6, snapshot_step_months=3).fit(ds, AS_OF)
    full = model.card()
    card = RiskModel(min_positive_labels=10**6, snapshot_step_months=3).fit(patchy, AS_OF).card()
    assert full["unscored_visits"] == 0 and full["label_visits"] > 0
    days = pd.to_datetime(ds.visits["date"])
    # the snapshots' horizons: from the first snapshot to the last one's horizon end, the as-of date
    window = (days >= pd.Timestamp(model.snapshot_dates_[0])) & (days < pd.Timestamp(AS_OF))
    assert card["label_visits"] == full["label_visits"] == int(window.sum())
    assert card["unscored_visits"] == int((window & ds.visits["visit_id"].isin(dropped)).sum()) > 0
    assert card["training_rows"] < full["training_rows"]
    json.dumps(card)


def test_visits_that_all_lack_scores_say_why_nothing_is_learnt(world: tuple[Dataset, pd.DataFrame]) -> None:
    # an export of visits without any score and without sanctions: every snapshot is unlabelled, and "intet
    # tilsynsbesøg eller påbud inden for horisonten" would be untrue
    ds, _ = world
    bare = _without_scores(ds, set(ds.visits["visit_id"])).with_tables(sanctions=ds.sanctions.iloc[0:0])
    model = RiskModel().fit(bare, AS_OF)
    assert model.cold_start_ and model.training_rows_ == 0
    visits = format_number_da(model.label_visits_, 0)
    assert model.cold_start_reason_.startswith(
        f"Ingen mærkede øjebliksbilleder: de {visits} tilsynsbesøg inden for horisonten (6 måneder) efter "
        "øjebliksbillederne fra"
    )
    assert "har ingen scorer" in model.cold_start_reason_ and model.card()["unscored_visits"] == model.label_visits_


def test_card_names_the_features_no_loaded_row_informs(world: tuple[Dataset, pd.DataFrame], fitted: RiskModel) -> None:
    """A tilsyn without staff figures, concerns or magtanvendelser: those features are the same for every tilbud,
    so their importance of 0 measures nothing; the card says which features had no data (the model card shows it)."""
    from data.dataset import empty_frame

    ds, _ = world
    assert fitted.card()["features_without_data"] == []
    without = ds.with_tables(
        staff_figures=empty_frame("staff_figures"),
        concerns=empty_frame("concerns"),
        use_of_force=empty_frame("use_of_force"),
        facilities=ds.facilities.assign(leader_since=pd.NaT),
    )
    model = RiskModel(min_positive_labels=10**6, snapshot_step_months=6).fit(without, AS_OF)
    assert model.card()["features_without_data"] == [
        "force_ratio_12m",
        "force_ratio_3m",
        "force_trend",
        "turnover_ratio",
        "sickness_ratio",
        "concerns_12m",
        "concern_severity_12m",
        "days_since_concern",
        "leader_change_12m",
    ]
    # rows dated after the training date are not known then: sanctions only from 2026 on inform nothing
    late = without.with_tables(sanctions=ds.sanctions.assign(date=pd.Timestamp("2026-06-01")))
    model = RiskModel(min_positive_labels=10**6, snapshot_step_months=6).fit(late, AS_OF)
    assert {"sanctions_5y", "days_since_sanction"} <= set(model.card()["features_without_data"])
    no_themes = ds.with_tables(
        theme_scores=empty_frame("theme_scores"), indicator_scores=empty_frame("indicator_scores")
    )
    model = RiskModel(min_positive_labels=10**6, snapshot_step_months=6).fit(no_themes, AS_OF)
    assert model.card()["features_without_data"] == ["theme_mean", "theme_min", "theme_change", *THEME_FEATURES]


def test_a_file_never_loaded_is_said_so_in_the_explanations_not_read_as_nothing_happened(
    world: tuple[Dataset, pd.DataFrame], fitted: RiskModel
) -> None:
    # bench/alien_world.py variant c (a small tilsyn without use_of_force.csv, staff_figures.csv and concerns.csv):
    # every tilbud read "Magtanvendelser: ingen de seneste 12 måneder", "Magtanvendelser uændret: 0 de seneste 3
    # måneder" and "Bekymringshenvendelser de seneste 12 måneder: 0", as if none had happened; the model card said
    # "ingen data indlæst" for the same features
    ds, _ = world
    bare = ds.with_tables(use_of_force=ds.use_of_force.iloc[0:0], concerns=ds.concerns.iloc[0:0])
    scored = fitted.score(bare, AS_OF)
    force, concerns = (
        {"force_ratio_12m", "force_ratio_3m", "force_trend"},
        {
            "concerns_12m",
            "concern_severity_12m",
            "days_since_concern",
        },
    )
    for fid in scored.features.index[:20]:
        texts = {f["feature"]: f["text"] for f in scored.factors(fid)}
        assert texts["force_ratio_12m"] == "Magtanvendelser (12 måneder): ingen data indlæst (use_of_force.csv)"
        assert texts["force_trend"] == "Udvikling i magtanvendelser: ingen data indlæst (use_of_force.csv)"
        assert texts["concerns_12m"] == "Bekymringshenvendelser: ingen data indlæst (concerns.csv)"
        assert (
            texts["days_since_concern"] == "Tid siden seneste bekymringshenvendelse: ingen data indlæst (concerns.csv)"
        )
        assert not any(f["feature"] in force | concerns for f in scored.top_factors(fid, 10))
    assert scored.without_data == force | concerns
    # the stored run's path (every tilbud's reasons at once) names none of them either
    assert all(f["feature"] not in force | concerns for fs in scored.all_top_factors(10) for f in fs)
    # loaded, nothing changes: the tilbud's own counts are said
    full = fitted.score(ds, AS_OF)
    assert full.without_data == frozenset()
    said = " ".join(f["text"] for fid in full.features.index[:20] for f in full.factors(fid))
    assert "ingen data indlæst" not in said and "Bekymringshenvendelser de seneste 12 måneder: " in said


def test_a_lead_within_the_noise_blends_lightgbm_with_the_expert_score(
    world: tuple[Dataset, pd.DataFrame], fitted: RiskModel
) -> None:
    # bench/alien_world.py: in the 4 of 15 worlds where LightGBM was kept on a lead of 0,1-1,8 standard errors it
    # ranked the truth 0,08-0,16 below the expert score (mean 0,542 against 0,659); blended 0,7/0,3 it ranks 0,599,
    # and synthetic Denmark's small worlds gain too (bench/blend_scratch.py, docs/risk-model.md). This model's lead
    # is 0,008 at 0,7 standard errors.
    import copy

    from models.engine import bound_probability, sigmoid
    from models.risk_model import EXPERT_BLEND_WEIGHT, lead_note_da

    ds, _ = world
    lead, blend = fitted.lead_over_expert_, fitted.blend_
    assert lead is not None and lead["within_noise"] and blend is not None
    assert blend["weight"] == EXPERT_BLEND_WEIGHT == 0.7
    assert fitted.engine_ is not None
    s = fitted.score(ds, AS_OF)
    cal, w = fitted.engine_.calibrator_, blend["weight"]
    lightgbm = cal.a * fitted.engine_.predict_margin(s.features) + cal.b  # LightGBM's calibrated log-odds
    expert = fitted.expert_.margin(s.features)  # -3 + 0,4 x points
    log_odds = w * lightgbm + (1 - w) * expert + blend["shift"]
    np.testing.assert_allclose(s.margin.to_numpy(), log_odds, atol=1e-9)
    np.testing.assert_allclose(s.risk.to_numpy(), bound_probability(sigmoid(log_odds)), atol=1e-12)
    # one list of contributions in the blend's log-odds: LightGBM's SHAP and the expert score's points, both against
    # the average tilbud, weighted as the risk is
    assert s.contributions is not None
    shap_values, _ = fitted.engine_.contributions(s.features)
    points, _ = fitted.expert_.contributions(s.features)
    expected = w * cal.a * shap_values + (1 - w) * (points - points.mean(axis=0))
    np.testing.assert_allclose(s.contributions.to_numpy(), expected.to_numpy(), atol=1e-9)
    assert additivity_gap(s.contributions, s.base_value, s.margin.to_numpy()) < 1e-6
    # shifted on C: the blend's mean risk there is C's share of serious findings
    test = fitted.engine_.report_.test_predictions
    z = w * risk_model._log_odds(test["model"].to_numpy()) + (1 - w) * test["expert"].to_numpy()
    assert float(sigmoid(z + blend["shift"]).mean()) == pytest.approx(float(test["label"].mean()), abs=1e-6)
    assert float(sigmoid(z).mean()) != pytest.approx(float(test["label"].mean()), abs=0.005)  # it needed the shift
    assert blend["auc"] == pytest.approx(auc(test["label"], z), abs=1e-6)
    assert blend["precision_top10"] == pytest.approx(precision_at(test["label"], z), abs=1e-6)
    card = fitted.card()
    assert card["blend"] == blend
    note = lead_note_da(card)
    assert "Risikoen blander derfor de to: 70 % LightGBM og 30 % ekspertscoren" in note
    assert "Den gemte model bruges" not in note
    # a weight of 1, or a model stored before the blend, scores with LightGBM alone
    alone = RiskModel(**{**fitted.get_params(), "expert_blend_weight": 1.0}).fit(ds, AS_OF)
    assert alone.blend_ is None and alone.card()["blend"] is None
    assert alone.engine_ is not None
    margin = alone.engine_.predict_margin(s.features)
    np.testing.assert_allclose(alone.score(ds, AS_OF).risk.to_numpy(), alone.engine_.calibrator_(margin))
    assert "Den gemte model bruges" in lead_note_da(alone.card())
    before = copy.deepcopy(fitted)
    del before.blend_, before.expert_blend_weight
    np.testing.assert_allclose(before.score(ds, AS_OF, explain=False).risk.to_numpy(), alone.score(ds, AS_OF).risk)
    with pytest.raises(risk_model.InvalidArgumentError, match="expert_blend_weight=0"):
        RiskModel(expert_blend_weight=0).fit(ds, AS_OF)


def test_a_lead_beyond_the_noise_or_isotonic_calibration_is_not_blended(fitted: RiskModel) -> None:
    # synthetic Denmark's 2,000-tilbud worlds lead by 3,0-6,5 standard errors and are scored by LightGBM alone; an
    # isotonic calibration's log-odds are not linear in the margin, so a blend's explanations would not add up
    import copy

    assert fitted.engine_ is not None and fitted.lead_over_expert_ is not None
    report = fitted.engine_.report_
    beyond = copy.deepcopy(fitted)
    beyond.lead_over_expert_ = {**fitted.lead_over_expert_, "within_noise": False}
    assert beyond._blend_with_expert(report) is None
    isotonic = copy.deepcopy(fitted)
    assert isotonic.engine_ is not None
    isotonic.engine_.calibrator_ = fit_calibrator(np.arange(4.0), np.array([0, 1, 0, 1]), "isotonic")
    assert isotonic._blend_with_expert(report) is None
    assert fitted._blend_with_expert(report) == fitted.blend_


def test_every_hyperparameter_has_a_danish_name_on_the_model_card() -> None:
    """The model card names each hyperparameter in Danish; ``expert_blend_weight`` was shown by its code name."""
    assert set(RiskModel().get_params()) - set(HYPERPARAMETER_DA) == set()
