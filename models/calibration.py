"""Authority calibration: each socialtilsyn's scoring offset on comparable facilities (seed 001).

The same quality gets different theme values depending on which tilsyn inspects. We estimate one
offset per authority with a fixed-effects regression, by least squares,

    value = offset[authority] + cell[theme, facility type, year] + noise,

solved by backfitting (alternating group means, which converges to the least-squares solution), with
the offsets centred so that their visit-weighted mean is 0: an offset of -0.30 means the authority
scores 0.30 lower than the nation does for the same theme, facility type and year. Each offset is
shrunk towards 0 by ``n / (n + shrinkage)`` so that an authority with few scores gets a small one.
Theme values enter the model as ``value - offset[authority]``.

The identifying assumption, stated plainly: within a facility type and year, facilities are equally
good in every authority. A region whose facilities truly are worse would see part of that difference
removed; this is why the offsets are reported (``tilsynsplan train`` prints them, the model store keeps
them) rather than applied silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

DEFAULT_SHRINKAGE = 50.0


@dataclass(frozen=True)
class AuthorityOffsets:
    """Estimated scoring offsets (theme-value points) per authority; missing authorities count as 0."""

    offsets: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # theme values behind each estimate
    #: shown on the model card ("Metode: ..."): Danish, as every text a leader reads
    method: str = (
        "faste effekter for socialtilsyn og for tema × tilbudstype × år, mindste kvadraters metode, "
        "niveauerne trukket mod 0, når de bygger på få temaværdier"
    )

    def offset(self, authority: str) -> float:
        return self.offsets.get(authority, 0.0)

    def apply(self, theme_values: pd.DataFrame, authority_of: pd.Series) -> pd.Series:
        """Calibrated values: ``value - offset[authority]`` (``authority_of`` maps facility_id -> authority)."""
        auth = theme_values["facility_id"].map(authority_of)
        shift = auth.map(self.offsets).astype("float64").fillna(0.0)
        return theme_values["value"] - shift

    def as_dict(self) -> dict[str, Any]:
        return {
            "offsets": {k: round(v, 4) for k, v in sorted(self.offsets.items())},
            "counts": dict(sorted(self.counts.items())),
            "method": self.method,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AuthorityOffsets:
        return cls(
            offsets={str(k): float(v) for k, v in data.get("offsets", {}).items()},
            counts={str(k): int(v) for k, v in data.get("counts", {}).items()},
            method=str(data.get("method", cls.method)),
        )


def estimate_offsets(
    theme_values: pd.DataFrame,
    facilities: pd.DataFrame,
    *,
    since: pd.Timestamp | None = None,
    shrinkage: float = DEFAULT_SHRINKAGE,
    iterations: int = 50,
) -> AuthorityOffsets:
    """Offsets from theme values (``Dataset.visit_theme_values()``: facility_id, date, theme, value).

    ``facilities`` gives each facility's ``authority`` and ``facility_type``. Only values dated on or
    after ``since`` are used when given.
    """
    tv = theme_values
    if since is not None:
        tv = tv[tv["date"] >= since]
    fac = facilities.set_index("facility_id")[["authority", "facility_type"]]
    d = tv[["facility_id", "date", "theme", "value"]].join(fac, on="facility_id", how="inner")
    if d.empty:
        return AuthorityOffsets()
    y = d["value"].to_numpy(float)
    auth_codes, auth_names = pd.factorize(d["authority"], sort=True)
    cell_key = d["theme"].astype(str) + "|" + d["facility_type"].astype(str) + "|" + d["date"].dt.year.astype(str)
    cell_codes, _ = pd.factorize(cell_key)
    n_auth = len(auth_names)
    n_auth_obs = np.bincount(auth_codes, minlength=n_auth).astype(float)
    n_cell_obs = np.bincount(cell_codes).astype(float)
    a = np.zeros(n_auth)
    for _ in range(iterations):
        cell = np.bincount(cell_codes, weights=y - a[auth_codes]) / n_cell_obs
        new_a = np.bincount(auth_codes, weights=y - cell[cell_codes], minlength=n_auth) / np.maximum(n_auth_obs, 1)
        new_a -= np.average(new_a, weights=n_auth_obs)
        if np.max(np.abs(new_a - a)) < 1e-7:
            a = new_a
            break
        a = new_a
    shrunk = a * n_auth_obs / (n_auth_obs + shrinkage)
    offsets = {str(name): float(shrunk[i]) for i, name in enumerate(auth_names)}
    counts = {str(name): int(n_auth_obs[i]) for i, name in enumerate(auth_names)}
    log.info("authority offsets: %s", {k: round(v, 3) for k, v in offsets.items()})
    return AuthorityOffsets(offsets=offsets, counts=counts)
