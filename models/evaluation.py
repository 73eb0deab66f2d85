"""Ranking and calibration metrics: AUC, precision in the top 10 %, Brier score, reliability table.

Plain functions of (labels, scores); higher score = riskier. Undefined metrics (one class only) are NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

TOP_SHARE = 0.10


def auc(label: Sequence[int] | np.ndarray | pd.Series, score: Sequence[float] | np.ndarray | pd.Series) -> float:
    """Area under the ROC curve; ties count a half. NaN when only one class is present."""
    y = np.asarray(label, dtype=int)
    s = np.asarray(score, dtype=float)
    if len(np.unique(y)) < 2:
        return math.nan
    return float(roc_auc_score(y, s))


def precision_at(
    label: Sequence[int] | np.ndarray | pd.Series,
    score: Sequence[float] | np.ndarray | pd.Series,
    share: float = TOP_SHARE,
) -> float:
    """Share of positives among the ``share`` highest scores (at least one row).

    Ties at the cut are resolved by a stable sort on the score (the earlier row first), so a constant
    score gives the base rate of the first rows: use a random tie-breaker upstream when it matters.
    """
    y = np.asarray(label, dtype=int)
    s = np.asarray(score, dtype=float)
    if len(y) == 0:
        return math.nan
    k = max(1, round(len(y) * share))
    order = np.argsort(-s, kind="stable")[:k]
    return float(y[order].mean())


def score_metrics(label: pd.Series | np.ndarray, score: pd.Series | np.ndarray) -> dict[str, float]:
    """AUC, precision in the top 10 %, the base rate and the row count."""
    y = np.asarray(label, dtype=int)
    return {
        "auc": auc(y, score),
        "precision_top10": precision_at(y, score),
        "base_rate": float(y.mean()) if len(y) else math.nan,
        "rows": float(len(y)),
    }


def reliability_table(label: np.ndarray, prob: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Predicted against observed, in bins of equal size by predicted probability (deciles).

    Columns: ``bin`` (1 = lowest), ``n``, ``mean_predicted``, ``observed_rate``, ``low``, ``high``
    (the bin's predicted range). A calibrated model has ``mean_predicted`` close to ``observed_rate``.
    """
    y = np.asarray(label, dtype=float)
    p = np.asarray(prob, dtype=float)
    cols = ["bin", "n", "mean_predicted", "observed_rate", "low", "high"]
    if len(y) == 0:
        return pd.DataFrame(columns=cols)
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, min(bins, len(y)))
    rows = []
    for i, idx in enumerate(groups, start=1):
        if len(idx) == 0:
            continue
        rows.append((i, len(idx), float(p[idx].mean()), float(y[idx].mean()), float(p[idx].min()), float(p[idx].max())))
    return pd.DataFrame(rows, columns=cols)


def expected_calibration_error(table: pd.DataFrame) -> float:
    """Row-weighted mean absolute gap between predicted and observed over the reliability bins."""
    if table.empty:
        return math.nan
    w = table["n"] / table["n"].sum()
    return float((w * (table["mean_predicted"] - table["observed_rate"]).abs()).sum())
