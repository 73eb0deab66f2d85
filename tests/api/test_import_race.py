"""Two imports at the same moment, each valid alone: the second was checked before the first stored its rows, and
the check was not repeated once it held the writers' lock, so together they stored what the contract forbids (a
visit before its tilbud's approval). An upload checked against data that changed before it could write is checked
again; nothing of it is stored when it no longer holds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from api.services import imports
from data.errors import StoredDataChanged, ValidationFailed
from data.settings import Settings
from data.store import load_dataset, open_database
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import write_csv_folder


def _only(folder: Path, keep: str) -> Path:
    for path in folder.iterdir():
        if path.name != keep:
            path.unlink()
    return folder


@pytest.fixture
def uploads(tmp_path: Path) -> tuple[Settings, Path, Path]:
    settings = Settings(home=tmp_path / "home", today=AS_OF)  # type: ignore[call-arg]
    ds = small_dataset()
    imports.import_upload(settings, write_csv_folder(ds, tmp_path / "all"))
    # A: F5 approved on 2024-09-01 (its one visit, V6, is on 2024-10-01: valid)
    later = ds.facilities.assign(
        approved_on=ds.facilities["approved_on"].where(ds.facilities["facility_id"] != "F5", pd.Timestamp("2024-09-01"))
    )
    a = _only(write_csv_folder(ds.with_tables(facilities=later), tmp_path / "a"), "facilities.csv")
    # B: a visit to F5 on 2024-06-01 (valid against the stored approval, 2018-08-01)
    v9 = ds.visits.iloc[[0]].assign(visit_id="V9", facility_id="F5", date=pd.Timestamp("2024-06-01"))
    b = _only(write_csv_folder(ds.with_tables(visits=v9), tmp_path / "b"), "visits.csv")
    return settings, a, b


def test_an_upload_is_checked_again_when_another_import_stored_data_after_its_check(
    uploads: tuple[Settings, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, a, b = uploads
    save = imports.save_upload
    others = [a]

    def a_stores_first(*args: object, **kwargs: object) -> object:
        while others:  # A's import commits after B was checked, before B takes the writers' lock
            monkeypatch.setattr(imports, "save_upload", save)
            imports.import_upload(settings, others.pop())
            monkeypatch.setattr(imports, "save_upload", a_stores_first)
        return save(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "save_upload", a_stores_first)
    with pytest.raises(ValidationFailed) as refused:
        imports.import_upload(settings, b)
    (v,) = [v for v in refused.value.violations if v.file == "visits.csv"]
    assert v.column == "date" and "2024-06-01" in v.message and "2024-09-01" in v.message
    engine = open_database(settings)
    stored = load_dataset(engine)
    engine.dispose()
    assert "V9" not in set(stored.visits["visit_id"])  # nothing of B
    f5 = stored.facilities.set_index("facility_id").loc["F5", "approved_on"]
    assert f5 == pd.Timestamp("2024-09-01")  # A is stored


def test_an_upload_that_keeps_being_overtaken_is_refused_with_nothing_stored(
    uploads: tuple[Settings, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, a, _ = uploads
    save = imports.save_upload
    count = {"batches": 0}

    def another_import_each_time(*args: object, **kwargs: object) -> object:
        monkeypatch.setattr(imports, "save_upload", save)
        imports.push_records(
            settings,
            "concerns",
            [{"facility_id": "F1", "date": "2026-03-0" + str(count["batches"] + 1), "severity": "low"}],
        )
        count["batches"] += 1
        monkeypatch.setattr(imports, "save_upload", another_import_each_time)
        return save(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "save_upload", another_import_each_time)
    with pytest.raises(StoredDataChanged) as refused:
        imports.import_upload(settings, a)
    assert count["batches"] == imports.CHECK_ATTEMPTS
    assert refused.value.http_status == 409 and "Intet er gemt; send den igen" in str(refused.value)
    engine = open_database(settings)
    stored = load_dataset(engine)
    engine.dispose()
    assert stored.facilities.set_index("facility_id").loc["F5", "approved_on"] == pd.Timestamp("2018-08-01")
