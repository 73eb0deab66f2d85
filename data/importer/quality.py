"""The quality model as the rules across files apply it: a tilbud's traits (type, board, respite, ownership) as a
key, whether an indicator applies to them and why not, and the theme values computed from a visit's indicators.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.enums import FacilityType, Ownership
from data.glossary import danish
from data.quality_model import (
    INDICATOR_BY_CODE,
    THEME_INFO,
    FacilityTraits,
    indicator_applies,
    theme_applies,
    theme_of_indicator,
)

#: The facility's values that decide which indicators apply to it (``FacilityTraits``).
_TRAIT_COLUMNS = ("facility_type", "has_board", "respite_only", "ownership")


def _truthy(value: object) -> bool:
    return bool(value) if isinstance(value, bool | np.bool_) else False


def _traits(key: str) -> FacilityTraits:
    ftype, board, respite, owner = key.split("|")
    return FacilityTraits(
        facility_type=FacilityType(ftype),
        has_board=board == "True",
        respite_only=respite == "True",
        ownership=Ownership(owner) if owner else None,
    )


def _applies(pair: str) -> bool:
    key, code = pair.split("#")
    return indicator_applies(code, _traits(key))


def _not_applicable_message(code: str, facility_id: str, key: str) -> str:
    traits = _traits(key)
    theme = theme_of_indicator(code)
    if not theme_applies(theme, traits):
        reason = THEME_INFO[theme].source
    else:
        reason = INDICATOR_BY_CODE[code].applicability.source
    kind = danish(traits.facility_type)
    if traits.respite_only:
        kind += ", kun aflastning"
    text = f"indikator {code} gælder ikke for tilbuddet {facility_id} ({kind})"
    return f"{text}: {reason}" if reason else text


def _computed_theme_values(ind: pd.DataFrame) -> pd.DataFrame:
    """Theme values per visit from indicator scores (seed 004: criterion mean, then theme mean)."""
    crit_of = {code: i.criterion for code, i in INDICATOR_BY_CODE.items()}
    d = ind.assign(criterion=ind["indicator"].map(crit_of), score=ind["score"].astype(float))
    crit = d.groupby(["visit_id", "criterion"], as_index=False)["score"].mean()
    theme_of_crit = {n: info.theme.value for info in THEME_INFO.values() for n in info.criteria}
    crit["theme"] = crit["criterion"].map(theme_of_crit)
    out = crit.groupby(["visit_id", "theme"], as_index=False)["score"].mean()
    return out.rename(columns={"score": "computed"})
