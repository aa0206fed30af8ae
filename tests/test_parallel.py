"""shared_map: the same results wherever it runs, and no fork while other threads live.

Forking a multi-threaded process can leave a worker waiting for ever on a lock another
thread held (Python 3.12+ warns, and warnings are errors here); `sitegen serve` builds
while its watcher and server threads run, so shared_map must notice them.
"""

from __future__ import annotations

import _thread
import os
import threading
import time
from collections.abc import Iterator

import pytest

from sitegen import parallel
from sitegen.parallel import MIN_ITEMS_PER_WORKER, can_fork, shared_map

# Enough items that shared_map would use a pool if it may.
ITEMS = list(range(4 * MIN_ITEMS_PER_WORKER))
needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="no fork on this platform")


def _tagged(offset: int, item: int) -> tuple[int, int]:
    """The item plus the shared value, and the process that computed it."""
    return os.getpid(), item + offset


def _run() -> tuple[set[int], list[int]]:
    """shared_map over ITEMS on two workers: the pids seen and the values."""
    out = shared_map(_tagged, 1000, ITEMS, jobs=2)
    return {pid for pid, _ in out}, [value for _, value in out]


@pytest.fixture
def other_thread() -> Iterator[threading.Thread]:
    """A thread that stays alive until the test ends, like serve's watcher."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="test-other-thread", daemon=True)
    thread.start()
    yield thread
    stop.set()
    thread.join(timeout=5)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each fork of this process, as the number of other threads alive at that moment:
    Python 3.12's warning, checked on any Python (multiprocessing calls os.fork)."""
    seen: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        seen.append(parallel.other_threads())
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    return seen


@needs_fork
def test_forks_workers_when_alone(forks: list[int]) -> None:
    pids, values = _run()
    assert values == [item + 1000 for item in ITEMS]
    assert os.getpid() not in pids  # every item went to a worker
    assert forks == [0, 0]  # two workers, each forked with no other thread alive


@needs_fork
def test_forks_again_after_an_earlier_pool() -> None:
    """A pool's own helper threads are gone once it is closed, so a second call (page
    rendering after body rendering) still gets workers."""
    _run()
    assert parallel.can_fork()  # (its threads may take a moment to leave the kernel)
    pids, _ = _run()
    assert os.getpid() not in pids


def test_runs_in_process_while_another_thread_lives(other_thread: threading.Thread,
                                                    forks: list[int]) -> None:
    assert parallel.other_threads() >= 1
    assert not parallel.can_fork()
    pids, values = _run()
    assert pids == {os.getpid()}
    assert values == [item + 1000 for item in ITEMS]
    assert forks == []


def test_progress_in_process_while_another_thread_lives(
        other_thread: threading.Thread) -> None:
    seen: list[tuple[int, int]] = []
    shared_map(_tagged, 0, ITEMS, jobs=2, progress=lambda done, total: seen.append(
        (done, total)))
    assert seen[-1] == (len(ITEMS), len(ITEMS))


@needs_fork
def test_forks_again_once_the_thread_has_ended() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    assert _run()[0] == {os.getpid()}
    stop.set()
    thread.join(timeout=5)
    # Threads other tests started (a server's request handlers) may take a moment to
    # end; whatever the count, forking must follow it exactly.
    deadline = time.monotonic() + 5
    while not can_fork() and time.monotonic() < deadline:
        time.sleep(0.05)
    may_fork = can_fork()
    assert (os.getpid() not in _run()[0]) == may_fork


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's /proc")
def test_sees_threads_that_threading_does_not_know() -> None:
    """A thread started below the threading module (as C extensions do) is counted too."""
    started, stop, ended = threading.Event(), threading.Event(), threading.Event()

    def wait() -> None:
        started.set()
        stop.wait()
        ended.set()

    _thread.start_new_thread(wait, ())
    started.wait(timeout=5)
    try:
        assert threading.active_count() == 1
        assert not parallel.can_fork()
        assert _run()[0] == {os.getpid()}
    finally:
        stop.set()
        ended.wait(timeout=5)
        # The kernel drops the thread a moment after its function returns.
        for _ in range(500):
            if parallel.other_threads() == 0:
                break
            time.sleep(0.01)


def test_small_work_and_one_job_stay_in_process() -> None:
    assert shared_map(_tagged, 0, [1, 2, 3], jobs=4) == [(os.getpid(), v) for v in (1, 2, 3)]
    assert {pid for pid, _ in shared_map(_tagged, 0, ITEMS, jobs=1)} == {os.getpid()}


@needs_fork
def test_workers_run_several_maps_and_work_beside_them() -> None:
    """Two maps on one pool give what shared_map gives; work handed to `beside` runs in
    a thread of this process while the workers are forked, and ends before `with` does."""
    seen: list[tuple[int, str]] = []

    def note() -> str:
        seen.append((os.getpid(), threading.current_thread().name))
        return "written"

    with parallel.Workers(1000, 2 * len(ITEMS), jobs=2) as workers:
        assert workers.forked
        job = workers.beside(note)
        first = workers.map(_tagged, ITEMS)
        second = workers.map(_tagged, ITEMS[::-1])
    assert [v for _, v in first] == [i + 1000 for i in ITEMS]
    assert [v for _, v in second] == [i + 1000 for i in ITEMS[::-1]]
    assert {pid for pid, _ in first + second} - {os.getpid()}
    assert seen == [(os.getpid(), "sitegen-beside")] and job.result() == "written"
    assert can_fork()  # every thread has ended: later pools fork again


def test_work_beside_runs_at_once_without_workers() -> None:
    """Without a pool a thread would only keep later pools from forking."""
    names: list[str] = []
    with parallel.Workers(0, 3, jobs=2) as workers:
        assert not workers.forked
        workers.beside(lambda: names.append(threading.current_thread().name))
        assert names == [threading.current_thread().name]
        assert workers.map(_tagged, [1, 2, 3])[0][1] == 1


@needs_fork
def test_an_error_beside_the_workers_reaches_the_caller() -> None:
    def fail() -> None:
        raise ValueError("disk full")

    with pytest.raises(ValueError, match="disk full"):
        with parallel.Workers(0, len(ITEMS), jobs=2) as workers:
            workers.beside(fail)
            workers.map(_tagged, ITEMS)
    outliving = None
    with parallel.Workers(0, len(ITEMS), jobs=2) as workers:
        outliving = workers.beside(fail, outlive=True)
        workers.map(_tagged, ITEMS)
    with pytest.raises(ValueError, match="disk full"):
        outliving.result()
