"""The risk list as a CSV for Danish Excel: BOM, ``;``, decimal comma, Danish columns and labels."""

from __future__ import annotations

import csv
import datetime as dt
import io

from reports.build import build_risk_list
from reports.spreadsheet import RISK_COLUMNS_DA, risk_list_csv_da
from tests.factories import AS_OF, risk_scores_frame


def test_the_danish_csv_reads_as_numbers_and_words_in_danish_excel() -> None:
    previous = risk_scores_frame()[["facility_id", "risk", "rank"]].assign(risk=lambda f: f["risk"] + 0.015)
    previous.loc[previous["facility_id"] == "R02", "rank"] = 1  # R02 fell one place
    report = build_risk_list(
        risk_scores_frame(),
        as_of=AS_OF,
        model_version="v1",
        previous=previous,
        comparison_as_of=dt.date(2026, 7, 1),
        top=3,
    )
    data = risk_list_csv_da(report)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == RISK_COLUMNS_DA
    assert len(rows) == 11  # every row of the list, not only the table's top 3
    r02 = dict(zip(rows[0], rows[2], strict=True))
    assert r02["Nr."] == "2" and r02["Tilbud"] == "Bostedet Fjordglimt"
    assert r02["Socialtilsyn"] == "Socialtilsyn Syd" and r02["Tilbudstype"] == "længerevarende botilbud (SEL § 108)"
    assert r02["Ejerform"] == "kommunal" and r02["Risikogruppe"] == "forhøjet"
    assert r02["Risiko (%)"] == "41,0"  # decimal comma, no sign of a thousands separator
    assert r02["Ændring (procentpoint)"] == "-1,5"  # an ASCII minus: Excel reads a number
    assert r02["Ændring (pladser)"] == "-1"
    assert r02["De vigtigste grunde"].count(" | ") == 2
    r07 = dict(zip(rows[0], rows[7], strict=True))
    assert r07["Tilbudstype"] == "forsorgshjem (SEL § 110)" and r07["Socialtilsyn"] == "Socialtilsyn Hovedstaden"
