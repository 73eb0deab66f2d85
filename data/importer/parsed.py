"""One contract file after parsing (:class:`_Parsed`: typed values per column, the cells as written), and the frames
made from it: the typed table a valid upload stores, and its key columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.contract import FileSpec, Kind
from data.readers import RawTable


@dataclass
class _Parsed:
    """One file after parsing: typed values per contract column (null where empty or invalid)."""

    spec: FileSpec
    raw: RawTable
    values: dict[str, pd.Series] = field(default_factory=dict)
    text: dict[str, pd.Series] = field(default_factory=dict)  # the cells as written (stripped), to quote them
    present: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)
    decimal_comma: bool = False

    @property
    def n(self) -> int:
        return len(self.raw.frame)

    def get(self, column: str) -> pd.Series:
        """Typed values of ``column``; all null when the column is absent."""
        if column in self.values:
            return self.values[column]
        return pd.Series([None] * self.n, dtype=object)


def _typed_frame(table: _Parsed) -> pd.DataFrame:
    """A valid table's values with defaults filled (``Dataset.from_frames`` makes the dtypes canonical)."""
    out: dict[str, pd.Series] = {}
    for col in table.spec.columns:
        if col.name not in table.present:
            continue
        values = table.values[col.name]
        if col.default is not None:
            values = values.where(values.notna(), col.default)
        elif col.kind == Kind.ID_LIST:
            values = values.where(values.notna(), "")  # the Dataset holds "" for no ids
        if col.kind == Kind.INT:
            values = values.astype("int64")
        out[col.name] = values
    return pd.DataFrame(out, index=pd.RangeIndex(table.n))


def _key_frame(table: _Parsed) -> tuple[pd.DataFrame, np.ndarray]:
    """The key columns (defaults filled) and a mask of rows whose whole key is valid."""
    columns: dict[str, pd.Series] = {}
    for name in table.spec.key:
        col = table.spec.column(name)
        values = table.get(name)
        if col.default is not None and name not in table.present:
            values = pd.Series([col.default] * table.n, dtype=object)
        elif col.default is not None:
            values = values.where(values.notna(), col.default)
        columns[name] = values
    frame = pd.DataFrame(columns, index=pd.RangeIndex(table.n))
    return frame, frame.notna().all(axis=1).to_numpy()
