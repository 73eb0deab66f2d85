"""Fairness audit: does the ranking single out an ownership form or an authority?

Neither ownership nor authority is a model input, but other features can stand in for them. For each
group the audit puts its share of the facilities beside its share of the top decile (the facilities
the plan sends inspectors to first), its risk distribution, and — for context, since a group with more
true problems *should* be over-represented — its share of the serious findings in the training window.
``top_decile_ratio`` > 1 means over-represented in the top decile.

The top decile is the ``ceil(10 % x n)`` riskiest. Facilities whose risk equals the decile's lowest
share the places left for that risk: each counts as ``places / tied`` of a facility (38 tilbud with one
risk and 6 places: 6/38 each), so a group's share never depends on the order of the ids inside a tie
(``in_top_decile`` is then a fraction).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

GROUPS = ("ownership", "authority")
TOP_SHARE = 0.10


@dataclass(frozen=True)
class FairnessAudit:
    top_share: float
    facilities: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # group column -> one row per group
    top_size: int = 0  # places in the top decile
    tied_at_cut: int = 0  # facilities with the risk at the decile's cut, when they are more than its places
    places_at_cut: int = 0  # the places they share

    def as_dict(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:
            if isinstance(v, float | np.floating):
                return None if math.isnan(float(v)) else round(float(v), 6)  # as the metrics: 4 made 1/22 read 4,6 %
            if isinstance(v, np.integer):
                return int(v)
            return v

        return {
            "top_share": self.top_share,
            "facilities": self.facilities,
            "top_size": self.top_size,
            "tied_at_cut": self.tied_at_cut,
            "places_at_cut": self.places_at_cut,
            "groups": {
                name: [{k: clean(v) for k, v in row.items()} for row in table.to_dict(orient="records")]
                for name, table in self.tables.items()
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FairnessAudit:
        return cls(
            top_share=float(data.get("top_share", TOP_SHARE)),
            facilities=int(data.get("facilities", 0)),
            tables={k: pd.DataFrame(v) for k, v in data.get("groups", {}).items()},
            top_size=int(data.get("top_size", 0)),
            tied_at_cut=int(data.get("tied_at_cut", 0)),
            places_at_cut=int(data.get("places_at_cut", 0)),
        )


def top_weights(risk: pd.Series, k: int) -> tuple[pd.Series, int, int]:
    """Each facility's part of the ``k`` riskiest places (1, 0, or a fraction for those tied at the cut),
    how many are tied at the cut (0 when the tie fits) and the places they share."""
    weights = pd.Series(0.0, index=risk.index)
    if k <= 0 or risk.empty:
        return weights, 0, 0
    cut = risk.sort_values(ascending=False, kind="stable").iloc[k - 1]
    above = risk > cut
    tied = risk == cut
    places = k - int(above.sum())
    weights[above] = 1.0
    weights[tied] = places / int(tied.sum())
    spread = int(tied.sum()) if int(tied.sum()) > places else 0
    return weights, spread, places if spread else 0


def fairness_audit(
    scores: pd.DataFrame,
    facilities: pd.DataFrame,
    *,
    finding_shares: dict[str, dict[str, float]] | None = None,
    top_share: float = TOP_SHARE,
) -> FairnessAudit:
    """Audit of ``scores`` (``facility_id, risk``) by the ``ownership`` and ``authority`` of ``facilities``.

    ``finding_shares`` (optional): per group column, each group's share of the serious findings in the
    training window (``RiskModel.finding_shares_``).
    """
    d = scores[["facility_id", "risk"]].merge(
        facilities[["facility_id", *GROUPS]].drop_duplicates("facility_id"), on="facility_id", how="left"
    )
    n = len(d)
    k = max(1, math.ceil(round(n * top_share, 9))) if n else 0
    d["top"], tied, places = top_weights(d["risk"].astype(float), k)
    tables: dict[str, pd.DataFrame] = {}
    for group in GROUPS:
        g = d.groupby(group, dropna=False)
        table = pd.DataFrame(
            {
                "facilities": g.size(),
                "share_of_facilities": g.size() / max(n, 1),
                "mean_risk": g["risk"].mean(),
                "median_risk": g["risk"].median(),
                "p90_risk": g["risk"].quantile(0.9),
                "in_top_decile": g["top"].sum(),
                "share_of_top_decile": g["top"].sum() / max(k, 1),
            }
        )
        table["top_decile_ratio"] = table["share_of_top_decile"] / table["share_of_facilities"]
        if finding_shares is not None and group in finding_shares:
            shares = pd.Series(finding_shares[group], dtype="float64")
            table["share_of_serious_findings"] = shares.reindex(table.index.astype(str)).fillna(0.0).to_numpy()
        else:
            table["share_of_serious_findings"] = np.nan
        table = table.reset_index().rename(columns={group: "group"})
        table["group"] = table["group"].astype(str)
        tables[group] = table.sort_values("group", ignore_index=True)
    return FairnessAudit(
        top_share=top_share, facilities=n, tables=tables, top_size=k, tied_at_cut=tied, places_at_cut=places
    )


def finding_shares(labelled: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Each group's share of the positive labels in labelled rows (columns ``label`` and the groups); none without a
    positive label (every group's "0 %" of no findings summed to 0 %: the card shows "–" instead)."""
    pos = labelled[labelled["label"] == 1]
    if pos.empty:
        return {}
    total = len(pos)
    return {
        group: {str(k): float(v) / total for k, v in pos.groupby(group).size().items()}
        for group in GROUPS
        if group in labelled.columns
    }
