"""What a visit finds: indicator scores, theme values, sanctions, and whether the finding is serious.

One function, :func:`observe_visit`, used both by the history and by ``World.visit_outcome`` (the
backtest's visits the history did not contain), so both follow the same observation model:

1. **Detection.** A seriously bad tilbud is *seen* with probability ``p_detect_announced`` at an
   announced visit (the place is prepared), ``p_detect_unannounced`` at an unannounced one, and
   ``p_detect_targeted`` at follow-up and enhanced visits (they know where to look).
2. **Themes scored.** Approval visits score every applicable indicator. Operational visits score a
   themed subset (``themes_per_visit`` themes and ``indicator_keep`` of their indicators) plus the
   themes in focus (weak at the last visit) and, when a problem is seen, its two worst themes.
   Follow-up and enhanced visits score the focus and problem themes and one more.
3. **Scores.** Each indicator: ``round(seen_theme + authority_offset + visit_noise + indicator_noise)``,
   clipped to 1-5. ``seen_theme`` is the true theme quality, except that an unseen bad place looks
   at least ``mask_lift`` above the threshold, and a seen problem's two worst themes are documented
   ``detect_push`` lower. The authority offset is the socialtilsyn's calibration (seed 001).
4. **Sanctions.** A seen problem gives a påbud with the authority's probability, skærpet tilsyn when
   deep, rarely revocation when deepest; a place that is not seriously bad gets a påbud for a lesser
   matter with a small probability; approvals sometimes come with conditions (vilkår, not serious).
5. **Serious finding**: a sanction in ``SERIOUS_SANCTIONS`` or a scored theme value ≤ 2.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from data.enums import SERIOUS_SANCTIONS, FacilityType, Ownership, SanctionKind, VisitKind
from data.quality_model import (
    CRITERION_BY_NUMBER,
    INDICATOR_BY_CODE,
    FacilityTraits,
    applicable_indicators,
)
from data.synthetic.params import Parameters
from data.synthetic.quality import N_THEMES, THEME_ORDER

SERIOUS_THEME_VALUE = 2.0
_THEME_INDEX = {t: k for k, t in enumerate(THEME_ORDER)}
_CRITERIA = tuple(sorted(CRITERION_BY_NUMBER))
_CRITERION_INDEX = {c: k for k, c in enumerate(_CRITERIA)}
_CRITERION_THEME = np.array([_THEME_INDEX[CRITERION_BY_NUMBER[c].theme] for c in _CRITERIA])


@dataclass(frozen=True)
class ObservationModel:
    """The observation parameters (a JSON-friendly copy kept in ``truth.parameters["observation"]``)."""

    authority_offset: dict[str, float]
    p_paabud: dict[str, float]
    bad_threshold: float
    visit_sd: float
    indicator_sd: float
    p_detect_announced: float
    p_detect_unannounced: float
    p_detect_targeted: float
    mask_lift: float
    mask_sd: float
    detect_push: float
    themes_per_visit: tuple[int, int]
    indicator_keep: float
    p_paabud_not_bad: float
    skaerpet_depth: float
    p_skaerpet: float
    ophoer_depth: float
    p_ophoer: float
    p_vilkaar_approval: float
    paabud_lag_days: tuple[int, int]
    skaerpet_lag_days: tuple[int, int]
    ophoer_lag_days: tuple[int, int]

    @classmethod
    def from_parameters(cls, p: Parameters) -> ObservationModel:
        return cls(
            authority_offset={a.value: v for a, v in p.authority_offset.items()},
            p_paabud={a.value: v for a, v in p.p_paabud.items()},
            bad_threshold=p.bad_threshold,
            visit_sd=p.visit_sd,
            indicator_sd=p.indicator_sd,
            p_detect_announced=p.p_detect_announced,
            p_detect_unannounced=p.p_detect_unannounced,
            p_detect_targeted=p.p_detect_targeted,
            mask_lift=p.mask_lift,
            mask_sd=p.mask_sd,
            detect_push=p.detect_push,
            themes_per_visit=p.themes_per_visit,
            indicator_keep=p.indicator_keep,
            p_paabud_not_bad=p.p_paabud_not_bad,
            skaerpet_depth=p.skaerpet_depth,
            p_skaerpet=p.p_skaerpet,
            ophoer_depth=p.ophoer_depth,
            p_ophoer=p.p_ophoer,
            p_vilkaar_approval=p.p_vilkaar_approval,
            paabud_lag_days=p.paabud_lag_days,
            skaerpet_lag_days=p.skaerpet_lag_days,
            ophoer_lag_days=p.ophoer_lag_days,
        )

    def as_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ObservationModel:
        values = dict(d)
        for key in ("themes_per_visit", "paabud_lag_days", "skaerpet_lag_days", "ophoer_lag_days"):
            values[key] = tuple(int(v) for v in values[key])
        return cls(**values)


@dataclass(frozen=True)
class IndicatorProfile:
    """The indicators that apply to one kind of tilbud, with their criterion and theme."""

    codes: tuple[str, ...]
    code_array: np.ndarray  # the codes as an object array (for fast selection)
    criterion: np.ndarray  # criterion index per indicator
    theme: np.ndarray  # theme index per indicator
    themes: np.ndarray  # applicable theme indices (sorted)
    members: dict[int, np.ndarray]  # theme index -> its indicators' positions


@lru_cache(maxsize=256)
def indicator_profile(facility_type: str, has_board: bool, respite_only: bool, ownership: str) -> IndicatorProfile:
    traits = FacilityTraits(FacilityType(facility_type), has_board, respite_only, Ownership(ownership))
    codes = applicable_indicators(traits)
    crit = np.array([_CRITERION_INDEX[INDICATOR_BY_CODE[c].criterion] for c in codes])
    theme = _CRITERION_THEME[crit]
    themes = np.unique(theme)
    members = {int(t): np.flatnonzero(theme == t) for t in themes}
    return IndicatorProfile(codes, np.array(codes, dtype=object), crit, theme, themes, members)


@dataclass(frozen=True)
class Observation:
    codes: np.ndarray  # indicator codes (object array)
    scores: np.ndarray  # int, aligned with codes
    theme_values: dict[int, float]  # theme index -> value (mean of criteria means)
    sanctions: tuple[tuple[int, SanctionKind], ...]  # (days after the visit, kind)
    detected: bool
    serious: bool


def theme_values(profile: IndicatorProfile, chosen: np.ndarray, scores: np.ndarray) -> dict[int, float]:
    """Seed 004: criterion = mean of its scored indicators, theme = mean of its scored criteria."""
    crit = profile.criterion[chosen]
    n_crit = len(_CRITERIA)
    sums = np.bincount(crit, weights=scores, minlength=n_crit)
    counts = np.bincount(crit, minlength=n_crit)
    scored = counts > 0
    crit_values = np.divide(sums, counts, out=np.zeros(n_crit), where=scored)
    t_sums = np.bincount(_CRITERION_THEME, weights=crit_values * scored, minlength=N_THEMES)
    t_counts = np.bincount(_CRITERION_THEME, weights=scored.astype(float), minlength=N_THEMES)
    return {k: t_sums[k] / t_counts[k] for k in range(N_THEMES) if t_counts[k] > 0}


def detection_probability(model: ObservationModel, kind: VisitKind, announced: bool) -> float:
    if kind in (VisitKind.FOLLOW_UP, VisitKind.ENHANCED):
        return model.p_detect_targeted
    return model.p_detect_announced if announced else model.p_detect_unannounced


def observe_visit(
    *,
    theme_true: np.ndarray,
    quality: float,
    profile: IndicatorProfile,
    authority: str,
    kind: VisitKind,
    announced: bool,
    focus: frozenset[int],
    model: ObservationModel,
    rng: np.random.Generator,
) -> Observation:
    bad = quality < model.bad_threshold
    detected = bool(bad and rng.random() < detection_probability(model, kind, announced))
    applicable = profile.themes
    # The two worst applicable themes are where a seen problem shows.
    problem: set[int] = set()
    if detected:
        worst = applicable[np.argsort(theme_true[applicable], kind="stable")[:2]]
        problem = {int(k) for k in worst}
    focus_set = {k for k in focus if k in profile.members}

    n_applicable = len(applicable)
    if kind == VisitKind.APPROVAL:
        chosen_themes = set(profile.members)
    elif kind == VisitKind.OPERATIONAL:
        lo, hi = model.themes_per_visit
        k = min(int(rng.integers(lo, hi + 1)), n_applicable)
        picked = applicable[rng.permutation(n_applicable)[:k]]
        chosen_themes = {int(t) for t in picked} | focus_set | problem
    else:
        chosen_themes = focus_set | problem
        rest = [t for t in profile.members if t not in chosen_themes]
        extra = 1 if chosen_themes else 2
        if rest:
            order = rng.permutation(len(rest))[: min(extra, len(rest))]
            chosen_themes |= {rest[int(j)] for j in order}

    theme_mask = np.zeros(N_THEMES, dtype=bool)
    theme_mask[list(chosen_themes)] = True
    keep = theme_mask[profile.theme]
    if kind != VisitKind.APPROVAL:
        keep &= rng.random(len(profile.codes)) < model.indicator_keep
        # At least one indicator per chosen theme.
        empty = theme_mask & (np.bincount(profile.theme[keep], minlength=N_THEMES) == 0)
        for empty_theme in np.flatnonzero(empty):
            members = profile.members[int(empty_theme)]
            keep[members[int(rng.integers(len(members)))]] = True
    chosen = np.flatnonzero(keep)

    seen = theme_true.astype(float)
    if bad and not detected:
        floor = model.bad_threshold + model.mask_lift + model.mask_sd * rng.standard_normal(N_THEMES)
        seen = np.maximum(seen, floor)
    if detected:
        seen = seen.copy()
        for t in problem:
            seen[t] -= model.detect_push
    offset = model.authority_offset[authority]
    visit_noise = model.visit_sd * rng.standard_normal()
    raw = seen[profile.theme[chosen]] + (offset + visit_noise) + model.indicator_sd * rng.standard_normal(len(chosen))
    scores = np.rint(raw)
    np.clip(scores, 1, 5, out=scores)
    scores = scores.astype(np.int64)
    values = theme_values(profile, chosen, scores)

    sanctions: list[tuple[int, SanctionKind]] = []
    if detected:
        depth = model.bad_threshold - quality
        if rng.random() < model.p_paabud[authority]:
            sanctions.append((int(rng.integers(*model.paabud_lag_days)), SanctionKind.PAABUD))
        if depth > model.skaerpet_depth and rng.random() < model.p_skaerpet:
            sanctions.append((int(rng.integers(*model.skaerpet_lag_days)), SanctionKind.SKAERPET_TILSYN))
        if depth > model.ophoer_depth and rng.random() < model.p_ophoer:
            sanctions.append((int(rng.integers(*model.ophoer_lag_days)), SanctionKind.OPHOER))
    elif not bad and rng.random() < model.p_paabud_not_bad:
        sanctions.append((int(rng.integers(*model.paabud_lag_days)), SanctionKind.PAABUD))
    if kind == VisitKind.APPROVAL and rng.random() < model.p_vilkaar_approval:
        sanctions.append((0, SanctionKind.VILKAAR))

    serious = any(k in SERIOUS_SANCTIONS for _, k in sanctions) or any(
        v <= SERIOUS_THEME_VALUE for v in values.values()
    )
    return Observation(
        codes=profile.code_array[chosen],
        scores=scores,
        theme_values=values,
        sanctions=tuple(sanctions),
        detected=detected,
        serious=serious,
    )
