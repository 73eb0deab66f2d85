"""A date against its tilbud's approval and closing (``not_before`` / ``not_after`` and the warnings
``warn_before`` / ``warn_after`` of :mod:`data.contract`): the comparison, the column that references the tilbud,
and the Danish wording of a warning's what and why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.contract import Column, FileSpec, Kind

#: The warning's rule for a row before its tilbud's approval (``warn_before``) or after its closing (``warn_after``).
_BOUND_WARNING_RULE = {"not_before": "before_approval", "not_after": "after_closure"}


def _bound_what_da(col: Column, other: str, rule: str) -> str:
    """ "en date før tilbuddets approved_on", "en month efter måneden for tilbuddets closed_on"."""
    side = "før" if rule == "not_before" else "efter"
    return f"en {col.name} {side} {'måneden for ' if col.kind == Kind.MONTH else ''}tilbuddets {other}"


def _bound_why_da(rule: str, one: bool, *, stored: bool, other: str = "") -> str:
    """Why rows outside the tilbud's approval or closing are kept, and what to check."""
    it, them = ("den", "den") if one else ("de", "dem")
    kept = "beholdes" if stored else "indlæses"
    if rule == "not_before":
        check = f"at {other} er rigtig" if stored else f"at {it} hører til det rigtige tilbud"
        return f"{it} {kept}, for et tilbud kan være godkendt på ny efter {them}, men tjek, {check}"
    check = f"at {other} er rigtig" if stored else f"at {it} hører til det rigtige tilbud, og at closed_on er rigtig"
    return f"{it} {kept}, men tjek, {check}: et lukket tilbud får ingen risiko og intet besøg"


def _outside(values: pd.Series, limit: pd.Series, rule: str) -> np.ndarray:
    """Where a date lies before (``not_before``) or after (``not_after``) its limit; never where either is missing."""
    beyond = values < limit if rule == "not_before" else values > limit
    return np.asarray((values.notna() & limit.notna() & beyond).to_numpy(), dtype=bool)


def _via(spec: FileSpec, target: str) -> Column | None:
    """The column of ``spec`` that references one row of file ``target`` (``facility_id`` -> facilities)."""
    return next(
        (
            c
            for c in spec.columns
            if c.references is not None and c.references.split(".")[0] == target and c.kind != Kind.ID_LIST
        ),
        None,
    )
