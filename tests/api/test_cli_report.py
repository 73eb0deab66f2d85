"""``tilsynsplan report``: the four reports written as HTML or PDF from the stored data, the format by the
file's extension, Danish errors with exit codes, and confidential dates only with ``--confidential``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli import main
from api.cli_app import console, err_console
from api.services import imports
from data.plan_store import save_plan
from data.settings import Settings
from data.store import open_database
from tests.factories import AS_OF, hand_plan, small_dataset
from tests.fixtures.uploads import write_csv_folder
from tests.reports.html_doc import parse


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TILSYNSPLAN_TODAY", AS_OF.isoformat())
    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 400)
    yield


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the small dataset and one stored plan (``hand_plan``: F1 unannounced on 6 October 2026)."""
    root = tmp_path_factory.mktemp("report")
    home = root / "home"
    settings = Settings(home=home, database_url="", today=AS_OF)
    imports.import_upload(settings, write_csv_folder(small_dataset(), root / "in"))
    engine = open_database(settings)
    save_plan(engine, hand_plan(), settings={})
    engine.dispose()
    return home


def run(capsys: pytest.CaptureFixture[str], home: Path, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(["--home", str(home), *argv])
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 1), out, err


def test_risk_list_html(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "risiko.html"
    code, out, err = run(capsys, home, "report", "risk", "--out", str(out_file))
    assert code == 0, err
    # the small dataset holds the tilbud of two socialtilsyn, not the nation's
    assert f"Risikoliste — Socialtilsyn Nord og Midt skrevet til {out_file}" in " ".join(out.split())
    doc = parse(out_file.read_text(encoding="utf-8"))
    ids = [r.attrs["data-facility-id"] for r in doc.root.with_attr("data-facility-id")]
    assert len(ids) == 6 and ids[0] == "F1"  # the worst scores, a påbud and a serious concern
    assert len(doc.svgs()) == 1 and doc.external_urls() == []


def test_risk_list_pdf_filtered(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "nord.PDF"
    code, out, err = run(capsys, home, "report", "risk", "--authority", "nord", "--out", str(out_file))
    assert code == 0, err
    assert "Risikoliste — Socialtilsyn Nord" in out and "(PDF," in out
    assert out_file.read_bytes().startswith(b"%PDF-")


def test_facility_profile_hides_the_next_visit_unless_confidential(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    public = tmp_path / "f1.html"
    code, _, err = run(capsys, home, "report", "facility", "F1", "--out", str(public))
    assert code == 0, err
    html = public.read_text(encoding="utf-8")
    assert "Tilbudsprofil — Bostedet Egebakken" in html
    assert "6. oktober 2026" not in html and "6. okt. 2026" not in html
    assert "Vises kun for autoriserede brugere" in html
    confidential = tmp_path / "f1-fortrolig.html"
    code, out, err = run(capsys, home, "report", "facility", "F1", "--confidential", "--out", str(confidential))
    assert code == 0, err
    assert "Fortroligt:" in out
    text = parse(confidential.read_text(encoding="utf-8")).body_text
    assert "6. oktober 2026 · uanmeldt driftsorienteret tilsyn · Anne Holm · plan 1" in text


def test_quarterly_plan_with_and_without_confidential_dates(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    public = tmp_path / "plan.html"
    code, out, err = run(capsys, home, "report", "plan", "1", "--out", str(public))
    assert code == 0, err
    assert "Kvartalsplan 2026K4 — alle socialtilsyn skrevet til" in " ".join(out.split())
    doc = parse(public.read_text(encoding="utf-8"))
    assert [d.attrs["data-inspector-id"] for d in doc.root.with_attr("data-inspector-id")] == ["I1", "I2", "I3"]
    assert "6. okt. 2026" not in doc.html and "7. okt. 2026" in doc.body_text  # F2 is announced
    confidential = tmp_path / "plan.pdf"
    code, out, err = run(capsys, home, "report", "plan", "1", "--confidential", "--out", str(confidential))
    assert code == 0, err
    assert confidential.read_bytes().startswith(b"%PDF-") and "Fortroligt:" in out


def test_model_card(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    run(capsys, home, "report", "risk", "--out", str(tmp_path / "r.html"))  # a model exists after scoring
    out_file = tmp_path / "model.html"
    code, _, err = run(capsys, home, "report", "model", "--out", str(out_file))
    assert code == 0, err
    text = parse(out_file.read_text(encoding="utf-8")).body_text
    assert "Modelkort — risikomodel" in text and "Socialtilsynenes bedømmelsesniveau" in text


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (("risk", "--out", "x.docx"), 2, "Ukendt filtype '.docx' for rapporten 'x.docx'. Tilladt: .html, .htm, .pdf."),
        (("risk", "--out", "x"), 2, "Ukendt filtype '(ingen)'"),
        (("risk",), 2, "Angiv filen der skal skrives med --out"),
        (("budget", "--out", "x.html"), 2, "Ukendt rapport 'budget'. Tilladt: risk, facility, plan, model."),
        (
            ("risk", "--authority", "fyn", "--out", "x.html"),
            2,
            "Ukendt socialtilsyn 'fyn'. Tilladt: nord (Socialtilsyn Nord), midt",
        ),
        (("risk", "--type", "hotel", "--out", "x.html"), 2, "Ukendt tilbudstype 'hotel'. Tilladt: sel107"),
        (("facility", "--out", "x.html"), 2, "Angiv tilbuddets id"),
        (("facility", "F99", "--out", "x.html"), 3, "Tilbud 'F99' findes ikke i databasen."),
        (("facility", "F1", "--type", "sel108", "--out", "x.html"), 2, "gælder kun rapporten 'risk'"),
        (("plan", "abc", "--out", "x.html"), 2, "Planens id skal være et heltal, ikke 'abc'."),
        (("plan", "99", "--out", "x.html"), 3, "Planen 99 findes ikke"),
        (("model", "v0", "--out", "x.html"), 3, "Modelversion 'v0' findes ikke."),
        # options that do nothing for a report are refused, not silently ignored
        (
            ("plan", "1", "--as-of", "2026-01-01", "--out", "x.html"),
            2,
            "--as-of gælder kun rapporterne 'risk' og 'facility' (rapporten 'plan' har sin egen dato).",
        ),
        (("model", "--as-of", "2026-01-01", "--out", "x.html"), 2, "--as-of gælder kun rapporterne 'risk' og"),
        (
            ("risk", "--confidential", "--top", "5", "--out", "x.html"),
            2,
            "--confidential gælder kun rapporterne 'facility' og 'plan' (rapporten 'risk' har ingen fortrolige",
        ),
        (("model", "--confidential", "--out", "x.html"), 2, "--confidential gælder kun rapporterne 'facility'"),
    ],
)
def test_errors_name_the_bad_value_and_what_is_allowed(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, argv: tuple[str, ...], code: int, message: str
) -> None:
    args = [a if a not in ("x.docx", "x", "x.html") else str(tmp_path / a) for a in argv]
    got, _, err = run(capsys, home, "report", *args)
    assert got == code
    assert message in " ".join(err.split())
    assert not any(tmp_path.iterdir())  # nothing written


def test_no_database_yet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, tmp_path / "empty", "report", "facility", "F1", "--out", str(tmp_path / "f.html"))
    assert code == 3 and "Der er ingen database endnu" in err
