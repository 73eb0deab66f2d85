"""The generic engine: time-ordered periods with purging, monotone constraints, calibration, SHAP additivity."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from data.glossary import format_percent_da
from models.engine import (
    PROBABILITY_CEILING,
    PROBABILITY_FLOOR,
    BoosterParams,
    FeatureSpec,
    RiskEngine,
    fit_calibrator,
    time_periods,
)

SPECS = (
    FeatureSpec("up", 1),
    FeatureSpec("down", -1),
    FeatureSpec("free"),
    FeatureSpec("kind", categorical=True),
)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    dates = pd.date_range("2020-01-01", periods=36, freq="MS")
    n = 250
    rows = []
    for d in dates:
        up, down, free = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
        kind = rng.choice(["a", "b", "c"], n)
        logit = -2.2 + 1.2 * up - 0.8 * down + 0.3 * np.sin(free * 2) + np.where(kind == "c", 0.8, 0.0)
        label = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
        rows.append(pd.DataFrame({"entity": np.arange(n), "date": d, "up": up, "down": down, "free": free,
                                  "kind": kind, "label": label, "naive": up}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def engine(frame: pd.DataFrame) -> RiskEngine:
    params = BoosterParams(n_estimators=80, min_child_samples=40, random_state=3)
    return RiskEngine(SPECS, label_window=pd.DateOffset(months=3), params=params).fit(frame, baselines=["naive"])


def test_periods_are_in_time_order_and_purged(engine: RiskEngine) -> None:
    a, b, c = engine.report_.periods
    window = pd.DateOffset(months=3)
    assert a.end + window <= b.start
    assert b.end + window <= c.start
    assert c.end == pd.Timestamp("2022-12-01")
    assert a.rows > b.rows > 0 and c.rows > 0


def test_a_history_too_short_for_the_label_window_is_refused_clearly(frame: pd.DataFrame) -> None:
    short = frame[frame["date"] < pd.Timestamp("2020-07-01")]  # six months: every B row's window crosses C
    engine = RiskEngine(SPECS, label_window=pd.DateOffset(months=3), params=BoosterParams(n_estimators=10))
    with pytest.raises(ValueError, match="history is too short"):
        engine.fit(short)


def test_a_short_history_is_fitted_on_two_purged_periods_when_allowed(frame: pd.DataFrame) -> None:
    short = frame[frame["date"] < pd.Timestamp("2020-07-01")]  # too short for A, B and C
    window = pd.DateOffset(months=3)
    params = BoosterParams(n_estimators=80, min_child_samples=40, random_state=3)
    engine = RiskEngine(SPECS, label_window=window, params=params, short_history_trees=25).fit(short, ["naive"])
    report = engine.report_
    assert report.short_history and report.best_iteration == 25
    a, c = report.periods
    assert (a.name, c.name) == ("A", "C")
    assert a.end + window <= c.start and c.end == pd.Timestamp("2020-06-01")  # purged, C the latest dates
    assert report.metrics["model"]["rows"] == c.rows
    assert report.metrics["model"]["auc"] > report.metrics["naive"]["auc"] > 0.5
    assert engine.booster_.num_trees() == 25  # the production booster: every row, the same trees
    # the calibrator was fitted on C with A's booster: its probabilities rank as the margin does
    margin = engine.predict_margin(short)
    proba = engine.predict_proba(short)
    assert np.all(np.diff(proba[np.argsort(margin)]) >= -1e-12)
    # three periods when the history allows them, whatever the setting
    full = RiskEngine(SPECS, label_window=window, params=params, short_history_trees=25).fit(frame)
    assert not full.report_.short_history and len(full.report_.periods) == 3


def test_time_periods_split_distinct_dates() -> None:
    dates = pd.Series(pd.date_range("2020-01-01", periods=10, freq="MS").repeat(3))
    b, c = time_periods(dates, (0.6, 0.2, 0.2))
    assert (b, c) == (pd.Timestamp("2020-07-01"), pd.Timestamp("2020-09-01"))
    with pytest.raises(ValueError, match="3 distinct dates"):
        time_periods(pd.Series(pd.to_datetime(["2020-01-01", "2020-02-01"])))


def test_metrics_against_a_baseline_on_the_held_out_period(engine: RiskEngine, frame: pd.DataFrame) -> None:
    m = engine.report_.metrics
    assert set(m) == {"model", "naive"}
    assert m["model"]["rows"] == m["naive"]["rows"] == engine.report_.periods[2].rows
    assert m["model"]["auc"] > 0.75
    assert m["model"]["auc"] > m["naive"]["auc"]  # it also uses down and kind


def test_monotone_constraints_hold(engine: RiskEngine, frame: pd.DataFrame) -> None:
    rows = frame.sample(200, random_state=1).reset_index(drop=True)
    base = engine.predict_margin(rows)
    for step in (0.25, 1.0, 3.0):
        assert np.all(engine.predict_margin(rows.assign(up=rows["up"] + step)) >= base - 1e-12)
        assert np.all(engine.predict_margin(rows.assign(down=rows["down"] - step)) >= base - 1e-12)


def test_shap_adds_up_to_the_margin(engine: RiskEngine, frame: pd.DataFrame) -> None:
    rows = frame.tail(500)
    contrib, base = engine.contributions(rows)
    assert list(contrib.columns) == ["up", "down", "free", "kind"]
    assert np.allclose(base + contrib.sum(axis=1).to_numpy(), engine.predict_margin(rows), atol=1e-6)


def test_contributions_are_lightgbms_tree_shap_from_one_kept_explainer(engine: RiskEngine, frame: pd.DataFrame) -> None:
    """The SHAP values are LightGBM's own Tree SHAP (``pred_contrib``), bit for bit, and the booster's
    ``shap.TreeExplainer`` is built once: each Tilbudsprofil built it again (0.15 s of CPU parsing every tree)."""
    from models import engine as engine_module

    rows = frame.tail(300)
    contrib, base = engine.contributions(rows)
    phi = engine.booster_.predict(engine.matrix(rows), num_iteration=-1, pred_contrib=True)
    a, b = engine.link_
    assert np.array_equal(contrib.to_numpy(), a * phi[:, :-1])
    assert base == a * float(phi[0, -1]) + b
    explainer = engine_module._EXPLAINERS[engine.booster_]
    one, one_base = engine.contributions(rows.tail(1))  # one facility, as a Tilbudsprofil asks
    assert engine_module._EXPLAINERS[engine.booster_] is explainer
    assert np.array_equal(one.to_numpy(), contrib.tail(1).to_numpy()) and one_base == base
    engine_module._EXPLAINERS.pop(engine.booster_)
    engine.prepare_explanations()  # tilsynsplan serve's warm-up: built before the first explanation asks
    assert engine.booster_ in engine_module._EXPLAINERS


def test_probabilities_are_calibrated_and_reproducible(engine: RiskEngine, frame: pd.DataFrame) -> None:
    test = engine.report_.test_predictions
    assert abs(test["model"].mean() - test["label"].mean()) < 0.03
    p = engine.predict_proba(frame.tail(300))
    assert np.all((p > 0) & (p < 1))
    again = RiskEngine(SPECS, label_window=pd.DateOffset(months=3), params=engine.params).fit(frame)
    assert np.array_equal(again.predict_proba(frame.tail(300)), p)


def test_isotonic_and_identity_calibrators() -> None:
    margin = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0])
    label = np.array([0, 0, 0, 1, 1, 1])
    iso = fit_calibrator(margin, label, "isotonic")
    assert iso.method == "isotonic"
    assert iso(np.array([-5.0, 5.0])).tolist() == [PROBABILITY_FLOOR, PROBABILITY_CEILING]
    ident = fit_calibrator(margin, np.zeros(6, dtype=int))
    assert ident.method == "identity"
    assert ident(np.array([0.0]))[0] == pytest.approx(0.5)
    platt = fit_calibrator(margin, label)
    assert platt.a > 0 and platt(np.array([3.0]))[0] > platt(np.array([-2.0]))[0]


def test_a_steep_fit_on_cleanly_separated_classes_never_gives_0_or_100_percent() -> None:
    # hand-built data whose classes the margin separates: the Platt slope is steep, and a risk list read
    # "100,0 %" and "0,0 %" (plan reasons "risiko 0 %"), a certainty no few hundred labels support
    margin = np.linspace(-3.0, 3.0, 200)
    platt = fit_calibrator(margin, (margin > 0).astype(int))
    assert platt.a > 5
    p = platt(np.array([-40.0, -3.0, 3.0, 40.0]))
    assert p.min() == pytest.approx(PROBABILITY_FLOOR) and p.max() == pytest.approx(PROBABILITY_CEILING)
    assert PROBABILITY_FLOOR == 0.01 and PROBABILITY_CEILING == 0.99
    shown = {format_percent_da(v, d) for v in p for d in (0, 1)}
    assert shown == {"1 %", "1,0 %", "99 %", "99,0 %"}
    # a linear map, not a clip: every distinction the calibrator makes is kept
    near = platt(np.linspace(-0.3, 0.3, 13))
    assert np.all(np.diff(near) > 0)


def test_bad_specs_are_refused() -> None:
    with pytest.raises(ValueError, match="monotone"):
        FeatureSpec("x", 2)
    with pytest.raises(ValueError, match="categorical"):
        FeatureSpec("x", 1, categorical=True)
    with pytest.raises(ValueError, match="duplicate"):
        RiskEngine([FeatureSpec("x"), FeatureSpec("x")])


def _graded_frame(seed: int, months: int = 36, n: int = 100) -> pd.DataFrame:
    """A graded outcome (``severity``) of which the 0/1 label is the rare top (about 3 % of rows)."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in pd.date_range("2020-01-01", periods=months, freq="MS"):
        up, down, free = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
        kind = rng.choice(["a", "b", "c"], n)
        severity = 0.8 * up - 0.6 * down + 0.2 * free + rng.normal(scale=0.7, size=n)
        label = (severity > 2.3).astype(int)
        rows.append(pd.DataFrame({"date": d, "up": up, "down": down, "free": free, "kind": kind,
                                  "label": label, "severity": severity}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def test_trees_may_learn_a_graded_target_and_the_label_still_calibrates() -> None:
    from models.evaluation import auc

    train, fresh = _graded_frame(11), _graded_frame(12)
    params = BoosterParams(n_estimators=80, min_child_samples=40, random_state=3)
    graded = RiskEngine(SPECS, label_window=pd.DateOffset(months=3), params=params, severity_col="severity")
    graded.fit(train)
    plain = RiskEngine(SPECS, label_window=pd.DateOffset(months=3), params=params).fit(train)
    assert graded.booster_.params["objective"] == "regression" and plain.booster_.params["objective"] == "binary"
    assert plain.link_ == (1.0, 0.0) and graded.link_[0] > 0  # the regression output put on a log-odds scale
    # the graded target carries what the rare 0/1 label throws away: it ranks fresh rows' labels better (by 0.014
    # here; by 0.013 and 0.012 with the seeds 21/22 and 31/32)
    y = fresh["label"].to_numpy()
    assert auc(y, graded.predict_proba(fresh)) > auc(y, plain.predict_proba(fresh)) + 0.005
    # margins are log-odds: the calibrator fitted on them is close to the identity, and SHAP adds up to them
    assert graded.calibrator_.a == pytest.approx(1.0, abs=0.05) and abs(graded.calibrator_.b) < 0.1
    contributions, base = graded.contributions(fresh.head(50))
    np.testing.assert_allclose(base + contributions.sum(axis=1), graded.predict_margin(fresh.head(50)), atol=1e-6)
    np.testing.assert_allclose(graded.predict_proba(fresh), graded.calibrator_(graded.predict_margin(fresh)))
    # calibrated on the label: the mean predicted probability is close to the later rows' rate
    assert graded.predict_proba(fresh).mean() == pytest.approx(y.mean(), abs=0.02)


def test_a_severity_missing_on_a_row_is_refused() -> None:
    frame = _graded_frame(13, months=24, n=60)
    frame.loc[5, "severity"] = np.nan
    engine = RiskEngine(SPECS, params=BoosterParams(n_estimators=5), severity_col="severity")
    with pytest.raises(ValueError, match="severity column 'severity' must be a number on every row"):
        engine.fit(frame)


def test_a_clamped_or_one_class_calibration_is_a_developer_detail_not_a_warning_in_english(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`tilsynsplan train` on small or odd data printed "Platt slope … clamped" (English, WARNING) to the user. A
    leader learns what matters from the model card in Danish (the expert score is used when the model ranks the
    calibration period worse); the clamp itself is logged for developers at DEBUG."""
    margin = np.linspace(-2.0, 2.0, 40)
    falling = (margin < 0).astype(int)  # a higher margin, fewer findings: the Platt slope is negative
    with caplog.at_level(logging.DEBUG, logger="models.engine"):
        clamped = fit_calibrator(margin, falling)
        identity = fit_calibrator(margin, np.zeros(40, dtype=int))
    assert clamped.method == "platt" and clamped.a == pytest.approx(1e-3)
    assert identity.method == "identity"
    assert [r.levelno for r in caplog.records if r.name == "models.engine"] == [logging.DEBUG, logging.DEBUG]
