"""Authority offsets: exact on a hand example, recovered on a confounded simulation, applied by subtraction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.calibration import AuthorityOffsets, estimate_offsets


def _frames(rows: list[tuple[str, str, str, str, float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    tv = pd.DataFrame(rows, columns=["facility_id", "authority", "facility_type", "theme", "value"])
    tv["date"] = pd.Timestamp("2025-03-01")
    fac = tv[["facility_id", "authority", "facility_type"]].drop_duplicates()
    return tv[["facility_id", "date", "theme", "value"]], fac


def test_two_authorities_one_cell_exact() -> None:
    tv, fac = _frames(
        [("A1", "nord", "sel108", "competences", 4.0), ("A2", "nord", "sel108", "competences", 4.0),
         ("B1", "syd", "sel108", "competences", 3.0), ("B2", "syd", "sel108", "competences", 3.0)]
    )  # fmt: skip
    off = estimate_offsets(tv, fac, shrinkage=0)
    assert off.offsets == pytest.approx({"nord": 0.5, "syd": -0.5})
    assert off.counts == {"nord": 2, "syd": 2}
    shrunk = estimate_offsets(tv, fac, shrinkage=2)  # n / (n + 2) = 1/2
    assert shrunk.offsets == pytest.approx({"nord": 0.25, "syd": -0.25})


def test_recovers_offsets_when_types_are_confounded_with_authority() -> None:
    """Syd scores 0.4 lower; Syd also has most of the (lower-scoring) forsorgshjem. A naive mean
    difference mixes the two; the fixed-effects estimate separates them."""
    rng = np.random.default_rng(1)
    true = {"nord": 0.1, "midt": 0.0, "syd": -0.4, "hovedstaden": 0.1, "oest": 0.0}
    type_level = {"sel108": 4.2, "sel110": 3.4}
    rows = []
    for i in range(3000):
        auth = rng.choice(list(true))
        p110 = 0.7 if auth == "syd" else 0.1
        ftype = "sel110" if rng.random() < p110 else "sel108"
        value = type_level[ftype] + true[auth] + rng.normal(0, 0.3)
        rows.append((f"F{i}", auth, ftype, "competences", value))
    tv, fac = _frames(rows)
    off = estimate_offsets(tv, fac)
    centre = np.average(list(true.values()), weights=[off.counts[a] for a in true])
    for auth, value in true.items():
        assert off.offsets[auth] == pytest.approx(value - centre, abs=0.05)
    naive = tv.merge(fac, on="facility_id").groupby("authority")["value"].mean()
    assert naive["syd"] - naive["nord"] < -0.8  # the naive gap is twice the true one


def test_apply_subtracts_and_missing_authority_is_zero() -> None:
    off = AuthorityOffsets({"syd": -0.4})
    tv = pd.DataFrame({"facility_id": ["S", "N"], "value": [3.0, 3.0]})
    out = off.apply(tv, pd.Series({"S": "syd", "N": "nord"}))
    assert out.tolist() == pytest.approx([3.4, 3.0])
    assert AuthorityOffsets.from_dict(off.as_dict()).offsets == {"syd": -0.4}


def test_since_limits_the_data_and_empty_gives_no_offsets() -> None:
    tv, fac = _frames([("A1", "nord", "sel108", "competences", 4.0), ("B1", "syd", "sel108", "competences", 3.0)])
    assert estimate_offsets(tv, fac, since=pd.Timestamp("2026-01-01")).offsets == {}
