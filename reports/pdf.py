"""HTML to PDF with WeasyPrint (A4, page numbers from the report stylesheet).

Every PDF is tagged PDF/UA-1 (``pdf_variant="pdf/ua-1"``): the socialtilsyn are public authorities whose documents
must be accessible (WCAG 2.1 AA, EN 301 549), and an untagged PDF gives a screen reader no headings, tables or
reading order. The tags carry the HTML's structure; the title (``<title>``) and language (``lang="da"``) go into the
document; each chart's ``aria-label`` becomes its Figure's ``/Alt`` text. The price, measured on the demo's national
plan: about twice the bytes and up to a second or two more of WeasyPrint (docs/reports.md).

:func:`html_to_pdf` lays out and writes a long report (:data:`CHILD_FROM_CHARS` characters of HTML or more: a
plan, a risk list of a few hundred tilbud) in a child process (``python -m reports.pdf``, which imports WeasyPrint
and this module only): WeasyPrint holds every page's boxes until the PDF is written, 1.4 GB at the peak for the
national risk list, and a long-running process (the web server) kept about 1 GB of it after the PDF was sent. The
child's memory goes back to the system when it ends. A short report (a Tilbudsprofil, the Modelkort) is made in
this process: its memory is small, and Python starting and importing WeasyPrint (about 0.3 s of CPU) would be half
its time.

The HTML is self-contained, so WeasyPrint never needs the network: its URL fetcher refuses every URL
except inline ``data:`` URLs, and a report that refers to anything outside itself raises
:class:`ExternalResourceError` (a defect, never a silent network request).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydyf
from weasyprint import CSS, HTML, Document
from weasyprint import html as weasyprint_html
from weasyprint.urls import URLFetcher

if TYPE_CHECKING:  # the child process imports this module without the report contexts
    from reports.context import ReportContext

log = logging.getLogger(__name__)

# WeasyPrint and its font stack log chatty warnings on every run; keep ours readable.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


#: Tagged, titled, in the document's language, with text alternatives for the charts (see the module's docstring).
PDF_VARIANT = "pdf/ua-1"


#: pydyf's own ``PDF.page_references`` (a property that builds the tuple of every page's reference on each read).
PYDYF_PAGE_REFERENCES: property = pydyf.PDF.page_references


def _kept_page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf's ``PDF.page_references``, kept until a page is added (pydyf adds pages only by appending to ``Kids``).

    WeasyPrint's tagging reads it once per structure element (``/Pg``), and pydyf rebuilt it on every read: for the
    national risk list, about 90,000 reads of a 252-page tuple, 20 million strings and a third of the tagged write's
    time. The PDF is the same byte for byte (``tests/reports/test_pdf.py``)."""
    count = len(pdf.pages["Kids"])
    kept = pdf.__dict__.get("_kept_page_references")
    if kept is None or kept[0] != count:
        kept = (count, PYDYF_PAGE_REFERENCES.fget(pdf))  # type: ignore[misc]
        pdf.__dict__["_kept_page_references"] = kept
    return kept[1]


pydyf.PDF.page_references = property(_kept_page_references)


#: The rules of WeasyPrint's user-agent stylesheet that match every element with a pseudo-element: footnotes and
#: notes (the reports have none) and list markers (only list items have one here). Each gave every element of a
#: report six computed styles of its own, which no other element shares: 53,000 of the national risk list's 71,000,
#: a quarter of its memory (peak 1,024 -> 760 MB, 1 s less CPU, the PDF byte for byte the same).
_NOTE_RULES = re.compile(r"^::(footnote-call|footnote-marker|note-call|note-marker|note-callback) \{[^}]*\}\n", re.M)


def report_ua_css(ua: str) -> str:
    """WeasyPrint's user-agent stylesheet ``ua`` for the reports: no footnote and note pseudo-elements, markers for
    list items (``li``, ``summary``) only. Unchanged if WeasyPrint's sheet no longer has these rules as expected."""
    slim, notes = _NOTE_RULES.subn("", ua)
    slim, markers = re.subn(r"^::marker \{", "li::marker, summary::marker {", slim, flags=re.M)
    return slim if (notes, markers) == (5, 1) else ua


_REPORT_UA_STYLESHEET = CSS(string=report_ua_css(weasyprint_html.UA), counter_style=weasyprint_html.UA_COUNTER_STYLE)


class _ReportHTML(HTML):
    """WeasyPrint's ``HTML`` with the reports' user-agent stylesheet (:func:`report_ua_css`)."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [_REPORT_UA_STYLESHEET, weasyprint_html.UA_FORM_STYLESHEET] if forms else [_REPORT_UA_STYLESHEET]


class ExternalResourceError(RuntimeError):
    """A report referred to a resource outside itself (reports must be self-contained)."""


class _OfflineFetcher(URLFetcher):
    """Fetches inline ``data:`` URLs only; records every other URL it was asked for."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"})
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("data:"):
            self.refused.append(url)
            raise ValueError(f"reports are self-contained; refused {url!r}")
        return super().fetch(url, headers)


def layout_pdf(html: str) -> Document:
    """WeasyPrint's layout of a self-contained HTML document: its pages, not yet a PDF
    (``ExternalResourceError`` if it refers to any URL other than an inline ``data:`` URL; nothing is fetched)."""
    fetcher = _OfflineFetcher()
    document = _ReportHTML(string=html, url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
    _refuse_external(document)
    return document


def _refuse_external(document: Document) -> None:
    fetcher = document.url_fetcher
    if isinstance(fetcher, _OfflineFetcher) and fetcher.refused:
        raise ExternalResourceError(f"report refers to external resources (not loaded): {sorted(set(fetcher.refused))}")


def write_pdf(document: Document) -> bytes:
    """The laid-out document as a tagged PDF (:data:`PDF_VARIANT`; ``ExternalResourceError`` as :func:`layout_pdf`,
    for writing may fetch too, e.g. an attachment)."""
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    _refuse_external(document)
    if pdf is None:  # only when a target is given
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)


def pdf_in_process(html: str) -> bytes:
    """The PDF of a self-contained HTML document, laid out and written in this process."""
    return write_pdf(layout_pdf(html))


#: The child's exit status for :class:`ExternalResourceError` (its message is the child's last line on stderr).
EXTERNAL_EXIT = 3
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


@dataclass(frozen=True)
class ChildPdf:
    """A PDF from :func:`pdf_in_child` and what its child process used."""

    pdf: bytes
    wall_s: float
    cpu_s: float  # the child's user and system seconds
    peak_mb: float  # the child's resident high-water mark


#: Seconds a child process may take for one PDF before it is stopped (the national risk list takes 25-70 s): a child
#: that hangs would otherwise hold the web server's one PDF turn (``api``'s PDF queue) for good.
CHILD_TIMEOUT_S = 600.0


def pdf_in_child(html: str) -> ChildPdf:
    """The PDF of a self-contained HTML document, laid out and written by ``python -m reports.pdf`` (HTML on its
    stdin, the PDF on its stdout; ``ExternalResourceError`` as :func:`layout_pdf`; a child still working after
    :data:`CHILD_TIMEOUT_S` is stopped and ``RuntimeError`` raised)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)  # this code
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "reports.pdf"],
            input=html.encode("utf-8"),
            capture_output=True,
            env=env,
            check=False,
            timeout=CHILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:  # run() has killed and reaped the child
        raise RuntimeError(f"the PDF process was stopped after {CHILD_TIMEOUT_S:g} s") from exc
    wall = time.perf_counter() - started
    lines = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    if done.returncode == EXTERNAL_EXIT and lines:
        raise ExternalResourceError(lines[-1])
    if done.returncode != 0 or not lines or not done.stdout.startswith(b"%PDF-"):
        raise RuntimeError(f"the PDF process failed (exit status {done.returncode}): {' | '.join(lines[-5:])}")
    usage = json.loads(lines[-1])  # the child's last line: its CPU seconds and peak memory
    return ChildPdf(pdf=done.stdout, wall_s=wall, cpu_s=usage["cpu_s"], peak_mb=usage["peak_mb"])


#: HTML of this many characters or more is made into a PDF in a child process (the module's docstring). The
#: demo's Tilbudsprofil has about 120,000, a plan 260,000, the national risk list 1.5 million.
CHILD_FROM_CHARS = 200_000


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document, a long one made in a child process (the module's docstring;
    ``ExternalResourceError`` if it refers to any URL other than an inline ``data:`` URL; nothing is fetched)."""
    if len(html) < CHILD_FROM_CHARS:
        started = time.perf_counter()
        pdf = pdf_in_process(html)
        log.info("PDF: %d bytes in %.2f s", len(pdf), time.perf_counter() - started)
        return pdf
    child = pdf_in_child(html)
    log.info(
        "PDF: %d bytes in %.2f s (child process: %.2f s CPU, peak %.0f MB)",
        len(child.pdf),
        child.wall_s,
        child.cpu_s,
        child.peak_mb,
    )
    return child.pdf


def render_pdf(report: ReportContext) -> bytes:
    """The report as a PDF document."""
    from reports.html import render_html  # not in the child process, which gets HTML

    return html_to_pdf(render_html(report))


def _own_peak_kb() -> float | None:
    """This process's resident high-water mark (Linux ``VmHWM``); ``ru_maxrss`` of a child started by
    ``subprocess`` may be its parent's, kept across ``exec``."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, flags=re.M)
    return float(match.group(1)) if match else None


def _child_main() -> int:
    """``python -m reports.pdf``: HTML on stdin, the PDF on stdout, the CPU seconds and peak memory as JSON on
    the last line of stderr (exit status :data:`EXTERNAL_EXIT` and the message for ``ExternalResourceError``)."""
    # WeasyPrint makes millions of objects and almost no garbage cycles: the cycle collector's passes were a sixth of
    # the national risk list's CPU time (30 s -> 25 s without them, 16 MB more at the peak), and the process ends.
    gc.disable()
    html = sys.stdin.buffer.read().decode("utf-8")
    try:
        pdf = pdf_in_process(html)
    except ExternalResourceError as exc:
        sys.stderr.write(str(exc).replace("\n", " ") + "\n")
        return EXTERNAL_EXIT
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kb = _own_peak_kb() or usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS
    sys.stderr.write(json.dumps({"cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": peak_kb / 1024}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
