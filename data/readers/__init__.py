"""Reading an upload into raw text tables: a folder of CSV files (the contract's files one sub-folder down
included), one ``.xlsx`` workbook, a ``.zip`` of CSV files, or a single CSV file.

This layer only turns bytes into cells. It knows the contract's *file names* but none of its rules:
every cell comes out as a stripped string (``""`` when empty), and the importer (:mod:`data.importer`)
checks them. What this layer does check, and reports as :class:`~data.errors.Violation`:

- a contract file that is not UTF-8 (with or without BOM), that is binary (an Excel workbook or a PDF
  saved as ``.csv``), or that is empty; a quote that is never closed, or one closed only in a later row so that
  a cell swallows whole rows; a tab-separated file;
- a zip member that cannot be unpacked (damaged, encrypted, an unsupported compression), a workbook
  that cannot be read or is not an ``.xlsx`` (an ``.xls`` or ``.ods`` renamed), and a workbook sheet
  whose cells reach far outside its table (calamine, which reads workbooks, would need the whole range
  in memory at once); a formula saved without its value in a contract column of a sheet (calamine reads it as an
  empty cell);
- an upload that holds none of the contract's files;
- a contract file with the wrong extension (``visits.xlsx`` inside a folder of CSV files), or under a near-miss
  name (``visits.csv.txt``; a copy's name such as ``visits (1).csv``), when ``visits.csv`` itself is not there
  (beside it such a file is ignored with a warning);
- a row with more fields than the header has, an empty one after the last column included unless the file makes
  a habit of it (one with fewer is the importer's: it knows which rows are no records at all);
- a file name given twice (``Facilities.csv`` and ``facilities.csv``).

Files and sheets that are not part of the contract give a warning and are ignored; the text of those that are text
(CSV, TXT and TSV files in UTF-8, workbook sheets) is still searched for CPR-like numbers, and the cells of one that
holds one are kept in :attr:`RawUpload.extra_tables` for the importer's CPR rule, which holds for the whole upload.
CSV files may be separated by ``,`` or ``;`` (detected from the header row). Row numbers are the ones a spreadsheet
shows: the header is row 1, the first data row is row 2; blank lines are skipped but counted.

The package, bottom up (each module imports only those above it):

- :mod:`~data.readers.raw`: :class:`RawTable` and :class:`RawUpload`, what reading produces;
- :mod:`~data.readers.cells`: cell-level clean-up (invisible characters, header names, composed Unicode, workbook
  values as text);
- :mod:`~data.readers.text`: CSV and text decoding (UTF-8, the delimiter, the CSV reader);
- :mod:`~data.readers.detection`: which contract file a name or a header stands for, copies and near-miss names;
- :mod:`~data.readers.records`: records into a :class:`RawTable`, with the checks of a row's shape;
- :mod:`~data.readers.csv_files`: a contract CSV file into a :class:`RawTable`;
- :mod:`~data.readers.sheet_xml`: what a workbook's XML says that calamine does not read;
- :mod:`~data.readers.limits`: the bounds on what an upload may unpack (zip bombs, a sheet's used range);
- :mod:`~data.readers.ignored`: files and sheets outside the contract, searched for CPR-like numbers;
- :mod:`~data.readers.workbook`: Excel workbooks, sheet by sheet;
- :mod:`~data.readers.containers`: :func:`read_upload_files`, a folder, zip, workbook or CSV file, file by file.

The limits are read by the modules that use them (:mod:`~data.readers.limits`, :mod:`~data.readers.ignored`):
setting ``data.readers.MAX_UNPACKED_BYTES`` changes neither; a test patches the module that reads it.
"""

from data.readers.cells import INVISIBLE, INVISIBLE_RE, JOINING_RE, bare_title, composed, loose_name
from data.readers.containers import read_upload_files
from data.readers.detection import (
    HEADER_SEARCH_ROWS,
    contract_file_of_header,
    find_header_row,
    header_not_first,
    looks_like_a_record,
)
from data.readers.limits import MAX_PACKING_RATIO, MAX_SHEET_CELLS, MAX_UNPACKED_BYTES
from data.readers.raw import RawTable, RawUpload, UnreadableFile
from data.readers.sheet_xml import column_letters
from data.readers.text import detect_delimiter, excel_delimiter_hint

__all__ = [
    "HEADER_SEARCH_ROWS",
    "INVISIBLE",
    "INVISIBLE_RE",
    "JOINING_RE",
    "MAX_PACKING_RATIO",
    "MAX_SHEET_CELLS",
    "MAX_UNPACKED_BYTES",
    "RawTable",
    "RawUpload",
    "UnreadableFile",
    "bare_title",
    "column_letters",
    "composed",
    "contract_file_of_header",
    "detect_delimiter",
    "excel_delimiter_hint",
    "find_header_row",
    "header_not_first",
    "looks_like_a_record",
    "loose_name",
    "read_upload_files",
]
