"""A socialtilsyn as a user writes it: the code (``oest``), the Danish name (``Øst``) or the full name
(``Socialtilsyn Øst``), in any case. One parser for the CLI options, the HTTP query parameters and forms."""

from __future__ import annotations

from data.enums import Authority
from data.errors import InvalidArgumentError
from data.glossary import AUTHORITY_DA


def _key(text: str) -> str:
    return " ".join(text.strip().lower().split())


#: Every accepted spelling -> the code.
_SPELLINGS: dict[str, str] = {}
for _authority in Authority:
    _full = AUTHORITY_DA[_authority]
    for _spelling in (_authority.value, _full, _full.removeprefix("Socialtilsyn ")):
        _SPELLINGS[_key(_spelling)] = _authority.value


def parse_authority(value: str | None) -> str | None:
    """The code of the socialtilsyn ``value`` names; ``None`` for none (``None`` or blank)."""
    if value is None or not value.strip():
        return None
    code = _SPELLINGS.get(_key(value))
    if code is None:
        allowed = ", ".join(f"{a.value} ({AUTHORITY_DA[a]})" for a in Authority)
        raise InvalidArgumentError(f"Ukendt socialtilsyn '{value}'. Tilladt: {allowed}.")
    return code
