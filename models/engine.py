"""A generic risk engine: rows of (entity, date, label, features) -> LightGBM -> calibrated probabilities.

Nothing here knows about socialtilsyn. The socialtilsyn model (:mod:`models.risk_model`) and the
Chicago benchmark both build a frame with a date column, a 0/1 label column and feature columns, and
describe each feature with a :class:`FeatureSpec` (its monotone direction, whether it is categorical).

Honest validation, in time order (never shuffled). The distinct dates are split into three
consecutive periods ``A`` (oldest, ``fractions[0]`` of the dates), ``B`` and ``C`` (newest):

1. *evaluation*: a booster is trained on ``A`` with early stopping on ``B`` (log loss); a Platt
   (or isotonic) calibrator is fitted on its margins on ``B``; metrics and the reliability table are
   measured on ``C``, which neither saw. These are the figures reported.
2. *production*: a booster with the number of trees found in step 1 is trained on ``A`` + ``B`` and
   calibrated on ``C`` — "probability calibration on a later fold". It is this model that scores.

When a row's label depends on events after its date (a horizon: ``label_window``), rows whose label
window reaches into the next period are purged from the earlier one, so no outcome is seen on both
sides of a boundary.

*A short history* (too few dates for three purged periods, e.g. two years of data with a six-month
horizon) is fitted on two periods when ``short_history_trees`` is set: a booster with that many trees
(no early stopping: there is no period to stop on) is trained on ``A``, calibrated on the later ``C``
and measured there. AUC and precision on ``C`` are honest (the calibrator is monotone, so the ranking
is the booster's, which never saw ``C``); the reliability table is not (``C`` also fitted the
calibrator), and the report says ``short_history``. The booster that scores is retrained on every
row with the same number of trees and keeps that calibrator (no later period is left to fit one on;
with the same trees and learning rate its margins are on the scale the calibrator was fitted to).

*A graded target* (``severity_col``): the trees may learn a graded outcome instead of the 0/1 label
(a regression on that column, higher = worse, early stopping on its squared error), when the label is a
line drawn through something graded (the socialtilsyn label: a theme value <= 2). The label still
decides everything else: the calibrator maps the booster's output to the probability of a 1, and the
metrics and reliability are the label's. The regression output is not on a log-odds scale, so each
booster's output is put on one: ``margin = a x output + b`` with the Platt fit of the output on the
calibration period's labels (:attr:`RiskEngine.link_`). Margins and SHAP contributions are then log-odds
for either target, and ``base + sum(contributions) == margin`` still holds.

Calibration: Platt scaling (a logistic regression on the raw margin) by default. It is monotone, so
the ranking is the booster's, and with two parameters it is stable on the few hundred positives a
calibration fold holds; isotonic regression is offered for large data, but it turns the ranking
into steps (ties) and overfits small folds.

Every calibrated probability is bounded to [:data:`PROBABILITY_FLOOR`, :data:`PROBABILITY_CEILING`]
(1 % and 99 %) by :func:`bound_probability`, ``p = 1 % + 98 % x calibrated``. A fold whose classes the
margin separates cleanly gives a steep Platt fit, and a probability of exactly 0 or 1 (0,0 % or 100,0 %
on a risk list) that no few hundred labels can support. The map is linear, not a clip: it keeps every
distinction the calibrator makes (a clip would tie everything below 1 %) and moves no probability by
more than one percentage point; with the floor at 1 % every output shows at least "1 %", whether it
prints a whole percent (plan reasons) or one decimal.
"""

from __future__ import annotations

import logging
import warnings
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from models.evaluation import reliability_table, score_metrics

log = logging.getLogger(__name__)

CalibrationMethod = Literal["platt", "isotonic"]

#: The bounds of every calibrated probability (see the module docstring).
PROBABILITY_FLOOR = 0.01
PROBABILITY_CEILING = 0.99


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, written with tanh so that a large margin does not overflow ``exp``."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def bound_probability(p: np.ndarray) -> np.ndarray:
    """A probability 0-1 mapped linearly into [PROBABILITY_FLOOR, PROBABILITY_CEILING] (order kept)."""
    return PROBABILITY_FLOOR + (PROBABILITY_CEILING - PROBABILITY_FLOOR) * np.asarray(p, dtype=float)


@dataclass(frozen=True)
class FeatureSpec:
    """One model input. ``monotone``: +1 a higher value never lowers the risk, -1 never raises it, 0 free."""

    name: str
    monotone: int = 0
    categorical: bool = False

    def __post_init__(self) -> None:
        if self.monotone not in (-1, 0, 1):
            raise ValueError(f"monotone for {self.name} must be -1, 0 or 1, not {self.monotone}")
        if self.categorical and self.monotone:
            raise ValueError(f"categorical feature {self.name} cannot be monotone")


@dataclass(frozen=True)
class BoosterParams:
    """LightGBM hyperparameters (bounded and reproducible: ``n_jobs`` threads, ``random_state``).

    ``n_jobs`` defaults to 1: LightGBM's OpenMP threads spin-wait, and when the two cores are shared
    (``pytest -n 2``, the web server, another fit) two threads were measured 15-30 x slower per tree
    than one (0.4-0.6 s against 0.02 s on 58,000 rows). Two is allowed on a machine of one's own.
    """

    n_estimators: int = 400
    learning_rate: float = 0.05
    num_leaves: int = 15
    min_child_samples: int = 100
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    reg_lambda: float = 1.0
    early_stopping_rounds: int = 40
    n_jobs: int = 1
    random_state: int = 42

    def lgb_params(self) -> dict[str, Any]:
        return {
            "objective": "binary",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
            "subsample": self.subsample,
            "subsample_freq": 1,
            "colsample_bytree": self.colsample_bytree,
            "reg_lambda": self.reg_lambda,
            "n_jobs": self.n_jobs,
            "random_state": self.random_state,
            "deterministic": True,
            "force_row_wise": True,
            "verbose": -1,
        }


@dataclass(frozen=True)
class Calibrator:
    """Maps a raw margin to a probability. Platt: ``sigmoid(a * margin + b)``; isotonic: a step function;
    either bounded to 1-99 % (:func:`bound_probability`)."""

    method: str  # "platt", "isotonic" or "identity"
    a: float = 1.0
    b: float = 0.0
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    def __call__(self, margin: np.ndarray) -> np.ndarray:
        m = np.asarray(margin, dtype=float)
        if self.method == "isotonic":
            return bound_probability(np.interp(m, np.asarray(self.x), np.asarray(self.y)))
        return bound_probability(sigmoid(self.a * m + self.b))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method}
        if self.method == "isotonic":
            out["points"] = len(self.x)
        else:
            out["a"] = round(self.a, 6)
            out["b"] = round(self.b, 6)
        return out


def fit_calibrator(margin: np.ndarray, label: np.ndarray, method: CalibrationMethod = "platt") -> Calibrator:
    """A calibrator fitted on margins and 0/1 labels of a later period (identity when one class only)."""
    y = np.asarray(label, dtype=int)
    m = np.asarray(margin, dtype=float)
    if len(np.unique(y)) < 2:
        # a developer's detail: the model card tells a leader in Danish when the expert score is used instead
        log.debug("calibration fold has one class only (%d rows): probabilities are sigmoid(margin)", len(y))
        return Calibrator("identity")
    if method == "isotonic":
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(m, y)
        return Calibrator("isotonic", x=tuple(map(float, iso.X_thresholds_)), y=tuple(map(float, iso.y_thresholds_)))
    lr = LogisticRegression(C=1e4).fit(m.reshape(-1, 1), y)
    a = float(lr.coef_[0, 0])
    b = float(lr.intercept_[0])
    if a <= 0:
        # The margin does not rank the later period at all; keep the booster's order, use the base rate.
        # A developer's detail, not a warning to the user (`tilsynsplan train` printed it, in English): a margin that
        # does not rank the calibration fold as a rule loses to the expert score there, which the model card says
        # in Danish.
        log.debug("Platt slope %.3f <= 0 on the calibration fold; clamped to keep the ranking", a)
        a = 1e-3
        rate = float(np.clip(y.mean(), 1e-4, 1 - 1e-4))
        b = float(np.log(rate / (1 - rate)) - a * m.mean())
    return Calibrator("platt", a=a, b=b)


def _linked(output: np.ndarray, link: tuple[float, float]) -> np.ndarray:
    return link[0] * np.asarray(output, dtype=float) + link[1]


@dataclass(frozen=True)
class Period:
    """One time-ordered fold: the dates it covers and what it holds."""

    name: str
    start: pd.Timestamp
    end: pd.Timestamp  # inclusive: the last date in it
    rows: int
    positives: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "start": self.start.date().isoformat(),
            "end": self.end.date().isoformat(),
            "rows": self.rows,
            "positives": self.positives,
        }


@dataclass(frozen=True)
class EngineReport:
    """What the time-ordered validation measured (on period C, which the evaluated model never saw)."""

    periods: tuple[Period, ...]
    best_iteration: int
    metrics: dict[str, dict[str, float]]  # score name ("model", baselines...) -> metric -> value
    reliability: pd.DataFrame  # bin, n, mean_predicted, observed_rate
    calibrator: dict[str, Any]
    test_predictions: pd.DataFrame = field(repr=False)  # the C rows: date, label, model, baselines...
    short_history: bool = False  # two periods (A, C): a fixed number of trees, calibrated and measured on C


def time_periods(dates: pd.Series, fractions: Sequence[float] = (0.6, 0.2, 0.2)) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first dates of periods B and C, splitting the *distinct* dates by ``fractions``."""
    distinct = np.sort(pd.to_datetime(dates).unique())
    if len(distinct) < 3:
        raise ValueError(f"time-ordered validation needs at least 3 distinct dates, got {len(distinct)}")
    total = float(sum(fractions))
    n = len(distinct)
    i_b = min(max(1, round(n * fractions[0] / total)), n - 2)
    i_c = min(max(i_b + 1, round(n * (fractions[0] + fractions[1]) / total)), n - 1)
    return pd.Timestamp(distinct[i_b]), pd.Timestamp(distinct[i_c])


#: One ``shap.TreeExplainer`` per booster, for as long as the booster lives (:meth:`RiskEngine.contributions`).
_EXPLAINERS: weakref.WeakKeyDictionary[lgb.Booster, Any] = weakref.WeakKeyDictionary()


def _tree_explainer(booster: lgb.Booster) -> Any:
    """The booster's ``shap.TreeExplainer``, built once (shap is imported here, lazily: it is slow to import and
    only explanations need it)."""
    explainer = _EXPLAINERS.get(booster)
    if explainer is None:
        import shap

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "LightGBM binary classifier with TreeExplainer ..."
            explainer = _EXPLAINERS[booster] = shap.TreeExplainer(booster)
    return explainer


class RiskEngine:
    """LightGBM with monotone constraints, time-ordered validation and calibration on a later period.

    ``fit(frame)`` needs ``date_col``, ``label_col`` (0/1) and every feature's column; extra columns
    named in ``baselines`` (higher = riskier) are evaluated on the same held-out rows as the model.
    """

    #: An engine stored before the graded target existed learnt the 0/1 label, with no link.
    severity_col: str | None = None
    link_: tuple[float, float] = (1.0, 0.0)

    def __init__(
        self,
        features: Sequence[FeatureSpec],
        *,
        date_col: str = "date",
        label_col: str = "label",
        label_window: pd.DateOffset | None = None,
        params: BoosterParams | None = None,
        calibration: CalibrationMethod = "platt",
        fractions: Sequence[float] = (0.6, 0.2, 0.2),
        short_history_trees: int | None = None,
        severity_col: str | None = None,
    ) -> None:
        names = [f.name for f in features]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate feature names in {names}")
        if calibration not in ("platt", "isotonic"):
            raise ValueError(f"calibration must be 'platt' or 'isotonic', not {calibration!r}")
        self.features = tuple(features)
        self.date_col = date_col
        self.label_col = label_col
        self.label_window = label_window
        self.params = params or BoosterParams()
        self.calibration = calibration
        self.fractions = tuple(fractions)
        if short_history_trees is not None and short_history_trees < 1:
            raise ValueError(f"short_history_trees must be at least 1, not {short_history_trees}")
        self.short_history_trees = short_history_trees
        self.severity_col = severity_col

    # --- inputs ---------------------------------------------------------------------------------
    @property
    def feature_names(self) -> list[str]:
        return [f.name for f in self.features]

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The feature columns as LightGBM sees them (categoricals with the categories seen at fit)."""
        missing = [n for n in self.feature_names if n not in frame.columns]
        if missing:
            raise KeyError(f"frame lacks feature columns {missing}")
        out = pd.DataFrame(index=frame.index)
        cats: Mapping[str, list[str]] = getattr(self, "categories_", {})
        for f in self.features:
            col = frame[f.name]
            if f.categorical:
                values = col.astype(object).where(col.notna(), None)
                known = cats.get(f.name)
                if known is None:
                    known = sorted({str(v) for v in values if v is not None})
                out[f.name] = pd.Categorical(values.map(lambda v: None if v is None else str(v)), categories=known)
            else:
                out[f.name] = pd.to_numeric(col, errors="coerce").astype("float64")
        return out

    def _target(self, frame: pd.DataFrame) -> np.ndarray:
        """What the trees learn: the 0/1 label, or the graded ``severity_col``."""
        if self.severity_col is None:
            return frame[self.label_col].to_numpy(int)
        return frame[self.severity_col].to_numpy(float)

    def _train(self, frame: pd.DataFrame, n_estimators: int, valid: pd.DataFrame | None) -> lgb.Booster:
        params = self.params.lgb_params()
        if self.severity_col is not None:
            params["objective"] = "regression"
        params["monotone_constraints"] = [f.monotone for f in self.features]
        params["monotone_constraints_method"] = "intermediate"
        cat = [f.name for f in self.features if f.categorical]
        train_set = lgb.Dataset(self.matrix(frame), label=self._target(frame), categorical_feature=cat or "auto")
        callbacks: list[Any] = []
        valid_sets: list[lgb.Dataset] = []
        if valid is not None and len(valid):
            valid_sets.append(
                lgb.Dataset(
                    self.matrix(valid),
                    label=self._target(valid),
                    categorical_feature=cat or "auto",
                    reference=train_set,
                )
            )
            params["metric"] = "binary_logloss" if self.severity_col is None else "l2"
            callbacks.append(lgb.early_stopping(self.params.early_stopping_rounds, verbose=False))
        return lgb.train(params, train_set, num_boost_round=n_estimators, valid_sets=valid_sets, callbacks=callbacks)

    def _purge(self, frame: pd.DataFrame, boundary: pd.Timestamp) -> pd.DataFrame:
        """Rows dated before ``boundary`` whose label window ends by it."""
        dates = frame[self.date_col]
        keep = dates < boundary
        if self.label_window is not None:
            keep &= (dates + self.label_window) <= boundary
        return frame[keep]

    # --- fit ------------------------------------------------------------------------------------
    def fit(self, frame: pd.DataFrame, baselines: Sequence[str] = ()) -> RiskEngine:
        data = frame.sort_values(self.date_col, kind="stable").reset_index(drop=True)
        data[self.date_col] = pd.to_datetime(data[self.date_col])
        y_all = data[self.label_col].to_numpy(int)
        if not set(np.unique(y_all)) <= {0, 1}:
            raise ValueError(f"label column {self.label_col!r} must be 0/1")
        if self.severity_col is not None and not np.isfinite(data[self.severity_col].to_numpy(float)).all():
            raise ValueError(f"severity column {self.severity_col!r} must be a number on every row")
        self.link_ = (1.0, 0.0)
        self.categories_ = {
            f.name: sorted({str(v) for v in data[f.name].dropna()}) for f in self.features if f.categorical
        }
        b_start, c_start = time_periods(data[self.date_col], self.fractions)
        part_a = self._purge(data, b_start)
        part_b = self._purge(data[data[self.date_col] >= b_start], c_start)
        part_ab = self._purge(data, c_start)
        part_c = data[data[self.date_col] >= c_start]
        if self.short_history_trees is not None and (part_a.empty or part_b.empty or part_c.empty):
            return self._fit_two_periods(data, baselines)
        for name, part in (("A", part_a), ("B", part_b), ("C", part_c)):
            if part.empty:
                raise ValueError(
                    f"period {name} has no rows once rows whose label window crosses a period boundary are "
                    "purged: the history is too short for time-ordered validation"
                )
        if len(np.unique(part_a[self.label_col])) < 2:
            raise ValueError("the training period A needs both labels")

        # 1. evaluation: train on A, stop early on B, calibrate on B, measure on C.
        booster_a = self._train(part_a, self.params.n_estimators, part_b)
        best = int(booster_a.best_iteration or booster_a.current_iteration())
        y_b = part_b[self.label_col].to_numpy(int)
        raw_b = self._margin(booster_a, part_b, best)
        link_a = self._fit_link(raw_b, y_b)
        calib_b = fit_calibrator(_linked(raw_b, link_a), y_b, self.calibration)
        margin_c_eval = _linked(self._margin(booster_a, part_c, best), link_a)
        test = pd.DataFrame(
            {
                self.date_col: part_c[self.date_col].to_numpy(),
                "label": part_c[self.label_col].to_numpy(int),
                "model": calib_b(margin_c_eval),
            }
        )
        for name in baselines:
            test[name] = part_c[name].to_numpy(float)
        metrics = {name: score_metrics(test["label"], test[name]) for name in ["model", *baselines]}
        reliability = reliability_table(test["label"].to_numpy(int), test["model"].to_numpy(float))

        # 2. production: A + B with the same number of trees, calibrated on the later period C.
        self.booster_ = self._train(part_ab, best, None)
        y_c = part_c[self.label_col].to_numpy(int)
        margin_c = self._margin(self.booster_, part_c)
        self.link_ = self._fit_link(margin_c, y_c)
        self.calibrator_ = fit_calibrator(_linked(margin_c, self.link_), y_c, self.calibration)

        self.report_ = EngineReport(
            periods=(self._period("A", part_a), self._period("B", part_b), self._period("C", part_c)),
            best_iteration=best,
            metrics=metrics,
            reliability=reliability,
            calibrator=self.calibrator_.as_dict(),
            test_predictions=test,
        )
        log.info(
            "engine fitted: %d trees, periods %s",
            best,
            ", ".join(
                f"{p.name} {p.start.date()}..{p.end.date()} ({p.rows} rows, {p.positives} pos)"
                for p in self.report_.periods
            ),
        )
        return self

    def _period(self, name: str, part: pd.DataFrame) -> Period:
        d = part[self.date_col]
        return Period(name, pd.Timestamp(d.min()), pd.Timestamp(d.max()), len(part), int(part[self.label_col].sum()))

    def _fit_two_periods(self, data: pd.DataFrame, baselines: Sequence[str]) -> RiskEngine:
        """A short history: train on A with ``short_history_trees`` trees, calibrate and measure on C."""
        assert self.short_history_trees is not None
        share = self.fractions[0] / float(sum(self.fractions)) + self.fractions[1] / float(sum(self.fractions)) / 2
        distinct = np.sort(data[self.date_col].unique())
        if len(distinct) < 2:
            raise ValueError(f"time-ordered validation needs at least 2 distinct dates, got {len(distinct)}")
        i_c = min(max(1, round(len(distinct) * share)), len(distinct) - 1)
        c_start = pd.Timestamp(distinct[i_c])
        part_a = self._purge(data, c_start)
        part_c = data[data[self.date_col] >= c_start]
        for name, part in (("A", part_a), ("C", part_c)):
            if len(np.unique(part[self.label_col])) < 2:
                raise ValueError(
                    f"period {name} needs rows with both labels once rows whose label window crosses the boundary "
                    "are purged: the history is too short for time-ordered validation"
                )
        trees = min(self.short_history_trees, self.params.n_estimators)
        booster_a = self._train(part_a, trees, None)
        y_c = part_c[self.label_col].to_numpy(int)
        raw_c = self._margin(booster_a, part_c)
        # the booster that scores keeps A's link and calibrator (see the module docstring)
        self.link_ = self._fit_link(raw_c, y_c)
        margin_c = _linked(raw_c, self.link_)
        self.calibrator_ = fit_calibrator(margin_c, y_c, self.calibration)
        test = pd.DataFrame(
            {self.date_col: part_c[self.date_col].to_numpy(), "label": y_c, "model": self.calibrator_(margin_c)}
        )
        for name in baselines:
            test[name] = part_c[name].to_numpy(float)
        metrics = {name: score_metrics(test["label"], test[name]) for name in ["model", *baselines]}
        # production: every row, the same trees, and the calibrator fitted on C with A's booster
        self.booster_ = self._train(data, trees, None)
        self.report_ = EngineReport(
            periods=(self._period("A", part_a), self._period("C", part_c)),
            best_iteration=trees,
            metrics=metrics,
            reliability=reliability_table(y_c, test["model"].to_numpy(float)),
            calibrator=self.calibrator_.as_dict(),
            test_predictions=test,
            short_history=True,
        )
        log.info("engine fitted on a short history: %d trees, A %d rows, C %d rows", trees, len(part_a), len(part_c))
        return self

    # --- use --------------------------------------------------------------------------------------
    def _margin(self, booster: lgb.Booster, frame: pd.DataFrame, num_iteration: int | None = None) -> np.ndarray:
        raw = booster.predict(self.matrix(frame), raw_score=True, num_iteration=num_iteration)
        return np.asarray(raw, dtype=float)

    def _fit_link(self, output: np.ndarray, label: np.ndarray) -> tuple[float, float]:
        """``(a, b)`` putting a booster's output on a log-odds scale: ``(1, 0)`` for a 0/1 target (its output
        is log-odds already), else the Platt fit of the output on ``label`` (see the module docstring)."""
        if self.severity_col is None:
            return (1.0, 0.0)
        fitted = fit_calibrator(output, label, "platt")
        return (fitted.a, fitted.b)

    def predict_margin(self, frame: pd.DataFrame) -> np.ndarray:
        """Log-odds (the booster's output through :attr:`link_`); :attr:`calibrator_` makes it a probability."""
        return _linked(self._margin(self.booster_, frame), self.link_)

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.calibrator_(self.predict_margin(frame))

    def contributions(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, float]:
        """SHAP values (``shap.TreeExplainer``: Tree SHAP, path-dependent, raw margin) per row and feature, and the
        base value.

        For every row ``base + contributions.sum(axis=1) == predict_margin(row)``.

        One explainer per booster is kept (:func:`_tree_explainer`): building it parses every tree of the booster,
        0.15 s of CPU on the demo's model, which each Tilbudsprofil paid again. For a LightGBM booster the values
        are LightGBM's own Tree SHAP (``predict(pred_contrib=True)``), bit for bit (``tests/models/test_engine.py``).
        """
        explainer = _tree_explainer(self.booster_)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "output has changed to a list of ndarray"
            values = explainer.shap_values(self.matrix(frame))
        if isinstance(values, list):  # older shap: one array per class
            values = values[-1]
        a, b = self.link_
        base_value = a * float(np.ravel(explainer.expected_value)[-1]) + b
        contributions = a * np.asarray(values, dtype=float)
        return pd.DataFrame(contributions, index=frame.index, columns=self.feature_names), base_value

    def prepare_explanations(self) -> None:
        """Build the booster's SHAP explainer now (importing shap), so that the first explanation does not wait for
        it (``tilsynsplan serve``'s warm-up)."""
        _tree_explainer(self.booster_)

    def feature_importance(self) -> dict[str, float]:
        """LightGBM's total gain per feature (the SHAP-based global importance is in ``models.explain``)."""
        gains = self.booster_.feature_importance(importance_type="gain")
        return {n: float(g) for n, g in zip(self.feature_names, gains, strict=True)}
