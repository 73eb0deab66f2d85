"""The model card of a tilsyn that brought no staff figures, concerns or magtanvendelser: the features of those
files say that no data were loaded, on the web page and in the report, not an importance of 0,000."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from api.services import imports
from api.services.risk import train_model
from data.settings import Settings
from tests.api.conftest import AUTH
from tests.factories import small_dataset
from tests.fixtures.uploads import write_csv_folder
from tests.reports.html_doc import parse

ABSENT = ("staff_figures", "concerns", "use_of_force")


def test_the_model_card_says_no_data_were_loaded_for_the_absent_files(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    folder = write_csv_folder(small_dataset(), tmp_path / "upload")
    for name in ABSENT:
        (folder / f"{name}.csv").unlink()
    imports.import_upload(settings, folder, label="test")
    train_model(settings)
    for path in ("/modelkort", "/api/v1/reports/model"):
        response = client.get(path, headers=AUTH)
        assert response.status_code == 200, path
        doc = parse(response.text)
        rows = {str(r.attrs["data-feature"]): r.text() for r in doc.root.with_attr("data-feature")}
        for feature in ("force_ratio_12m", "turnover_ratio", "sickness_ratio", "concerns_12m", "leader_change_12m"):
            assert rows[feature].endswith("ingen data indlæst"), (path, feature, rows[feature])
        assert re.search(r" [0-9]+,[0-9]{3}$", rows["sanctions_5y"]), rows["sanctions_5y"]  # sanctions were loaded
        text = " ".join(doc.body_text.split())
        # the small dataset has no leader_since either
        assert re.findall(r"Ingen data indlæst: [^)]*\)", text) == [
            "Ingen data indlæst: der var ingen data om faktoren (use_of_force.csv, staff_figures.csv, concerns.csv og "
            "kolonnen leader_since i facilities.csv)"
        ]
