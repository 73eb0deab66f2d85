"""How long does it take to validate and import the default national synthetic dataset?

    .venv/bin/python bench/import_speed.py            # the default national dataset
    .venv/bin/python bench/import_speed.py --keep DIR # keep the CSV files and the database in DIR
    .venv/bin/python bench/import_speed.py --xlsx     # also: the same data as one .xlsx workbook

Generates the dataset with ``data.synthetic`` (``WorldConfig()``: ~2,000 facilities, 6 years), writes
it as CSV files (``write_world``), then times, each on its own: reading + checking every rule
(``read_upload``), storing into a fresh SQLite file (``save_upload``), and a second import of the same
files (everything unchanged). Target: the first validate + import under 30 s on 2 cores.

With ``--xlsx`` it also writes the same tables as one workbook (one sheet per file, as the contract
allows) and times validating it (reading the workbook + every rule; storing costs what it costs for
CSV). No target is set for workbooks; the figure tells a tilsyn what to expect.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.importer import read_upload
from data.settings import Settings
from data.store import StoredTables, open_database, save_upload

TARGET_S = 30.0


def generate(out: Path) -> tuple[Path, dt.date, float]:
    """Write the default national synthetic dataset as CSV files; returns (folder, its as-of date, seconds)."""
    from data.synthetic import WorldConfig, generate_world, write_world

    t0 = time.perf_counter()
    config = WorldConfig()
    world = generate_world(config)
    write_world(world, out)
    return out / "data", config.resolved_as_of(), time.perf_counter() - t0


def write_workbook(folder: Path, out: Path) -> None:
    """The CSV files of ``folder`` as one workbook, one sheet per file, every cell as text (openpyxl write-only)."""
    import csv

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for path in sorted(folder.glob("*.csv")):
        sheet = book.create_sheet(path.stem)
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                sheet.append(row)
    book.save(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--xlsx", action="store_true", help="also time validating the data as one .xlsx workbook")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="tilsynsplan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"cores available: {os.cpu_count()}; working in {work}")

    folder, today, seconds = generate(work / "upload")
    print(f"generated the default national dataset (as of {today}) in {seconds:.1f} s -> {folder}")

    db = work / "bench.db"
    db.unlink(missing_ok=True)
    settings = Settings(home=work, database_url=f"sqlite:///{db}")

    t0 = time.perf_counter()
    engine = open_database(settings)
    result = read_upload(folder, today=today, existing=StoredTables(engine))
    t_validate = time.perf_counter() - t0
    rows = result.total_rows

    t0 = time.perf_counter()
    summary = save_upload(engine, result, str(folder))
    t_store = time.perf_counter() - t0

    t0 = time.perf_counter()
    again = read_upload(folder, today=today, existing=StoredTables(engine))
    second = save_upload(engine, again, str(folder))
    t_again = time.perf_counter() - t0

    print()
    print(f"{'file':<18}{'rows':>10}")
    for name, report in result.files.items():
        print(f"{name:<18}{report.rows:>10,}")
    print(f"{'total':<18}{rows:>10,}")
    print()
    total = t_validate + t_store
    print(f"validate (read + every rule): {t_validate:6.1f} s  ({rows / t_validate:,.0f} rows/s)")
    print(f"import into fresh SQLite:     {t_store:6.1f} s  ({rows / t_store:,.0f} rows/s)")
    print(f"validate + import:            {total:6.1f} s  ({rows / total:,.0f} rows/s)   target < {TARGET_S:.0f} s")
    print(
        f"second import (same files):   {t_again:6.1f} s  "
        f"(inserted {second.inserted}, updated {second.updated}, unchanged {second.unchanged:,})"
    )
    size_mb = db.stat().st_size / 1e6
    print(f"first import: inserted {summary.inserted:,}, warnings {len(result.warnings)}; database {size_mb:.0f} MB")
    print("PASS" if total < TARGET_S else f"MISSED the target by {total - TARGET_S:.1f} s")
    if args.xlsx:
        workbook = work / "upload.xlsx"
        t0 = time.perf_counter()
        write_workbook(folder, workbook)
        t_write = time.perf_counter() - t0
        t0 = time.perf_counter()
        from_xlsx = read_upload(workbook, today=today, existing=StoredTables(engine))
        t_xlsx = time.perf_counter() - t0
        same = from_xlsx.total_rows == rows  # read_upload raises when anything is invalid
        print(
            f"xlsx workbook ({workbook.stat().st_size / 1e6:.0f} MB, written in {t_write:.0f} s): validate "
            f"{t_xlsx:6.1f} s ({rows / t_xlsx:,.0f} rows/s), {t_xlsx / t_validate:.1f} x the CSV folder; "
            f"{'same rows, valid' if same else 'DIFFERS from the CSV folder'}"
        )
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
