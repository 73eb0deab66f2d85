from __future__ import annotations

import pytest

from data.authorities import parse_authority
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
