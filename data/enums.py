"""Closed vocabularies of the domain as ``StrEnum``s.

The values are the codes of the public data contract (``DATA_CONTRACT.md``); the Danish names shown to
users live in :mod:`data.glossary`.
"""

from __future__ import annotations

from enum import StrEnum


class Authority(StrEnum):
    """The five socialtilsyn."""

    NORD = "nord"
    MIDT = "midt"
    SYD = "syd"
    HOVEDSTADEN = "hovedstaden"
    OEST = "oest"


class FacilityType(StrEnum):
    """Facility (tilbud) types, by the paragraph of the law they are approved under."""

    SEL107 = "sel107"
    SEL108 = "sel108"
    BOTILBUDSLIGNENDE = "botilbudslignende"
    SEL109 = "sel109"
    SEL110 = "sel110"
    SEL101 = "sel101"
    SUL141 = "sul141"
    OPHOLDSSTED = "opholdssted"
    DOEGNINSTITUTION = "doegninstitution"
    SIKRET_DOEGNINSTITUTION = "sikret_doegninstitution"
    KOSTSKOLE = "kostskole"


class Ownership(StrEnum):
    """Ownership form (ejerform). Used to audit fairness only, never as a model input."""

    KOMMUNAL = "kommunal"
    REGIONAL = "regional"
    PRIVAT = "privat"
    SELVEJENDE = "selvejende"


class VisitKind(StrEnum):
    OPERATIONAL = "operational"
    APPROVAL = "approval"
    ENHANCED = "enhanced"
    FOLLOW_UP = "follow_up"


class Theme(StrEnum):
    """The seven themes of the quality model, in the order of seed 004."""

    EDUCATION_EMPLOYMENT = "education_employment"
    INDEPENDENCE_RELATIONS = "independence_relations"
    TARGET_METHODS_RESULTS = "target_methods_results"
    HEALTH_WELLBEING = "health_wellbeing"
    ORGANISATION_MANAGEMENT = "organisation_management"
    COMPETENCES = "competences"
    PHYSICAL_SETTING = "physical_setting"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class SanctionKind(StrEnum):
    PAABUD = "paabud"
    SKAERPET_TILSYN = "skaerpet_tilsyn"
    OPHOER = "ophoer"
    VILKAAR = "vilkaar"


#: Sanctions that count as a serious finding (the risk model's label). ``vilkaar`` (conditions
#: attached to an approval) is not a sanction for non-compliance and does not count.
SERIOUS_SANCTIONS: frozenset[SanctionKind] = frozenset(
    {SanctionKind.PAABUD, SanctionKind.SKAERPET_TILSYN, SanctionKind.OPHOER}
)

#: Facility types for children and young people (anbringelsessteder, servicelovens § 66, stk. 1, nr. 5-7).
CHILDREN_TYPES: frozenset[FacilityType] = frozenset(
    {
        FacilityType.OPHOLDSSTED,
        FacilityType.DOEGNINSTITUTION,
        FacilityType.SIKRET_DOEGNINSTITUTION,
        FacilityType.KOSTSKOLE,
    }
)

#: Non-public ownership forms ("private tilbud" in the law: private and self-governing).
NON_PUBLIC: frozenset[Ownership] = frozenset({Ownership.PRIVAT, Ownership.SELVEJENDE})
