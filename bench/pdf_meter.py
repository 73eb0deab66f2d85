"""One PDF measured for the bench scripts: WeasyPrint's layout and its tagged write (as served, PDF/UA-1), the
untagged write of the same layout as a baseline, wall-clock and CPU seconds, bytes, pages and peak memory.

CPU seconds (``time.process_time``) stay comparable on a machine shared with other work, where wall-clock seconds
vary by half. Peak memory is the process's resident high-water mark (``VmHWM``), reset before each step through
``/proc/self/clear_refs`` (Linux 4.0 or later); elsewhere the lifetime peak from ``resource.getrusage`` (the same
number for every step). ``retained`` is the resident memory after the PDF is returned and collected: what a
long-running web server keeps.
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

from reports.pdf import layout_pdf, write_pdf

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
    pages: int
    before_mb: float
    layout: Step
    tagged: Step
    untagged: Step
    untagged_bytes: int
    retained_mb: float

    @property
    def wall_s(self) -> float:
        """What a user waits for WeasyPrint (layout and tagged write)."""
        return self.layout.wall_s + self.tagged.wall_s

    @property
    def cpu_s(self) -> float:
        return self.layout.cpu_s + self.tagged.cpu_s

    @property
    def peak_mb(self) -> float:
        return max(self.layout.peak_mb, self.tagged.peak_mb)

    def summary(self) -> str:
        """One line: total, peak and size as served, then the steps and the untagged baseline."""
        return (
            f"{self.wall_s:.1f} s (CPU {self.cpu_s:.1f} s), {self.pages} pages, {len(self.pdf) / 1e6:.2f} MB, "
            f"peak RSS {self.peak_mb:,.0f} MB (from {self.before_mb:,.0f} MB; {self.retained_mb:,.0f} MB after)\n"
            f"      layout {self.layout}; tagged write {self.tagged}; "
            f"untagged write {self.untagged}, {self.untagged_bytes / 1e6:.2f} MB"
        )


def measure_pdf(html: str) -> PdfFigures:
    """Lay out ``html`` once, write it tagged (what :func:`reports.pdf.html_to_pdf` serves) and untagged."""
    gc.collect()
    before = rss_mb()
    document, layout = step(lambda: layout_pdf(html))
    pdf, tagged = step(partial(write_pdf, document))
    untagged_pdf, untagged = step(document.write_pdf)
    pages = len(document.pages)
    del document
    gc.collect()
    return PdfFigures(
        pdf=pdf,
        pages=pages,
        before_mb=before,
        layout=layout,
        tagged=tagged,
        untagged=untagged,
        untagged_bytes=len(untagged_pdf or b""),
        retained_mb=rss_mb(),
    )
