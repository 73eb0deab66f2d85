"""What the checks report into: :class:`_Report` collects the violations (at most :data:`MAX_REPORTED` listed, all
counted) and the warnings of one upload; :func:`shown_warnings` caps the warnings of one kind; and how a message
quotes a cell (masked and cut), a number, a date or a key.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from data.errors import Violation
from data.glossary import format_count_da, format_number_da
from data.importer.masking import mask_cpr
from data.importer.parsed import _Parsed

#: At most this many violations are listed; the rest are counted (``ValidationFailed.total``).
MAX_REPORTED = 1000
#: At most this many warnings of one kind (rule) are reported one by one; the rest are counted in one more.
MAX_WARNINGS_PER_RULE = 100
_MAX_VALUE_CHARS = 80


def _display(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = mask_cpr(str(value))
    if text == "":
        return None
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


def _num(value: float) -> str:
    """A bound in a message, the Danish way (``54,5``; integers without decimals)."""
    if float(value).is_integer():
        return str(int(value))
    # positional, at most six decimals: ``:g`` wrote 1234567.8 as "1,23457e+06" and 0.00001 as "1e-05"
    return np.format_float_positional(float(value), precision=6, trim="-").replace(".", ",")


def _rows_da(rows: list[int]) -> str:
    """Row numbers in a message, as the counts beside them are written: ``række 1.101, 1.205`` (not ``1101``)."""
    return ", ".join(format_number_da(int(r), 0) for r in rows)


def _fmt_date(value: object) -> str:
    return pd.Timestamp(value).date().isoformat()


class _Report:
    """Collects violations (capped) and warnings."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []
        self.warnings: list[Violation] = []
        self.total = 0
        #: (file, row) of rows reported as a whole (a row with more fields than the header): their cells are shifted,
        #: so a violation per cell would only repeat the one for the row
        self.whole_rows: set[tuple[str, int]] = set()
        #: (file, row, column) of cells reported by the reader (a workbook formula without its value): the importer
        #: reads them as empty, so a violation of its own there ("må ikke være tom") would only repeat it wrongly
        self.unknown_cells: set[tuple[str, int, str]] = set()

    def add(self, violation: Violation) -> None:
        self.total += 1
        if len(self.violations) < MAX_REPORTED:
            self.violations.append(violation)

    def cells(
        self,
        table: _Parsed,
        mask: np.ndarray | pd.Series,
        column: str | None,
        values: pd.Series | None,
        rule: str,
        message: str | Callable[[int], str],
    ) -> None:
        """One violation per row where ``mask`` holds. ``message`` is a text or a function of the row position."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(positions) and self.whole_rows and rule != "cpr":  # a CPR number is named wherever it stands
            own = {row for file, row in self.whole_rows if file == table.raw.source}
            if own:
                positions = positions[~np.isin(table.raw.rows[positions], list(own))]
        if len(positions) and self.unknown_cells and column is not None:
            unknown = {row for file, row, name in self.unknown_cells if file == table.raw.source and name == column}
            if unknown:
                positions = positions[~np.isin(table.raw.rows[positions], list(unknown))]
        if len(positions) == 0:
            return
        room = max(MAX_REPORTED - len(self.violations), 0)
        self.total += len(positions)
        for pos in positions[:room]:
            self.violations.append(
                Violation(
                    file=table.raw.source,
                    row=int(table.raw.rows[pos]),
                    column=column,
                    value=None if values is None else _display(values.iat[pos]),
                    rule=rule,
                    message=message if isinstance(message, str) else message(int(pos)),
                )
            )

    def final_violations(self, order: dict[str, int]) -> list[Violation]:
        """The listed violations in file order, then row order (``self.total`` says how many there were)."""
        return sorted(self.violations, key=lambda v: (order.get(v.file, len(order)), v.row or 0))


def shown_warnings(warnings: list[Violation]) -> list[Violation]:
    """The warnings an import reports: :func:`upload_level_first`, and of each kind (rule) at most
    :data:`MAX_WARNINGS_PER_RULE`, the rest counted in one warning of that kind at the end. A foreign export whose
    theme scores all differ from its indicators gave 50,678 warnings, a 13 MB API answer and a web page listing
    every one; like the violations (:data:`MAX_REPORTED`) the first ones say what is wrong."""
    ordered = upload_level_first(warnings)
    kept: list[Violation] = []
    left_out: dict[str, list[Violation]] = {}
    seen: dict[str, int] = {}
    for w in ordered:
        seen[w.rule] = seen.get(w.rule, 0) + 1
        if seen[w.rule] <= MAX_WARNINGS_PER_RULE:
            kept.append(w)
        else:
            left_out.setdefault(w.rule, []).append(w)
    for rule, rest in left_out.items():
        files = sorted({w.file for w in rest})
        kept.append(
            Violation(
                files[0] if len(files) == 1 else ", ".join(files),
                None,
                rest[0].column if len({w.column for w in rest}) == 1 else None,
                None,
                rule,
                f"og {format_count_da(len(rest), 'advarsel', 'advarsler')} mere af samme slags"
                + _rows_between(rest)
                + f"; kun de første {MAX_WARNINGS_PER_RULE} vises enkeltvis",
                more=len(rest) - 1,
            )
        )
    return kept


def _rows_between(warnings: list[Violation]) -> str:
    """ " i række 102-50.679" of warnings in one file (their rows), else ""."""
    rows = [w.row for w in warnings if w.row is not None]
    if not rows or len({w.file for w in warnings}) > 1:
        return ""
    low, high = min(rows), max(rows)
    return (
        f" i række {_rows_da([low])}"
        if low == high
        else f" i række {format_number_da(low, 0)}–{format_number_da(high, 0)}"
    )


def upload_level_first(warnings: list[Violation]) -> list[Violation]:
    """The warnings about the upload as a whole (no row: a missing file, a short export, a tilsyn no inspector
    may plan) before those about single rows, each group in its order: they say what the upload cannot do, and
    thousands of row warnings (a theme score per row that differs from its indicators) must not bury them below
    the first screenful of a CLI, the API's list or the web page."""
    return sorted(warnings, key=lambda w: w.row is not None)


def _key_value(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
