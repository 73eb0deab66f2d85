"""The one Jinja2 environment. Templates live in ``reports/templates``; ``base.html`` defines the blocks
``title``, ``header``, ``nav``, ``content`` and ``footer`` that every page and report fills."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from data.glossary import format_number_da, format_percent_da


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
    return env


def render_template(name: str, **context: Any) -> str:
    """Render ``reports/templates/<name>`` with ``context`` (autoescaped)."""
    return environment().get_template(name).render(**context)
