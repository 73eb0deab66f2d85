"""Order items under capacity: hand out the actual per-day (per-group) slots in score order.

A generic replay device, independent of any domain: a set of items (inspections, visits) was carried
out on known dates; each item now has a score (higher = visit sooner). Keeping every day's capacity
exactly as it was (the number of items on that day), the riskiest item gets the earliest slot, the
next riskiest the next slot, and so on. The result is each item's *simulated* date.

Two ways to pool the capacity:

- ``pooled`` (``group=None``): every slot can take any item (one shared queue; what the Chicago
  evaluation did, as if any inspector could visit any establishment);
- ``within group``: each group (e.g. an inspector team) keeps its own daily slots and re-orders only
  its own items. This is the honest version when items cannot move between groups.

Ties in score keep the input order (a stable sort), so callers decide the tie-break by how they sort
the items first (e.g. by an id).
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from data.errors import InvalidArgumentError

__all__ = ["assign_slots", "order_under_capacity"]


def assign_slots(scores: pd.Series, slots: pd.Series) -> pd.Series:
    """Give the slots (dates, with repetition for capacity) to the items in descending score order.

    ``scores`` and ``slots`` have the same length; the highest score gets the earliest slot. Ties keep
    the order of ``scores``. Returns the slot of every item, indexed like ``scores``.
    """
    if len(scores) != len(slots):
        raise InvalidArgumentError(f"{len(scores)} scorer men {len(slots)} pladser: der skal være lige mange")
    values = pd.to_numeric(scores, errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        bad = scores.index[np.isnan(values)][:5].tolist()
        raise InvalidArgumentError(f"scoren mangler eller er ikke et tal for {bad}; tilladt: et tal for hvert element")
    order = np.argsort(-values, kind="stable")
    sorted_slots = np.sort(np.asarray(slots.to_numpy()), kind="stable")
    out = np.empty(len(values), dtype=sorted_slots.dtype)
    out[order] = sorted_slots
    return pd.Series(out, index=scores.index, name="simulated")


def order_under_capacity(
    dates: pd.Series,
    scores: pd.Series,
    groups: pd.Series | None = None,
) -> pd.Series:
    """The simulated date of every item when each day's actual slots go to the items by score.

    ``dates`` is each item's actual date; it fixes the capacity (items per day, or per day and group).
    ``groups`` (optional) confines the re-ordering to each group's own slots; ``None`` pools them.
    All three series share one index. The result has that index and the dtype of ``dates``.
    """
    if not dates.index.equals(scores.index):
        raise InvalidArgumentError("datoer og scorer skal have de samme elementer (samme indeks)")
    if dates.isna().any():
        bad = dates.index[dates.isna()][:5].tolist()
        raise InvalidArgumentError(f"datoen mangler for {bad}; tilladt: en dato for hvert element")
    if groups is None:
        return assign_slots(scores, dates).astype(dates.dtype)
    if not groups.index.equals(dates.index):
        raise InvalidArgumentError("grupperne skal have de samme elementer som datoerne (samme indeks)")
    if groups.isna().any():
        bad = groups.index[groups.isna()][:5].tolist()
        raise InvalidArgumentError(f"gruppen mangler for {bad}; tilladt: en gruppe for hvert element eller ingen")
    out = np.empty(len(dates), dtype=np.asarray(dates.to_numpy()).dtype)
    for idx in _group_positions(groups).values():
        out[idx] = assign_slots(scores.iloc[idx], dates.iloc[idx]).to_numpy()
    return pd.Series(out, index=dates.index, name="simulated").astype(dates.dtype)


def _group_positions(groups: pd.Series) -> dict[Hashable, np.ndarray]:
    """Row positions per group, each in input order (so ties keep the caller's order)."""
    codes, uniques = pd.factorize(groups, sort=True)
    return {uniques[k]: np.flatnonzero(codes == k) for k in range(len(uniques))}
