"""Socialtilsyn risk features as of a date, from what was known strictly before it.

``compute_features(dataset, as_of, offsets)`` works on ``dataset.known_at(as_of)`` only, so a record
dated on or after ``as_of`` cannot change a feature (tested). One row per facility approved before
``as_of`` and not closed before it. Columns: :data:`FEATURE_NAMES` (the model's inputs) and
:data:`CONTEXT_COLUMNS` (what explanations, baselines and the fairness audit read; never model inputs).
Ownership and authority are context only: they are not model inputs.

The features, and why:

- ``theme_<theme>``: the latest value of each of the seven themes, authority-calibrated
  (:mod:`models.calibration`); ``theme_mean`` / ``theme_min`` over them; ``theme_change``: mean over
  themes of (latest - previous value of that theme). A lower value never lowers the risk: monotone -1.
- ``days_since_visit``, ``days_since_unannounced``: days since the last visit / unannounced visit
  (since approval when there was none; a short export's ``last_unannounced_visit`` counts as an
  unannounced visit). Monotone +1: the longer nobody has looked, the more can have
  gone wrong unseen. The constraint also blocks a selection artefact: training rows exist only where
  someone visited within the horizon, and a place visited *recently* is visited again within six
  months mostly when something triggered it (a concern, a finding), so unconstrained the model learns
  "recently visited = risky", which is false for the facilities it scores (on synthetic Denmark the
  constraint raised the AUC against the truth from 0.74 to 0.78 on one seed).
- ``force_ratio_12m``, ``force_ratio_3m``: magtanvendelser over the last 12 / 3 complete months,
  observed against expected, ``(observed + 1) / (expected + 1)``. Expected is
  ``places x rate[type] x culture[authority]`` (times the share of the window's months the tilbud was
  approved in: one approved two months ago reported for two months, not twelve; and only those months are
  counted: a re-approved tilbud's records from before its approval month are left out), fitted on all active
  facilities by alternating (Poisson) means: ``rate[type]`` is the national rate per place of the type,
  ``culture[authority]`` how much more (or less) the authority's facilities report than the same types elsewhere
  (places-weighted mean 1). So a facility is compared with facilities of its own type across all
  authorities, and an authority's reporting culture — which is not risk — is divided out. The +1
  keeps small facilities with few expected uses from extreme ratios. The fit is robust to a single
  facility: each count enters it capped at :data:`FORCE_FIT_CAP` (3) x (the facility's expected count
  + 1), the expectation of the previous round. One tilbud reporting 500 a month made its tilsyn's
  "culture" (and its type's national rate) so high that every other tilbud of that tilsyn read
  0,0-0,5 x the expected; capped, it counts as a few times its expectation, the others keep theirs,
  and its own ratio still uses its full count. Three times the expectation (+1) is far beyond what
  chance gives (a Poisson count of 9 where 2 are expected has a probability under 0.1 %), so the cap
  touches only real outliers. A tilbud with nothing observed where nothing is expected (its type reports none
  in the window: ambulant treatment, often krisecentre; or it was approved this month) gets the median ratio of the
  tilbud with an expectation in the same snapshot (1 when none has one): as typical as its peers, which is all
  0 of 0 says. The smoothed (0 + 1) / (0 + 1) = 1 lay above two thirds of the reporting tilbud (counts are
  over-dispersed, and none where 0,5 are expected gives 0,67), so the monotone model read it as more force than
  usual: "Magtanvendelser: 0,00 pr. plads ..." raised a krisecenter's risk (in the tests' small world whose
  krisecentre report none, by 0,01-0,15 log-odds). Missing instead, LightGBM's missing branch learnt a value from
  those tilbud alone (it raised their risk as much there), and ``bench/risk_quality.py`` ranked 0.003 AUC lower than
  with the median. ``force_trend``: the last
  3 months against a quarter of the last 12, ``(obs3 + 0.5) / (obs12 / 4 + 0.5)`` (for a tilbud approved
  within the year, against the months since its approval: ``obs12 x months3 / months12``). Monotone +1.
  So more force in the last three months raises all three and never lowers the risk; more force
  only 4-12 months back raises the 12-month level but lowers the trend (the place is improving),
  and the model weighs the two. None in either window gives a trend of 1 ("uændret"), which is also the median
  trend of the reporting tilbud (a quarter of them have exactly 1 on synthetic Denmark), so it needs no such fix.
- ``turnover_ratio``, ``sickness_ratio``: the latest yearly staff turnover / sickness absence
  (at most two years old) over the median of the same facility type in the same year (indicators
  9.b and 9.c compare with "comparable workplaces"). Monotone +1. Missing for a facility without a
  figure while other facilities of its socialtilsyn have one. But when *no* facility of its socialtilsyn
  has the figure (the tilsyn did not collect it in those years: a tilsyn that began collecting in 2023,
  or stopped in 2022, or never collects sickness absence while the others do), its facilities get
  :data:`NOT_COLLECTED_RATIO` (1: as its type's median). A period without figures says nothing about
  a facility; left missing, it told the model only *when* a snapshot was taken (or *where* the tilbud
  is), and on such data the model learnt "no figures" as a risk of its own (the first reason of every
  tilbud on the risk list), or, for one tilsyn's tilbud beside four that report, as lowering the risk.
- ``concerns_12m`` (count), ``concern_severity_12m`` (low 1, medium 2, high 3, summed) and
  ``days_since_concern`` (capped at :data:`NEVER_DAYS`). Monotone +1, +1, -1.
- ``sanctions_5y`` (serious sanctions, :data:`data.enums.SERIOUS_SANCTIONS`, in five years) and
  ``days_since_sanction`` (capped). Monotone +1, -1.
- ``leader_change_12m``: 1 when the current leader (``leader_since``) started in the last 12 months
  and did not found the place. Not the leader's tenure: the contract keeps only the *current*
  leader's start, so as of an earlier date a later change hides when the previous leader started
  (``known_at`` blanks it); a tenure would then be "missing" exactly for the facilities whose leader
  is about to change — the future leaking into training rows. The 0/1 flag reads "unknown" as 0, the
  value most facilities have. Monotone +1: a new leader is a warning sign (seed 000, the expert
  score's rule), never a reassurance. Left free, the flag already raised the risk on average, but
  nothing stopped a tree from lowering it in some combination learnt from the few hundred changes a
  year; with the constraint the AUC against the synthetic truth rose by about 0.001-0.003 (a small
  gain, seen on seeds 1-3 and the hold-out seeds 4-7 of ``bench/risk_quality.py``).
- ``approval_age_years``, ``places``, ``facility_type`` (categorical). Direction not imposed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from data.dataset import THEME_CODES, Dataset
from data.enums import SERIOUS_SANCTIONS
from models.calibration import AuthorityOffsets
from models.engine import FeatureSpec

LEADER_FOUNDING_DAYS = 60  # a leader who started within this of the approval founded the place
NEVER_DAYS = 3650.0  # "never" for recency features: ten years
FORCE_PRIOR = 1.0  # events added to observed and expected force counts
CULTURE_PRIOR = 10.0  # events that shrink an authority's reporting-culture factor towards 1
FORCE_FIT_CAP = 3.0  # a facility's count enters the rate and culture fit at most this x (expected + prior)
STAFF_MAX_AGE_YEARS = 2
NOT_COLLECTED_RATIO = 1.0  # a staff ratio when no facility of the socialtilsyn has the figure (module docstring)
SEVERITY_WEIGHT = {"low": 1.0, "medium": 2.0, "high": 3.0}

THEME_FEATURES: tuple[str, ...] = tuple(f"theme_{code}" for code in THEME_CODES)
#: The same theme values as the tilsyn scored them (before the authority adjustment): context for the
#: sentences a reader sees (a value on the 1-5 scale), never a model input.
RAW_THEME_COLUMNS: dict[str, str] = {
    "theme_mean": "theme_mean_raw",
    "theme_min": "theme_min_raw",
    "theme_change": "theme_change_raw",
    **{name: f"{name}_raw" for name in THEME_FEATURES},
}

#: When each theme's latest value was assessed (its visit's date): context for the sentences, which date a value
#: assessed before the tilbud's newest visit with scores ("ved seneste vurdering i 2023").
THEME_DATE_COLUMNS: dict[str, str] = {name: f"{name}_date" for name in THEME_FEATURES}

FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("theme_mean", -1),
    FeatureSpec("theme_min", -1),
    FeatureSpec("theme_change", -1),
    *(FeatureSpec(name, -1) for name in THEME_FEATURES),
    FeatureSpec("days_since_visit", 1),
    FeatureSpec("days_since_unannounced", 1),
    FeatureSpec("force_ratio_12m", 1),
    FeatureSpec("force_ratio_3m", 1),
    FeatureSpec("force_trend", 1),
    FeatureSpec("turnover_ratio", 1),
    FeatureSpec("sickness_ratio", 1),
    FeatureSpec("concerns_12m", 1),
    FeatureSpec("concern_severity_12m", 1),
    FeatureSpec("days_since_concern", -1),
    FeatureSpec("sanctions_5y", 1),
    FeatureSpec("days_since_sanction", -1),
    FeatureSpec("approval_age_years"),
    FeatureSpec("leader_change_12m", 1),
    FeatureSpec("places"),
    FeatureSpec("facility_type", categorical=True),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)

#: The file (and the columns of it) each feature that optional data inform is computed from; the theme features
#: are informed by their theme values (:func:`features_without_data`).
_INFORMED_BY: dict[str, tuple[str, tuple[str, ...]]] = {
    "force_ratio_12m": ("use_of_force", ()),
    "force_ratio_3m": ("use_of_force", ()),
    "force_trend": ("use_of_force", ()),
    "turnover_ratio": ("staff_figures", ("staff_turnover_pct",)),
    "sickness_ratio": ("staff_figures", ("sickness_absence_pct",)),
    "concerns_12m": ("concerns", ()),
    "concern_severity_12m": ("concerns", ()),
    "days_since_concern": ("concerns", ()),
    "sanctions_5y": ("sanctions", ()),
    "days_since_sanction": ("sanctions", ()),
    "leader_change_12m": ("facilities", ("leader_since",)),
}
_THEME_VALUE_FEATURES: tuple[str, ...] = ("theme_mean", "theme_min", "theme_change", *THEME_FEATURES)
#: Where each feature that optional data inform comes from, as the model card names it when none were loaded: with
#: nothing of it known at the training date a feature has its "none" value for every tilbud, so the model cannot
#: learn from it and its importance of 0 measures nothing.
FEATURE_SOURCES: dict[str, str] = {
    **{name: "theme_scores.csv eller indicator_scores.csv" for name in _THEME_VALUE_FEATURES},
    **{
        name: f"kolonnen {columns[0]} i {table}.csv" if table == "facilities" else f"{table}.csv"
        for name, (table, columns) in _INFORMED_BY.items()
    },
}


def _informed_by_rows(tables: Mapping[str, pd.DataFrame], name: str) -> bool:
    """Whether a row of the feature's file (and a value of its column) is there (:data:`_INFORMED_BY`)."""
    table, columns = _INFORMED_BY[name]
    frame = tables[table]
    return bool(len(frame)) and all(c in frame and bool(frame[c].notna().any()) for c in columns)


def sources_without_data(dataset: Dataset) -> frozenset[str]:
    """The features read from an optional file or column (:data:`FEATURE_SOURCES`, the theme values aside) of
    which ``dataset`` holds nothing at all: a tilsyn that has not loaded its magtanvendelser or concerns. Their
    value is the "none" of every tilbud, which an explanation must not read as "none happened"."""
    tables = dataset.tables()
    return frozenset(name for name in _INFORMED_BY if not _informed_by_rows(tables, name))


def features_without_data(known: Dataset, theme_values: pd.DataFrame) -> list[str]:
    """The features (in :data:`FEATURES` order) that no row of ``known`` informs: their file, or their column,
    holds no value (``known``: a dataset's ``known_at`` the training date; ``theme_values``: its
    ``visit_theme_values()``). A theme's feature counts as without data when no visit has a value for the theme,
    the overall theme features when no visit has any."""
    tables = known.tables()
    themes = set(theme_values["theme"])

    def informed(name: str) -> bool:
        if name in _INFORMED_BY:
            return _informed_by_rows(tables, name)
        if name in THEME_FEATURES:
            return name.removeprefix("theme_") in themes
        return bool(themes) if name in _THEME_VALUE_FEATURES else True

    return [name for name in FEATURE_NAMES if not informed(name)]


#: Columns beside the features: identification, audit groups and the values explanations show.
CONTEXT_COLUMNS: tuple[str, ...] = (
    "facility_id",
    "name",
    "authority",
    "ownership",
    *RAW_THEME_COLUMNS.values(),
    *THEME_DATE_COLUMNS.values(),
    "theme_visit_date",
    "last_visit",
    "last_unannounced",
    "visits_begin",
    "force_12m",
    "force_3m",
    "force_months_12m",
    "force_per_place_12m",
    "force_per_place_3m",
    "force_expected_per_place",
    "force_culture",
    "staff_year",
    "turnover_pct",
    "turnover_median",
    "sickness_pct",
    "sickness_median",
    "leader_months",
    "last_sanction_kind",
)


def _days(t: pd.Timestamp, dates: pd.Series) -> pd.Series:
    return (t - dates).dt.days.astype("float64")


#: Column of a prepared theme history: one integer per (facility, theme), rows sorted by it and by date.
_GROUP = "_theme_group"


def _calibrated_and_grouped(tv: pd.DataFrame, authority_of: pd.Series, offsets: AuthorityOffsets) -> pd.DataFrame:
    """Theme values with their calibrated value ``cal``, sorted by facility, theme and date (stable), and
    :data:`_GROUP` numbering the (facility, theme) runs. Filtering rows keeps both: the runs stay contiguous."""
    tv = tv.assign(cal=offsets.apply(tv, authority_of)).sort_values(["facility_id", "theme", "date"], kind="stable")
    fid, theme = tv["facility_id"].to_numpy(), tv["theme"].to_numpy()
    starts = np.ones(len(tv), dtype=bool)
    starts[1:] = (fid[1:] != fid[:-1]) | (theme[1:] != theme[:-1])
    return tv.assign(**{_GROUP: np.cumsum(starts)})


@dataclass(frozen=True)
class ThemeHistory:
    """Theme values prepared once for features at many dates (training: one per monthly snapshot).

    Calibrating, sorting and grouping every theme value of the history again for each snapshot made the
    training frame's cost grow with snapshots x history (10 years of 6,000 tilbud: 0.46 s a snapshot in
    the theme features alone). ``compute_features(..., theme_values=history)`` gives exactly the features
    of ``compute_features(dataset, as_of, offsets)`` (tested) for any ``as_of``, as long as ``values`` came
    from ``dataset.visit_theme_values()`` (or a ``known_at`` of it) and the same ``offsets``."""

    values: pd.DataFrame
    offsets: AuthorityOffsets

    @classmethod
    def prepare(cls, theme_values: pd.DataFrame, facilities: pd.DataFrame, offsets: AuthorityOffsets) -> ThemeHistory:
        authority_of = facilities.drop_duplicates("facility_id").set_index("facility_id")["authority"]
        return cls(_calibrated_and_grouped(theme_values, authority_of, offsets), offsets)

    def before(self, t: pd.Timestamp) -> pd.DataFrame:
        """The values of visits before ``t``: the visits ``known_at(t)`` keeps (their date is the visit's)."""
        return self.values[(self.values["date"] < t).to_numpy(dtype=bool)]


def _theme_features(
    tv: pd.DataFrame, fac: pd.DataFrame, offsets: AuthorityOffsets, *, prepared: bool = False
) -> pd.DataFrame:
    ids = fac["facility_id"]
    out = pd.DataFrame(index=pd.Index(ids, name="facility_id"))
    tv = tv[tv["facility_id"].isin(set(ids))]
    if tv.empty:
        for col in ("theme_mean", "theme_min", "theme_change", *THEME_FEATURES, *RAW_THEME_COLUMNS.values()):
            out[col] = np.nan
        for col in (*THEME_DATE_COLUMNS.values(), "theme_visit_date"):
            out[col] = pd.NaT
        return out
    if not prepared:
        tv = _calibrated_and_grouped(tv, fac.set_index("facility_id")["authority"], offsets)
    # the last and second-to-last value of each (facility, theme) run: rows are sorted by run and date
    group = tv[_GROUP].to_numpy()
    is_last = np.ones(len(group), dtype=bool)
    is_last[:-1] = group[1:] != group[:-1]
    is_prev = np.zeros(len(group), dtype=bool)
    is_prev[:-1] = (group[:-1] == group[1:]) & is_last[1:]
    last = tv[is_last]
    prev = tv[is_prev]
    wide = last.pivot(index="facility_id", columns="theme", values="cal")
    wide_raw = last.pivot(index="facility_id", columns="theme", values="value")
    wide_date = last.pivot(index="facility_id", columns="theme", values="date")
    for code, name in zip(THEME_CODES, THEME_FEATURES, strict=True):
        out[name] = wide[code] if code in wide.columns else np.nan
        out[RAW_THEME_COLUMNS[name]] = wide_raw[code] if code in wide_raw.columns else np.nan
        out[THEME_DATE_COLUMNS[name]] = wide_date[code] if code in wide_date.columns else pd.NaT
    themes = out[list(THEME_FEATURES)]
    out["theme_mean"] = themes.mean(axis=1)
    out["theme_min"] = themes.min(axis=1)
    change_raw = last.merge(prev, on=["facility_id", "theme"], suffixes=("", "_prev"))
    change = (change_raw["cal"] - change_raw["cal_prev"]).groupby(change_raw["facility_id"]).mean()
    out["theme_change"] = change.reindex(out.index)
    raw_themes = out[[RAW_THEME_COLUMNS[name] for name in THEME_FEATURES]]
    out["theme_mean_raw"] = raw_themes.mean(axis=1)
    out["theme_min_raw"] = raw_themes.min(axis=1)
    # the change a reader can check against the values shown: the adjusted values differ by a constant per
    # authority, but their difference rounds differently (0,2499... against 0,25)
    out["theme_change_raw"] = (change_raw["value"] - change_raw["value_prev"]).groupby(change_raw["facility_id"]).mean()
    # a facility's newest theme value is the newest of its themes' last values (each run is sorted by date)
    out["theme_visit_date"] = last.groupby("facility_id")["date"].max().reindex(out.index)
    return out


def _visit_features(known: Dataset, fac: pd.DataFrame, t: pd.Timestamp) -> pd.DataFrame:
    f = fac.set_index("facility_id")
    unann = known.last_unannounced().reindex(f.index)
    # a last unannounced visit given for a short export is a visit too
    last = known.visits.groupby("facility_id")["date"].max().reindex(f.index)
    last = pd.concat([last, unann], axis=1).max(axis=1)
    out = pd.DataFrame(index=f.index)
    out["last_visit"] = last
    out["last_unannounced"] = unann
    out["days_since_visit"] = _days(t, last.fillna(f["approved_on"]))
    out["days_since_unannounced"] = _days(t, unann.fillna(f["approved_on"]))
    # where the visit data begin, for a tilbud approved before that: its visits before it are unknown, so "none
    # since the approval" would be a claim the data do not hold (a short export; the explanation says so)
    begin = pd.to_datetime(known.visits["date"]).min() if len(known.visits) else pd.NaT
    approved = pd.to_datetime(f["approved_on"])
    out["visits_begin"] = pd.Series(begin, index=f.index).where(approved < begin) if pd.notna(begin) else pd.NaT
    return out


def _force_expectation(
    obs: np.ndarray, places: np.ndarray, types: pd.Series, auths: pd.Series, iterations: int = 60
) -> tuple[np.ndarray, np.ndarray]:
    """Expected count per place (``rate[type] * culture[authority]``) and the culture factor per row.

    Each facility's count enters the fit capped at ``FORCE_FIT_CAP x (its expected count + FORCE_PRIOR)``
    (the expectation of the previous round), so one facility far above its expectation cannot make its
    type's rate or its authority's culture (see the module docstring); its own ratio uses the full count.
    """
    t_codes, _ = pd.factorize(types)
    a_codes, _ = pd.factorize(auths)
    n_t, n_a = t_codes.max() + 1, a_codes.max() + 1
    weights = np.bincount(a_codes, weights=places, minlength=n_a)
    if weights.sum() <= 0:  # no tilbud has reported for a month yet (all approved this month)
        weights = np.ones(n_a)
    culture = np.ones(n_a)
    fit = obs.astype(float)
    rate = np.zeros(n_t)
    for _ in range(iterations):
        exposure_t = np.bincount(t_codes, weights=places * culture[a_codes], minlength=n_t)
        obs_t = np.bincount(t_codes, weights=fit, minlength=n_t)
        rate = np.divide(obs_t, exposure_t, out=np.zeros(n_t), where=exposure_t > 0)
        expected_a = np.bincount(a_codes, weights=places * rate[t_codes], minlength=n_a)
        obs_a = np.bincount(a_codes, weights=fit, minlength=n_a)
        new = (obs_a + CULTURE_PRIOR) / (expected_a + CULTURE_PRIOR)
        new = new / np.average(new, weights=weights)
        expected = places * rate[t_codes] * new[a_codes]
        new_fit = np.minimum(obs, FORCE_FIT_CAP * (expected + FORCE_PRIOR))
        done = np.max(np.abs(new - culture)) < 1e-9 and np.max(np.abs(new_fit - fit)) < 1e-6
        culture, fit = new, new_fit
        if done:
            break
    exposure_t = np.bincount(t_codes, weights=places * culture[a_codes], minlength=n_t)
    obs_t = np.bincount(t_codes, weights=fit, minlength=n_t)
    rate = np.divide(obs_t, exposure_t, out=np.zeros(n_t), where=exposure_t > 0)
    return rate[t_codes] * culture[a_codes], culture[a_codes]


def _force_features(uof: pd.DataFrame, fac: pd.DataFrame, t: pd.Timestamp) -> pd.DataFrame:
    f = fac.set_index("facility_id")
    last_month = t.to_period("M") - 1
    start12 = (last_month - 11).to_timestamp()
    start3 = (last_month - 2).to_timestamp()
    recent = uof[uof["month"] >= start12]
    # only months since the (re-)approval: a real export keeps a re-approved tilbud's records from before it, and
    # the expectation below covers the months since its approval month only
    approved_start = pd.to_datetime(f["approved_on"]).dt.to_period("M").dt.to_timestamp()
    recent = recent[(recent["month"] >= recent["facility_id"].map(approved_start)).to_numpy(dtype=bool)]
    obs12 = recent.groupby("facility_id")["count"].sum().reindex(f.index, fill_value=0).astype(float)
    obs3 = (
        recent[recent["month"] >= start3]
        .groupby("facility_id")["count"]
        .sum()
        .reindex(f.index, fill_value=0)
        .astype(float)
    )
    places = f["places"].astype(float).to_numpy()
    # months of each window the tilbud was approved in (its approval month counts): one approved two months ago
    # reported for two months, not twelve
    approved = pd.to_datetime(f["approved_on"])
    approved_month = (approved.dt.year * 12 + approved.dt.month - 1).to_numpy(dtype=float)
    last = float(last_month.year * 12 + last_month.month - 1)
    months12 = np.clip(last - np.maximum(approved_month, last - 11) + 1, 0, 12)
    months3 = np.clip(last - np.maximum(approved_month, last - 2) + 1, 0, 3)
    out = pd.DataFrame(index=f.index)
    out["force_12m"] = obs12
    out["force_3m"] = obs3
    out["force_months_12m"] = months12
    out["force_per_place_12m"] = obs12 / places
    out["force_per_place_3m"] = obs3 / places
    if len(f):
        per_place, culture = _force_expectation(
            obs12.to_numpy(), places * months12 / 12, f["facility_type"], f["authority"]
        )
    else:
        per_place, culture = np.zeros(0), np.zeros(0)
    expected12 = per_place * places * months12 / 12
    expected3 = per_place * places * months3 / 12
    out["force_expected_per_place"] = per_place
    out["force_culture"] = culture
    for col, obs, expected in (("force_ratio_12m", obs12, expected12), ("force_ratio_3m", obs3, expected3)):
        ratio = (obs.to_numpy() + FORCE_PRIOR) / (expected + FORCE_PRIOR)
        # none observed where none is expected (a type nobody reports for; a tilbud approved this month) is a tilbud
        # like its peers: the median ratio of the tilbud with an expectation, not (0 + 1) / (0 + 1) = 1 (module
        # docstring); a use where none is expected keeps its ratio, above 1
        unknown = (expected <= 0) & (obs.to_numpy() == 0)
        known = ratio[expected > 0]
        ratio[unknown] = float(np.median(known)) if len(known) else 1.0
        out[col] = ratio
    # the last 3 months against as many months' share of the year's count, over the months it reported
    share = np.divide(months3, months12, out=np.zeros_like(months12), where=months12 > 0)
    out["force_trend"] = (obs3 + 0.5) / (obs12 * share + 0.5)
    return out


def _staff_features(staff: pd.DataFrame, all_fac: pd.DataFrame, fac: pd.DataFrame, t: pd.Timestamp) -> pd.DataFrame:
    out = pd.DataFrame(index=pd.Index(fac["facility_id"], name="facility_id"))
    s = staff[staff["year"] >= t.year - STAFF_MAX_AGE_YEARS]
    s = s.join(all_fac.set_index("facility_id")["facility_type"], on="facility_id", how="inner")
    if s.empty:
        for col in ("staff_year", "turnover_pct", "turnover_median", "sickness_pct", "sickness_median"):
            out[col] = np.nan
        out["turnover_ratio"] = NOT_COLLECTED_RATIO
        out["sickness_ratio"] = NOT_COLLECTED_RATIO
        return out
    medians = s.groupby(["facility_type", "year"])[["staff_turnover_pct", "sickness_absence_pct"]].median()
    latest = s.sort_values(["facility_id", "year"], kind="stable").groupby("facility_id").tail(1)
    medians = medians.add_suffix("_median")
    latest = latest.join(medians, on=["facility_type", "year"]).set_index("facility_id")
    latest = latest.reindex(out.index)
    out["staff_year"] = latest["year"].astype("float64")
    out["turnover_pct"] = latest["staff_turnover_pct"]
    out["turnover_median"] = latest["staff_turnover_pct_median"]
    out["sickness_pct"] = latest["sickness_absence_pct"]
    out["sickness_median"] = latest["sickness_absence_pct_median"]
    out["turnover_ratio"] = out["turnover_pct"] / out["turnover_median"].where(out["turnover_median"] > 0)
    out["sickness_ratio"] = out["sickness_pct"] / out["sickness_median"].where(out["sickness_median"] > 0)
    # a socialtilsyn that collected none of a figure for any of its tilbud in these years (a tilsyn that never
    # reports sickness absence, while the others do): its tilbud's missing value says nothing about them, only
    # where they are, so they count as their type's median, as when no tilsyn has the figure
    authority = all_fac.set_index("facility_id")["authority"].reindex(out.index)
    s_authority = s["facility_id"].map(all_fac.set_index("facility_id")["authority"])
    for ratio, column in (("turnover_ratio", "staff_turnover_pct"), ("sickness_ratio", "sickness_absence_pct")):
        collected = set(s_authority[s[column].notna()])
        out.loc[~authority.isin(collected).to_numpy(), ratio] = NOT_COLLECTED_RATIO
    return out


def _event_features(concerns: pd.DataFrame, sanctions: pd.DataFrame, ids: pd.Index, t: pd.Timestamp) -> pd.DataFrame:
    out = pd.DataFrame(index=ids)
    c = concerns[concerns["date"] >= t - pd.Timedelta(days=365)]
    out["concerns_12m"] = c.groupby("facility_id").size().reindex(ids, fill_value=0).astype(float)
    weights = c["severity"].map(SEVERITY_WEIGHT).astype("float64").fillna(1.0)
    out["concern_severity_12m"] = weights.groupby(c["facility_id"]).sum().reindex(ids, fill_value=0.0)
    last_c = concerns.groupby("facility_id")["date"].max().reindex(ids)
    out["days_since_concern"] = _days(t, last_c).clip(upper=NEVER_DAYS).fillna(NEVER_DAYS)
    serious = sanctions[sanctions["kind"].isin({k.value for k in SERIOUS_SANCTIONS})]
    recent = serious[serious["date"] >= t - pd.Timedelta(days=5 * 365)]
    out["sanctions_5y"] = recent.groupby("facility_id").size().reindex(ids, fill_value=0).astype(float)
    last_s = serious.groupby("facility_id")["date"].max().reindex(ids)
    out["days_since_sanction"] = _days(t, last_s).clip(upper=NEVER_DAYS).fillna(NEVER_DAYS)
    latest = serious.sort_values(["facility_id", "date"], kind="stable").groupby("facility_id").tail(1)
    out["last_sanction_kind"] = latest.set_index("facility_id")["kind"].astype(object).reindex(ids)
    return out


def population(dataset: Dataset, as_of: dt.date | pd.Timestamp) -> pd.DataFrame:
    """The facilities scored as of a date: approved before it and not closed before it."""
    known = dataset.known_at(as_of)
    return known.facilities[known.facilities["closed_on"].isna()].reset_index(drop=True)


def compute_features(
    dataset: Dataset,
    as_of: dt.date | pd.Timestamp,
    offsets: AuthorityOffsets,
    *,
    theme_values: pd.DataFrame | ThemeHistory | None = None,
) -> pd.DataFrame:
    """Features of every facility in the population as of ``as_of`` (one row each, by ``facility_id``).

    ``theme_values`` may be ``dataset.visit_theme_values()`` computed once by a caller that needs many
    dates (training); only values of visits known at ``as_of`` are used, exactly as if they had been
    computed from ``dataset.known_at(as_of)``. A :class:`ThemeHistory` (prepared once with these ``offsets``)
    saves calibrating and sorting them again at every date.
    """
    t = pd.Timestamp(as_of).normalize()
    if theme_values is not None:
        # the scores are read from theme_values: filtering their (large) tables to the known visits is wasted
        dataset = replace(
            dataset, indicator_scores=dataset.indicator_scores.iloc[0:0], theme_scores=dataset.theme_scores.iloc[0:0]
        )
    known = dataset.known_at(t)
    fac = known.facilities[known.facilities["closed_on"].isna()].reset_index(drop=True)
    prepared = isinstance(theme_values, ThemeHistory)
    if isinstance(theme_values, ThemeHistory):
        if theme_values.offsets is not offsets:
            raise ValueError("ThemeHistory was prepared with other authority offsets than the features use")
        tv = theme_values.before(t)
    elif theme_values is None:
        tv = known.visit_theme_values()
    else:
        tv = theme_values[(theme_values["date"] < t) & theme_values["visit_id"].isin(set(known.visits["visit_id"]))]
    ids = pd.Index(fac["facility_id"], name="facility_id")
    base = fac.set_index("facility_id")
    out = pd.DataFrame(index=ids)
    for col in ("name", "authority", "ownership", "facility_type"):
        out[col] = base[col]
    out["places"] = base["places"].astype("float64")
    out["approval_age_years"] = _days(t, base["approved_on"]) / 365.25
    leader = pd.to_datetime(base["leader_since"] if "leader_since" in base else pd.Series(pd.NaT, index=ids))
    founding = leader <= base["approved_on"] + pd.Timedelta(days=LEADER_FOUNDING_DAYS)
    recent = (leader >= t - pd.Timedelta(days=365)) & ~founding
    out["leader_months"] = (_days(t, leader) / (365.25 / 12)).where(recent)
    out["leader_change_12m"] = recent.fillna(False).astype("float64")
    parts = [
        _theme_features(tv, fac, offsets, prepared=prepared),
        _visit_features(known, fac, t),
        _force_features(known.use_of_force, fac, t),
        _staff_features(known.staff_figures, known.facilities, fac, t),
        _event_features(known.concerns, known.sanctions, ids, t),
    ]
    out = out.join(parts)
    out = out.reset_index()
    return out[[*CONTEXT_COLUMNS, *(c for c in FEATURE_NAMES if c not in CONTEXT_COLUMNS)]]
