"""The one glossary: Danish words shown to users, keyed by the English identifiers used in code.

User-facing text (reports, web pages, explanations, error messages) is Danish; identifiers in code and
JSON field names are English. Every Danish label of an enum value lives here, nowhere else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from data.enums import Authority, FacilityType, Ownership, SanctionKind, Severity, Theme, VisitKind

#: Danish term -> English identifier used in code (DOMAIN.md's glossary).
TERMS: dict[str, str] = {
    "tilbud": "facility",
    "afdeling": "department",
    "socialtilsyn": "authority",
    "tilsynsbesøg": "visit",
    "anmeldt": "announced",
    "uanmeldt": "unannounced",
    "driftsorienteret tilsyn": "operational inspection",
    "godkendelse": "approval",
    "tema": "theme",
    "kriterium": "criterion",
    "indikator": "indicator",
    "magtanvendelse": "use of force",
    "personalegennemstrømning": "staff turnover",
    "sygefravær": "sickness absence",
    "bekymringshenvendelse": "concern report",
    "påbud": "enforcement order",
    "skærpet tilsyn": "enhanced supervision",
    "ophør af godkendelse": "revocation",
    "ejerform": "ownership",
    "plejefamilie": "foster family",
    "tilsynskonsulent": "inspector",
    "planlægger": "planner",
    "tilsynschef": "leader",
    "fagsystem": "case system",
    "spindelvæv": "spider chart",
}

AUTHORITY_DA: dict[Authority, str] = {
    Authority.NORD: "Socialtilsyn Nord",
    Authority.MIDT: "Socialtilsyn Midt",
    Authority.SYD: "Socialtilsyn Syd",
    Authority.HOVEDSTADEN: "Socialtilsyn Hovedstaden",
    Authority.OEST: "Socialtilsyn Øst",
}

FACILITY_TYPE_DA: dict[FacilityType, str] = {
    FacilityType.SEL107: "midlertidigt botilbud (SEL § 107)",
    FacilityType.SEL108: "længerevarende botilbud (SEL § 108)",
    FacilityType.BOTILBUDSLIGNENDE: "botilbudslignende tilbud",
    FacilityType.SEL109: "krisecenter (SEL § 109)",
    FacilityType.SEL110: "forsorgshjem (SEL § 110)",
    FacilityType.SEL101: "stofmisbrugsbehandling (SEL § 101)",
    FacilityType.SUL141: "alkoholbehandling (SUL § 141)",
    FacilityType.OPHOLDSSTED: "opholdssted",
    FacilityType.DOEGNINSTITUTION: "døgninstitution",
    FacilityType.SIKRET_DOEGNINSTITUTION: "sikret døgninstitution",
    FacilityType.KOSTSKOLE: "efterskole/fri fag-/grundskole med kostafdeling",
}

#: Plural forms, for sentences like "3,1 × medianen for opholdssteder".
FACILITY_TYPE_PLURAL_DA: dict[FacilityType, str] = {
    FacilityType.SEL107: "midlertidige botilbud",
    FacilityType.SEL108: "længerevarende botilbud",
    FacilityType.BOTILBUDSLIGNENDE: "botilbudslignende tilbud",
    FacilityType.SEL109: "krisecentre",
    FacilityType.SEL110: "forsorgshjem",
    FacilityType.SEL101: "stofmisbrugsbehandlingstilbud",
    FacilityType.SUL141: "alkoholbehandlingstilbud",
    FacilityType.OPHOLDSSTED: "opholdssteder",
    FacilityType.DOEGNINSTITUTION: "døgninstitutioner",
    FacilityType.SIKRET_DOEGNINSTITUTION: "sikrede døgninstitutioner",
    FacilityType.KOSTSKOLE: "kostskoler",
}

OWNERSHIP_DA: dict[Ownership, str] = {
    Ownership.KOMMUNAL: "kommunal",
    Ownership.REGIONAL: "regional",
    Ownership.PRIVAT: "privat",
    Ownership.SELVEJENDE: "selvejende",
}

VISIT_KIND_DA: dict[VisitKind, str] = {
    VisitKind.OPERATIONAL: "driftsorienteret tilsyn",
    VisitKind.APPROVAL: "godkendelse",
    VisitKind.ENHANCED: "skærpet tilsyn",
    VisitKind.FOLLOW_UP: "opfølgning",
}

THEME_DA: dict[Theme, str] = {
    Theme.EDUCATION_EMPLOYMENT: "Uddannelse og beskæftigelse",
    Theme.INDEPENDENCE_RELATIONS: "Selvstændighed og relationer",
    Theme.TARGET_METHODS_RESULTS: "Målgruppe, metoder og resultater",
    Theme.HEALTH_WELLBEING: "Sundhed og trivsel",
    Theme.ORGANISATION_MANAGEMENT: "Organisation og ledelse",
    Theme.COMPETENCES: "Kompetencer",
    Theme.PHYSICAL_SETTING: "Fysiske rammer",
}

SEVERITY_DA: dict[Severity, str] = {
    Severity.LOW: "lav",
    Severity.MEDIUM: "middel",
    Severity.HIGH: "høj",
}

SANCTION_DA: dict[SanctionKind, str] = {
    SanctionKind.PAABUD: "påbud",
    SanctionKind.SKAERPET_TILSYN: "skærpet tilsyn",
    SanctionKind.OPHOER: "ophør af godkendelse",
    SanctionKind.VILKAAR: "vilkår",
}

#: Short Danish names of the risk model's features (``models.features``), for tables and explanations.
RISK_FEATURE_DA: dict[str, str] = {
    "theme_mean": "Gennemsnitlig temaværdi",
    "theme_min": "Laveste temaværdi",
    "theme_change": "Ændring i temaværdier",
    **{f"theme_{theme.value}": label for theme, label in THEME_DA.items()},
    "days_since_visit": "Tid siden seneste tilsynsbesøg",
    "days_since_unannounced": "Tid siden seneste uanmeldte tilsyn",
    "force_ratio_12m": "Magtanvendelser (12 måneder)",
    "force_ratio_3m": "Magtanvendelser (3 måneder)",
    "force_trend": "Udvikling i magtanvendelser",
    "turnover_ratio": "Personalegennemstrømning",
    "sickness_ratio": "Sygefravær",
    "concerns_12m": "Bekymringshenvendelser",
    "concern_severity_12m": "Bekymringshenvendelsernes alvor",
    "days_since_concern": "Tid siden seneste bekymringshenvendelse",
    "sanctions_5y": "Påbud, skærpet tilsyn og ophør (5 år)",
    "days_since_sanction": "Tid siden seneste påbud, skærpet tilsyn eller ophør",
    "approval_age_years": "Godkendelsens alder",
    "leader_change_12m": "Lederskifte",
    "places": "Pladser",
    "facility_type": "Tilbudstype",
}

#: The latest serious sanction of a tilbud, by its kind, as an explanation names it ("Seneste påbud: 2 måneder siden").
SANCTION_LATEST_DA: dict[SanctionKind, str] = {
    SanctionKind.PAABUD: "Seneste påbud",
    SanctionKind.SKAERPET_TILSYN: "Seneste skærpede tilsyn",
    SanctionKind.OPHOER: "Seneste ophør af godkendelse",
}

#: The risk model and its baselines, as named in metric tables (keys of the model card's ``metrics``).
RISK_SCORE_DA: dict[str, str] = {
    "model": "Risikomodel",
    "model_blended": "LightGBM alene",
    "blend": "Risikomodel: LightGBM blandet med ekspertscoren (bruges)",
    "random": "Tilfældig rækkefølge",
    "latest_theme_mean": "Seneste gennemsnitlige temaværdi",
    "expert": "Ekspertscore",
    "oracle": "Sandheden (orakel)",
}


#: The risk model's hyperparameters (``models.risk_model.RiskModel``) as the model card names them.
HYPERPARAMETER_DA: dict[str, str] = {
    "calibration": "Kalibrering",
    "expert_blend_weight": "LightGBM's vægt, når den blandes med ekspertscoren (forspring inden for støjen)",
    "horizon_months": "Horisont (måneder)",
    "learn_from": "Træerne lærer af",
    "learning_rate": "Læringsrate",
    "min_child_samples": "Mindste antal observationer pr. blad",
    "min_child_samples_used": "Mindste antal observationer pr. blad, brugt (skaleret ned for små data)",
    "min_positive_labels": "Mindste antal alvorlige fund for at træne",
    "n_estimators": "Antal træer",
    "n_jobs": "Tråde (CPU)",
    "num_leaves": "Blade pr. træ",
    "random_state": "Startværdi for tilfældighed (seed)",
    "short_history_trees": "Træer for tilbud med kort historik",
    "snapshot_step_months": "Afstand mellem øjebliksbilleder (måneder)",
    "top_factors": "Grunde pr. tilbud",
    "training_years": "Træningsvindue (år)",
}

#: Values of the hyperparameters that are words.
HYPERPARAMETER_VALUE_DA: dict[str, str] = {
    "platt": "Platt-skalering",
    "isotonic": "isotonisk regression",
    "none": "ingen",
    "severity": "alvorsgraden (5 − laveste gennemsnitlige temaværdi ved et besøg i horisonten)",
    "label": "alvorligt fund ja/nej",
}


#: Request fields (query parameters, form and JSON fields) as an error page names them to a person.
FIELD_DA: dict[str, str] = {
    "as_of": "Opgørelsesdato",
    "quarter": "Kvartal",
    "top": "Antal rækker",
    "plan_id": "Plan",
    "parent_plan_id": "Genplan af plan",
    "authority": "Socialtilsyn",
    "facility_type": "Tilbudstype",
    "facility_id": "Tilbud",
    "inspector_id": "Tilsynskonsulent",
    "time_limit_s": "Tidsgrænse",
    "format": "Format",
    "dry_run": "Kontrollér kun",
    "date": "Dato",
    "files": "Filer",
    "token": "Token",
}

#: The ``rule`` of an error detail that has no message of its own, as the end of a Danish sentence.
DETAIL_RULE_DA: dict[str, str] = {
    "future_date": "ligger efter i dag",
    "too_early": "er for tidlig",
}


def and_more_da(rest: int) -> str:
    """ " og 1 mere", " og 12 flere": how many a list leaves out (empty when none)."""
    if rest <= 0:
        return ""
    return f" og {format_number_da(rest, 0)} {'mere' if rest == 1 else 'flere'}"


def some_ids_da(ids: list[str], shown: int = 5) -> str:
    """The first ``shown`` ids, then how many more: ``"T1, T2, T3, T4, T5 og 91 andre"``."""
    head = ", ".join(ids[:shown])
    rest = len(ids) - shown
    return head + ("" if rest <= 0 else f" og {format_number_da(rest, 0)} {'anden' if rest == 1 else 'andre'}")


#: Control characters that have a Danish name; the others are named by their code point.
_CONTROL_CHARACTERS_DA: dict[str, str] = {
    "\n": "et linjeskift",
    "\r": "et linjeskift (CR)",
    "\t": "et tabulatortegn",
    "\x0b": "en lodret tabulator (U+000B)",
    "\x0c": "et sideskift (U+000C)",
    "\u2028": "et linjeskift (U+2028)",
    "\u2029": "et afsnitsskift (U+2029)",
}


def control_character_da(char: str) -> str:
    """A control character in words: ``"\\n"`` -> ``"et linjeskift"``, BEL -> ``"styretegnet U+0007"``."""
    return _CONTROL_CHARACTERS_DA.get(char, f"styretegnet U+{ord(char):04X}")


#: Spaces other than the plain one (Unicode's space separators), with the Danish name a message gives them.
_SPECIAL_SPACES_DA: dict[str, str] = {
    "\u00a0": "et hårdt mellemrum (U+00A0)",
    "\u202f": "et smalt hårdt mellemrum (U+202F)",
    "\u2007": "et tal-mellemrum (U+2007)",
    "\u2009": "et smalt mellemrum (U+2009)",
    "\u3000": "et bredt mellemrum (U+3000)",
}


def special_space_da(char: str) -> str:
    """A space that is not the plain one in words: ``"\\u00a0"`` -> ``"et hårdt mellemrum (U+00A0)"``."""
    return _SPECIAL_SPACES_DA.get(char, f"et særligt mellemrum (U+{ord(char):04X})")


def risk_tier_da(
    tier: str,
    high_share: float,
    elevated_share: float,
    *,
    size: int | None = None,
    meant: int | None = None,
    of: int | None = None,
) -> str:
    """A risk tier (stored values are the Danish words "høj", "forhøjet", "normal") and what it means,
    with the shares in force (``TILSYNSPLAN_TOP_TIER_SHARE`` for "høj").

    ``size`` (facilities in the tier), ``meant`` (its share in whole facilities, ``models.risk_model.tier_sizes``)
    and ``of`` (all facilities ranked): equal risks share a tier, so a tier can hold more (or fewer) than its
    share; the text then says how many it holds and why instead of "de 10 % højeste"."""
    claims = {
        "høj": f"de {format_percent_da(high_share)} højeste",
        "forhøjet": f"de næste {format_percent_da(elevated_share)}",
    }
    if tier not in claims:
        return "normal risiko" if tier == "normal" else tier
    if size is not None and meant is not None and of and size != meant:
        bigger = "større end" if size > meant else "mindre end"
        return (
            f"{tier} risiko ({size} af {of} tilbud: tilbud med samme risiko er altid i samme gruppe, så gruppen er "
            f"{bigger} {claims[tier]})"
        )
    return f"{tier} risiko ({claims[tier]})"


#: The model card and ``train`` when the rows the reliability table was measured on hold no serious finding.
NO_CALIBRATION_ERROR_DA = (
    "Ingen alvorlige fund i den periode, kalibreringen er målt på: kalibreringsfejlen kan ikke beregnes."
)


#: The model card and ``train`` when no snapshot is labelled (a short export): the tables of metrics and
#: reliability would be bare headers.
NOTHING_TO_MEASURE_DA = "Ingen mærkede øjebliksbilleder at måle ekspertscoren, baselines og kalibreringen på."


def authority_levels_da(levels: Iterable[str], authorities: Iterable[str]) -> str:
    """Why the model card and ``train`` show the authorities' scoring levels (``levels``: the socialtilsyn with a
    level, i.e. with theme values in the training window) as they do, given the socialtilsyn in the data
    (``authorities``; empty: not known). Empty when there is a level for two or more."""
    have = sorted(set(levels))
    present = set(authorities)
    if len(have) >= 2:
        return ""
    if not have:
        return (
            "Ingen temaværdier indlæst: tilsynenes niveau kan ikke beregnes, og modellen har ingen temaværdier "
            "at justere."
        )
    name = danish_code(Authority, have[0])
    if len(present - set(have)) == 0:
        return (
            "Her er der data fra ét socialtilsyn, som derfor er sit eget gennemsnit: niveauet er 0, og "
            "temaværdierne bruges som bedømt."
        )
    return (
        f"Kun {name} har temaværdier i træningsvinduet: de andre tilsyns niveau kan ikke beregnes, og {name} er sit "
        "eget gennemsnit (niveau 0)."
    )


#: ``train`` and the model card say how visits without scores are treated when more than this share of the
#: visits the snapshots are labelled from carry none (a few follow-ups without scores change little).
UNSCORED_VISITS_NOTE_SHARE = 0.10


def thin_calibration_da(calibration_positives: int, scoring_positives: int) -> str:
    """What ``train`` and the model card add to the reliability table when the evaluated model was calibrated on a
    period (B) with few serious findings: the table measures that calibration, while the model that scores is
    calibrated on the validation period (C, ``scoring_positives`` findings). The caller decides when "few"."""
    found = (
        "1 alvorligt fund"
        if calibration_positives == 1
        else f"{format_number_da(calibration_positives, 0)} alvorlige fund"
    )
    return (
        f"Kalibreringen i tabellen er tilpasset på perioden for tidlig stop og kalibrering, som kun har {found}: "
        "tabellen siger derfor lidt om de risici, modellen giver nu. Den model, der scorer, er kalibreret på "
        f"valideringsperioden ({format_number_da(scoring_positives, 0)} alvorlige fund)."
    )


def unscored_visits_da(visits: int | None, unscored: int | None) -> str:
    """What ``train`` and the model card say when more than :data:`UNSCORED_VISITS_NOTE_SHARE` of the ``visits``
    the training snapshots are labelled from carry no score (``unscored``; ``models.labels``), else ""."""
    if not visits or not unscored or unscored / visits <= UNSCORED_VISITS_NOTE_SHARE:
        return ""
    which = (
        f"Alle de {format_number_da(visits, 0)} tilsynsbesøg, som træningens øjebliksbilleder mærkes ud fra,"
        if unscored == visits
        else f"{format_number_da(unscored, 0)} af de {format_number_da(visits, 0)} tilsynsbesøg, som træningens "
        f"øjebliksbilleder mærkes ud fra ({format_percent_da(unscored / visits, 1)}),"
    )
    return (
        f"{which} har ingen scorer (hverken tema- eller indikatorscorer). "
        "Modellen regner ikke et besøg uden scorer for et besøg uden alvorligt fund: det mærker intet, og et "
        "øjebliksbillede, hvor horisonten kun har besøg uden scorer, er umærket, også hvis der fulgte et påbud, "
        "skærpet tilsyn eller ophør. Besøget tæller stadig som et tilsynsbesøg i »dage siden seneste besøg«, og "
        "temaværdierne er de senest scorede. Modellen lærer derfor af færre øjebliksbilleder; indlæs scorerne for "
        "de besøg, hvis de findes."
    )


def fairness_tie_da(tied: int, places: int) -> str:
    """How the fairness audit counts tilbud of equal risk at the top decile's cut (``models.fairness``)."""
    if not tied:
        return ""
    shared = "den ene plads" if places == 1 else f"de {places} pladser"
    return (
        f"{tied} tilbud har samme risiko ved grænsen og deler {shared}: hvert tæller som "
        f"{format_number_da(places / tied, 2)} tilbud, så andelene afhænger ikke af rækkefølgen mellem dem."
    )


#: Below this many tilbud in the audit's top decile one tilbud moves a group's share of it by more than 10 points.
FAIRNESS_MIN_TOP = 10


def fairness_small_top_da(top_size: int) -> str:
    """What the fairness audit's shares are worth when the top decile holds few tilbud (one small tilsyn):
    empty from ``FAIRNESS_MIN_TOP`` tilbud on."""
    if top_size <= 0 or top_size >= FAIRNESS_MIN_TOP:
        return ""
    return (
        f"Top 10 % er kun {top_size} tilbud: ét tilbud flytter en gruppes andel af toppen "
        f"{format_number_da(100 / top_size, 0)} point, så forholdene siger lidt om skævhed."
    )


#: The backtest's visiting policies (keys of ``tilsynsplan backtest --format json``'s ``policies``).
BACKTEST_POLICY_DA: dict[str, str] = {
    "risk": "Risikobaseret (model + planlægger)",
    "rotation": "Rotation (ældste besøg først)",
    "random": "Tilfældig rækkefølge",
    "oracle": "Perfekt viden (sandheden)",
}

_LABELS: dict[type[StrEnum], dict] = {
    Authority: AUTHORITY_DA,
    FacilityType: FACILITY_TYPE_DA,
    Ownership: OWNERSHIP_DA,
    VisitKind: VISIT_KIND_DA,
    Theme: THEME_DA,
    Severity: SEVERITY_DA,
    SanctionKind: SANCTION_DA,
}


def danish(value: StrEnum) -> str:
    """The Danish label of an enum value, e.g. ``danish(Theme.COMPETENCES) == "Kompetencer"``."""
    labels = _LABELS.get(type(value))
    if labels is None or value not in labels:
        raise KeyError(f"no Danish label for {type(value).__name__}.{value.name}")
    label: str = labels[value]
    return label


def danish_code(enum: type[StrEnum], code: str) -> str:
    """The Danish label of a stored code (``danish_code(Authority, "oest") == "Socialtilsyn Øst"``); the code
    itself when it is not one of the enum's values or has no label."""
    try:
        return danish(enum(code))
    except (ValueError, KeyError):
        return code


def plan_scope_da(authority: str | None, planned: Iterable[str] = ()) -> str:
    """Whom a plan is for: the socialtilsyn it was made for (``--authority``); without one, the socialtilsyn
    among ``planned`` (the authorities whose tilbud it plans -- a tilsyn that imports only its own files has
    one) named as :func:`authorities_da` names them, or "alle socialtilsyn" when that is all five or unknown."""
    if authority is not None:
        return danish_code(Authority, authority)
    present = set(planned)
    return "alle socialtilsyn" if covers_all_authorities(present) else authorities_da(present)


def upper_first(text: str) -> str:
    """A phrase that begins a table cell or a line: "Alle socialtilsyn" (``plan_scope_da`` writes it mid-sentence)."""
    return text[:1].upper() + text[1:]


def covers_all_authorities(codes: Iterable[str]) -> bool:
    """True when ``codes`` (the socialtilsyn of the tilbud loaded) holds all five, or is unknown (empty)."""
    present = set(codes)
    return not present or present >= {a.value for a in Authority}


def authorities_da(codes: Iterable[str]) -> str:
    """The socialtilsyn whose tilbud are loaded, for texts that would otherwise say "national" or "all five":
    ``"Socialtilsyn Nord"``, ``"Socialtilsyn Midt og Syd"``; ``"alle fem socialtilsyn"`` when all five
    (or unknown). A tilsyn that imports only its own files has one."""
    present = set(codes)
    if covers_all_authorities(present):
        return "alle fem socialtilsyn"
    ordered = [a for a in Authority if a.value in present] + sorted(present - {a.value for a in Authority})
    names = [danish_code(Authority, str(a)) for a in ordered]
    if len(names) == 1:
        return names[0]
    short = [n.removeprefix("Socialtilsyn ") for n in names]
    return f"Socialtilsyn {', '.join(short[:-1])} og {short[-1]}"


#: A stored plan's status: its solve's (``optimal``, ``feasible``), or ``best_effort`` for a plan made with
#: ``allow_late`` when the deadlines could not all be kept (``planner.domain.BEST_EFFORT``).
PLAN_STATUS_DA: dict[str, str] = {
    "optimal": "optimal",
    "feasible": "gyldig (ikke bevist optimal)",
    "best_effort": "med overskredne frister",
}


TWO_YEAR_RULE_DA = "toårsreglen"
FIRST_VISIT_RULE_DA = "fristen for første besøg i et nyt tilbud"


def deadline_rule_da(first_visits: int, total: int) -> str:
    """The deadline rule ``total`` missed deadlines break when ``first_visits`` of them are new tilbud's first visits
    (due ``first_visit_months`` after approval, not under the two-year rule): ``"toårsreglen"``, ``"fristen for første
    besøg i et nyt tilbud"`` or both joined by "og"."""
    if first_visits <= 0:
        return TWO_YEAR_RULE_DA
    return FIRST_VISIT_RULE_DA if first_visits >= total else f"{TWO_YEAR_RULE_DA} og {FIRST_VISIT_RULE_DA}"


def weeks_late_da(weeks: int | None) -> str:
    """A missed deadline's lateness: ``"1 uge for sent"``, ``"3 uger for sent"``; ``"intet besøg"`` for none."""
    if weeks is None:
        return "intet besøg i horisonten"
    return f"{weeks} {'uge' if weeks == 1 else 'uger'} for sent"


#: A planned unannounced visit's reason for a reader who may not see its date, by ``reason_code`` (the planner's
#: ``ReasonCode``). The planner's own reason names the deadline it keeps and, for an overdue tilbud, "the plan's
#: first weeks" and the day it is visited by: each narrows the visit beyond the quarter a reader is given. These
#: name no date, week or place in the quarter.
VISIT_REASON_FOR_READERS_DA: dict[str, str] = {
    "deadline": "Lovkrav: næste uanmeldte besøg inden for lovens frist",
    "risk": "Risiko: planlagt før fristen, fordi tilbuddet er blandt socialtilsynets mere risikable",
    "lock": "Låst besøg (aftalt på forhånd)",
    "new_facility": "Nyt tilbud: første besøg inden for fristen efter godkendelsen",
    "extra_top_tier": "Ekstra uanmeldt besøg i kvartalet: blandt de mest risikable tilbud",
    "overdue": "Fristen for uanmeldt besøg var overskredet eller kunne ikke nås ved planens start",
    "late": "Fristen for uanmeldt besøg overskrides: for lidt kapacitet (bedst mulige plan)",
}
VISIT_REASON_FOR_READERS_FALLBACK_DA = "Uanmeldt besøg i kvartalet"


def visit_reason_for_reader_da(reason_code: object) -> str:
    """:data:`VISIT_REASON_FOR_READERS_DA` for a visit's reason code (a plan stored without one: a plain text)."""
    return VISIT_REASON_FOR_READERS_DA.get(str(reason_code or ""), VISIT_REASON_FOR_READERS_FALLBACK_DA)


def plan_top_group_da(planned: Iterable[str], share: float, scope: str = "authority", pool: Iterable[str] = ()) -> str:
    """The plan's top risk group, as the planner draws it (``planner.problem``, "Top group"). ``scope`` "national":
    the riskiest ``share`` of all tilbud in the risk run, whose socialtilsyn are ``pool`` (empty: unknown, all):
    ``"de 10 % mest risikable tilbud på landsplan"``; for one tilsyn planned ``"Socialtilsyn Nords tilbud blandt de
    10 % mest risikable på landsplan"``; a risk run of one tilsyn's own data ``"de 10 % mest risikable tilbud i
    Socialtilsyn Midt"``. ``scope`` "authority": the riskiest ``share`` of each socialtilsyn planned, rounded up in
    each, so not a national decile: 60 tilbud in five tilsyn give 2 × 5 = 10, not 6. ``"de 10 % mest risikable i
    hvert socialtilsyn"``; for one tilsyn ``"… i Socialtilsyn Nord"``."""
    present = sorted(set(planned))
    pct = f"{format_number_da(share * 100, 0)} %"
    if scope == "national":
        where = top_pool_da(pool)
        if len(present) == 1 and set(pool) != set(present):
            return f"{danish_code(Authority, present[0])}s tilbud blandt de {pct} mest risikable {where}"
        return f"de {pct} mest risikable tilbud {where}"
    where = danish_code(Authority, present[0]) if len(present) == 1 else "hvert socialtilsyn"
    return f"de {pct} mest risikable i {where}"


def top_split_da(counts: Mapping[str, int]) -> str:
    """How many tilbud of the plan's national top group each socialtilsyn has, in the enum's order:
    ``"Hovedstaden 45, Midt 38, Nord 30, Øst 40 og Syd 46"``; empty for one socialtilsyn (nothing to split)."""
    if len(counts) < 2:
        return ""
    ordered = [a.value for a in Authority if a.value in counts] + sorted(set(counts) - {a.value for a in Authority})
    parts = [
        f"{danish_code(Authority, code).removeprefix('Socialtilsyn ')} {format_number_da(counts[code], 0)}"
        for code in ordered
    ]
    return f"{', '.join(parts[:-1])} og {parts[-1]}"


def top_pool_da(pool: Iterable[str]) -> str:
    """Where the national top group is counted, after "de 10 % mest risikable tilbud": "på landsplan", or "i
    Socialtilsyn Midt" for a risk run of one tilsyn's own data."""
    among = set(pool)
    return "på landsplan" if covers_all_authorities(among) else f"i {authorities_da(among)}"


def within_authorities_da(codes: Iterable[str]) -> str:
    """Where shares and ranks are counted: "nationalt", or "i Socialtilsyn Nord" for a tilsyn's own data."""
    present = set(codes)
    return "nationalt" if covers_all_authorities(present) else f"i {authorities_da(present)}"


def format_number_da(value: float, decimals: int = 1) -> str:
    """A number the Danish way: decimal comma, thousands with a dot (``1.234,5``).

    Rounded half up, as a reader rounds the number they see (``1,25 -> 1,3``, ``-1,25 -> -1,3``), not
    half to even on the binary float (``f"{1.25:.1f}"`` is ``1.2``): the decimal written by ``repr`` is
    rounded. A value that rounds to zero has no sign: a change of -0.04 is ``0,0``, never ``-0,0``.
    """
    number = float(value)
    if math.isfinite(number):
        rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{rounded:,.{decimals}f}"
    else:
        text = f"{number:,.{decimals}f}"
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_count_da(count: int, one: str, many: str) -> str:
    """A count with the word that agrees with it: ``1 række``, ``2 rækker``, ``1.234 rækker``, ``1 ny``."""
    return f"{format_number_da(count, 0)} {one if count == 1 else many}"


def format_percent_da(share: float, decimals: int = 0) -> str:
    """A share 0-1 as a Danish percentage (``0.123 -> "12 %"``)."""
    return f"{format_number_da(share * 100, decimals)} %"


#: Danish month abbreviations (January first), for chart axes and dates in reports.
MONTH_ABBR_DA: tuple[str, ...] = (
    "jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.",
)  # fmt: skip

#: Danish month names (January first), for dates written out in reports ("1. oktober 2026").
MONTH_DA: tuple[str, ...] = (
    "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
    "november", "december",
)  # fmt: skip


def quarter_da(quarter: object) -> str:
    """A quarter as Danish text writes it: ``2027Q1`` -> ``2027K1`` (kvartal). Both forms are accepted as input."""
    return str(quarter).replace("Q", "K")


def format_date_da(day: dt.date) -> str:
    """A date written the Danish way: ``"1. oktober 2026"``."""
    return f"{day.day}. {MONTH_DA[day.month - 1]} {day.year}"


def lead_within_noise_da(
    model_auc: float,
    expert_auc: float,
    standard_error: float,
    positives: int,
    times: float,
    blend_weight: float | None = None,
) -> str:
    """What ``train`` and the model card add when LightGBM is kept on a lead over the expert score on the
    validation period that is at most ``times`` standard errors of the difference: the lead may be the period's
    noise. The caller decides when (models.risk_model.LEAD_STANDARD_ERRORS). ``blend_weight``: the risk is then a
    blend of the two with that weight on LightGBM (models.risk_model.EXPERT_BLEND_WEIGHT), said instead of
    "the stored model is used"."""
    found = "1 alvorligt fund" if positives == 1 else f"{format_number_da(positives, 0)} alvorlige fund"
    head = (
        f"LightGBM rangerer valideringsperioden bedre end ekspertscoren (AUC {format_number_da(model_auc, 3)} mod "
        f"{format_number_da(expert_auc, 3)}), men forskellen {format_number_da(model_auc - expert_auc, 3)} er ikke "
        f"over {format_number_da(times, 0)} standardfejl ({format_number_da(times, 0)} × "
        f"{format_number_da(standard_error, 3)} på periodens {found}) og kan være tilfældig."
    )
    if blend_weight is None:
        return f"{head} Den gemte model bruges; læs dens forspring for ekspertscoren med det forbehold."
    return (
        f"{head} Risikoen blander derfor de to: {format_number_da(100 * blend_weight, 0)} % LightGBM og "
        f"{format_number_da(100 * (1 - blend_weight), 0)} % ekspertscoren (på log-odds, forskudt så "
        "gennemsnittet rammer periodens andel med alvorligt fund), og forklaringerne er de to modellers bidrag "
        "vægtet på samme måde."
    )
