"""Baselines the model must beat, and the expert score (also the cold-start model).

- ``random``: a uniform random order (seeded).
- ``latest_theme_mean``: the latest mean theme value as published (not calibrated), lowest first — what a
  tilsyn reading Tilbudsportalen would do. Facilities without scores get the median.
- ``expert``: points for warning signs a tilsynskonsulent would name, with the weights below
  (:data:`EXPERT_RULES`). Points add up; a rule on the same feature with a stricter threshold adds
  more. The probability is ``sigmoid(EXPERT_BASE_LOGIT + EXPERT_LOGIT_PER_POINT * points)``, bounded
  to 1-99 % as every calibrated probability is (:func:`models.engine.bound_probability`): 0 points about
  6 %, 5 points about 27 %, 10 points about 73 %. These are judgement, not fitted (there are too few
  labels to fit them when the expert score is needed), and say so in the model report.

The expert score has the model's explanation interface: a feature's contribution is its points times
the logit per point, so ``base + sum(contributions) == margin`` as for SHAP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.engine import bound_probability, sigmoid
from models.features import FEATURE_NAMES

EXPERT_BASE_LOGIT = -3.0
EXPERT_LOGIT_PER_POINT = 0.4


@dataclass(frozen=True)
class ExpertRule:
    """``points`` when ``feature`` is at or beyond ``threshold`` (``<=`` or ``>=``)."""

    feature: str
    op: str
    threshold: float
    points: float
    why: str

    def fires(self, values: pd.Series) -> pd.Series:
        v = pd.to_numeric(values, errors="coerce")
        hit = v <= self.threshold if self.op == "<=" else v >= self.threshold
        return hit.fillna(False).astype(bool)


EXPERT_RULES: tuple[ExpertRule, ...] = (
    ExpertRule("theme_min", "<=", 3.0, 1, "a theme at 3 or below"),
    ExpertRule("theme_min", "<=", 2.5, 1, "a theme at 2.5 or below"),
    ExpertRule("theme_min", "<=", 2.0, 1, "a theme at 2 or below: last time's finding was serious"),
    ExpertRule("theme_mean", "<=", 3.5, 1, "mean theme value at 3.5 or below (national mean is above 4)"),
    ExpertRule("theme_mean", "<=", 3.0, 1, "mean theme value at 3 or below"),
    ExpertRule("theme_change", "<=", -0.5, 1, "a drop of half a point or more since the previous visit"),
    ExpertRule("theme_change", "<=", -1.0, 1, "a drop of a point or more"),
    ExpertRule("force_ratio_12m", ">=", 1.5, 1, "force 1.5 x the expected for the type"),
    ExpertRule("force_ratio_12m", ">=", 2.5, 1, "force 2.5 x the expected"),
    ExpertRule("force_trend", ">=", 2.0, 1, "force doubled in the last quarter"),
    ExpertRule("turnover_ratio", ">=", 1.5, 1, "staff turnover 1.5 x the type's median"),
    ExpertRule("sickness_ratio", ">=", 1.5, 1, "sickness absence 1.5 x the type's median"),
    ExpertRule("concerns_12m", ">=", 1, 1, "a concern report in the last year"),
    ExpertRule("concern_severity_12m", ">=", 3, 1, "a serious concern (or several) in the last year"),
    ExpertRule("days_since_concern", "<=", 90, 1, "a concern in the last three months"),
    ExpertRule("sanctions_5y", ">=", 1, 2, "a påbud, skærpet tilsyn or revocation in five years"),
    ExpertRule("days_since_unannounced", ">=", 548, 1, "no unannounced visit for 18 months"),
    ExpertRule("approval_age_years", "<=", 2, 1, "approved less than two years ago (seed 000)"),
    ExpertRule("leader_change_12m", ">=", 1, 1, "a new leader within the last year"),
)


def expert_points(features: pd.DataFrame) -> pd.DataFrame:
    """Points per feature (columns: every model feature; zero where no rule fires)."""
    out = pd.DataFrame(0.0, index=features.index, columns=list(FEATURE_NAMES))
    for rule in EXPERT_RULES:
        out[rule.feature] += rule.fires(features[rule.feature]).astype(float) * rule.points
    return out


class ExpertModel:
    """The expert score as a model: ``margin``, ``predict_proba`` and additive ``contributions``."""

    base_value = EXPERT_BASE_LOGIT

    def contributions(self, features: pd.DataFrame) -> tuple[pd.DataFrame, float]:
        return expert_points(features) * EXPERT_LOGIT_PER_POINT, self.base_value

    def margin(self, features: pd.DataFrame) -> np.ndarray:
        contrib, base = self.contributions(features)
        return np.asarray(base + contrib.sum(axis=1), dtype=float)

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        return bound_probability(sigmoid(self.margin(features)))


def random_score(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(n)


def theme_mean_score(features: pd.DataFrame) -> np.ndarray:
    """Higher = riskier: minus the latest raw mean theme value (the median where there is none)."""
    raw = pd.to_numeric(features["theme_mean_raw"], errors="coerce")
    fill = float(raw.median()) if raw.notna().any() else 4.0
    return np.asarray(-raw.fillna(fill), dtype=float)


def baseline_scores(features: pd.DataFrame, seed: int) -> pd.DataFrame:
    """All three baselines for a feature frame (higher = riskier), same index."""
    return pd.DataFrame(
        {
            "random": random_score(len(features), seed),
            "latest_theme_mean": theme_mean_score(features),
            "expert": ExpertModel().margin(features),
        },
        index=features.index,
    )
