"""`sitegen serve`: the watcher, the Builder and the server, tied together.

The main thread waits for file events, lets the debouncer turn a burst of saves into
one rebuild, and builds through `engine.Builder` (which keeps the site in memory
between builds). The server runs in its own threads and only reads the output folder
and the LiveState. Nothing is printed here: the CLI gets each outcome through a
callback and decides what the terminal shows (the one exception: the warning that the
preview is open to the network goes to stderr unless the caller takes it).
"""

from __future__ import annotations

import errno
import ipaddress
import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from sitegen.engine import Builder
from sitegen.errors import BuildFailed, Problem, error
from sitegen.locations import CACHE_DIR
from sitegen.parallel import default_jobs
from sitegen.report import BuildReport
from sitegen.serve.server import LiveServer, LiveState
from sitegen.serve.watch import Change, ChangeKind, Debouncer, classify, relevant_event

WATCHED_FOLDERS = ("content", "themes", "static")


class ServeError(Exception):
    """The server cannot start (the port is taken, the address is not this computer's)."""


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    """One build attempt as the terminal reports it."""

    changes: tuple[Change, ...]  # empty for the first build
    report: BuildReport | None  # None when the build failed
    problems: tuple[Problem, ...]  # all problems: the warnings of a good build, or the errors
    seconds: float

    @property
    def failed(self) -> bool:
        return self.report is None


@dataclass(frozen=True, slots=True)
class ServeOptions:
    site_root: Path
    host: str = "127.0.0.1"
    port: int = 8000
    preview: bool = True  # drafts and embargoed articles shown, with a banner
    log_requests: bool = False  # one line per request on stderr (--verbose)
    preview_secret: str | None = field(default=None, repr=False)  # embargo previews


class Session:
    """Builds when asked and tells the server how it went."""

    def __init__(self, builder: Builder, state: LiveState, now: Callable[[], datetime],
                 on_build: Callable[[BuildOutcome], None]):
        self.builder, self.state, self.now, self.on_build = builder, state, now, on_build

    def rebuild(self, changes: tuple[Change, ...] = ()) -> BuildOutcome:
        started = time.perf_counter()
        self.state.begin_build()
        report: BuildReport | None = None
        problems: tuple[Problem, ...] = ()
        try:
            report = self.builder.build(self.now())
            problems = report.problems
        except BuildFailed as failed:
            problems = tuple(failed.problems)
        except Exception as exc:  # a bug must not stop the preview: show it like an error
            last = traceback.extract_tb(exc.__traceback__)[-1]
            problems = (error(last.filename, last.lineno,
                              f"internal error in sitegen: {type(exc).__name__}: {exc}",
                              "a bug in sitegen, not in your content; please report it"),)
        finally:
            self.state.finish_build([p for p in problems if p.is_error] if report is None
                                    else ())
        outcome = BuildOutcome(changes, report, problems, time.perf_counter() - started)
        self.on_build(outcome)
        return outcome


class _Events(FileSystemEventHandler):
    """Hands every relevant watchdog event's paths to the main thread."""

    def __init__(self, sink: queue.Queue[Path]):
        self.sink = sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        if not relevant_event(event.event_type, event.is_directory):
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path:
                self.sink.put(Path(str(path)))


class Watcher:
    """watchdog over content/, themes/, static/ (recursively) and the site folder itself
    (for site.toml, and for those folders appearing later)."""

    def __init__(self, site_root: Path):
        self.site_root = site_root
        self.events: queue.Queue[Path] = queue.Queue()
        self._handler = _Events(self.events)
        self._observer = Observer()
        self._watched: set[str] = set()

    def start(self) -> None:
        self._observer.schedule(self._handler, str(self.site_root), recursive=False)
        self.watch_new_folders()
        self._observer.start()

    def watch_new_folders(self) -> None:
        for name in WATCHED_FOLDERS:
            folder = self.site_root / name
            if name not in self._watched and folder.is_dir() and not folder.is_symlink():
                self._observer.schedule(self._handler, str(folder), recursive=True)
                self._watched.add(name)

    def get(self, timeout: float) -> Path | None:
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)


def exposure_warning(host: str, bound: str, preview: bool) -> str | None:
    """The warning for a preview that other computers can reach, or None when it listens
    on this computer only. `host` is the --host given; `bound` the address it resolved
    to (for a name such as 'localhost' or 'mylaptop.local')."""
    for candidate in (host.strip("[]"), bound):
        try:
            address = ipaddress.ip_address(candidate.split("%", 1)[0])
        except ValueError:
            continue
        if address.is_loopback:
            return None
        where = ("on every network this computer is on" if address.is_unspecified
                 else f"at {candidate}")
        if not preview:
            return (f"warning: --host {host}: the preview is open {where}, to anyone who "
                    "can reach this computer (with --no-drafts it shows what build "
                    "publishes)")
        return (f"warning: --host {host}: the preview is open {where}: anyone who can "
                "reach this computer can read the drafts and embargoed stories in it. "
                "Only do this on a network you trust; without --host it is this "
                "computer's alone")
    return None


def _print_warning(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def serve(options: ServeOptions, now: Callable[[], datetime],
          on_ready: Callable[[str], None], on_build: Callable[[BuildOutcome], None],
          stop: threading.Event | None = None,
          on_warning: Callable[[str], None] = _print_warning) -> None:
    """Build, serve and rebuild until `stop` is set or KeyboardInterrupt.

    The server is bound before anything else, so a busy port fails at once (ServeError),
    and a preview open to the network is said at once, through `on_warning` (stderr by
    default, even with --quiet: drafts are at stake).
    The preview is built into .sitegen-cache/serve/ (one folder for the preview with
    drafts, one for --no-drafts), never into build/; the Builder's cache there makes the
    next `sitegen serve` start fast.
    """
    stop = stop or threading.Event()
    site_root = options.site_root.resolve()
    out = preview_folder(site_root, options.preview)
    state = LiveState(out, site_root)
    try:
        server = LiveServer((options.host, options.port), state, options.log_requests)
    except OSError as exc:
        hint = " (try another --port)" if exc.errno == errno.EADDRINUSE else ""
        raise ServeError(f"cannot listen on {options.host}:{options.port}: "
                         f"{exc.strerror or exc}{hint}") from exc
    warning = exposure_warning(options.host, str(server.server_address[0]), options.preview)
    if warning:
        on_warning(warning)
    thread = threading.Thread(target=server.serve_forever, name="sitegen-serve", daemon=True)
    watcher = Watcher(site_root)
    # The Builder keeps the site in memory between rebuilds; every build also commits its
    # state to the build store with the output, so a preview killed at any moment (or
    # hung up with its terminal) and started again shows the sources as they are.
    # The search index is rebuilt in the background, so an edit shows at once.
    builder = Builder(site_root, out, drafts=options.preview, future=options.preview,
                      jobs=default_jobs(), search="later", quick_check=False,
                      preview_secret=options.preview_secret)
    session = Session(builder, state, now, on_build)
    try:
        thread.start()
        watcher.start()  # before the first build, so no save is missed
        session.rebuild()
        on_ready(server.url)
        _loop(site_root, watcher, session, stop)
    finally:
        watcher.stop()
        server.stop()
        thread.join(timeout=5)
        builder.close()


def preview_folder(site_root: Path, preview: bool) -> Path:
    return site_root / CACHE_DIR / "serve" / ("preview" if preview else "published")


def _loop(site_root: Path, watcher: Watcher, session: Session, stop: threading.Event,
          clock: Callable[[], float] = time.monotonic) -> None:
    debouncer = Debouncer()
    while not stop.is_set():
        wait = debouncer.wait_time(clock())
        path = watcher.get(0.25 if wait is None else min(wait, 0.25))
        if path is not None:
            change = classify(site_root, path)
            if change.kind is not ChangeKind.IGNORED:
                debouncer.add(change, clock())
            if change.kind in (ChangeKind.CONTENT, ChangeKind.STATIC, ChangeKind.TEMPLATE):
                watcher.watch_new_folders()
        if debouncer.ready(clock()):
            session.rebuild(debouncer.take())
