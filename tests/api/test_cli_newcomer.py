"""What a newcomer meets on the command line: Ctrl-C, out-of-range values, wrong formats, progress on a pipe."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from api.cli import usage_message_da
from tests.api.conftest import run_cli as run

pytestmark = pytest.mark.usefixtures("cli_home")


def test_ctrl_c_says_it_was_interrupted_and_exits_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.services import imports

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(imports, "status", interrupted)
    code, out, err = run(capsys, "status")
    assert code == 130
    assert out == ""
    assert "Afbrudt" in err  # Typer turned Ctrl-C into a silent exit 130: the user saw nothing at all
    assert "Traceback" not in err


def test_a_port_out_of_range_is_refused_with_the_range(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "serve", "--port", "99999")
    assert code == 2  # was 1 with uvicorn's OverflowError traceback, after the session token was printed
    assert "Ugyldig værdi for '--port'" in err and "65535" in err
    assert out == ""


@pytest.mark.parametrize("argv", [("settings", "--format", "xml"), ("locks", "--format", "csv")])
def test_an_unknown_format_names_the_allowed_ones(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2, out  # was exit 0 with a table, as if the format had been understood
    assert f"'{argv[2]}' er ikke en af de tilladte værdier: 'table', 'json'" in err
    assert out == ""


def test_a_bad_date_names_the_format_in_danish(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "T1", "--as-of", "2026-13-01")
    assert code == 2
    assert "'2026-13-01' passer ikke til formatet ÅÅÅÅ-MM-DD" in err  # was '%Y-%m-%d', Python's strptime code
    assert "%Y" not in err
    assert usage_message_da("'x' does not match the formats '%Y-%m-%d', '%d-%m-%Y'.") == (
        "'x' passer ikke til formatet ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ."
    )


def test_date_options_show_the_danish_date_form_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("train", "score", "explain", "report", "backtest"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0
        assert "%Y" not in out, command  # the metavar was <%Y-%m-%d>


def test_progress_on_a_pipe_leaves_no_trace_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], small_folder: Path
) -> None:
    code, out, err = run(capsys, "import", str(small_folder))
    assert code == 0, err
    assert "kontrol" not in out and "0:00:0" not in out  # the import's finished bars were printed into the result
    assert out.startswith(" ") or out.startswith("Import")
    assert not out.startswith("\n")


def test_the_import_log_names_a_source_with_brackets_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], small_folder: Path
) -> None:
    source = small_folder.rename(tmp_path / "eksport [v2]")
    code, _, err = run(capsys, "import", str(source))
    assert code == 0, err
    code, out, _ = run(capsys, "imports")
    assert code == 0
    assert "eksport [v2]" in out and "\\[" not in out  # the table escaped the markup twice: "eksport \[v2]"


def test_plan_list_on_an_empty_home_says_what_to_run(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "list")
    assert code == 0
    assert "Ingen gemte planer endnu" in out and "tilsynsplan plan --quarter" in out  # was a table of bare headers
    assert "┏" not in out


def test_the_command_list_wraps_no_summary_at_a_docstring_line_break(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # every summary fits its row
    code, out, _ = run(capsys, "--help")
    assert code == 0
    panel = out[out.index("Kommandoer") :]
    rows = [line.strip("│ ").strip() for line in panel.splitlines() if line.startswith("│")]
    assert "withdraw-concern" in " ".join(rows)
    # a row without a command name is a summary broken where its docstring's source line ended
    assert [row for row in rows if row.split()[0] not in COMMANDS] == []


COMMANDS = {
    "backtest", "validate", "import", "status", "withdraw-concern", "imports", "demo", "lock", "unlock", "locks",
    "train", "score", "explain", "report", "serve", "settings", "generate", "plan",
}  # fmt: skip


def test_a_home_that_is_a_file_is_named_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "notes.txt"
    home.write_text("x")
    code, out, err = run(capsys, "--home", str(home), "score")
    assert code == 2  # was 1 with a FileExistsError traceback
    assert f"{home} kan ikke bruges: der ligger en fil med det navn, ikke en mappe" in " ".join(err.split())
    assert "Traceback" not in err and "FileExistsError" not in err
    assert out == ""


def test_a_database_url_that_cannot_be_read_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--database-url", "foo", "status")
    assert code == 2  # was 1 with SQLAlchemy's ArgumentError traceback
    flat = " ".join(err.split())
    assert "Databasens URL kan ikke læses" in flat and "postgresql+psycopg://" in flat
    assert "ArgumentError" not in err


def test_a_database_that_cannot_be_reached_says_so_without_its_password(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--database-url", "postgresql+psycopg://bruger:hemmelig@127.0.0.1:1/db", "status")
    assert code == 3  # was 1 with psycopg's OperationalError traceback
    flat = " ".join(err.split())
    assert "Databasen postgresql+psycopg://bruger:***@127.0.0.1:1/db kan ikke åbnes" in flat
    assert "hemmelig" not in err and "Traceback" not in err


def test_a_port_in_use_is_named_before_serve_says_it_runs(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run(capsys, "serve", "--host", "127.0.0.1", "--port", str(port))
    assert code == 2  # was exit 3 after "Tilsynsplan kører på …" and uvicorn's English "address already in use"
    assert f"Porten {port} på 127.0.0.1 er optaget" in " ".join(err.split())
    assert "kører på" not in out and "Token" not in out


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    code, out, err = run(capsys, "--version")
    assert code == 0, err  # was "Ukendt tilvalg: --version. Mente du --verbose?", exit 2
    assert out.strip() == f"tilsynsplan {version('tilsynsplan')}"
