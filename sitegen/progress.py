"""What a long build shows while it runs: a progress bar on a terminal, nothing in a log.

The bar is drawn on stderr only when stderr is a terminal and --quiet was not given,
and only once the build has taken more than a moment (a quick build just prints its
summary). `Timeline` records when pages were rendered, for --verbose.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

CLEAR_LINE = "\r\x1b[K"
DELAY = 0.3  # seconds a build runs before the bar appears: "more than a moment"


def format_bar(label: str, done: int, total: int, width: int = 30) -> str:
    """'Rendering  [###########-------------------]   812/2034 pages  40%'."""
    total = max(total, 1)
    done = min(max(done, 0), total)
    filled = done * width // total
    digits = len(str(total))
    return (f"{label}  [{'#' * filled}{'-' * (width - filled)}] "
            f"{done:>{digits}}/{total} pages {done * 100 // total:3d}%")


class ProgressBar:
    """Call it with (done, total) after each page: the pipeline's `on_page`.

    `enabled=None` means: draw only if the stream is a terminal.
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None,
                 label: str = "Rendering", delay: float | None = None, interval: float = 0.1,
                 clock: Callable[[], float] = time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.label, self.interval, self.clock = label, interval, clock
        self.delay = DELAY if delay is None else delay
        self.started = clock()
        self._drawn_at: float | None = None

    @property
    def shown(self) -> bool:
        return self._drawn_at is not None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < self.delay:
            return
        if self._drawn_at is not None and now - self._drawn_at < self.interval \
                and done < total:
            return
        self.stream.write(CLEAR_LINE + format_bar(self.label, done, total))
        self.stream.flush()
        self._drawn_at = now

    def close(self) -> None:
        """Take the bar off the screen, so the summary starts on a clean line."""
        if self.shown:
            self.stream.write(CLEAR_LINE)
            self.stream.flush()
            self._drawn_at = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Timeline:
    """When the first and the last page were rendered: enough to split a build into
    preparing (config, load, resolve, plan), rendering, and writing."""

    clock: Callable[[], float] = time.perf_counter
    started: float = field(default=0.0)
    first_page: float | None = None
    last_page: float | None = None
    pages: int = 0
    finished: float | None = None

    def __post_init__(self) -> None:
        self.started = self.clock()

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if self.first_page is None:
            self.first_page = now
        self.last_page = now
        self.pages = done

    def finish(self) -> None:
        self.finished = self.clock()

    def phases(self, last: str = "copy files and publish") -> list[tuple[str, float]]:
        """(label, seconds) for each phase that happened; `last` names what follows the
        last page."""
        end = self.finished if self.finished is not None else self.clock()
        if self.first_page is None or self.last_page is None:
            return [("read, check and plan (nothing to render)", end - self.started)]
        return [
            ("read, check and plan, up to the first page", self.first_page - self.started),
            (f"render {self.pages} page(s)", self.last_page - self.first_page),
            (last, end - self.last_page),
        ]


def fan_out(*callbacks: Callable[[int, int], None] | None) -> Callable[[int, int], None]:
    """One on_page callback that calls several."""
    live = [c for c in callbacks if c is not None]

    def call(done: int, total: int) -> None:
        for callback in live:
            callback(done, total)

    return call
