from __future__ import annotations

import pytest

from data.authorities import parse_authority, parse_facility_type
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
