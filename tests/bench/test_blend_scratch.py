"""``bench/blend_scratch.py``: the blends of a kept LightGBM with the expert score it measures."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from models.baselines import ExpertModel
from models.features import FEATURE_NAMES
from tests.bench.scripts import load_script

blend = load_script("blend_scratch")


def _features() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.uniform(0, 5, size=(40, len(FEATURE_NAMES))), columns=list(FEATURE_NAMES))
    frame.index = [f"T{i:02d}" for i in range(len(frame))]
    return frame


def _model(kept: bool, within_noise: bool) -> SimpleNamespace:
    return SimpleNamespace(
        engine_=object() if kept else None,
        expert_=ExpertModel(),
        lead_over_expert_={"within_noise": within_noise} if kept else None,
    )


def _risk(features: pd.DataFrame) -> pd.Series:
    return pd.Series(np.linspace(0.02, 0.9, len(features)), index=features.index)


def test_the_expert_score_in_use_is_left_as_it_is() -> None:
    feats = _features()
    risk = _risk(feats)
    for variant, scores in blend.blends(_model(kept=False, within_noise=False), risk, feats).items():
        pd.testing.assert_series_equal(scores, risk, obj=variant)


def test_a_logit_blend_weights_lightgbms_log_odds_against_the_expert_scores_margin() -> None:
    feats = _features()
    risk = _risk(feats)
    scores = blend.blends(_model(kept=True, within_noise=True), risk, feats)
    expert_margin = ExpertModel().margin(feats)
    assert np.ptp(expert_margin) > 0  # the expert score ranks these rows differently from the risk
    for w in (0.3, 0.5, 0.7):
        got = blend._logit(scores[f"logit{w}"].to_numpy())
        want = w * blend._logit(risk.to_numpy()) + (1 - w) * expert_margin
        np.testing.assert_allclose(got, want, atol=1e-9)
        assert ((scores[f"logit{w}"] >= 0.01) & (scores[f"logit{w}"] <= 0.99)).all()
    ranks = scores["rank"]
    assert ((ranks > 0) & (ranks <= 1)).all() and not ranks.equals(risk)


def test_the_two_standard_error_variants_blend_only_a_lead_within_the_noise() -> None:
    feats = _features()
    risk = _risk(feats)
    within = blend.blends(_model(kept=True, within_noise=True), risk, feats)
    beyond = blend.blends(_model(kept=True, within_noise=False), risk, feats)
    for w in (0.5, 0.7):
        pd.testing.assert_series_equal(within[f"logit{w}_2se"], within[f"logit{w}"])
        pd.testing.assert_series_equal(beyond[f"logit{w}_2se"], risk)
        assert not beyond[f"logit{w}"].equals(risk)
