"""Forked worker processes that share nothing with this process but one pipe each.

Why not `multiprocessing.Pool`: its workers share two queues guarded by locks, and three
threads of the parent move the tasks and results. Terminating a pool whose workers are
still busy (an error raised in one of them, Ctrl-C) kills a worker that may be half way
through sending a result; the pool's result thread then waits for the rest of that
message for ever, and `terminate()` waits for that thread. A build whose worker hit a
bug hung instead of failing (CI ran out of its 90 minutes on
tests/test_load_parallel.py; a loop of such terminations hangs within a few hundred).

Here each worker has a pipe of its own and this process reads them itself, so:
- a worker killed in the middle of a message costs only its own pipe, which nobody
  reads again: `kill` always returns;
- no helper thread outlives a pool, so the next pool may fork at once
  (sitegen/parallel.py forks only while this process has a single thread);
- a worker that dies (the kernel's OOM killer) is an error, not a wait for ever;
- a worker never outlives this process: killed with it (SIGKILL, a CI runner's timeout),
  its workers end too, and do not keep holding what they inherited (the build lock's
  file, which would keep the next build waiting).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

Chunk = Sequence[Any]


class WorkerDied(RuntimeError):
    """A worker ended without answering: killed, or out of memory."""


class RemoteTraceback(Exception):
    """Where in the worker an error was raised: the `__cause__` of the error raised here."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _rebuilt(error: BaseException, text: str) -> BaseException:
    error.__cause__ = RemoteTraceback(text)
    return error


class _Failure:
    """An error of a worker on its way back: the same exception, raised as it is, with
    the worker's traceback as its cause (a traceback itself does not pickle)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        self.text = "".join(traceback.format_exception(error))

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuilt, (self.error, f'\n"""\n{self.text}"""')


def _die_with(parent: int) -> None:
    """Have the kernel end this worker when the process that forked it ends (Linux's
    PR_SET_PDEATHSIG); elsewhere a worker ends when it finds its pipe closed."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:  # it ended before the request was made
        os._exit(1)


def _serve(conn: Connection, others: Sequence[Connection], parent: int,
           shared: Any) -> None:
    """A worker's life: answer each (func, chunk) with [func(shared, item), ...] or the
    error raised, until told to stop (None) or the parent's end of the pipe closes."""
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for other in others:  # the parent's ends of every pipe, this one's included
        other.close()
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the parent is gone
            return
        if task is None:
            return
        func, chunk = task
        try:
            reply: tuple[bool, Any] = (True, [func(shared, item) for item in chunk])
        except BaseException as exc:  # noqa: BLE001 - raised again in the parent
            reply = (False, _Failure(exc))
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - a reply that does not pickle
            conn.send((False, _Failure(RuntimeError(
                f"a worker's reply could not be sent back ({exc!r}): {reply[1]!r:.300}"))))


def _answer(conn: Connection) -> list[Any]:
    """A worker's results for the chunk it was given, or what it raised, raised here."""
    try:
        ok, value = conn.recv()
    except EOFError:
        raise WorkerDied("a worker process ended without finishing its work (killed, or "
                         "out of memory?)") from None
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


class ForkedPool:
    """`jobs` forked processes, each holding `shared` as it was at the fork."""

    def __init__(self, jobs: int, shared: Any) -> None:
        import ctypes  # noqa: F401 - loaded once here rather than in every worker

        context = multiprocessing.get_context("fork")
        self._conns: list[Connection] = []
        self._procs: list[Any] = []
        # What exists now is the workers' to read, not to collect: frozen (until this
        # or another pool ends: freezing is only a hint), the garbage collectors of the
        # workers and of this process never walk it, and so never write to (and copy)
        # the pages of memory they share.
        gc.freeze()
        self._frozen = True
        try:
            for _ in range(jobs):
                mine, theirs = context.Pipe()
                proc = context.Process(target=_serve, name="sitegen-worker", daemon=True,
                                       args=(theirs, (*self._conns, mine), os.getpid(),
                                             shared))
                proc.start()
                theirs.close()
                self._conns.append(mine)
                self._procs.append(proc)
        except BaseException:
            self.kill()
            raise

    def map_chunks(self, func: Callable[[Any, Any], Any], chunks: Sequence[Chunk],
                   done: Callable[[int], None] | None = None) -> list[list[Any]]:
        """Each chunk's [func(shared, item) for item in chunk], in the chunks' order.
        `done(items)` is called here as each chunk's results arrive. The first error a
        worker raises is raised here; the pool is then to be killed."""
        results: list[list[Any]] = [[] for _ in chunks]
        todo = iter(enumerate(chunks))
        busy: dict[Connection, int] = {}

        def give(conn: Connection) -> None:
            for index, chunk in todo:
                conn.send((func, chunk))
                busy[conn] = index
                return

        for conn in self._conns:
            give(conn)
        while busy:
            for conn in wait(list(busy)):
                index = busy.pop(conn)  # type: ignore[call-overload]
                value = _answer(conn)  # type: ignore[arg-type]
                results[index] = value
                if done:
                    done(len(value))
                give(conn)  # type: ignore[arg-type]
        return results

    def close(self) -> None:
        """Let idle workers end, then make sure they have."""
        for conn in self._conns:
            try:
                conn.send(None)
            except OSError:  # that worker is gone already
                pass
        for proc in self._procs:
            proc.join(timeout=10)
        self.kill()

    def kill(self) -> None:
        """End every worker now, whatever it is doing (nothing of a worker's needs
        cleaning up: it only computes and answers)."""
        for proc in self._procs:
            if proc.exitcode is None:
                proc.kill()
        for proc in self._procs:
            proc.join()
        for conn in self._conns:
            conn.close()
        if self._frozen:
            gc.unfreeze()  # this process's to collect again
            self._frozen = False
        self._procs, self._conns = [], []


class Detached:
    """One piece of work, `work(shared, None)`, in a forked process of its own while this
    process goes on with something else; `wait()` gives what it returned or raises what
    it raised. It is a pool of one worker, so it ends as those do (with a killed build,
    and on `kill`)."""

    def __init__(self, work: Callable[[Any, Any], Any], shared: Any) -> None:
        self._pool: ForkedPool | None = ForkedPool(1, shared)
        self._pool._conns[0].send((work, [None]))

    def wait(self) -> Any:
        """What the work returned, once it has ended (None when waited for already)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return None
        try:
            return _answer(pool._conns[0])[0]
        finally:
            pool.close()

    def kill(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.kill()
