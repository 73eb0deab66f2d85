from __future__ import annotations

import pytest

from data.authorities import parse_authority, parse_facility_type, suggest_code
from data.contract import FILE_BY_NAME
from data.errors import InvalidArgumentError


@pytest.mark.parametrize(
    ("written", "code"),
    [("oest", "oest"), ("Øst", "oest"), ("øst", "oest"), ("Socialtilsyn Øst", "oest"), (" MIDT ", "midt"),
     ("socialtilsyn  hovedstaden", "hovedstaden"), ("Nord", "nord"), (None, None), ("  ", None)],
)  # fmt: skip
def test_a_socialtilsyn_may_be_written_as_its_code_or_its_danish_name(written: str | None, code: str | None) -> None:
    assert parse_authority(written) == code


def test_an_unknown_socialtilsyn_lists_both_spellings() -> None:
    with pytest.raises(InvalidArgumentError, match=r"Ukendt socialtilsyn 'Fyn'\. Tilladt: nord \(Socialtilsyn Nord\)"):
        parse_authority("Fyn")


@pytest.mark.parametrize(
    ("written", "code"),
    [("sel108", "sel108"), (" SEL108 ", "sel108"), ("Opholdssted", "opholdssted"),
     ("længerevarende botilbud", "sel108"), ("Længerevarende botilbud (SEL § 108)", "sel108"),
     ("krisecenter", "sel109"), (None, None), ("", None), ("   ", None)],
)  # fmt: skip
def test_a_tilbud_type_may_be_written_as_its_code_or_its_danish_name(written: str | None, code: str | None) -> None:
    """One parser for the risk list's and the reports' type filter; blank (a web form's "alle") is every type (the
    report parser read "   " as every type, the risk list's refused it)."""
    assert parse_facility_type(written) == code


def test_an_unknown_tilbud_type_lists_the_codes() -> None:
    with pytest.raises(InvalidArgumentError, match=r"Ukendt tilbudstype 'plejehjem'\. Tilladt: sel107, sel108, "):
        parse_facility_type("plejehjem")


def _allowed(file: str, column: str) -> tuple[str, ...]:
    return next(c for c in FILE_BY_NAME[file].columns if c.name == column).allowed


@pytest.mark.parametrize(
    ("written", "file", "column", "code"),
    [
        ("Påbud", "sanctions", "kind", "paabud"),
        ("Skærpet tilsyn", "sanctions", "kind", "skaerpet_tilsyn"),
        ("Skærpet tilsyn", "visits", "kind", "enhanced"),  # the same words, another column's code
        ("Ophør af godkendelse", "sanctions", "kind", "ophoer"),
        ("øst", "facilities", "authority", "oest"),
        ("Socialtilsyn Øst", "facilities", "authority", "oest"),
        ("SEL § 108", "facilities", "facility_type", "sel108"),
        ("længerevarende botilbud", "facilities", "facility_type", "sel108"),
        ("Høj", "concerns", "severity", "high"),
        ("Sundhed og trivsel", "theme_scores", "theme", "health_wellbeing"),
        ("plejehjem", "facilities", "facility_type", None),
        ("Nordjylland", "facilities", "authority", None),
        ("Driftsorienteret", "visits", "kind", "operational"),  # the label's first word: a case system's short form
        ("Ophør", "sanctions", "kind", "ophoer"),
        ("Skærpet", "visits", "kind", "enhanced"),
        ("§ 108", "facilities", "facility_type", "sel108"),
        ("§107", "facilities", "facility_type", "sel107"),
        ("§ 141", "facilities", "facility_type", None),  # sundhedsloven's § 141 is sul141, not a serviceloven §
        ("tilsyn", "visits", "kind", None),  # the last word of two labels
    ],
)
def test_a_danish_spelling_suggests_the_code_it_means(written: str, file: str, column: str, code: str | None) -> None:
    assert suggest_code(written, _allowed(file, column)) == code
