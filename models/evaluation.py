"""Ranking and calibration metrics: AUC, the standard error of a difference of two AUCs, precision in the top
10 %, Brier score, reliability table; the metric rows of a model card (:func:`metric_rows`).

Plain functions of (labels, scores); higher score = riskier. Undefined metrics (one class only) are NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

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


def auc_difference_se(
    label: Sequence[int] | np.ndarray | pd.Series,
    first: Sequence[float] | np.ndarray | pd.Series,
    second: Sequence[float] | np.ndarray | pd.Series,
) -> float:
    """The standard error of ``auc(label, first) - auc(label, second)`` on the same rows (DeLong, DeLong and
    Clarke-Pearson 1988: the two scores' placement values of each positive and each negative, and their
    covariance). Rows are taken as independent: monthly snapshots of one tilbud are not, so the true error is
    larger. NaN when only one class is present."""
    y = np.asarray(label, dtype=int)
    if len(np.unique(y)) < 2:
        return math.nan
    pos, neg = y == 1, y == 0
    m, n = int(pos.sum()), int(neg.sum())
    v10, v01 = [], []
    for score in (first, second):
        s = pd.Series(np.asarray(score, dtype=float))
        every = s.rank(method="average").to_numpy()  # midranks: a tie counts a half
        within_pos = s[pos].rank(method="average").to_numpy()
        within_neg = s[neg].rank(method="average").to_numpy()
        v10.append((every[pos] - within_pos) / n)  # per positive: the share of negatives it out-ranks
        v01.append(1.0 - (every[neg] - within_neg) / m)  # per negative: the share of positives out-ranking it
    contrast = np.array([1.0, -1.0])
    s10 = np.atleast_2d(np.cov(np.vstack(v10))) if m > 1 else np.zeros((2, 2))
    s01 = np.atleast_2d(np.cov(np.vstack(v01))) if n > 1 else np.zeros((2, 2))
    variance = contrast @ s10 @ contrast / m + contrast @ s01 @ contrast / n
    return float(math.sqrt(max(variance, 0.0)))


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


def metric_rows(card: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The card's metric rows as ``train`` and the model card list them: one per score (``score``: ``model``,
    the baselines), and for a blended model (the card's ``blend``) a ``blend`` row right after ``model`` with the
    blend's own AUC and precision in the top 10 % on C (its base rate and rows are C's, as LightGBM's); ``blended``
    says that ``model`` is then LightGBM alone, not the risk used. A card stored before the blend kept its
    precision gives None there."""
    blend = card.get("blend") or {}
    rows: list[dict[str, Any]] = []
    for name, values in (card.get("metrics") or {}).items():
        rows.append({"score": str(name), **values, "blended": bool(blend)})
        if blend and name == "model":
            rows.append(
                {
                    **values,
                    "score": "blend",
                    "auc": blend.get("auc"),
                    "precision_top10": blend.get("precision_top10"),
                    "blended": True,
                }
            )
    return rows
