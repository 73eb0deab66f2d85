"""Defects found by a review of the day's concern_id, ETag and re-scoring work, each pinned by the case that broke."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.services import imports
from data.settings import Settings
from tests.api.conftest import AUTH
from tests.api.test_concern_ids_api import CONCERNS, concerns_of, counts, record


@pytest.fixture
def settings(settings: Settings, small_folder: Path) -> Settings:
    """The conftest's settings with the small dataset imported; the conftest's ``client`` serves them."""
    imports.import_upload(settings, small_folder)
    return settings


def test_a_report_sent_with_spaces_around_its_id_is_withdrawn_by_the_id_it_was_sent_with(
    client: TestClient, settings: Settings
) -> None:
    """A push drops the spaces around a cell (' HV-7 ' is stored as 'HV-7'); the withdrawal by the id the case system
    sent was a 404 saying the tilbud had no report with concern_id ' HV-7 '."""
    assert counts(client.post(CONCERNS, json={"records": [record(" HV-7 ")]}, headers=AUTH)) == (1, 0, 0)
    assert concerns_of(settings, "F2") == [("2026-09-01", "high", "HV-7")]
    response = client.delete(f"{CONCERNS}/F2/%20HV-7%20", headers=AUTH)
    assert response.status_code == 204, response.text
    assert concerns_of(settings, "F2") == []


def test_an_id_pushed_with_a_combining_mark_is_the_composed_id(client: TestClient, settings: Settings) -> None:
    """ "Å" as "A" + a combining ring in a pushed record is stored composed (NFC), as files are read, and withdrawn by
    either spelling: one report, not two that look the same."""
    composed_id, decomposed_id = "\u00c5-7", "A\u030a-7"
    assert counts(client.post(CONCERNS, json={"records": [record(decomposed_id)]}, headers=AUTH)) == (1, 0, 0)
    assert counts(client.post(CONCERNS, json={"records": [record(composed_id)]}, headers=AUTH)) == (0, 0, 1)
    assert concerns_of(settings, "F2") == [("2026-09-01", "high", composed_id)]
    response = client.delete(f"{CONCERNS}/F2/{decomposed_id}", headers=AUTH)
    assert response.status_code == 204, response.text
    assert concerns_of(settings, "F2") == []
