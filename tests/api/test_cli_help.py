"""The help pages (``--help``) in Danish, through ``api.cli.main``: our own help texts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer

from api.cli import app, main

# Words that give an English help text away (and are no Danish word); "to", "for" and "med" are left out.
ENGLISH_WORDS = frozenset(
    {"the", "or", "and", "of", "in", "is", "with", "default", "same", "as", "show", "folder", "details"}
)


def _commands(command: object, path: str = "tilsynsplan") -> Iterator[tuple[str, object]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, f"{path} {name}")


def _english_words(text: str) -> set[str]:
    """English words in a help text, leaving out what stays as it is: option names, environment variables,
    file names and quoted values."""
    text = re.sub(r"--?[\w-]+|\bTILSYNSPLAN_\w+|'[^']*'|\S+/\S*|\S*\.\w+\b", " ", text)
    return {word for word in re.findall(r"[A-Za-z]+", text) if word.lower() in ENGLISH_WORDS}


def test_every_help_text_of_ours_is_danish() -> None:
    """Every command's and every option's and argument's help text (a heuristic: no English give-away word)."""
    english: list[str] = []
    for path, command in _commands(typer.main.get_command(app)):
        texts = [getattr(command, "help", None) or ""]
        texts += [getattr(param, "help", None) or "" for param in getattr(command, "params", [])]
        english += [f"{path}: {text}" for text in texts if _english_words(text)]
    assert english == []


def test_the_heuristic_finds_english() -> None:
    assert _english_words("table or json") == {"or"}
    assert _english_words("Log progress details.") == {"details"}
    assert _english_words("Working folder (database, models, reports). Same as TILSYNSPLAN_HOME.") == {
        "folder",
        "Same",
        "as",
    }
    assert _english_words("Hvad der vides pr. denne dato; brug --as-of, se 'plan list', data/ og truth/.") == set()


def test_the_global_options_are_explained_in_danish(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # one line per option: Rich wraps at the terminal's width
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    for danish in (
        "Databasens URL (standard: SQLite i arbejdsmappen). Samme som TILSYNSPLAN_DATABASE_URL.",
        "Arbejdsmappe (database, modeller, rapporter). Samme som TILSYNSPLAN_HOME.",
        "Log detaljer om fremdriften.",
    ):
        assert danish in out
    for english in ("Database URL", "Working folder", "Log progress details"):
        assert english not in out
