"""Warnings about the upload as a whole, for data that are valid but limit what Tilsynsplan can do: a file absent
and not stored, a header-only visits file, an export too short to show each tilbud's last unannounced visit, no
unannounced visit at all, a socialtilsyn without an inspector competent for a type, ids that differ only in case.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from data.dataset import Dataset
from data.enums import Authority, FacilityType
from data.errors import Violation
from data.glossary import danish_code, format_number_da, some_ids_da
from data.importer.parsed import _Parsed
from data.importer.stored import StoredData
from data.lock_rules import competent, parse_competences

#: Optional files whose absence changes what Tilsynsplan can do: (the files, either of which will do; the warning's
#: rule; what follows). Without a signal file every tilbud would read as having none (no magtanvendelser, no
#: concerns): that looks like zero, not like "not known", so an upload is told.
ABSENT_FILE_WARNINGS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("inspectors",),
        "planning_file_missing",
        "inspectors.csv mangler; data kan indlæses, men der kan ikke lægges en besøgsplan uden tilsynsførende",
    ),
    (
        ("indicator_scores", "theme_scores"),
        "signal_file_missing",
        "indicator_scores.csv og theme_scores.csv mangler, og intet er gemt: besøgene har ingen temaværdier, så "
        "kvaliteten kan ikke indgå i risikoen, og rapporterne viser den ikke",
    ),
    (
        ("use_of_force",),
        "signal_file_missing",
        "use_of_force.csv mangler og intet er gemt: magtanvendelser kan ikke indgå i risikoen, og rapporterne viser "
        "dem ikke",
    ),
    (
        ("staff_figures",),
        "signal_file_missing",
        "staff_figures.csv mangler og intet er gemt: personalegennemstrømning og sygefravær kan ikke indgå i "
        "risikoen, og rapporterne viser dem ikke",
    ),
    (
        ("concerns",),
        "signal_file_missing",
        "concerns.csv mangler og intet er gemt: bekymringshenvendelser kan ikke indgå i risikoen, og rapporterne "
        "viser dem ikke",
    ),
    (
        ("sanctions",),
        "signal_file_missing",
        "sanctions.csv mangler og intet er gemt: påbud, skærpet tilsyn og ophør kan ikke indgå i risikoen, og "
        "risikomodellen lærer kun af besøgenes temaværdier",
    ),
)


#: Required files that may hold their header only (``FileSpec.header_only_allowed``), and what follows when they do
#: and nothing of them is stored.
EMPTY_FILE_WARNINGS: dict[str, str] = {
    "visits": (
        "visits.csv har ingen rækker under overskriften: intet besøg er kendt, så i planen regnes hver frist fra "
        "tilbuddets godkendelsesdato, som for et tilbud, der aldrig er besøgt (tilbud godkendt for mere end to år "
        "siden er da forfaldne); indlæs besøgene, hvis tilbuddene er besøgt"
    ),
}


def absent_file_warnings(uploaded: set[str], stored: StoredData) -> list[Violation]:
    """A warning for each of :data:`ABSENT_FILE_WARNINGS` that is neither in the upload (``uploaded``: the
    contract names of its files, an empty file counts) nor stored."""
    return [
        Violation(f"{names[0]}.csv", None, None, None, rule, message)
        for names, rule, message in ABSENT_FILE_WARNINGS
        if not any(name in uploaded or stored.has_rows(name) for name in names)
    ]


#: Months an export must cover to show every active tilbud's last unannounced visit (the two-year rule).
SHORT_EXPORT_MONTHS = 24


def short_export_warning(upload: Dataset, existing: Dataset, today: dt.date) -> Violation | None:
    """A warning when the visits (stored and uploaded) begin less than two years before ``today`` and
    active tilbud approved before that have no unannounced visit in them nor a ``last_unannounced_visit``:
    their deadline would count from the approval and the plan would call them overdue."""
    visits = pd.concat([existing.visits, upload.visits], ignore_index=True)
    if visits.empty:
        return None  # no visit at all: the header-only visits.csv's warning says what follows
    fac = pd.concat(
        [
            existing.facilities[~existing.facilities["facility_id"].isin(upload.facilities["facility_id"])],
            upload.facilities,
        ],
        ignore_index=True,
    )
    active = fac["closed_on"].isna() | (fac["closed_on"] > pd.Timestamp(today))
    merged = existing.with_tables(facilities=fac, visits=visits)
    if merged.unannounced_visit_dates().empty:
        return _no_unannounced_warning(len(visits), fac[active & (fac["approved_on"] <= pd.Timestamp(today))], today)
    data_start = pd.Timestamp(visits["date"].min())
    if data_start <= pd.Timestamp(today) - pd.DateOffset(months=SHORT_EXPORT_MONTHS):
        return None
    known = set(merged.last_unannounced().index)
    candidates = fac[active & (fac["approved_on"] < data_start) & ~fac["facility_id"].astype(str).isin(known)]
    unknown = sorted(candidates["facility_id"].astype(str))
    if not unknown:
        return None
    cutoff = pd.Timestamp(today) - pd.DateOffset(months=SHORT_EXPORT_MONTHS)
    overdue = int((candidates["approved_on"] < cutoff).sum())
    return Violation(
        file="facilities.csv",
        row=None,
        column="last_unannounced_visit",
        value=None,
        rule="short_export",
        message=(
            f"besøgsdata begynder {data_start.date().isoformat()}, mindre end to år før i dag: "
            f"{format_number_da(len(unknown), 0)} aktive "
            f"tilbud godkendt før da har intet uanmeldt besøg i data ({some_ids_da(unknown)}), så toårsfristen "
            f"regnes fra godkendelsen og er for {format_number_da(overdue, 0)} af dem allerede overskredet i dag "
            f"({pd.Timestamp(today).date().isoformat()}): planen kalder dem forfaldne; "
            "angiv deres seneste uanmeldte besøg i facilities.csv, kolonnen last_unannounced_visit (valgfri)"
        ),
    )


def _no_unannounced_warning(visits: int, active: pd.DataFrame, today: dt.date) -> Violation | None:
    """The warning when no visit in the data is unannounced and no tilbud has a ``last_unannounced_visit``: every
    active tilbud's deadline counts from its approval (an export that lost the announced flag, or a tilsyn whose
    export holds announced visits only), so the plan calls most of them overdue and may find no plan at all. None
    when every active tilbud was approved less than two years ago (then no deadline has passed for want of a visit)."""
    if active.empty:
        return None
    cutoff = pd.Timestamp(today) - pd.DateOffset(months=SHORT_EXPORT_MONTHS)
    old = int((active["approved_on"] < cutoff).sum())
    if old == 0:
        return None  # every deadline from an approval less than two years ago: nothing is overdue for want of a visit
    none_unannounced = (
        "det ene besøg i besøgsdata er ikke uanmeldt (announced er true)"
        if visits == 1
        else f"intet af de {format_number_da(visits, 0)} besøg i besøgsdata er uanmeldt (announced er true i dem alle)"
    )
    if len(active) == 1:
        deadlines = (
            "for det ene aktive tilbud regnes fristen for næste uanmeldte besøg fra godkendelsen, og den ligger mere "
            "end to år før i dag"
        )
        them = "det forfaldent"
    else:
        deadlines = (
            f"for alle {format_number_da(len(active), 0)} aktive tilbud regnes fristen for næste uanmeldte besøg fra "
            f"godkendelsen, og for {format_number_da(old, 0)} af dem ligger godkendelsen mere end to år før i dag"
        )
        them = "dem forfaldne"
    return Violation(
        file="visits.csv",
        row=None,
        column="announced",
        value=None,
        rule="no_unannounced_visit",
        message=(
            f"{none_unannounced}, og facilities.csv angiver ingen last_unannounced_visit: {deadlines} "
            f"({today.isoformat()}): planen kalder {them} og kan blive umulig at lægge; tjek kolonnen "
            "announced i visits.csv (false for et uanmeldt besøg), eller angiv tilbuddenes seneste uanmeldte besøg i "
            "facilities.csv, kolonnen last_unannounced_visit (valgfri)"
        ),
    )


def _merged(stored: pd.DataFrame, uploaded: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows as the import leaves them: the stored ones the upload does not replace, then the upload's."""
    kept = stored[~stored[key].astype(str).isin(uploaded[key].astype(str))]
    return pd.concat([kept, uploaded], ignore_index=True) if len(kept) else uploaded


#: Tables whose ids name something a planner recognises by eye (a tilbud, a tilsynskonsulent): two ids that differ
#: only in upper/lower case are two records, which is rarely what the tilsyn meant.
CASE_TWIN_TABLES = ("facilities", "inspectors")
#: At most this many case-twin warnings per file (each names one pair); the rest are counted in the last.
MAX_CASE_TWINS = 20


def case_twin_warnings(table: _Parsed, stored: StoredData) -> list[Violation]:
    """A warning for each id of ``table`` that differs from another id of the upload, or from a stored one, only in
    upper/lower case (``T10001`` and ``t10001``). Ids are compared exactly, as the contract says ("unique"), so the
    two are two tilbud (or two tilsynskonsulenter), each with its own visits and deadline: right when a case system
    really uses both, a double record when one was retyped or exported by another system. A warning, not a
    violation: the data are valid, and the tilsyn knows which it is."""
    key = table.spec.key[0]
    ids = table.get(key)
    given = ids[ids.notna()].astype(str)
    if given.empty:
        return []
    what = "tilbud" if table.spec.name == "facilities" else "tilsynskonsulenter"
    first: dict[str, tuple[str, int | None]] = {}
    if stored.has_rows(table.spec.name):
        uploaded = set(given)
        for other in stored.table(table.spec.name)[key].dropna().astype(str):
            if other not in uploaded:
                first.setdefault(other.casefold(), (other, None))
    out: list[Violation] = []
    pairs = 0
    for pos, value in given.items():
        seen = first.setdefault(value.casefold(), (value, int(table.raw.rows[int(pos)])))
        if seen[0] == value:
            continue  # itself, or an exact duplicate (refused as a dublet)
        pairs += 1
        if pairs > MAX_CASE_TWINS:
            continue
        where = "et id, der allerede er gemt" if seen[1] is None else f"række {format_number_da(seen[1], 0)}"
        out.append(
            Violation(
                table.raw.source,
                int(table.raw.rows[int(pos)]),
                key,
                value,
                "id_differs_only_in_case",
                f"{key} '{value}' adskiller sig kun ved store og små bogstaver fra '{seen[0]}' ({where}): de læses "
                f"som to forskellige {what}; ret det ene id, hvis det er de samme",
            )
        )
    if pairs > MAX_CASE_TWINS:
        out[-1] = dataclasses.replace(
            out[-1],
            message=f"{out[-1].message} (og {format_number_da(pairs - MAX_CASE_TWINS, 0)} id mere af samme slags)",
        )
    return out


def competence_gap_warnings(upload: Dataset, existing: Dataset, today: dt.date) -> list[Violation]:
    """A warning for each socialtilsyn with active tilbud (on ``today``) of a type none of its tilsynskonsulenter
    with visits a week (``visits_per_week`` above 0) may visit: the planner refuses that tilsyn's plan (exit 4)
    until one has the competence (the others can be planned alone, which the warning says when there are any). None
    when no inspector is known at all (``absent_file_warnings`` says so)."""
    inspectors = _merged(existing.inspectors, upload.inspectors, "inspector_id")
    if inspectors.empty:
        return []
    fac = _merged(existing.facilities, upload.facilities, "facility_id")
    t = pd.Timestamp(today)
    active = fac[(fac["approved_on"] <= t) & (fac["closed_on"].isna() | (fac["closed_on"] > t))]
    working = inspectors[pd.to_numeric(inspectors["visits_per_week"], errors="coerce").fillna(0) > 0]
    out: list[Violation] = []
    affected: set[str] = set()
    for authority, group in active.groupby(active["authority"].astype(str), sort=True):
        staff = [
            parse_competences(c) for c in working.loc[working["authority"].astype(str) == authority, "competences"]
        ]
        where = danish_code(Authority, authority)
        if not staff:
            ids = sorted(group["facility_id"].astype(str))
            message = (
                f"{where} har {format_number_da(len(ids), 0)} aktive tilbud ({some_ids_da(ids)}), men ingen "
                "tilsynskonsulent med besøg "
                "om ugen i inspectors.csv: en plan, der omfatter socialtilsynet, afvises, til der er en"
            )
            out.append(Violation("inspectors.csv", None, "authority", authority, "no_inspector", message))
            affected.add(authority)
            continue
        for ftype, of_type in group.groupby(group["facility_type"].astype(str), sort=True):
            if any(competent(c, ftype) for c in staff):
                continue
            ids = sorted(of_type["facility_id"].astype(str))
            message = (
                f"{where} har {format_number_da(len(ids), 0)} aktive tilbud af typen "
                f"{danish_code(FacilityType, ftype)} "
                f"({some_ids_da(ids)}), men ingen af dens tilsynskonsulenter med besøg om ugen har kompetence til "
                f"typen (inspectors.csv, kolonnen competences): en plan, der omfatter {where}, afvises, til en har "
                "den"
            )
            out.append(Violation("inspectors.csv", None, "competences", ftype, "competence_missing", message))
            affected.add(authority)
    if set(active["authority"].astype(str)) - affected:
        others = "; de øvrige socialtilsyn kan planlægges hver for sig (tilsynsplan plan --authority)"
        out = [dataclasses.replace(v, message=v.message + others) for v in out]
    return out
