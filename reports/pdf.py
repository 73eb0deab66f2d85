"""HTML to PDF with WeasyPrint (A4, page numbers from the report stylesheet).

Every PDF is tagged PDF/UA-1 (``pdf_variant="pdf/ua-1"``): the socialtilsyn are public authorities whose documents
must be accessible (WCAG 2.1 AA, EN 301 549), and an untagged PDF gives a screen reader no headings, tables or
reading order. The tags carry the HTML's structure; the title (``<title>``) and language (``lang="da"``) go into the
document; each chart's ``aria-label`` becomes its Figure's ``/Alt`` text. The price, measured on the demo's national
plan: about twice the bytes and up to a second or two more of WeasyPrint (README, "Reports for leaders").

The HTML is self-contained, so WeasyPrint never needs the network: its URL fetcher refuses every URL
except inline ``data:`` URLs, and a report that refers to anything outside itself raises
:class:`ExternalResourceError` (a defect, never a silent network request).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pydyf
from weasyprint import HTML, Document
from weasyprint.urls import URLFetcher

from reports.context import ReportContext
from reports.html import render_html

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
    document = HTML(string=html, url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
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


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document (``ExternalResourceError`` if it refers to any URL
    other than an inline ``data:`` URL; nothing is fetched)."""
    started = time.perf_counter()
    pdf = write_pdf(layout_pdf(html))
    log.info("PDF: %d bytes in %.2f s", len(pdf), time.perf_counter() - started)
    return pdf


def render_pdf(report: ReportContext) -> bytes:
    """The report as a PDF document."""
    return html_to_pdf(render_html(report))
