"""How long do the reports take on the default national synthetic dataset (~2,000 facilities)?

    .venv/bin/python bench/report_speed.py              # generate, import, train, then time the reports
    .venv/bin/python bench/report_speed.py --keep DIR   # keep the home (database, model, reports) in DIR

Setup (timed, not part of the target): generate ``WorldConfig()`` with ``data.synthetic``, import it into
a fresh SQLite home, train the risk model as of the quarter before, score that quarter (the "previous
run" for the change column) and score today (``score_facilities``).

Timed, each on its own (median of ``--repeat`` runs):
- the national Risikoliste: building its context from the scores (``risk_report(result=...)``: the
  previous run from the database, filters, fairness box) and rendering the HTML (charts + template).
  Target: under 5 s on 2 cores. Its PDF (WeasyPrint) is timed once and printed beside it, and so is
  the PDF of the 100 riskiest (``top``);
- the same for one authority's list, one Tilbudsprofil (including ``explain_facility``), the Modelkort;
- each PDF (:mod:`bench.pdf_meter`): wall-clock and CPU seconds, pages, bytes and peak resident memory as served
  (tagged PDF/UA-1: layout, then the tagged write), and the untagged write of the same layout as a baseline;
- one facility's web page as a reader's browser gets it (``GET /tilbud/<id>`` through the FastAPI app with
  ``TestClient``): the first page after a start (it loads the stored data and scores every facility once,
  :mod:`api.services.national`), the median of the next pages (other facilities), an unknown id (404) and
  one facility's explanation (``GET /api/v1/facilities/<id>/explanation``). Target: a page under 1 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with warnings.catch_warnings():  # starlette's note on httpx, printed on import (ignored by pytest too)
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

from api.app import create_app
from api.services import imports
from api.services.national import drop_kept
from api.services.reports import facility_report, model_report, risk_report
from api.services.risk import score_facilities, train_model
from bench.pdf_meter import measure_pdf
from data.calendar import add_months
from data.settings import Settings
from data.synthetic import WorldConfig, generate_world, write_world
from reports.html import render_html

TARGET_S = 5.0
PAGE_TARGET_S = 1.0
SHORT_TOP = 100
T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    t0 = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t0


def median_time(fn: Callable[[], object], repeat: int) -> float:
    return statistics.median(timed(fn)[1] for _ in range(repeat))


def page_timings(settings: Settings, ids: list[str], repeat: int) -> None:
    """Time one facility's page, an unknown id and one explanation through the app (a reader, no token)."""
    drop_kept()  # the first page after a start: nothing kept yet
    client = TestClient(create_app(settings))

    def get(path: str, status: int = 200) -> Callable[[], None]:
        def fetch() -> None:
            response = client.get(path)
            assert response.status_code == status, (path, response.status_code, response.text[:300])

        return fetch

    _, first = timed(get(f"/tilbud/{ids[0]}"))
    nexts = [timed(get(f"/tilbud/{fid}"))[1] for fid in ids[1 : repeat + 1]]
    page = statistics.median(nexts)
    verdict = "OK" if page < PAGE_TARGET_S else f"MISSED by {page - PAGE_TARGET_S:.2f} s"
    print(f"  Tilbudsprofil page GET /tilbud/{ids[0]}: first after start {first:.2f} s (loads and scores once)")
    print(
        f"  Tilbudsprofil page, next {len(nexts)} facilities: median {page:.2f} s "
        f"(target < {PAGE_TARGET_S:.0f} s: {verdict})"
    )
    missing = median_time(get("/tilbud/UKENDT-ID", 404), repeat)
    explanation = median_time(get(f"/api/v1/facilities/{ids[-1]}/explanation"), repeat)
    print(f"  unknown id (404) {missing:.2f} s; explanation JSON {explanation:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="keep the home folder here")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--facilities", type=int, default=2000)
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="report-speed-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        config = WorldConfig(facilities=args.facilities)
        as_of = config.resolved_as_of()
        settings = Settings(home=root / "home", database_url="", today=as_of)
        print(f"Synthetic Denmark: {config.facilities} facilities, as of {as_of}; home {settings.home}")

        world, s = timed(lambda: generate_world(config))
        write_world(world, root / "world")
        print(f"  generate + write     {s:7.1f} s")
        _, s = timed(lambda: imports.import_upload(settings, root / "world" / "data"))
        print(f"  import               {s:7.1f} s")
        previous = add_months(as_of, -3)
        _, s = timed(lambda: train_model(settings, as_of=previous))
        print(f"  train (as of {previous}) {s:5.1f} s")
        _, s = timed(lambda: score_facilities(settings, as_of=previous))
        print(f"  score previous run   {s:7.1f} s")
        result, s = timed(lambda: score_facilities(settings, as_of=as_of))
        print(f"  score today          {s:7.1f} s   ({len(result.scores)} active facilities)")

        print(f"\nTimings (median of {args.repeat}):")
        national = risk_report(settings, result=result)
        build = median_time(lambda: risk_report(settings, result=result), args.repeat)
        html = render_html(national)
        render = median_time(lambda: render_html(national), args.repeat)
        total = national_total = build + render
        verdict = "OK" if total < TARGET_S else f"MISSED by {total - TARGET_S:.2f} s"
        print(
            f"  Risikoliste national: {len(national.rows)} rows, build {build:.2f} s + HTML {render:.2f} s "
            f"= {total:.2f} s (target < {TARGET_S:.0f} s: {verdict}); {len(html) / 1e6:.1f} MB"
        )
        print(f"  Risikoliste national PDF (A4 landscape): {measure_pdf(html).summary()}")
        short = measure_pdf(render_html(risk_report(settings, result=result, top=SHORT_TOP)))
        print(f"  Risikoliste national PDF, top {SHORT_TOP} (?top=, --top): {short.summary()}")

        midt = risk_report(settings, authority="midt", result=result)
        build = median_time(lambda: risk_report(settings, authority="midt", result=result), args.repeat)
        render = median_time(lambda: render_html(midt), args.repeat)
        print(f"  Risikoliste Midt: {len(midt.rows)} rows, build {build:.2f} s + HTML {render:.2f} s")
        print(f"    PDF: {measure_pdf(render_html(midt)).summary()}")

        fid = national.rows[0].facility_id
        profile, build = timed(lambda: facility_report(settings, fid, as_of=as_of, authorised=True))
        render = median_time(lambda: render_html(profile), args.repeat)
        print(f"  Tilbudsprofil {fid}: build {build:.2f} s (incl. explain) + HTML {render:.2f} s")
        print(f"    PDF: {measure_pdf(render_html(profile)).summary()}")

        page_timings(settings, [row.facility_id for row in national.rows[: args.repeat + 1]], args.repeat)

        card, build = timed(lambda: model_report(settings))
        render = median_time(lambda: render_html(card), args.repeat)
        print(f"  Modelkort: build {build:.2f} s + HTML {render:.2f} s")
        print(f"    PDF: {measure_pdf(render_html(card)).summary()}")
        if args.keep:
            out = args.keep / "reports"
            out.mkdir(exist_ok=True)
            (out / "risikoliste.html").write_text(html, encoding="utf-8")
            print(f"\nKept in {args.keep}")
        return 0 if national_total < TARGET_S else 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
