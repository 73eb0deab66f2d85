"""Risk services: train the model, score every active facility, explain one facility.

Shared by the CLI (``api/commands/model.py``), the planner's and reports' services and the HTTP app.
Each loads the stored data, uses (or trains) a stored model, and — for scoring — stores a risk run;
explaining one facility uses the data and national scoring kept by :mod:`api.services.national`.
Ranks and tiers are national: tier "høj" is the riskiest ``settings.top_tier_share`` of all active
facilities (10 %), "forhøjet" the next 20 %, "normal" the rest, so the same risk gets the same tier in
every authority. Equal risks share a tier (``models.risk_model.rank_and_tier``): a tier may then hold more
than its share, and an explanation carries its size so that the texts can say so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from api.services.national import StoredData, stored_data
from data.authorities import parse_authority
from data.dataset import Dataset
from data.errors import NoDataError, NotComputedError, NotFoundError, shown_value
from data.glossary import format_number_da, format_percent_da
from data.risk_store import RunHeader, latest_risk_run_header, save_risk_run
from data.settings import Settings
from data.store import (
    ImportBatch,
    database,
    database_exists,
    facility_count,
    facility_exists,
    import_batches,
    load_dataset,
)
from models.evaluation import metric_rows
from models.explain import FacilityExplanation
from models.fairness import FairnessAudit, fairness_audit
from models.risk_model import ELEVATED_TIER_SHARE, RiskModel, Scored, rank_and_tier, tier_sizes
from models.store import StoredModel, latest_version, list_models, load_model, save_model

log = logging.getLogger(__name__)

SCORE_COLUMNS = (
    "facility_id",
    "name",
    "authority",
    "facility_type",
    "ownership",
    "risk",
    "rank",
    "national_rank",
    "tier",
    "top_factors",
)


@dataclass(frozen=True)
class TrainReport:
    """A trained and stored model: its card (metrics, reliability, offsets), audit and importance."""

    version: str
    as_of: dt.date
    path: Path
    card: dict[str, Any]
    fairness: FairnessAudit
    importance: dict[str, float]
    notes: tuple[str, ...] = ()  # e.g. the data end long before the as-of date

    @property
    def cold_start(self) -> bool:
        return bool(self.card["cold_start"])

    def metrics_table(self) -> pd.DataFrame:
        """One row per score (model, a blend's row after it, baselines): AUC, precision in the top 10 %, base rate,
        rows, and ``blended`` (``model`` is then LightGBM alone): :func:`models.evaluation.metric_rows`."""
        return pd.DataFrame(metric_rows(self.card))

    def best_baseline(self) -> tuple[str, float] | None:
        """The baseline with the highest AUC where the model was measured (``("expert", 0.79)``), or None."""
        scores = [
            (name, float(values["auc"]))
            for name, values in self.card["metrics"].items()
            if name not in ("model", "oracle") and values.get("auc") is not None
        ]
        return max(scores, key=lambda kv: kv[1], default=None)

    def reliability_table(self) -> pd.DataFrame:
        return pd.DataFrame(self.card["reliability"])

    def offsets(self) -> dict[str, float]:
        return dict(self.card["authority_offsets"]["offsets"])


@dataclass(frozen=True)
class ScoreResult:
    """Scores of the active facilities (``scores``: one row each, riskiest first) and the stored run."""

    scores: pd.DataFrame
    run_id: int
    model_version: str
    as_of: dt.date
    trained_now: bool = False
    notes: list[str] = field(default_factory=list)
    cold_start: bool = False  # the model is the expert score (not known for a run read back from storage)
    scored_at: dt.datetime | None = None  # when scored (a re-scoring keeps the run's id unless a plan uses it)
    total: int | None = None  # rows of the list before ``offset`` and ``top`` (``risk_lists.risk_list``)


def _as_of(settings: Settings, as_of: dt.date | None) -> dt.date:
    return settings.as_of_or_today(as_of)


NO_FACILITIES = "Der er ingen tilbud i databasen. Importér data først med 'tilsynsplan import MAPPE'."


def _dataset(settings: Settings) -> Dataset:
    """Everything stored (the engine is disposed: a web request must not leave a connection pool behind)."""
    with database(settings) as engine:
        ds = load_dataset(engine)
    if ds.facilities.empty:
        raise NoDataError(NO_FACILITIES)
    return ds


def _require_active(ds: Dataset, as_of: dt.date) -> None:
    """Refuse a date on which no tilbud was active, or on or before the first visit in the data (before the data
    begin): a model trained or a list scored then has nothing to learn from or rank (every tilbud looks never
    visited), and a stored model would be picked for later scorings of later dates."""
    if ds.known_at(as_of).active_facilities(as_of).empty:
        first = pd.Timestamp(ds.facilities["approved_on"].min())
        since = "" if pd.isna(first) else f" (det første tilbud er godkendt {first.date().isoformat()})"
        raise NoDataError(f"Ingen aktive tilbud pr. {as_of.isoformat()}{since}; vælg en senere dato. Intet er gemt.")
    first_visit = pd.Timestamp(ds.visits["date"].min()) if not ds.visits.empty else pd.NaT
    if not pd.isna(first_visit) and as_of <= first_visit.date():
        raise NoDataError(
            f"Besøgsdata begynder {first_visit.date().isoformat()}; pr. {as_of.isoformat()} er intet besøg kendt, så "
            "hvert tilbud ville se ud, som om det aldrig var besøgt, og risikoen ville intet betyde. Vælg en dato "
            "efter den første registrerede besøgsdag. Intet er gemt."
        )


def require_scorable(settings: Settings, as_of: dt.date) -> None:
    """``NoDataError`` when no scoring or training accepts ``as_of`` (see :func:`_require_active`). Checked on the
    data the server keeps (:func:`api.services.national.stored_data`): a reader's refusal of a day with no stored
    run, which anyone may ask for again and again, loaded every table each time."""
    with database(settings) as engine:
        ds = stored_data(engine).dataset
    if ds.facilities.empty:
        raise NoDataError(NO_FACILITIES)
    _require_active(ds, as_of)


def _fit_and_store(settings: Settings, ds: Dataset, as_of: dt.date) -> tuple[StoredModel, TrainReport]:
    _require_active(ds, as_of)
    model = RiskModel.from_settings(settings).fit(ds, as_of)
    scored = model.score(ds, as_of, explain=True)
    audit = fairness_audit(
        pd.DataFrame({"facility_id": scored.risk.index, "risk": scored.risk.to_numpy()}),
        ds.facilities,
        finding_shares=model.finding_shares_,
    )
    importance = model.global_importance(scored) if len(scored.risk) else {}
    stored = save_model(
        settings,
        model,
        extra={
            "fairness": audit.as_dict(),
            "global_importance": {k: round(v, 6) for k, v in importance.items()},
            "scored_facilities": len(scored.risk),
        },
    )
    report = TrainReport(
        version=stored.version,
        as_of=as_of,
        path=stored.path,
        card=stored.meta,
        fairness=audit,
        importance=importance,
    )
    return stored, report


def train_model(settings: Settings, as_of: dt.date | None = None) -> TrainReport:
    """Train on what was known before ``as_of`` (default: today), store the model, and report."""
    day = _as_of(settings, as_of)
    ds = _dataset(settings)
    _, report = _fit_and_store(settings, ds, day)
    log.info("trained model %s as of %s", report.version, day)
    stale = ds.stale_note(day)
    return dataclasses.replace(report, notes=(stale,)) if stale else report


def _model_for(
    settings: Settings, ds: Dataset, as_of: dt.date, model_version: str | None, *, may_train: bool = True
) -> tuple[StoredModel, bool, list[str]]:
    """The model to score with: the one asked for, else the newest trained as of ``as_of`` or before,
    else a new one trained now (``NotComputedError`` instead when ``may_train`` is false: a reader)."""
    notes: list[str] = []
    if model_version is not None:
        stored = load_model(settings, model_version)
        if stored.as_of > as_of:
            notes.append(
                f"Model {stored.version} er trænet pr. {stored.as_of.isoformat()}, efter scoringsdatoen "
                f"{as_of.isoformat()}: den har set data, der ikke var kendt på scoringsdatoen."
            )
        return stored, False, notes
    version = latest_version(settings, as_of_on_or_before=as_of)
    if version is not None:
        return load_model(settings, version), False, notes
    if not may_train:
        _require_active(ds, as_of)  # a date no training accepts: its refusal, not "a planner trains it"
        raise NotComputedError(
            f"Der er ingen trænet risikomodel pr. {as_of.isoformat()} eller før. En planlægger træner den med "
            "'tilsynsplan train' eller POST /api/v1/model/train."
        )
    stored, _ = _fit_and_store(settings, ds, as_of)
    notes.append(f"Ingen trænet model pr. {as_of.isoformat()} eller før: model {stored.version} er trænet nu.")
    return stored, True, notes


def _trained_before_last_import(settings: Settings, stored: StoredModel) -> str | None:
    """A note when data were imported after the model was trained: they are scored, not learnt from. An import that
    changed nothing the model reads (the same export again, every row unchanged; a lock, an absence) brought nothing
    new to learn and is no reason to train."""
    created = stored.meta.get("created_at")
    if not created:
        return None
    trained = dt.datetime.fromisoformat(str(created)).astimezone().replace(tzinfo=None)  # imports: local time
    with database(settings) as engine:
        _, since = import_batches(engine, since=trained)
    changed = [b.imported_at for b in since if b.imported_at > trained and not _changed_nothing(b)]
    if not changed:
        return None
    imported = max(changed)
    return (
        f"Model {stored.version} er trænet {trained:%Y-%m-%d %H:%M}, før seneste import ({imported:%Y-%m-%d %H:%M}): "
        "de nye data indgår i scoringen, men modellen har ikke lært af dem. Kør 'tilsynsplan train' for at træne "
        "på dem."
    )


@dataclass(frozen=True)
class PlanRisk:
    """The risk run a plan is built from, and why it was scored for the plan (``None``: the stored run was current)."""

    run_id: int
    note: str | None = None


def _local(stamp: object) -> dt.datetime | None:
    """A stored moment (a model card's ISO time with its zone, or a naive local time) as naive local time."""
    if not stamp:
        return None
    moment = stamp if isinstance(stamp, dt.datetime) else dt.datetime.fromisoformat(str(stamp))
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment


def _why_rescore(settings: Settings, run: RunHeader, as_of: dt.date) -> str | None:
    """Why the stored ``run`` is not what a plan as of ``as_of`` should rank by (``None``: it is): it is as of an
    earlier day, data the model reads were imported after it was scored, or a model trained after it would score
    now (``tilsynsplan train`` and then ``plan``). A run scored on purpose with an older model *after* the newest
    was trained (``score --model``) is kept."""
    when = f"kørsel {run.id} pr. {run.as_of.isoformat()}"
    if run.as_of < as_of:
        return f"den seneste gemte risikokørsel ({when}) er fra før planens opgørelsesdato"
    with database(settings) as engine:
        _, since = import_batches(engine, since=run.created_at)
    changed = [b.imported_at for b in since if b.imported_at > run.created_at and not _changed_nothing(b)]
    if changed:
        return (
            f"der er importeret data efter den seneste risikokørsel ({when}, beregnet "
            f"{run.created_at:%Y-%m-%d %H:%M}; seneste import {max(changed):%Y-%m-%d %H:%M})"
        )
    version = latest_version(settings, as_of_on_or_before=as_of)
    if version is not None and version != run.model_version:
        card = next((c for c in list_models(settings) if c.get("version") == version), {})
        trained = _local(card.get("created_at"))
        if trained is not None and trained > run.created_at:
            return f"model {version} er trænet efter den seneste risikokørsel ({when}, model {run.model_version})"
    return None


def plan_risk_run(settings: Settings, as_of: dt.date, progress: Callable[[str], None] | None = None) -> PlanRisk:
    """The risk run a plan as of ``as_of`` is built from: the newest stored run on or before ``as_of`` when it is
    current, else a scoring now (stored as a new run), with a note for the plan that says why. A plan ranks by what
    is known on its own as-of day: imports after the last scoring (this month's magtanvendelser, a new concern) and a
    model trained since reach the plan without a separate ``tilsynsplan score``; the CLI, the API and the web form
    all plan through here."""
    with database(settings) as engine:
        run = latest_risk_run_header(engine, on_or_before=as_of)
    reason = "der er ingen gemt risikokørsel" if run is None else _why_rescore(settings, run, as_of)
    if reason is None and run is not None:
        return PlanRisk(run.id)
    if progress is not None:
        progress("Beregner risikoen")
    result = score_facilities(settings, as_of=as_of)
    note = (
        f"Risikoen er beregnet til planen pr. {as_of.isoformat()} (risikokørsel {result.run_id}, model "
        f"{result.model_version}), fordi {reason}."
    )
    return PlanRisk(result.run_id, note)


#: Tables only the planner reads: a lock, an inspector or an absence gives the risk model nothing to learn.
_PLANNING_TABLES = frozenset({"inspectors", "absences", "locked_visits"})


def _changed_nothing(batch: ImportBatch) -> bool:
    """Whether an import batch left every row the model learns from as it was (a withdrawal removed one: changed)."""
    return all(t["rows"] == t["unchanged"] for name, t in batch.tables.items() if name not in _PLANNING_TABLES)


def _scores_frame(scored: Scored, top_n: int, high_share: float) -> pd.DataFrame:
    feats = scored.features
    ranks = rank_and_tier(scored.risk, high_share=high_share, elevated_share=ELEVATED_TIER_SHARE, margin=scored.margin)
    frame = pd.DataFrame(
        {
            "facility_id": feats["facility_id"].astype(str).to_numpy(),
            "name": feats["name"].astype(str).to_numpy(),
            "authority": feats["authority"].astype(str).to_numpy(),
            "facility_type": feats["facility_type"].astype(str).to_numpy(),
            "ownership": feats["ownership"].astype(str).to_numpy(),
            "risk": scored.risk.to_numpy(),
            "national_rank": ranks["rank"].to_numpy(),
            "tier": ranks["tier"].to_numpy(),
            "top_factors": scored.all_top_factors(top_n),
        }
    )
    frame["rank"] = frame["national_rank"]
    frame = frame.sort_values("national_rank", ignore_index=True)
    return frame[list(SCORE_COLUMNS)]


#: The expert score's mean risk on the labelled snapshots against the share found: beyond this factor either way
#: (or nothing found at all) ``train`` says its percentages are points, not probabilities of these data.
EXPERT_GAP_FACTOR = 1.5


def expert_percentages_note(card: dict[str, Any]) -> str:
    """A note when the cold start's expert score, whose risk is fixed points turned into a percentage
    (sigmoid(-3 + 0,4 x points)), is far from the share of the labelled snapshots that had a serious finding:
    with none found in 8,056 it still listed tilbud at 45 %. Empty when it is close, or nothing was labelled."""
    bins = card.get("reliability") or []
    rows = sum(int(b["n"]) for b in bins)
    observed = (card.get("metrics") or {}).get("model", {}).get("base_rate")
    if not rows or observed is None:
        return ""
    predicted = sum(int(b["n"]) * float(b["mean_predicted"]) for b in bins) / rows
    if observed > 0 and 1 / EXPERT_GAP_FACTOR <= predicted / observed <= EXPERT_GAP_FACTOR:
        return ""
    return (
        f"Ekspertscorens risici er faste point omregnet til procent, ikke tilpasset jeres data: på de "
        f"{format_number_da(rows, 0)} mærkede øjebliksbilleder gav den i gennemsnit "
        f"{format_percent_da(predicted, 1)}, mens {format_percent_da(observed, 1)} blev fulgt af et alvorligt fund. "
        "Læs dens risici som en rangorden, ikke som sandsynligheder."
    )


def score_facilities(
    settings: Settings,
    as_of: dt.date | None = None,
    authority: str | None = None,
    model_version: str | None = None,
) -> ScoreResult:
    """Score every active facility as of ``as_of`` (default today), store the national run, return the
    scores (one authority's when ``authority`` is given, ranked within it; ``national_rank`` beside)."""
    day = _as_of(settings, as_of)
    auth = parse_authority(authority)
    ds = _dataset(settings)
    _require_active(ds, day)
    stored, trained_now, notes = _model_for(settings, ds, day, model_version)
    if not trained_now and model_version is None:  # the newest model: said when older than the data
        note = _trained_before_last_import(settings, stored)
        notes = [*notes, note] if note else notes
    stale = ds.stale_note(day)
    notes = [*notes, stale] if stale else notes
    if stored.model.cold_start_ and (gap := expert_percentages_note(stored.meta)):
        notes = [*notes, gap]
    scored = stored.model.score(ds, day, explain=True)
    if scored.risk.empty:
        raise NoDataError(f"Ingen aktive tilbud pr. {day.isoformat()}.")
    frame = _scores_frame(scored, settings.risk_top_factors, settings.top_tier_share)
    scored_at = dt.datetime.now()
    with database(settings) as engine:
        run_id = save_risk_run(
            engine,
            day,
            stored.version,
            frame[["facility_id", "risk", "rank", "tier", "top_factors"]],
            created_at=scored_at,
        )
    if auth is not None:
        frame = frame[frame["authority"] == auth].reset_index(drop=True)
        frame["rank"] = range(1, len(frame) + 1)
    return ScoreResult(
        scores=frame,
        run_id=run_id,
        model_version=stored.version,
        as_of=day,
        trained_now=trained_now,
        notes=notes,
        cold_start=bool(stored.model.cold_start_),
        scored_at=scored_at,
    )


def _require_facility(engine: Engine, facility_id: str) -> None:
    """``NotFoundError`` for an id that is not stored (``NoDataError`` when none is), by a query: nothing is
    loaded for an unknown id."""
    if facility_exists(engine, facility_id):
        return
    if facility_count(engine) == 0:
        raise NoDataError(NO_FACILITIES)
    raise NotFoundError(f"Tilbud '{shown_value(facility_id)}' findes ikke i databasen.")


def explain_facility(
    settings: Settings,
    facility_id: str,
    as_of: dt.date | None = None,
    model_version: str | None = None,
    *,
    may_train: bool = True,
) -> FacilityExplanation:
    """Why one facility has its risk: every factor in Danish, with its value and comparison. With no model
    trained as of the date one is trained now, unless ``may_train`` is false (``NotComputedError``)."""
    day = _as_of(settings, as_of)
    with database(settings, missing=NO_FACILITIES) as engine:
        _require_facility(engine, facility_id)
        data = stored_data(engine)
    return explain_stored(settings, data, facility_id, day, model_version, may_train=may_train)


def explain_stored(
    settings: Settings,
    data: StoredData,
    facility_id: str,
    day: dt.date,
    model_version: str | None = None,
    *,
    may_train: bool = True,
) -> FacilityExplanation:
    """:func:`explain_facility` of a stored facility in the kept data (:mod:`api.services.national`): the
    scoring of every facility is made once per model and day, and SHAP runs for this facility only."""
    stored, _, _ = _model_for(settings, data.dataset, day, model_version, may_train=may_train)
    national = data.scoring(stored, day)
    if facility_id not in national.risk.index:
        raise NotFoundError(
            f"Tilbud '{facility_id}' er ikke aktivt pr. {day.isoformat()} (ikke godkendt endnu eller lukket)."
        )
    scored = stored.model.explain_scored(national, [facility_id])
    ranks = rank_and_tier(
        scored.risk, high_share=settings.top_tier_share, elevated_share=ELEVATED_TIER_SHARE, margin=scored.margin
    )
    row = scored.features.loc[facility_id]
    tier = str(ranks.loc[facility_id, "tier"])
    return FacilityExplanation(
        facility_id=facility_id,
        name=str(row["name"]),
        authority=str(row["authority"]),
        facility_type=str(row["facility_type"]),
        as_of=day.isoformat(),
        risk=float(scored.risk[facility_id]),
        rank=int(ranks.loc[facility_id, "rank"]),
        tier=tier,
        margin=float(scored.margin[facility_id]),
        base_value=scored.base_value,
        model_version=stored.version,
        cold_start=bool(stored.model.cold_start_),
        factors=scored.factors(facility_id),
        top_factors=scored.top_factors(facility_id, settings.risk_top_factors),
        tier_size=int((ranks["tier"] == tier).sum()),
        tier_meant=tier_sizes(len(ranks), settings.top_tier_share, ELEVATED_TIER_SHARE)[tier],
    )


def warm_up(settings: Settings) -> None:
    """Load the stored data and score every active facility with the current model as of today, and keep both
    (:mod:`api.services.national`), before the first facility page, explanation or Tilbudsprofil asks for them.

    ``tilsynsplan serve`` runs it in a background thread as it starts, so the first leader to open a profile or
    click its PDF waits as long as the next one (on the demo's 2,000 tilbud the first cost about 2.5 s of CPU more:
    loading 1.3-1.8 s, scoring 0.4 s, the day's data 0.15 s). A request that comes while it loads waits for that
    load instead of making its own. Nothing is made without data or without a model trained as of today or before
    (a warm-up never trains), and a failure is logged, never raised: the first request then loads as before."""
    started = time.perf_counter()
    try:
        if not database_exists(settings):
            return
        day = settings.as_of_or_today(None)
        with database(settings) as engine:
            if facility_count(engine) == 0:
                return
            data = stored_data(engine)
        data.day(day)
        try:
            stored, _, _ = _model_for(settings, data.dataset, day, None, may_train=False)
        except (NotComputedError, NoDataError):
            return
        data.scoring(stored, day)
        if (lightgbm := stored.model.engine_) is not None:
            lightgbm.prepare_explanations()  # shap's import and the booster's trees, before the first explanation
    except Exception:  # a warm-up must never stop the server; the first request will say what is wrong
        log.exception("warm-up of the facility pages failed")
        return
    log.info("facility pages warmed up in %.1f s", time.perf_counter() - started)
