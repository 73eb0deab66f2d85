"""CPR-like numbers masked in every text an import answers with (``010203-1234`` -> ``010203-****``): the values,
column and file names and messages of its violations and warnings, and the file names it reports.
"""

from __future__ import annotations

import dataclasses
import re

from data.contract import CPR_PATTERN, UUID_PATTERN
from data.errors import Violation
from data.readers import INVISIBLE_RE

_CPR = re.compile(CPR_PATTERN)
#: A UUID is matched first and left alone, so a CPR-like run inside one is not a CPR number (only looked for when
#: ``_CPR`` finds something: it is twice as slow, and an import masks every warning's text).
_UUID_OR_CPR = re.compile(f"(?P<uuid>{UUID_PATTERN})|{CPR_PATTERN}")
_INVISIBLE = re.compile(INVISIBLE_RE)


def has_cpr(text: str) -> bool:
    """Whether ``text`` holds a CPR-like number outside any UUID."""
    if _CPR.search(text) is None:
        return False
    return any(m.group("uuid") is None for m in _UUID_OR_CPR.finditer(text))


def mask_cpr(text: str) -> str:
    """``text`` with every CPR-like number masked (``010203-1234`` -> ``010203-****``), also one with an invisible
    character inside (a zero-width space or a soft hyphen copied with it): such characters are then left out. A UUID
    is left as written."""
    if _INVISIBLE.search(text) is not None and has_cpr(visible := _INVISIBLE.sub("", text)):
        text = visible
    if _CPR.search(text) is None:
        return text
    return _UUID_OR_CPR.sub(lambda m: m.group(0) if m.group("uuid") else m.group(0)[:6] + "-****", text)


def _masked(violation: Violation) -> Violation:
    """``violation`` with CPR-like numbers masked in every text a message quotes (ids, column and file names)."""
    return dataclasses.replace(
        violation,
        file=mask_cpr(violation.file),
        column=None if violation.column is None else mask_cpr(violation.column),
        value=None if violation.value is None else mask_cpr(violation.value),  # a reader's preview of a cell too
        message=mask_cpr(violation.message),
    )
