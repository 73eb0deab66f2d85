"""A socialtilsyn or a tilbud type as a user writes it, in any case: the code (``oest``, ``sel108``) or the
Danish name (``Øst``, ``Socialtilsyn Øst``; ``længerevarende botilbud``, with or without ``(SEL § 108)``).
One parser each for the CLI options, the HTTP query parameters and forms; blank means none (every one)."""

from __future__ import annotations

import re

from data.enums import Authority, FacilityType
from data.errors import InvalidArgumentError
from data.glossary import AUTHORITY_DA, FACILITY_TYPE_DA


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


#: Every accepted spelling of a tilbud type -> the code.
_TYPE_SPELLINGS: dict[str, str] = {}
for _type in FacilityType:
    _label = FACILITY_TYPE_DA[_type]
    for _spelling in (_type.value, _label, re.sub(r"\s*\(.*\)$", "", _label)):
        _TYPE_SPELLINGS[_key(_spelling)] = _type.value


def parse_facility_type(value: str | None) -> str | None:
    """The code of the tilbud type ``value`` names; ``None`` for none (``None`` or blank)."""
    if value is None or not value.strip():
        return None
    code = _TYPE_SPELLINGS.get(_key(value))
    if code is None:
        allowed = ", ".join(t.value for t in FacilityType)
        raise InvalidArgumentError(
            f"Ukendt tilbudstype '{value}'. Tilladt: {allowed}, eller typens danske navn (fx 'opholdssted' eller "
            "'længerevarende botilbud')."
        )
    return code
