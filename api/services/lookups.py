"""Lookups of stored master data for the HTTP app: one facility's record, names of facilities and inspectors."""

from __future__ import annotations

import pandas as pd

from data.dataset import Dataset
from data.errors import NotFoundError, shown_value
from data.settings import Settings
from data.store import database, load_reference_data


def reference_data(settings: Settings) -> Dataset:
    """Stored facilities, inspectors and visits (``NoDataError`` when nothing is imported yet)."""
    with database(settings, missing="Der er ingen tilbud i databasen. Importér data først.") as engine:
        return load_reference_data(engine)


def facility_record(settings: Settings, facility_id: str) -> dict[str, object]:
    """One stored facility's master data (``NotFoundError`` when unknown)."""
    facilities = reference_data(settings).facilities
    match = facilities[facilities["facility_id"].astype(str) == facility_id]
    if match.empty:
        raise NotFoundError(f"Tilbud '{shown_value(facility_id)}' findes ikke i databasen.")
    record: dict[str, object] = match.iloc[0].to_dict()
    return record


def _names(frame: pd.DataFrame, key: str) -> dict[str, str]:
    return {str(k): str(n) for k, n in zip(frame[key], frame["name"], strict=True)}


def facility_names(settings: Settings) -> dict[str, str]:
    return _names(reference_data(settings).facilities, "facility_id")


def inspector_names(settings: Settings) -> dict[str, str]:
    return _names(reference_data(settings).inspectors, "inspector_id")
