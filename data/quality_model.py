"""The quality model for social facilities (*Kvalitetsmodel for socialtilsyn*, seed ``004_…``) as data.

Seven themes, their criteria (numbered 1-10 and 14: the gaps are criteria removed in the 2017
revision), each criterion's indicators, and every applicability rule of the text ("Indikator X gælder
ikke / kun …", "Temaet … gælder ikke …") as data over a facility's ``facility_type``, ``has_board``,
``respite_only`` and (for 8.c only, "private tilbud med en bestyrelse") its ownership.

Reading of the law's references used in the rules:

- "anbringelsessteder … § 66, stk. 1, nr. 5 og 6" are opholdssteder (nr. 5) and døgninstitutioner
  (nr. 6), the secured ones included: ``opholdssted``, ``doegninstitution``, ``sikret_doegninstitution``;
- "… nr. 7" (efterskoler, frie fagskoler og frie grundskoler med kostafdeling) is ``kostskole``;
- "ambulant stofmisbrugsbehandling efter § 101 og § 101 a" is ``sel101``; "ambulant
  alkoholbehandling efter sundhedslovens § 141" is ``sul141``; krisecentre § 109 is ``sel109``;
  forsorgshjem § 110 is ``sel110``;
- "alene godkendt til at have borgere i aflastning" is ``respite_only``;
- "private tilbud med en bestyrelse" (8.c) is ``has_board`` on a non-public (privat, selvejende)
  facility.

Scoring at operational inspection (seed 004): each indicator 1-5; the criterion value is the mean of
its indicators' values, the theme value the mean of its criteria's values. Only indicators that were
scored count: a criterion with no scored indicator has no value and is left out of its theme's mean.
There is no threshold for "good enough" in the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import fmean

from data.enums import NON_PUBLIC, FacilityType, Ownership, Theme

MIN_SCORE = 1
MAX_SCORE = 5

#: The scale of operational inspection (seed 004).
SCALE_DA: dict[int, str] = {
    5: "I meget høj grad opfyldt",
    4: "I høj grad opfyldt",
    3: "I middel grad opfyldt",
    2: "I lav grad opfyldt",
    1: "I meget lav grad opfyldt",
}

T = FacilityType
_CHILDREN_NR_5_6 = frozenset({T.OPHOLDSSTED, T.DOEGNINSTITUTION, T.SIKRET_DOEGNINSTITUTION})
_AMBULANT = frozenset({T.SUL141, T.SEL101})
_SHELTERS = frozenset({T.SEL109, T.SEL110})


@dataclass(frozen=True)
class FacilityTraits:
    """What applicability depends on."""

    facility_type: FacilityType
    has_board: bool = False
    respite_only: bool = False
    ownership: Ownership | None = None


@dataclass(frozen=True)
class Applicability:
    """An applicability rule as data.

    ``only_types``: the indicator applies only to these types (``None``: to all).
    ``never_types``: it never applies to these types.
    ``never_respite_types``: it does not apply to these types when they are approved for respite only.
    ``requires_board``: it applies only to non-public facilities with a board (indicator 8.c).
    ``source``: the rule's sentence in seed 004, for the reader.
    """

    only_types: frozenset[FacilityType] | None = None
    never_types: frozenset[FacilityType] = frozenset()
    never_respite_types: frozenset[FacilityType] = frozenset()
    requires_board: bool = False
    source: str = ""

    def applies(self, traits: FacilityTraits) -> bool:
        ft = traits.facility_type
        if self.only_types is not None and ft not in self.only_types:
            return False
        if ft in self.never_types:
            return False
        if traits.respite_only and ft in self.never_respite_types:
            return False
        if self.requires_board:
            non_public = traits.ownership is None or traits.ownership in NON_PUBLIC
            return traits.has_board and non_public
        return True


ALWAYS = Applicability()


@dataclass(frozen=True)
class Indicator:
    code: str  # "1.a"
    criterion: int
    text: str
    applicability: Applicability = ALWAYS


@dataclass(frozen=True)
class Criterion:
    number: int
    theme: Theme
    text: str


@dataclass(frozen=True)
class ThemeInfo:
    theme: Theme
    name_da: str
    criteria: tuple[int, ...]
    never_types: frozenset[FacilityType] = frozenset()
    source: str = ""


THEMES: tuple[ThemeInfo, ...] = (
    ThemeInfo(Theme.EDUCATION_EMPLOYMENT, "Uddannelse og beskæftigelse", (1,)),
    ThemeInfo(Theme.INDEPENDENCE_RELATIONS, "Selvstændighed og relationer", (2,)),
    ThemeInfo(Theme.TARGET_METHODS_RESULTS, "Målgruppe, metoder og resultater", (3,)),
    ThemeInfo(Theme.HEALTH_WELLBEING, "Sundhed og trivsel", (4, 5, 6, 7)),
    ThemeInfo(
        Theme.ORGANISATION_MANAGEMENT,
        "Organisation og ledelse",
        (8, 9),
        never_types=frozenset({T.KOSTSKOLE}),
        source=(
            "Temaet Organisation og ledelse gælder ikke for efterskoler, frie fagskoler og frie "
            "grundskoler med kostafdeling, der er oprettet som anbringelsessteder efter "
            "servicelovens § 66, stk. 1, nr. 7."
        ),
    ),
    ThemeInfo(Theme.COMPETENCES, "Kompetencer", (10,)),
    ThemeInfo(Theme.PHYSICAL_SETTING, "Fysiske rammer", (14,)),
)

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        1,
        Theme.EDUCATION_EMPLOYMENT,
        "Tilbuddet støtter borgerne i at udnytte deres fulde potentiale i forhold til skolegang, "
        "uddannelse og beskæftigelse",
    ),
    Criterion(
        2,
        Theme.INDEPENDENCE_RELATIONS,
        "Tilbuddet styrker borgernes kompetencer til at indgå i sociale relationer og opnå selvstændighed",
    ),
    Criterion(
        3,
        Theme.TARGET_METHODS_RESULTS,
        "Tilbuddet arbejder med afsæt i en tydelig målgruppebeskrivelse systematisk med faglige "
        "tilgange og metoder, der fører til positive resultater for borgerne",
    ),
    Criterion(4, Theme.HEALTH_WELLBEING, "Tilbuddet understøtter borgernes selv- og medbestemmelse"),
    Criterion(5, Theme.HEALTH_WELLBEING, "Tilbuddet understøtter borgernes fysiske og mentale sundhed og trivsel"),
    Criterion(6, Theme.HEALTH_WELLBEING, "Tilbuddet forebygger magtanvendelser"),
    Criterion(7, Theme.HEALTH_WELLBEING, "Tilbuddet forebygger vold og overgreb"),
    Criterion(8, Theme.ORGANISATION_MANAGEMENT, "Tilbuddet har en kompetent ledelse"),
    Criterion(9, Theme.ORGANISATION_MANAGEMENT, "Tilbuddets daglige drift varetages kompetent"),
    Criterion(
        10,
        Theme.COMPETENCES,
        "Tilbuddets medarbejdere besidder relevante kompetencer i forhold til målgruppens behov og tilbuddets metoder",
    ),
    Criterion(14, Theme.PHYSICAL_SETTING, "Tilbuddets fysiske rammer understøtter borgernes udvikling og trivsel"),
)

_NOT_AMBULANT_SHELTERS = _AMBULANT | _SHELTERS

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "1.a",
        1,
        "Tilbuddet opstiller i samarbejde med borgerne konkrete, individuelle mål i forhold til at "
        "understøtte borgernes skolegang, uddannelse, beskæftigelse eller samværs- og aktivitetstilbud, "
        "og der følges op herpå.",
    ),
    Indicator(
        "1.b",
        1,
        "Borgerne er i dagtilbud, grundskoletilbud, uddannelse, beskæftigelse, eller samværs- og "
        "aktivitetstilbud. Medfølgende børn på voksentilbud er i dag- eller grundskoletilbud.",
        Applicability(
            never_types=frozenset({T.KOSTSKOLE}),
            source="Indikator 1.b gælder ikke efterskoler, frie fagskoler og frie grundskoler med "
            "kostafdeling (§ 66, stk. 1, nr. 7).",
        ),
    ),
    Indicator(
        "1.d",
        1,
        "Børnene/de unge i tilbuddet har et stabilt fremmøde i deres dagtilbud, grundskoletilbud, "
        "uddannelses- eller beskæftigelsestilbud.",
        Applicability(
            only_types=_CHILDREN_NR_5_6 | {T.KOSTSKOLE},
            source="Indikator 1.d gælder kun anbringelsessteder for børn og unge (§ 66, stk. 1, nr. 5 "
            "og 6) samt efterskoler, frie fagskoler og frie grundskoler med kostafdeling (nr. 7).",
        ),
    ),
    Indicator(
        "2.a",
        2,
        "Tilbuddet opstiller i samarbejde med borgerne konkrete, individuelle mål i forhold til at "
        "understøtte udvikling af borgernes kompetencer til at indgå i sociale relationer og leve et så "
        "selvstændigt liv som muligt, og der følges op herpå.",
    ),
    Indicator(
        "2.b",
        2,
        "Borgerne indgår i sociale aktiviteter i det omgivende samfund.",
        Applicability(
            never_types=frozenset({T.SIKRET_DOEGNINSTITUTION}),
            source="Indikator 2.b gælder ikke sikrede døgninstitutioner (§ 66, stk. 1, nr. 6).",
        ),
    ),
    Indicator(
        "2.c",
        2,
        "Borgerne har med udgangspunkt i deres ønsker og behov kontakt til og samvær med deres familie "
        "og netværk i dagligdagen.",
        Applicability(
            never_types=_AMBULANT,
            never_respite_types=_CHILDREN_NR_5_6,
            source="Indikator 2.c gælder ikke ambulant alkohol- og stofmisbrugsbehandling og ikke "
            "anbringelsessteder (nr. 5 og 6) alene godkendt til aflastning.",
        ),
    ),
    Indicator(
        "2.f",
        2,
        "Børnene og/eller de unge har en fortrolig relation til en eller flere voksne, der har en "
        "positiv betydning for deres liv.",
        Applicability(
            only_types=_CHILDREN_NR_5_6 | {T.KOSTSKOLE},
            source="Indikator 2.f gælder kun opholdssteder, døgninstitutioner og efterskoler, frie "
            "fagskoler og frie grundskoler med kostafdeling (§ 66, stk. 1, nr. 5, 6 og 7).",
        ),
    ),
    Indicator(
        "3.a",
        3,
        "Tilbuddet anvender faglige tilgange og metoder, der er relevante i forhold til tilbuddets "
        "målsætning og målgrupper.",
    ),
    Indicator(
        "3.b",
        3,
        "Tilbuddet dokumenterer resultater med udgangspunkt i konkrete, klare mål for borgerne til "
        "løbende brug for egen læring og forbedring af indsatsen.",
    ),
    Indicator(
        "3.c",
        3,
        "Tilbuddet opnår positive resultater i forhold til opfyldelsen af de mål, visiterende kommuner "
        "har opstillet for borgernes ophold.",
        Applicability(
            never_types=_NOT_AMBULANT_SHELTERS,
            source="Indikator 3.c gælder ikke ambulant alkohol- og stofmisbrugsbehandling, krisecentre "
            "og forsorgshjem.",
        ),
    ),
    Indicator(
        "3.d",
        3,
        "Tilbuddet samarbejder aktivt med relevante eksterne aktører for at understøtte, at målene for borgerne opnås.",
    ),
    Indicator("4.a", 4, "Borgerne bliver hørt, respekteret og anerkendt."),
    Indicator(
        "4.b",
        4,
        "Borgerne inddrages i og har indflydelse på beslutninger vedrørende sig selv og hverdagen i "
        "tilbuddet i overensstemmelse med deres ønsker og behov.",
    ),
    Indicator("5.a", 5, "Borgerne trives i tilbuddet."),
    Indicator(
        "5.b",
        5,
        "Borgerne har med støtte fra tilbuddet adgang til relevante sundhedsydelser.",
        Applicability(
            never_respite_types=_CHILDREN_NR_5_6,
            source="Indikator 5.b gælder ikke anbringelsessteder (nr. 5 og 6) alene godkendt til aflastning.",
        ),
    ),
    Indicator(
        "5.c",
        5,
        "Tilbuddets viden og indsats vedrørende borgernes fysiske og mentale sundhed modsvarer borgernes behov.",
    ),
    Indicator(
        "6.a",
        6,
        "Tilbuddets pædagogiske indsats understøtter, at magtanvendelser så vidt muligt undgås.",
        Applicability(
            never_types=_NOT_AMBULANT_SHELTERS | {T.KOSTSKOLE},
            source="Indikator 6.a gælder ikke ambulant alkohol- og stofmisbrugsbehandling, krisecentre, "
            "forsorgshjem og kostskoler (nr. 7).",
        ),
    ),
    Indicator(
        "6.b",
        6,
        "Tilbuddet kan håndtere eventuelle magtanvendelser ved at dokumentere og følge op på disse med "
        "henblik på løbende læring og forbedring af indsatsen.",
        Applicability(
            never_types=_NOT_AMBULANT_SHELTERS | {T.KOSTSKOLE},
            source="Indikator 6.b gælder ikke ambulant alkohol- og stofmisbrugsbehandling, krisecentre, "
            "forsorgshjem og kostskoler (nr. 7).",
        ),
    ),
    Indicator(
        "7.a",
        7,
        "Tilbuddets pædagogiske indsats understøtter, at der ikke forekommer vold eller overgreb i tilbuddet.",
    ),
    Indicator("8.a", 8, "Ledelsen har relevante kompetencer i forhold til at lede tilbuddet."),
    Indicator(
        "8.b",
        8,
        "Tilbuddet benytter sig af ekstern faglig supervision eller anden form for sparring for ledelse "
        "og medarbejdere.",
    ),
    Indicator(
        "8.c",
        8,
        "Tilbuddet har en kompetent og aktiv bestyrelse.",
        Applicability(requires_board=True, source="Indikator 8.c gælder kun for private tilbud med en bestyrelse."),
    ),
    Indicator(
        "9.a",
        9,
        "Borgerne har, i forhold til deres behov, tilstrækkelig kontakt til personale med relevante kompetencer.",
    ),
    Indicator(
        "9.b",
        9,
        "Personalegennemstrømningen på tilbuddet er ikke på højere niveau end sammenlignelige arbejdspladser.",
    ),
    Indicator(
        "9.c",
        9,
        "Sygefraværet blandt medarbejderne er ikke på højere niveau end sammenlignelige arbejdspladser.",
    ),
    Indicator(
        "10.a",
        10,
        "Medarbejdergruppen har samlet set relevant uddannelse, opdateret viden og erfaring med "
        "målgruppen og tilbuddets metoder.",
    ),
    Indicator(
        "10.b",
        10,
        "Det er afspejlet i medarbejdernes samspil med borgerne, at medarbejderne har relevante kompetencer.",
    ),
    Indicator("14.a", 14, "Borgerne trives i de fysiske rammer."),
    Indicator("14.b", 14, "De fysiske rammer og faciliteter imødekommer borgernes særlige behov."),
    Indicator(
        "14.c",
        14,
        "De fysiske rammer afspejler, at tilbuddet er borgernes hjem.",
        Applicability(
            never_types=_NOT_AMBULANT_SHELTERS | {T.SIKRET_DOEGNINSTITUTION, T.KOSTSKOLE},
            never_respite_types=_CHILDREN_NR_5_6,
            source="Indikator 14.c gælder ikke ambulant alkohol- og stofmisbrugsbehandling, krisecentre, "
            "forsorgshjem, sikrede døgninstitutioner, anbringelsessteder alene godkendt til aflastning "
            "og kostskoler (nr. 7).",
        ),
    ),
)

INDICATOR_BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
CRITERION_BY_NUMBER: dict[int, Criterion] = {c.number: c for c in CRITERIA}
THEME_INFO: dict[Theme, ThemeInfo] = {t.theme: t for t in THEMES}
ALL_INDICATOR_CODES: tuple[str, ...] = tuple(i.code for i in INDICATORS)


def theme_of_indicator(code: str) -> Theme:
    return CRITERION_BY_NUMBER[INDICATOR_BY_CODE[code].criterion].theme


def theme_applies(theme: Theme, traits: FacilityTraits) -> bool:
    return traits.facility_type not in THEME_INFO[theme].never_types


def indicator_applies(code: str, traits: FacilityTraits) -> bool:
    """Whether indicator ``code`` is assessed for a facility with these traits.

    Raises ``KeyError`` for a code that is not in the quality model.
    """
    indicator = INDICATOR_BY_CODE[code]
    if not theme_applies(theme_of_indicator(code), traits):
        return False
    return indicator.applicability.applies(traits)


def applicable_indicators(traits: FacilityTraits) -> tuple[str, ...]:
    """The indicator codes that apply to a facility, in the model's order."""
    return tuple(i.code for i in INDICATORS if indicator_applies(i.code, traits))


def applicable_themes(traits: FacilityTraits) -> tuple[Theme, ...]:
    """The themes with at least one applicable indicator."""
    codes = applicable_indicators(traits)
    return tuple(t.theme for t in THEMES if any(theme_of_indicator(c) == t.theme for c in codes))


def criterion_values(scores: Mapping[str, float]) -> dict[int, float]:
    """Criterion value = mean of its scored indicators (seed 004). Criteria without scores are absent."""
    by_criterion: dict[int, list[float]] = {}
    for code, score in scores.items():
        by_criterion.setdefault(INDICATOR_BY_CODE[code].criterion, []).append(float(score))
    return {number: fmean(values) for number, values in sorted(by_criterion.items())}


def theme_values(scores: Mapping[str, float]) -> dict[Theme, float]:
    """Theme value = mean of its criteria's values (seed 004). Themes without scores are absent."""
    crit = criterion_values(scores)
    out: dict[Theme, float] = {}
    for info in THEMES:
        values = [crit[n] for n in info.criteria if n in crit]
        if values:
            out[info.theme] = fmean(values)
    return out


def spider_values(scores: Mapping[str, float]) -> list[tuple[Theme, float | None]]:
    """The seven theme values in the model's order, ``None`` where a theme has no score (spindelvæv)."""
    values = theme_values(scores)
    return [(info.theme, values.get(info.theme)) for info in THEMES]


def themes_from_rows(rows: Iterable[tuple[str, float]]) -> dict[Theme, float]:
    """Theme values from ``(indicator, score)`` pairs of one visit."""
    return theme_values(dict(rows))
