"""How the contract's values are written in a cell: the forms a date, a month and an integer must have, and the
common other forms (thousands separators, a percent sign) that are recognised to name the fix.
"""

from __future__ import annotations

_DATE_FORMAT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_MONTH_FORMAT = r"[0-9]{4}-[0-9]{2}(?:-01)?"  # "2026-06"; a workbook may turn it into the date 2026-06-01
_INT_FORMAT = r"[+-]?[0-9]+(?:[.,]0+)?"
# "1.000", "12,000", "1 000": a thousands separator (a space, also Excel's non-breaking one), or decimals? Also with
# decimals after it, "1.234,00", as Danish Excel's number format "#.##0,00" shows and saves a count
_THOUSANDS_FORMAT = r"[+-]?[0-9]{1,3}(?:([., \u00a0\u202f])[0-9]{3})(?:\1[0-9]{3})*(?:(?!\1)[.,][0-9]+)?"
#: A number with a percent sign ("15,5 %", "15.5%"; Danish Excel puts a no-break space before the sign).
_PERCENT_SIGN_FORMAT = r"[+-]?[0-9]+(?:[.,][0-9]+)?\s*%"
