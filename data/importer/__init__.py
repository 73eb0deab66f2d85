"""The importer: an upload (folder of CSV files, ``.xlsx`` workbook or ``.zip``) checked against every rule
of the data contract and turned into a :class:`~data.dataset.Dataset`.

:func:`read_upload` reads the files (:mod:`data.readers`), checks every rule of ``DATA_CONTRACT.md`` as
expressed by the specs in :mod:`data.contract` and either returns an :class:`ImportResult` or raises
:class:`~data.errors.ValidationFailed` with *all* violations of the upload (the first
:data:`MAX_REPORTED` of them listed, and how many there were in all). Nothing here touches the database;
:func:`data.store.save_upload` stores a result.

Checks are vectorised with pandas (one pass per column and rule, never per cell over large files), so
a national upload of ~500,000 rows validates in seconds.

Import and upsert semantics (the decisions, also in docs/data.md):

- **Keys.** Every file has a key (``FileSpec.key``), which is also the table's primary key in storage.
  Files with an id use it (``facility_id``, ``visit_id``, ``inspector_id``). Files without one use
  their natural key: indicator scores ``(visit_id, indicator)``, theme scores ``(visit_id, theme)``,
  use of force ``(facility_id, month, kind)`` (an empty kind is the key ``""``), staff figures
  ``(facility_id, year)``, concerns ``(facility_id, date, severity)``, sanctions ``(facility_id, date,
  kind)``, absences ``(inspector_id, start, end)``, locked visits ``(facility_id, date)``. A key that
  occurs twice in one file is a violation (two rows the storage could not tell apart). A concern with the
  extension ``concern_id`` (the case system's id of the report) is identified by it instead: two reports on one
  day with one severity are two rows, a re-send with another date or severity updates the report, the same id
  twice in one file is a violation, and so is an id stored for another tilbud (``FileSpec.row_id``; storage:
  ``data.db.ConcernRow``).
- **Upsert.** A row whose key is not stored yet is inserted; a row whose key is stored is updated when
  any of its values differ and left alone when none do. Importing the same files twice therefore
  changes nothing; a newer export of the same facilities updates the changed rows.
- **Nothing is deleted.** Rows stored earlier but missing from a newer export stay. A re-import of a
  corrected file therefore fixes *values* (a wrong score, a wrong date of closure) but cannot remove
  a row whose *key* was wrong (a concern without ``concern_id`` entered on the wrong date stays under that
  date); such rows must be removed in the database. A concern sent with its ``concern_id`` can be withdrawn by
  it (:func:`data.store.withdraw_concern`).
- **Partial uploads.** References (``facility_id`` in visits, ``visit_id`` in scores, inspector ids)
  are resolved against the upload *plus* what is already stored (``existing``), so a month's new
  visits can be imported without re-sending every facility. A required file (facilities, visits) may
  therefore be left out when the database already holds rows of it.
- **Rules across files hold for the result.** The stored rows the upload leaves as they are are checked against
  the uploaded rows they refer to, with the same rules (see :func:`check_upload`): a newer export that moves a
  tilbud's ``approved_on`` after a visit stored earlier is refused at the uploaded row, naming the stored visit.
- **All or nothing.** One violation anywhere rejects the whole upload; storage happens in one
  transaction.

The package, bottom up (each module imports only those above it):

- :mod:`~data.importer.masking`: CPR-like numbers masked in every text an import answers with;
- :mod:`~data.importer.formats` and :mod:`~data.importer.hints`: how values are written, and the hints for
  common mistakes (dates, months, Danish spellings of codes, indicator codes, ids Excel turned into numbers);
- :mod:`~data.importer.parsed`: one contract file after parsing;
- :mod:`~data.importer.report`: the violations (capped) and warnings the checks report into, and how a message
  quotes a value;
- :mod:`~data.importer.values`: one column's cells into typed values;
- :mod:`~data.importer.parse`: one file's header, rows and columns;
- :mod:`~data.importer.file_rules`: rules within one file (unique keys, dates in a row, lock days, competences);
- :mod:`~data.importer.cpr`: personal-data screening of every cell of the upload;
- :mod:`~data.importer.stored`: what is already stored, as the importer reads it;
- :mod:`~data.importer.bounds` and :mod:`~data.importer.quality`: a date against its tilbud's approval and
  closing, and the quality model's applicability, as the rules across files use them;
- :mod:`~data.importer.cross_checks`: rules across files and against the stored rows;
- :mod:`~data.importer.upload_warnings`: warnings about the upload as a whole;
- :mod:`~data.importer.results`: :class:`ImportResult` and :class:`FileReport`;
- :mod:`~data.importer.check`: :func:`read_upload` and :func:`check_upload`, the order of the rules.
"""

from data.importer.check import check_upload, read_upload
from data.importer.cross_checks import THEME_SCORE_TOLERANCE
from data.importer.masking import mask_cpr
from data.importer.parse import FRACTION_WARNING_MIN_VALUES, MAX_NAMED_COLUMNS
from data.importer.report import MAX_REPORTED, MAX_WARNINGS_PER_RULE, shown_warnings, upload_level_first
from data.importer.results import FileReport, ImportResult
from data.importer.stored import REFERENCE_TABLES, StoredData
from data.importer.upload_warnings import (
    ABSENT_FILE_WARNINGS,
    CASE_TWIN_TABLES,
    EMPTY_FILE_WARNINGS,
    MAX_CASE_TWINS,
    SHORT_EXPORT_MONTHS,
    absent_file_warnings,
    case_twin_warnings,
    competence_gap_warnings,
    short_export_warning,
)

__all__ = [
    "ABSENT_FILE_WARNINGS",
    "CASE_TWIN_TABLES",
    "EMPTY_FILE_WARNINGS",
    "FRACTION_WARNING_MIN_VALUES",
    "MAX_CASE_TWINS",
    "MAX_NAMED_COLUMNS",
    "MAX_REPORTED",
    "MAX_WARNINGS_PER_RULE",
    "REFERENCE_TABLES",
    "SHORT_EXPORT_MONTHS",
    "THEME_SCORE_TOLERANCE",
    "FileReport",
    "ImportResult",
    "StoredData",
    "absent_file_warnings",
    "case_twin_warnings",
    "check_upload",
    "competence_gap_warnings",
    "mask_cpr",
    "read_upload",
    "short_export_warning",
    "shown_warnings",
    "upload_level_first",
]
