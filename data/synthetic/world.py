"""Public API of synthetic Denmark: ``WorldConfig``, ``generate_world``, ``write_world``, ``load_truth``,
``World``, ``Truth``, ``VisitOutcome``. The generative story is in the package docstring
(``data/synthetic/__init__.py``); every number is in ``params.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data.contract import FILES, Kind
from data.dataset import Dataset
from data.enums import Authority, VisitKind
from data.errors import InvalidArgumentError, NotFoundError
from data.synthetic import signals
from data.synthetic.facilities import NO_DAY, Facilities, generate_facilities
from data.synthetic.history import History, simulate_history
from data.synthetic.observe import ObservationModel, indicator_profile, observe_visit
from data.synthetic.params import DEFAULT_PARAMETERS, Parameters
from data.synthetic.quality import THEME_ORDER, LatentState, simulate_quality
from data.synthetic.staff import Staff, assign_inspectors, availability, finish_staff, generate_staff, locked_visit_days
from data.synthetic.timeline import Timeline, day_number, month_number

log = logging.getLogger(__name__)

THEME_COLUMNS: tuple[str, ...] = tuple(f"theme_quality_{t.value}" for t in THEME_ORDER)
Progress = Callable[[str], None]


# ------------------------------------------------------------------------------------------------
# Configuration and results
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorldConfig:
    seed: int = 42
    facilities: int = 2000  # national total of tilbud active on the as-of date
    years: int = 6  # years of history before as_of
    as_of: dt.date | None = None  # None -> today; history ends the day before as_of
    future_months: int = 24  # truth is simulated this far beyond as_of

    def resolved_as_of(self) -> dt.date:
        return self.as_of or dt.date.today()

    def validate(self) -> None:
        if self.seed < 0:
            raise InvalidArgumentError(f"Seed {self.seed} er ugyldig; brug et heltal ≥ 0.")
        if not 10 <= self.facilities <= 100_000:
            raise InvalidArgumentError(f"Antal tilbud {self.facilities} er ugyldigt; tilladt er 10-100.000.")
        if not 1 <= self.years <= 15:
            raise InvalidArgumentError(f"Antal år {self.years} er ugyldigt; tilladt er 1-15.")
        if not 0 <= self.future_months <= 120:
            raise InvalidArgumentError(f"Antal fremtidige måneder {self.future_months} er ugyldigt; tilladt er 0-120.")


@dataclass(frozen=True)
class VisitOutcome:
    indicator_scores: pd.DataFrame  # indicator, score (only applicable indicators; a realistic subset)
    sanctions: list[tuple[dt.date, str]]  # (date, SanctionKind value) issued as a result of the visit
    serious_finding: bool  # a sanction in SERIOUS_SANCTIONS or a theme value <= 2


@dataclass(frozen=True, eq=False)
class Truth:
    """What really happened (and will happen): never part of the observable dataset.

    ``facility_months``: ``facility_id, month, quality, bad, theme_quality_<theme>`` for every month a
    tilbud is active from the history's first month to ``as_of + future_months``.
    ``visit_findings``: ``visit_id, facility_id, date, bad, found`` for every visit of the history.
    ``parameters``: the generator's parameters and derived figures (JSON-friendly).
    ``facilities``: the hidden side of each tilbud (true closure date, facility effect ``mu``) and the
    traits ``visit_outcome`` needs.
    """

    facility_months: pd.DataFrame
    visit_findings: pd.DataFrame
    parameters: dict[str, Any]
    facilities: pd.DataFrame = field(default_factory=pd.DataFrame)

    # --- lookups ----------------------------------------------------------------------------------
    @cached_property
    def _spans(self) -> dict[str, tuple[int, int, int]]:
        """facility_id -> (first row, first month number, number of months); rows are contiguous."""
        fm = self.facility_months
        ids = fm["facility_id"].to_numpy()
        months = fm["month"].dt.year.to_numpy() * 12 + fm["month"].dt.month.to_numpy() - 1
        out: dict[str, tuple[int, int, int]] = {}
        if len(ids) == 0:
            return out
        change = np.flatnonzero(ids[1:] != ids[:-1]) + 1
        starts = np.concatenate([[0], change])
        ends = np.concatenate([change, [len(ids)]])
        for s, e in zip(starts, ends, strict=True):
            out[str(ids[s])] = (int(s), int(months[s]), int(e - s))
        return out

    @cached_property
    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        fm = self.facility_months
        return (
            fm["quality"].to_numpy(dtype=float),
            fm["bad"].to_numpy(dtype=bool),
            fm[list(THEME_COLUMNS)].to_numpy(dtype=float),
        )

    @cached_property
    def _month_range(self) -> tuple[int, int]:
        first = dt.date.fromisoformat(self.parameters["history_start"]).replace(day=1)
        end = dt.date.fromisoformat(self.parameters["simulation_end"])
        return month_number(first), month_number(end)

    def _row(self, facility_id: str, day: dt.date) -> int | None:
        span = self._spans.get(facility_id)
        if span is None:
            if facility_id in set(self.facilities.get("facility_id", pd.Series(dtype=object))):
                return None
            raise NotFoundError(f"Tilbuddet '{facility_id}' findes ikke i den syntetiske verden.")
        lo, hi = self._month_range
        m = month_number(day)
        if not lo <= m < hi:
            raise InvalidArgumentError(
                f"Datoen {day.isoformat()} ligger uden for den simulerede periode "
                f"({self.parameters['history_start']} til {self.parameters['simulation_end']})."
            )
        start, first, count = span
        k = m - first
        return start + k if 0 <= k < count else None

    def is_bad(self, facility_id: str, day: dt.date) -> bool:
        """Whether the tilbud is in a seriously bad state in the month of ``day`` (False when not active)."""
        row = self._row(facility_id, _as_date(day))
        return False if row is None else bool(self._arrays[1][row])

    def bad_spells(self) -> pd.DataFrame:
        """``facility_id, start, end``: first and last month of each run of bad months (end may be after as_of)."""
        fm = self.facility_months[["facility_id", "month", "bad"]]
        months = fm["month"].dt.year * 12 + fm["month"].dt.month
        new_facility = fm["facility_id"].ne(fm["facility_id"].shift())
        gap = months.diff().ne(1) | new_facility
        run = (fm["bad"].ne(fm["bad"].shift()) | gap).cumsum()
        bad = fm[fm["bad"]].assign(run=run[fm["bad"]])
        spells = bad.groupby("run", sort=True).agg(
            facility_id=("facility_id", "first"), start=("month", "min"), end=("month", "max")
        )
        return spells.reset_index(drop=True)[["facility_id", "start", "end"]]

    def visit_outcome(self, facility_id: str, day: dt.date, announced: bool, seed: int) -> VisitOutcome:
        """What an operational visit on ``day`` would find (same observation model as the history)."""
        day = _as_date(day)
        row = self._row(facility_id, day)
        if row is None:
            raise InvalidArgumentError(
                f"Tilbuddet '{facility_id}' er ikke aktivt den {day.isoformat()}; et besøg kan ikke simuleres."
            )
        traits = self._traits[facility_id]
        quality, _, themes = self._arrays
        model = self._model
        profile = indicator_profile(
            traits["facility_type"], traits["has_board"], traits["respite_only"], traits["ownership"]
        )
        rng = np.random.default_rng(
            [
                int(self.parameters["seed"]),
                7,
                zlib.crc32(facility_id.encode()),
                day.toordinal(),
                int(announced),
                seed & 0xFFFFFFFF,
            ]
        )
        obs = observe_visit(
            theme_true=themes[row],
            quality=float(quality[row]),
            profile=profile,
            authority=traits["authority"],
            kind=VisitKind.OPERATIONAL,
            announced=announced,
            focus=frozenset(),
            model=model,
            rng=rng,
        )
        scores = pd.DataFrame({"indicator": list(obs.codes), "score": obs.scores.astype("int64")})
        sanctions = [(day + dt.timedelta(days=lag), kind.value) for lag, kind in obs.sanctions]
        return VisitOutcome(indicator_scores=scores, sanctions=sanctions, serious_finding=obs.serious)

    @cached_property
    def _model(self) -> ObservationModel:
        return ObservationModel.from_json(self.parameters["observation"])

    @cached_property
    def _traits(self) -> dict[str, dict[str, Any]]:
        cols = ["facility_id", "authority", "facility_type", "ownership", "has_board", "respite_only"]
        return {
            str(r[0]): {
                "authority": str(r[1]),
                "facility_type": str(r[2]),
                "ownership": str(r[3]),
                "has_board": bool(r[4]),
                "respite_only": bool(r[5]),
            }
            for r in self.facilities[cols].itertuples(index=False)
        }


@dataclass(frozen=True, eq=False)
class World:
    config: WorldConfig
    dataset: Dataset  # everything observable, dated before as_of (passes validation)
    truth: Truth

    def visit_outcome(self, facility_id: str, day: dt.date, announced: bool, seed: int) -> VisitOutcome:
        """What a visit the history did not contain would find; deterministic for a given ``seed``."""
        return self.truth.visit_outcome(facility_id, day, announced, seed)


def _as_date(day: dt.date | pd.Timestamp) -> dt.date:
    if isinstance(day, pd.Timestamp):
        return day.date()
    if isinstance(day, dt.datetime):
        return day.date()
    return day


# ------------------------------------------------------------------------------------------------
# Generation
# ------------------------------------------------------------------------------------------------
def generate_world(
    config: WorldConfig, *, params: Parameters = DEFAULT_PARAMETERS, progress: Progress | None = None
) -> World:
    """Generate a synthetic Denmark: the observable dataset and the truth behind it."""
    config.validate()
    step = progress or (lambda _message: None)
    as_of = config.resolved_as_of()
    timeline = Timeline.build(as_of, config.years, config.future_months, params.burn_in_months)
    streams = np.random.SeedSequence([config.seed, 3]).spawn(9)
    rngs = [np.random.default_rng(s) for s in streams]

    step("Tilbud og geografi")
    fac = generate_facilities(config.facilities, timeline, params, rngs[0])
    step("Kvalitet måned for måned")
    latent = simulate_quality(fac, timeline, params, rngs[1])
    step("Magtanvendelser, bekymringer og personalenøgletal")
    force, _ = signals.use_of_force(fac, latent, timeline, params, rngs[2])
    concern_rows = signals.concerns(fac, latent, timeline, params, rngs[3])
    staff_rows = signals.staff_figures(fac, latent, timeline, params, rngs[4])

    step("Tilsynskonsulenter og fravær")
    active_now = fac.planned_close_day == NO_DAY
    per_authority = {a.value: int(((fac.authority == a.value) & active_now).sum()) for a in Authority}
    staff = generate_staff(per_authority, timeline, params, rngs[5])
    next_available = availability(staff, timeline)

    step("Tilsynsbesøg og fund")
    model = ObservationModel.from_parameters(params)
    hist = simulate_history(fac, latent, concern_rows, next_available, timeline, params, model, config.seed)

    step("Fordeling af besøg på konsulenter")
    close = hist.close_day
    visits = hist.visits.assign(facility_id=fac.facility_id[hist.visits["fi"].to_numpy()])
    visits = visits.sort_values(["day", "facility_id", "seq"], kind="stable").reset_index(drop=True)
    assigned, assign_stats = assign_inspectors(
        staff,
        fac.authority[visits["fi"].to_numpy()],
        fac.facility_type[visits["fi"].to_numpy()],
        visits["day"].to_numpy(),
        visits["n_inspectors"].to_numpy(),
        day_number(params.reform_date) + params.former_staff_days_after_reform,
        timeline,
        rngs[6],
    )
    finish_staff(staff, rngs[7])
    visits["inspector_ids"] = [";".join(staff.ids[int(i)] for i in a.split(";")) for a in assigned]
    width = max(6, len(str(len(visits))))
    visits["visit_id"] = [f"V{k + 1:0{width}d}" for k in range(len(visits))]

    step("Datasæt og sandhed")
    dataset = _dataset(
        fac, latent, hist, visits, force, concern_rows, staff_rows, staff, close, timeline, params, rngs[8]
    )
    truth = _truth(config, params, fac, latent, visits, close, timeline, model, assign_stats, dataset)
    return World(config=config, dataset=dataset, truth=truth)


def _dates(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[ns]")


def _dataset(
    fac: Facilities,
    latent: LatentState,
    hist: History,
    visits: pd.DataFrame,
    force: pd.DataFrame,
    concern_rows: pd.DataFrame,
    staff_rows: pd.DataFrame,
    staff: Staff,
    close: np.ndarray,
    timeline: Timeline,
    params: Parameters,
    rng: np.random.Generator,
) -> Dataset:
    as_of = timeline.as_of_day
    ids = fac.facility_id
    closed_known = np.where(close < as_of, close, 0)
    leader_since = _leader_since(fac, latent, close, timeline, params, rng)
    facilities = pd.DataFrame(
        {
            "facility_id": ids,
            "name": fac.name,
            "authority": fac.authority,
            "municipality": fac.municipality,
            "postcode": fac.postcode,
            "lat": fac.lat,
            "lon": fac.lon,
            "facility_type": fac.facility_type,
            "ownership": fac.ownership,
            "places": fac.places,
            "target_group": fac.target_group,
            "approved_on": _dates(fac.approved_day),
            "closed_on": pd.Series(_dates(closed_known)).where(close < as_of),
            "has_board": fac.has_board,
            "respite_only": fac.respite_only,
            "leader_since": _dates(leader_since),
            "last_unannounced_visit": _last_unannounced_before(fac, hist, visits, timeline),
        }
    ).sort_values("facility_id", kind="stable")

    visit_frame = pd.DataFrame(
        {
            "visit_id": visits["visit_id"],
            "facility_id": visits["facility_id"],
            "date": _dates(visits["day"].to_numpy()),
            "announced": visits["announced"],
            "kind": visits["kind"],
            "inspector_ids": visits["inspector_ids"],
        }
    )
    seq_to_id = pd.Series(visits["visit_id"].to_numpy(), index=visits["seq"].to_numpy())
    scores = hist.scores.assign(visit_id=seq_to_id.reindex(hist.scores["seq"].to_numpy()).to_numpy())
    scores = scores[["visit_id", "indicator", "score"]].sort_values(["visit_id"], kind="stable")

    month_starts = timeline.month_start_days()
    f_fi = force["fi"].to_numpy(dtype=np.int64)
    f_month = force["month"].to_numpy(dtype=np.int64)
    keep = month_starts[f_month] < close[f_fi]
    force_frame = pd.DataFrame(
        {
            "facility_id": ids[f_fi[keep]],
            "month": _dates(month_starts[f_month[keep]]),
            "count": force["count"].to_numpy(dtype=np.int64)[keep],
            "kind": force["kind"].to_numpy()[keep],
        }
    ).sort_values(["facility_id", "month", "kind"], kind="stable")

    c_fi = concern_rows["fi"].to_numpy(dtype=np.int64)
    c_day = concern_rows["day"].to_numpy(dtype=np.int64)
    keep = c_day < close[c_fi]
    concern_frame = pd.DataFrame(
        {
            "facility_id": ids[c_fi[keep]],
            "date": _dates(c_day[keep]),
            "severity": np.array(signals.SEVERITIES, dtype=object)[concern_rows["severity_index"].to_numpy()[keep]],
        }
    ).drop_duplicates()
    concern_frame = concern_frame.sort_values(["facility_id", "date", "severity"], kind="stable")

    s_fi = staff_rows["fi"].to_numpy(dtype=np.int64)
    year_end = np.array([day_number(dt.date(int(y), 12, 31)) for y in staff_rows["year"]], dtype=np.int64)
    keep = year_end < close[s_fi] if len(s_fi) else np.array([], dtype=bool)
    staff_frame = pd.DataFrame(
        {
            "facility_id": ids[s_fi[keep]],
            "year": staff_rows["year"].to_numpy(dtype=np.int64)[keep],
            "staff_turnover_pct": staff_rows["staff_turnover_pct"].to_numpy()[keep],
            "sickness_absence_pct": staff_rows["sickness_absence_pct"].to_numpy()[keep],
        }
    ).sort_values(["facility_id", "year"], kind="stable")

    x = hist.sanctions
    x = x[x["day"].to_numpy() < as_of]
    sanction_frame = pd.DataFrame(
        {"facility_id": ids[x["fi"].to_numpy(dtype=np.int64)], "date": _dates(x["day"].to_numpy()), "kind": x["kind"]}
    ).drop_duplicates()
    sanction_frame = sanction_frame.sort_values(["facility_id", "date", "kind"], kind="stable")

    inspectors = pd.DataFrame(
        {
            "inspector_id": staff.ids,
            "name": staff.names,
            "authority": staff.authority,
            "competences": staff.competences,
            "visits_per_week": staff.visits_per_week,
            "postcode": staff.postcode,
        }
    )
    absences = pd.DataFrame(
        {
            "inspector_id": [staff.ids[i] for i, _, _ in staff.absences],
            "start": _dates(np.array([s for _, s, _ in staff.absences], dtype=np.int64)),
            "end": _dates(np.array([e for _, _, e in staff.absences], dtype=np.int64)),
        }
    ).sort_values(["inspector_id", "start"], kind="stable")
    locked = _locked_visits(fac, visits, staff, close, timeline, params, rng)

    return Dataset.from_frames(
        {
            "facilities": facilities,
            "visits": visit_frame,
            "indicator_scores": scores,
            "use_of_force": force_frame,
            "staff_figures": staff_frame,
            "concerns": concern_frame,
            "sanctions": sanction_frame,
            "inspectors": inspectors,
            "absences": absences,
            "locked_visits": locked,
        }
    )


def _last_unannounced_before(fac: Facilities, hist: History, visits: pd.DataFrame, timeline: Timeline) -> pd.Series:
    """``facilities.last_unannounced_visit``: what a tilsyn's export carries when visits.csv begins after
    a tilbud's last unannounced visit (a short history, ``--years`` 1 or 2). It is the visit the history
    counts the tilbud's deadline from (``History.prior_unannounced``, moved to the working day on or
    before it), given only when visits.csv holds no unannounced visit of the tilbud: a later one there
    supersedes it (``Dataset.last_unannounced`` takes the later of the two). Empty for a tilbud approved
    during the history, and when that day falls before the approval (no unannounced visit yet).
    Derived from the history alone: no random draw, so every other value of the world stays the same."""
    prior = hist.prior_unannounced
    in_file = np.zeros(len(fac), dtype=bool)
    in_file[visits.loc[~visits["announced"].astype(bool), "fi"].to_numpy(dtype=np.int64)] = True
    days = np.zeros(len(fac), dtype=np.int64)
    for f in np.flatnonzero((prior > 0) & ~in_file):
        day = timeline.previous_working_day(int(prior[f]))
        if day >= fac.approved_day[f]:
            days[f] = day
    return pd.Series(_dates(days)).where(pd.Series(days > 0))


def _leader_since(
    fac: Facilities,
    latent: LatentState,
    close: np.ndarray,
    timeline: Timeline,
    params: Parameters,
    rng: np.random.Generator,
) -> np.ndarray:
    """The day the leader in charge on the as-of date (or at closure) took over."""
    limit = np.minimum(close, timeline.as_of_day)
    days = np.where((latent.leader_day > 0) & (latent.leader_day < limit[:, None]), latent.leader_day, 0)
    last = days.max(axis=1)
    before = timeline.day0 - rng.exponential(params.leader_tenure_days, size=len(fac)).astype(np.int64)
    fallback = np.maximum(fac.approved_day, before)
    out = np.where(last > 0, np.maximum(last, fac.approved_day), fallback)
    return np.minimum(out, limit - 1)


def _locked_visits(
    fac: Facilities,
    visits: pd.DataFrame,
    staff: Staff,
    close: np.ndarray,
    timeline: Timeline,
    params: Parameters,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """A few visits already agreed for the weeks after the as-of date (announced mostly), each on a
    working day, with a competent current inspector who is not absent and has room that week."""
    as_of = timeline.as_of_day
    last_visit = visits.groupby("fi")["day"].max()
    candidates = [
        f
        for f in range(len(fac))
        if close[f] > as_of + 60 and fac.approved_day[f] < as_of and last_visit.get(f, 0) < as_of - 90
    ]
    n_locked = round(params.locked_share * int((close > as_of).sum()))
    if not candidates or n_locked == 0:
        return pd.DataFrame(columns=["facility_id", "date", "inspector_id", "announced"])
    chosen = rng.choice(len(candidates), size=min(n_locked, len(candidates)), replace=False)
    lo, hi = locked_visit_days(timeline)
    load: dict[tuple[int, int], int] = {}
    rows: list[tuple[str, int, str, bool]] = []
    for j in sorted(int(c) for c in chosen):
        f = candidates[j]
        options = [
            i
            for i in range(staff.n_current)
            if staff.authority[i] == fac.authority[f] and staff.competent(i, str(fac.facility_type[f]))
        ]
        for _ in range(30):
            day = timeline.next_working_day(int(rng.integers(lo, hi + 1)))
            week = (day + 3) // 7
            free = [
                i
                for i in options
                if not staff.absent[i, day - timeline.day0] and load.get((i, week), 0) < staff.visits_per_week[i]
            ]
            if day <= hi and free:
                i = free[int(rng.integers(len(free)))]
                load[(i, week)] = load.get((i, week), 0) + 1
                announced = bool(rng.random() < params.p_locked_announced)
                rows.append((str(fac.facility_id[f]), day, staff.ids[i], announced))
                break
    frame = pd.DataFrame(rows, columns=["facility_id", "day", "inspector_id", "announced"])
    frame["date"] = _dates(frame["day"].to_numpy(dtype=np.int64))
    return frame[["facility_id", "date", "inspector_id", "announced"]].sort_values(
        ["facility_id", "date"], kind="stable"
    )


def _truth(
    config: WorldConfig,
    params: Parameters,
    fac: Facilities,
    latent: LatentState,
    visits: pd.DataFrame,
    close: np.ndarray,
    timeline: Timeline,
    model: ObservationModel,
    assign_stats: dict[str, int],
    dataset: Dataset,
) -> Truth:
    active = signals.active_months(fac, timeline, close)
    active[:, : timeline.history_start_month] = False
    order = np.argsort(fac.facility_id, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    fi, mi = np.nonzero(active[order])
    fi = order[fi]
    month_starts = timeline.month_start_days()
    frame: dict[str, Any] = {
        "facility_id": fac.facility_id[fi],
        "month": _dates(month_starts[mi]),
        "quality": latent.quality[fi, mi].astype(float).round(4),
        "bad": latent.bad[fi, mi],
    }
    for k, col in enumerate(THEME_COLUMNS):
        frame[col] = latent.themes[fi, mi, k].astype(float).round(4)
    facility_months = pd.DataFrame(frame)

    findings = pd.DataFrame(
        {
            "visit_id": visits["visit_id"],
            "facility_id": visits["facility_id"],
            "date": _dates(visits["day"].to_numpy()),
            "bad": visits["bad"],
            "found": visits["found"],
        }
    )
    hidden = pd.DataFrame(
        {
            "facility_id": fac.facility_id,
            "authority": fac.authority,
            "facility_type": fac.facility_type,
            "ownership": fac.ownership,
            "has_board": fac.has_board,
            "respite_only": fac.respite_only,
            "approved_on": _dates(fac.approved_day),
            "closed_on": pd.Series(_dates(np.where(close == NO_DAY, 0, close))).where(close != NO_DAY),
            "mu": latent.mu.round(4),
        }
    ).sort_values("facility_id", kind="stable", ignore_index=True)

    hist_months = active[:, timeline.history_start_month : timeline.as_of_month]
    bad_hist = latent.bad[:, timeline.history_start_month : timeline.as_of_month] & hist_months
    parameters: dict[str, Any] = {
        "seed": config.seed,
        "facilities": config.facilities,
        "years": config.years,
        "as_of": timeline.as_of.isoformat(),
        "future_months": config.future_months,
        "history_start": timeline.history_start.isoformat(),
        "simulation_end": timeline.end.isoformat(),
        "bad_threshold": params.bad_threshold,
        "authority_offsets": {a.value: v for a, v in params.authority_offset.items()},
        "harshest_authority": min(params.authority_offset, key=lambda a: params.authority_offset[a]).value,
        "reporting_culture_adult": {a.value: v for a, v in params.force_culture_adult.items()},
        "reporting_culture_children": {a.value: v for a, v in params.force_culture_children.items()},
        "ownership_effect_non_public": params.ownership_effect_non_public,
        "detection": {
            "announced": params.p_detect_announced,
            "unannounced": params.p_detect_unannounced,
            "follow_up_or_enhanced": params.p_detect_targeted,
        },
        "p_paabud_when_seen": {a.value: v for a, v in params.p_paabud.items()},
        "reform_date": params.reform_date.isoformat(),
        "observation": model.as_json(),
        "generator": params.as_json(),
        "derived": {
            "bad_share_history": round(float(bad_hist.sum() / max(hist_months.sum(), 1)), 4),
            "facilities_total": len(fac),
            "facilities_active_on_as_of": int((close > timeline.as_of_day).sum()),
            "visits": len(visits),
            "history_visits_to_former_staff": assign_stats["former"],
            "history_visits_overbooked": assign_stats["overbooked"],
            "inspectors_current": int((dataset.inspectors["visits_per_week"] > 0).sum()),
            "inspectors_former": int((dataset.inspectors["visits_per_week"] == 0).sum()),
        },
    }
    return Truth(facility_months=facility_months, visit_findings=findings, parameters=parameters, facilities=hidden)


# ------------------------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------------------------
def _format_column(series: pd.Series, kind: Kind) -> pd.Series:
    if kind == Kind.DATE:
        return series.dt.strftime("%Y-%m-%d").fillna("")
    if kind == Kind.MONTH:
        return series.dt.strftime("%Y-%m").fillna("")
    if kind == Kind.BOOL:
        return series.map({True: "true", False: "false"}).astype(object)
    if kind == Kind.DECIMAL:
        return series.map(lambda v: "" if pd.isna(v) else repr(float(v)))
    return series.astype(object).where(series.notna(), "")


def write_world(world: World, out_dir: Path) -> None:
    """``out_dir/data/*.csv`` (the data contract, every file) and ``out_dir/truth/*`` (kept apart)."""
    data_dir = out_dir / "data"
    truth_dir = out_dir / "truth"
    data_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    for spec in FILES:
        frame = getattr(world.dataset, spec.name)
        out = pd.DataFrame({c.name: _format_column(frame[c.name], c.kind) for c in spec.columns})
        out.to_csv(data_dir / spec.filename, index=False, lineterminator="\n")
    truth = world.truth
    fm = truth.facility_months.copy()
    fm["month"] = fm["month"].dt.strftime("%Y-%m")
    fm["bad"] = fm["bad"].map({True: "true", False: "false"})
    fm.to_csv(truth_dir / "facility_months.csv", index=False, lineterminator="\n")  # values rounded already
    vf = truth.visit_findings.copy()
    vf["date"] = vf["date"].dt.strftime("%Y-%m-%d")
    for col in ("bad", "found"):
        vf[col] = vf[col].map({True: "true", False: "false"})
    vf.to_csv(truth_dir / "visit_findings.csv", index=False, lineterminator="\n")
    hidden = truth.facilities.copy()
    for col in ("approved_on", "closed_on"):
        hidden[col] = hidden[col].dt.strftime("%Y-%m-%d").fillna("")
    for col in ("has_board", "respite_only"):
        hidden[col] = hidden[col].map({True: "true", False: "false"})
    hidden.to_csv(truth_dir / "facilities.csv", index=False, lineterminator="\n")
    (truth_dir / "parameters.json").write_text(
        json.dumps(truth.parameters, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def load_truth(out_dir: Path) -> Truth:
    """The truth written by ``write_world`` (``out_dir`` or ``out_dir/truth``), without regenerating."""
    truth_dir = out_dir / "truth" if (out_dir / "truth").is_dir() else out_dir
    if not (truth_dir / "parameters.json").is_file():
        raise NotFoundError(f"Der er ingen syntetisk sandhed i '{out_dir}' (mangler truth/parameters.json).")
    fm = pd.read_csv(truth_dir / "facility_months.csv", dtype={"facility_id": str, "month": str})
    fm["month"] = pd.to_datetime(fm["month"], format="%Y-%m").astype("datetime64[ns]")
    fm["bad"] = fm["bad"].astype(str).str.lower().eq("true")
    vf = pd.read_csv(truth_dir / "visit_findings.csv", dtype={"visit_id": str, "facility_id": str, "date": str})
    vf["date"] = pd.to_datetime(vf["date"], format="%Y-%m-%d").astype("datetime64[ns]")
    for col in ("bad", "found"):
        vf[col] = vf[col].astype(str).str.lower().eq("true")
    hidden = pd.read_csv(truth_dir / "facilities.csv", dtype=str, keep_default_na=False)
    for col in ("approved_on", "closed_on"):
        hidden[col] = pd.to_datetime(hidden[col].replace("", None), format="%Y-%m-%d").astype("datetime64[ns]")
    for col in ("has_board", "respite_only"):
        hidden[col] = hidden[col].str.lower().eq("true")
    hidden["mu"] = hidden["mu"].astype(float)
    parameters = json.loads((truth_dir / "parameters.json").read_text(encoding="utf-8"))
    return Truth(facility_months=fm, visit_findings=vf, parameters=parameters, facilities=hidden)


__all__ = [
    "THEME_COLUMNS",
    "Truth",
    "VisitOutcome",
    "World",
    "WorldConfig",
    "generate_world",
    "load_truth",
    "write_world",
]
