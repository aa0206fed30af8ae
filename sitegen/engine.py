"""The incremental build engine: `build` and `serve` both go through a Builder.

A Builder remembers, in memory and in `.sitegen-cache/`, what the last build read and
wrote: each source file's stat stamp and parsed record, each body's rendered HTML, and
for each output file the digest of everything it was made from. The next build then
parses only changed files, renders only changed bodies and pages, and writes only files
whose bytes changed. The first build, `--clean`, or a cache that cannot be trusted
(corrupt, another version, an output folder changed behind our back) takes the full
path instead: render everything into a folder beside the output, then swap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.cache import BuildState, ContentCache, load_state, save_state, state_path
from sitegen.errors import BuildFailed, sort_problems
from sitegen.fingerprint import RACY_SECONDS, code_digest, digest, fingerprint
from sitegen.load.discover import walk
from sitegen.locations import CONFIG_NAME, DEFAULT_THEME
from sitegen.report import BuildReport
from sitegen.write import Update, build_lock, output_identity, staged_output

# The quick path (nothing changed) needs none of the heavy machinery; it is imported
# where a real build begins.
if TYPE_CHECKING:
    from sitegen.pipeline import OnPage, Prepared
    from sitegen.resolve import BuildOptions


def _stamps(site_root: Path) -> tuple[list[str], float]:
    """Every input file's path and stat stamp (content, static, themes, site.toml), and
    the newest modification time among them."""
    problems: list = []
    paths = [f.path for folder in ("content", "static", "themes")
             for f in walk(site_root / folder, site_root, problems)]
    paths += sorted(p for p in DEFAULT_THEME.rglob("*") if p.is_file())
    if (site_root / CONFIG_NAME).exists():
        paths.append(site_root / CONFIG_NAME)
    stamps, newest = [], 0.0
    for path in paths:
        info = path.stat()
        stamps.append(f"{path}:{info.st_mtime_ns}:{info.st_size}")
        newest = max(newest, info.st_mtime)
    return stamps, newest


def _next_change(prepared: Prepared, state_files: Iterable[object], now: datetime
                 ) -> datetime | None:
    """The next moment at which the clock alone changes the site: an embargo lifting,
    or an article leaving the news sitemap's window."""
    from sitegen.render.sitemap import NEWS_WINDOW
    moments = []
    for entry in state_files:
        record = getattr(entry, "record", None)
        date = getattr(record, "date", None)
        if isinstance(date, datetime):
            moments += [m for m in (date, date + NEWS_WINDOW) if m > now]
    return min(moments) if moments else None


def _theme_digest(prepared: Prepared, now: float) -> str:
    return digest(fingerprint(path, now) for folder in prepared.theme.dirs
                  for path in sorted(folder.rglob("*")) if path.is_file())


@dataclass
class Builder:
    """Builds one site into one output folder, again and again, as fast as it can."""

    site_root: Path
    out: Path
    drafts: bool = False
    future: bool = False
    jobs: int = 1
    persistent: bool = True  # keep the state in .sitegen-cache/ between runs
    autosave: bool = True  # write that state after every build (serve: only at the end)
    # The search index: "now" (within the build), "later" (a background thread after an
    # incremental build, so a preview shows an edit at once) or "off".
    search: str = "now"
    # Look for "nothing changed" before building (a stat of every file). Serve, which
    # builds only when the watcher saw a change, turns it off.
    quick_check: bool = True
    state: BuildState | None = field(default=None, init=False)
    content: ContentCache | None = field(default=None, init=False)
    last_mode: str = field(default="", init=False)  # "no-op", "incremental" or "full"
    last_written: int = field(default=0, init=False)
    _search_lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _search_job: tuple[Any, ...] | None = field(default=None, init=False)
    _search_thread: threading.Thread | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        # Absolute, so that nothing depends on the working folder (links made for the
        # search indexer, the state's key).
        self.site_root = self.site_root.resolve()
        self.out = self.out.resolve()

    @property
    def _state_file(self) -> Path:
        return state_path(self.site_root, self.out, f"{self.drafts}:{self.future}")

    @property
    def _content_file(self) -> Path:
        return self._state_file.with_name(self._state_file.name.replace("state-", "content-"))

    @property
    def _journal(self) -> Path:
        """Present while an incremental build is changing the output (write.Update)."""
        return self._state_file.with_name(self._state_file.name.replace("state-", "update-"))

    def _content_cache(self) -> ContentCache:
        if self.content is None and self.persistent:
            self.content = load_state(self._content_file, ContentCache)
        return self.content or ContentCache()

    def _output_intact(self, state: BuildState) -> bool:
        """The output is exactly as our last build left it (cheap checks: the marker's
        id and every file's size)."""
        try:
            if output_identity(self.out) != state.output_id:
                return False
            return all((self.out / rel).stat().st_size == size
                       for rel, size in state.sizes.items())
        except (OSError, IndexError):
            return False

    def build(self, now: datetime, clean: bool = False,
              on_page: OnPage | None = None) -> BuildReport:
        """Build as of `now`. Raises BuildFailed on content errors, leaving the output
        as it was."""
        started = time.perf_counter()
        in_memory = self.state is not None and not clean
        state = None if clean else (self.state or (
            load_state(self._state_file) if self.persistent else None))
        # A state kept in memory (serve) made the folder itself: only one from disk needs
        # checking against what is there.
        if state is not None and (self._journal.exists()
                                  or not (in_memory or self._output_intact(state))):
            state = None  # an update was interrupted, or the folder changed behind our back
        with build_lock(self.out):
            stamped_at = time.time()
            stamps, newest = _stamps(self.site_root) if self.quick_check else ([], 0.0)
            inputs = digest([code_digest(), repr((self.drafts, self.future, self.search == "off")),
                             *stamps])
            if (self.quick_check and state is not None and state.inputs == inputs
                    and state.report is not None
                    and newest < state.stamped_at - RACY_SECONDS
                    and state.built_at is not None and state.built_at <= now
                    and (state.valid_until is None or now < state.valid_until)):
                self.state, self.last_mode, self.last_written = state, "no-op", 0
                return replace(state.report, seconds=time.perf_counter() - started)
            from sitegen.resolve import BuildOptions
            options = BuildOptions(now=now, drafts=self.drafts, future=self.future)
            report = self._build(state, options, inputs, started, on_page, stamped_at)
        return report

    def _build(self, state: BuildState | None, options: BuildOptions, inputs: str,
               started: float, on_page: OnPage | None, stamped_at: float) -> BuildReport:
        from sitegen.config import load_config
        from sitegen.pipeline import Caches, copies, prepare
        from sitegen.pipeline import report as make_report
        from sitegen.render.dependencies import page_digests

        config, problems = load_config(self.site_root)
        if config is None or any(p.is_error for p in problems):
            raise BuildFailed(sort_problems(problems))
        config_digest = digest([repr(config)])
        content = self._content_cache()
        if state is None or state.config != config_digest:
            content.files = {}  # records depend on the languages and their time zones
        caches = Caches(content.files, content.bodies, content.resolve, content.fingerprints)
        prepared = prepare(self.site_root, options, caches, self.jobs, config, write_cache=True)
        global_digest = digest([code_digest(), config_digest, _theme_digest(prepared, stamped_at),
                                repr(prepared.site.preview)])
        digests = page_digests(prepared.site, prepared.pages, global_digest,
                               caches.fingerprints)
        to_copy = copies(prepared, self.site_root)
        for rel, source in to_copy.items():
            digests[rel] = "copy:" + fingerprint(source, stamped_at)
        if state is None:
            sizes, copied = self._full(prepared, on_page)
        else:
            sizes, copied = self._incremental(prepared, state, digests, to_copy, on_page)
        output_id = output_identity(self.out)
        report = make_report(prepared, started, str(self.out), copied)
        new_state = BuildState(
            inputs=inputs, valid_until=_next_change(prepared, caches.files.values(),
                                                    options.now),
            output_id=output_id, outputs=digests, sizes=sizes, config=config_digest,
            report=report, built_at=options.now, stamped_at=stamped_at)
        self.state = new_state
        caches.resolve.articles = dict(prepared.site.articles)
        live = set(prepared.site.articles)
        fingerprints = {k: v for k, v in caches.fingerprints.items()
                        if not k.startswith("a:") or k[2:] in live}
        self.content = ContentCache(caches.files, _live_bodies(caches.bodies, prepared),
                                    caches.resolve, fingerprints)
        if self.autosave:
            self.save()
        return report

    def _index_later(self, prepared: Prepared) -> None:
        """Index in a background thread; of edits made meanwhile, only the last counts."""
        with self._search_lock:
            self._search_job = (self.out, prepared.site, prepared.pages)
            if self._search_thread is not None and self._search_thread.is_alive():
                return
            self._search_thread = threading.Thread(target=self._index_loop, daemon=True,
                                                   name="sitegen-search")
            self._search_thread.start()

    def _index_loop(self) -> None:
        from sitegen import search

        while True:
            with self._search_lock:
                job, self._search_job = self._search_job, None
            if job is None:
                return
            try:
                search.index_published(*job, niceness=15)
            except BuildFailed:  # the next build reports it; a preview keeps going
                pass

    def wait_for_search(self) -> None:
        """Let a background indexing finish (before replacing the folder, or exiting)."""
        thread = self._search_thread
        if thread is not None:
            thread.join()

    def save(self) -> None:
        """Write what this builder knows to .sitegen-cache/, for the next process."""
        if self.persistent and self.state is not None and self.content is not None:
            save_state(self._content_file, self.content)
            save_state(self._state_file, self.state)

    def _full(self, prepared: Prepared, on_page: OnPage | None) -> tuple[dict[str, int], int]:
        from sitegen.pipeline import copies, publish

        self.last_mode = "full"
        self.wait_for_search()  # the folder is about to be replaced
        with staged_output(self.out, locked=True) as stage:
            sizes = publish(prepared, self.site_root, stage, on_page, self.jobs,
                            index=self.search != "off")
        self._journal.unlink(missing_ok=True)
        for rel, source in copies(prepared, self.site_root).items():
            sizes[rel] = source.stat().st_size
        self.last_written = len(sizes)
        return sizes, stage.copied

    def _incremental(self, prepared: Prepared, state: BuildState, digests: dict[str, str],
                     to_copy: dict[str, Path], on_page: OnPage | None
                     ) -> tuple[dict[str, int], int]:
        from sitegen import search
        from sitegen.pipeline import render_pages

        self.last_mode = "incremental"
        changed = [page for page in prepared.pages
                   if state.outputs.get(page.output) != digests[page.output]]
        rendered = render_pages(prepared, changed, None, self.jobs, on_page)
        sizes = dict(state.sizes)
        written = copied = 0
        update = Update(self.out, self._journal)
        try:
            for rel, data in rendered.items():
                assert isinstance(data, bytes)
                written += update.write(rel, data)
                sizes[rel] = len(data)
            for rel, source in to_copy.items():
                if state.outputs.get(rel) != digests[rel]:
                    update.copy(rel, source)
                    copied += 1
                sizes[rel] = source.stat().st_size
            for rel in set(state.outputs) - set(digests):
                update.remove(rel)
                sizes.pop(rel, None)
        except BaseException:
            update.abort()
            raise
        update.commit()
        # Pagefind runs only if an indexed page changed; the new index is swapped in whole.
        if self.search == "now":
            search.index_published(self.out, prepared.site, prepared.pages)
        elif self.search == "later":
            self._index_later(prepared)
        self.last_written = written + copied
        return sizes, copied


def _live_bodies(bodies: dict, prepared: Prepared) -> dict:
    """Keep only bodies still in use, so the cache does not grow without end."""
    live = {a.body_digest for a in prepared.site.articles.values()}
    return {key: body for key, body in bodies.items() if body.digest in live}


def build(site_root: Path, out: Path, options: BuildOptions, on_page: OnPage | None = None,
          jobs: int = 1, clean: bool = False, search: bool = True) -> BuildReport:
    """One build through the engine, with the persistent cache."""
    builder = Builder(site_root, out, options.drafts, options.future, jobs,
                      search="now" if search else "off")
    return builder.build(options.now, clean=clean, on_page=on_page)

