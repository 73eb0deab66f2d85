"""Metrics on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.evaluation import auc, expected_calibration_error, precision_at, reliability_table, score_metrics


def test_auc_by_hand() -> None:
    # Positives at 0.8 and 0.4, negatives at 0.6 and 0.2: pairs won 3 of 4.
    assert auc([1, 1, 0, 0], [0.8, 0.4, 0.6, 0.2]) == pytest.approx(0.75)
    assert auc([1, 0], [0.5, 0.5]) == pytest.approx(0.5)
    assert math.isnan(auc([0, 0], [0.1, 0.2]))


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
