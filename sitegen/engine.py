"""The incremental build engine: `build` and `serve` both go through a Builder.

A Builder remembers, in the build store (`sitegen/store.py`, data only) and, while it
lives, in memory (serve): each source file's stat stamp and parsed record, each body's
rendered HTML, and for each output file the digest of everything it was made from and
the stat stamp it was left with. The next build parses only changed files, renders only
changed bodies and pages, and writes only files whose bytes changed. The first build,
`--clean`, or a state that cannot be trusted takes the full path: render everything
into a new folder and swap it in.

Every build changes the output and the store's state as one transaction
(`write.Transaction`): a build killed at any moment leaves the old site or the new
one, and the next build first finishes or undoes what it left (`write.recover`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.changes import edited_files, input_stamps, next_change
from sitegen.errors import BuildFailed, sort_problems
from sitegen.fingerprint import RACY_SECONDS, code_digest, content_hash, digest, fingerprint
from sitegen.report import BuildReport
from sitegen.search_later import LaterIndex
from sitegen.store import Outputs, Store, store_path
from sitegen.store_aside import nothing, save_content_aside
from sitegen.write import (
    MARKER,
    MARKER_TEXT,
    Stage,
    Transaction,
    build_lock,
    foreign_entries,
    output_identity,
    recover,
    stamps_under,
    stat_stamp,
)

# The quick path (nothing changed) needs none of the heavy machinery; it is imported
# where a real build begins.
if TYPE_CHECKING:
    from sitegen.pipeline import OnPage, Prepared
    from sitegen.resolve import BuildOptions


@dataclass
class Memory:
    """What a Builder keeps between builds in one process (serve), so that a rebuild
    reads nothing back from the store."""

    files: dict[str, Any] = field(default_factory=dict)  # source path -> CachedFile
    config: str = ""  # the site.toml digest the files were parsed under
    bodies: dict[str, Any] = field(default_factory=dict)  # body key -> RenderedBody
    resolve: Any = None  # resolve.memo.ResolveMemo
    fingerprints: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] | None = None
    outputs: Outputs | None = None
    site: Any = None  # the last build's model.Site
    head: Any = None  # and its snapshot.Head


@dataclass
class Builder:
    """Builds one site into one output folder, again and again, as fast as it can."""

    site_root: Path
    out: Path
    drafts: bool = False
    future: bool = False
    jobs: int = 1
    persistent: bool = True  # keep the state in .sitegen-cache/store.sqlite between runs
    # The search index: "now" (within the build's transaction), "later" (a background
    # thread after an incremental build, so a preview shows an edit at once) or "off".
    search: str = "now"
    # Look for "nothing changed" before building (a stat of every file). Serve, which
    # builds only when the watcher saw a change, turns it off.
    quick_check: bool = True
    # Makes embargo previews' secret addresses (SITEGEN_PREVIEW_SECRET, read by the CLI);
    # only its hash reaches the store.
    preview_secret: str | None = field(default=None, repr=False)
    memory: Memory | None = field(default=None, init=False)
    # Top-level files of the output no build makes (a CNAME by hand): removed by the
    # last build, and named in its report.
    removed_foreign: tuple[str, ...] = field(default=(), init=False)
    last_mode: str = field(default="", init=False)  # "no-op", "incremental" or "full"
    last_written: int = field(default=0, init=False)
    _store: Store | None = field(default=None, init=False)
    _later: LaterIndex = field(default_factory=LaterIndex, init=False)

    def __post_init__(self) -> None:
        # Absolute, so that nothing depends on the working folder (links made for the
        # search indexer, the state's key).
        self.site_root = self.site_root.resolve()
        self.out = self.out.resolve()

    @property
    def variant(self) -> str:
        """The store's key for this output folder and these options."""
        key = f"{self.out}\0{self.drafts}:{self.future}:{self.search == 'off'}"
        return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(store_path(self.site_root) if self.persistent else None)
        return self._store

    def close(self) -> None:
        self.wait_for_search()
        if self._store is not None:
            self._store.close()
            self._store = None

    def _apply(self, delta: dict) -> None:
        """Write a committed build's state into the store (also when finishing the
        transaction of a build that was killed)."""
        from sitegen import codec

        state = codec.decode(delta["state"])
        variant = delta["variant"]
        outputs = {rel: (value[0], value[1], value[2])
                   for rel, value in delta["outputs"].items()}
        saved = self.store.save_build(variant, state, outputs, delta["removed"],
                                      replace_all=delta["replace_all"])
        if not saved:
            self.store.forget(variant)
        if self.memory is not None and variant == self.variant:
            if delta["replace_all"] or self.memory.outputs is None:
                self.memory.outputs = {}
            for rel in delta["removed"]:
                self.memory.outputs.pop(rel, None)
            self.memory.outputs.update(outputs)
            self.memory.state = state

    def global_digest(self, config_digest: str, theme_dirs: Iterable[Path], stamped_at: float,
                      preview: bool) -> str:
        """What every page depends on: sitegen's code, site.toml, the theme's files, and
        whether this is a preview."""
        # By content, not by stamp: a stamp fresh enough to be doubted would be taken by
        # content now and by stamp in the next build, and every page would be made again.
        theme = digest(content_hash(path.read_bytes()) for folder in theme_dirs
                       for path in sorted(folder.rglob("*")) if path.is_file())
        return digest([code_digest(), config_digest, theme, repr(preview)])

    def _intact(self, state: dict[str, Any], outputs: Outputs) -> tuple[bool, set[str]]:
        """Is the folder the one our last build made (its marker), and which of its files
        were changed or removed since (by inode, time and size, not size alone)?"""
        if output_identity(self.out) != state.get("output_id"):
            return False, set()
        touched = set()
        for rel, value in outputs.items():
            try:
                if stat_stamp(self.out / rel) != value[1]:
                    touched.add(rel)
            except OSError:
                touched.add(rel)
        return True, touched

    def build(self, now: datetime, clean: bool = False,
              on_page: OnPage | None = None) -> BuildReport:
        """Build as of `now`. Raises BuildFailed on content errors, leaving the output
        as it was."""
        started = time.perf_counter()
        self.removed_foreign = ()
        with build_lock(self.out):
            if recover(self.out, self._apply):
                self.memory = None  # the store now holds what the killed build made
            in_memory = self.memory is not None and self.memory.state is not None
            state, outputs = (None, None) if clean else (
                (self.memory.state, self.memory.outputs) if in_memory and self.memory
                else (self.store.state(self.variant), self.store.outputs(self.variant)))
            touched: set[str] = set()
            if state is not None and outputs is not None:
                # A folder this process made and keeps in memory (serve) is only checked
                # by its marker; one known from the store, file by file.
                intact, touched = self._intact(state, {} if in_memory else outputs)
                if not intact:
                    state = outputs = None  # the folder is not the one we made
            else:
                state = outputs = None
            stamped_at = time.time()
            stamps, newest = input_stamps(self.site_root)
            secret = content_hash((self.preview_secret or "").encode("utf-8"))
            inputs = digest([code_digest(), repr((self.drafts, self.future, self.search == "off",
                                                  secret)),
                             *sorted(f"{k}:{v}" for k, v in stamps.items())])
            if (self.quick_check and state is not None and not touched
                    and state.get("inputs") == inputs
                    and isinstance(state.get("report"), BuildReport)
                    and newest < state["stamped_at"] - RACY_SECONDS
                    and state["built_at"] <= now
                    and (state["valid_until"] is None or now < state["valid_until"])):
                self.last_mode, self.last_written = "no-op", 0
                return replace(state["report"], seconds=time.perf_counter() - started)
            from sitegen.resolve import BuildOptions
            options = BuildOptions(now=now, drafts=self.drafts, future=self.future,
                                   preview_secret=self.preview_secret)
            if outputs is not None:  # files changed behind our back are made again
                outputs = {rel: ("", value[1], "") if rel in touched else value
                           for rel, value in outputs.items()}
            if state is not None and outputs is not None and not touched:
                from sitegen.quick import quick_build
                edited = edited_files(self.site_root, state.get("stamps", {}), stamps,
                                 state["stamped_at"])
                valid = state["built_at"] <= now and (
                    state["valid_until"] is None or now < state["valid_until"])
                if edited is not None and valid:
                    report = quick_build(self, state, outputs, edited, options,
                                         {"inputs": inputs, "stamps": stamps,
                                          "stamped_at": stamped_at}, started, on_page)
                    if report is not None:
                        self.last_mode = "patch"
                        return self._with_foreign(report)
            return self._with_foreign(self._build(outputs, options, inputs, stamps, started,
                                                  on_page, stamped_at))

    def _with_foreign(self, report: BuildReport) -> BuildReport:
        """The report, with a warning for each foreign file the build removed."""
        from sitegen.errors import warning

        if not self.removed_foreign:
            return report
        out = self.out.name
        found = [warning(f"{out}/{name}", None, f"'{out}/{name}' was not made by sitegen "
                         "and has been removed: the output folder holds what the site "
                         "makes, and nothing else",
                         f"files the site should publish belong in static/ (static/{name} "
                         f"is published as /{name})", code="foreign-output")
                 for name in self.removed_foreign]
        return replace(report, problems=(*report.problems, *found))

    def _memory(self, config_digest: str) -> Memory:
        """The records and bodies of the last build: in memory, or read from the store."""
        from sitegen.resolve.memo import ResolveMemo

        memory = self.memory
        if memory is None:
            memory = Memory(resolve=ResolveMemo())
            memory.files = self.store.files(config_digest)
            memory.config = config_digest
            self.memory = memory
        if memory.config != config_digest:
            memory.files, memory.config = {}, config_digest  # languages shape records
        return memory

    def _build(self, outputs: Outputs | None, options: BuildOptions, inputs: str,
               stamps: dict[str, str], started: float, on_page: OnPage | None,
               stamped_at: float) -> BuildReport:
        from sitegen.config import load_config
        from sitegen.pipeline import Caches, prepare
        from sitegen.store import BodyStore

        config, problems = load_config(self.site_root)
        if config is None or any(p.is_error for p in problems):
            raise BuildFailed(sort_problems(problems))
        config_digest = digest([repr(config)])
        memory = self._memory(config_digest)
        before = dict(memory.files)
        bodies = BodyStore(self.store, memory.bodies)
        caches = Caches(memory.files, bodies, memory.resolve, memory.fingerprints)
        try:
            prepared = prepare(self.site_root, options, caches, self.jobs, config)
        except BaseException:  # what was parsed and rendered is worth keeping
            self._save_content(memory, before, bodies, config_digest, config.unsafe_html)
            raise
        content_saved = self._save_content(memory, before, bodies, config_digest,
                                           config.unsafe_html, aside=True)
        try:
            report = self._built(prepared, outputs, options, inputs, stamps, started,
                                 on_page, stamped_at, config_digest, memory, caches,
                                 content_saved)
        except BaseException:
            try:
                content_saved()  # let it end: what it writes is worth keeping
            except Exception:  # noqa: BLE001 - the build's own error is the one to say
                pass
            raise
        content_saved()  # done while the pages rendered; this makes sure, on every path
        return report

    def _built(self, prepared: Prepared, outputs: Outputs | None, options: BuildOptions,
               inputs: str, stamps: dict[str, str], started: float, on_page: OnPage | None,
               stamped_at: float, config_digest: str, memory: Memory, caches: Any,
               content_saved: Callable[[], None]) -> BuildReport:
        """The build after `prepare`: digests, the store's rows, then the full or the
        incremental path. `content_saved()` waits for the parsed files and bodies to be
        in the store (written aside, in a process of their own, while this goes on)."""
        from sitegen import derived, search
        from sitegen.kinds.article import ARTICLE
        from sitegen.kinds.digest import digests_and_reads
        from sitegen.pipeline import copies
        from sitegen.snapshot import Head, model_rows

        bodies = caches.bodies
        global_digest = self.global_digest(config_digest, prepared.theme.dirs, stamped_at,
                                           prepared.site.preview)
        digests, reads = digests_and_reads(prepared.site, prepared.pages, global_digest,
                                           caches.fingerprints)
        to_copy = copies(prepared, self.site_root)
        for rel, source in to_copy.items():
            digests[rel] = "copy:" + fingerprint(source, stamped_at)
        to_make = derived.plan(prepared.site, global_digest)
        for rel, item in to_make.items():  # made from pictures: keyed by their content
            digests[rel] = "made:" + item.key
        state = {"inputs": inputs, "stamps": stamps, "global": global_digest,
                 "valid_until": next_change(prepared, caches.files.values(), options.now),
                 "config": config_digest, "built_at": options.now, "stamped_at": stamped_at}
        head = Head(prepared.site.by_language, prepared.site.people, prepared.site.clusters,
                    prepared.site.assets, prepared.site.listings, caches.resolve.targets,
                    prepared.media, prepared.failed, prepared.problems, prepared.pages,
                    search.buckets(prepared.site, prepared.pages), token=inputs,
                    images=prepared.images)
        state["snapshot"] = inputs
        kept: dict[str, Any] | None = None
        if outputs is not None:
            # Only pages made anew can read something new, and an article whose own
            # page is unchanged is unchanged: its stored row stands.
            fresh = {rel for rel, value in digests.items()
                     if outputs.get(rel, ("",))[0] != value}
            reads = {rel: names for rel, names in reads.items() if rel in fresh}
            kept = {page.subject: prepared.site.articles[page.subject]
                    for page in prepared.pages
                    if page.kind is ARTICLE and page.output in fresh}

        def write_store() -> None:
            """The build store's writes, done while the pages render (they need only
            what is known now, and the render workers leave this process idle)."""
            content_saved()
            self.store.stage(self.variant, model_rows(prepared.site, head, kept), reads)

        if outputs is None:
            copied = self._full(prepared, digests, state, on_page, started, head.search,
                                global_digest, write_store, to_make)
        else:
            copied = self._incremental(prepared, outputs, digests, to_copy, state, on_page,
                                       started, head.search, to_make, write_store)
        memory.site, memory.head = prepared.site, head
        live = set(prepared.site.articles)
        memory.fingerprints = {k: v for k, v in caches.fingerprints.items()
                               if not k.startswith("a:") or k[2:] in live}
        memory.bodies = _live_bodies(bodies.memory, prepared)
        assert memory.state is not None
        return replace(memory.state["report"], seconds=time.perf_counter() - started,
                       copied=copied)

    def _save_content(self, memory: Memory, before: dict[str, Any], bodies: Any,
                      config_digest: str, unsafe_html: bool, aside: bool = False
                      ) -> Callable[[], None]:
        """Store the files parsed and the bodies rendered by this build. `aside`: a cold
        build's (tens of thousands of rows, seconds of JSON) are written by a forked
        process of their own while the build goes on, on the core it leaves idle until
        the pages render; what comes back waits for that process (and raises what it
        raised). Otherwise they are written now."""
        from sitegen.resolve.bodies import body_key

        changed = [p for p, entry in memory.files.items() if before.get(p) is not entry]
        changed += [p for p in before if p not in memory.files]
        if not changed and not bodies.new:
            return nothing

        def live() -> set[str]:
            return {body_key(entry.record.body, unsafe_html) for entry in memory.files.values()
                    if hasattr(entry.record, "rel")}

        wait = save_content_aside(self.store, config_digest, memory.files, changed,
                                  bodies.new, live) if aside else None
        if wait is None:
            self.store.save_content(config_digest, memory.files, changed, bodies.new, live)
        bodies.new = {}
        return wait or nothing

    def _report(self, prepared: Prepared, started: float, copied: int) -> BuildReport:
        from sitegen.pipeline import report as make_report
        return make_report(prepared, started, str(self.out), copied)

    def wait_for_search(self) -> None:
        """Let a background indexing finish (before replacing the folder, or exiting)."""
        self._later.wait()

    def _full(self, prepared: Prepared, digests: dict[str, str], state: dict[str, Any],
              on_page: OnPage | None, started: float, buckets: dict[str, str],
              global_digest: str = "", beside: Callable[[], Any] | None = None,
              to_make: Mapping[str, Any] | None = None) -> int:
        from sitegen import search
        from sitegen.pipeline import publish

        self.last_mode = "full"
        self.wait_for_search()  # the folder is about to be replaced
        transaction = Transaction(self.out)
        try:
            root = transaction.folder()
            stage = Stage(root)
            work = transaction.folder() if self.search != "off" else None

            def index(first: Mapping[str, str]) -> Any:
                assert work is not None
                return search.prepare_index(prepared.site, prepared.pages, first, root,
                                            lambda rel: root / rel, work, known=buckets)

            published = publish(prepared, self.site_root, stage, on_page, self.jobs,
                                index if work is not None else None, global_digest, beside,
                                to_make)
            hashes = published.hashes
            if work is not None:
                search.apply_change(root, published.index, work / "trash")
            (root / MARKER).write_text(MARKER_TEXT)
            root.chmod(0o755)
            stamps = stamps_under(root)
            state["output_id"] = output_identity(root)
            state["report"] = self._report(prepared, started, stage.copied)
            kept = {rel: (value, stamps[rel], hashes.get(rel, ""))
                    for rel, value in digests.items() if rel in stamps}
            delta = {"variant": self.variant, "state": _encode(state), "replace_all": True,
                     "removed": [], "outputs": kept}
            self.removed_foreign = tuple(foreign_entries(self.out, digests,
                                                         (search.INDEX_DIR,))) \
                if self.out.is_dir() else ()
            transaction.replace_output(root)
        except BaseException:
            transaction.abort()
            raise
        transaction.commit(delta, self._apply)
        self.last_written = len(digests)
        return stage.copied

    def _incremental(self, prepared: Prepared, outputs: Outputs, digests: dict[str, str],
                     to_copy: dict[str, Path], state: dict[str, Any],
                     on_page: OnPage | None, started: float, buckets: dict[str, str],
                     to_make: dict[str, Any] | None = None,
                     beside: Callable[[], Any] | None = None) -> int:
        from sitegen.pipeline import render_pages

        self.last_mode = "incremental"
        changed = [page for page in prepared.pages
                   if outputs.get(page.output, ("",))[0] != digests[page.output]]
        rendered = render_pages(prepared, changed, None, self.jobs, on_page, beside)
        copies = {rel: source for rel, source in to_copy.items()
                  if outputs.get(rel, ("",))[0] != digests[rel]}
        removed = sorted(set(outputs) - set(digests))
        report = self._report(prepared, started, len(copies))
        wanted = {rel: item for rel, item in (to_make or {}).items()
                  if outputs.get(rel, ("",))[0] != digests[rel]}
        self.commit_update(rendered, digests, copies, removed, state, report, prepared,
                           buckets, outputs, wanted)
        return len(copies)

    def commit_update(self, rendered: dict[str, Any], digests: dict[str, str],
                      copies: dict[str, Path], removed: list[str], state: dict[str, Any],
                      report: BuildReport, prepared: Prepared, buckets: dict[str, str],
                      previous: Outputs, to_make: Mapping[str, Any] | None = None) -> None:
        """Change the output by these pages, copies and removals, the search index's
        parts that they change, and the store by `state`, as one transaction.
        `digests`: of the pages rendered; `buckets`: see search.buckets; `previous`:
        the outputs as the last build left them; `to_make`: files made from pictures
        (output path -> derived.Made), made now and written like pages (none when no
        picture changed: then no picture is touched)."""
        from sitegen import search
        from sitegen.pipeline import make_derived

        transaction = Transaction(self.out)
        new: Outputs = {}
        written = 0
        try:
            for rel, data in rendered.items():
                assert isinstance(data, bytes)
                stamp = transaction.write(rel, data)
                written += stamp is not None
                new[rel] = (digests[rel], stamp or stat_stamp(self.out / rel),
                            content_hash(data))
            for rel, source in copies.items():
                new[rel] = (digests[rel], transaction.copy(rel, source), "")
            made = 0

            def sink(rel: str, data: bytes) -> None:
                nonlocal made
                stamp = transaction.write(rel, data)
                made += stamp is not None
                new[rel] = (digests[rel], stamp or stat_stamp(self.out / rel), "")

            if to_make:
                make_derived(prepared, self.site_root, to_make, sink, self.jobs)
            written += made
            for rel in removed:
                transaction.remove(rel)
            self.removed_foreign = tuple(foreign_entries(self.out, [*previous, *new],
                                                         (search.INDEX_DIR,)))
            for name in self.removed_foreign:
                transaction.remove(name)
            if self.search == "now":
                contents = {rel: value[2] for rel, value in previous.items()}
                contents.update((rel, value[2]) for rel, value in new.items())
                change = search.prepare_index(prepared.site, prepared.pages, contents, self.out,
                                              transaction.locate, transaction.folder(),
                                              known=buckets)
                for rel, built in change.replace.items():
                    transaction.place(rel, built)
                for rel in change.remove:
                    transaction.remove(rel)
            state["output_id"] = output_identity(self.out)
            assert state["output_id"]
            state["report"] = report
            delta = {"variant": self.variant, "state": _encode(state), "replace_all": False,
                     "removed": removed, "outputs": new}
        except BaseException:
            transaction.abort()
            raise
        transaction.commit(delta, self._apply)
        if self.search == "later":  # a preview: the index follows in the background
            self._later.start(self.out, prepared.site, prepared.pages)
        self.last_written = written + len(copies)


def _encode(state: dict[str, Any]) -> str:
    from sitegen import codec
    return codec.encode(state)


def _live_bodies(bodies: dict, prepared: Prepared) -> dict:
    """Keep only bodies still in use, so memory does not grow without end."""
    live = {a.body_digest for a in prepared.site.articles.values()}
    return {key: body for key, body in bodies.items() if body.digest in live}


def build(site_root: Path, out: Path, options: BuildOptions, on_page: OnPage | None = None,
          jobs: int = 1, clean: bool = False, search: bool = True) -> BuildReport:
    """One build through the engine, with the persistent store."""
    builder = Builder(site_root, out, options.drafts, options.future, jobs,
                      search="now" if search else "off",
                      preview_secret=options.preview_secret)
    try:
        return builder.build(options.now, clean=clean, on_page=on_page)
    finally:
        builder.close()
