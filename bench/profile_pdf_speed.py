"""Where the time of one Tilbudsprofil's PDF goes, as ``tilsynsplan report facility ID --out X.pdf`` makes it (a new
process: imports, loading the stored data, scoring every tilbud, one explanation) and as the web app makes it
(``GET /api/v1/reports/facility/ID?format=pdf``: the stored data and the scoring kept in the process).

    .venv/bin/python bench/profile_pdf_speed.py --home DIR [--facility T10214] [--repeat 3]

``DIR`` is a home with stored data (e.g. the one ``tilsynsplan demo`` made; set ``TILSYNSPLAN_TODAY`` to the day the
demo was made as of, or the model is trained again). Printed, CPU seconds beside wall-clock seconds (on a shared
machine wall-clock seconds vary by half; CPU seconds much less):

1. the CLI command in a child process, as a user waits for it (median of ``--repeat``);
2. a new process's steps one by one (a child of this script): imports, loading the data, scoring every active
   tilbud, the explanation (SHAP) of one, the rest of the context, the HTML (charts), WeasyPrint's layout and its
   tagged write (the explanation's step includes importing shap, once a process);
3. the warm path of a long-running process (the web app): the context, HTML and PDF of the next ``--repeat``
   tilbud, the data and the scoring kept;
4. the baseline in this process: one tilbud's SHAP values by a new ``shap.TreeExplainer`` per call (as before)
   against ``RiskEngine.contributions`` (the booster's explainer kept), their ratio, and that they are equal;
5. the web app's first Tilbudsprofil PDF after a start (``GET /api/v1/reports/facility/ID?format=pdf`` through
   FastAPI's ``TestClient``): nothing kept (as before), and after the warm-up ``tilsynsplan serve`` now starts in a
   background thread (:func:`api.services.risk.warm_up`, timed apart), taken in turn ``--repeat`` times;
6. a leader's page and then its PDF (``GET /tilbud/ID``, then the PDF), warm: the PDF with its charts drawn again
   (the kept charts dropped between the two, as before) and with the page's charts kept
   (:func:`reports.charts._kept`), for ``--repeat`` tilbud each.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def cli_runs(home: Path, facility: str, repeat: int) -> None:
    """The CLI command in a child process, ``repeat`` times: wall-clock and CPU seconds (the child's own)."""
    walls, cpus = [], []
    with tempfile.TemporaryDirectory(prefix="profile-pdf-") as tmp:
        out = Path(tmp) / f"{facility}.pdf"
        command = [sys.executable, "-m", "api.cli", "--home", str(home), "report", "facility", facility, "--out"]
        for _ in range(repeat):
            cpu, wall = _child_cpu(), time.perf_counter()
            subprocess.run([*command, str(out)], env=_env(), check=True, capture_output=True)
            walls.append(time.perf_counter() - wall)
            cpus.append(_child_cpu() - cpu)
        size = out.stat().st_size
    print(
        f"1. tilsynsplan report facility {facility} --out {facility}.pdf (new process, median of {repeat}): "
        f"{statistics.median(walls):.1f} s (CPU {statistics.median(cpus):.1f} s), {size // 1024} kB"
    )


def steps(home: Path, facility: str) -> list[tuple[str, float, float]]:
    """A new process's steps (run by ``--steps`` in a child): ``(step, wall s, CPU s)``."""
    laps: list[tuple[str, float, float]] = []
    mark = [time.perf_counter(), time.process_time()]

    def lap(name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        laps.append((name, wall - mark[0], cpu - mark[1]))
        mark[0], mark[1] = wall, cpu

    from api.services.national import stored_data
    from api.services.reports import facility_report
    from api.services.risk import _model_for, explain_stored
    from data.settings import Settings
    from data.store import database
    from reports.html import render_html
    from reports.pdf import layout_pdf, write_pdf

    lap("imports")
    settings = Settings(home=home)
    day = settings.as_of_or_today(None)
    with database(settings) as engine:
        data = stored_data(engine)
    lap("loading the stored data")
    stored, _, _ = _model_for(settings, data.dataset, day, None, may_train=False)
    data.scoring(stored, day)
    lap("scoring every active tilbud")
    explain_stored(settings, data, facility, day)
    lap("one tilbud's explanation (SHAP)")
    context = facility_report(settings, facility, authorised=True, may_train=False)  # the rest: kept data reused
    lap("the rest of the context")
    html = render_html(context)
    lap("HTML (charts, template)")
    document = layout_pdf(html)
    lap("WeasyPrint layout")
    write_pdf(document)
    lap("tagged PDF write")
    return laps


def other_facilities(home: Path, facility: str, count: int) -> list[str]:
    """The ``count`` riskiest active tilbud other than ``facility``, from the kept scoring (a risk list would store a
    risk run, and the write would make the next profile load the data again)."""
    from api.services.national import stored_data
    from api.services.risk import _model_for
    from data.settings import Settings
    from data.store import database

    settings = Settings(home=home)
    day = settings.as_of_or_today(None)
    with database(settings) as engine:
        data = stored_data(engine)
    stored, _, _ = _model_for(settings, data.dataset, day, None, may_train=False)
    risk = data.scoring(stored, day).risk.sort_values(ascending=False, kind="stable")
    return [str(fid) for fid in risk.index if fid != facility][:count]


def warm_runs(home: Path, facility: str, repeat: int) -> None:
    """The web app's path: one profile made first (loads and scores), then the next ``repeat`` tilbud."""
    from api.services.reports import facility_report
    from data.settings import Settings
    from reports.html import render_html
    from reports.pdf import layout_pdf, write_pdf

    settings = Settings(home=home)
    facility_report(settings, facility, authorised=True, may_train=False)
    ids = other_facilities(home, facility, repeat)
    parts: dict[str, list[float]] = {"context": [], "HTML": [], "layout": [], "tagged write": []}
    for fid in ids[:repeat]:
        cpu = time.process_time()
        context = facility_report(settings, fid, authorised=True, may_train=False)
        parts["context"].append(time.process_time() - cpu)
        cpu = time.process_time()
        html = render_html(context)
        parts["HTML"].append(time.process_time() - cpu)
        cpu = time.process_time()
        document = layout_pdf(html)
        parts["layout"].append(time.process_time() - cpu)
        cpu = time.process_time()
        write_pdf(document)
        parts["tagged write"].append(time.process_time() - cpu)
    medians = {k: statistics.median(v) for k, v in parts.items()}
    shown = ", ".join(f"{k} {v:.2f} s" for k, v in medians.items())
    print(
        f"3. warm (the web app, data and scoring kept), median CPU of {len(parts['context'])} other tilbud: "
        f"{sum(medians.values()):.2f} s = {shown}"
    )


def shap_baseline(home: Path, facility: str, repeat: int) -> None:
    """One tilbud's SHAP values by a new shap.TreeExplainer (before) and by the kept one (now), in this process."""
    import numpy as np
    import shap

    from api.services.national import stored_data
    from api.services.risk import _model_for
    from data.settings import Settings
    from data.store import database

    settings = Settings(home=home)
    day = settings.as_of_or_today(None)
    with database(settings) as engine:
        data = stored_data(engine)
    stored, _, _ = _model_for(settings, data.dataset, day, None, may_train=False)
    engine_ = stored.model.engine_
    if engine_ is None:
        print("4. the stored model has no LightGBM part (a cold start): no SHAP baseline")
        return
    features = data.scoring(stored, day).features
    one = features[features.index == facility]

    def before() -> np.ndarray:
        explainer = shap.TreeExplainer(engine_.booster_)
        return np.asarray(explainer.shap_values(engine_.matrix(one)), dtype=float)

    def now() -> np.ndarray:
        return engine_.contributions(one)[0].to_numpy()

    def cpu_median(fn: Callable[[], object]) -> float:
        times = []
        for _ in range(repeat):
            cpu = time.process_time()
            fn()
            times.append(time.process_time() - cpu)
        return statistics.median(times)

    a = engine_.link_[0]
    same = bool(np.array_equal(a * before(), now()))
    old, new = cpu_median(before), cpu_median(now)
    print(
        f"4. one tilbud's SHAP values in this process (median CPU of {repeat}): new TreeExplainer {old:.3f} s, "
        f"kept explainer {new:.3f} s ({old / max(new, 1e-9):.0f} x); equal bit for bit: {same}"
    )


def first_request(home: Path, facility: str, repeat: int) -> None:
    """The web app's first profile PDF after a start, with and without the warm-up, in turn (CPU of this process)."""
    import warnings

    with warnings.catch_warnings():  # starlette's note on httpx, printed on import
        warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient` is deprecated")
        from fastapi.testclient import TestClient

    from api.app import create_app
    from api.services.national import drop_kept
    from api.services.risk import warm_up
    from data.settings import Settings
    from reports.charts import drop_kept_charts

    settings = Settings(home=home)
    client = TestClient(create_app(settings))
    path = f"/api/v1/reports/facility/{facility}?format=pdf"
    cold: list[float] = []
    warmed: list[float] = []
    warm_ups: list[float] = []
    for _ in range(repeat):
        for warm in (False, True):
            drop_kept()
            drop_kept_charts()  # a start keeps no charts either
            if warm:
                cpu = time.process_time()
                warm_up(settings)
                warm_ups.append(time.process_time() - cpu)
            cpu = time.process_time()
            response = client.get(path)
            assert response.status_code == 200, response.text[:300]
            (warmed if warm else cold).append(time.process_time() - cpu)
    print(
        f"5. the web app's first profile PDF after a start (median CPU of {repeat}): {statistics.median(cold):.2f} s "
        f"with nothing kept, {statistics.median(warmed):.2f} s after the warm-up (which took "
        f"{statistics.median(warm_ups):.2f} s at start, in the background)"
    )


def page_then_pdf(home: Path, facility: str, repeat: int) -> None:
    """A facility's web page and then its PDF, warm; the PDF's CPU with the page's charts dropped and kept."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient` is deprecated")
        from fastapi.testclient import TestClient

    from api.app import create_app
    from data.settings import Settings
    from reports.charts import drop_kept_charts

    settings = Settings(home=home)
    client = TestClient(create_app(settings))
    ids = other_facilities(home, facility, 2 * repeat)
    assert client.get(f"/tilbud/{facility}").status_code == 200  # loads and scores once
    figures: dict[bool, list[float]] = {False: [], True: []}
    for i, fid in enumerate(ids[: 2 * repeat]):
        keep = bool(i % 2)
        assert client.get(f"/tilbud/{fid}").status_code == 200
        if not keep:
            drop_kept_charts()
        cpu = time.process_time()
        assert client.get(f"/api/v1/reports/facility/{fid}?format=pdf").status_code == 200
        figures[keep].append(time.process_time() - cpu)
    before, after = statistics.median(figures[False]), statistics.median(figures[True])
    print(
        f"6. a profile's PDF right after its page (warm, median CPU of {repeat} tilbud each): {before:.2f} s drawing "
        f"its charts again, {after:.2f} s with the page's charts kept ({before / max(after, 1e-9):.2f} x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="a home with stored data and a model")
    parser.add_argument("--facility", default="T10214", help="the tilbud (default T10214, the demo's example)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median; default 3)")
    parser.add_argument("--steps", action="store_true", help=argparse.SUPPRESS)  # the child of step 2
    args = parser.parse_args()
    home = args.home.resolve()
    if args.steps:
        print(json.dumps(steps(home, args.facility)))
        return
    cli_runs(home, args.facility, args.repeat)
    done = subprocess.run(
        [sys.executable, __file__, "--home", str(home), "--facility", args.facility, "--steps"],
        env=_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    laps = json.loads(done.stdout.strip().splitlines()[-1])
    report = laps
    print(
        f"2. a new process, step by step: {sum(lap[1] for lap in report):.1f} s "
        f"(CPU {sum(lap[2] for lap in report):.1f} s)"
    )
    for name, wall, cpu in laps:
        print(f"     {name:46s} {wall:6.2f} s (CPU {cpu:5.2f} s)")
    warm_runs(home, args.facility, args.repeat)
    shap_baseline(home, args.facility, args.repeat)
    first_request(home, args.facility, args.repeat)
    page_then_pdf(home, args.facility, args.repeat)


if __name__ == "__main__":
    main()
