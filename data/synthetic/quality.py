"""The latent state: every tilbud's true quality, month by month, per theme.

Theme ``k`` of tilbud ``i`` in month ``t`` (the indicator scale, 1-5)::

    level_ik + x_i(t) + xi_ik(t) - L^crisis_k * crisis_i(t) + L^leader_k * leader_i(t) - dip_i(t)

- ``level_ik``: national base + type effect + ownership effect (small, seed 000) + a persistent facility
  effect ``mu_i`` + national theme offset + the facility's own theme profile;
- ``x_i``: a common AR(1) wobble (persistence ``ar_phi`` a month), ``xi_ik`` a smaller one per theme;
- ``crisis_i``: a staff crisis, a drop that holds while the crisis lasts (about 8 months on average)
  and then fades; more likely in weak and new places and just after a leader change;
- ``leader_i``: a leader change, a shock (usually down) that fades; bad places lose leaders faster;
- ``dip_i``: new tilbud start lower and wobble more, fading over their first year or two.

``quality`` is the mean of the seven themes; the tilbud is in a *seriously bad state* when it is below
``bad_threshold`` (a few % of tilbud at any time). The truth does not react to inspections, so every
visiting policy can be compared on the same truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.enums import FacilityType, Theme
from data.synthetic.facilities import Facilities
from data.synthetic.params import Parameters
from data.synthetic.timeline import Timeline

THEME_ORDER: tuple[Theme, ...] = tuple(Theme)
N_THEMES = len(THEME_ORDER)


@dataclass(frozen=True)
class LatentState:
    themes: np.ndarray  # [F, M, 7] float32
    quality: np.ndarray  # [F, M] float32
    bad: np.ndarray  # [F, M] bool
    crisis: np.ndarray  # [F, M] bool: a staff crisis is going on
    leader_change: np.ndarray  # [F, M] bool: the leader changed this month
    leader_day: np.ndarray  # [F, M] int: day number of the change (0 when none)
    approval_month: np.ndarray  # [F] month index of approval (may be negative)
    mu: np.ndarray  # [F] persistent facility effect


def simulate_quality(fac: Facilities, timeline: Timeline, params: Parameters, rng: np.random.Generator) -> LatentState:
    n = len(fac)
    months = timeline.n_months
    month_days = timeline.month_start_days()
    approval_month = timeline.month_of_days(fac.approved_day)
    closing = fac.planned_close_day < np.iinfo(np.int64).max // 4

    type_eff = np.array([params.type_effect.get(FacilityType(t), 0.0) for t in fac.facility_type])
    own_eff = params.ownership_effect_non_public * fac.non_public
    # Tilbud that will close are a little weaker on average (closures are more often the weak ones).
    mu = params.facility_sd * rng.standard_normal(n) - params.closing_penalty * closing
    theme_off = np.array([params.theme_offset[t] for t in THEME_ORDER])
    level = (
        params.base_quality
        + (type_eff + own_eff + mu)[:, None]
        + theme_off[None, :]
        + params.theme_facility_sd * rng.standard_normal((n, N_THEMES))
    )
    load_c = np.array([params.crisis_loading[t] for t in THEME_ORDER])
    load_l = np.array([params.leader_loading[t] for t in THEME_ORDER])

    h_leader = 1.0 - (1.0 - params.leader_hazard_year) ** (1 / 12)
    h_crisis = 1.0 - (1.0 - params.crisis_hazard_year) ** (1 / 12)
    innov = np.sqrt(1 - params.ar_phi**2) * params.ar_sd
    innov_theme = np.sqrt(1 - params.theme_ar_phi**2) * params.theme_ar_sd

    themes = np.empty((n, months, N_THEMES), dtype=np.float32)
    quality = np.empty((n, months), dtype=np.float32)
    crisis_on = np.zeros((n, months), dtype=bool)
    leader_change = np.zeros((n, months), dtype=bool)
    leader_day = np.zeros((n, months), dtype=np.int64)

    x = params.ar_sd * rng.standard_normal(n)
    xi = params.theme_ar_sd * rng.standard_normal((n, N_THEMES))
    crisis_level = np.zeros(n)
    active = np.zeros(n, dtype=bool)
    leader = np.zeros(n)
    months_since_leader = np.full(n, 999)
    q_prev = level.mean(axis=1)
    for t in range(months):
        age = t - approval_month
        started = age == 0
        if started.any():  # a new tilbud starts fresh
            k = int(started.sum())
            x[started] = params.ar_sd * 1.2 * rng.standard_normal(k)
            xi[started] = params.theme_ar_sd * rng.standard_normal((k, N_THEMES))
            crisis_level[started] = 0.0
            active[started] = False
            leader[started] = 0.0
            months_since_leader[started] = 999
            q_prev[started] = level[started].mean(axis=1)
        new_factor = np.where(age >= 0, np.exp(-np.maximum(age, 0) / params.new_months), 0.0)
        sd_mult = 1.0 + (params.new_sd_mult - 1.0) * new_factor
        x = params.ar_phi * x + innov * sd_mult * rng.standard_normal(n)
        xi = params.theme_ar_phi * xi + innov_theme * rng.standard_normal((n, N_THEMES))

        # Leader change: bad places lose their leader faster; the change is a shock that fades.
        was_bad = q_prev < params.bad_threshold
        p_leader = h_leader * np.where(was_bad, params.leader_bad_mult, 1.0)
        change = (rng.random(n) < p_leader) & (age >= 1)
        jumps = params.leader_jump_mean + params.leader_jump_sd * rng.standard_normal(n)
        leader = params.leader_decay * leader + np.where(change, jumps, 0.0)
        months_since_leader = np.where(change, 0, months_since_leader + 1)
        leader_change[:, t] = change
        leader_day[:, t] = np.where(change, month_days[t] + rng.integers(0, 28, size=n), 0)

        # Staff crisis: starts (weak, new, just after a leader change), holds, then fades.
        weak = q_prev < params.base_quality - params.crisis_weak_margin
        p_start = (
            h_crisis
            * (1.0 + (params.new_crisis_mult - 1.0) * new_factor)
            * np.where(weak, params.crisis_weak_mult, 1.0)
            * np.where(months_since_leader < params.crisis_after_leader_months, params.crisis_after_leader_mult, 1.0)
        )
        start = (~active) & (rng.random(n) < p_start) & (age >= 0)
        ends = active & (rng.random(n) >= params.crisis_stay)
        active = (active & ~ends) | start
        jump = rng.uniform(params.crisis_jump[0], params.crisis_jump[1], size=n)
        crisis_level = np.where(start, np.maximum(crisis_level, jump), crisis_level)
        crisis_level = np.where(active, crisis_level, crisis_level * params.crisis_decay)
        crisis_on[:, t] = active

        dip = params.new_dip * new_factor
        th = (
            level
            + (x - dip)[:, None]
            + xi
            - crisis_level[:, None] * load_c[None, :]
            + leader[:, None] * load_l[None, :]
        )
        th = np.clip(th, 1.0, 5.0)
        themes[:, t, :] = th
        q = th.mean(axis=1)
        quality[:, t] = q
        q_prev = q

    bad = quality < params.bad_threshold
    return LatentState(
        themes=themes,
        quality=quality,
        bad=bad,
        crisis=crisis_on,
        leader_change=leader_change,
        leader_day=leader_day,
        approval_month=approval_month,
        mu=mu,
    )
