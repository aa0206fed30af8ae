"""Run independent pieces of work on every core, sharing one big read-only value.

Workers are forked, so the shared value (the site model, the link table) reaches them
through copy-on-write memory instead of being pickled once per task. Where fork is not
available, or the work is too small to be worth a process, it runs in-process.

Fork is only safe in a process with one thread. A forked child gets a copy of every
lock as it was at that instant but only the forking thread, so a lock another thread
held (the logging module's, an allocator's, an I/O buffer's) stays locked for ever in
the child and the worker can hang; Python 3.12+ warns ("This process is multi-threaded,
use of fork() may lead to deadlocks"), and the test suite turns warnings into errors.
`sitegen serve` is such a process (the watcher, the HTTP server's threads, the search
index's background thread), so while any other thread is alive the work runs in-process
instead. Another start method would not do: forkserver and spawn pickle the shared
value, and the page renderer's shared value holds the compiled Jinja templates, which do
not pickle (and a spawned worker pays Python's start-up and sitegen's imports again).
The cost is small where it happens: serve's rebuilds after a save render a handful of
bodies and pages, below the size at which a pool pays anyway; only a full rebuild in
serve (its first build, a template or site.toml change) loses the other cores.
`sitegen build` starts no threads, so it always gets its workers.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sitegen.forkpool import ForkedPool

T = TypeVar("T")
R = TypeVar("R")
MIN_ITEMS_PER_WORKER = 64

def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def other_threads() -> int:
    """How many threads besides this one the process has, counting both those Python's
    threading module knows and, on Linux, the kernel's count (threads started from C
    or through `_thread` are invisible to `threading` but just as dangerous to fork)."""
    known = threading.active_count()
    try:
        kernel = len(os.listdir("/proc/self/task"))
    except OSError:  # not Linux, or no /proc
        kernel = 0
    return max(known, kernel) - 1


def can_fork(settle: float = 0.25) -> bool:
    """Whether forking workers now is safe: fork exists and no other thread is alive.

    A thread that was just joined (one run beside an earlier pool, a server's) may still
    be leaving the kernel for a moment after `join` returns: when Python knows of no
    other thread but the kernel still counts one, wait up to `settle` seconds for it."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    deadline = time.monotonic() + settle
    while other_threads() and threading.active_count() == 1 and time.monotonic() < deadline:
        time.sleep(0.002)
    return other_threads() == 0


Progress = Callable[[int, int], None]


def will_fork(items: int, jobs: int | None = None) -> bool:
    """Whether `shared_map` would give this many items to forked workers."""
    jobs = jobs or default_jobs()
    return jobs > 1 and items >= 2 * MIN_ITEMS_PER_WORKER and can_fork()


def shared_map(func: Callable[[Any, T], R], shared: Any, items: Sequence[T],
               jobs: int | None = None, progress: Progress | None = None) -> list[R]:
    """[func(shared, item) for item in items], in order, over `jobs` processes.

    In-process instead when the work is small, or when forking is not safe (another
    thread is alive: see the module's docstring), so the result never depends on where
    it ran. `progress(done, total)` is called in this process as results come in."""
    with Workers(shared, len(items), jobs) as workers:
        return workers.map(func, items, progress)


class Workers:
    """Forked workers kept for several maps over one shared value, and threads of this
    process that run beside them.

    A build renders its pages in two maps (the searchable pages first, then the rest)
    and, once the workers are forked, runs other work in threads of its own: writing the
    build store, feeding the search indexer. Threads could not start before the fork
    (see the module's docstring); after it they cost the workers nothing, and this
    process is otherwise idle while they render. `total`: how many items all maps give
    together, which decides whether a pool is worth forking at all."""

    def __init__(self, shared: Any, total: int, jobs: int | None = None) -> None:
        self._jobs = jobs or default_jobs()
        self._shared = shared
        self._pool: ForkedPool | None = None
        self._threads: list[Beside] = []
        if will_fork(total, self._jobs):
            self._pool = ForkedPool(self._jobs, shared)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        try:
            if kind is None:
                self.join()
            else:  # already failing: let the threads end, keep the first error
                for job in self._threads:
                    job.wait()
        finally:
            if self._pool is not None:
                pool, self._pool = self._pool, None
                if kind is None:
                    pool.close()
                else:  # workers may be busy still: end them now
                    pool.kill()

    @property
    def forked(self) -> bool:
        return self._pool is not None

    def map(self, func: Callable[[Any, T], R], items: Sequence[T],
            progress: Progress | None = None) -> list[R]:
        """[func(shared, item) for item in items], in order."""
        total = len(items)
        if self._pool is None:
            results = []
            for item in items:
                results.append(func(self._shared, item))
                if progress:
                    progress(len(results), total)
            return results
        # Several chunks per worker: balanced load, little per-task overhead, and progress.
        size = max(MIN_ITEMS_PER_WORKER // 4, total // (self._jobs * 8) + 1)
        chunks = [items[i:i + size] for i in range(0, total, size)]
        finished = 0

        def done(items: int) -> None:
            nonlocal finished
            finished += items
            if progress:
                progress(finished, total)

        return [result for chunk in self._pool.map_chunks(func, chunks, done)
                for result in chunk]

    def beside(self, work: Callable[[], Any], outlive: bool = False) -> Beside:
        """Run `work()` in a thread of this process now; `join` (or leaving the `with`)
        waits for it and raises what it raised, unless it is to `outlive` the workers
        (the caller then waits with its `result()`; until then no other pool can fork).
        Without forked workers there is nothing to run beside, and a thread would only
        make later pools impossible: the work then runs at once, in this thread."""
        job = Beside(work, threaded=self._pool is not None)
        if not outlive:
            self._threads.append(job)
        return job

    def join(self) -> None:
        """Wait for every thread started by `beside`; raise the first error one raised."""
        for job in self._threads:
            job.result()


class Beside:
    """One piece of work run beside the workers, and how it ended."""

    def __init__(self, work: Callable[[], Any], threaded: bool) -> None:
        self._work = work
        self._error: BaseException | None = None
        self._value: Any = None
        self.thread = threading.Thread(target=self._run, name="sitegen-beside", daemon=True)
        if threaded:
            self.thread.start()
        else:
            self._run()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by result()
            self._error = exc

    def wait(self) -> None:
        """Let the work end. What it raised is kept for `result`: a caller already
        reporting another error waits with this and says its own."""
        if self.thread.ident is not None:
            self.thread.join()

    def result(self) -> Any:
        """What the work returned, once it has ended; raises what it raised."""
        self.wait()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._value
