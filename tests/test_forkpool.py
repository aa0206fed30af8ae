"""ForkedPool: results in order, a worker's error raised as it is, and ending a pool
always returns, whatever its workers are doing.

multiprocessing.Pool.terminate() could wait for ever when a worker was killed half way
through sending a result (the suite's CI run hung on an error raised in a worker); the
loops below end busy pools many times over with large replies in flight.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sitegen import parallel
from sitegen.forkpool import ForkedPool, RemoteTraceback, WorkerDied

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="no fork on this platform")
pytestmark = needs_fork


def _double(offset: int, item: int) -> tuple[int, int]:
    return os.getpid(), 2 * item + offset


def _fail_on_30(_: object, item: int) -> bytes:
    if item == 30:
        raise KeyError(f"a bug at item {item}")
    return b"x" * 200_000  # larger than a pipe's buffer: replies are in flight


def _die_on_5(_: object, item: int) -> int:
    if item == 5:
        os._exit(3)  # as the kernel's OOM killer would end it
    return item


def _unpicklable(_: object, item: int) -> object:
    return threading.Lock()


def test_each_chunk_comes_back_in_order_from_the_workers() -> None:
    pool = ForkedPool(2, 100)
    seen: list[int] = []
    try:
        chunks = [list(range(i, i + 7)) for i in range(0, 70, 7)]
        out = pool.map_chunks(_double, chunks, seen.append)
    finally:
        pool.close()
    assert [[v for _, v in chunk] for chunk in out] == [[2 * i + 100 for i in c]
                                                        for c in chunks]
    assert os.getpid() not in {pid for chunk in out for pid, _ in chunk}
    assert sorted(seen) == [7] * 10
    assert parallel.other_threads() == 0  # no helper thread: the next pool forks at once


def test_an_error_in_a_worker_is_raised_as_it_is_and_the_pool_ends_every_time() -> None:
    for _ in range(40):
        with pytest.raises(KeyError, match="a bug at item 30") as caught:
            with parallel.Workers(None, 400, jobs=2) as workers:
                assert workers.forked
                workers.map(_fail_on_30, list(range(400)))
        cause = caught.value.__cause__
        assert isinstance(cause, RemoteTraceback) and "_fail_on_30" in str(cause)
        assert parallel.can_fork()


def test_a_worker_that_dies_is_an_error_not_a_wait() -> None:
    with pytest.raises(WorkerDied):
        with parallel.Workers(None, 200, jobs=2) as workers:
            workers.map(_die_on_5, list(range(200)))
    assert parallel.can_fork()


def test_a_reply_that_does_not_pickle_is_said() -> None:
    with pytest.raises(RuntimeError, match="could not be sent back"):
        with parallel.Workers(None, 200, jobs=2) as workers:
            workers.map(_unpicklable, list(range(200)))


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for whoever adopted it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's /proc")
def test_workers_end_with_a_killed_parent() -> None:
    """A build killed with SIGKILL (a CI runner's timeout) must not leave workers
    behind: they would hold the build lock's file and keep the next build waiting."""
    script = ("import os, sys, time\n"
              "from sitegen.forkpool import ForkedPool\n"
              "pool = ForkedPool(2, None)\n"
              "print(*[p.pid for p in pool._procs], flush=True)\n"
              "time.sleep(60)\n")
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                          text=True) as parent:
        try:
            assert parent.stdout is not None
            workers = [int(pid) for pid in parent.stdout.readline().split()]
            assert len(workers) == 2 and all(map(_alive, workers))
        finally:
            parent.send_signal(signal.SIGKILL)
            parent.wait()
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(map(_alive, workers))


def _pid_and(shared: int, _item: None) -> tuple[int, int]:
    return os.getpid(), shared * 2


def _fails(_shared: object, _item: None) -> None:
    raise ValueError("the disk is full")


def test_detached_work_runs_in_a_process_of_its_own_while_this_one_goes_on() -> None:
    from sitegen.forkpool import Detached

    job = Detached(_pid_and, 21)
    pid, value = job.wait()
    assert pid != os.getpid() and value == 42
    assert job.wait() is None  # waited for already: nothing more to wait for
    with pytest.raises(ValueError, match="the disk is full"):
        Detached(_fails, None).wait()
    Detached(_pid_and, 1).kill()
    assert parallel.can_fork()
