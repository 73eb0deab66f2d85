"""Where the time of a plan's PDF goes: loading the plan and building its context, rendering the HTML, and
WeasyPrint's layout, for a reader and for a planner (who also gets the unannounced visits' dates).

    .venv/bin/python bench/plan_pdf_speed.py --home DIR [--plan 1] [--repeat 2]

``DIR`` is a home with a stored plan (e.g. the one ``tilsynsplan demo`` made: a national plan of about
2,000 tilbud). The planner's PDF of the demo's national plan took 10-15 s through the web app; WeasyPrint's
automatic table layout (measuring every cell's text) was more than half of it, now avoided in print with
fixed column widths for the plan's long tables (``reports/templates/partials/report.css``).

WeasyPrint's figures (:mod:`bench.pdf_meter`): the layout and the tagged write as served (PDF/UA-1) with their
CPU seconds and peak resident memory, and the untagged write of the same layout as a baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.services import reports
from bench.pdf_meter import PdfFigures, measure_pdf
from data.settings import Settings
from reports.html import render_html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="a home with a stored plan")
    parser.add_argument("--plan", type=int, default=1, help="the plan's id (default 1)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per reader (median; default 2)")
    args = parser.parse_args()
    settings = Settings(home=args.home)
    for authorised in (False, True):
        build, html_s = [], []
        figures: list[PdfFigures] = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            context = reports.plan_report(settings, args.plan, authorised=authorised)
            t1 = time.perf_counter()
            html = render_html(context)
            t2 = time.perf_counter()
            figures.append(measure_pdf(html))
            build.append(t1 - t0)
            html_s.append(t2 - t1)
        who = "planner" if authorised else "reader "
        median = sorted(figures, key=lambda f: f.cpu_s)[(len(figures) - 1) // 2]  # the run of median CPU time
        print(
            f"{who}: data and context {statistics.median(build):.2f} s, HTML {statistics.median(html_s):.2f} s, "
            f"WeasyPrint {statistics.median(f.wall_s for f in figures):.2f} s (CPU {median.cpu_s:.2f} s), "
            f"{len(median.pdf) // 1024} kB\n    {median.summary()}"
        )


if __name__ == "__main__":
    main()
