"""The demo: synthetic Denmark -> import -> train -> score -> plan the next quarter -> the four reports.

``make demo`` runs ``tilsynsplan demo``, which calls :func:`run_demo`. Every step is the same service
the CLI and the HTTP app use; the demo only chains them and records how long each took.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from api.services.imports import ImportOutcome, import_upload
from api.services.plans import create_plan
from api.services.reports import WrittenReport, build_report, write_context, write_report
from api.services.risk import ScoreResult, TrainReport, score_facilities, train_model
from api.services.synthetic import GeneratedWorld, generate_to_dir, world_config
from data.calendar import next_quarter, quarter_bounds, quarter_of
from data.plan_store import StoredPlan
from data.settings import Settings

#: The steps :func:`run_demo` reports through ``progress`` (for a progress bar's total).
STEPS = 6

#: Rows in the table of the printed (PDF) risk list; the HTML list holds every facility.
PDF_RISK_ROWS = 100


@dataclass
class DemoResult:
    """What the demo made, with the seconds each step took."""

    world: GeneratedWorld | None = None
    imported: ImportOutcome | None = None
    trained: TrainReport | None = None
    scored: ScoreResult | None = None
    plan: StoredPlan | None = None
    reports: list[WrittenReport] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def run_demo(
    settings: Settings,
    *,
    facilities: int = 2000,
    seed: int | None = None,
    quarter: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run the whole chain on the built-in synthetic dataset and write the reports to ``settings.report_dir``.

    Re-runnable: the world is regenerated identically (same seed and date), the import is an upsert
    (nothing changes the second time), and a new model, risk run, plan and reports are written.
    """
    step = progress or (lambda _message: None)
    result = DemoResult()

    @contextmanager
    def timed(name: str, message: str) -> Iterator[None]:
        step(message)
        started = time.perf_counter()
        yield
        result.seconds[name] = time.perf_counter() - started

    today = settings.effective_today()
    quarter = quarter or next_quarter(today)
    config = world_config(settings, seed=seed, facilities=facilities, as_of=today)
    with timed("generate", "Genererer syntetisk Danmark"):
        result.world = generate_to_dir(settings.home / "demo", config)
    with timed("import", "Importerer datasættet"):
        result.imported = import_upload(settings, result.world.data_dir, label="demo: syntetisk Danmark")
    with timed("train", "Træner risikomodellen"):
        result.trained = train_model(settings, as_of=today)
    with timed("score", "Beregner risiko for alle tilbud"):
        # Also as of the last day of the previous quarter, so the risk list can show the change since
        # last quarter (a running installation has that run from last quarter; the demo starts empty).
        previous_quarter_end = quarter_bounds(quarter_of(today))[0] - dt.timedelta(days=1)
        score_facilities(settings, as_of=previous_quarter_end, model_version=result.trained.version)
        result.scored = score_facilities(settings, as_of=today, model_version=result.trained.version)
    with timed("plan", f"Planlægger {quarter}"):
        result.plan = create_plan(settings, quarter, as_of=today)
    with timed("reports", "Skriver rapporter"):
        result.reports = _write_reports(settings, result.scored, result.plan)
    return result


def _write_reports(settings: Settings, scored: ScoreResult, plan: StoredPlan) -> list[WrittenReport]:
    """The four reports: each context built once, written as HTML and PDF (the printed risk list holds
    the top ``PDF_RISK_ROWS``). The demo's reader is the planner who made the plan, so the facility
    profile and the plan include the confidential unannounced dates."""
    out = settings.report_dir
    riskiest = str(scored.scores.iloc[0]["facility_id"])
    written = [
        write_report(settings, "risk", out / "risikoliste.html", result=scored),
        write_report(settings, "risk", out / f"risikoliste-top{PDF_RISK_ROWS}.pdf", result=scored, top=PDF_RISK_ROWS),
    ]
    contexts = {
        f"tilbudsprofil-{riskiest}": build_report(settings, "facility", riskiest, authorised=True),
        f"kvartalsplan-{plan.quarter}": build_report(settings, "plan", str(plan.id), authorised=True),
        "modelkort": build_report(settings, "model"),
    }
    for stem, context in contexts.items():
        written.extend(write_context(context, out / f"{stem}.{suffix}") for suffix in ("html", "pdf"))
    return written
