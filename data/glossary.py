"""The one glossary: Danish words shown to users, keyed by the English identifiers used in code.

User-facing text (reports, web pages, explanations, error messages) is Danish; identifiers in code and
JSON field names are English. Every Danish label of an enum value lives here, nowhere else.
"""

from __future__ import annotations

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


def format_number_da(value: float, decimals: int = 1) -> str:
    """A number the Danish way: decimal comma, thousands with a dot (``1.234,5``)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_percent_da(share: float, decimals: int = 0) -> str:
    """A share 0-1 as a Danish percentage (``0.123 -> "12 %"``)."""
    return f"{format_number_da(share * 100, decimals)} %"
