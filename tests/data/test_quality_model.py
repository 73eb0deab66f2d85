"""The quality model as data, pinned against seed 004 by hand."""

from __future__ import annotations

import pytest

from data.enums import FacilityType as T
from data.enums import Ownership, Theme
from data.quality_model import (
    ALL_INDICATOR_CODES,
    CRITERIA,
    THEMES,
    FacilityTraits,
    applicable_indicators,
    applicable_themes,
    criterion_values,
    indicator_applies,
    spider_values,
    theme_values,
)

ALL_30 = [
    "1.a",
    "1.b",
    "1.d",
    "2.a",
    "2.b",
    "2.c",
    "2.f",
    "3.a",
    "3.b",
    "3.c",
    "3.d",
    "4.a",
    "4.b",
    "5.a",
    "5.b",
    "5.c",
    "6.a",
    "6.b",
    "7.a",
    "8.a",
    "8.b",
    "8.c",
    "9.a",
    "9.b",
    "9.c",
    "10.a",
    "10.b",
    "14.a",
    "14.b",
    "14.c",
]


def test_structure_matches_seed_004() -> None:
    assert list(ALL_INDICATOR_CODES) == ALL_30
    assert [c.number for c in CRITERIA] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14]
    assert [t.name_da for t in THEMES] == [
        "Uddannelse og beskæftigelse",
        "Selvstændighed og relationer",
        "Målgruppe, metoder og resultater",
        "Sundhed og trivsel",
        "Organisation og ledelse",
        "Kompetencer",
        "Fysiske rammer",
    ]
    assert THEMES[3].criteria == (4, 5, 6, 7)


def _minus(*codes: str) -> list[str]:
    return [c for c in ALL_30 if c not in codes]


# Worked out by hand from the "gælder ikke / kun" sentences of seed 004.
@pytest.mark.parametrize(
    ("traits", "expected"),
    [
        # Adult long-term housing, municipal, no board: no children-only indicators (1.d, 2.f), no 8.c.
        (FacilityTraits(T.SEL108, ownership=Ownership.KOMMUNAL), _minus("1.d", "2.f", "8.c")),
        # The same type, private with a board: 8.c applies.
        (FacilityTraits(T.SEL108, has_board=True, ownership=Ownership.PRIVAT), _minus("1.d", "2.f")),
        # A board on a municipal facility does not make 8.c apply ("private tilbud med en bestyrelse").
        (FacilityTraits(T.SEL108, has_board=True, ownership=Ownership.KOMMUNAL), _minus("1.d", "2.f", "8.c")),
        # Kostskole (nr. 7): not 1.b, not 6.a/6.b, not 14.c, and the whole Organisation theme is out.
        (
            FacilityTraits(T.KOSTSKOLE, has_board=True, ownership=Ownership.SELVEJENDE),
            _minus("1.b", "6.a", "6.b", "8.a", "8.b", "8.c", "9.a", "9.b", "9.c", "14.c"),
        ),
        # Ambulant alcohol treatment: not 1.d, 2.c, 2.f, 3.c, 6.a, 6.b, 8.c, 14.c.
        (FacilityTraits(T.SUL141), _minus("1.d", "2.c", "2.f", "3.c", "6.a", "6.b", "8.c", "14.c")),
        # Crisis centre: not 1.d, 2.f, 3.c, 6.a, 6.b, 14.c (2.c does apply), no board.
        (FacilityTraits(T.SEL109), _minus("1.d", "2.f", "3.c", "6.a", "6.b", "8.c", "14.c")),
        # Secured institution: not 2.b, not 14.c; children's indicators apply.
        (FacilityTraits(T.SIKRET_DOEGNINSTITUTION), _minus("2.b", "8.c", "14.c")),
        # Opholdssted approved for respite only: not 2.c, 5.b, 14.c.
        (
            FacilityTraits(T.OPHOLDSSTED, respite_only=True, has_board=True, ownership=Ownership.PRIVAT),
            _minus("2.c", "5.b", "14.c"),
        ),
        # respite_only has no effect on adult types.
        (FacilityTraits(T.SEL107, respite_only=True), _minus("1.d", "2.f", "8.c")),
    ],
)
def test_applicable_indicators(traits: FacilityTraits, expected: list[str]) -> None:
    assert list(applicable_indicators(traits)) == expected


def test_kostskole_has_six_themes() -> None:
    themes = applicable_themes(FacilityTraits(T.KOSTSKOLE))
    assert Theme.ORGANISATION_MANAGEMENT not in themes
    assert len(themes) == 6


def test_unknown_indicator_raises() -> None:
    with pytest.raises(KeyError):
        indicator_applies("11.a", FacilityTraits(T.SEL108))


def test_aggregation_hand_computed() -> None:
    # Sundhed og trivsel: criterion 4 = mean(5, 3) = 4; criterion 5 = mean(2, 3, 4) = 3;
    # criterion 6 = mean(1, 2) = 1.5; criterion 7 = 5  ->  theme = (4 + 3 + 1.5 + 5) / 4 = 3.375.
    # Organisation og ledelse: criterion 8 = mean(4, 2) = 3; criterion 9 = mean(5, 5, 2) = 4 -> 3.5.
    scores = {
        "4.a": 5, "4.b": 3,
        "5.a": 2, "5.b": 3, "5.c": 4,
        "6.a": 1, "6.b": 2,
        "7.a": 5,
        "8.a": 4, "8.b": 2,
        "9.a": 5, "9.b": 5, "9.c": 2,
    }  # fmt: skip
    crit = criterion_values(scores)
    assert crit == {4: 4.0, 5: 3.0, 6: 1.5, 7: 5.0, 8: 3.0, 9: 4.0}
    themes = theme_values(scores)
    assert themes == {Theme.HEALTH_WELLBEING: 3.375, Theme.ORGANISATION_MANAGEMENT: 3.5}
    spider = spider_values(scores)
    assert [t for t, _ in spider] == list(Theme)
    assert dict(spider)[Theme.COMPETENCES] is None
    assert dict(spider)[Theme.HEALTH_WELLBEING] == 3.375


def test_theme_is_mean_of_criteria_not_of_indicators() -> None:
    # Criterion 8 has one indicator (1), criterion 9 three (5, 5, 5): theme = (1 + 5) / 2 = 3, not 4.
    assert theme_values({"8.a": 1, "9.a": 5, "9.b": 5, "9.c": 5}) == {Theme.ORGANISATION_MANAGEMENT: 3.0}
