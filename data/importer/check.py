"""The entry points, :func:`read_upload` and :func:`check_upload`: the order in which the rules run on an upload,
all or nothing (one violation anywhere raises :class:`~data.errors.ValidationFailed` with every violation), and
the result of a valid one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from data.contract import FILES, FileSpec
from data.dataset import Dataset
from data.errors import ValidationFailed, Violation
from data.importer.cpr import _check_cpr, _check_extra_cpr
from data.importer.cross_checks import _CrossChecks
from data.importer.file_rules import (
    _check_competences,
    _check_lock_days,
    _check_not_before_same_row,
    _check_pairs,
    _check_unique_key,
    _mojibake_warnings,
)
from data.importer.masking import _masked, mask_cpr
from data.importer.parse import _meant_column, _parse_table
from data.importer.parsed import _Parsed, _typed_frame
from data.importer.report import _Report, shown_warnings
from data.importer.results import FileReport, ImportResult
from data.importer.stored import StoredData, _reference_dataset, _StoredDataset
from data.importer.upload_warnings import (
    CASE_TWIN_TABLES,
    EMPTY_FILE_WARNINGS,
    absent_file_warnings,
    case_twin_warnings,
    competence_gap_warnings,
    short_export_warning,
)
from data.readers import RawUpload, read_upload_files


def read_upload(source: Path, *, today: dt.date, existing: Dataset | StoredData | None = None) -> ImportResult:
    """Read and check an upload. ``existing`` is what is already stored: references may point into it, and the rules
    that span files are checked on the stored rows as the upload would update them (see :func:`check_upload`).

    Raises :class:`ValidationFailed` with every violation (and the warnings) when any rule is broken.
    """
    raw = read_upload_files(source)
    return check_upload(raw, today=today, existing=existing)


def check_upload(raw: RawUpload, *, today: dt.date, existing: Dataset | StoredData | None = None) -> ImportResult:
    """Check raw tables against the contract (see :func:`read_upload`).

    The rules that span files (a visit not before its tilbud's ``approved_on`` nor after its ``closed_on``, an
    indicator that applies to the visited tilbud, records dated before the approval, a theme score against the
    visit's indicators) are checked on the result of the import, the stored rows updated and extended by the
    upload: an uploaded row against the stored rows it refers to, and the stored rows the upload leaves as they are
    against the uploaded rows they refer to (a tilbud's new ``approved_on`` after a visit stored earlier). Such a
    conflict is reported at the uploaded row and names the stored one. Besides the reference tables, a stored table
    is read only when the upload changes a value its rows depend on (a tilbud's dates or type, a visit's tilbud), or
    sends scores of visits while scores of the other kind (theme, indicator) are stored.
    """
    if existing is None:
        stored: StoredData = _StoredDataset(Dataset.empty())
    elif isinstance(existing, Dataset):
        stored = _StoredDataset(existing)
    else:
        stored = existing
    report = _Report()
    report.warnings.extend(raw.warnings)
    for violation in raw.violations:
        report.add(violation)
        if violation.rule == "row_too_long" and violation.row is not None:
            report.whole_rows.add((violation.file, violation.row))
        elif violation.rule == "formula_without_value" and violation.row is not None and violation.column is not None:
            report.unknown_cells.add((violation.file, violation.row, violation.column))

    for spec in FILES:
        if raw.refused_whole:
            break  # nothing could be read: "missing" would only repeat it
        if spec.required and spec.name not in raw.present and not stored.has_rows(spec.name):
            report.add(
                Violation(
                    file=spec.filename,
                    row=None,
                    column=None,
                    value=None,
                    rule="file_missing",
                    message=_missing_file_message(spec, raw.workbooks) + _stand_in(spec, raw.extra_headers),
                )
            )

    parsed: dict[str, _Parsed] = {}
    for spec in FILES:
        if spec.name in raw.tables:
            parsed[spec.name] = _parse_table(spec, raw.tables[spec.name], report, today)

    checks = _CrossChecks(parsed, stored, report, unreadable=raw.present - set(raw.tables))
    if "indicator_scores" in parsed:
        checks.indicators(parsed["indicator_scores"])  # also normalises codes ("4.A" -> "4.a")
    if "inspectors" in parsed:
        _check_competences(parsed["inspectors"], report)
    for table in parsed.values():
        _check_unique_key(table, report)
        _check_not_before_same_row(table, report)
        _check_pairs(table, report)
        checks.references(table)
        checks.row_ids(table)
        checks.referenced_bounds(table)
    checks.empty_file_references()
    if "locked_visits" in parsed:
        _check_lock_days(parsed["locked_visits"], report, today)
        checks.locks(parsed["locked_visits"], today)
    checks.stored_locks(today)
    checks.stored_rows()
    checks.other_identities()
    checks.visit_authority_warnings()
    checks.theme_score_warnings()
    checks.theme_not_applicable_warnings()
    checks.force_count_warnings()
    for table in parsed.values():
        _check_cpr(table.raw, table, report)
        _mojibake_warnings(table, report)
    for extra in raw.extra_tables:
        _check_extra_cpr(extra, report)
    if not raw.refused_whole:
        report.warnings.extend(absent_file_warnings(raw.present | set(parsed), stored))
    for name, table in parsed.items():
        if name in EMPTY_FILE_WARNINGS and table.raw.frame.empty and not stored.has_rows(name):
            report.warnings.append(
                Violation(table.raw.source, None, None, None, f"no_{name}", EMPTY_FILE_WARNINGS[name])
            )

    order = {name: i for i, name in enumerate(_source_order(raw))}
    report.warnings = [_masked(w) for w in report.warnings]
    if report.total:
        violations = [_masked(v) for v in report.final_violations(order)]
        raise ValidationFailed(violations, shown_warnings(report.warnings), total=report.total)

    frames = {name: _typed_frame(table) for name, table in parsed.items()}
    files = {
        name: FileReport(
            name=name,
            source=mask_cpr(table.raw.source),  # the name of a file or workbook is answered and stored too
            rows=table.n,
            delimiter=table.raw.delimiter,
            had_bom=table.raw.had_bom,
            decimal_comma=table.decimal_comma,
            unknown_columns=tuple(table.unknown),
            defaulted_columns=tuple(c.name for c in table.spec.columns if c.name not in table.present),
        )
        for name, table in parsed.items()
    }
    dataset = Dataset.from_frames(frames)
    if "visits" in frames or "facilities" in frames:
        short = short_export_warning(dataset, _reference_dataset(stored), today)
        if short is not None:
            report.warnings.append(short)
    if "inspectors" in frames or "facilities" in frames:
        report.warnings.extend(competence_gap_warnings(dataset, _reference_dataset(stored), today))
    for name in CASE_TWIN_TABLES:
        if name in parsed:
            report.warnings.extend(case_twin_warnings(parsed[name], stored))
    return ImportResult(dataset=dataset, warnings=shown_warnings(report.warnings), files=files)


def _missing_file_message(spec: FileSpec, workbooks: list[str]) -> str:
    """ "den obligatoriske fil visits.csv mangler (kolonner: …)", naming the sheet when the upload is a workbook."""
    columns = ", ".join(spec.column_names)
    if len(workbooks) == 1:
        return (
            f"det obligatoriske ark {spec.name} mangler i {workbooks[0]} (et ark ved navn {spec.name}, som filen "
            f"{spec.filename} uden .csv; kolonner: {columns})"
        )
    return f"den obligatoriske fil {spec.filename} mangler (kolonner: {columns})"


def _stand_in(spec: FileSpec, headers: dict[str, tuple[str, ...]]) -> str:
    """For a required file missing: an ignored file or sheet whose header names all its required columns in Danish
    or nearly ("Besøg ID", "Tilbud ID", "Dato", …; a file under its own name with those is told so by its columns),
    named with the renames it needs ("" when none): 'visits.csv mangler' said nothing of the 'besøg.csv' beside it."""
    required = [c.name for c in spec.columns if c.required]
    for source, header in headers.items():
        meant = {title.strip(): _meant_column(spec, title) for title in header if title.strip()}
        found = {column: title for title, column in meant.items() if column is not None}
        if set(required) <= set(found):
            renames = ", ".join(f"'{found[c]}' til '{c}'" for c in spec.column_names if c in found and found[c] != c)
            return f"; {mask_cpr(source)} har kolonnerne under andre navne: omdøb filen til {spec.filename}" + (
                f" og kolonnerne {renames}" if renames else ""
            )
    return ""


def _source_order(raw: RawUpload) -> list[str]:
    by_name = {t.name: t.source for t in raw.tables.values()}
    ordered = [by_name.get(spec.name, spec.filename) for spec in FILES]
    return ordered + [v.file for v in raw.violations if v.file not in ordered]
