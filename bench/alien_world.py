"""An independent synthetic world ("alien"), written from the data contract and the domain brief only.

It does not read or import ``data/synthetic``: only the contract's vocabulary (``data.enums``) and the quality
model's applicability (``data.quality_model``) so that its files are valid. What differs from the product's own
generator is the causal structure (a hidden good/bad state per tilbud and month, a hazard into "bad" driven by):

- ``a``: sickness absence (yearly, persistent per tilbud) and a leader change in the last 12 months drive
  problems; magtanvendelser are nearly uninformative (x1.1 when bad), staff turnover uninformative;
  a visit every 10-14 months, base rate ~8 %.
- ``b``: staff turnover and young approvals drive problems; one tilsyn (syd) scores everyone 1 point higher,
  the others +-0.3; a visit every 24-36 months, 70 % unannounced; base rate ~3 %.
- ``c``: a small tilsyn (150 tilbud, nord only, 3 years, 4 inspectors), drivers as ``a``, and the optional
  files staff_figures, use_of_force and concerns absent (sickness drives problems but is never seen).

Visits find a serious problem only with some probability (unannounced 75 %, announced 50 %); theme scores are
noisy, tilsyn-biased readings of the latent quality. ``truth.csv`` (facility_id, month, bad) is never imported.

    PYTHONPATH=. .venv/bin/python bench/alien_world.py --variant a --seed 1 --out /tmp/alien_a1
    PYTHONPATH=. .venv/bin/python bench/alien_world.py --measure [--variants a b c] [--seeds 1 2] [--json] [--plan]

``--measure`` generates each world, imports it with the CLI (``tilsynsplan --home <tmp> import``), trains and
scores with the CLI as of ``--as-of`` (``TILSYNSPLAN_TODAY`` set to it), and compares the stored risk list with
the truth (bad in some month of the six from the as-of date): AUC and share truly bad in the top 10 %, for the
product, its expert score (``models.baselines``) and a trivial ranker (the latest raw theme mean, from the files).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data.enums import FacilityType, Ownership, Theme
from data.quality_model import FacilityTraits, applicable_themes

AS_OF = dt.date(2026, 1, 1)
HORIZON = 6
T = FacilityType
TYPE_WEIGHTS = {T.SEL107: .25, T.SEL108: .2, T.BOTILBUDSLIGNENDE: .08, T.SEL109: .05, T.SEL110: .04, T.SEL101: .06,
                T.SUL141: .04, T.OPHOLDSSTED: .12, T.DOEGNINSTITUTION: .08, T.SIKRET_DOEGNINSTITUTION: .02,
                T.KOSTSKOLE: .06}  # fmt: skip
FORCE_RATE = {T.SEL107: .08, T.SEL108: .15, T.BOTILBUDSLIGNENDE: .05, T.OPHOLDSSTED: .1, T.DOEGNINSTITUTION: .2,
              T.SIKRET_DOEGNINSTITUTION: .5, T.KOSTSKOLE: .02}  # fmt: skip  # per place and month; others none
AUTH_WEIGHTS = {"hovedstaden": 0.25, "midt": 0.2, "syd": 0.2, "nord": 0.15, "oest": 0.2}
FORCE_CULTURE = {"hovedstaden": 2.5, "midt": 0.8, "syd": 1.0, "nord": 0.6, "oest": 0.9}
POSTCODE = {"hovedstaden": 2000, "oest": 4000, "syd": 6000, "midt": 8000, "nord": 9000}


@dataclass(frozen=True)
class Variant:
    facilities: int
    years: int
    base_hazard: float  # per month into "bad"
    sick_effect: float  # log-hazard per SD of the year's sickness absence
    leader_effect: float  # log-hazard while a leader change is < 12 months old
    turnover_effect: float
    young_effect: float  # log-hazard while the approval is < 2 years old
    force_bad: float  # multiplier of magtanvendelser while bad
    visit_months: tuple[int, int]
    unannounced_share: float
    bias: dict[str, float]  # added to every theme score by that tilsyn
    authorities: tuple[str, ...] = tuple(AUTH_WEIGHTS)
    inspectors: int | None = None
    absent: tuple[str, ...] = ()


VARIANTS = {
    "a": Variant(800, 6, .0045, .9, 1.6, 0., 0., 1.1, (10, 14), .35,
                 {"hovedstaden": -.2, "midt": .1, "syd": 0., "nord": .2, "oest": -.1}),
    "b": Variant(1000, 6, .0022, 0., .3, .8, 1.0, 1.8, (24, 36), .7,
                 {"hovedstaden": -.3, "midt": .3, "syd": 1.0, "nord": -.1, "oest": 0.}),
    "c": Variant(150, 3, .0045, .9, 1.6, 0., 0., 1.1, (12, 18), .35, {"nord": 0.},
                 authorities=("nord",), inspectors=4, absent=("staff_figures", "use_of_force", "concerns")),
}  # fmt: skip


def _months(start: pd.Timestamp, n: int) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="MS")


def generate(variant: str, seed: int, out: Path, as_of: dt.date = AS_OF, facilities: int | None = None) -> Path:
    """Write ``out/data/*.csv`` (the contract's files) and ``out/truth.csv``; return ``out/data``."""
    v = VARIANTS[variant]
    rng = np.random.default_rng([seed, ord(variant)])
    n = facilities or v.facilities
    end = pd.Timestamp(as_of)
    start = end - pd.DateOffset(years=v.years)
    months = _months(start, v.years * 12 + HORIZON)
    n_m = len(months)
    i_end = v.years * 12  # index of the as-of month: months before it are exported
    auth_p = np.array([AUTH_WEIGHTS[a] for a in v.authorities])
    auth = rng.choice(v.authorities, n, p=auth_p / auth_p.sum())
    types = rng.choice(list(TYPE_WEIGHTS), n, p=np.array(list(TYPE_WEIGHTS.values())))
    own = rng.choice([o.value for o in Ownership], n, p=[0.35, 0.1, 0.35, 0.2])
    places = np.maximum(1, rng.gamma(2.0, 6.0, n).round()).astype(int)
    # approval: 80 % before the window (up to 25 years), 20 % within it (all before the as-of month)
    before = rng.random(n) < 0.8
    appr_m = np.where(before, -rng.integers(1, 300, n), rng.integers(0, i_end - 1, n))  # month index
    approved = [(start + pd.DateOffset(months=int(m))) + pd.Timedelta(days=int(rng.integers(0, 28))) for m in appr_m]
    sick_base, turn_base = rng.normal(0, 1, n), rng.normal(0, 1, n)
    years = sorted({d.year for d in months})
    sick = {y: np.clip(6 + 2.5 * sick_base + rng.normal(0, 1.2, n), 0.5, 40) for y in years}
    turn = {y: np.clip(20 + 7 * turn_base + rng.normal(0, 4, n), 0, 100) for y in years}
    theme_level = np.clip(rng.normal(4.2, 0.3, (n, 1)) + rng.normal(0, 0.25, (n, 7)), 2.8, 5.0)
    bad = np.zeros((n, n_m), dtype=bool)
    affected = np.zeros((n, 7))  # the theme drop while bad
    closed = np.full(n, n_m)  # month index of closing
    leader = [int(min(a, 0)) - 12 - int(rng.integers(0, 60)) for a in appr_m]  # month index of the current leader
    leader_dates: list[pd.Timestamp] = [pd.NaT] * n
    recover = np.full(n, 0.1)
    visits: list[tuple[Any, ...]] = []
    scores: list[tuple[Any, ...]] = []
    sanctions: list[tuple[Any, ...]] = []
    concerns: list[tuple[Any, ...]] = []
    force: list[tuple[Any, ...]] = []
    next_visit = np.array([int(a + rng.integers(2, 8)) if a >= 0 else int(rng.integers(0, v.visit_months[1]))
                           for a in appr_m])  # fmt: skip
    state = (appr_m <= 0) & (rng.random(n) < 0.05)  # no burn-in: start near the stationary share
    for i in np.flatnonzero(state):
        affected[i, rng.integers(0, 7)] = rng.uniform(1.8, 2.8)
    for t, month in enumerate(months):
        active = (appr_m <= t) & (closed > t)
        ysick = (sick[month.year] - 6) / 3
        yturn = (turn[month.year] - 20) / 8
        change = active & (rng.random(n) < np.where(state, 0.025, 0.007))
        for i in np.flatnonzero(change):
            leader[i] = t
            leader_dates[i] = month + pd.Timedelta(days=int(rng.integers(0, 28)))
        new_leader = (t - np.array(leader)) < 12
        young = (t - appr_m) < 24
        log_h = (np.log(v.base_hazard) + v.sick_effect * ysick + v.leader_effect * new_leader
                 + v.turnover_effect * yturn + v.young_effect * young)  # fmt: skip
        onset = active & ~state & (rng.random(n) < np.exp(log_h))
        for i in np.flatnonzero(onset):
            k = rng.choice(7, size=int(rng.integers(1, 4)), replace=False, p=[0.1, 0.12, 0.14, 0.16, 0.22, 0.16, 0.1])
            affected[i] = 0
            affected[i, k] = rng.uniform(1.8, 2.8, len(k))
        state = (state | onset) & ~(~onset & (rng.random(n) < recover))
        state &= active
        bad[:, t] = state
        recover = np.where(state, recover, 0.1)
        if t >= i_end:
            continue
        for i in np.flatnonzero(active):
            culture = FORCE_CULTURE[auth[i]]
            rate = FORCE_RATE.get(types[i], 0) * places[i] * culture * (v.force_bad if state[i] else 1)
            if rate > 0 and (c := rng.poisson(rate)) > 0:
                force.append((f"A{i:05d}", month.strftime("%Y-%m"), int(c)))
            n_conc = rng.poisson(0.03 * (3 if state[i] else 1))
            triggered = False
            for _ in range(n_conc):
                sev = rng.choice(["low", "medium", "high"], p=[0.3, 0.4, 0.3] if state[i] else [0.5, 0.35, 0.15])
                cday = max(approved[i], month + pd.Timedelta(days=int(rng.integers(0, 28))))
                concerns.append((f"A{i:05d}", cday, sev))
                triggered |= sev == "high" and rng.random() < 0.5
            if t < next_visit[i] and not triggered:
                continue
            day = month + pd.Timedelta(days=int(rng.integers(0, 28)))
            if day < approved[i]:
                continue
            unannounced = triggered or rng.random() < v.unannounced_share
            kind = "follow_up" if triggered and t < next_visit[i] else "operational"
            vid = f"AV{len(visits) + 1:06d}"
            visits.append((vid, f"A{i:05d}", day, not unannounced, kind))
            found = state[i] and rng.random() < (0.75 if unannounced else 0.5)
            drop = affected[i] * (1.0 if found else 0.25) if state[i] else 0
            reading = theme_level[i] - drop + v.bias.get(auth[i], 0) + rng.normal(0, 0.35, 7)
            traits = FacilityTraits(FacilityType(types[i]), ownership=Ownership(own[i]))
            allowed = set(applicable_themes(traits))
            for j, theme in enumerate(Theme):
                if theme in allowed:
                    scores.append((vid, theme.value, float(np.clip(round(reading[j], 1), 1, 5))))
            if found and (u := rng.random()) < 0.45:
                kind_s = "paabud" if u < 0.35 else "skaerpet_tilsyn" if u < 0.44 else "ophoer"
                sdate = day + pd.Timedelta(days=int(rng.integers(7, 40)))
                if sdate < end:
                    sanctions.append((f"A{i:05d}", sdate, kind_s))
                recover[i] = 0.3
                if kind_s == "ophoer":
                    closed[i] = np.int64(t + 3)  # after the sanction (at most 40 days on)
            next_visit[i] = t + int(rng.integers(v.visit_months[0], v.visit_months[1] + 1))
        closing = active & (rng.random(n) < 0.0015)
        closed[closing] = np.minimum(closed[closing], t + 1)
    world = dict(n=n, auth=auth, types=types, own=own, places=places, approved=approved, closed=closed,
                 months=months, leader_dates=leader_dates, sick=sick, turn=turn, visits=visits, scores=scores,
                 sanctions=sanctions, concerns=concerns, force=force, bad=bad, end=end)  # fmt: skip
    return _write(out, v, rng, world)


def _write(out: Path, v: Variant, rng: np.random.Generator, w: dict[str, Any]) -> Path:
    n, auth, approved, months, end, sick, turn = (
        w[k] for k in ("n", "auth", "approved", "months", "end", "sick", "turn")
    )
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    ids = [f"A{i:05d}" for i in range(n)]
    close_dates = [months[c] + pd.Timedelta(days=9) if c < len(months) and months[c] < end else pd.NaT
                   for c in w["closed"]]  # fmt: skip
    last_sanction = {f: d for f, d, _ in sorted(w["sanctions"], key=lambda r: r[1])}  # a closing follows its sanction
    close_dates = [max(c, last_sanction[i] + pd.Timedelta(days=1)) if not pd.isna(c) and i in last_sanction else c
                   for i, c in zip(ids, close_dates, strict=True)]  # fmt: skip
    fac = pd.DataFrame({
        "facility_id": ids, "name": [f"Alien-tilbud {i}" for i in range(n)], "authority": auth,
        "municipality": [f"{a.capitalize()} Kommune" for a in auth],
        "postcode": [str(POSTCODE[a] + int(rng.integers(0, 900))) for a in auth],
        "facility_type": w["types"], "ownership": w["own"], "places": w["places"],
        "approved_on": [d.date() for d in approved],
        "closed_on": [d.date() if not pd.isna(d) and d > a else None
                      for d, a in zip(close_dates, approved, strict=True)],
        "leader_since": [d.date() if not pd.isna(d) and d > a and d < end else None
                         for d, a in zip(w["leader_dates"], approved, strict=True)],
    })  # fmt: skip
    fac.to_csv(data / "facilities.csv", index=False)
    vis = pd.DataFrame(w["visits"], columns=["visit_id", "facility_id", "date", "announced", "kind"])
    vis["date"] = vis["date"].dt.date
    vis["announced"] = vis["announced"].map({True: "true", False: "false"})
    vis.to_csv(data / "visits.csv", index=False)
    pd.DataFrame(w["scores"], columns=["visit_id", "theme", "score"]).to_csv(data / "theme_scores.csv", index=False)
    san = pd.DataFrame(w["sanctions"], columns=["facility_id", "date", "kind"])
    san["date"] = pd.to_datetime(san["date"]).dt.date
    san.to_csv(data / "sanctions.csv", index=False)
    if "concerns" not in v.absent:
        con = pd.DataFrame(w["concerns"], columns=["facility_id", "date", "severity"])
        con["date"] = pd.to_datetime(con["date"]).dt.date
        con = con.drop_duplicates()  # two reports of one severity on one day are one row by the contract's key
        con.to_csv(data / "concerns.csv", index=False)
    if "use_of_force" not in v.absent:
        pd.DataFrame(w["force"], columns=["facility_id", "month", "count"]).to_csv(
            data / "use_of_force.csv", index=False
        )
    if "staff_figures" not in v.absent:
        rows = [(ids[i], y, round(float(turn[y][i]), 1), round(float(sick[y][i]), 1))
                for y in sick if y < end.year for i in range(n)
                if approved[i].year <= y and (pd.isna(close_dates[i]) or close_dates[i].year > y)]  # fmt: skip
        cols = ["facility_id", "year", "staff_turnover_pct", "sickness_absence_pct"]
        pd.DataFrame(rows, columns=cols).to_csv(data / "staff_figures.csv", index=False)
    insp = []
    for a in sorted(set(auth)):
        k = v.inspectors or max(3, int((auth == a).sum() / 35))
        insp += [(f"AI{a[:2]}{j:02d}", f"Konsulent {a} {j}", a, "all", int(rng.integers(4, 7))) for j in range(k)]
    cols = ["inspector_id", "name", "authority", "competences", "visits_per_week"]
    pd.DataFrame(insp, columns=cols).to_csv(data / "inspectors.csv", index=False)
    truth = pd.DataFrame({"facility_id": np.repeat(ids, len(months)), "month": np.tile(months.strftime("%Y-%m"), n),
                          "bad": w["bad"].reshape(-1).astype(int)})  # fmt: skip
    truth.to_csv(out / "truth.csv", index=False)
    return data


def _cli(home: Path, as_of: dt.date, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TILSYNSPLAN_TODAY": as_of.isoformat(), "COLUMNS": "250",
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}  # fmt: skip
    cmd = [sys.executable, "-m", "api.cli", "--home", str(home), *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)


def truth_at(out: Path, as_of: dt.date, ids: pd.Index) -> pd.Series:
    truth = pd.read_csv(out / "truth.csv", dtype={"month": str})
    first = pd.Timestamp(as_of).strftime("%Y-%m")
    last = (pd.Timestamp(as_of) + pd.DateOffset(months=HORIZON - 1)).strftime("%Y-%m")
    window = truth[(truth["month"] >= first) & (truth["month"] <= last)]
    return window.groupby("facility_id")["bad"].max().reindex(ids).fillna(0).astype(int)


def trivial_scores(data: Path, ids: pd.Index) -> pd.Series:
    """Higher = riskier: minus the raw mean theme value of the tilbud's latest scored visit (median if none)."""
    vis = pd.read_csv(data / "visits.csv", parse_dates=["date"])
    sc = pd.read_csv(data / "theme_scores.csv").merge(vis, on="visit_id")
    mean = sc.groupby(["facility_id", "date", "visit_id"])["score"].mean().reset_index()
    latest = mean.sort_values("date").groupby("facility_id")["score"].last().reindex(ids)
    return -latest.fillna(latest.median())


def measure(variant: str, seed: int, as_of: dt.date, plan: bool, keep: Path | None = None) -> dict[str, object]:
    from data.settings import Settings
    from data.store import database, load_dataset
    from models.baselines import baseline_scores
    from models.evaluation import auc, precision_at
    from models.store import load_model

    out = keep or Path(tempfile.mkdtemp(prefix=f"alien_{variant}{seed}_"))
    data = generate(variant, seed, out, as_of)
    home = out / "home"
    imp = _cli(home, as_of, "import", str(data))
    result: dict[str, object] = {"variant": variant, "seed": seed, "import_rc": imp.returncode,
                                 "import_notes": [ln.strip() for ln in (imp.stdout + imp.stderr).splitlines()
                                                  if "advars" in ln or "•" in ln or "Fejl" in ln][:8]}  # fmt: skip
    if imp.returncode:
        result["error"] = (imp.stdout + imp.stderr)[-2000:]
        return result
    tr = _cli(home, as_of, "train", "--as-of", as_of.isoformat())
    sc = _cli(home, as_of, "score", "--as-of", as_of.isoformat(), "--format", "json")
    if tr.returncode or sc.returncode:
        result["error"] = (tr.stdout + tr.stderr + sc.stdout + sc.stderr)[-3000:]
        return result
    result["train_head"] = [ln.rstrip() for ln in tr.stdout.splitlines() if ln.strip()][:6]
    scores = pd.DataFrame(json.loads(sc.stdout)["scores"]).set_index("facility_id")
    ids = scores.index
    settings = Settings(home=home, today=as_of)
    stored = load_model(settings)
    with database(settings) as engine:
        ds = load_dataset(engine)
    features = stored.model.score(ds, as_of, explain=False).features
    y = truth_at(out, as_of, ids)
    ranked = {"product": scores["risk"], "expert": baseline_scores(features, seed)["expert"].reindex(ids),
              "trivial": trivial_scores(data, ids)}  # fmt: skip
    for name, s in ranked.items():
        result[name] = {"auc": round(auc(y, s.to_numpy()), 4), "top10": round(precision_at(y, s.to_numpy()), 4)}
    top = scores.nsmallest(max(1, len(scores) // 10), "rank")
    reasons = pd.Series([f["feature"] for fs in top["top_factors"] for f in fs[:1]]).value_counts()
    result.update(scored=len(ids), truly_bad=round(float(y.mean()), 4), cold_start=bool(stored.model.cold_start_),
                  gate=stored.meta.get("cold_start_reason") or stored.meta.get("metrics", {}).get("model"),
                  first_reasons_top10=reasons.head(5).to_dict())  # fmt: skip
    if plan:
        q = f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}"
        pl = _cli(home, as_of, "plan", "--quarter", q, "--as-of", as_of.isoformat(), "--time-limit", "20")
        result["plan"] = {"rc": pl.returncode, "head": [ln.strip() for ln in pl.stdout.splitlines() if ln.strip()][:3],
                          "err": pl.stderr[-500:]}  # fmt: skip
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="a")
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=sorted(VARIANTS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--facilities", type=int, default=None)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--measure", action="store_true")
    parser.add_argument("--plan", action="store_true", help="also build a plan of the as-of quarter")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--learn-from", choices=("severity", "label"), default=None, help="TILSYNSPLAN_RISK_LEARN_FROM")
    args = parser.parse_args()
    if args.learn_from:
        os.environ["TILSYNSPLAN_RISK_LEARN_FROM"] = args.learn_from  # the CLI runs below inherit it
    if not args.measure:
        out = args.out or Path(tempfile.mkdtemp(prefix="alien_"))
        print(generate(args.variant, args.seed, out, args.as_of, args.facilities))
        return 0
    results = [measure(v, s, args.as_of, args.plan) for v in args.variants for s in args.seeds]
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False, default=str))
        return 0
    print(f"{'var':<4}{'seed':>4}{'n':>6}{'bad':>7}  {'product':>15}  {'expert':>15}  {'trivial':>15}  model")
    print(f"{'':<21}  {'AUC   top10%':>15}  {'AUC   top10%':>15}  {'AUC   top10%':>15}")
    for r in results:
        if "error" in r:
            print(f"{r['variant']:<4}{r['seed']:>4}  FEJL: {str(r['error'])[-300:]}")
            continue
        cells = "  ".join(f"{r[k]['auc']:>7.3f} {r[k]['top10']:>6.1%}" for k in ("product", "expert", "trivial"))  # type: ignore[index]
        model = "expert (fallback)" if r["cold_start"] else "LightGBM"
        print(f"{r['variant']:<4}{r['seed']:>4}{r['scored']:>6}{r['truly_bad']:>7.1%}  {cells}  {model}")
    for r in results:
        print(f"\n{r['variant']}{r['seed']}: reasons {r.get('first_reasons_top10')}; import {r.get('import_notes')}")
        print(f"  gate: {r.get('gate')}")
        if "plan" in r:
            print(f"  plan: {r['plan']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
