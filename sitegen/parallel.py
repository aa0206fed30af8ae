"""Run independent pieces of work on every core, sharing one big read-only value.

Workers are forked, so the shared value (the site model, the link table) reaches them
through copy-on-write memory instead of being pickled once per task. Where fork is not
available, or the work is too small to be worth a process, it runs in-process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
MIN_ITEMS_PER_WORKER = 64

# Set in each worker by its initializer, before any task runs; never changed afterwards.
_shared: Any = None


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _init(shared: Any) -> None:
    global _shared
    _shared = shared


def _call_chunk(task: tuple[Callable[[Any, Any], Any], Sequence[Any]]) -> list[Any]:
    func, items = task
    return [func(_shared, item) for item in items]


Progress = Callable[[int, int], None]


def shared_map(func: Callable[[Any, T], R], shared: Any, items: Sequence[T],
               jobs: int | None = None, progress: Progress | None = None) -> list[R]:
    """[func(shared, item) for item in items], in order, over `jobs` processes.

    `progress(done, total)` is called in this process as results come in."""
    jobs = jobs or default_jobs()
    total = len(items)
    if jobs <= 1 or total < 2 * MIN_ITEMS_PER_WORKER or \
            "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for item in items:
            results.append(func(shared, item))
            if progress:
                progress(len(results), total)
        return results
    # Several chunks per worker: balanced load, little per-task overhead, and progress.
    size = max(MIN_ITEMS_PER_WORKER // 4, total // (jobs * 8) + 1)
    chunks = [items[i:i + size] for i in range(0, total, size)]
    context = multiprocessing.get_context("fork")
    out: list[R] = []
    with context.Pool(jobs, initializer=_init, initargs=(shared,)) as pool:
        for chunk in pool.imap(_call_chunk, [(func, chunk) for chunk in chunks]):
            out.extend(chunk)
            if progress:
                progress(len(out), total)
    return out
