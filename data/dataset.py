"""``Dataset``: the contract's tables as typed pandas DataFrames, the one in-memory form of a tilsyn's data.

The importer produces it from files, storage loads and saves it, the synthetic generator writes it,
and ``models``, ``planner`` and ``reports`` read it. Column names are the contract's; dtypes:

- text and enum columns: ``str`` (missing text is ``""`` for key-like columns, ``<NA>``/``None`` else);
- ``date`` columns: ``datetime64`` at midnight (``NaT`` when missing); ``month`` columns: the first day
  of the month as ``datetime64``;
- ``int`` columns: ``int64``; ``decimal`` columns: ``float64`` (``NaN`` when missing);
- ``bool`` columns: ``bool``;
- ``inspector_ids``: the ``;``-separated text as given (``""`` when empty).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from data.contract import FILE_BY_NAME, FILES, Column, Kind
from data.enums import Theme
from data.quality_model import CRITERION_BY_NUMBER, INDICATOR_BY_CODE, THEMES

DATE_KINDS = (Kind.DATE, Kind.MONTH)
#: Data whose newest record lies more than this many days before the as-of date are said to be old
#: (:meth:`Dataset.stale_note`): three months, so a month of use_of_force reported a month late is not.
STALE_DATA_DAYS = 92


def _empty_column(col: Column) -> pd.Series:
    if col.kind in DATE_KINDS:
        return pd.Series([], dtype="datetime64[ns]")
    if col.kind == Kind.INT:
        return pd.Series([], dtype="int64")
    if col.kind == Kind.DECIMAL:
        return pd.Series([], dtype="float64")
    if col.kind == Kind.BOOL:
        return pd.Series([], dtype="bool")
    return pd.Series([], dtype=object)


def empty_frame(table: str) -> pd.DataFrame:
    spec = FILE_BY_NAME[table]
    return pd.DataFrame({c.name: _empty_column(c) for c in spec.columns})


def coerce_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Bring an already-valid frame to the canonical dtypes and column order (adds missing optional columns).

    This does no validation: it is for data that is valid by construction (storage, the generator).
    """
    spec = FILE_BY_NAME[table]
    out = pd.DataFrame(index=frame.index)
    for col in spec.columns:
        if col.name in frame.columns:
            s = frame[col.name]
        else:
            s = pd.Series([col.default] * len(frame), index=frame.index, dtype=object)
        if col.kind in DATE_KINDS:
            s = pd.to_datetime(s).astype("datetime64[ns]")
            if col.kind == Kind.MONTH:
                s = s.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")
        elif col.kind == Kind.INT:
            s = pd.to_numeric(s).astype("int64")
        elif col.kind == Kind.DECIMAL:
            s = pd.to_numeric(s).astype("float64")
        elif col.kind == Kind.BOOL:
            s = s.fillna(bool(col.default)).astype(bool)
        else:
            if col.default is not None:
                s = s.fillna(col.default)
            s = s.astype(object)
        out[col.name] = s
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class Dataset:
    """All tables of one tilsyn's (or the nation's) data. Every table is always present (maybe empty)."""

    facilities: pd.DataFrame
    visits: pd.DataFrame
    indicator_scores: pd.DataFrame
    theme_scores: pd.DataFrame
    use_of_force: pd.DataFrame
    staff_figures: pd.DataFrame
    concerns: pd.DataFrame
    sanctions: pd.DataFrame
    inspectors: pd.DataFrame
    absences: pd.DataFrame
    locked_visits: pd.DataFrame

    @classmethod
    def empty(cls) -> Dataset:
        return cls(**{spec.name: empty_frame(spec.name) for spec in FILES})

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> Dataset:
        """Build from (valid) frames keyed by table name; missing tables are empty."""
        unknown = set(frames) - set(FILE_BY_NAME)
        if unknown:
            raise KeyError(f"unknown tables {sorted(unknown)}")
        return cls(
            **{
                spec.name: coerce_frame(spec.name, frames[spec.name]) if spec.name in frames else empty_frame(spec.name)
                for spec in FILES
            }
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def with_tables(self, **tables: pd.DataFrame) -> Dataset:
        return replace(self, **{k: coerce_frame(k, v) for k, v in tables.items()})

    def row_counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.tables().items()}

    # --- time -----------------------------------------------------------------------------------
    def known_at(self, as_of: dt.date | pd.Timestamp) -> Dataset:
        """What was known on ``as_of``: every dated record strictly before ``as_of`` (the day itself
        excluded: a visit on the as-of day has not been reported yet), months that ended before it,
        staff figures of years that ended before it, facilities approved before it.

        Inspectors, absences and locked visits are planning inputs and are kept whole.
        """
        t = pd.Timestamp(as_of).normalize()
        fac = self.facilities[self.facilities["approved_on"] < t].copy()
        fac.loc[fac["closed_on"] >= t, "closed_on"] = pd.NaT
        for column in ("leader_since", "last_unannounced_visit"):
            if column in fac:
                fac.loc[fac[column] >= t, column] = pd.NaT
        visits = self.visits[self.visits["date"] < t]
        visit_ids = set(visits["visit_id"])
        month_end = self.use_of_force["month"] + pd.offsets.MonthBegin(1)
        return replace(
            self,
            facilities=fac.reset_index(drop=True),
            visits=visits.reset_index(drop=True),
            indicator_scores=self.indicator_scores[self.indicator_scores["visit_id"].isin(visit_ids)].reset_index(
                drop=True
            ),
            theme_scores=self.theme_scores[self.theme_scores["visit_id"].isin(visit_ids)].reset_index(drop=True),
            use_of_force=self.use_of_force[month_end <= t].reset_index(drop=True),
            staff_figures=self.staff_figures[self.staff_figures["year"] < t.year].reset_index(drop=True),
            concerns=self.concerns[self.concerns["date"] < t].reset_index(drop=True),
            sanctions=self.sanctions[self.sanctions["date"] < t].reset_index(drop=True),
        )

    def unannounced_visit_dates(self) -> pd.DataFrame:
        """``facility_id, date`` of every unannounced visit known: those in ``visits`` and, for a short
        export, the facilities' ``last_unannounced_visit`` (the last one before the export began). The
        two-year deadline, the rotation and the model's ``days_since_unannounced`` all count from these."""
        v = self.visits.loc[~self.visits["announced"].astype(bool), ["facility_id", "date"]]
        f = self.facilities
        if "last_unannounced_visit" not in f:
            return v.reset_index(drop=True)
        given = f.loc[f["last_unannounced_visit"].notna(), ["facility_id", "last_unannounced_visit"]]
        given = given.rename(columns={"last_unannounced_visit": "date"})
        return pd.concat([v, given], ignore_index=True)

    def last_unannounced(self) -> pd.Series:
        """The latest unannounced visit per facility (:meth:`unannounced_visit_dates`), indexed by id."""
        dates = self.unannounced_visit_dates()
        return pd.to_datetime(dates["date"]).groupby(dates["facility_id"].astype(str)).max()

    def active_facilities(self, on: dt.date | pd.Timestamp) -> pd.DataFrame:
        """Facilities approved on or before ``on`` and not closed on it."""
        t = pd.Timestamp(on).normalize()
        f = self.facilities
        mask = (f["approved_on"] <= t) & (f["closed_on"].isna() | (f["closed_on"] > t))
        return f[mask].reset_index(drop=True)

    def last_date(self) -> pd.Timestamp | None:
        """The latest date in the dated tables (the data's end), or ``None`` when empty."""
        candidates = [
            self.visits["date"].max(),
            self.concerns["date"].max(),
            self.sanctions["date"].max(),
            self.facilities["approved_on"].max(),
        ]
        if len(self.use_of_force):
            candidates.append(self.use_of_force["month"].max() + pd.offsets.MonthEnd(0))
        valid = [c for c in candidates if pd.notna(c)]
        return max(valid) if valid else None

    def reported_until(self) -> dt.date | None:
        """The newest reported record: a visit, concern or sanction, or the last day of a month of
        magtanvendelser (:meth:`last_date` without approvals: a current tilbud list beside old visits is old data)."""
        candidates = [self.visits["date"].max(), self.concerns["date"].max(), self.sanctions["date"].max()]
        if len(self.use_of_force):
            candidates.append(self.use_of_force["month"].max() + pd.offsets.MonthEnd(0))
        valid = [date_of(c) for c in candidates if pd.notna(c)]
        return max((v for v in valid if v is not None), default=None)

    def stale_note(self, as_of: dt.date) -> str | None:
        """:func:`stale_data_note` for these data's end (:meth:`reported_until`)."""
        return stale_data_note(self.reported_until(), as_of)

    # --- quality model over the data ------------------------------------------------------------
    def visit_theme_values(self) -> pd.DataFrame:
        """Theme values per visit: long frame ``visit_id, facility_id, date, theme, value, source``.

        Where a visit has indicator scores the theme values are computed from them (seed 004: mean of
        criteria, criterion = mean of indicators); otherwise the given theme scores are used.
        ``source`` is ``"indicators"`` or ``"themes"``.
        """
        parts: list[pd.DataFrame] = []
        ind = self.indicator_scores
        if len(ind):
            crit_of = {code: i.criterion for code, i in INDICATOR_BY_CODE.items()}
            theme_of = {n: c.theme.value for n, c in CRITERION_BY_NUMBER.items()}
            d = ind.assign(criterion=ind["indicator"].map(crit_of))
            crit = d.groupby(["visit_id", "criterion"], as_index=False)["score"].mean()
            crit["theme"] = crit["criterion"].map(theme_of)
            th = crit.groupby(["visit_id", "theme"], as_index=False)["score"].mean()
            th = th.rename(columns={"score": "value"})
            th["source"] = "indicators"
            parts.append(th)
        given = self.theme_scores
        if len(given):
            computed_visits = set(ind["visit_id"]) if len(ind) else set()
            g = given[~given["visit_id"].isin(computed_visits)].rename(columns={"score": "value"})
            g = g.assign(source="themes")[["visit_id", "theme", "value", "source"]]
            parts.append(g)
        if not parts:
            return pd.DataFrame(
                {
                    "visit_id": pd.Series([], dtype=object),
                    "facility_id": pd.Series([], dtype=object),
                    "date": pd.Series([], dtype="datetime64[ns]"),
                    "theme": pd.Series([], dtype=object),
                    "value": pd.Series([], dtype="float64"),
                    "source": pd.Series([], dtype=object),
                }
            )
        out = pd.concat(parts, ignore_index=True)
        out = out.merge(self.visits[["visit_id", "facility_id", "date"]], on="visit_id", how="inner")
        order = {t.theme.value: i for i, t in enumerate(THEMES)}
        out = out.sort_values(["date", "facility_id", "theme"], key=lambda s: s.map(order) if s.name == "theme" else s)
        return out[["visit_id", "facility_id", "date", "theme", "value", "source"]].reset_index(drop=True)


THEME_CODES: tuple[str, ...] = tuple(t.value for t in Theme)


def to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain Python values (``None`` for missing; dates as ``datetime.date``), for JSON and SQL."""
    out: list[dict[str, Any]] = []
    for row in frame.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for k, v in row.items():
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
                clean[k] = None
            elif isinstance(v, pd.Timestamp):
                clean[k] = v.date()
            elif isinstance(v, np.generic):
                clean[k] = v.item()
            else:
                clean[k] = v
        out.append(clean)
    return out


def stale_data_note(end: dt.date | None, as_of: dt.date) -> str | None:
    """A Danish note when the data end (``end``, their newest record) more than :data:`STALE_DATA_DAYS` before
    ``as_of`` -- an old export, or no import for months: every visit, magtanvendelse and concern after the end
    counts as none, so a risk or a plan as of ``as_of`` is computed as if nothing had happened since. None when the
    data are recent or reach past ``as_of`` (a past date asked for on purpose)."""
    if end is None or (as_of - end).days <= STALE_DATA_DAYS:
        return None
    months = round((as_of - end).days / 30.44)
    after = end + dt.timedelta(days=1)
    return (
        f"Dataene slutter {end.isoformat()}, {months} måneder før {as_of.isoformat()}: besøg, magtanvendelser og "
        "henvendelser efter den dag mangler og tæller som ingen, så risiko og plan er beregnet, som om intet er sket "
        f"siden. Indlæs nyere data, eller beregn pr. dataenes slutning (--as-of {after.isoformat()})."
    )


def date_of(value: object) -> dt.date | None:
    """A date cell as stored or parsed (a ``Timestamp``, a ``datetime``, a ``date`` or ISO text) as a date; None
    when it is empty or not a date."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        ts = pd.Timestamp(str(value))
    except (ValueError, TypeError):
        return None
    return None if pd.isna(ts) else ts.date()


def absence_periods(frames: Iterable[pd.DataFrame]) -> dict[str, tuple[tuple[dt.date, dt.date], ...]]:
    """Inspector -> its absences ``(start, end)``, sorted and each once, from ``absences`` rows (the stored table,
    an upload's); a row without an inspector or a date is left out."""
    periods: dict[str, set[tuple[dt.date, dt.date]]] = {}
    for frame in frames:
        for iid, start, end in zip(frame["inspector_id"], frame["start"], frame["end"], strict=True):
            s, e = date_of(start), date_of(end)
            if iid is not None and not pd.isna(iid) and s is not None and e is not None:
                periods.setdefault(str(iid), set()).add((s, e))
    return {iid: tuple(sorted(p)) for iid, p in periods.items()}
