"""Usage errors (unknown option, missing argument, bad value …) in Danish, exit code 2, through ``api.cli.main``."""

from __future__ import annotations

import re

import pytest

from api.cli import _USAGE_MESSAGES_DA, main, usage_message_da

pytestmark = pytest.mark.usefixtures("cli_home")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    code = info.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "command", "message"),
    [
        (["plan", "--quater", "2026Q4"], "plan", "Ukendt tilvalg: --quater. Mente du --quarter?"),
        (["explain"], "explain", "Argumentet 'facility_id' mangler."),
        (["lock", "F1", "2026-10-01"], "lock", "Tilvalget '--inspector' mangler."),
        (
            ["plan", "show", "1", "--format", "xml"],
            "plan show",
            "Ugyldig værdi for '--format': 'xml' er ikke en af de tilladte værdier: 'table', 'json'.",
        ),
        (["score", "--top", "0"], "score", "Ugyldig værdi for '--top': skal være mindst 1"),
        (["plan", "show", "1", "2", "3"], "plan show", "Uventet ekstra argument(er): 2 3"),
        (["plna"], "", "Ukendt kommando 'plna'. Mente du 'plan'?"),
    ],
)
def test_usage_errors_are_danish_with_exit_code_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], command: str, message: str
) -> None:
    code, err = run(capsys, *argv)
    assert code == 2
    assert f"Fejl: {message}" in err
    usage, hint = err.splitlines()[:2]
    assert usage.startswith("Brug: ") and f"{command} [TILVALG]".strip() in usage
    assert hint.startswith("Prøv '") and hint.endswith(f"{command} --help' for hjælp.".strip()), hint
    for english in ("Error", "Usage", "OPTIONS", "Try ", "No such", "Missing", "Invalid", "unexpected"):
        assert english not in err, english


def test_an_option_without_its_value_is_danish(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "plan", "--quarter")
    assert code == 2
    assert err.strip() == "Fejl: Tilvalget '--quarter' skal have en værdi."


def test_the_command_alone_still_shows_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    out, err = capsys.readouterr()
    assert info.value.code == 2
    assert "backtest" in out + err and "Besøgsplaner" in out + err  # the commands and their help
    assert "Kommandoer" in out + err and "Commands" not in out + err  # in the Danish frame (test_cli_help.py)
    assert "Fejl" not in out + err


@pytest.mark.parametrize(
    ("english", "danish"),
    [
        # click 8's own wording (Typer before 0.2x parses with click itself)
        ("No such option: --quater Did you mean --quarter?", "Ukendt tilvalg: --quater. Mente du --quarter?"),
        ("No such option: --bogus", "Ukendt tilvalg: --bogus"),
        ("Got unexpected extra argument (2)", "Uventet ekstra argument: 2"),
        ("Got unexpected extra arguments (2 3)", "Uventede ekstra argumenter: 2 3"),
        ("No such command 'pln'.", "Ukendt kommando 'pln'."),
        ("Missing argument 'FACILITY_ID'.", "Argumentet 'FACILITY_ID' mangler."),
        (
            "Missing argument 'KIND'. Choose from:\n\trisk,\n\tplan",
            "Argumentet 'KIND' mangler. Vælg mellem:\n\trisk,\n\tplan",
        ),
        ("Missing option '-q' / '--quarter'.", "Tilvalget '-q' / '--quarter' mangler."),
        (
            "Invalid value for '--format': 'xml' is not one of 'table', 'json'.",
            "Ugyldig værdi for '--format': 'xml' er ikke en af de tilladte værdier: 'table', 'json'.",
        ),
        (
            "Invalid value for '--top': 'x' is not a valid integer.",
            "Ugyldig værdi for '--top': 'x' er ikke et helt tal.",
        ),
        (
            "Invalid value for '--top': 0 is not in the range x>=1.",
            "Ugyldig værdi for '--top': 0 ligger uden for intervallet x>=1.",
        ),
        (
            "Invalid value for 'SOURCE': Path '/nope' does not exist.",
            "Ugyldig værdi for 'SOURCE': '/nope' findes ikke.",
        ),
        # Typer's copy of click: pydantic words the reason
        (
            "Invalid value for 'plan_id': Input should be a valid integer, unable to parse string as an integer",
            "Ugyldig værdi for 'plan_id': skal være et helt tal",
        ),
        (
            "Invalid value for 'day': Value error, '1/10' does not match the formats '%Y-%m-%d'.",
            "Ugyldig værdi for 'day': '1/10' passer ikke til formatet ÅÅÅÅ-MM-DD.",
        ),
        ("Option '--verbose' does not take a value.", "Tilvalget '--verbose' tager ingen værdi."),
        ("Missing command.", "Angiv en kommando."),
    ],
)
def test_click_messages_in_danish(english: str, danish: str) -> None:
    assert usage_message_da(english) == danish


def test_an_unknown_message_stays_english() -> None:
    assert usage_message_da("Something click says in a later version.") == "Something click says in a later version."
    # the known frame is translated, the unknown reason is kept as click wrote it
    assert usage_message_da("Invalid value for '--x': Input should be a multiple of 3") == (
        "Ugyldig værdi for '--x': Input should be a multiple of 3"
    )


def test_every_template_names_only_its_patterns_groups() -> None:
    for pattern, danish in _USAGE_MESSAGES_DA:
        named = set(re.findall(r"{(\w+)}", danish))
        assert named <= set(pattern.groupindex), pattern.pattern


def test_end_of_input_says_afbrudt_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typer's copy of click turns EOFError (end of input at a prompt) into *its* Abort, which ``click.Abort``
    does not catch: the user got a traceback. (Ctrl-C becomes Typer's Exit(130): exit code 130.)"""
    import api.services.synthetic as synthetic

    def eof(*_args: object, **_kwargs: object) -> None:
        raise EOFError

    monkeypatch.setattr(synthetic, "generate_to_dir", eof)
    code, err = run(capsys, "generate", "x")
    assert code == 130
    assert "Afbrudt." in err


def test_ctrl_c_exits_130(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import api.services.synthetic as synthetic

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(synthetic, "generate_to_dir", interrupted)
    code, err = run(capsys, "generate", "x")
    assert code == 130
    assert "Traceback" not in err
