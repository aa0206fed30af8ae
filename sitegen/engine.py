"""A builder that lives across builds: `build` and `serve` both go through it.

It keeps what the last build made in memory so that the next one can redo only what
changed (see docs/performance.md). One Builder per (site, output folder).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen.pipeline import build as full_build
from sitegen.report import BuildReport
from sitegen.resolve import BuildOptions


@dataclass
class Builder:
    site_root: Path
    out: Path
    drafts: bool = False
    future: bool = False
    _builds: int = field(default=0, init=False)

    def build(self, now: datetime) -> BuildReport:
        """Build into `out` as of `now`. Raises errors.BuildFailed on content errors;
        the previous output then stays as it was."""
        options = BuildOptions(now=now, drafts=self.drafts, future=self.future)
        report = full_build(self.site_root, self.out, options)
        self._builds += 1
        return report
