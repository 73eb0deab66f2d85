"""Reports as CSV for a Danish spreadsheet (Excel with Danish settings), for leaders on the web pages.

Danish Excel opens a CSV as its list separator (``;``) and the decimal comma say, and reads a file
without a byte order mark as ANSI (æ, ø, å garbled). So: UTF-8 with a BOM, ``;`` between fields,
decimal comma and no thousands separator (``62,4``: a number Excel can sum), Danish column names and
labels (*Socialtilsyn Øst*, *forsorgshjem (SEL § 110)*). An id Excel would read as a number or a date
(``00029`` loses its zeros, ``123456789012345`` turns into ``1,23457E+14``) is written as the formula
``="00029"``, which Excel shows as the text. The API's CSVs (``GET /api/v1/risk?format=csv``,
``GET /api/v1/plans/{id}/export.csv``) stay as they are for case systems: comma, point, codes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping

import pandas as pd

from data.calendar import quarter_of
from data.enums import Authority, VisitKind
from data.glossary import danish_code, format_number_da, quarter_da
from reports.context import RiskListContext

BOM = "\ufeff"
SEPARATOR = ";"

RISK_COLUMNS_DA: tuple[str, ...] = (
    "Nr.",
    "Nationalt nr.",
    "Tilbuds-id",
    "Tilbud",
    "Socialtilsyn",
    "Tilbudstype",
    "Ejerform",
    "Risiko (%)",
    "Risikogruppe",
    "Ændring (procentpoint)",
    "Ændring (pladser)",
    "De vigtigste grunde",
)


#: Text Excel would turn into a number, a date or a time: digits first, then only what numbers and dates
#: are written with (``00029``, ``1-2``, ``3/4``, ``1E5``, ``12:30``).
_EXCEL_WOULD_CONVERT = re.compile(r"[0-9][0-9 .,:/+\-eE]*")


#: A cell Excel would run as a formula (``=HYPERLINK(…)``, ``+1``, ``-2+3``, ``@SUM(…)``): formula injection
#: through a tilbud's name in an upload.
_EXCEL_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_text(value: str) -> str:
    """``value`` as Excel keeps it: an id that Excel would read as a number or a date, and any text Excel would
    run as a formula, becomes ``="value"`` (a formula whose result is the text itself, zeros and all); anything
    else as it is."""
    if _EXCEL_WOULD_CONVERT.fullmatch(value) or value.startswith(_EXCEL_FORMULA_START):
        return '="' + value.replace('"', '""') + '"'
    return value


def decimal_da(value: float | None, decimals: int = 1) -> str:
    """``62,4`` / ``-1,5``: decimal comma, an ASCII minus and no thousands separator (a spreadsheet reads
    it as a number); empty for none."""
    if value is None:
        return ""
    return format_number_da(value, decimals).replace(".", "")  # rounded as the pages round


def risk_list_csv_da(report: RiskListContext) -> bytes:
    """Every row of the risk list (the ``top`` limit of the table aside), with the page's numbers."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow(RISK_COLUMNS_DA)
    for r in report.rows:
        writer.writerow(
            (
                r.rank,
                r.national_rank,
                excel_text(r.facility_id),
                excel_text(r.name),
                r.authority_label,
                r.facility_type_label,
                r.ownership_label,
                decimal_da(r.risk * 100),
                r.tier,
                decimal_da(None if r.change is None else r.change * 100),
                "" if r.rank_change is None else r.rank_change,
                excel_text(" | ".join(r.reasons)),
            )
        )
    return (BOM + out.getvalue()).encode("utf-8")


PLAN_COLUMNS_DA: tuple[str, ...] = (
    "Dato",
    "Uge",
    "Kvartal",
    "Tilbuds-id",
    "Tilbud",
    "Socialtilsyn",
    "Tilsynskonsulenter",
    "Tilsynskonsulent-id",
    "Besøg",
    "Tilsynstype",
    "Låst",
    "Begrundelse",
)


def plan_csv_da(visits: pd.DataFrame, facility_names: Mapping[str, str], inspector_names: Mapping[str, str]) -> bytes:
    """Every visit of a stored plan's horizon (``data.plan_store.VISIT_COLUMNS``), one row a visit by date, in
    Danish: names beside the ids, *anmeldt*/*uanmeldt*, *ja*/*nej*. Holds unannounced dates: planners only."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow(PLAN_COLUMNS_DA)
    for v in visits.sort_values(["date", "facility_id"], kind="mergesort").itertuples(index=False):
        day: dt.date = v.date
        inspectors = [i for i in str(v.inspector_ids or "").split(";") if i]
        writer.writerow(
            (
                day.isoformat(),  # Danish Excel reads ÅÅÅÅ-MM-DD as a date
                day.isocalendar().week,
                quarter_da(quarter_of(day)),
                excel_text(str(v.facility_id)),
                excel_text(facility_names.get(str(v.facility_id), "")),
                danish_code(Authority, str(v.authority)) if v.authority else "",
                excel_text(", ".join(inspector_names.get(i, i) for i in inspectors)),
                excel_text(";".join(inspectors)),
                "anmeldt" if v.announced else "uanmeldt",
                danish_code(VisitKind, str(v.kind)),
                "ja" if v.locked else "nej",
                excel_text(str(v.reason)),
            )
        )
    return (BOM + out.getvalue()).encode("utf-8")
