"""Exports as a tilsyn's tools really write them (Excel, a case system, files put together by hand): each is
either read as the contract allows or refused with one violation that says what to do, never a pile of
follow-on errors, a phantom row or a crash in the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.contract import FILES, Kind
from data.db import Base
from data.errors import ValidationFailed
from tests.data.test_importer import fails, rewrite, texts
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_csv_folder(small_dataset(), tmp_path / "upload")


def only(error: ValidationFailed, rule: str) -> list[tuple[str, int | None, str | None, str | None]]:
    return [(v.file, v.row, v.column, v.value) for v in error.violations if v.rule == rule]


def message(error: ValidationFailed, row: int, column: str) -> str:
    return next(v.message for v in error.violations if (v.row, v.column) == (row, column))


# --- lengths -----------------------------------------------------------------------------------------


def test_text_lengths_of_the_contract_are_the_database_columns() -> None:
    """A text longer than its database column is accepted by SQLite and refused by PostgreSQL at storage time
    (a 500 after validation said yes): the contract must know each length."""
    for spec in FILES:
        table = Base.metadata.tables[spec.name]
        for col in spec.columns:
            if col.kind != Kind.TEXT or col.references is not None or col.pattern is not None or col.check:
                continue
            length = getattr(table.c[col.name].type, "length", None)
            assert col.max_length == length, f"{spec.name}.{col.name}: contract {col.max_length}, database {length}"


def test_a_text_longer_than_its_column_is_refused_with_the_limit(folder: Path) -> None:
    fac = texts("facilities")
    fac[1][1] = "N" * 301
    fac[2][0] = "F" * 65
    rewrite(folder, "facilities", fac)
    uof = texts("use_of_force")
    uof[1][3] = "k" * 61
    rewrite(folder, "use_of_force", uof)
    error = fails(folder)
    places = {(f, r, c) for f, r, c, _ in only(error, "too_long")}
    assert places == {
        ("facilities.csv", 2, "name"),
        ("facilities.csv", 3, "facility_id"),
        ("use_of_force.csv", 2, "kind"),
    }
    assert message(error, 2, "name") == "name må højst have 300 tegn (værdien har 301 tegn)"
