"""What is already stored, as the importer reads it: :class:`StoredData` (a database's tables, or a
:class:`~data.dataset.Dataset` held in memory), the reference tables, and stored rows as the rules across files
read them (:class:`_StoredRows`), with their keys compared as text.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from data.contract import FileSpec, Kind
from data.dataset import Dataset
from data.importer.report import _key_value


class StoredData(Protocol):
    """What is already stored, as the importer reads it: whether a table holds rows, and its rows (read only when a
    rule needs them). :class:`data.store.StoredTables` reads a database; a :class:`Dataset` is wrapped in one."""

    def has_rows(self, table: str) -> bool: ...

    def table(self, table: str) -> pd.DataFrame: ...


@dataclass(frozen=True)
class _StoredDataset:
    """A :class:`Dataset` held in memory as :class:`StoredData` (tests, and an upload checked without a database)."""

    dataset: Dataset

    def has_rows(self, table: str) -> bool:
        return not self.dataset.tables()[table].empty

    def table(self, table: str) -> pd.DataFrame:
        return self.dataset.tables()[table]


#: The stored tables an upload's references point into; read for every upload to a database that holds rows.
REFERENCE_TABLES = ("facilities", "inspectors", "visits")


def _reference_dataset(stored: StoredData) -> Dataset:
    """The stored tables an upload refers to (:data:`REFERENCE_TABLES`) as a Dataset; the others empty."""
    tables = {name: stored.table(name) for name in REFERENCE_TABLES if stored.has_rows(name)}
    return dataclasses.replace(Dataset.empty(), **tables)


class _Columns(Protocol):
    """Rows of one file as the rules across files read them: typed values per column. A parsed file of the upload,
    or stored rows (:class:`_StoredRows`)."""

    @property
    def spec(self) -> FileSpec: ...

    @property
    def values(self) -> dict[str, pd.Series]: ...

    @property
    def present(self) -> set[str]: ...


@dataclass(frozen=True)
class _StoredRows:
    """Stored rows of one file (every column), at positions 0..n-1."""

    spec: FileSpec
    frame: pd.DataFrame

    @property
    def values(self) -> dict[str, pd.Series]:
        return {name: self.frame[name] for name in self.spec.column_names}

    @property
    def present(self) -> set[str]:
        return set(self.spec.column_names)

    def key_text(self, pos: int | np.integer) -> str:
        """The row's key as a file writes it: ``V002131``, ``(F1, 2026-02-03, high)``; a row with an id by it
        (``(F1, concern_id HV-7)``)."""
        row_id = self.spec.row_id
        if row_id is not None and pd.notna(self.frame[row_id].iat[pos]):
            return f"({_key_value(self.frame[self.spec.key[0]].iat[pos])}, {row_id} {self.frame[row_id].iat[pos]})"
        parts = [
            f"{self.frame[name].iat[pos]:%Y-%m}" if self.spec.column(name).kind == Kind.MONTH else _key_value(value)
            for name in self.spec.key
            for value in (self.frame[name].iat[pos],)
        ]
        return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"


def _key_strings(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Key columns as text, so an uploaded key (a year read as 2024.0) matches the stored one (2024)."""
    out: dict[str, pd.Series] = {}
    for name in spec.key:
        col, s = spec.column(name), frame[name]
        if col.kind in (Kind.DATE, Kind.MONTH):
            out[name] = pd.to_datetime(s).dt.strftime("%Y-%m-%d")
        elif col.kind == Kind.INT:
            out[name] = pd.to_numeric(s).astype("Int64").astype(str)
        else:
            out[name] = s.astype(str)
    return pd.DataFrame(out)
