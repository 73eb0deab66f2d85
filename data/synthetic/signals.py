"""Observables that do not need a visit: magtanvendelser (monthly), concern reports, staff figures (yearly).

- **Magtanvendelser**: a month's count is Gamma-Poisson with mean
  ``places × type rate × reporting culture × facility factor × target-group factor × exp(beta × (ref - q))``.
  The reporting culture (per authority, adult and children apart) and the facility/target-group
  factors are *not* risk; only the last factor links the count to the latent quality. Only months with
  a count above zero are written (one row per kind); a month without a row is a month with no use of
  force, for every tilbud active in it (ambulant treatment never reports: the rules do not apply).
- **Concern reports**: Poisson per month, more when quality is low and many more in a seriously bad
  state; bad states bring more severe reports.
- **Staff figures**: a year's turnover and sickness absence, relative to the type's norm, rise with
  the months spent in a staff crisis and with the year's quality deficit; they are known only after
  the year ends (so they lag). A few tilbud do not report.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data.enums import CHILDREN_TYPES, Authority, FacilityType, Severity
from data.synthetic.facilities import Facilities
from data.synthetic.params import Parameters
from data.synthetic.quality import LatentState
from data.synthetic.timeline import Timeline, day_number

SEVERITIES = (Severity.LOW.value, Severity.MEDIUM.value, Severity.HIGH.value)


def active_months(fac: Facilities, timeline: Timeline, close_day: np.ndarray) -> np.ndarray:
    """[F, M] whether the tilbud is active in (some of) the month: approved by its end, not closed at its start."""
    starts = timeline.month_start_days()
    return (fac.approved_day[:, None] < starts[None, 1:]) & (close_day[:, None] > starts[None, :-1])


def use_of_force(
    fac: Facilities, latent: LatentState, timeline: Timeline, params: Parameters, rng: np.random.Generator
) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows ``(fi, month_index, count, kind)`` with count > 0, and the persistent facility factor."""
    n = len(fac)
    ftype = fac.facility_type
    children = np.isin(ftype, [t.value for t in CHILDREN_TYPES])
    rate = np.array([params.force_rate[FacilityType(t)] for t in ftype]) / 12.0
    culture = np.where(
        children,
        np.array([params.force_culture_children[Authority(a)] for a in fac.authority]),
        np.array([params.force_culture_adult[Authority(a)] for a in fac.authority]),
    )
    sd = params.force_facility_sd
    fac_factor = np.exp(sd * rng.standard_normal(n) - sd**2 / 2) * fac.group_force_factor
    base = fac.places * rate * culture * fac_factor

    m0, m1 = timeline.history_start_month, timeline.as_of_month  # complete months before the as-of month
    q = latent.quality[:, m0:m1].astype(float)
    active = active_months(fac, timeline, fac.planned_close_day)[:, m0:m1]
    deficit = np.minimum(params.force_quality_ref - q, params.force_quality_cap)
    lam = base[:, None] * np.exp(params.force_quality_beta * deficit)
    lam = lam * rng.gamma(params.force_shape, 1.0 / params.force_shape, size=lam.shape)
    counts = rng.poisson(lam) * active
    fi, mi = np.nonzero(counts)
    total = counts[fi, mi]

    rows: list[pd.DataFrame] = []
    for is_child, kinds in ((False, params.force_kinds_adult), (True, params.force_kinds_children)):
        sel = children[fi] == is_child
        if not sel.any():
            continue
        names = list(kinds)
        split = rng.multinomial(total[sel], np.array([kinds[k] for k in names]))
        for j, kind in enumerate(names):
            keep = split[:, j] > 0
            rows.append(
                pd.DataFrame({"fi": fi[sel][keep], "month": mi[sel][keep] + m0, "count": split[keep, j], "kind": kind})
            )
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["fi", "month", "count", "kind"])
    return out, fac_factor


def concerns(
    fac: Facilities, latent: LatentState, timeline: Timeline, params: Parameters, rng: np.random.Generator
) -> pd.DataFrame:
    """Rows ``(fi, day, severity)`` of concern reports dated in the history, before the as-of date."""
    m0, m1 = timeline.history_start_month, timeline.as_of_month + 1
    q = latent.quality[:, m0:m1].astype(float)
    bad = latent.bad[:, m0:m1]
    active = active_months(fac, timeline, fac.planned_close_day)[:, m0:m1]
    size = np.sqrt(fac.places / 15.0)
    deficit = np.maximum(0.0, params.force_quality_ref - q)
    lam = params.concern_base_month * size[:, None] * np.exp(params.concern_quality_beta * deficit)
    lam = lam + params.concern_bad_extra_month * bad
    counts = rng.poisson(lam) * active
    fi, mi = np.nonzero(counts)
    reps = counts[fi, mi]
    fi = np.repeat(fi, reps)
    mi = np.repeat(mi, reps) + m0
    was_bad = latent.bad[fi, mi]
    starts = timeline.month_start_days()
    length = starts[mi + 1] - starts[mi]
    day = starts[mi] + (rng.random(len(fi)) * length).astype(np.int64)
    p_bad = np.array(params.concern_severity_bad)
    p_ok = np.array(params.concern_severity_ok)
    u = rng.random(len(fi))
    sev_idx = np.where(
        was_bad,
        np.searchsorted(np.cumsum(p_bad), u, side="right"),
        np.searchsorted(np.cumsum(p_ok), u, side="right"),
    )
    sev_idx = np.minimum(sev_idx, 2)
    ok = (day < timeline.as_of_day) & (day >= fac.approved_day[fi]) & (day < fac.planned_close_day[fi])
    out = pd.DataFrame({"fi": fi[ok], "day": day[ok], "severity_index": sev_idx[ok]})
    return out.sort_values(["fi", "day", "severity_index"], kind="stable").reset_index(drop=True)


def staff_figures(
    fac: Facilities, latent: LatentState, timeline: Timeline, params: Parameters, rng: np.random.Generator
) -> pd.DataFrame:
    """Rows ``(fi, year, staff_turnover_pct, sickness_absence_pct)`` for complete years before the as-of year."""
    n = len(fac)
    first_year = timeline.history_start.year
    last_year = timeline.as_of.year - 1
    t_norm = np.array([params.turnover_norm[FacilityType(t)] for t in fac.facility_type])
    s_norm = np.array([params.sickness_norm[FacilityType(t)] for t in fac.facility_type])
    t_fac = params.staff_facility_sd * rng.standard_normal(n)
    s_fac = params.staff_facility_sd * rng.standard_normal(n)
    noise_scale = params.staff_year_sd * (1.0 + params.staff_small_noise / np.sqrt(fac.places))
    frames: list[pd.DataFrame] = []
    for year in range(first_year, last_year + 1):
        jan = year * 12 - (timeline.sim_start.year * 12 + timeline.sim_start.month - 1)
        if jan < 0 or jan + 12 > timeline.n_months:
            continue
        months = slice(jan, jan + 12)
        q = latent.quality[:, months].astype(float)
        crisis = latent.crisis[:, months].mean(axis=1)
        leader = latent.leader_change[:, months].any(axis=1)
        deficit = np.maximum(0.0, params.force_quality_ref - q).mean(axis=1)
        reports = (fac.approved_day <= day_number(dt.date(year, 7, 1))) & (
            fac.planned_close_day > day_number(dt.date(year, 12, 31))
        )
        log_t = (
            t_fac
            + noise_scale * rng.standard_normal(n)
            + params.turnover_crisis * crisis
            + params.turnover_deficit * deficit
            + params.turnover_leader * leader
        )
        log_s = s_fac + noise_scale * rng.standard_normal(n) + params.sickness_crisis * crisis
        log_s = log_s + params.sickness_deficit * deficit
        turnover = np.clip(np.round(t_norm * np.exp(log_t), 1), 0.0, 100.0)
        sickness = np.clip(np.round(s_norm * np.exp(log_s), 1), 0.0, 100.0)
        missing = rng.random(n) < params.staff_missing_share
        idx = np.flatnonzero(reports & ~missing)
        frames.append(
            pd.DataFrame(
                {
                    "fi": idx,
                    "year": year,
                    "staff_turnover_pct": turnover[idx],
                    "sickness_absence_pct": sickness[idx],
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["fi", "year", "staff_turnover_pct", "sickness_absence_pct"])
    return pd.concat(frames, ignore_index=True)
