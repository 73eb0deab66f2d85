"""Exports as a tilsyn's tools really write them (Excel, a case system, files put together by hand): each is
either read as the contract allows or refused with one violation that says what to do, never a pile of
follow-on errors, a phantom row or a crash in the database."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.contract import FILES, Kind
from data.db import Base
from data.errors import ValidationFailed
from data.importer import read_upload
from tests.data.test_importer import add_column, fails, rewrite, texts
from tests.factories import AS_OF, small_dataset
from tests.fixtures.uploads import csv_bytes, write_csv_folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_csv_folder(small_dataset(), tmp_path / "upload")


def only(error: ValidationFailed, rule: str) -> list[tuple[str, int | None, str | None, str | None]]:
    return [(v.file, v.row, v.column, v.value) for v in error.violations if v.rule == rule]


def message(error: ValidationFailed, row: int, column: str) -> str:
    return next(v.message for v in error.violations if (v.row, v.column) == (row, column))


# --- lengths -----------------------------------------------------------------------------------------


def test_text_lengths_of_the_contract_are_the_database_columns() -> None:
    """A text longer than its database column is accepted by SQLite and refused by PostgreSQL at storage time
    (a 500 after validation said yes): the contract must know each length."""
    for spec in FILES:
        table = Base.metadata.tables[spec.name]
        for col in spec.columns:
            if col.kind != Kind.TEXT or col.references is not None or col.pattern is not None or col.check:
                continue
            length = getattr(table.c[col.name].type, "length", None)
            assert col.max_length == length, f"{spec.name}.{col.name}: contract {col.max_length}, database {length}"


def test_a_text_longer_than_its_column_is_refused_with_the_limit(folder: Path) -> None:
    fac = texts("facilities")
    fac[1][1] = "N" * 301
    fac[2][0] = "F" * 65
    rewrite(folder, "facilities", fac)
    uof = texts("use_of_force")
    uof[1][3] = "k" * 61
    rewrite(folder, "use_of_force", uof)
    error = fails(folder)
    places = {(f, r, c) for f, r, c, _ in only(error, "too_long")}
    assert places == {
        ("facilities.csv", 2, "name"),
        ("facilities.csv", 3, "facility_id"),
        ("use_of_force.csv", 2, "kind"),
    }
    assert message(error, 2, "name") == "name må højst have 300 tegn (værdien har 301 tegn)"


# --- invisible characters ----------------------------------------------------------------------------


def test_a_byte_order_mark_at_the_start_of_a_line_is_ignored_like_a_space(folder: Path) -> None:
    """``copy a.csv+b.csv`` puts b's BOM in front of its first cell: the id must not become a new facility."""
    data = (folder / "facilities.csv").read_bytes()
    header, first, rest = data.split(b"\n", 2)
    (folder / "facilities.csv").write_bytes(header + b"\n" + first + b"\n\xef\xbb\xbf" + rest)
    result = read_upload(folder, today=AS_OF)
    assert list(result.dataset.facilities["facility_id"]) == list(small_dataset().facilities["facility_id"])


def test_a_letter_written_as_letter_and_combining_mark_is_the_same_letter(folder: Path) -> None:
    """ "Å" is one character or "A" + a combining ring (macOS and some exports write the second): they look alike
    and compared unequal, so the same tilbud's id in the other files did not match facilities.csv ("facility_id
    'Åhuset' findes ikke i facilities" beside a row that shows 'Åhuset'). Every file is read composed (NFC)."""
    import re

    for path in folder.glob("*.csv"):
        written = "\u00c5huset" if path.stem == "facilities" else "A\u030ahuset"  # composed there, decomposed here
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)(^|,)F1(?=,|$)", rf"\g<1>{written}", text), encoding="utf-8")
    result = read_upload(folder, today=AS_OF)
    ids = set(result.dataset.facilities["facility_id"])
    assert "\u00c5huset" in ids and "A\u030ahuset" not in ids and "F1" not in ids
    visits = result.dataset.visits
    assert (visits["facility_id"] == "\u00c5huset").sum() == (small_dataset().visits["facility_id"] == "F1").sum() > 0


def test_an_invisible_character_inside_a_value_is_refused_and_named(folder: Path) -> None:
    fac = texts("facilities")
    fac[1][0] = "F\u200b1"  # a zero-width space copied from a web page
    fac[2][7] = "opholds\ufeffsted"
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert {(r, c) for _, r, c, _ in only(error, "invisible_character")} == {(2, "facility_id"), (3, "facility_type")}
    assert "U+200B" in message(error, 2, "facility_id")
    assert not only(error, "enum")  # one violation per cell, not also "unknown type"


@pytest.mark.parametrize(
    ("char", "code"),
    [
        ("\u200e", "U+200E"),  # left-to-right mark: Windows puts it in dates it formats, Outlook in copied text
        ("\u200f", "U+200F"),  # right-to-left mark
        ("\u202a", "U+202A"),  # left-to-right embedding
        ("\u2068", "U+2068"),  # first strong isolate
        ("\ufe0f", "U+FE0F"),  # variation selector
    ],
)
def test_every_invisible_formatting_character_is_one(folder: Path, char: str, code: str) -> None:
    """Only six invisible characters were known: with a left-to-right mark inside, "F1" became a new tilbud that
    looks exactly like F1, stored silently; around a date or an enum it made the value look right and be refused."""
    fac = texts("facilities")
    fac[1][0] = f"F{char}1"
    fac[2][fac[0].index("approved_on")] = f"{char}{fac[2][fac[0].index('approved_on')]}{char}"
    fac[3][fac[0].index("authority")] = f"{fac[3][fac[0].index('authority')]}{char}"
    rewrite(folder, "facilities", fac)
    error = fails(folder, existing=small_dataset())
    assert [(v.row, v.column, v.rule) for v in error.violations] == [(2, "facility_id", "invisible_character")]
    assert code in error.violations[0].message


#: Free text as people write it: the joiner (U+200D) and the variation selectors (U+FE0E, U+FE0F) are parts of
#: emoji and of some scripts' letters, not characters copied by mistake.
_WRITTEN_WITH_JOINERS = {
    ("facilities", "name"): "Bostedet 👨\u200d👩\u200d👧",  # family: three emoji joined
    ("facilities", "municipality"): "Aarhus \u2600\ufe0f",  # sun as emoji, the selector last in the value
    ("facilities", "target_group"): "Unge 🏳\ufe0f\u200d🌈 og \u0915\u094d\u200d\u0937",  # rainbow flag; Devanagari
    ("inspectors", "name"): "Anne Holm 👩🏽\u200d💻 \u2764\ufe0e",  # skin tone, joiner; heart as text
}


_WRITTEN_WITH_NON_JOINERS = {
    ("facilities", "name"): "Kitab\u200ckhane \u06a9\u062a\u0627\u0628\u200c\u062e\u0627\u0646\u0647",  # Persian
    ("facilities", "municipality"): "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # "mi-khaham"
    ("facilities", "target_group"): "\u0915\u094d\u200c\u0937 unge",  # Devanagari: after a virama (a mark)
    ("inspectors", "name"): "Sara \u0646\u0627\u0645\u0647\u200c\u0627\u06cc",
}


@pytest.mark.parametrize(
    "written",
    [
        # A facility named "Bostedet 👨‍👩‍👧" was refused as holding an invisible character (U+200D): in a name, a
        # municipality, a target group or an inspector's name the joiner and the variation selectors of an emoji or a
        # script's letter are kept, as written, between (or, a selector, after) visible characters.
        pytest.param(_WRITTEN_WITH_JOINERS, id="joiners"),
        # A Persian name was refused as holding an invisible character (U+200C): the zero-width non-joiner is part of
        # the spelling of Persian and some Indic words, between two letters (or a letter's mark), so free text keeps it.
        pytest.param(_WRITTEN_WITH_NON_JOINERS, id="non-joiners"),
    ],
)
def test_joining_characters_in_free_text_are_kept_as_written(folder: Path, written: dict[tuple[str, str], str]) -> None:
    """Joiners, variation selectors and non-joiners in free text are parts of how people write, not characters
    copied by mistake: stored as written, no warning."""
    for table in ("facilities", "inspectors"):
        rows = texts(table)
        for (t, column), value in written.items():
            if t == table:
                rows[1][rows[0].index(column)] = value
        rewrite(folder, table, rows)
    result = read_upload(folder, today=AS_OF)
    tables = result.dataset.tables()
    assert {key: tables[key[0]][key[1]].iloc[0] for key in written} == written
    assert not [w for w in result.warnings if w.rule == "invisible_character"]


@pytest.mark.parametrize(
    ("table", "column", "value", "code"),
    [
        ("facilities", "facility_id", "F\u200d1", "U+200D"),  # an id: a new tilbud that looks like F1
        ("facilities", "postcode", "86\ufe0f00", "U+FE0F"),  # a code
        ("facilities", "approved_on", "2015-03\u200d-01", "U+200D"),  # a date
        ("facilities", "places", "2\u200d4", "U+200D"),  # a number
        ("use_of_force", "kind", "fysisk\u200dfastholdelse", "U+200D"),  # free-looking, but part of the key
        ("facilities", "name", "Bostedet \u200d Ege", "U+200D"),  # a joiner between spaces joins nothing
        ("facilities", "name", "Bostedet\u200d\u200d Ege", "U+200D"),  # nor one before a space
        ("facilities", "name", "Bostedet \ufe0fEge", "U+FE0F"),  # a selector after a space selects nothing
        ("facilities", "name", "Bostedet 👨\u200b👩", "U+200B"),  # a zero-width space stays refused in a name
        ("facilities", "name", "Bostedet \u200eEge", "U+200E"),  # and so does a bidi control
        ("inspectors", "name", "Anne\u200bHolm", "U+200B"),
        ("facilities", "ownership", "kom\u200cmunal", "U+200C"),  # a non-joiner between letters, but in a code
        ("use_of_force", "kind", "faste\u200choldelse", "U+200C"),  # or a key
        ("facilities", "name", "Bostedet\u200c Ege", "U+200C"),  # before a space it parts no letters
        ("facilities", "name", "Bostedet 1\u200c2", "U+200C"),  # nor between digits
    ],
)
def test_a_joiner_outside_free_text_or_not_joining_is_still_refused(
    folder: Path, table: str, column: str, value: str, code: str
) -> None:
    """The joiner and the selectors are allowed in free text only, and only where they join (or select) visible
    characters; ids, keys, codes, dates and numbers refuse them, and the other invisible characters stay refused."""
    rows = texts(table)
    rows[1][rows[0].index(column)] = value
    rewrite(folder, table, rows)
    error = fails(folder)
    assert [(v.file, v.row, v.column, v.rule) for v in error.violations] == [
        (f"{table}.csv", 2, column, "invisible_character")
    ]
    assert error.violations[0].message == (
        f"{column} indeholder et usynligt tegn ({code}), så værdien ikke er den, den ser ud til; skriv værdien igen "
        "(tegnet kommer ofte med, når tekst kopieres fra en webside)"
    )


def test_a_joiner_around_free_text_is_ignored_like_a_space(folder: Path) -> None:
    """Around a name a joiner or a selector joins nothing: ignored like a space, as every invisible character is."""
    fac = texts("facilities")
    fac[1][1] = "\u200dBostedet Egebakken\u200d"
    fac[2][1] = "\ufe0fOpholdsstedet Solsikken \u200d"
    rewrite(folder, "facilities", fac)
    names = list(read_upload(folder, today=AS_OF).dataset.facilities["name"])
    assert names[:2] == ["Bostedet Egebakken", "Opholdsstedet Solsikken"]


# --- control characters ------------------------------------------------------------------------------


def test_a_control_character_inside_an_id_is_refused_and_named(folder: Path) -> None:
    """A line break typed into an id (Alt+Enter in Excel) would store a new visit that looks like V9."""
    visits = texts("visits")
    visits.append(["V\n9", "F1", "2024-01-02", "true", "operational", ""])
    visits[2][5] = "I1;I\t2"  # a tab inside a list of inspector ids
    rewrite(folder, "visits", visits)
    error = fails(folder)
    assert only(error, "control_character") == [
        ("visits.csv", 3, "inspector_ids", "I1;I\u24092"),
        ("visits.csv", 8, "visit_id", "V\u240a9"),
    ]
    assert message(error, 8, "visit_id") == (
        "visit_id indeholder et linjeskift efter 'V'; styretegn er ikke tilladt i en værdi (et id med et "
        "styretegn bliver et nyt id, der ligner et andet): skriv værdien på én linje"
    )
    assert "et tabulatortegn efter 'I1;I'" in message(error, 3, "inspector_ids")
    assert len(error.violations) == 2  # no follow-on "unknown inspector" or "must not be empty"


def test_a_control_character_inside_a_text_is_refused_but_whitespace_around_it_is_stripped(folder: Path) -> None:
    fac = texts("facilities")
    fac[1][1] = "Bostedet\x07Egebakken"  # a BEL from an old case system
    fac[2][1] = "Bostedet\tÅen"
    fac[3][1] = "\tBotilbuddet Kastanjen\u00a0"  # a tab or a non-breaking space around it: stripped like a space
    fac[4][1] = "Opholdsstedet\nafd. Nord"  # free text may hold a line break (a cell typed with Alt+Enter)
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert only(error, "control_character") == [
        ("facilities.csv", 2, "name", "Bostedet\u2407Egebakken"),
        ("facilities.csv", 3, "name", "Bostedet\u2409Åen"),
    ]
    assert message(error, 2, "name") == (
        "name indeholder styretegnet U+0007 efter 'Bostedet'; styretegn er ikke tilladt i en værdi: "
        "skriv værdien igen uden tegnet"
    )
    assert message(error, 3, "name").startswith("name indeholder et tabulatortegn efter 'Bostedet'")
    fac[1][1], fac[2][1] = "Bostedet Egebakken", "Bostedet Åen"
    rewrite(folder, "facilities", fac)
    names = read_upload(folder, today=AS_OF).dataset.facilities["name"].tolist()
    assert names[2:4] == ["Botilbuddet Kastanjen", "Opholdsstedet\nafd. Nord"]


# --- rows and lines ----------------------------------------------------------------------------------


def test_a_header_repeated_below_is_one_violation_not_one_per_column(folder: Path) -> None:
    """Two exports put after one another: the second header is a row of the first file."""
    fac = texts("facilities")
    rewrite(folder, "facilities", [*fac[:3], fac[0], *fac[3:]])
    error = fails(folder)
    assert [(v.file, v.row, v.rule) for v in error.violations] == [("facilities.csv", 4, "header_repeated")]
    assert "overskriften" in error.violations[0].message


@pytest.mark.parametrize("word", ["I alt", "Total:", "SUM"])
def test_a_totals_row_is_one_violation_not_one_per_column(folder: Path, word: str) -> None:
    """A sheet with a row that sums the column below the table: "name må ikke være tom", "authority må ikke være
    tom" … one violation for every empty cell of a row that is no record at all."""
    fac = texts("facilities")
    total = [""] * len(fac[0])
    total[0], total[fac[0].index("places")] = word, "123"
    force = texts("use_of_force")
    force.append([word, "", "17", ""])
    rewrite(folder, "facilities", [*fac, total])
    rewrite(folder, "use_of_force", force)
    error = fails(folder)
    assert [(v.file, v.row, v.column, v.rule) for v in error.violations] == [
        ("facilities.csv", len(fac) + 1, None, "totals_row"),
        ("use_of_force.csv", len(force), None, "totals_row"),
    ]
    assert error.violations[0].message == (
        f"rækken ligner en sumrække ('{word}') og er ingen post; slet den (eller flyt summen uden for tabellen)"
    )


@pytest.mark.parametrize("word", ["Antal i alt", "Total antal", "Sum af count", "I alt (2026)"])
def test_a_totals_row_with_a_longer_label_is_one_violation(folder: Path, word: str) -> None:
    """'Antal i alt' (or a pivot table's 'Sum af count') was no totals row: a reference to a tilbud 'Antal i alt' and an
    empty month."""
    force = texts("use_of_force")
    force.append([word, "", "17", ""])
    rewrite(folder, "use_of_force", force)
    error = fails(folder)
    assert [(v.file, v.row, v.rule) for v in error.violations] == [("use_of_force.csv", len(force), "totals_row")]
    assert error.violations[0].message.startswith(f"rækken ligner en sumrække ('{word}')")


def test_a_sum_without_a_label_below_the_table_is_one_violation(folder: Path) -> None:
    """Excel's AutoSum under a column: a last row holding only the sum, which gave one 'må ikke være tom' per required
    column (seven in facilities.csv)."""
    fac = texts("facilities")
    total = [""] * len(fac[0])
    total[fac[0].index("places")] = "94"
    force = texts("use_of_force")
    force.append(["", "", "9", ""])
    rewrite(folder, "facilities", [*fac, total])
    rewrite(folder, "use_of_force", force)
    error = fails(folder)
    assert [(v.file, v.row, v.column, v.rule) for v in error.violations] == [
        ("facilities.csv", len(fac) + 1, None, "totals_row"),
        ("use_of_force.csv", len(force), None, "totals_row"),
    ]
    assert error.violations[0].message == (
        "rækken ligner en sumrække (den har kun tal: '94') og er ingen post; slet den (eller flyt summen uden for "
        "tabellen)"
    )


def test_a_row_of_numbers_inside_the_table_is_checked_cell_by_cell(folder: Path) -> None:
    """Only the table's last rows can be a sum below it: a record in the middle with its ids missing is a record."""
    force = texts("use_of_force")
    force.insert(2, ["", "", "9", ""])
    rewrite(folder, "use_of_force", force)
    error = fails(folder)
    assert {(v.row, v.column, v.rule) for v in error.violations} == {
        (3, "facility_id", "required"),
        (3, "month", "required"),
    }


def test_a_note_below_the_table_is_one_violation(folder: Path, tmp_path: Path) -> None:
    """'Kilde: Fagsystem X, udtrukket 1. okt 2026' in the first cell of a last row (a sheet's note, and the CSV file
    saved from it) gave one 'må ikke være tom' per other required column."""
    vis = texts("visits")
    note = "Kilde: Fagsystem X, udtrukket 1. okt 2026"
    rewrite(folder, "visits", [*vis, [""] * len(vis[0]), [note] + [""] * (len(vis[0]) - 1)])
    error = fails(folder)
    assert [(v.file, v.row, v.column, v.rule) for v in error.violations] == [
        ("visits.csv", len(vis) + 2, None, "note_row")
    ]
    assert error.violations[0].message == (
        f"rækken har kun tekst i én celle ('{note}') og ligner en note under tabellen, ingen post; slet den (eller "
        "flyt noten uden for tabellen), eller udfyld rækken, hvis den er en post"
    )


def test_a_last_record_with_one_value_is_checked_cell_by_cell(folder: Path) -> None:
    vis = texts("visits")
    rewrite(folder, "visits", [*vis, ["V99"] + [""] * (len(vis[0]) - 1)])
    assert {(v.column, v.rule) for v in fails(folder).violations} == {
        ("facility_id", "required"),
        ("date", "required"),
        ("announced", "required"),
        ("kind", "required"),
    }


def test_a_row_in_the_other_delimiter_is_one_violation(folder: Path) -> None:
    fac = texts("facilities")
    data = csv_bytes(fac, sep=";").split(b"\r\n")
    data[2] = ",".join(fac[2]).encode()
    (folder / "facilities.csv").write_bytes(b"\r\n".join(data))
    error = fails(folder)
    own = [v for v in error.violations if v.file == "facilities.csv"]
    assert [(v.row, v.column, v.rule) for v in own] == [(3, None, "row_other_delimiter")]
    assert "komma" in own[0].message and "semikolon" in own[0].message


# --- helpful messages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("12-03-2024", "skriv 2024-03-12"),
        ("12.03.2024", "skriv 2024-03-12"),
        ("2024-03-12T00:00", "uden klokkeslæt"),
        ("2024-03-12 00:00:00", "uden klokkeslæt"),
        ("45363", "Excel"),
        ("2024-3-5", "skriv 2024-03-05"),  # Excel's own "yyyy-m-d"
        ("2024/03/12", "skriv 2024-03-12"),
        ("20240312", "skriv 2024-03-12"),
        ("12.03.24", "skriv 2024-03-12 (år-måned-dag, året med fire cifre)"),  # Danish Excel's short date
        ("12-03-24", "skriv 2024-03-12"),
        ("1/3/98", "skriv 1998-03-01"),  # as Excel reads a two-digit year: 30-99 are 1930-1999
        ("2024-03-12T00:00:00.000", "uden klokkeslæt"),
    ],
)
def test_common_date_spellings_get_a_hint(folder: Path, value: str, hint: str) -> None:
    vis = texts("visits")
    vis[1][2] = value
    rewrite(folder, "visits", vis)
    text = message(fails(folder), 2, "date")
    assert text.startswith("date skal være en dato på formen ÅÅÅÅ-MM-DD") and hint in text


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("03-2024", "skriv 2024-03"),
        ("3/2024", "skriv 2024-03"),
        ("2024/03", "skriv 2024-03"),
        ("2024M03", "skriv 2024-03"),  # Danmarks Statistik's months
        ("2024-03-15", "skriv 2024-03 (måneden uden dag)"),
        ("45363", "Excel-datonummer (svarer til 2024-03-12): formatér kolonnen som dato"),
    ],
)
def test_common_month_spellings_get_a_hint(folder: Path, value: str, hint: str) -> None:
    """A month was refused with its format only, where a date's common spellings got the value to write."""
    force = texts("use_of_force")
    force[1][1] = value
    rewrite(folder, "use_of_force", force)
    text = message(fails(folder), 2, "month")
    assert text.startswith("month skal være en måned på formen ÅÅÅÅ-MM, fx 2024-03; ") and hint in text


@pytest.mark.parametrize("value", ["2024-01-01", "2024-12-31 00:00:00"])
def test_a_year_written_as_a_date_says_to_write_the_year(folder: Path, tmp_path: Path, value: str) -> None:
    """A year typed into a cell Excel formats as a date (shown as '2024' with the format 'åååå') is saved as the
    date: refused with the rule only, while the user sees 2024 in the sheet."""
    staff = texts("staff_figures")
    staff[1][1] = value
    rewrite(folder, "staff_figures", staff)
    assert message(fails(folder), 2, "year").endswith("; skriv året alene (2024)")


@pytest.mark.parametrize("value", ["1 000", "1\u00a0000", "1\u202f000"])
def test_a_space_as_thousands_separator_is_named(folder: Path, value: str) -> None:
    fac = texts("facilities")
    fac[1][9] = value
    rewrite(folder, "facilities", fac)
    assert "tusindtalsseparator" in message(fails(folder), 2, "places")


@pytest.mark.parametrize("value", ["-", "--", "n.a.", "?", "ukendt"])  # NA, NULL, #N/A: test_importer_sixth
def test_a_placeholder_for_nothing_in_an_optional_column_says_leave_it_empty(folder: Path, value: str) -> None:
    fac = texts("facilities")
    fac[1][5] = value  # lat
    fac[1][12] = value  # closed_on
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert "lad feltet stå tomt" in message(error, 2, "lat")
    assert "lad feltet stå tomt" in message(error, 2, "closed_on")


def test_a_header_with_spaces_for_underscores_names_the_column_meant(folder: Path) -> None:
    fac = texts("facilities")
    fac[0] = [h.replace("_", " ") for h in fac[0]]
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert "'facility id'" in message(error, 1, "facility_id")


def test_a_file_whose_rows_all_use_the_other_delimiter_is_named_row_by_row_only(folder: Path) -> None:
    fac = texts("facilities")
    (folder / "facilities.csv").write_bytes(
        (";".join(fac[0]) + "\n" + "".join(",".join(r) + "\n" for r in fac[1:])).encode()
    )
    error = fails(folder)
    own = {(v.row, v.rule) for v in error.violations if v.file == "facilities.csv"}
    assert own == {(row, "row_other_delimiter") for row in range(2, len(fac) + 1)}  # not also "no rows"


def test_inspector_ids_written_with_a_comma_or_space_get_the_separator_hint(folder: Path) -> None:
    visits = texts("visits")
    visits[1][5] = "I1,I2"
    visits[2][5] = "I1 I2"
    visits[3][5] = "I1,I9"  # I9 is no inspector: no hint that would send the user to write "I1;I9"
    rewrite(folder, "visits", visits)
    error = fails(folder)
    assert message(error, 2, "inspector_ids").endswith("; adskil flere id'er med semikolon: I1;I2")
    assert message(error, 3, "inspector_ids").endswith("; adskil flere id'er med semikolon: I1;I2")
    assert "semikolon" not in message(error, 4, "inspector_ids")


def test_inspector_ids_of_separators_only_name_no_inspector(folder: Path) -> None:
    """``;`` (an export that ends each list with the separator, of an empty list) names no inspector, as the empty
    parts of ``I1;;I2`` are dropped: it was refused as "inspector_ids: '' findes ikke i inspectors", without the
    value the cell holds."""
    visits = texts("visits")
    visits[1][5] = ";"
    visits[2][5] = " ; ; "
    visits[3][5] = "I2;"
    rewrite(folder, "visits", visits)
    result = read_upload(folder, today=AS_OF)
    assert list(result.dataset.visits["inspector_ids"])[:3] == ["", "", "I2"]


# --- stray quotes ------------------------------------------------------------------------------------


def _lines(rows: list[list[str]], sep: str) -> str:
    """Rows joined as a hand-edited file has them: no quoting added."""
    return "".join(sep.join(r) + "\n" for r in rows)


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_stray_quote_that_swallows_the_next_row_is_refused_where_it_opens(folder: Path, sep: str) -> None:
    """A quote typed at the start of a name and a quoted nickname in the next row's name: the CSV rules make the
    two rows one, with the field count intact, so F4 would vanish and F3 would take its values."""
    fac = texts("facilities")
    fac[3][1] = '"' + fac[3][1]  # F3, row 4: the quote is never closed on its line
    fac[4][1] = 'Rusmiddelcenter "Nord"'  # F4, row 5: its first quote closes F3's cell
    (folder / "facilities.csv").write_text(_lines(fac, sep), encoding="utf-8")
    error = fails(folder)
    own = [v for v in error.violations if v.file == "facilities.csv"]
    assert [(v.row, v.column, v.rule, v.value) for v in own] == [
        (4, "name", "stray_quote", f"Krisecenter Havbrisen{sep}midt{sep}Randers{sep}8900…")
    ]
    assert "opsluger det, der ligner de følgende rækker ('F4" in own[0].message
    assert "fjern anførselstegnet" in own[0].message


def test_a_stray_quote_closed_in_another_column_is_named_not_the_row_length(folder: Path) -> None:
    """Closed in a later column, the merged row is short; the quote is what to fix, on the careful path too."""
    ins = texts("inspectors")
    ins[1][1] = '"Anne Holm'
    ins[2][3] = 'sel108 "sel109"'
    (folder / "inspectors.csv").write_text(_lines(ins, ","), encoding="utf-8")
    error = fails(folder)
    assert [(v.row, v.column, v.rule) for v in error.violations if v.file == "inspectors.csv"] == [
        (2, "name", "stray_quote")
    ]


def test_a_multi_line_cell_with_a_delimiter_after_the_line_break_is_still_a_cell(folder: Path) -> None:
    """A name typed with Alt+Enter may hold a comma on its second line: a few delimiters, never a whole row."""
    fac = texts("facilities")
    fac[1][1] = "Bostedet Egebakken\nafd. 2, Silkeborg"
    fac[2][10] = "Unge, 14-17 år,\nmed adfærdsproblemer, efterværn"
    rewrite(folder, "facilities", fac)
    facilities = read_upload(folder, today=AS_OF).dataset.facilities
    assert facilities["name"].iat[0] == "Bostedet Egebakken\nafd. 2, Silkeborg"
    assert facilities["target_group"].iat[1] == "Unge, 14-17 år,\nmed adfærdsproblemer, efterværn"


@pytest.mark.parametrize("sep", [",", ";"])
def test_quoted_cells_after_a_space_after_the_delimiter_are_quoted_cells(folder: Path, sep: str) -> None:
    """Some exports write a space after each delimiter: ``"F1", "Bostedet Egebakken, afd. 2", "midt"``. The quote
    after the space was read as text, so the header's names were '"name"' (every required column "missing"
    beside the header that shows it) and a comma inside quotes split the cell."""
    fac = texts("facilities")
    fac[1][1] = "Bostedet Egebakken, afd. 2; Silkeborg"
    expected = read_upload(write_csv_folder(small_dataset(), folder.parent / "plain"), today=AS_OF)
    (folder / "facilities.csv").write_text(
        "".join(f"{sep} ".join(f'"{cell}"' if cell else "" for cell in row) + "\n" for row in fac), encoding="utf-8"
    )
    facilities = read_upload(folder, today=AS_OF).dataset.facilities
    assert facilities["name"].iat[0] == "Bostedet Egebakken, afd. 2; Silkeborg"
    pd.testing.assert_frame_equal(facilities.drop(columns="name"), expected.dataset.facilities.drop(columns="name"))


def test_excels_text_formula_in_a_csv_file_is_its_text(folder: Path) -> None:
    """Case systems write ="0042" so that Excel keeps an id's leading zeros: Excel shows 0042. The importer read the
    cell as written, so facility_id '="F1"' was stored as a new tilbud, and a postcode '="0800"' was refused."""
    plain = read_upload(write_csv_folder(small_dataset(), folder.parent / "plain"), today=AS_OF).dataset
    for table, columns in (("facilities", ("facility_id", "postcode")), ("visits", ("visit_id", "facility_id"))):
        rows = texts(table)
        lines = [",".join(rows[0])]
        for row in rows[1:]:
            cells = [f'="{c}"' if rows[0][i] in columns else f'"{c}"' if "," in c else c for i, c in enumerate(row)]
            lines.append(",".join(cells))
        (folder / f"{table}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    dataset = read_upload(folder, today=AS_OF).dataset
    pd.testing.assert_frame_equal(dataset.facilities, plain.facilities)
    pd.testing.assert_frame_equal(dataset.visits, plain.visits)


# --- fields beyond the header ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "refused"),
    [
        (["F1,2024,18.0,6.5", "F1,2025,15,5,"], [3]),
        (["F1,2025,15,5,"], [2]),  # a monthly update of one row: the habit of a file cannot be told from a shift
        (["F1,2024,18,0,", "F1,2025,15,5,"], [2, 3]),  # in a comma file every row may be shifted alike
    ],
    ids=["one-of-two", "only-row", "every-row-comma"],
)
def test_a_row_with_one_empty_field_too_many_is_refused(folder: Path, rows: list[str], refused: list[int]) -> None:
    """15,5 written without quotes becomes 15 and 5; the empty last cell (sickness unknown) made the row look
    as wide as the header once the empty field was dropped, and 15 and 5 were stored."""
    body = "facility_id,year,staff_turnover_pct,sickness_absence_pct\n" + "".join(r + "\n" for r in rows)
    (folder / "staff_figures.csv").write_text(body, encoding="utf-8")
    error = fails(folder)
    assert [(v.file, v.row, v.rule) for v in error.violations] == [
        ("staff_figures.csv", row, "row_too_long") for row in refused
    ]
    assert error.violations[0].message == (
        "rækken har 5 felter, men overskriften har 4; står der et decimaltal med komma uden anførselstegn i en "
        "kommasepareret fil, eller et skilletegn for meget sidst i rækken?"
    )


@pytest.mark.parametrize(("sep", "header_end"), [(";", ""), (",", ","), (";", ";")])
def test_an_empty_field_ending_every_row_or_the_header_is_tolerated(folder: Path, sep: str, header_end: str) -> None:
    """Excel ends the header too (a column to the right was once used); some exports end every row of a
    semicolon file with one."""
    rows = texts("staff_figures")
    body = sep.join(rows[0]) + header_end + "\n" + "".join(sep.join(r) + sep + "\n" for r in rows[1:])
    (folder / "staff_figures.csv").write_text(body, encoding="utf-8")
    figures = read_upload(folder, today=AS_OF).dataset.staff_figures
    assert figures["staff_turnover_pct"].tolist() == [18.0, 31.0, 12.0]


def test_a_shifted_row_with_an_empty_field_too_many_is_one_violation_not_one_per_column(folder: Path) -> None:
    """A name with an unquoted comma and an empty last column: every value after the name moves one column."""
    fac = texts("facilities")
    fac[2][1] = "Opholdsstedet Solsikken, afd. Syd"
    (folder / "facilities.csv").write_text(_lines(fac, ","), encoding="utf-8")
    error = fails(folder)
    assert [(v.file, v.row, v.column, v.rule) for v in error.violations] == [
        ("facilities.csv", 3, None, "row_too_long")
    ]


@pytest.mark.parametrize(
    ("table", "column", "value", "named"),
    [
        ("visits", "inspector_ids", "I1;I2", 'inspector_ids (en liste som "I001;I002" skal stå i anførselstegn'),
        ("inspectors", "competences", "sel108;opholdssted", 'competences (en liste som "sel107;sel108" skal stå'),
        ("facilities", "name", "Bostedet Egebakken; afd. 2", "værdi uden anførselstegn (fx i et navn)"),
    ],
)
def test_an_unquoted_semicolon_in_a_semicolon_file_is_named_as_such(
    folder: Path, table: str, column: str, value: str, named: str
) -> None:
    """A list of ids or tilbud types (``I1;I2``) written without quotes in a semicolon-separated file, as a Danish
    Excel user or an export writes one: the row has a field too many. The message spoke of a decimal comma in a
    comma-separated file, which this file is not, and did not say that the list needs quotes."""
    rows = texts(table)
    rows[1][rows[0].index(column)] = value
    (folder / f"{table}.csv").write_text(_lines(rows, ";"), encoding="utf-8")
    error = fails(folder)
    [violation] = [v for v in error.violations if v.rule == "row_too_long" and v.row == 2]
    assert violation.file == f"{table}.csv"
    width = len(rows[0])
    assert violation.message.startswith(
        f"rækken har {width + 1} felter, men overskriften har {width}; står der et semikolon i en værdi uden "
        "anførselstegn"
    )
    assert named in violation.message
    assert "decimaltal" not in violation.message


def test_a_cpr_number_in_a_row_with_too_many_fields_is_still_named(folder: Path) -> None:
    fac = texts("facilities")
    fac[2][1] = "Opholdsstedet Solsikken, 010203-1234"
    (folder / "facilities.csv").write_text(_lines(fac, ","), encoding="utf-8")
    error = fails(folder)
    assert {(v.row, v.rule) for v in error.violations} == {(3, "row_too_long"), (3, "cpr")}


# --- header names ------------------------------------------------------------------------------------


def test_a_near_miss_header_of_an_optional_column_is_refused_not_ignored(folder: Path) -> None:
    """Ignored as an unknown column, "closed on" would store every closed tilbud as active."""
    fac = texts("facilities")
    fac[0] = [{"closed_on": "closed on", "last_unannounced_visit": "Last-Unannounced-Visit"}.get(h, h) for h in fac[0]]
    add_column(fac, "Notes")  # an unknown column that is no near miss stays a warning
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert [(v.file, v.row, v.column, v.rule, v.message) for v in error.violations] == [
        (
            "facilities.csv",
            1,
            "closed on",
            "column_name",
            "kolonnen 'closed on' skal hedde 'closed_on'; ellers gemmes dens værdier ikke",
        ),
        (
            "facilities.csv",
            1,
            "Last-Unannounced-Visit",
            "column_name",
            "kolonnen 'Last-Unannounced-Visit' skal hedde 'last_unannounced_visit'; ellers gemmes dens værdier ikke",
        ),
    ]
    assert [(w.column, w.rule) for w in error.warnings if w.file == "facilities.csv"] == [("Notes", "unknown_columns")]


def test_a_header_in_danish_names_the_contract_column_it_must_be_called(folder: Path) -> None:
    """A case system's export with Danish headers: the required columns were reported missing with no word on which
    header was meant, and an optional one ('Lukkedato') was ignored as unknown, storing every closed tilbud as active."""
    vis, fac = texts("visits"), texts("facilities")
    vis[0][:3] = ["Besøg ID", "tilbud_id", "Dato"]
    fac[0] = [{"closed_on": "Lukkedato"}.get(h, h) for h in fac[0]]
    rewrite(folder, "visits", vis)
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert {(v.file, v.column, v.rule) for v in error.violations} == {
        ("visits.csv", "visit_id", "column_missing"),
        ("visits.csv", "facility_id", "column_missing"),
        ("visits.csv", "date", "column_missing"),
        ("facilities.csv", "Lukkedato", "column_name"),
    }
    assert message(error, 1, "visit_id").endswith("(kolonnen 'Besøg ID' skal hedde 'visit_id')")
    assert message(error, 1, "date").endswith("(kolonnen 'Dato' skal hedde 'date')")
    assert (
        message(error, 1, "Lukkedato") == "kolonnen 'Lukkedato' skal hedde 'closed_on'; ellers gemmes dens værdier ikke"
    )


def test_a_danish_header_beside_the_contract_column_is_an_unknown_column(folder: Path) -> None:
    fac = texts("facilities")
    add_column(fac, "kommune", "Silkeborg Kommune")
    rewrite(folder, "facilities", fac)
    assert read_upload(folder, today=AS_OF).files["facilities"].unknown_columns == ("kommune",)


def test_a_near_miss_header_beside_the_right_one_is_an_unknown_column(folder: Path) -> None:
    fac = texts("facilities")
    add_column(fac, "closed on")
    rewrite(folder, "facilities", fac)
    result = read_upload(folder, today=AS_OF)
    assert result.files["facilities"].unknown_columns == ("closed on",)


def test_invisible_characters_around_a_header_are_ignored_inside_one_named(folder: Path) -> None:
    """A zero-width space copied with a header: "date\\u200b" looked like date, yet the column was missing."""
    con = texts("concerns")
    con[0][1] = "date\u200b"
    rewrite(folder, "concerns", con)
    fac = texts("facilities")
    fac[0][12] = "closed\u200b_on"
    rewrite(folder, "facilities", fac)
    error = fails(folder)
    assert [(v.file, v.row, v.column, v.rule) for v in error.violations] == [
        ("facilities.csv", 1, "closed\u200b_on", "invisible_character")
    ]
    assert "U+200B" in error.violations[0].message
    assert not [w for w in error.warnings if w.rule == "unknown_columns"]


def test_an_invisible_character_inside_an_unknown_header_leaves_it_an_unknown_column(folder: Path) -> None:
    """An unknown column is kept aside with a warning, never an error: "Bemær\u200bkning" (copied from a web page)
    is no contract column with or without the character, and it refused the upload."""
    con = texts("concerns")
    add_column(con, "Bemær\u200bkning", "x")
    rewrite(folder, "concerns", con)
    result = read_upload(folder, today=AS_OF)
    assert result.files["concerns"].unknown_columns == ("Bemær\u200bkning",)


def test_double_encoded_text_is_stored_with_a_warning(folder: Path) -> None:
    """A file opened as Windows text and saved as UTF-8 again: valid text, but "HjÃ¸rring" is not Hjørring."""
    (folder / "facilities.csv").write_bytes((folder / "facilities.csv").read_bytes().decode("cp1252").encode())
    result = read_upload(folder, today=AS_OF)
    assert result.dataset.facilities["municipality"].iat[4] == "HjÃ¸rring"  # stored as written: it is valid text
    warned = [w for w in result.warnings if w.rule == "mojibake"]
    assert [(w.file, w.row, w.column, w.value) for w in warned] == [
        ("facilities.csv", 7, "name", "DÃ¸gninstitutionen LÃ¦rken"),
        ("facilities.csv", 6, "municipality", "HjÃ¸rring"),
    ]
    assert warned[0].message == (
        "teksten ser ud til at være kodet to gange: 'DÃ¸gninstitutionen LÃ¦rken' skulle nok være "
        "'Døgninstitutionen Lærken' (filen er et sted åbnet som Windows-tekst og gemt som UTF-8 igen); den "
        "gemmes, som den står: indlæs den oprindelige eksport i stedet; række 7"
    )


# --- ids Excel has shortened -------------------------------------------------------------------------


@pytest.mark.parametrize(("sep", "written"), [(";", "1,23457E+11"), (",", "1.23457E+11"), (";", "1E+12")])
def test_an_id_excel_wrote_in_scientific_notation_is_refused_with_the_fix(folder: Path, sep: str, written: str) -> None:
    """Excel shows a number of 12 digits or more in a General cell as 1,23457E+11 and saves a CSV file as shown: the
    other digits are gone, so the id was stored as '1,23457E+11', matching the visits' references shortened the same
    way (and two tilbud whose ids share the first six digits became one)."""
    fac, vis = texts("facilities"), texts("visits")
    assert fac[6][0] == "F6"  # a tilbud nothing else refers to
    fac[6][0] = written
    vis[1][1] = written
    vis[4][5] = f"{written};I2"  # inspector_ids, a list
    for name, rows in (("facilities", fac), ("visits", vis)):
        rewrite(folder, name, rows, sep=sep)
    error = fails(folder)
    shortened = {(v.file, v.row, v.column) for v in error.violations if v.rule == "id_shortened"}
    assert shortened == {
        ("facilities.csv", 7, "facility_id"),
        ("visits.csv", 2, "facility_id"),
        ("visits.csv", 5, "inspector_ids"),
    }
    text = message(error, 7, "facility_id")
    assert text.startswith(f"facility_id '{written}' er et tal, som Excel har forkortet")
    assert "formatér kolonnen som Tekst" in text
    assert {v.rule for v in error.violations} == {"id_shortened"}  # no follow-on "unknown reference"


@pytest.mark.parametrize("written", ["03-dec", "3-dec-26", "12-mar", "2026-12-03", "2026-12-03 00:00:00"])
def test_an_id_excel_made_a_date_is_refused_with_the_fix(folder: Path, written: str) -> None:
    """Excel reads an id such as 3-12 typed into a General cell as a date, shows it as 03-dec and saves it so (a
    workbook holds the date itself, read as 2026-12-03): the id was stored as '03-dec', matching the other files'
    references mangled the same way, and lost its link to the case system's id."""
    fac, vis = texts("facilities"), texts("visits")
    fac[6][0] = written  # F6: a tilbud nothing else refers to
    vis[1][1] = written
    rewrite(folder, "facilities", fac)
    rewrite(folder, "visits", vis)
    error = fails(folder)
    assert {(v.file, v.row, v.column, v.rule) for v in error.violations} == {
        ("facilities.csv", 7, "facility_id", "id_date"),
        ("visits.csv", 2, "facility_id", "id_date"),
    }
    assert message(error, 7, "facility_id") == (
        f"facility_id '{written}' ligner en dato, som Excel har lavet af et id (3-12 bliver til 03-dec, når kolonnen "
        "ikke er formateret som Tekst); formatér kolonnen som Tekst i Excel, før id'erne sættes ind, og gem filen igen"
    )


def test_an_id_with_a_month_name_that_is_no_date_is_an_id(folder: Path) -> None:
    fac = texts("facilities")
    fac[6][0] = "MAJ-7"
    rewrite(folder, "facilities", fac)
    assert read_upload(folder, today=AS_OF).dataset.facilities.facility_id.iloc[5] == "MAJ-7"


def test_an_id_that_only_resembles_a_number_with_an_exponent_is_an_id(folder: Path) -> None:
    fac = texts("facilities")
    fac[6][0] = "F6E+2"
    rewrite(folder, "facilities", fac)
    assert read_upload(folder, today=AS_OF).dataset.facilities.facility_id.iloc[5] == "F6E+2"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Tema 4", "health_wellbeing"),
        ("tema 1", "education_employment"),
        ("Tema 7: Fysiske rammer", "physical_setting"),
        ("Tema 5 - Organisation og ledelse", "organisation_management"),
    ],
)
def test_a_theme_written_by_its_number_in_the_quality_model_gets_the_code(
    tmp_path: Path, written: str, code: str
) -> None:
    """Tilbudsportalen and the tilsyn's reports number the themes ("Tema 4: Sundhed og trivsel"); a case system's
    export often keeps the number only. The message says which code that is, as for a theme's Danish name."""
    folder = write_csv_folder(small_dataset(), tmp_path / "upload")
    rows = texts("theme_scores")
    rows[1][rows[0].index("theme")] = written
    rewrite(folder, "theme_scores", rows)
    error = fails(folder)
    assert [(v.file, v.row, v.column, v.rule) for v in error.violations] == [("theme_scores.csv", 2, "theme", "enum")]
    assert error.violations[0].message.startswith(f"theme '{written}' er ukendt; skriv '{code}'; tilladte værdier: ")


@pytest.mark.parametrize(
    ("table", "column", "written", "hint"),
    [
        ("facilities", "places", "24 pladser", "skriv kun tallet (24), uden 'pladser'"),
        ("facilities", "places", "24 stk.", "skriv kun tallet (24), uden 'stk.'"),
        ("staff_figures", "staff_turnover_pct", "18,5 pct.", "skriv kun tallet (18,5), uden 'pct.'"),
        ("use_of_force", "count", "3 gange", "skriv kun tallet (3), uden 'gange'"),
    ],
)
def test_a_number_with_a_unit_says_to_write_the_number_alone(
    tmp_path: Path, table: str, column: str, written: str, hint: str
) -> None:
    """A cell typed as text in a spreadsheet keeps the unit a person writes after the number ("24 pladser", "18,5
    pct."); the message says which number to write, as it does for a percent sign in another column."""
    folder = write_csv_folder(small_dataset(), tmp_path / "upload")
    rows = texts(table)
    rows[1][rows[0].index(column)] = written
    rewrite(folder, table, rows, sep=";")
    error = fails(folder)
    assert [(v.file, v.row, v.column) for v in error.violations] == [(f"{table}.csv", 2, column)]
    assert error.violations[0].message.endswith("; " + hint)


def test_a_duplicate_row_says_whether_it_is_a_copy_or_holds_other_values(tmp_path: Path) -> None:
    """A row pasted twice is harmless to delete; a key used twice with other values is two records, one of them with
    a wrong key: the message says which it is, and for the second the columns that differ, so the user knows
    whether to delete the row or find the right id."""
    folder = write_csv_folder(small_dataset(), tmp_path / "upload")
    rows = texts("visits")
    copy = list(rows[1])
    other = list(rows[2])
    other[rows[0].index("date")] = "2025-05-06"
    other[rows[0].index("kind")] = "follow_up"
    rows += [copy, other]
    rewrite(folder, "visits", rows)
    error = fails(folder)
    messages = {v.row: v.message for v in error.violations if v.rule == "duplicate_key"}
    n = len(rows)
    assert messages == {
        n - 1: "dublet: samme visit_id som række 2; alle værdier er ens, så rækken er en kopi: slet den ene",
        n: (
            "dublet: samme visit_id som række 3, men med andre værdier i date, kind; hver nøgle må kun forekomme "
            "én gang: ret nøglen i den række, der er forkert, eller slet den"
        ),
    }


@pytest.mark.parametrize(
    ("written", "space"),
    [
        ("F\u00a01", "et hårdt mellemrum (U+00A0)"),
        ("F 1", "et mellemrum"),
        ("F\u202f1", "et smalt hårdt mellemrum (U+202F)"),
    ],
)
def test_a_reference_with_a_space_inside_a_known_id_names_the_space(tmp_path: Path, written: str, space: str) -> None:
    """An id copied from a report or a web page can hold a (no-break) space: 'F 1' on the screen, which names no
    tilbud. The message said only that it does not exist; it now names the id meant and the space."""
    folder = write_csv_folder(small_dataset(), tmp_path / "upload")
    rows = texts("visits")
    rows[1][rows[0].index("facility_id")] = written
    rewrite(folder, "visits", rows)
    error = fails(folder)
    [v] = error.violations
    assert (v.file, v.row, v.column, v.rule) == ("visits.csv", 2, "facility_id", "reference")
    assert v.message.endswith(f"; den findes som 'F1' uden mellemrum (her står {space})")


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("2025-02-29", "; den dato findes ikke i kalenderen: februar 2025 har 28 dage (2025 er ikke et skudår)"),
        ("2024-02-30", "; den dato findes ikke i kalenderen: februar 2024 har 29 dage"),
        ("2024-06-31", "; den dato findes ikke i kalenderen: juni 2024 har 30 dage"),
        ("2024-13-01", "; den dato findes ikke i kalenderen: der er 12 måneder (står måned og dag byttet om?)"),
    ],
)
def test_a_date_not_in_the_calendar_says_why(tmp_path: Path, written: str, says: str) -> None:
    """29 February in a year that is no leap year, 31 June: the message says how many days the month has, so the
    user sees the typing error without a calendar."""
    folder = write_csv_folder(small_dataset(), tmp_path / "upload")
    rows = texts("visits")
    rows[1][rows[0].index("date")] = written
    rewrite(folder, "visits", rows)
    [v] = fails(folder).violations
    assert (v.row, v.column, v.rule) == (2, "date", "date")
    assert v.message == "date skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2024-03-12" + says
