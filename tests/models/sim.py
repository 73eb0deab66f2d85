"""A small simulated world for the risk model's tests (independent of ``data.synthetic``).

Latent quality per facility and month (AR(1) around a facility level, with crises); visits about
yearly plus follow-ups; theme scores driven by quality with an authority offset (Syd harsher);
magtanvendelser by type and size with an authority reporting culture that is not risk; staff figures,
concerns and sanctions driven by quality. Returns the Dataset and the truth (bad months).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data.dataset import THEME_CODES, Dataset

AUTHORITIES = ("nord", "midt", "syd", "hovedstaden", "oest")
AUTH_OFFSET = {"nord": 0.05, "midt": 0.0, "syd": -0.45, "hovedstaden": 0.05, "oest": 0.05}
FORCE_CULTURE = {"nord": 0.6, "midt": 2.5, "syd": 1.0, "hovedstaden": 0.8, "oest": 1.0}
TYPES = ("sel107", "sel108", "opholdssted", "doegninstitution", "sel109")
TYPE_FORCE = {"sel107": 0.3, "sel108": 0.5, "opholdssted": 0.8, "doegninstitution": 0.6, "sel109": 0.02}
OWNERSHIPS = ("kommunal", "regional", "privat", "selvejende")


def simulate(
    seed: int = 0, facilities: int = 300, years: int = 7, as_of: dt.date = dt.date(2026, 1, 1)
) -> tuple[Dataset, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(as_of)
    start = end - pd.DateOffset(years=years)
    months = pd.date_range(start, end + pd.DateOffset(months=12), freq="MS")
    n, m = facilities, len(months)
    ids = [f"S{i:04d}" for i in range(n)]
    auth = rng.choice(AUTHORITIES, n)
    ftype = rng.choice(TYPES, n)
    own = rng.choice(OWNERSHIPS, n)
    places = np.clip(rng.lognormal(np.log(12), 0.5, n).round(), 2, 80).astype(int)
    new = rng.random(n) < 0.15
    approved = np.where(
        new,
        [start + pd.Timedelta(days=int(d)) for d in rng.integers(0, years * 365 - 200, n)],
        [start - pd.Timedelta(days=int(d)) for d in rng.integers(30, 3000, n)],
    )
    approved = pd.to_datetime(approved)
    level = rng.normal(0, 0.35, n)
    q = np.zeros((n, m))
    x = rng.normal(0, 0.3, n)
    crisis = np.zeros(n)
    leader_since = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    for j in range(m):
        start_c = rng.random(n) < 0.008
        crisis = np.where(start_c, rng.uniform(1.0, 2.0, n), crisis * 0.9)
        x = 0.9 * x + rng.normal(0, 0.12, n)
        q[:, j] = level + x - crisis
        changed = start_c & (rng.random(n) < 0.5)
        leader_since[changed] = months[j] + pd.Timedelta(days=5)
    bad = q < -1.0
    truth = pd.DataFrame(
        {"facility_id": np.repeat(ids, m), "month": np.tile(months, n), "bad": bad.ravel(), "quality": q.ravel()}
    )
    visits, themes, sanctions, concerns, force, staff = [], [], [], [], [], []
    vid = 0
    for i in range(n):
        first = max(approved[i], start)
        day = first + pd.Timedelta(days=int(rng.integers(20, 300)))
        while day < end + pd.DateOffset(months=12):
            j = min(m - 1, (day.year - months[0].year) * 12 + day.month - months[0].month)
            vid += 1
            v = f"SV{vid:06d}"
            visits.append((v, ids[i], day, bool(rng.random() > 0.3), "operational", ""))
            for code in THEME_CODES:
                val = 4.3 + 0.9 * q[i, j] + AUTH_OFFSET[auth[i]] + rng.normal(0, 0.35)
                themes.append((v, code, float(np.clip(round(val * 4) / 4, 1, 5))))
            if bad[i, j] and rng.random() < 0.5:
                sanctions.append((ids[i], day + pd.Timedelta(days=14), "paabud"))
            gap = 60 if bad[i, j] else int(rng.integers(300, 500))
            day = day + pd.Timedelta(days=gap)
        for j, month in enumerate(months):
            if month < approved[i]:
                continue
            lam = places[i] * TYPE_FORCE[ftype[i]] / 12 * FORCE_CULTURE[auth[i]] * np.exp(-0.8 * q[i, j])
            c = int(rng.poisson(lam))
            if c:
                force.append((ids[i], month, c, ""))
            if rng.random() < 0.01 + 0.12 * bad[i, j]:
                sev = "high" if bad[i, j] and rng.random() < 0.6 else rng.choice(["low", "medium"])
                concerns.append((ids[i], month + pd.Timedelta(days=int(rng.integers(0, 27))), sev))
        for year in range(start.year, end.year + 1):
            cols = [j for j, mo in enumerate(months) if mo.year == year]
            mean_q = q[i, cols].mean()
            staff.append(
                (ids[i], year, float(np.clip(18 * np.exp(-0.5 * mean_q + rng.normal(0, 0.2)), 0, 100)),
                 float(np.clip(6 * np.exp(-0.4 * mean_q + rng.normal(0, 0.2)), 0, 100)))
            )  # fmt: skip
    fac = pd.DataFrame(
        {
            "facility_id": ids,
            "name": [f"Tilbud {i}" for i in range(n)],
            "authority": auth,
            "municipality": "X",
            "postcode": "8000",
            "facility_type": ftype,
            "ownership": own,
            "places": places,
            "approved_on": approved,
            "leader_since": leader_since.to_numpy(),
        }
    )
    ds = Dataset.from_frames(
        {
            "facilities": fac,
            "visits": pd.DataFrame(
                visits, columns=["visit_id", "facility_id", "date", "announced", "kind", "inspector_ids"]
            ),
            "theme_scores": pd.DataFrame(themes, columns=["visit_id", "theme", "score"]),
            "sanctions": pd.DataFrame(sanctions, columns=["facility_id", "date", "kind"]),
            "concerns": pd.DataFrame(concerns, columns=["facility_id", "date", "severity"]),
            "use_of_force": pd.DataFrame(force, columns=["facility_id", "month", "count", "kind"]),
            "staff_figures": pd.DataFrame(
                staff, columns=["facility_id", "year", "staff_turnover_pct", "sickness_absence_pct"]
            ),
        }
    )
    return ds, truth
