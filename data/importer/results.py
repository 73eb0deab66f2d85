"""What a valid import returns: :class:`ImportResult` (the rows, the warnings) and a :class:`FileReport` per file."""

from __future__ import annotations

from dataclasses import dataclass

from data.contract import FILES
from data.dataset import Dataset
from data.errors import Violation


@dataclass(frozen=True)
class FileReport:
    """What was read from one file of the upload."""

    name: str  # contract name, "facilities"
    source: str  # the file as the user named it, "facilities.csv" / "[data.xlsx]facilities"
    rows: int
    delimiter: str | None  # "," or ";" (None for a workbook sheet)
    had_bom: bool
    decimal_comma: bool  # some decimal was written with a comma
    unknown_columns: tuple[str, ...] = ()  # kept aside: reported, not stored
    defaulted_columns: tuple[str, ...] = ()  # optional columns not in the file (their default is used)

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "source": self.source,
            "rows": self.rows,
            "delimiter": self.delimiter,
            "had_bom": self.had_bom,
            "decimal_comma": self.decimal_comma,
            "unknown_columns": list(self.unknown_columns),
            "defaulted_columns": list(self.defaulted_columns),
        }


@dataclass(frozen=True)
class ImportResult:
    """A valid upload: its rows (canonical dtypes), the warnings, and what was read from each file."""

    dataset: Dataset
    warnings: list[Violation]
    files: dict[str, FileReport]

    @property
    def tables(self) -> tuple[str, ...]:
        """The contract files present in the upload, in dependency order."""
        return tuple(spec.name for spec in FILES if spec.name in self.files)

    @property
    def total_rows(self) -> int:
        return sum(report.rows for report in self.files.values())
