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

With ``--big-use-of-force ROWS`` it measures time *and memory* of a large upload instead: a small world
(``--facilities``, default 200) whose ``use_of_force.csv`` is replaced by ROWS monthly counts (every tilbud, every
month of the six years, as many ``kind`` values as it takes; 2,200,000 rows are about 50 MB). Validate + first
import and validate + re-import (all unchanged) each run in a fresh process, as ``tilsynsplan import`` does, and the
peak resident memory of each phase is read from ``/proc/self/status`` (``VmHWM``, reset between phases through
``/proc/self/clear_refs``; Linux only, else the process peak from ``resource.getrusage``). With ``PYTHONPATH`` set, the
code found there is measured (``PYTHONPATH=../before python bench/import_speed.py ...`` for a before-and-after).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# this checkout's code, unless PYTHONPATH names another (the same script measuring an older checkout: it was put first
# and measured itself)
if os.environ.get("PYTHONPATH"):
    sys.path.append(str(Path(__file__).resolve().parents[1]))
else:
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


def peak_rss_mb(reset: bool = False) -> float:
    """The process's peak resident memory in MB since the last reset (``reset``: start a new peak afterwards)."""
    status = Path("/proc/self/status")
    peak = None
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    if peak is None:  # no /proc: the process's peak (kB on Linux)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if reset:
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    return peak


def write_big_use_of_force(folder: Path, rows: int) -> int:
    """Replace ``folder/use_of_force.csv`` by ``rows`` monthly counts (every tilbud x every month of the world's
    history x ``k01``, ``k02``, ... kinds, cut at ``rows``); returns the file's size in bytes."""
    import numpy as np
    import pandas as pd

    facilities = pd.read_csv(folder / "facilities.csv", dtype=str)["facility_id"].tolist()
    old = pd.read_csv(folder / "use_of_force.csv", dtype=str)
    months = sorted(old["month"].unique().tolist())
    kinds_needed = -(-rows // (len(facilities) * len(months)))
    kinds = [f"k{i:02d}" for i in range(1, kinds_needed + 1)]
    grid = pd.MultiIndex.from_product([facilities, months, kinds], names=["facility_id", "month", "kind"])
    frame = grid.to_frame(index=False).iloc[:rows]
    frame.insert(2, "count", np.random.default_rng(0).poisson(0.5, len(frame)))
    path = folder / "use_of_force.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path.stat().st_size


def import_once(folder: Path, db: Path, today: dt.date) -> dict[str, float | int]:
    """Validate + store ``folder`` into ``db`` in this process; seconds and peak memory (MB) of each phase."""
    peak_rss_mb(reset=True)
    settings = Settings(home=db.parent, database_url=f"sqlite:///{db}")
    t0 = time.perf_counter()
    engine = open_database(settings)
    result = read_upload(folder, today=today, existing=StoredTables(engine))
    t_validate = time.perf_counter() - t0
    peak_validate = peak_rss_mb(reset=True)
    t0 = time.perf_counter()
    summary = save_upload(engine, result, str(folder))
    t_store = time.perf_counter() - t0
    peak_store = peak_rss_mb()
    engine.dispose()
    return {
        "rows": result.total_rows,
        "validate_s": t_validate,
        "validate_mb": peak_validate,
        "store_s": t_store,
        "store_mb": peak_store,
        "inserted": summary.inserted,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
    }


def big_upload(work: Path, rows: int, facilities: int) -> None:
    """Time and memory of validate + import and of validate + re-import of a large ``use_of_force.csv``."""
    from data.synthetic import WorldConfig, generate_world, write_world

    config = WorldConfig(facilities=facilities)
    write_world(generate_world(config), work / "upload")
    folder, today = work / "upload" / "data", config.resolved_as_of()
    size = write_big_use_of_force(folder, rows)
    print(f"{facilities} tilbud, use_of_force.csv of {rows:,} rows ({size / 1e6:.0f} MB)")
    db = work / "bench.db"
    db.unlink(missing_ok=True)
    for label in ("first import", "re-import"):
        out = subprocess.run(
            [sys.executable, __file__, "--phase", str(folder), str(db), today.isoformat()],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{label:<13} validate {r['validate_s']:5.1f} s, peak {r['validate_mb']:5.0f} MB; "
            f"store {r['store_s']:5.1f} s, peak {r['store_mb']:5.0f} MB "
            f"(inserted {r['inserted']:,}, updated {r['updated']:,}, unchanged {r['unchanged']:,})"
        )


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
    parser.add_argument("--big-use-of-force", type=int, metavar="ROWS", help="time and memory of a large upload")
    parser.add_argument("--facilities", type=int, default=200, help="tilbud of the world with --big-use-of-force")
    parser.add_argument("--phase", nargs=3, metavar=("FOLDER", "DB", "TODAY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:  # one import in a fresh process (see big_upload)
        folder, db, today = args.phase
        print(json.dumps(import_once(Path(folder), Path(db), dt.date.fromisoformat(today))))
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="tilsynsplan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"cores available: {os.cpu_count()}; working in {work}")
    if args.big_use_of_force:
        big_upload(work, args.big_use_of_force, args.facilities)
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
        return

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
