"""``planner.ordering``: the actual slots handed out in score order, pooled or within each group."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.errors import InvalidArgumentError
from planner.ordering import assign_slots, order_under_capacity

D = [pd.Timestamp("2014-09-01"), pd.Timestamp("2014-09-02"), pd.Timestamp("2014-09-03")]


def test_pooled_riskiest_gets_the_earliest_slots() -> None:
    dates = pd.Series([D[0], D[0], D[1], D[2]], index=["a", "b", "c", "d"])
    scores = pd.Series([0.1, 0.9, 0.5, 0.7], index=dates.index)
    sim = order_under_capacity(dates, scores)
    # slots in order: D0, D0, D1, D2; scores in order: b (0.9), d (0.7), c (0.5), a (0.1)
    assert sim.to_dict() == {"a": D[2], "b": D[0], "c": D[1], "d": D[0]}
    assert sim.dtype == dates.dtype


def test_ties_keep_the_input_order() -> None:
    dates = pd.Series([D[2], D[1], D[0]], index=[10, 11, 12])
    sim = order_under_capacity(dates, pd.Series([1.0, 1.0, 1.0], index=dates.index))
    assert sim.tolist() == [D[0], D[1], D[2]]


def test_within_group_keeps_each_groups_own_slots() -> None:
    # group x works on D0 and D2, group y on D1 and D1
    dates = pd.Series([D[0], D[2], D[1], D[1]], index=list("pqrs"))
    groups = pd.Series(["x", "x", "y", "y"], index=dates.index)
    scores = pd.Series([0.1, 0.9, 0.2, 0.8], index=dates.index)
    within = order_under_capacity(dates, scores, groups)
    assert within.to_dict() == {"p": D[2], "q": D[0], "r": D[1], "s": D[1]}
    pooled = order_under_capacity(dates, scores)
    # pooled: q (0.9) -> D0, s (0.8) -> D1, r (0.2) -> D1, p (0.1) -> D2
    assert pooled.to_dict() == {"p": D[2], "q": D[0], "r": D[1], "s": D[1]}
    # the pooled schedule may move items across groups; here y's best gets nothing earlier than D1 either way
    scores2 = pd.Series([0.1, 0.2, 0.3, 0.9], index=dates.index)
    assert order_under_capacity(dates, scores2).to_dict()["s"] == D[0]
    assert order_under_capacity(dates, scores2, groups).to_dict()["s"] == D[1]


def test_assign_slots_accepts_any_sortable_slots() -> None:
    out = assign_slots(pd.Series([0.2, 0.8, 0.5]), pd.Series([3, 1, 2]))
    assert out.tolist() == [3, 1, 2]


def test_bad_inputs_are_domain_errors() -> None:
    dates = pd.Series([D[0], D[1]])
    with pytest.raises(InvalidArgumentError, match="scoren mangler"):
        order_under_capacity(dates, pd.Series([0.5, np.nan]))
    with pytest.raises(InvalidArgumentError, match="samme indeks"):
        order_under_capacity(dates, pd.Series([0.5, 0.4], index=[5, 6]))
    with pytest.raises(InvalidArgumentError, match="datoen mangler"):
        order_under_capacity(pd.Series([D[0], pd.NaT]), pd.Series([0.5, 0.4]))
    with pytest.raises(InvalidArgumentError, match="gruppen mangler"):
        order_under_capacity(dates, pd.Series([0.5, 0.4]), pd.Series(["a", None]))
    with pytest.raises(InvalidArgumentError, match="lige mange"):
        assign_slots(pd.Series([0.5]), pd.Series([D[0], D[1]]))


items = st.lists(
    st.tuples(st.integers(0, 20), st.floats(0, 1, allow_nan=False), st.sampled_from("abc")), min_size=1, max_size=40
)


@settings(max_examples=60, deadline=None)
@given(items)
def test_capacity_is_kept_and_order_follows_score(rows: list[tuple[int, float, str]]) -> None:
    base = dt.date(2014, 9, 1)
    dates = pd.Series([pd.Timestamp(base + dt.timedelta(days=d)) for d, _, _ in rows])
    scores = pd.Series([s for _, s, _ in rows])
    groups = pd.Series([g for _, _, g in rows])
    for grp in (None, groups):
        sim = order_under_capacity(dates, scores, grp)
        keys = [None] * len(rows) if grp is None else list(groups)
        for key in set(keys):
            mask = np.array([k == key for k in keys])
            # every day keeps its number of items (per group when grouped)
            assert sorted(sim[mask]) == sorted(dates[mask])
            # a higher score never gets a later slot
            s, t = scores[mask].to_numpy(), sim[mask].to_numpy()
            for i in range(len(s)):
                for j in range(len(s)):
                    if s[i] > s[j]:
                        assert t[i] <= t[j]
