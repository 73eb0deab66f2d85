"""PDFs rendered to PNG pages with pdftoppm and looked at: every page carries ink, and the PDF is what
the HTML says (A4, Danish text embedded)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from weasyprint import HTML

from reports.context import PlanReportContext, ReportContext, RiskListContext
from reports.html import render_html
from reports.pdf import ExternalResourceError, html_to_pdf, render_pdf
from tests.reports.test_html import all_reports

PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"
pytestmark = pytest.mark.skipif(not Path(PDFTOPPM).exists(), reason="pdftoppm (poppler-utils) is not installed")


def ink(page: Path) -> float:
    """Share of pixels that are not (near) white."""
    gray = Image.open(page).convert("L")
    histogram = gray.histogram()
    dark = sum(histogram[:240])
    return dark / (gray.width * gray.height)


def pages_of(pdf: bytes, folder: Path, name: str) -> list[Path]:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run([PDFTOPPM, "-r", "30", "-png", str(path), str(folder / name)], check=True, timeout=120)
    return sorted(folder.glob(f"{name}-*.png"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, list[Path]]]:
    folder = tmp_path_factory.mktemp("pdf")
    reports: dict[str, ReportContext] = all_reports()
    out = {}
    for name in ("risk", "facility", "plan", "model"):
        pdf = render_pdf(reports[name])
        out[name] = (pdf, pages_of(pdf, folder, name))
    return out


def test_every_page_of_every_report_is_not_blank(rendered: dict[str, tuple[bytes, list[Path]]]) -> None:
    for name, (pdf, pages) in rendered.items():
        assert pdf.startswith(b"%PDF-"), name
        assert pages, name
        shares = [ink(p) for p in pages]
        assert shares[0] > 0.03, (name, shares)  # the first page: title, key figures, a chart
        assert min(shares) > 0.02, (name, shares)  # no empty page anywhere (a blank page is 0.0)


def test_page_size_follows_the_report(rendered: dict[str, tuple[bytes, list[Path]]]) -> None:
    for name, (_, pages) in rendered.items():
        width, height = Image.open(pages[0]).size
        landscape = name == "risk"  # the risk list is printed in landscape for its long reasons
        assert (width > height) == landscape, (name, width, height)
        assert round(max(width, height) / min(width, height), 2) == pytest.approx(1.41, abs=0.02)  # A4


def test_danish_text_is_in_the_pdf(rendered: dict[str, tuple[bytes, list[Path]]], tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "facility.pdf"
    path.write_bytes(rendered["facility"][0])
    text = subprocess.run([pdftotext, str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "Tilbudsprofil — Bostedet Egebakken" in text
    assert "Magtanvendelser pr. plads pr. kvartal" in text
    assert "Side 1 af" in text


def page_texts(pdf: bytes, folder: Path, name: str) -> list[str]:
    """The text of each page (pdftotext; pages are separated by form feeds)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed")
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run([pdftotext, "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_every_page_of_a_confidential_report_is_marked(tmp_path: Path) -> None:
    # A plan with unannounced dates over many pages: a single printed page must say it is confidential,
    # not only the first (the note) and the last (the closing footer).
    from tests.reports.test_html import plan, profile

    confidential = plan(True)
    assert isinstance(confidential, PlanReportContext)
    many = dataclasses.replace(confidential, inspectors=confidential.inspectors * 6)
    pages = page_texts(render_pdf(many), tmp_path, "plan")
    assert len(pages) >= 4
    assert [i for i, page in enumerate(pages, start=1) if "FORTROLIG" not in page] == []
    public = plan(False)
    assert isinstance(public, PlanReportContext)
    pages = page_texts(render_pdf(dataclasses.replace(public, inspectors=public.inspectors * 4)), tmp_path, "pub")
    assert len(pages) >= 2 and not any("FORTROLIG" in page for page in pages)
    # a profile with the date of the next unannounced visit is confidential too; without it, not
    assert all("FORTROLIG" in page for page in page_texts(render_pdf(profile(True)), tmp_path, "facility"))
    assert not any("FORTROLIG" in page for page in page_texts(render_pdf(profile(False)), tmp_path, "fpub"))


def test_a_report_referring_to_the_network_is_refused() -> None:
    with pytest.raises(ExternalResourceError, match=r"http://example\.invalid/logo\.png"):
        html_to_pdf('<p>Hej</p><img src="http://example.invalid/logo.png">')
    assert html_to_pdf("<p>Æbler og pærer på Ærø</p>").startswith(b"%PDF-")


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def _shown_boxes(box: Any) -> Iterator[Any]:
    """:func:`_boxes` without the words for a screen reader only (``.sr-only``: clipped to nothing, printed nowhere)."""
    element = getattr(box, "element", None)
    if element is not None and "sr-only" in (element.get("class") or "").split():
        return
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _shown_boxes(child)


def text_outside_its_cell(html: str) -> list[str]:
    """Text WeasyPrint lays out beyond the left or right edge of its table cell (it runs into the next column
    or off the table): what a reader of the printed page sees printed over other text."""
    out = []
    for page in HTML(string=html).render().pages:
        for cell in _boxes(page._page_box):
            if type(cell).__name__ != "TableCellBox":
                continue
            left = cell.position_x + cell.margin_left + cell.border_left_width
            right = left + cell.padding_left + cell.width + cell.padding_right
            for text in _shown_boxes(cell):
                if type(text).__name__ == "TextBox" and (
                    text.position_x < left - 0.5 or text.position_x + text.width > right + 0.5
                ):
                    out.append(text.text)
    return out


def test_no_text_runs_out_of_its_table_cell_in_print() -> None:
    """The risk list's number column was too narrow for a national rank beside an authority's: "nat. 449" ran
    into the tilbud's id ("nat. 449T10269"), and a four-digit rank ("nat. 1.980") further still."""
    from tests.reports.test_html import risk_list

    listed = risk_list()
    assert isinstance(listed, RiskListContext)
    rows = tuple(dataclasses.replace(r, rank=i + 1, national_rank=1980 + i) for i, r in enumerate(listed.rows))
    midt = dataclasses.replace(listed, rows=rows, authority="midt")
    assert "nat. 1.980" in render_html(midt)
    assert text_outside_its_cell(render_html(midt)) == []
    for name, report in all_reports().items():
        assert text_outside_its_cell(render_html(report)) == [], name


def test_a_visits_risk_keeps_its_percent_sign_on_its_line_in_print() -> None:
    """In the printed plan a visit's "risiko 40 %" beside a long tilbud name broke before the percent sign, which
    then stood alone at the start of the next line."""
    from tests.reports.test_html import plan

    report = plan(True)
    assert isinstance(report, PlanReportContext)
    inspector = report.inspectors[0]
    week = inspector.weeks[0]
    names = ["Bostedet " + "Egebakken" * k + " " + "x" * j for k in (1, 2) for j in range(12)]  # many line ends
    visits = tuple(dataclasses.replace(week.visits[0], facility_name=n, risk=0.4) for n in names)
    week = dataclasses.replace(week, visits=visits)
    many = dataclasses.replace(report, inspectors=(dataclasses.replace(inspector, weeks=(week,)),))
    html = render_html(many)
    assert html.count("risiko 40 %") == len(names)
    lines = [
        box.text.strip()
        for page in HTML(string=html).render().pages
        for box in _boxes(page._page_box)
        if type(box).__name__ == "TextBox"
    ]
    assert "%" not in lines


def test_every_printed_page_says_when_it_was_made_and_what_data_it_shows(
    rendered: dict[str, tuple[bytes, list[Path]]], tmp_path: Path
) -> None:
    """Only the last page of a printed report said when it was made and as of which day ("dannet … · data pr.
    …"): page 17 of a 48-page plan, on its own, could be last week's or last year's."""
    said = {"risk": "risiko pr. 1. okt. 2026", "facility": "data pr. 1. okt. 2026", "plan": "planlagt pr. 1. okt. 2026"}
    for name, (pdf, _) in rendered.items():
        pages = page_texts(pdf, tmp_path, name)
        if name == "plan":
            assert len(pages) >= 2  # the hand plan runs over pages
        for number, page in enumerate(pages, start=1):
            text = " ".join(page.split())
            assert re.search(r"dannet \d+\. \w+\. \d{4} kl\. \d\d\.\d\d", text), (name, number)
            assert said.get(name, "trænet pr.") in text, (name, number)


def wider_than_the_page(html: str) -> list[str]:
    """Tables laid out wider than the page's content box: their last columns are printed in the margin, up to the
    paper's edge, where a printer cuts them."""
    out = []
    for page in HTML(string=html).render().pages:
        box = page._page_box
        right = box.margin_width() - box.margin_right - box.padding_right - box.border_right_width
        for table in _boxes(box):
            if type(table).__name__ == "TableBox" and table.position_x + table.margin_width() > right + 0.5:
                out.append(str(table.element.get("class")))
    return out


def test_no_table_is_wider_than_the_printed_page() -> None:
    """The profile's theme history (a date and the seven themes) was laid out 49 px wider than the page: "Fysiske
    rammer" and its values were printed in the right margin, at the paper's edge."""
    for name, report in all_reports().items():
        assert wider_than_the_page(render_html(report)) == [], name


def pdf_text_objects(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream decompressed after it (objects of a tagged PDF sit in compressed
    object streams: its structure, /Alt texts and catalog are not in the file's plain bytes)."""
    out = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            out.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(out)


def pdf_string(raw: bytes) -> str:
    """A PDF string object, literal ``(...)`` or UTF-16 hex ``<feff...>``, as text."""
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode("ascii"))
        return data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode("latin-1")
    return raw[1:-1].replace(rb"\(", b"(").replace(rb"\)", b")").decode("latin-1")


def test_every_pdf_report_is_tagged_pdf_ua_with_title_language_and_chart_texts(
    rendered: dict[str, tuple[bytes, list[Path]]], tmp_path: Path
) -> None:
    """The PDFs were untagged: a screen reader (and the public authorities' accessibility duty, WCAG 2.1 AA / EN
    301 549 for documents) got no headings, tables or reading order, and a chart was an unnamed drawing. Each report
    is now PDF/UA-1: tagged, titled, in Danish, each chart a Figure whose /Alt is the chart's text alternative."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo is not installed")
    reports = all_reports()
    for name, (pdf, _) in rendered.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        info = subprocess.run([pdfinfo, str(path)], check=True, capture_output=True, text=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, flags=re.M), (name, info)
        html = render_html(reports[name])
        title = re.search(r"<title>(.*?)</title>", html, flags=re.S)
        assert title is not None
        assert re.search(rf"^Title:\s+{re.escape(title.group(1).strip())}$", info, flags=re.M), (name, info)
        meta = subprocess.run([pdfinfo, "-meta", str(path)], check=True, capture_output=True, text=True).stdout
        assert 'pdfuaid:part="1"' in meta, name
        objects = pdf_text_objects(pdf)
        assert re.search(rb"/Lang \(da\)", objects), name
        assert re.search(rb"/DisplayDocTitle true", objects), name
        struct = subprocess.run([pdfinfo, "-struct", str(path)], check=True, capture_output=True, text=True).stdout
        for tag in ("H1", "H2", "Table", "TH", "TD"):
            assert re.search(rf"^\s*{tag}\b", struct, flags=re.M), (name, tag)
        labels = re.findall(r'<svg role="img" aria-label="([^"]*)"', html)
        assert labels, name  # every report has a chart
        alts = [pdf_string(m) for m in re.findall(rb"/Alt (\((?:[^()\\]|\\.)*\)|<[0-9a-fA-F]+>)", objects)]
        assert sorted(alts) == sorted(unescape(label) for label in labels), name


def test_the_tagged_pdf_reads_its_page_references_once_per_page_count() -> None:
    """pydyf rebuilt the tuple of every page's reference on each read of ``PDF.page_references``, and WeasyPrint's
    tagging reads it once per structure element: for the national risk list (252 pages, about 90,000 elements)
    20 million strings and seconds of its PDF. It is now kept until a page is added, and the PDF is the same."""
    import pydyf

    pdf = pydyf.PDF()
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert pdf.page_references is first  # kept, not rebuilt
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(pdf.page_references) == 2 and pdf.page_references[0] == first[0]  # a new page: read anew
    assert pdf.page_references[1] == f"{pdf.pages['Kids'][3]} 0 R".encode("ascii")


def test_the_kept_page_references_write_the_same_tagged_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    import pydyf

    from reports import pdf as report_pdf

    html = render_html(all_reports()["plan"])
    document = report_pdf.layout_pdf(html)
    assert len(document.pages) >= 2
    kept = report_pdf.write_pdf(document)
    monkeypatch.setattr(pydyf.PDF, "page_references", report_pdf.PYDYF_PAGE_REFERENCES)
    assert report_pdf.write_pdf(document) == kept


def test_a_long_report_is_made_in_a_child_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long PDF was made in the web server's own process: WeasyPrint's 1.4 GB at the peak of the national risk
    list, of which the process kept about 1 GB after the PDF was sent. A long report's PDF is now laid out and
    written by a child process (``python -m reports.pdf``), whose memory the system gets back when it ends; the PDF
    is the same byte for byte."""
    from reports import pdf as report_pdf

    html = render_html(all_reports()["plan"])
    monkeypatch.setattr(report_pdf, "CHILD_FROM_CHARS", len(html))
    here = report_pdf.pdf_in_process(html)

    def not_here(html: str) -> bytes:
        raise AssertionError("a long report was made in this process")

    monkeypatch.setattr(report_pdf, "pdf_in_process", not_here)
    assert report_pdf.html_to_pdf(html) == here
    child = report_pdf.pdf_in_child(html)
    assert child.pdf == here and child.cpu_s > 0 and child.peak_mb > 10
    # what the child refuses, the caller is told, with the URL
    monkeypatch.setattr(report_pdf, "CHILD_FROM_CHARS", 0)
    with pytest.raises(ExternalResourceError, match=r"http://example\.invalid/logo\.png"):
        html_to_pdf('<p>Hej</p><img src="http://example.invalid/logo.png">')
    # a short one is still made here (Python starting and importing WeasyPrint would be half its time)
    monkeypatch.setattr(report_pdf, "CHILD_FROM_CHARS", len(html) + 1)
    with pytest.raises(AssertionError, match="made in this process"):
        report_pdf.html_to_pdf(html)


def test_a_child_that_takes_too_long_is_stopped_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child had no time limit: one that hung held the web server's one PDF turn for good (every later PDF
    waited its 60 s and was refused ``server_busy``). It is stopped after ``CHILD_TIMEOUT_S`` and the caller told."""
    from reports import pdf as report_pdf

    monkeypatch.setattr(report_pdf, "CHILD_TIMEOUT_S", 0.01)  # less than Python takes to start
    with pytest.raises(RuntimeError, match=r"^the PDF process was stopped after 0\.01 s$"):
        report_pdf.pdf_in_child("<p>Hej</p>")


def test_the_reports_leave_out_weasyprints_pseudo_element_rules_for_every_element_and_print_the_same() -> None:
    """WeasyPrint's user-agent stylesheet has five footnote and note rules and a ``::marker`` rule that match every
    element: each element of the national risk list got six pseudo-element styles of its own (53,000 of 71,000
    computed styles, a quarter of the PDF's memory). The reports have no footnotes or notes, and markers only on
    list items: the reports' sheet leaves the rules out, and every report's PDF is the same byte for byte."""
    from weasyprint import html as weasyprint_html

    from reports import pdf as report_pdf

    ua = weasyprint_html.UA
    slim = report_pdf.report_ua_css(ua)
    assert "::footnote-call" in ua and "::note-callback" in ua  # WeasyPrint's sheet as it was measured
    for rule in ("::footnote-call", "::footnote-marker", "::note-call", "::note-marker", "::note-callback"):
        assert rule not in slim
    assert re.search(r"^li::marker, summary::marker \{ font-variant-numeric: tabular-nums", slim, flags=re.M)
    assert report_pdf.report_ua_css("p { color: red }") == "p { color: red }"  # another sheet: left as it is
    for name, report in all_reports().items():
        html = render_html(report)
        full = HTML(string=html, url_fetcher=report_pdf._OfflineFetcher()).render(pdf_variant=report_pdf.PDF_VARIANT)
        assert report_pdf.write_pdf(report_pdf.layout_pdf(html)) == report_pdf.write_pdf(full), name
