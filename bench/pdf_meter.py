"""One PDF measured for the bench scripts: as served (:func:`reports.pdf.html_to_pdf`: a long report in a child
process), then in this process WeasyPrint's layout and its tagged write (PDF/UA-1) apart and the untagged write of
the same layout as a baseline; wall-clock and CPU seconds, bytes, pages and peak memory.

CPU seconds (``time.process_time``) stay comparable on a machine shared with other work, where wall-clock seconds
vary by half. Peak memory is the process's resident high-water mark (``VmHWM``), reset before each step through
``/proc/self/clear_refs`` (Linux 4.0 or later); elsewhere the lifetime peak from ``resource.getrusage`` (the same
number for every step). A child process reports its own CPU seconds and peak. ``retained`` is this process's
resident memory after the in-process PDF is returned and collected: what a long-running web server kept when it
made every PDF itself.
"""

from __future__ import annotations

import contextlib
import gc
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from reports.pdf import CHILD_FROM_CHARS, ChildPdf, layout_pdf, pdf_in_child, write_pdf

T = TypeVar("T")
STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_mb(key: str) -> float | None:
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mb() -> float:
    """Resident memory now (MB)."""
    return _status_mb("VmRSS") or 0.0


def reset_peak() -> None:
    """Start a new high-water mark at today's resident memory (no-op where the kernel does not offer it)."""
    with contextlib.suppress(OSError):
        CLEAR_REFS.write_text("5")


def peak_mb() -> float:
    """The resident high-water mark since the last :func:`reset_peak` (MB)."""
    hwm = _status_mb("VmHWM")
    if hwm is not None:
        return hwm
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


@dataclass(frozen=True)
class Step:
    wall_s: float
    cpu_s: float
    peak_mb: float

    def __str__(self) -> str:
        return f"{self.wall_s:.1f} s (CPU {self.cpu_s:.1f} s, peak {self.peak_mb:,.0f} MB)"


def step(fn: Callable[[], T]) -> tuple[T, Step]:
    reset_peak()
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, Step(time.perf_counter() - wall, time.process_time() - cpu, peak_mb())


@dataclass(frozen=True)
class PdfFigures:
    pdf: bytes  # tagged, as served
    child: ChildPdf | None  # made in a child process, as served (None: a short report, made in this process)
    child_before_mb: float  # this process's resident memory before and after the child's PDF
    child_after_mb: float
    pages: int
    before_mb: float
    layout: Step
    tagged: Step
    untagged: Step
    untagged_bytes: int
    retained_mb: float

    @property
    def wall_s(self) -> float:
        """What a user waits for WeasyPrint, as served."""
        return self.child.wall_s if self.child else self.layout.wall_s + self.tagged.wall_s

    @property
    def cpu_s(self) -> float:
        return self.child.cpu_s if self.child else self.layout.cpu_s + self.tagged.cpu_s

    @property
    def peak_mb(self) -> float:
        return self.child.peak_mb if self.child else max(self.layout.peak_mb, self.tagged.peak_mb)

    def summary(self) -> str:
        """As served (time, pages, size, peak), then the in-process steps and the untagged baseline."""
        if self.child:
            served = (
                f"child process: peak RSS {self.peak_mb:,.0f} MB; this process {self.child_before_mb:,.0f} MB "
                f"before, {self.child_after_mb:,.0f} MB after"
            )
        else:
            served = f"this process: peak RSS {self.peak_mb:,.0f} MB"
        return (
            f"{self.wall_s:.1f} s (CPU {self.cpu_s:.1f} s), {self.pages} pages, {len(self.pdf) / 1e6:.2f} MB, "
            f"{served}\n"
            f"      in this process: layout {self.layout}; tagged write {self.tagged}; "
            f"untagged write {self.untagged}, {self.untagged_bytes / 1e6:.2f} MB; "
            f"{self.before_mb:,.0f} MB before, {self.retained_mb:,.0f} MB after"
        )


def measure_pdf(html: str) -> PdfFigures:
    """``html`` as :func:`reports.pdf.html_to_pdf` serves it, then laid out once here and written tagged and
    untagged."""
    gc.collect()
    child_before = rss_mb()
    child = pdf_in_child(html) if len(html) >= CHILD_FROM_CHARS else None
    gc.collect()
    child_after = before = rss_mb()
    document, layout = step(lambda: layout_pdf(html))
    pdf, tagged = step(partial(write_pdf, document))
    untagged_pdf, untagged = step(document.write_pdf)
    pages = len(document.pages)
    del document
    gc.collect()
    if child is not None:
        assert child.pdf == pdf, "the child process wrote another PDF"
    return PdfFigures(
        pdf=pdf,
        child=child,
        child_before_mb=child_before,
        child_after_mb=child_after,
        pages=pages,
        before_mb=before,
        layout=layout,
        tagged=tagged,
        untagged=untagged,
        untagged_bytes=len(untagged_pdf or b""),
        retained_mb=rss_mb(),
    )
