"""The help pages (``--help``) in Danish, through ``api.cli.main``: our own help texts and Typer's frame around them
(usage line, panel titles, markers, the help option)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer

from api.cli import app, main
from api.cli_app import RICH_HELP_TEXTS_DA, DanishCommand, DanishGroup, danish_rich_help

# Typer's English frame; none of it may be left on a help page.
ENGLISH_FRAME = (
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Show this message and exit",
    "[OPTIONS]",
    "COMMAND",
    "[ARGS]",
    "[default:",
    "[required]",
    "[env var:",
    "(deprecated)",
    "--install-completion",
    "--show-completion",
)

# Words that give an English help text away (and are no Danish word); "to", "for" and "med" are left out.
ENGLISH_WORDS = frozenset(
    {"the", "or", "and", "of", "in", "is", "with", "default", "same", "as", "show", "folder", "details"}
)


@pytest.fixture(autouse=True)
def home(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILSYNSPLAN_HOME", str(tmp_path))  # the global options' callback runs before a group's help
    monkeypatch.setenv("COLUMNS", "300")  # one line per option: Rich wraps at the terminal's width


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


def help_page(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """``tilsynsplan ARGV --help`` as the user reads it (without colour codes); it exits 0."""
    with pytest.raises(SystemExit) as info:
        main([*argv, "--help"])
    assert info.value.code == 0
    return re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)


def test_the_global_options_are_explained_in_danish(capsys: pytest.CaptureFixture[str]) -> None:
    out = help_page(capsys)
    for danish in (
        "Databasens URL (standard: SQLite i arbejdsmappen). Samme som TILSYNSPLAN_DATABASE_URL.",
        "Arbejdsmappe (database, modeller, rapporter). Samme som TILSYNSPLAN_HOME.",
        "Log detaljer om fremdriften.",
    ):
        assert danish in out
    for english in ("Database URL", "Working folder", "Log progress details"):
        assert english not in out


def assert_danish_frame(page: str) -> None:
    assert re.search(r"^ Brug: \S", page, re.MULTILINE), page  # the program's name follows, as it was started
    assert "Tilvalg" in page
    assert "--help" in page and "Vis denne hjælp og afslut." in page
    left = [english for english in ENGLISH_FRAME if english in page]
    assert left == [], page


def test_the_top_level_help_is_danish(capsys: pytest.CaptureFixture[str]) -> None:
    page = help_page(capsys)
    assert_danish_frame(page)
    assert "[TILVALG] KOMMANDO [ARGUMENTER]..." in page
    assert "╭─ Tilvalg ─" in page and "╭─ Kommandoer ─" in page
    assert "plan " in page and "Besøgsplaner" in page  # the commands with their help


def test_a_groups_help_is_danish(capsys: pytest.CaptureFixture[str]) -> None:
    page = help_page(capsys, "plan")
    assert_danish_frame(page)
    assert "plan [TILVALG] KOMMANDO [ARGUMENTER]..." in page
    assert "╭─ Tilvalg ─" in page and "╭─ Kommandoer ─" in page
    assert "--quarter" in page and "show " in page


def test_a_commands_help_is_danish(capsys: pytest.CaptureFixture[str]) -> None:
    page = help_page(capsys, "explain")
    assert_danish_frame(page)
    assert "explain [TILVALG]" in page
    assert "╭─ Argumenter ─" in page and "╭─ Tilvalg ─" in page
    assert "Tilbuddets id (facility_id). [påkrævet]" in page
    assert "table eller json. [standard: table]" in page


def test_every_help_page_is_danish(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [path.split()[1:] for path, _ in _commands(typer.main.get_command(app))]
    assert len(paths) > 15
    for argv in paths:
        assert_danish_frame(help_page(capsys, *argv))


def test_every_command_uses_the_danish_classes() -> None:
    """A sub-app made with ``typer.Typer`` instead of ``DanishTyper`` would draw an English frame."""
    for path, command in _commands(typer.main.get_command(app)):
        danish = DanishGroup if hasattr(command, "commands") else DanishCommand
        assert isinstance(command, danish), path


def test_typer_still_has_every_text_we_translate() -> None:
    """Fails when a Typer upgrade renamed one of its help texts (the CLI still works; that text is English)."""
    assert danish_rich_help() == []


def test_a_renamed_typer_text_leaves_the_help_working(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer.rich_utils

    monkeypatch.setitem(RICH_HELP_TEXTS_DA, "RENAMED_PANEL_TITLE", "Omdøbt")
    assert danish_rich_help() == ["RENAMED_PANEL_TITLE"]
    assert not hasattr(typer.rich_utils, "RENAMED_PANEL_TITLE")
    assert_danish_frame(help_page(capsys, "explain"))


def test_no_help_page_shows_a_python_date_code(capsys: pytest.CaptureFixture[str]) -> None:
    """A date is shown as the product writes its form, ÅÅÅÅ-MM-DD (``lock``/``unlock`` showed ``<%Y-%m-%d>``)."""
    paths = [path.split()[1:] for path, _ in _commands(typer.main.get_command(app))]
    coded = {" ".join(argv) for argv in paths if re.search(r"%[YmdHMS]", help_page(capsys, *argv))}
    assert coded == set()
    for argv in (["lock"], ["unlock"]):
        page = help_page(capsys, *argv)
        assert re.search(r"day\s+<ÅÅÅÅ-MM-DD>\s+Dato ÅÅÅÅ-MM-DD\.", page), page
