"""Edge worlds: legal under the data contract, plausible for a real socialtilsyn, but at the edges; each run end to
end through the CLI as a user would (validate, import, train, score, explain, plan, plan show / export, reports
HTML and PDF) and, with ``--api``, a few ``GET /api/v1/...`` calls on ``tilsynsplan serve``.

Each world is the product's own synthetic world (``tilsynsplan generate``, small) transformed with pandas, so it
stays valid: only what the world is about changes (one tilsyn, every tilbud of one type, no unannounced visit,
all inspectors absent, data ending on a holiday, ...).

    PYTHONPATH=. .venv/bin/python bench/edge_worlds.py --list
    PYTHONPATH=. .venv/bin/python bench/edge_worlds.py --world one_tilsyn --world all_absent [--api] [--keep DIR]
    PYTHONPATH=. .venv/bin/python bench/edge_worlds.py --all

A step that prints a Python traceback, or exits with a code other than the one the world expects, is marked
``FEJL``; every step's exit code, wall time and last lines are printed (``--json`` for a script).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class World:
    name: str
    about: str
    transform: Callable[[Tables, np.random.Generator, dt.date], Tables]
    today: dt.date = dt.date(2026, 11, 20)
    facilities: int = 300
    years: int = 6
    plan_rc: tuple[int, ...] = (0,)  # exit codes of `plan` this world may legitimately give (4: rules cannot be met)
    allow_late: bool = False  # plan again with --allow-late when plan gives 4
    late_rc: tuple[int, ...] = (0,)  # exit codes of `plan --allow-late` (4: no capacity at all is still refused)
    extra: dict[str, str] = field(default_factory=dict)


def _same(t: Tables, _rng: np.random.Generator, _today: dt.date) -> Tables:
    return t


def _keep_facilities(t: Tables, keep: pd.Series) -> Tables:
    """Only the tilbud where ``keep`` (over facilities' rows) holds, and every row that refers to them."""
    ids = set(t["facilities"].loc[keep, "facility_id"])
    out = dict(t)
    out["facilities"] = t["facilities"][keep].copy()
    for name in ("use_of_force", "staff_figures", "concerns", "sanctions", "locked_visits", "visits"):
        if name in out:
            out[name] = out[name][out[name]["facility_id"].isin(ids)].copy()
    visit_ids = set(out["visits"]["visit_id"])
    for name in ("indicator_scores", "theme_scores"):
        if name in out:
            out[name] = out[name][out[name]["visit_id"].isin(visit_ids)].copy()
    return out


def _keep_authorities(t: Tables, authorities: set[str]) -> Tables:
    out = _keep_facilities(t, t["facilities"]["authority"].isin(authorities))
    return _with_inspectors(out, t["inspectors"][t["inspectors"]["authority"].isin(authorities)].copy())


def _with_inspectors(out: Tables, inspectors: pd.DataFrame) -> Tables:
    """``out`` with only ``inspectors``: their absences, and visits and locks naming no other."""
    out["inspectors"] = inspectors
    out["absences"] = out["absences"][out["absences"]["inspector_id"].isin(set(inspectors["inspector_id"]))].copy()
    return _clean_visit_inspectors(out)


def _clean_visit_inspectors(t: Tables) -> Tables:
    known = set(t["inspectors"]["inspector_id"])
    v = t["visits"].copy()
    v["inspector_ids"] = v["inspector_ids"].map(lambda s: ";".join(i for i in str(s).split(";") if i in known))
    t["visits"] = v
    if "locked_visits" in t:
        t["locked_visits"] = t["locked_visits"][t["locked_visits"]["inspector_id"].isin(known)].copy()
    return t


def one_tilsyn(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    return _keep_authorities(t, {"nord"})


def ten_tilbud(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    f = t["facilities"]
    active = f[(f["authority"] == "midt") & (f["closed_on"] == "")]
    keep = f["facility_id"].isin(set(active["facility_id"].head(10)))
    out = _keep_facilities(t, keep)
    return _with_inspectors(out, t["inspectors"][t["inspectors"]["authority"] == "midt"].head(2).copy())


def _drop_before(t: Tables, start: str) -> Tables:
    out = dict(t)
    out["visits"] = t["visits"][t["visits"]["date"] >= start].copy()
    vids = set(out["visits"]["visit_id"])
    for name in ("indicator_scores", "theme_scores"):
        out[name] = t[name][t[name]["visit_id"].isin(vids)].copy()
    out["use_of_force"] = t["use_of_force"][t["use_of_force"]["month"] >= start[:7]].copy()
    out["staff_figures"] = t["staff_figures"][t["staff_figures"]["year"].astype(int) >= int(start[:4])].copy()
    for name in ("concerns", "sanctions"):
        out[name] = t[name][t[name]["date"] >= start].copy()
    return out


def history_12m(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    return _drop_before(t, (today - dt.timedelta(days=365)).isoformat())


def no_serious(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    """No visit ever found anything serious: no sanction, no theme at 2 or below (indicator scores at least 3)."""
    out = dict(t)
    out["sanctions"] = t["sanctions"].iloc[0:0].copy()
    s = t["indicator_scores"].copy()
    s["score"] = s["score"].astype(int).clip(lower=3).astype(str)
    out["indicator_scores"] = s
    ts = t["theme_scores"].copy()
    if len(ts):
        ts["score"] = ts["score"].astype(float).clip(lower=3.0).astype(str)
    out["theme_scores"] = ts
    return out


def all_serious(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    """Every operational visit found something serious: a påbud on its day."""
    out = dict(t)
    v = t["visits"]
    v = v[v["kind"] == "operational"]
    add = pd.DataFrame({"facility_id": v["facility_id"], "date": v["date"], "kind": "paabud"})
    out["sanctions"] = pd.concat([t["sanctions"], add]).drop_duplicates().reset_index(drop=True)
    return out


def all_announced(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    """No unannounced visit ever: every visit announced, no last_unannounced_visit."""
    out = dict(t)
    v = t["visits"].copy()
    v["announced"] = "true"
    out["visits"] = v
    f = t["facilities"].copy()
    if "last_unannounced_visit" in f:
        f["last_unannounced_visit"] = ""
    out["facilities"] = f
    if "locked_visits" in t:
        lv = t["locked_visits"].copy()
        lv["announced"] = "true"
        out["locked_visits"] = lv
    return out


def _one_type(t: Tables, ftype: str) -> Tables:
    out = _one_type_keep(t, t["facilities"].assign(facility_type=ftype))
    out["inspectors"] = t["inspectors"].assign(competences="all")
    return out


def only_kostskole(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    out = _one_type(t, "kostskole")
    out["use_of_force"] = t["use_of_force"].iloc[0:0].copy()
    return out


def only_sikret(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    return _one_type(t, "sikret_doegninstitution")


def only_forsorgshjem(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    """Every tilbud a § 110 forsorgshjem: a type without magtanvendelse rules, so no use_of_force at all."""
    out = _one_type(t, "sel110")
    out["use_of_force"] = t["use_of_force"].iloc[0:0].copy()
    return out


def many_closed(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    """Two thirds of the tilbud closed in the last three years (after their last record)."""
    out = dict(t)
    f = t["facilities"].copy()
    last = {}
    for name, col in (("visits", "date"), ("concerns", "date"), ("sanctions", "date")):
        last[name] = t[name].groupby("facility_id")[col].max()
    last_uof = t["use_of_force"].groupby("facility_id")["month"].max() + "-28"
    last_all = pd.concat([*last.values(), last_uof]).groupby(level=0).max()
    pick = rng.random(len(f)) < 2 / 3
    for i in np.flatnonzero(pick & (f["closed_on"] == "").to_numpy()):
        fid = f.iloc[i]["facility_id"]
        after = max(str(last_all.get(fid, f.iloc[i]["approved_on"])), (today - dt.timedelta(days=3 * 365)).isoformat())
        d = dt.date.fromisoformat(after[:10]) + dt.timedelta(days=int(rng.integers(1, 60)))
        if d < today:
            f.iloc[i, f.columns.get_loc("closed_on")] = d.isoformat()
    out["facilities"] = f
    closed = set(f.loc[f["closed_on"] != "", "facility_id"])
    out["locked_visits"] = t["locked_visits"][~t["locked_visits"]["facility_id"].isin(closed)].copy()
    return out


def approved_last_week(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    """Twenty new tilbud approved a week ago, no record of any kind yet."""
    out = dict(t)
    f = t["facilities"]
    new = f.sample(20, random_state=1).copy()
    new["facility_id"] = [f"N{i:03d}" for i in range(20)]
    new["name"] = [f"Nyt tilbud {i}" for i in range(20)]
    new["approved_on"] = (today - dt.timedelta(days=7)).isoformat()
    new["closed_on"] = ""
    if "leader_since" in new:
        new["leader_since"] = ""
    if "last_unannounced_visit" in new:
        new["last_unannounced_visit"] = ""
    out["facilities"] = pd.concat([f, new], ignore_index=True)
    return out


def overdue(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    """Forty tilbud whose two-year deadline has passed: their unannounced visits of the last 30 months removed."""
    out = dict(t)
    f = t["facilities"]
    cutoff = (today - dt.timedelta(days=30 * 30)).isoformat()
    old = f[(f["closed_on"] == "") & (f["approved_on"] < cutoff)]
    pick = set(old["facility_id"].sample(40, random_state=2))
    v = t["visits"]
    drop = v["facility_id"].isin(pick) & (v["announced"] == "false") & (v["date"] >= cutoff)
    out["visits"] = v[~drop].copy()
    vids = set(out["visits"]["visit_id"])
    for name in ("indicator_scores", "theme_scores"):
        out[name] = t[name][t[name]["visit_id"].isin(vids)].copy()
    ff = f.copy()
    if "last_unannounced_visit" in ff:
        ff.loc[ff["facility_id"].isin(pick), "last_unannounced_visit"] = ""
    out["facilities"] = ff
    out["locked_visits"] = t["locked_visits"][~t["locked_visits"]["facility_id"].isin(pick)].copy()
    return out


def one_inspector(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    out = _keep_authorities(t, {"nord"})
    ins = out["inspectors"].head(1).copy()
    ins["competences"] = "all"
    ins["visits_per_week"] = "10"
    return _with_inspectors(out, ins)


def no_competence(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    """No inspector may visit a sikret døgninstitution (there are some)."""
    from data.enums import FacilityType

    out = dict(t)
    f = t["facilities"].copy()
    idx = f.index[(f["authority"] == "midt") & (f["closed_on"] == "")][:3]
    f.loc[idx, "facility_type"] = "doegninstitution"
    out = _one_type_keep(out, f)
    ins = t["inspectors"].copy()
    others = ";".join(x.value for x in FacilityType if x.value != "doegninstitution")
    ins["competences"] = others
    out["inspectors"] = ins
    return out


def _one_type_keep(t: Tables, f: pd.DataFrame) -> Tables:
    """Facilities replaced by ``f`` (types changed); indicator rows no longer applicable dropped."""
    from data.enums import FacilityType, Ownership
    from data.quality_model import FacilityTraits, indicator_applies

    out = dict(t)
    out["facilities"] = f
    traits = {
        r.facility_id: FacilityTraits(FacilityType(r.facility_type), r.has_board == "true",
                                      r.respite_only == "true", Ownership(r.ownership))
        for r in f.itertuples()
    }  # fmt: skip
    fac_of_visit = t["visits"].set_index("visit_id")["facility_id"]
    s = t["indicator_scores"]
    pairs = zip(s["visit_id"], s["indicator"], strict=True)
    ok = [indicator_applies(ind, traits[fac_of_visit[vid]]) for vid, ind in pairs]
    out["indicator_scores"] = s[ok].copy()
    return out


def all_absent(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    """Every inspector absent for the whole next quarter."""
    out = dict(t)
    q = pd.Timestamp(today).to_period("Q") + 1
    add = pd.DataFrame({"inspector_id": t["inspectors"]["inspector_id"], "start": q.start_time.date().isoformat(),
                        "end": q.end_time.date().isoformat()})  # fmt: skip
    out["absences"] = pd.concat([t["absences"], add], ignore_index=True)
    lv = t["locked_visits"]
    out["locked_visits"] = lv[(lv["date"] < add["start"].iloc[0]) | (lv["date"] > add["end"].iloc[0])].copy()
    return out


def low_capacity(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    """One inspector per tilsyn at one visit a week: far below what the two-year rule needs."""
    out = dict(t)
    ins = t["inspectors"].groupby("authority").head(1).copy()
    ins["competences"] = "all"
    ins["visits_per_week"] = "1"
    return _with_inspectors(out, ins)


def zero_capacity(t: Tables, rng: np.random.Generator, today: dt.date) -> Tables:
    """Inspectors listed, every one with visits_per_week 0 (legal: >= 0)."""
    out = dict(t)
    ins = t["inspectors"].copy()
    ins["visits_per_week"] = "0"
    out["inspectors"] = ins
    out["locked_visits"] = t["locked_visits"].iloc[0:0].copy()
    return out


WORLDS = [
    World("base", "the product's own world, 300 tilbud, as a control", _same),
    World("one_tilsyn", "one socialtilsyn only (Nord)", one_tilsyn),
    World("ten_tilbud", "one tilsyn with 10 tilbud and 2 inspectors", ten_tilbud),
    World("big_5000", "5,000 tilbud (time of score and plan)", _same, facilities=5000),
    World("history_12m", "only 12 months of history", history_12m),
    World("no_serious", "no visit ever found anything serious (all labels 0)", no_serious),
    World("all_serious", "every operational visit found something serious (a påbud)", all_serious),
    World("all_announced", "no unannounced visit ever", all_announced, plan_rc=(0, 4), allow_late=True),
    World("only_kostskole", "every tilbud a kostskole, no magtanvendelser", only_kostskole),
    World("only_sikret", "every tilbud a sikret døgninstitution", only_sikret),
    World("only_forsorgshjem", "every tilbud a § 110 forsorgshjem (no magtanvendelse rules)", only_forsorgshjem),
    World("many_closed", "two thirds of the tilbud closed in the last three years", many_closed),
    World("approved_last_week", "20 tilbud approved a week ago, no record yet", approved_last_week),
    World("overdue", "40 tilbud past their two-year deadline", overdue, plan_rc=(0, 4), allow_late=True),
    World(
        "one_inspector", "one tilsyn, one inspector (10 visits a week)", one_inspector, plan_rc=(0, 4), allow_late=True
    ),
    World("no_competence", "three døgninstitutioner, no inspector with the competence", no_competence, plan_rc=(4,)),
    World(
        "all_absent", "every inspector absent for the whole next quarter", all_absent, plan_rc=(0, 4), allow_late=True
    ),
    World(
        "low_capacity", "one inspector per tilsyn at one visit a week", low_capacity, plan_rc=(0, 4), allow_late=True
    ),
    World(
        "zero_capacity",
        "every inspector at 0 visits a week",
        zero_capacity,
        plan_rc=(4,),
        allow_late=True,
        late_rc=(4,),
    ),
    World(
        "today_christmas", "data end (and today is) 2026-12-25, a public holiday", _same, today=dt.date(2026, 12, 25)
    ),
    World("today_sunday", "data end on Sunday 2026-11-22", _same, today=dt.date(2026, 11, 22)),
    World("today_new_year", "as of 2027-01-01, the start of the year (a holiday)", _same, today=dt.date(2027, 1, 1)),
    World("today_leap_day", "as of 2028-02-29, a leap day", _same, today=dt.date(2028, 2, 29)),
]
BY_NAME = {w.name: w for w in WORLDS}


def _read(folder: Path) -> Tables:
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(folder.glob("*.csv"))}


def build(world: World, out: Path, seed: int = 7) -> Path:
    """Generate the base world as of ``world.today`` into ``out/base``, transform it, write ``out/data``."""
    env = _env(world.today)
    gen = [sys.executable, "-m", "api.cli", "generate", str(out / "base"), "--seed", str(seed), "--facilities",
           str(world.facilities), "--years", str(world.years), "--as-of", world.today.isoformat()]  # fmt: skip
    subprocess.run(gen, env=env, capture_output=True, text=True, check=True)
    tables = world.transform(_read(out / "base" / "data"), np.random.default_rng(seed), world.today)
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_csv(data / f"{name}.csv", index=False)
    return data


def _env(today: dt.date) -> dict[str, str]:
    return {**os.environ, "TILSYNSPLAN_TODAY": today.isoformat(), "COLUMNS": "200", "PYTHONPATH": str(ROOT)}


@dataclass
class Step:
    name: str
    rc: int
    seconds: float
    tail: str
    bad: bool


def _run(home: Path, today: dt.date, name: str, *args: str, ok: tuple[int, ...] = (0,)) -> Step:
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "api.cli", "--home", str(home), *args], env=_env(today),
                       capture_output=True, text=True, check=False)  # fmt: skip
    out = p.stdout + p.stderr
    bad = "Traceback" in out or p.returncode not in ok
    log = home.parent / "steps"
    log.mkdir(parents=True, exist_ok=True)
    (log / (re.sub(r"[^a-z0-9]+", "_", name) + ".txt")).write_text(f"$ {' '.join(args)}\nrc={p.returncode}\n{out}")
    tail = "\n".join(out.strip().splitlines()[-12:] if not bad else out.strip().splitlines()[-40:])
    return Step(name, p.returncode, time.perf_counter() - t0, tail, bad)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _api(home: Path, today: dt.date, paths: list[str]) -> list[Step]:
    port = _free_port()
    env = {**_env(today), "TILSYNSPLAN_API_TOKENS": '["edge-token"]'}
    srv = subprocess.Popen([sys.executable, "-m", "api.cli", "--home", str(home), "serve", "--port", str(port)],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    steps = []
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        for path in paths:
            t0 = time.perf_counter()
            req = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                         headers={"Authorization": "Bearer edge-token"})  # fmt: skip
            try:
                with urllib.request.urlopen(req, timeout=300) as r:
                    code, body = r.status, r.read()
            except urllib.error.HTTPError as e:
                code, body = e.code, e.read()
            text = body[:600].decode("utf-8", "replace")
            steps.append(Step(f"GET {path}", code, time.perf_counter() - t0, text, code >= 500))
    finally:
        srv.terminate()
        log, _ = srv.communicate(timeout=30)
        if "Traceback" in log:
            steps.append(Step("serve log", 1, 0.0, log[-3000:], True))
    return steps


def run_world(world: World, out: Path, api: bool = False) -> list[Step]:
    shutil.rmtree(out, ignore_errors=True)
    data = build(world, out)
    home = out / "home"
    today = world.today
    quarter = str(pd.Timestamp(today).to_period("Q") + 1).replace("Q", "Q")
    steps = [_run(home, today, "validate", "validate", str(data)), _run(home, today, "import", "import", str(data))]
    steps.append(_run(home, today, "status", "status"))
    steps.append(_run(home, today, "train", "train"))
    steps.append(_run(home, today, "score", "score", "--top", "5"))
    sj = subprocess.run([sys.executable, "-m", "api.cli", "--home", str(home), "score", "--format", "json",
                         "--top", "1"], env=_env(today), capture_output=True, text=True, check=False)  # fmt: skip
    top = None
    m = re.search(r'"facility_id": "([^"]+)"', sj.stdout)
    if m:
        top = m.group(1)
    if top:
        steps.append(_run(home, today, "explain", "explain", top))
    plan = _run(home, today, "plan", "plan", "--quarter", quarter, "--export", str(out / "plan.csv"),
                ok=world.plan_rc)  # fmt: skip
    steps.append(plan)
    if plan.rc == 4 and world.allow_late:
        steps.append(
            _run(home, today, "plan --allow-late", "plan", "--quarter", quarter, "--allow-late", ok=world.late_rc)
        )
    steps.append(_run(home, today, "plan list", "plan", "list"))
    pid = None
    pl = subprocess.run([sys.executable, "-m", "api.cli", "--home", str(home), "plan", "list", "--format", "json"],
                        env=_env(today), capture_output=True, text=True, check=False)  # fmt: skip
    m = re.search(r'"id": (\d+)', pl.stdout)
    if m:
        pid = m.group(1)
    if pid:
        steps.append(_run(home, today, "plan show", "plan", "show", pid))
        steps.append(_run(home, today, "plan show --export", "plan", "show", pid, "--export", str(out / "show.csv")))
        steps.append(_run(home, today, "report plan pdf", "report", "plan", pid, "--out", str(out / "plan.pdf")))
        steps.append(_run(home, today, "report plan html", "report", "plan", pid, "--out", str(out / "plan.html")))
    steps.append(_run(home, today, "report risk html", "report", "risk", "--out", str(out / "risk.html")))
    steps.append(_run(home, today, "report risk pdf", "report", "risk", "--top", "50", "--out", str(out / "risk.pdf")))
    steps.append(_run(home, today, "report model pdf", "report", "model", "--out", str(out / "model.pdf")))
    if top:
        steps.append(_run(home, today, "report facility pdf", "report", "facility", top, "--out",
                          str(out / "facility.pdf")))  # fmt: skip
    if api:
        paths = ["/api/v1/status", "/api/v1/risk?top=3"]
        if top:
            paths += [f"/api/v1/facilities/{top}", f"/api/v1/facilities/{top}/explanation"]
        if pid:
            paths += [f"/api/v1/plans/{pid}?quarter={quarter}", f"/api/v1/plans/{pid}/analysis",
                      f"/api/v1/plans/{pid}/calendar.ics", f"/api/v1/plans/{pid}/export.csv"]  # fmt: skip
        steps += _api(home, today, paths)
    return steps


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="list the worlds and exit")
    ap.add_argument("--world", action="append", default=[], choices=sorted(BY_NAME), help="a world to run")
    ap.add_argument("--all", action="store_true", help="run every world")
    ap.add_argument("--api", action="store_true", help="also serve and GET a few /api/v1 paths")
    ap.add_argument("--keep", type=Path, help="folder for the worlds' files and homes (default: a temp folder)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.list or not (a.world or a.all):
        for w in WORLDS:
            print(f"{w.name:20} {w.today}  {w.about}")
        return 0
    root = a.keep or Path(tempfile.mkdtemp(prefix="edge_worlds_"))
    results: dict[str, list[dict[str, object]]] = {}
    failed = 0
    for w in WORLDS if a.all else [BY_NAME[n] for n in a.world]:
        steps = run_world(w, root / w.name, api=a.api)
        results[w.name] = [s.__dict__ for s in steps]
        failed += sum(s.bad for s in steps)
        if not a.json:
            print(f"=== {w.name}: {w.about} (i dag {w.today}; {root / w.name})")
            for s in steps:
                print(f"  {'FEJL' if s.bad else 'ok  '} {s.name:22} rc={s.rc:<3} {s.seconds:6.1f} s")
                if s.bad:
                    print("    " + s.tail.replace("\n", "\n    "))
            sys.stdout.flush()
    if a.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
