"""Domain exceptions. Core packages raise these; the CLI and the HTTP API translate them in one place each.

Messages are Danish (they are shown to planners) and name the bad value and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.glossary import format_number_da

#: A value a message echoes is cut at this many characters (a 5,000-character query value widened the page).
SHOWN_VALUE_LIMIT = 60


def shown_value(value: object, limit: int = SHOWN_VALUE_LIMIT) -> str:
    """A value as a message echoes it: its text, cut at ``limit`` characters with "…"."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


class TilsynsplanError(Exception):
    """Base of every domain error. ``code`` is a stable English identifier for the JSON error shape."""

    code: str = "error"
    http_status: int = 400
    #: Seconds a client is asked to wait before trying again (HTTP ``Retry-After``); None: retrying will not help.
    retry_after_s: int | None = None

    def __init__(self, message: str, *, details: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[dict[str, object]] = details or []


class NotFoundError(TilsynsplanError):
    code = "not_found"
    http_status = 404


class InvalidArgumentError(TilsynsplanError):
    code = "invalid_argument"
    http_status = 422


class NoDataError(TilsynsplanError):
    """Something needs data that has not been imported yet."""

    code = "no_data"
    http_status = 409


class NotComputedError(TilsynsplanError):
    """A risk run or model that does not exist yet and that only a planner may compute (a reader's GET must not
    train a model or store a run: that is a write, and minutes of CPU on every new date asked for)."""

    code = "not_computed"
    http_status = 409


class ForbiddenError(TilsynsplanError):
    code = "forbidden"
    http_status = 403


class DatabaseBusyError(TilsynsplanError):
    """Another process holds the database (an import or a plan being written) longer than we wait for it.
    Nothing was written; the same command succeeds when the other process is done."""

    code = "database_busy"
    http_status = 503
    retry_after_s = 5

    def __init__(self, waited_s: float | None = None) -> None:
        waited = "" if waited_s is None else f" (ventede {_seconds_da(waited_s)})"
        super().__init__(
            f"Databasen er optaget af en anden proces{waited}, fx en import eller en plan, der bliver gemt. "
            "Intet er gemt; prøv igen om lidt."
        )


class ConcurrentWriteError(DatabaseBusyError):
    """An upload checked against the stored rows while another process stored conflicting ones (two case systems
    pushing the same ``concern_id`` for two tilbud at the same moment): the database's unique index refused the
    second. Nothing was written; sent again, the upload is checked against what the other stored and gets the
    usual message. The CLI's exit code is the busy database's (5: run it again)."""

    code = "concurrent_write"
    http_status = 409
    retry_after_s = 1

    def __init__(self) -> None:
        TilsynsplanError.__init__(
            self,
            "En anden proces gemte samtidig rækker med de samme nøgler (fx samme concern_id for et andet tilbud), "
            "efter at denne upload var kontrolleret. Intet er gemt; send den igen, så kontrolleres den mod det, "
            "den anden gemte.",
        )


class StoredDataChanged(ConcurrentWriteError):
    """Another import stored data after this upload was checked and before it could be written (the check is not
    repeated under the writers' lock, so it may have missed a conflict: a tilbud's approval moved after a visit
    the upload adds). Nothing was written; the import services check the upload again and retry, and answer this
    only when other imports keep coming in between."""

    def __init__(self) -> None:
        TilsynsplanError.__init__(
            self,
            "Andre data blev gemt, mens denne upload blev kontrolleret, og den blev derfor ikke gemt: den skal "
            "kontrolleres mod det, der nu er gemt. Intet er gemt; send den igen.",
        )


class ServerBusyError(TilsynsplanError):
    """The server is already doing as much of a heavy kind of work (PDF reports) as it does at once, and this
    request waited its turn in vain. Nothing is wrong with the request; it succeeds in a moment."""

    code = "server_busy"
    http_status = 503
    retry_after_s = 30


class FormInProgressError(TilsynsplanError):
    """A web form that creates something was sent again while its first send is still working (a double-click,
    a reload): the second does not create a second plan or import; the first one's result comes when ready."""

    code = "form_in_progress"
    http_status = 409
    retry_after_s = 10


def _seconds_da(seconds: float) -> str:
    text = f"{seconds:g}".replace(".", ",")
    return f"{text} sekund" if seconds == 1 else f"{text} sekunder"


def warning_total(warnings: list[Violation]) -> int:
    """How many warnings ``warnings`` stand for: each one, and the ones a count warning stands for (``more``)."""
    return sum(1 + w.more for w in warnings)


@dataclass(frozen=True)
class Violation:
    """One broken rule in one cell of an uploaded file.

    ``row`` is the row number as a spreadsheet shows it (the header is row 1), or ``None`` when the
    violation concerns the whole file or a column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    #: How many more warnings of the same kind this one stands for (they were counted, not listed; the message
    #: says so): 0 for every warning and violation but the importer's count of what it left out.
    more: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", række {format_number_da(self.row, 0)}"
        if self.column is not None:
            where += f", kolonne '{self.column}'"
        value = "" if self.value is None else f": værdien '{self.value}'"
        return f"{where}{value} — {self.message}"


class ValidationFailed(TilsynsplanError):
    """An upload broke one or more rules of the data contract. Nothing was stored.

    ``violations`` are the ones reported (the importer lists at most 1,000); ``total`` is how many there were
    (default: as many as are listed), which the message states: "Upload afvist: 270.987 fejl; de første 1.000
    vises. Intet er gemt."
    """

    code = "validation_failed"
    http_status = 422

    def __init__(
        self, violations: list[Violation], warnings: list[Violation] | None = None, *, total: int | None = None
    ) -> None:
        self.total = max(total or 0, len(violations))
        shown = "" if self.total == len(violations) else f"; de første {format_number_da(len(violations), 0)} vises"
        super().__init__(
            f"Upload afvist: {format_number_da(self.total, 0)} fejl{shown}. Intet er gemt.",
            details=[v.as_dict() for v in violations],
        )
        self.violations = violations
        self.warnings = warnings or []

    @property
    def truncated(self) -> bool:
        """Whether more violations were found than are listed."""
        return self.total > len(self.violations)
