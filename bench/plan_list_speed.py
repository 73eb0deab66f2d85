"""How long the plan lists take now that they flag a stored plan the data changed under (``data_status``).

    .venv/bin/python bench/plan_list_speed.py --home DIR [--plans 20] [--repeat 3] [--cli 3]

The code measured is the first folder of ``PYTHONPATH`` (``PYTHONPATH=/tmp/base`` for a worktree of ``main``: the
baseline), else this script's repository. ``DIR`` is a home with a stored plan (e.g. the one ``tilsynsplan demo``
made). Its database is copied to a temporary home (``DIR`` is not changed), plan 1 is stored again through the plan
store until there are ``--plans`` plans, and the first stored lock is unlocked (an import batch: every plan's data
changed since it was made). Then, in this process:

* the list without the flag (``plans``: the headers only), the baseline;
* the flag worked out one plan at a time as a plan page does (``plan_data_changes`` per plan, each plan loaded
  whole): the reference the list's answers are checked against;
* the list's flag for the first list after a change (``plans_freshness`` with its memory cleared), for a planner and
  for a reader, and again with the memory (what a web list shown again costs);

and ``tilsynsplan plan list`` as a fresh process (what a planner waits for), beside ``python -c "import api.cli"``
(its start-up). Prints medians of ``--repeat`` runs (``--cli`` for the processes, with their CPU time).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# the code measured: the first folder of PYTHONPATH when it is set (another worktree, for a baseline), else this
# script's repository
sys.path.insert(0, os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or str(Path(__file__).resolve().parents[1]))

from api.services import plans as plan_service
from api.services.locks import unlock_visit
from data.lock_store import load_locked_visits
from data.plan_store import load_plan, save_plan
from data.settings import Settings
from data.store import database

CODE = Path(plan_service.__file__).resolve().parents[2]


def _median(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _prepare(source: Path, home: Path, count: int) -> Settings:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "tilsynsplan.db", home / "tilsynsplan.db")
    settings = Settings(home=home)
    with database(settings) as engine:
        first = load_plan(engine, 1)
        for _ in range(count - len(plan_service.plans(settings))):
            save_plan(
                engine,
                plan_service.plan_from_stored(first),
                risk_run_id=first.risk_run_id,
                settings=first.settings,
                data_basis=first.data_basis,
            )
        locks = load_locked_visits(engine)
    if len(locks):
        unlock_visit(settings, str(locks["facility_id"].iloc[0]), locks["date"].iloc[0])
    else:
        print("(the home has no locked visit to unlock: the plans are compared with unchanged data)")
    return settings


def _by_plan(settings: Settings, authorised: bool) -> dict[int, object]:
    out: dict[int, object] = {}
    for info in plan_service.plans(settings):
        stored = plan_service.show_plan(settings, info.id)
        out[info.id] = plan_service.plan_data_changes(settings, stored).seen_by(authorised).freshness
    return out


def _fresh(settings: Settings, authorised: bool) -> dict[int, object]:
    plan_service._FRESHNESS.clear()  # the first list after a change
    return dict(plan_service.plans_freshness(settings, plan_service.plans(settings), authorised))


def _process(args: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    """The median wall time of ``repeat`` runs and their median CPU time (user and system: on shared cores the
    steadier figure)."""
    cpu: list[float] = []

    def run() -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)

    return _median(run, repeat)[0], statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="a home with a stored plan (plan 1)")
    parser.add_argument("--plans", type=int, default=20, help="plans to list (default 20)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per in-process figure (median; default 3)")
    parser.add_argument("--cli", type=int, default=3, help="runs per process figure (median; default 3; 0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="plan_list_speed_") as tmp:
        settings = _prepare(args.home, Path(tmp) / "home", args.plans)
        infos = plan_service.plans(settings)
        visits = sum(i.visit_count for i in infos)
        print(f"code {CODE}: {len(infos)} plans, {visits:,} visits in all, after an unlock")
        headers, _ = _median(lambda: plan_service.plans(settings), args.repeat)
        print(f"list without the flag (headers):           {headers:.3f} s")
        for authorised in (True, False):
            who = "planner" if authorised else "reader "
            one_by_one, expected = _median(lambda a=authorised: _by_plan(settings, a), args.repeat)  # type: ignore[misc]
            cold, got = _median(lambda a=authorised: _fresh(settings, a), args.repeat)  # type: ignore[misc]
            warm, again = _median(
                lambda a=authorised: plan_service.plans_freshness(settings, infos, a),  # type: ignore[misc]
                args.repeat,
            )
            same = "same" if got == expected and again == expected else "DIFFERENT"
            counts = statistics.multimode([str(v) for v in expected.values()])  # type: ignore[union-attr]
            print(
                f"{who}: flag one plan at a time {one_by_one:.3f} s; the list's flag first after a change "
                f"{cold:.3f} s, remembered {warm:.3f} s ({same} answers as the plan pages; mostly {', '.join(counts)})"
            )
        if args.cli:
            env = {**os.environ, "PYTHONPATH": str(CODE)}
            exe = [sys.executable, "-c", "from api.cli import main; main()", "--home", str(settings.home)]
            start, start_cpu = _process([sys.executable, "-c", "import api.cli"], env, args.cli)
            shown, shown_cpu = _process([*exe, "plan", "list"], env, args.cli)
            print(
                f"process: import api.cli {start:.2f} s (CPU {start_cpu:.2f} s); tilsynsplan plan list {shown:.2f} s "
                f"(CPU {shown_cpu:.2f} s; the remembered flags are this process's: every plan list starts cold)"
            )


if __name__ == "__main__":
    main()
