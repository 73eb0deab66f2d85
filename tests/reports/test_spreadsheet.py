"""The risk list as a CSV for Danish Excel: BOM, ``;``, decimal comma, Danish columns and labels."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd

from reports.build import build_risk_list
from reports.spreadsheet import PLAN_COLUMNS_DA, RISK_COLUMNS_DA, excel_text, plan_csv_da, risk_list_csv_da
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


def test_ids_excel_would_turn_into_numbers_are_kept_as_text() -> None:
    """Excel read '00029' as 29 and a long digit string as 1,23457E+14."""
    assert excel_text("00029") == '="00029"'
    assert excel_text("123456789012345") == '="123456789012345"'
    assert excel_text("1-2") == '="1-2"'  # a date to Excel
    assert excel_text("T10549") == "T10549" and excel_text("F1") == "F1"
    scores = risk_scores_frame()
    scores.loc[0, "facility_id"] = "00029"
    report = build_risk_list(scores, as_of=AS_OF, model_version="v1")
    rows = list(csv.reader(io.StringIO(risk_list_csv_da(report).decode("utf-8-sig")), delimiter=";"))
    ids = [dict(zip(rows[0], r, strict=True))["Tilbuds-id"] for r in rows[1:]]
    assert '="00029"' in ids and "R02" in ids


def test_a_name_excel_would_run_as_a_formula_is_written_as_its_text() -> None:
    """A tilbud named '=HYPERLINK("http://x";"Klik")' in an upload must not become a live formula in a leader's
    Excel (formula injection); '-' or '+' first would be computed."""
    assert excel_text('=HYPERLINK("http://x";"Klik")') == '="=HYPERLINK(""http://x"";""Klik"")"'
    assert excel_text("+45 1234") == '="+45 1234"' and excel_text("@SUM(A1)") == '="@SUM(A1)"'
    assert excel_text("Bostedet Ågården") == "Bostedet Ågården"
    scores = risk_scores_frame()
    scores.loc[0, "name"] = "=1+1"
    report = build_risk_list(scores, as_of=AS_OF, model_version="v1")
    rows = list(csv.reader(io.StringIO(risk_list_csv_da(report).decode("utf-8-sig")), delimiter=";"))
    names = [dict(zip(rows[0], r, strict=True))["Tilbud"] for r in rows[1:]]
    assert '="=1+1"' in names and "=1+1" not in names


def test_the_plan_as_a_csv_for_danish_excel() -> None:
    visits = pd.DataFrame(
        {
            "facility_id": ["00029", "F1"],
            "date": [dt.date(2027, 1, 5), dt.date(2027, 1, 4)],
            "inspector_ids": ["I1;I2", "I1"],
            "announced": [False, True],
            "kind": ["operational", "operational"],
            "reason": ["Frist 2027-02-01", "Låst besøg (aftalt på forhånd)"],
            "locked": [False, True],
            "role": ["deadline", "locked"],
            "authority": ["oest", "nord"],
            "reason_code": ["", ""],
        }
    )
    data = plan_csv_da(visits, {"F1": "Bostedet Egebakken", "00029": "Toften"}, {"I1": "Anne Holm", "I2": "Bo Ek"})
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == PLAN_COLUMNS_DA
    first, second = (dict(zip(rows[0], r, strict=True)) for r in rows[1:])
    assert first["Dato"] == "2027-01-04" and first["Tilbud"] == "Bostedet Egebakken"  # by date
    assert first["Besøg"] == "anmeldt" and first["Låst"] == "ja" and first["Socialtilsyn"] == "Socialtilsyn Nord"
    assert first["Tilsynstype"] == "driftsorienteret tilsyn" and first["Kvartal"] == "2027K1" and first["Uge"] == "1"
    assert second["Tilbuds-id"] == '="00029"' and second["Tilsynskonsulenter"] == "Anne Holm, Bo Ek"
    assert second["Besøg"] == "uanmeldt" and second["Socialtilsyn"] == "Socialtilsyn Øst"
