"""CPR-like numbers masked in every text an import answers with (``010203-1234`` -> ``010203-****``): the values,
column and file names and messages of its violations and warnings, and the file names it reports.
"""

from __future__ import annotations

import dataclasses
import re

from data.contract import CPR_PATTERN
from data.errors import Violation
from data.readers import INVISIBLE_RE

_CPR = re.compile(CPR_PATTERN)
_INVISIBLE = re.compile(INVISIBLE_RE)


def mask_cpr(text: str) -> str:
    """``text`` with every CPR-like number masked (``010203-1234`` -> ``010203-****``), also one with an invisible
    character inside (a zero-width space or a soft hyphen copied with it): such characters are then left out."""
    if _INVISIBLE.search(text) is not None and _CPR.search(visible := _INVISIBLE.sub("", text)) is not None:
        text = visible
    return _CPR.sub(lambda m: m.group(0)[:6] + "-****", text)


def _masked(violation: Violation) -> Violation:
    """``violation`` with CPR-like numbers masked in every text a message quotes (ids, column and file names)."""
    return dataclasses.replace(
        violation,
        file=mask_cpr(violation.file),
        column=None if violation.column is None else mask_cpr(violation.column),
        value=None if violation.value is None else mask_cpr(violation.value),  # a reader's preview of a cell too
        message=mask_cpr(violation.message),
    )
