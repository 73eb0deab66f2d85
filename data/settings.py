"""The one settings object. Every setting has a default and a help text; the README lists them all.

Settings are read from the environment with the ``TILSYNSPLAN_`` prefix (and from a ``.env`` file in the
working directory), e.g. ``TILSYNSPLAN_DATABASE_URL=postgresql+psycopg://user@host/db``. Dict and list
settings are given as JSON, e.g. ``TILSYNSPLAN_VISIT_INTERVAL_MONTHS='{"sel107": 12}'``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from data.enums import FacilityType
from data.errors import InvalidArgumentError

#: What the risk model's trees learn from (``risk_learn_from``; ``models.risk_model.LEARN_FROM``).
LearnFrom = Literal["severity", "label"]
TopTierScope = Literal["national", "authority"]

#: The earliest as-of date accepted (``Settings.as_of_or_today``).
EARLIEST_AS_OF = dt.date(1900, 1, 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TILSYNSPLAN_", env_file=".env", extra="ignore", validate_default=True)

    # --- storage -------------------------------------------------------------------------------
    home: Path = Field(
        Path(".tilsynsplan"),
        description="Working folder for the embedded database, the model store, plans and reports.",
    )
    database_url: str = Field(
        "",
        description=(
            "SQLAlchemy database URL. Empty means a SQLite file `tilsynsplan.db` in `home`. "
            "PostgreSQL: `postgresql+psycopg://user:password@host/dbname`."
        ),
    )
    database_busy_timeout_s: float = Field(
        5.0,
        gt=0,
        le=3600,
        description=(
            "Seconds to wait for a SQLite database that another process is writing to (an import, a plan being "
            "stored), or for a PostgreSQL lock (its lock_timeout), before giving up with 'databasen er optaget' "
            "(exit code 5, HTTP 503 with Retry-After); nothing is written."
        ),
    )
    today: dt.date | None = Field(
        None,
        description=(
            "The date treated as today (dates after it are rejected; the default as-of date). "
            "Empty means the real date."
        ),
    )
    seed: int = Field(42, description="Random seed for the generator, the model and the solver.")
    log_level: str = Field("WARNING", description="Python logging level (DEBUG, INFO, WARNING, ERROR).")

    # --- risk model ----------------------------------------------------------------------------
    risk_horizon_months: int = Field(
        6, ge=1, le=24, description="A serious finding at a visit within this many months is the label."
    )
    risk_training_years: int = Field(
        5, ge=1, le=20, description="Length of the training window before the as-of date, in years."
    )
    risk_min_positive_labels: int = Field(
        40,
        ge=0,
        description=(
            "Below this many serious findings in the training window the expert score is used "
            "instead of LightGBM (cold start)."
        ),
    )
    risk_top_factors: int = Field(3, ge=1, le=10, description="Reasons shown per facility in lists.")
    risk_learn_from: LearnFrom = Field(
        "severity",
        description=(
            "What LightGBM's trees learn from: 'severity' (how low the lowest visit in the horizon scored, "
            "graded) or 'label' (serious finding yes/no). The risk is calibrated on the label either way."
        ),
    )

    # --- visit rules and planner ---------------------------------------------------------------
    visit_interval_default_months: int = Field(
        24, ge=1, le=60, description="Maximum months between unannounced visits (legal minimum)."
    )
    visit_interval_months: dict[FacilityType, int] = Field(
        default_factory=dict,
        description=(
            "Per facility type overrides of the unannounced-visit interval in months, as JSON, "
            'e.g. `{"sikret_doegninstitution": 12}`.'
        ),
    )
    first_visit_months: int = Field(
        6, ge=1, le=24, description="A new facility's first visit is due within this many months of approval."
    )
    plan_horizon_quarters: int = Field(
        8, ge=1, le=16, description="Quarters covered by a plan; the first is the plan of record."
    )
    min_visit_gap_days: int = Field(
        30, ge=0, le=365, description="Minimum days between two visits to the same facility."
    )
    top_tier_share: float = Field(
        0.10,
        ge=0.0,
        le=1.0,
        description="Share of facilities (highest risk) due an extra visit next quarter, capacity allowing.",
    )
    top_tier_scope: TopTierScope = Field(
        "national",
        description=(
            "Where the planner's top tier (the extra visit) is drawn from: `national`, the riskiest "
            '`top_tier_share` of all tilbud in the risk run, the risk list\'s group "høj" (the same tilbud in a '
            "plan for all and in a plan for one socialtilsyn); or `authority`, the riskiest share of each "
            "socialtilsyn, so every tilsyn gets its own top tenth."
        ),
    )
    days_off: list[str] = Field(
        default_factory=lambda: ["12-24", "12-31"],
        description=(
            "Days (MM-DD, every year) on which the planner plans no visits although they are weekdays and not "
            "public holidays, as JSON. Default: juleaftensdag and nytårsaftensdag, days off under the "
            "municipal and regional agreements. Agreed (locked) visits may still lie on them."
        ),
    )
    solver_time_limit_s: float = Field(30.0, gt=0, description="Time limit of one CP-SAT solve, in seconds.")
    solver_workers: int = Field(2, ge=1, le=64, description="CP-SAT search workers (threads).")

    # --- HTTP API ------------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address `tilsynsplan serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `tilsynsplan serve` listens on.")
    api_tokens: list[str] = Field(
        default_factory=list,
        description=(
            "Bearer tokens of authorised users (planners) as a JSON list. Only they see unannounced "
            "visit dates and may upload data or create plans."
        ),
    )
    max_upload_mb: int = Field(100, ge=1, description="Largest accepted upload, in megabytes.")

    @field_validator("days_off")
    @classmethod
    def _month_days(cls, value: list[str]) -> list[str]:
        for text in value:
            try:
                dt.date.fromisoformat(f"2024-{text}")  # a leap year: 02-29 is a day some years
            except ValueError:
                raise ValueError(f"'{text}' er ikke en dag i året som MM-DD, fx 12-24") from None
        return value

    @field_validator("visit_interval_months")
    @classmethod
    def _interval_range(cls, value: dict[FacilityType, int]) -> dict[FacilityType, int]:
        for kind, months in value.items():  # the same bounds as visit_interval_default_months
            if not 1 <= months <= 60:
                raise ValueError(f"{kind.value}: {months} måneder; tilladt 1-60")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        allowed = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
        if value.upper() not in allowed:
            raise ValueError(f"'{value}' er ikke et logniveau; tilladt: {', '.join(sorted(allowed))}")
        return value.upper()

    # --- derived -------------------------------------------------------------------------------
    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'tilsynsplan.db').as_posix()}"

    @property
    def model_dir(self) -> Path:
        return self.home / "models"

    @property
    def report_dir(self) -> Path:
        return self.home / "reports"

    def effective_today(self) -> dt.date:
        return self.today or dt.date.today()

    def as_of_or_today(self, as_of: dt.date | None, name: str = "as_of") -> dt.date:
        """The date a score, model, explanation, report or plan is made as of: ``as_of``, or today.

        A later date than today is refused (nothing is known about it yet; stored, it would become the
        newest risk list every reader sees), and so is one before 1900 (no data, and outside the dates
        the libraries handle)."""
        today = self.effective_today()
        if as_of is None:
            return today
        if as_of > today:
            raise InvalidArgumentError(
                f"{name} {as_of.isoformat()} ligger efter i dag ({today.isoformat()}); "
                "en opgørelse kan højst være pr. i dag.",
                details=[{"field": name, "value": as_of.isoformat(), "rule": "future_date"}],
            )
        if as_of < EARLIEST_AS_OF:
            raise InvalidArgumentError(
                f"{name} {as_of.isoformat()} er før {EARLIEST_AS_OF.isoformat()}; vælg en dato, hvor der er data.",
                details=[{"field": name, "value": as_of.isoformat(), "rule": "too_early"}],
            )
        return as_of

    def interval_months(self, facility_type: FacilityType | str) -> int:
        """The unannounced-visit interval for a facility type (months)."""
        return self.visit_interval_months.get(FacilityType(facility_type), self.visit_interval_default_months)


#: pydantic's error types in Danish (``{ge}`` etc. from the error's context).
_SETTING_ERRORS_DA = {
    "int_parsing": "skal være et heltal",
    "int_from_float": "skal være et heltal",
    "float_parsing": "skal være et tal",
    "bool_parsing": "skal være true eller false",
    "date_parsing": "skal være en dato som ÅÅÅÅ-MM-DD",
    "date_from_datetime_parsing": "skal være en dato som ÅÅÅÅ-MM-DD",
    "greater_than_equal": "skal være mindst {ge}",
    "greater_than": "skal være større end {gt}",
    "less_than_equal": "må højst være {le}",
    "less_than": "skal være mindre end {lt}",
    "enum": "skal være en af: {expected}",
    "dict_type": "skal være et JSON-objekt",
    "list_type": "skal være en JSON-liste",
}


def _setting_problem(error: dict[str, object]) -> str:
    kind = str(error.get("type", ""))
    if kind == "value_error":  # our validators' own (Danish) text
        return "er ugyldig: " + str(error.get("msg", "")).removeprefix("Value error, ")
    template = _SETTING_ERRORS_DA.get(kind)
    raw = error.get("ctx")
    context = {k: str(v).replace(".", ",") if isinstance(v, float) else v for k, v in dict(raw or {}).items()}  # type: ignore[call-overload]
    try:
        return template.format(**context) if template else "er ugyldig: " + str(error.get("msg", ""))
    except (KeyError, IndexError):
        return "er ugyldig: " + str(error.get("msg", ""))


def load_settings(**overrides: object) -> Settings:
    """``Settings(**overrides)`` with a Danish ``InvalidArgumentError`` naming each bad setting (its
    environment variable, the value and what is allowed) instead of pydantic's traceback."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        details: list[dict[str, object]] = []
        for e in error.errors():
            loc = [str(part) for part in e.get("loc", ())]
            variable = f"TILSYNSPLAN_{loc[0].upper()}" if loc else "TILSYNSPLAN_?"
            value = e.get("input")
            shown = f"{variable}={value!s}" if len(loc) <= 1 else f"{variable}: '{value!s}'"
            message = f"{shown} {_setting_problem(dict(e))}".replace(" or '", " eller '")
            details.append({"setting": variable, "value": str(value), "message": message})
        text = "; ".join(str(d["message"]) for d in details)
        raise InvalidArgumentError(
            f"Ugyldig indstilling: {text}. Ret miljøvariablen (eller .env).",
            details=details if len(details) > 1 else [],
        ) from None
    except SettingsError as error:  # a JSON setting that is not JSON
        text = str(error)
        name = text.split('"')[1] if text.count('"') >= 2 else ""
        variable = f"TILSYNSPLAN_{name.upper()}" if name else "en TILSYNSPLAN_-indstilling"
        example = _JSON_EXAMPLES.get(name, '\'["12-24", "12-31"]\' eller \'{"sikret_doegninstitution": 12}\'')
        raise InvalidArgumentError(
            f"Ugyldig indstilling: {variable} skal skrives som JSON, fx {example}. Ret miljøvariablen (eller .env).",
        ) from None


#: How a JSON setting is written (the message for one that is not JSON).
_JSON_EXAMPLES = {
    "visit_interval_months": '\'{"sikret_doegninstitution": 12, "opholdssted": 12}\'',
    "days_off": '\'["12-24", "12-31"]\'',
    "api_tokens": "'[\"et-langt-hemmeligt-token\"]'",
}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once). Tests build their own ``Settings(...)`` instead."""
    return load_settings()
