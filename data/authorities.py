"""A socialtilsyn or a tilbud type as a user writes it, in any case: the code (``oest``, ``sel108``) or the
Danish name (``Øst``, ``Socialtilsyn Øst``; ``længerevarende botilbud``, with or without ``(SEL § 108)``).
One parser each for the CLI options, the HTTP query parameters and forms; blank means none (every one).

:func:`suggest_code` serves the importer, which takes codes only (the data contract's): the code a cell written
in Danish most likely means (``Påbud`` -> ``paabud``, ``Øst`` -> ``oest``), for its message."""

from __future__ import annotations

import re

from data.enums import Authority, FacilityType
from data.errors import InvalidArgumentError, shown_value
from data.glossary import (
    AUTHORITY_DA,
    FACILITY_TYPE_DA,
    OWNERSHIP_DA,
    SANCTION_DA,
    SEVERITY_DA,
    THEME_DA,
    VISIT_KIND_DA,
)


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
        raise InvalidArgumentError(f"Ukendt socialtilsyn '{shown_value(value)}'. Tilladt: {allowed}.")
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
            f"Ukendt tilbudstype '{shown_value(value)}'. Tilladt: {allowed}, eller typens danske navn "
            "(fx 'opholdssted' eller 'længerevarende botilbud')."
        )
    return code


_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "§": " "})


def _ascii_forms(text: str) -> set[str]:
    """``text`` as a code could spell it: Danish letters written out (ø -> oe), spaces and hyphens as ``_`` or
    left out (``Skærpet tilsyn`` -> ``skaerpet_tilsyn``; ``SEL § 108`` -> ``sel108``)."""
    words = re.split(r"[\s_\-./]+", text.strip().lower().translate(_DANISH_LETTERS))
    words = [w for w in words if w]
    return {"_".join(words), "".join(words)}


#: Danish label spellings of every code the contract has (a label, and one without its parenthesis).
_LABEL_SPELLINGS: dict[str, set[str]] = {}
for _labels in (AUTHORITY_DA, FACILITY_TYPE_DA, OWNERSHIP_DA, VISIT_KIND_DA, THEME_DA, SEVERITY_DA, SANCTION_DA):
    for _code, _text in _labels.items():
        for _spelling in (_text, re.sub(r"\s*\(.*\)$", "", _text), _text.removeprefix("Socialtilsyn ")):
            _LABEL_SPELLINGS.setdefault(_key(_spelling), set()).add(str(_code))


#: Words that turn a code named in a value into its opposite.
_NEGATIONS = frozenset({"ikke", "ej", "undtagen", "uden", "not", "except", "non", "no"})


def suggest_code(value: str, allowed: tuple[str, ...]) -> str | None:
    """The one code of ``allowed`` that ``value`` most likely means -- its Danish name (``Socialtilsyn Øst``,
    ``påbud``), the code with Danish letters or spaces (``øst``, ``skærpet tilsyn``), the first words of its name
    (``Driftsorienteret``) or its paragraph (``§ 108``) -- or None."""
    found = {code for code in _LABEL_SPELLINGS.get(_key(value), ()) if code in allowed}
    if not found:
        forms = _ascii_forms(value)
        found = {code for code in allowed if code in forms}
    if not found and (paragraph := re.fullmatch(r"§\s*([0-9]+)", value.strip())) is not None:
        found = {f"sel{paragraph.group(1)}"} & set(allowed)  # "§ 108": the type's paragraph of serviceloven
    if not found and len(_key(value)) >= 4:
        # the first word(s) of a label ("Driftsorienteret" for "driftsorienteret tilsyn"), as a case system shortens it
        words = _key(value).split()
        found = {
            code
            for spelling, codes in _LABEL_SPELLINGS.items()
            if spelling.split()[: len(words)] == words
            for code in codes
            if code in allowed
        }
    if not found:
        # a code as one word of a longer value ("Selvejende institution", "Kommunalt tilbud", "Påbud om …"), also
        # inflected as Danish inflects an adjective (kommunalt, private); only when one code is named
        parts = {w for w in re.split(r"[\s_\-./,:;()]+", value.strip().lower().translate(_DANISH_LETTERS)) if w}
        if not parts & _NEGATIONS:  # "Ikke privat", "alle undtagen sel110" mean another code, or several
            found = {code for code in allowed if parts & {code, code + "t", code + "e"}}
    return found.pop() if len(found) == 1 else None
