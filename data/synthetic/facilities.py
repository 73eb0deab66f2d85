"""The tilbud themselves: authority, type, ownership, places, location, name, target group, approval and
closure dates, board and respite flags.

``config.facilities`` tilbud are active on the as-of date (DOMAIN's "about 2,000 tilbud"); the tilbud
that closed during the history come on top (``closures_per_year`` of the stock a year). Among the
active ones, ``new_per_year`` of the stock a year were approved during the history, so about 10 % are
under two years old. Older ones were approved in the socialtilsyn's re-approval wave (2014-2015) or
after it, before the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.enums import NON_PUBLIC, FacilityType, Ownership
from data.synthetic.geography import sample_locations
from data.synthetic.names import facility_names, target_groups
from data.synthetic.params import Parameters
from data.synthetic.timeline import Timeline, day_number

OWNERSHIPS = (Ownership.KOMMUNAL, Ownership.REGIONAL, Ownership.PRIVAT, Ownership.SELVEJENDE)
NO_DAY = np.iinfo(np.int64).max // 4  # "never" (not closed)


@dataclass(frozen=True)
class Facilities:
    """Columns of the generated tilbud as arrays (index = internal facility number)."""

    facility_id: np.ndarray
    name: np.ndarray
    authority: np.ndarray  # codes
    facility_type: np.ndarray  # codes
    ownership: np.ndarray  # codes
    non_public: np.ndarray  # bool
    places: np.ndarray  # int
    municipality: np.ndarray
    postcode: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    target_group: np.ndarray
    group_force_factor: np.ndarray  # magtanvendelser factor of the target group
    approved_day: np.ndarray  # day numbers
    planned_close_day: np.ndarray  # day number, NO_DAY if active on the as-of date
    has_board: np.ndarray
    respite_only: np.ndarray

    def __len__(self) -> int:
        return len(self.facility_id)


def _largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    raw = shares / shares.sum() * total
    counts = np.floor(raw).astype(int)
    rest = total - counts.sum()
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:rest]] += 1
    return counts


def _allocate(total: int, shares: dict, rng: np.random.Generator) -> np.ndarray:
    """Exactly ``round(share × total)`` of each key (largest remainder), in random order."""
    keys = list(shares)
    counts = _largest_remainder(total, np.array([shares[k] for k in keys], dtype=float))
    out = np.repeat(np.array([k.value for k in keys], dtype=object), counts)
    return out[rng.permutation(total)]


def generate_facilities(n_active: int, timeline: Timeline, params: Parameters, rng: np.random.Generator) -> Facilities:
    years = (timeline.as_of - timeline.history_start).days / 365.25
    n_closed = round(params.closures_per_year * n_active * years)
    n = n_active + n_closed
    closing = np.zeros(n, dtype=bool)
    closing[n_active:] = True

    authority = np.concatenate(
        [_allocate(n_active, params.authority_share, rng), _allocate(n_closed, params.authority_share, rng)]
    )
    ftype = np.concatenate([_allocate(n_active, params.type_share, rng), _allocate(n_closed, params.type_share, rng)])

    ownership = np.empty(n, dtype=object)
    places = np.zeros(n, dtype=np.int64)
    for t in FacilityType:
        idx = np.flatnonzero(ftype == t.value)
        if len(idx) == 0:
            continue
        probs = np.array(params.ownership_probs[t])
        ownership[idx] = np.array([o.value for o in OWNERSHIPS], dtype=object)[
            rng.choice(4, size=len(idx), p=probs / probs.sum())
        ]
        median, sigma, lo, hi = params.places[t]
        places[idx] = np.clip(np.round(median * np.exp(sigma * rng.standard_normal(len(idx)))), lo, hi)
    non_public = np.isin(ownership, [o.value for o in NON_PUBLIC])

    # --- approval and closure dates ---------------------------------------------------------------
    hs, as_of = timeline.history_start_day, timeline.as_of_day
    p_new = 1.0 - (1.0 - params.new_per_year) ** years
    new = rng.random(n) < p_new
    approved = np.zeros(n, dtype=np.int64)
    approved[new] = rng.integers(hs, as_of, size=int(new.sum()))
    wave_start, wave_end = (day_number(d) for d in params.reapproval_wave)

    def old_approvals(k: int) -> np.ndarray:
        """Approval days before the history: the 2014-2015 re-approval wave or later."""
        if wave_end >= hs - 365:  # a history that starts before the socialtilsyn existed
            return rng.integers(hs - 3650, hs - 30, size=k)
        in_wave = rng.random(k) < params.reapproval_share
        return np.where(in_wave, rng.integers(wave_start, wave_end, size=k), rng.integers(wave_end, hs - 30, size=k))

    old = np.flatnonzero(~new)
    approved[old] = old_approvals(len(old))
    # Closed tilbud ran at least half a year; closed on a day in the history.
    closed_idx = np.flatnonzero(closing)
    too_late = approved[closed_idx] > as_of - 240
    approved[closed_idx[too_late]] = old_approvals(int(too_late.sum()))
    close = np.full(n, NO_DAY, dtype=np.int64)
    close_from = np.maximum(approved[closed_idx] + 180, hs)
    close[closed_idx] = close_from + (rng.random(len(closed_idx)) * (as_of - 1 - close_from)).astype(np.int64)
    # Approvals are decided on working days (and the newest stay before the as-of date).
    approved = np.array([timeline.next_working_day(int(d)) for d in approved], dtype=np.int64)
    approved = np.array(
        [d if d < as_of else timeline.previous_working_day(as_of - 1) for d in approved], dtype=np.int64
    )
    close = np.where(close != NO_DAY, np.maximum(close, approved + 30), NO_DAY)

    # --- the rest ---------------------------------------------------------------------------------
    locations = sample_locations(authority, rng)
    names = facility_names(ftype, locations.municipality, ownership, rng)
    groups, group_factor = target_groups(ftype, rng)
    board_p = np.array([params.board_share.get(o, 0.0) for o in ownership])
    has_board = rng.random(n) < board_p
    respite_types = [FacilityType.OPHOLDSSTED.value, FacilityType.DOEGNINSTITUTION.value]
    respite = np.isin(ftype, respite_types) & (rng.random(n) < params.respite_share)

    # Ids that reveal nothing (not the authority, not closure): a random permutation of numbers.
    numbers = 10001 + rng.permutation(n)
    ids = np.array([f"T{k}" for k in numbers], dtype=object)
    return Facilities(
        facility_id=ids,
        name=names,
        authority=authority,
        facility_type=ftype,
        ownership=ownership,
        non_public=non_public,
        places=places,
        municipality=locations.municipality,
        postcode=locations.postcode,
        lat=locations.lat,
        lon=locations.lon,
        target_group=groups,
        group_force_factor=group_factor,
        approved_day=approved,
        planned_close_day=close,
        has_board=has_board,
        respite_only=respite,
    )
