"""A preview's search index, made in a background thread after each rebuild.

`sitegen serve` shows an edit as soon as its pages are written; the index (Pagefind)
follows at low priority, so that it never delays the next rebuild. Of edits made while
it runs, only the last is indexed next.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.errors import BuildFailed


@dataclass
class LaterIndex:
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _job: tuple[Any, ...] | None = None
    _thread: threading.Thread | None = None

    def start(self, out: Path, site: Any, pages: Any) -> None:
        """Index `site` into `out` soon; an earlier job not yet begun is replaced."""
        with self._lock:
            self._job = (out, site, pages)
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._loop, daemon=True,
                                            name="sitegen-search")
            self._thread.start()

    def _loop(self) -> None:
        from sitegen import search

        while True:
            with self._lock:
                job, self._job = self._job, None
            if job is None:
                return
            try:
                search.index_published(*job, niceness=15)
            except (BuildFailed, OSError):  # the next build reports it; a preview
                pass  # keeps going (an OSError: the folder went away under the index)

    def wait(self) -> None:
        """Until the indexing under way, and any job waiting, are done."""
        thread = self._thread
        if thread is not None:
            thread.join()
