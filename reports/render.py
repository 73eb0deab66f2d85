"""The one Jinja2 environment. Templates live in ``reports/templates``; ``base.html`` defines the blocks
``title``, ``header``, ``nav``, ``content`` and ``footer`` that every page and report fills (and
``styles`` for page-specific CSS, inlined after the shared stylesheet).

Filters: ``number`` (``1.234,5``), ``percent`` (share 0-1 -> ``12 %``), ``signed`` (``+1,2`` / ``−0,5``),
``date_da`` (``5. okt. 2026``), ``long_date`` (``5. oktober 2026``), ``datetime_da``
(``5. okt. 2026 kl. 14.03``), ``when_da`` (either, also from ISO text), ``capfirst`` (the first letter
upper case, the rest kept), ``count_da`` (``1 række`` / ``2 rækker``).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from data.errors import warning_total
from data.glossary import (
    MONTH_ABBR_DA,
    format_count_da,
    format_date_da,
    format_number_da,
    format_percent_da,
    quarter_da,
)


def format_short_date_da(day: dt.date | None) -> str:
    """``5. okt. 2026`` (``–`` for none)."""
    if day is None:
        return "–"
    return f"{day.day}. {MONTH_ABBR_DA[day.month - 1]} {day.year}"


def format_datetime_da(moment: dt.datetime) -> str:
    return f"{format_short_date_da(moment.date())} kl. {moment:%H.%M}"


def format_signed_da(value: float, decimals: int = 1) -> str:
    """``+1,2`` / ``−0,5`` / ``0,0`` (a true minus sign)."""
    text = format_number_da(abs(value), decimals)
    if not any(c in "123456789" for c in text):  # rounds to zero (half up, as the text): no sign
        return text
    return f"+{text}" if value > 0 else f"−{text}"


def format_when_da(value: dt.datetime | dt.date | str | None) -> str:
    """A moment or a day, also as ISO text (a model card's ``created_at``), the way the app writes them:
    ``23. nov. 2026 kl. 08.21`` or ``23. nov. 2026`` (a time with a zone in local time; ``–`` for none;
    text that is no ISO date as it is)."""
    if value is None or value == "":
        return "–"
    moment: dt.datetime | dt.date
    if isinstance(value, str):
        try:
            moment = dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        moment = value
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone().replace(tzinfo=None)
        return format_datetime_da(moment)
    return format_short_date_da(moment)


def capitalise_first(text: str) -> str:
    """The first letter upper case and the rest as it is (``forsorgshjem (SEL § 110)`` -> ``Forsorgshjem (SEL
    § 110)``; Jinja's ``capitalize`` lower-cases the rest: "sel § 110")."""
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "xml"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = format_number_da
    env.filters["percent"] = format_percent_da
    env.filters["signed"] = format_signed_da
    env.filters["date_da"] = format_short_date_da
    env.filters["long_date"] = format_date_da
    env.filters["datetime_da"] = format_datetime_da
    env.filters["capfirst"] = capitalise_first
    env.filters["when_da"] = format_when_da
    env.filters["quarter_da"] = quarter_da
    env.filters["count_da"] = format_count_da
    env.filters["warning_total"] = warning_total
    return env


def render_template(name: str, **context: Any) -> str:
    """Render ``reports/templates/<name>`` with ``context`` (autoescaped)."""
    return environment().get_template(name).render(**context)
