"""What the CLI prints from data is printed as it is: Rich reads brackets as markup, and a settings value is shown
as the JSON its environment variable takes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import detail_line
from api.cli_app import DataTable, console
from tests.api.conftest import run_cli as run

pytestmark = pytest.mark.usefixtures("cli_home")


def test_a_workbook_with_brackets_in_its_name_is_named_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "Data [v2].xlsx"
    book.write_bytes(b"not a workbook")
    code, _, err = run(capsys, "validate", str(book))
    assert code == 1
    assert "Data [v2].xlsx" in err  # Rich took "[v2]" for a style and printed "Data .xlsx"


def test_an_error_quoting_a_closing_tag_is_printed_not_a_markup_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "eksport[/x]")
    code, _, err = run(capsys, "validate", missing)
    assert code == 2, err
    assert f"'{missing}' findes ikke" in err  # Rich raised MarkupError on "[/x]": a traceback, no message


def test_a_refused_as_of_prints_no_python_dict(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", "--as-of", "2999-01-01")
    assert code == 2
    assert "2999-01-01 ligger efter i dag" in err
    assert "{'field'" not in err and "•" not in err  # the detail's facts are the message's


def test_a_detail_without_a_message_that_the_message_does_not_name_is_printed_as_fields() -> None:
    assert detail_line({"field": "as_of", "value": "2999-01-01"}, "as_of 2999-01-01 ligger efter i dag") == ""
    assert detail_line({"field": "top", "value": 0}, "ugyldig forespørgsel") == "field: top, value: 0"
    assert detail_line({"message": "T1: lukket"}, "1 låst besøg strider mod reglerne") == "T1: lukket"
    assert detail_line({"message": "lukket"}, "T1 er lukket") == ""


def test_a_data_table_shows_its_cells_as_they_are(capsys: pytest.CaptureFixture[str]) -> None:
    table = DataTable("tilbud")
    table.add_row("Bofællesskabet [Nord]")
    table.add_row("[bold]fed[/]")
    console.print(table)
    out = capsys.readouterr().out
    assert "Bofællesskabet [Nord]" in out and "[bold]fed[/]" in out


def test_list_settings_are_shown_as_the_json_their_variable_takes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "settings")
    assert code == 0
    row = next(line for line in out.splitlines() if "TILSYNSPLAN_DAYS_OFF" in line)
    assert '["12-24", "12-31"]' in row and "['12-24'" not in row
    assert json.loads('["12-24", "12-31"]') == ["12-24", "12-31"]


def test_a_name_with_an_emoji_code_is_printed_as_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    # `explain` headed a tilbud named "Tilbuddet :smile: Nord" as "Tilbuddet 😄 Nord": Rich replaced the code with
    # an emoji (escape() guards brackets, not emoji codes), while the tables and reports show the name as stored.
    from rich.markup import escape

    console.print(f"{escape('Tilbuddet :smile: Nord')} (T-2) — risiko 7,8 %")
    out = capsys.readouterr().out
    assert "Tilbuddet :smile: Nord (T-2)" in out and "😄" not in out
