"""Reports as CSV for a Danish spreadsheet (Excel with Danish settings), for leaders on the web pages.

Danish Excel opens a CSV as its list separator (``;``) and the decimal comma say, and reads a file
without a byte order mark as ANSI (æ, ø, å garbled). So: UTF-8 with a BOM, ``;`` between fields,
decimal comma and no thousands separator (``62,4``: a number Excel can sum), Danish column names and
labels (*Socialtilsyn Øst*, *forsorgshjem (SEL § 110)*). The API's CSV (``GET /api/v1/risk?format=csv``)
stays as it is for case systems: comma, point, codes.
"""

from __future__ import annotations

import csv
import io

from data.glossary import format_number_da
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
                r.facility_id,
                r.name,
                r.authority_label,
                r.facility_type_label,
                r.ownership_label,
                decimal_da(r.risk * 100),
                r.tier,
                decimal_da(None if r.change is None else r.change * 100),
                "" if r.rank_change is None else r.rank_change,
                " | ".join(r.reasons),
            )
        )
    return (BOM + out.getvalue()).encode("utf-8")
