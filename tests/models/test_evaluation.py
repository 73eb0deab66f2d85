"""Metrics on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.evaluation import (
    auc,
    auc_difference_se,
    expected_calibration_error,
    precision_at,
    reliability_table,
    score_metrics,
)


def test_auc_by_hand() -> None:
    # Positives at 0.8 and 0.4, negatives at 0.6 and 0.2: pairs won 3 of 4.
    assert auc([1, 1, 0, 0], [0.8, 0.4, 0.6, 0.2]) == pytest.approx(0.75)
    assert auc([1, 0], [0.5, 0.5]) == pytest.approx(0.5)
    assert math.isnan(auc([0, 0], [0.1, 0.2]))


def test_the_standard_error_of_an_auc_difference_by_hand_and_against_the_bootstrap() -> None:
    # Score a: positives 0.8, 0.4 beat 2 and 1 of the negatives 0.6, 0.2 (placements 1, 0.5); the negatives are
    # beaten by 1 and 2 positives (0.5, 1). Score b: positives 0.2, 0.6 (0, 0.5); negatives 0.8, 0.4 (0, 0.5).
    # Differences: positives 1, 0 (sample variance 0.5, / 2 positives), negatives 0.5, 0.5 (0): SE = sqrt(0.25)
    y, a, b = [1, 1, 0, 0], [0.8, 0.4, 0.6, 0.2], [0.2, 0.6, 0.8, 0.4]
    assert auc(y, a) - auc(y, b) == pytest.approx(0.5)
    assert auc_difference_se(y, a, b) == pytest.approx(0.5)
    assert auc_difference_se(y, a, a) == 0.0  # the same ranking: no difference to be uncertain about
    assert math.isnan(auc_difference_se([0, 0], [0.1, 0.2], [0.2, 0.1]))
    rng = np.random.default_rng(3)
    label = (rng.random(600) < 0.1).astype(int)
    first = label * 0.8 + rng.normal(0, 1, 600)
    second = np.round(0.5 * first + label * 0.3 + rng.normal(0, 1, 600), 1)  # correlated, with ties
    draws = [rng.integers(0, 600, 600) for _ in range(1500)]
    boot = np.std([auc(label[i], first[i]) - auc(label[i], second[i]) for i in draws])
    assert auc_difference_se(label, first, second) == pytest.approx(boot, rel=0.1)


def test_precision_in_the_top_share() -> None:
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1] * 2)
    s = np.arange(20)[::-1].astype(float)  # row 0 scores highest
    assert precision_at(y, s, 0.10) == pytest.approx(0.5)  # rows 0 and 1
    assert precision_at(y, s, 0.05) == 1.0
    assert score_metrics(y, s)["base_rate"] == pytest.approx(0.2)


def test_reliability_table_bins_by_predicted() -> None:
    p = np.array([0.1, 0.1, 0.9, 0.9])
    y = np.array([0, 0, 1, 0])
    t = reliability_table(y, p, bins=2)
    assert t["n"].tolist() == [2, 2]
    assert t["mean_predicted"].tolist() == pytest.approx([0.1, 0.9])
    assert t["observed_rate"].tolist() == pytest.approx([0.0, 0.5])
    assert expected_calibration_error(t) == pytest.approx(0.5 * 0.1 + 0.5 * 0.4)
