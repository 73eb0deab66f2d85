"""The visit history: today's practice, with the selection bias real data carries.

Per tilbud, in date order:

- **Approval**: a tilbud approved during the history gets an approval visit (announced, every
  applicable indicator) on its approval day; significant changes (væsentlige ændringer) bring another
  approval visit now and then.
- **Regular operational visits**: before the 2025 reform about once a year (365 ± 30 days), about 27 %
  unannounced (60 % when a medium or high concern came in the last four months), ≈ 30 % of all visits
  unannounced once concern visits are counted. From the reform on (``reform_date``) the tilsyn follow
  the product's own rule: unannounced by default (85 %), every 18-23 months for stable tilbud and
  yearly for weak ones (a theme ≤ 3 or a serious finding at the last visit), never more than 700 days
  between unannounced visits; tilbud whose last unannounced visit is too old get a catch-up
  unannounced visit in the reform's first year. A new tilbud's first operational visit comes 3-6
  months after approval. A tilbud approved before the history starts counts its deadline from a last
  unannounced visit before it (``History.prior_unannounced``; the export carries it in
  ``facilities.last_unannounced_visit`` when the history shows no later one).
- **Concern visits**: a concern report triggers an unplanned, mostly unannounced operational visit
  (55 % of high, 15 % of medium, 2 % of low severity reports) within 1-6 weeks; it also restarts the
  regular clock.
- **Follow-up and enhanced visits**: a påbud is followed up after 2-4 months; a serious finding
  without a påbud usually too; skærpet tilsyn brings about four enhanced visits over six months.
  These visits know what to look for (higher detection), so the history visits suspected places more.
- **Days**: working days only (weekends and Danish public holidays, ``data.calendar``), on which a
  competent inspector of the authority is not absent.
- **Revocation** (ophør) closes the tilbud one to three months after the decision.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.enums import SERIOUS_SANCTIONS, SanctionKind, VisitKind
from data.synthetic.facilities import Facilities
from data.synthetic.observe import SERIOUS_THEME_VALUE, ObservationModel, indicator_profile, observe_visit
from data.synthetic.params import Parameters
from data.synthetic.quality import LatentState
from data.synthetic.timeline import Timeline, day_number

_APPROVAL, _CHANGE, _CONCERN, _FOLLOW_UP, _ENHANCED, _REGULAR = range(6)
_KIND = {
    _APPROVAL: VisitKind.APPROVAL,
    _CHANGE: VisitKind.APPROVAL,
    _CONCERN: VisitKind.OPERATIONAL,
    _FOLLOW_UP: VisitKind.FOLLOW_UP,
    _ENHANCED: VisitKind.ENHANCED,
    _REGULAR: VisitKind.OPERATIONAL,
}
_NEVER = 10**9


@dataclass(frozen=True)
class History:
    visits: pd.DataFrame  # fi, day, announced, kind, n_inspectors, bad, found, detected, seq
    scores: pd.DataFrame  # seq, indicator, score
    sanctions: pd.DataFrame  # fi, day, kind
    close_day: np.ndarray  # final closure day per facility (revocations included)
    # per facility, the last unannounced visit before the history start that the simulation counts its
    # deadline from (day number; 0 for a tilbud approved during the history, which starts from approval)
    prior_unannounced: np.ndarray


def simulate_history(
    fac: Facilities,
    latent: LatentState,
    concerns: pd.DataFrame,
    next_available: dict[tuple[str, str], np.ndarray],
    timeline: Timeline,
    params: Parameters,
    model: ObservationModel,
    seed: int,
) -> History:
    n = len(fac)
    as_of = timeline.as_of_day
    hs = timeline.history_start_day
    reform = day_number(params.reform_date)
    deadline = params.unannounced_deadline_days
    close_day = fac.planned_close_day.copy()
    prior_unannounced = np.zeros(n, dtype=np.int64)
    month_starts = timeline.month_start_days()
    day0 = timeline.day0

    by_fac: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    if len(concerns):
        fis = concerns["fi"].to_numpy()
        bounds = np.flatnonzero(np.diff(fis)) + 1
        for chunk_days, chunk_sev, chunk_fi in zip(
            np.split(concerns["day"].to_numpy(), bounds),
            np.split(concerns["severity_index"].to_numpy(), bounds),
            np.split(fis, bounds),
            strict=True,
        ):
            by_fac[int(chunk_fi[0])] = (chunk_days, chunk_sev)

    v_fi: list[int] = []
    v_day: list[int] = []
    v_ann: list[bool] = []
    v_kind: list[str] = []
    v_ninsp: list[int] = []
    v_bad: list[bool] = []
    v_found: list[bool] = []
    v_detected: list[bool] = []
    s_seq: list[np.ndarray] = []
    s_code: list[np.ndarray] = []
    s_score: list[np.ndarray] = []
    x_fi: list[int] = []
    x_day: list[int] = []
    x_kind: list[str] = []

    for f in range(n):
        rng = np.random.default_rng([seed, 11, f])
        a = str(fac.authority[f])
        t = str(fac.facility_type[f])
        nxt_avail = next_available[(a, t)]
        profile = indicator_profile(t, bool(fac.has_board[f]), bool(fac.respite_only[f]), str(fac.ownership[f]))
        appr = int(fac.approved_day[f])
        end = min(as_of - 1, int(close_day[f]) - 1)
        c_days, c_sev = by_fac.get(f, (np.array([], dtype=np.int64), np.array([], dtype=np.int64)))

        heap: list[tuple[int, int, int]] = []
        push = _pusher(heap)

        last_unann: int
        last_visit: int
        if appr >= hs:
            push(appr, _APPROVAL)
            next_regular = appr + int(rng.integers(*params.first_visit_days))
            last_unann = appr  # the deadline counts from approval
            last_visit = appr
        else:
            pre = hs < reform
            next_regular = hs + int(rng.integers(0, 365 if pre else 600))
            last_unann = hs - int(rng.integers(0, 1095 if pre else 690))
            prior_unannounced[f] = last_unann
            last_visit = next_regular - 365
        transitioned = max(hs, appr) >= reform
        regular_forced = False

        start_active = max(hs, appr + 365)
        years_active = max(0.0, (end - start_active) / 365.25)
        for _ in range(int(rng.poisson(params.significant_change_per_year * years_active))):
            push(start_active + int(rng.integers(0, max(end - start_active, 1))), _CHANGE)
        for d, sev in zip(c_days, c_sev, strict=True):
            if rng.random() < params.p_concern_visit[int(sev)]:
                push(int(d) + int(rng.integers(*params.concern_visit_days)), _CONCERN)

        focus: frozenset[int] = frozenset()
        weak = False
        seen_any = False
        paabud_until = skaerpet_until = follow_up_due = -1
        while True:
            top = heap[0][0] if heap else _NEVER
            candidate = min(next_regular, top)
            if not transitioned and candidate >= reform:
                transitioned = True
                if last_unann + deadline < reform + params.catch_up_days:
                    catch = max(reform + int(rng.integers(0, params.catch_up_days)), last_visit + 30)
                    next_regular = min(next_regular, catch)
                    regular_forced = True
                continue
            if candidate > end:
                break
            if next_regular <= top:
                source, raw = _REGULAR, next_regular
            else:
                raw, _, source = heapq.heappop(heap)
            idx = min(max(raw - day0, 0), len(nxt_avail) - 1)
            day = int(nxt_avail[idx]) + day0
            if day > end:
                if source == _REGULAR:
                    next_regular = _NEVER
                continue
            if source == _REGULAR and day - last_visit < 60 and not regular_forced:
                next_regular = last_visit + _interval(last_visit, weak, reform, params, rng)
                continue
            if source == _CONCERN and day - last_visit < 21:
                continue
            if source in (_FOLLOW_UP, _ENHANCED, _CHANGE) and day - last_visit < 14 and seen_any:
                continue
            seen_any = True

            kind = _KIND[source]
            if kind == VisitKind.APPROVAL:
                announced = True
            elif source == _REGULAR:
                if day < reform:
                    recent = (c_days < day) & (c_days >= day - 120) & (c_sev >= 1)
                    p_un = params.p_unannounced_pre_concern if recent.any() else params.p_unannounced_pre
                else:
                    p_un = params.p_unannounced_post
                unannounced = regular_forced or (day >= reform and last_unann + deadline <= day + 30)
                announced = not (unannounced or rng.random() < p_un)
            elif source == _CONCERN:
                announced = rng.random() >= params.p_unannounced_concern_visit
            elif source == _FOLLOW_UP:
                announced = rng.random() >= params.p_unannounced_follow_up
            else:
                announced = rng.random() >= params.p_unannounced_enhanced

            m = _month(day, month_starts)
            obs = observe_visit(
                theme_true=latent.themes[f, m],
                quality=float(latent.quality[f, m]),
                profile=profile,
                authority=a,
                kind=kind,
                announced=announced,
                focus=focus,
                model=model,
                rng=rng,
            )
            seq = len(v_fi)
            v_fi.append(f)
            v_day.append(day)
            v_ann.append(announced)
            v_kind.append(kind.value)
            two = kind in (VisitKind.APPROVAL, VisitKind.ENHANCED) or (
                kind == VisitKind.OPERATIONAL and rng.random() < params.two_inspector_share
            )
            v_ninsp.append(2 if two else 1)
            v_bad.append(bool(latent.bad[f, m]))
            v_found.append(obs.serious)
            v_detected.append(obs.detected)
            s_seq.append(np.full(len(obs.codes), seq))
            s_code.append(obs.codes)
            s_score.append(obs.scores)

            if not announced:
                last_unann = day
            last_visit = day
            # What the authority issues: a påbud already in force is escalated to skærpet tilsyn
            # rather than repeated, and skærpet tilsyn already in force is not repeated.
            issued: list[tuple[int, SanctionKind]] = []
            for lag, k in obs.sanctions:
                sday = day + lag
                if k == SanctionKind.PAABUD and sday < paabud_until:
                    if sday < skaerpet_until:
                        continue
                    k = SanctionKind.SKAERPET_TILSYN
                if k == SanctionKind.SKAERPET_TILSYN and sday < skaerpet_until:
                    continue
                issued.append((sday, k))
            for sday, k in issued:
                if sday < close_day[f]:
                    x_fi.append(f)
                    x_day.append(sday)
                    x_kind.append(k.value)
                if k == SanctionKind.PAABUD:
                    paabud_until = sday + 180
                elif k == SanctionKind.SKAERPET_TILSYN:
                    skaerpet_until = sday + 180
                    for offset in params.enhanced_offsets_days:
                        jitter = int(rng.integers(-params.enhanced_jitter_days, params.enhanced_jitter_days + 1))
                        push(day + offset + jitter, _ENHANCED)
                elif k == SanctionKind.OPHOER:
                    lo, hi = params.ophoer_closure_days
                    new_close = sday + int(rng.integers(lo, hi + 1))
                    if new_close < min(close_day[f], as_of):
                        close_day[f] = new_close
                        end = min(as_of - 1, new_close - 1)
            serious_issued = any(k in SERIOUS_SANCTIONS for _, k in issued)
            found = serious_issued or any(v <= SERIOUS_THEME_VALUE for v in obs.theme_values.values())
            v_found[-1] = found
            needs_follow_up = any(k == SanctionKind.PAABUD for _, k in issued) or (
                found and rng.random() < params.p_follow_up_serious
            )
            if needs_follow_up and follow_up_due < day:
                follow_up_due = day + int(rng.integers(*params.follow_up_days))
                push(follow_up_due, _FOLLOW_UP)

            focus = frozenset(k for k, v in obs.theme_values.items() if v <= params.weak_theme_value)
            if source in (_REGULAR, _CONCERN, _APPROVAL):
                weak = bool(focus) or found
                if source != _APPROVAL:  # after approval, the first operational visit is already scheduled
                    next_regular = day + _interval(day, weak, reform, params, rng)
                    regular_forced = False
                if day >= reform or transitioned:
                    due = last_unann + deadline
                    if next_regular >= due - 30:
                        next_regular = max(min(next_regular, due), day + 30)
                        regular_forced = True

    visits = pd.DataFrame(
        {
            "fi": np.array(v_fi, dtype=np.int64),
            "day": np.array(v_day, dtype=np.int64),
            "announced": np.array(v_ann, dtype=bool),
            "kind": np.array(v_kind, dtype=object),
            "n_inspectors": np.array(v_ninsp, dtype=np.int64),
            "bad": np.array(v_bad, dtype=bool),
            "found": np.array(v_found, dtype=bool),
            "detected": np.array(v_detected, dtype=bool),
        }
    )
    visits["seq"] = np.arange(len(visits))
    scores = pd.DataFrame(
        {
            "seq": np.concatenate(s_seq) if s_seq else np.array([], dtype=np.int64),
            "indicator": np.concatenate(s_code) if s_code else np.array([], dtype=object),
            "score": np.concatenate(s_score) if s_score else np.array([], dtype=np.int64),
        }
    )
    sanctions = pd.DataFrame(
        {"fi": np.array(x_fi, dtype=np.int64), "day": np.array(x_day, dtype=np.int64), "kind": x_kind}
    )
    return History(visits, scores, sanctions, close_day, prior_unannounced)


def _pusher(heap: list[tuple[int, int, int]]) -> Callable[[int, int], None]:
    """``push(day, source)`` onto ``heap``; ties keep their insertion order."""
    counter = itertools.count()

    def push(day: int, source: int) -> None:
        heapq.heappush(heap, (day, next(counter), source))

    return push


def _month(day: int, month_starts: np.ndarray) -> int:
    return int(np.searchsorted(month_starts, day, side="right")) - 1


def _interval(day: int, weak: bool, reform: int, params: Parameters, rng: np.random.Generator) -> int:
    if day < reform:
        mean, sd = params.pre_interval_days
        return min(max(round(mean + sd * rng.standard_normal()), 300), 430)
    lo, hi = params.weak_interval_days if weak else params.post_interval_days
    return int(rng.integers(lo, hi + 1))
