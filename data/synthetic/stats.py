"""The generated world's figures beside DOMAIN.md's public ones, each with its tolerance.

Used by ``bench/world_stats.py`` (prints them, fails outside a tolerance) and by the tests. Figures are
computed from the observable dataset (and, for the bad-state share, the truth) exactly as an analyst
would compute them from the files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.dataset import Dataset
from data.enums import NON_PUBLIC, Authority
from data.synthetic.params import ADULT_HOUSING, DEFAULT_PARAMETERS, Parameters
from data.synthetic.world import World


@dataclass(frozen=True)
class Figure:
    name: str  # Danish label shown by the bench
    value: float
    low: float
    high: float
    public: str  # the public figure / reasoning it is compared with
    decimals: int = 0

    @property
    def ok(self) -> bool:
        return self.low <= self.value <= self.high


def full_years(ds: Dataset, as_of: dt.date, before: dt.date | None = None) -> list[int]:
    """Calendar years wholly inside the history (and wholly before ``before`` when given)."""
    start = pd.Timestamp(ds.visits["date"].min()) if len(ds.visits) else pd.Timestamp(as_of)
    first = start.year + (0 if (start.month, start.day) == (1, 1) else 1)
    last = as_of.year - 1
    if before is not None:
        last = min(last, before.year - 1)
    return list(range(first, last + 1))


def world_figures(world: World, params: Parameters = DEFAULT_PARAMETERS) -> list[Figure]:
    ds = world.dataset
    as_of = world.config.resolved_as_of()
    scale = world.config.facilities / 2000.0
    active = ds.active_facilities(pd.Timestamp(as_of) - pd.Timedelta(days=1))
    n_active = len(active)
    figures: list[Figure] = [
        Figure("Aktive tilbud i alt", n_active, 0.97 * world.config.facilities, 1.01 * world.config.facilities,
               f"ca. {2000 * scale:,.0f} (DOMAIN: ca. 2.000 tilbud)")
    ]  # fmt: skip
    per_authority = active["authority"].value_counts()
    for a in Authority:
        expected = params.authority_share[a] * world.config.facilities
        public = "ca. 360 (DOMAIN)" if a == Authority.MIDT else "antagelse (regionens størrelse)"
        figures.append(
            Figure(f"Aktive tilbud, {a.value}", int(per_authority.get(a.value, 0)), 0.93 * expected, 1.05 * expected,
                   f"{expected:,.0f}; {public}")
        )  # fmt: skip

    non_public = active["ownership"].isin([o.value for o in NON_PUBLIC]).mean()
    figures.append(Figure("Andel ikke-offentlige tilbud (%)", 100 * non_public, 56, 62, "ca. 59 % (DOMAIN)", 1))

    pre_years = full_years(ds, as_of, before=params.reform_date)
    visits = ds.visits.assign(year=ds.visits["date"].dt.year)
    if pre_years:
        pre = visits[visits["year"].isin(pre_years)]
        per_year = len(pre) / len(pre_years)
        figures.append(
            Figure(f"Tilsynsbesøg om året før reformen ({pre_years[0]}-{pre_years[-1]})", per_year,
                   2000 * scale, 3000 * scale,
                   "2.200-3.000 for tilbud alene (DOMAIN's ca. 13.000 omfatter plejefamilier og afdelinger)")
        )  # fmt: skip
        figures.append(
            Figure("Andel uanmeldte besøg før reformen (%)", 100 * (~pre["announced"]).mean(), 25, 35,
                   "ca. 30 % (DOMAIN, 2018-2020)", 1)
        )  # fmt: skip
    years = full_years(ds, as_of)
    if years:
        s = ds.sanctions.assign(year=ds.sanctions["date"].dt.year)
        s = s[s["year"].isin(years)]
        paabud = (s["kind"] == "paabud").sum() / len(years)
        figures.append(Figure("Påbud om året", paabud, 55 * scale, 110 * scale, "ca. 80 om året (DOMAIN)"))
        serious = s[s["kind"].isin(["paabud", "skaerpet_tilsyn", "ophoer"])]
        share = serious.groupby("year")["facility_id"].nunique().mean() / n_active
        figures.append(
            Figure("Tilbud med påbud/skærpet tilsyn/ophør pr. år (%)", 100 * share, 1.5, 6.0,
                   "nogle få % af tilbuddene om året (DOMAIN)", 1)
        )  # fmt: skip
        ophoer = (s["kind"] == "ophoer").sum() / len(years)
        figures.append(Figure("Ophør af godkendelse om året", ophoer, 0, 12 * scale, "sjældent"))

        force = ds.use_of_force.assign(year=ds.use_of_force["month"].dt.year)
        force = force[force["year"].isin(years)]
        types = ds.facilities.set_index("facility_id")[["facility_type", "authority"]]
        force = force.join(types, on="facility_id")
        adult = force[force["facility_type"].isin([t.value for t in ADULT_HOUSING])]
        per_year_adult = adult["count"].sum() / len(years)
        figures.append(
            Figure("Magtanvendelser om året, voksentilbud", per_year_adult, 0.8 * 11700 * scale, 1.2 * 11700 * scale,
                   "ca. 11.700 i 2021 (DOMAIN)")
        )  # fmt: skip
        by_region = adult.groupby("authority")["count"].sum()
        top_share = by_region.max() / max(by_region.sum(), 1)
        figures.append(
            Figure(f"Største regions andel af voksen-magtanvendelser (%) [{by_region.idxmax()}]", 100 * top_share,
                   50, 70, "over halvdelen fra én region (DOMAIN)", 1)
        )  # fmt: skip

    # As published on Tilbudsportalen: each active tilbud's latest value of each theme.
    tv = ds.visit_theme_values()
    tv = tv[tv["facility_id"].isin(active["facility_id"])]
    latest = tv.sort_values("date").groupby(["facility_id", "theme"]).last().reset_index()
    figures.append(
        Figure("Gennemsnitlig temaværdi (seneste pr. tilbud og tema)", latest["value"].mean(), 4.0, 4.6,
               "≥ 4 (DOMAIN, Tilbudsportalen)", 2)
    )  # fmt: skip
    figures.append(
        Figure("Gennemsnitlig temaværdi, alle besøg", tv["value"].mean(), 3.7, 4.6,
               "besøg overvejer mistænkte tilbud (opfølgning, skærpet tilsyn)", 2)
    )  # fmt: skip
    per_theme = latest.groupby("theme")["value"].mean()
    figures.append(
        Figure(f"Laveste tema-gennemsnit [{per_theme.idxmin()}]", per_theme.min(), 4.0, 4.6,
               "≥ 4 på alle temaer (DOMAIN)", 2)
    )  # fmt: skip

    fm = world.truth.facility_months
    hist = fm[
        (fm["month"] >= pd.Timestamp(world.truth.parameters["history_start"])) & (fm["month"] < pd.Timestamp(as_of))
    ]
    figures.append(
        Figure("Tilbud i alvorligt dårlig tilstand (%), sandhed", 100 * hist["bad"].mean(), 2.0, 6.0,
               "nogle få % ad gangen (opgavens krav)", 1)
    )  # fmt: skip
    figures.append(
        Figure("Tilbud over en planfrist på skæringsdatoen (%) (uanmeldt/første besøg)", 100 * overdue_share(ds, as_of),
               0.0, 3.0 if as_of >= dt.date(2026, 7, 1) else 100.0,
               "få (praksis efter 2025-reformen); planlæggeren skal kunne overholde reglen", 1)
    )  # fmt: skip
    return figures


def overdue_share(ds: Dataset, as_of: dt.date, months: int = 24, first_visit_months: int = 6) -> float:
    """Share of active tilbud past a planner deadline on ``as_of``, counted as the planner does: the last
    unannounced visit (``Dataset.last_unannounced``, so a short export's ``last_unannounced_visit`` too;
    or the approval) more than ``months`` ago, or a tilbud approved since the visits begin with no visit
    after approval within ``first_visit_months``."""
    t = pd.Timestamp(as_of)
    active = ds.active_facilities(t - pd.Timedelta(days=1)).set_index("facility_id")
    if active.empty:
        return 0.0
    un = ds.last_unannounced().reindex(active.index)
    unannounced_due = un.fillna(active["approved_on"]) + pd.DateOffset(months=months)
    first = ds.visits[ds.visits["kind"] != "approval"].groupby("facility_id")["date"].min().reindex(active.index)
    new = first.isna() & (active["approved_on"] >= ds.visits["date"].min())
    first_due = (active["approved_on"] + pd.DateOffset(months=first_visit_months)).where(new)
    return float(((unannounced_due < t) | (first_due < t)).mean())


def visits_per_year(ds: Dataset) -> pd.Series:
    return ds.visits.groupby(ds.visits["date"].dt.year).size()


def unannounced_share_per_year(ds: Dataset) -> pd.Series:
    return (~ds.visits["announced"]).groupby(ds.visits["date"].dt.year).mean()


def _rank_auc(score: np.ndarray, label: np.ndarray) -> float:
    """AUC by ranks (ties averaged); higher score = more likely positive."""
    order = pd.Series(score).rank(method="average").to_numpy()
    pos = label.astype(bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((order[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _combined_auc(data: pd.DataFrame, columns: list[str]) -> float:
    """AUC of a logistic regression on all observable signals: fit on the older half of the snapshots,
    scored on the newer half (a rough upper reference for a simple model, not the product's model)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = data[columns].astype(float)
    x = x.fillna(x.median())
    cut = data["snapshot"].sort_values().iloc[len(data) // 2]
    train = (data["snapshot"] < cut).to_numpy()
    if train.all() or not train.any():
        return float("nan")
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(x[train], data["label"][train])
    return _rank_auc(model.predict_proba(x[~train])[:, 1], data["label"].to_numpy()[~train])


def signal_table(world: World, horizon_months: int = 6, snapshots: int = 8) -> pd.DataFrame:
    """Risk-signal sanity: AUC of single observable signals (and the truth's own current state) for
    "seriously bad at some time in the next ``horizon_months``", over quarterly snapshots before as_of."""
    ds = world.dataset
    truth = world.truth
    as_of = pd.Timestamp(world.config.resolved_as_of())
    fm = truth.facility_months
    rows: list[pd.DataFrame] = []
    for k in range(snapshots):
        t = (as_of - pd.DateOffset(months=horizon_months + 3 * k)).to_period("M").to_timestamp()
        known = ds.known_at(t)
        fac = known.active_facilities(t)
        if fac.empty:
            continue
        f = fac.set_index("facility_id")[["facility_type", "places", "approved_on", "leader_since"]].copy()
        window = fm[(fm["month"] >= t) & (fm["month"] < t + pd.DateOffset(months=horizon_months))]
        f["label"] = window.groupby("facility_id")["bad"].any().reindex(f.index).fillna(False).astype(bool)
        now = fm[fm["month"] == t].set_index("facility_id")["quality"]
        f["truth_quality_now"] = -now.reindex(f.index)
        tv = known.visit_theme_values()
        if len(tv):
            per_visit = tv.groupby(["facility_id", "date"])["value"].mean().reset_index()
            last = per_visit.sort_values("date").groupby("facility_id").last()
            f["last_mean_theme"] = -last["value"].reindex(f.index)
            low = tv.groupby(["facility_id", "date"])["value"].min().reset_index()
            f["last_min_theme"] = -low.sort_values("date").groupby("facility_id").last()["value"].reindex(f.index)
        uof = known.use_of_force
        r12 = uof[uof["month"] >= t - pd.DateOffset(months=12)].groupby("facility_id")["count"].sum()
        r3 = uof[uof["month"] >= t - pd.DateOffset(months=3)].groupby("facility_id")["count"].sum()
        f["force_12m_per_place"] = r12.reindex(f.index).fillna(0) / f["places"]
        med = f.groupby("facility_type")["force_12m_per_place"].transform("median")
        f["force_vs_type"] = f["force_12m_per_place"] / (med + 0.05)
        f["force_trend"] = (r3.reindex(f.index).fillna(0) * 4 + 1) / (r12.reindex(f.index).fillna(0) + 1)
        sf = known.staff_figures.sort_values("year").groupby("facility_id").last()
        f["turnover_vs_type"] = sf["staff_turnover_pct"].reindex(f.index)
        f["turnover_vs_type"] = f["turnover_vs_type"] / f.groupby("facility_type")["turnover_vs_type"].transform(
            "median"
        )
        f["sickness_vs_type"] = sf["sickness_absence_pct"].reindex(f.index)
        f["sickness_vs_type"] = f["sickness_vs_type"] / f.groupby("facility_type")["sickness_vs_type"].transform(
            "median"
        )
        c = known.concerns[known.concerns["date"] >= t - pd.DateOffset(months=12)]
        weights = c["severity"].map({"low": 1, "medium": 2, "high": 4})
        f["concerns_12m"] = weights.groupby(c["facility_id"]).sum().reindex(f.index).fillna(0)
        f["leader_change_12m"] = (f["leader_since"] >= t - pd.DateOffset(months=12)).astype(float)
        last_visit = known.visits.groupby("facility_id")["date"].max()
        f["days_since_visit"] = (t - last_visit.reindex(f.index)).dt.days
        f["new_facility"] = (f["approved_on"] >= t - pd.DateOffset(months=24)).astype(float)
        s = known.sanctions[known.sanctions["date"] >= t - pd.DateOffset(months=24)]
        f["sanctions_24m"] = s.groupby("facility_id").size().reindex(f.index).fillna(0)
        rows.append(f.assign(snapshot=t))
    data = pd.concat(rows)
    signals = [
        "truth_quality_now",
        "last_mean_theme",
        "last_min_theme",
        "force_vs_type",
        "force_trend",
        "turnover_vs_type",
        "sickness_vs_type",
        "concerns_12m",
        "leader_change_12m",
        "days_since_visit",
        "new_facility",
        "sanctions_24m",
    ]
    out = []
    for name in signals:
        if name not in data:
            continue
        col = data[name]
        known_mask = col.notna().to_numpy()
        auc = _rank_auc(col.to_numpy()[known_mask], data["label"].to_numpy()[known_mask])
        out.append({"signal": name, "auc": auc, "coverage": float(known_mask.mean())})
    out.append({"signal": "combined_logistic", "auc": _combined_auc(data, signals[1:]), "coverage": 1.0})
    table = pd.DataFrame(out)
    table.attrs["positives"] = float(data["label"].mean())
    table.attrs["rows"] = len(data)
    return table
