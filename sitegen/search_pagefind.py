"""Running Pagefind's indexer: one process for any number of bundles.

Pagefind's command line makes one bundle per run, and starting it costs more than a
small bundle does. Its service mode (`pagefind --service`, the protocol its Python and
Node packages speak) keeps one process and builds bundle after bundle in it:
base64-encoded JSON requests on stdin and responses on stdout, each ended by a comma.
Here a small synchronous client of that protocol, so that the process can be started
at a lower priority, in an empty folder and without PAGEFIND_* settings (the Python
package's own client offers none of these).

The bundle's files are asked for (GetFiles) and written here, not written by Pagefind
(WriteFiles): Pagefind's service answers WriteFiles before its files are written.
It writes each file with tokio's `File::write_all` and drops the file without
`flush()`, so the `write(2)` can still be queued on tokio's blocking threads when the
answer goes out; and the service ends with `process::exit` when its input closes,
which throws away whatever is still queued. A bundle read after the answer, or after
the process was closed, could then hold an empty `pagefind-entry.json` or a truncated
chunk (Pagefind 1.5.2; upstream issue Pagefind/pagefind#1271). GetFiles answers with
every file's bytes, so when `bundle` returns its files are complete: the answer is
the completion signal. The bytes are those WriteFiles would have written (the same
code makes both).
"""

from __future__ import annotations

import base64
import json
import os
import selectors
import shutil
import subprocess
import time
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any

from sitegen.errors import BuildFailed, error

WHERE = "pagefind"  # the name problems are reported under
HINT = ("install sitegen's dependencies, which include Pagefind's indexer: "
        "`.venv/bin/pip install -e .` (the `pagefind[bin]` package), or point "
        "PAGEFIND_BINARY_PATH at a pagefind binary")
BUG = ("this is a bug in sitegen or Pagefind, not in the content; please report it with "
       "the message above")
ENTRY = "pagefind-entry.json"  # a bundle's list of languages
TIMEOUT = 3600.0  # seconds for one request; a 5,000-page bundle takes well under a minute


def executable() -> Path:
    """The pagefind binary: PAGEFIND_BINARY_PATH, the pagefind-bin package, or PATH
    (the Python package's own lookup). Raises BuildFailed, with a hint, when missing."""
    found: Path | None = None
    try:
        from pagefind.service import get_executable

        found = get_executable()
    except (ImportError, FileNotFoundError):  # pagefind-bin raises when its file is gone
        override = os.environ.get("PAGEFIND_BINARY_PATH")
        located = override or shutil.which("pagefind_extended") or shutil.which("pagefind")
        found = Path(located) if located else None
    if found is None or not found.is_file() or not os.access(found, os.X_OK):
        where = f" (looked for {found})" if found else ""
        raise BuildFailed([error(WHERE, None,
                                 f"cannot build the search index: Pagefind's indexer was "
                                 f"not found{where}", HINT, code="search")])
    return found


def version_key() -> str:
    """Pagefind's version, part of every bundle's stamp: a new Pagefind re-indexes all."""
    try:
        from importlib.metadata import version

        return version("pagefind_bin")
    except Exception:  # an external binary: its path stands in for its version
        return os.environ.get("PAGEFIND_BINARY_PATH", "")


def _failed(message: str, hint: str = BUG) -> BuildFailed:
    return BuildFailed([error(WHERE, None, f"cannot build the search index: {message}",
                              hint, code="search")])


class Indexer:
    """One Pagefind service process; `bundle` makes one bundle in it. Use as a context
    manager: the process is ended (and waited for) on the way out, also after an error."""

    def __init__(self, binary: Path, cwd: Path, niceness: int = 0) -> None:
        # In an empty folder, without PAGEFIND_* settings: a pagefind.yml in the editor's
        # working directory or a variable in the environment must not change the index.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
        self._log = open(cwd / "pagefind.log", "w+b")  # noqa: SIM115 (closed in close())
        try:
            self._process = subprocess.Popen(
                [str(binary), "--service"], cwd=cwd, env=env, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=self._log,
                preexec_fn=(lambda: os.nice(niceness)) if niceness else None)
        except OSError as exc:
            self._log.close()
            raise _failed(f"running {binary} failed: {exc}", HINT) from exc
        self._buffer = bytearray()
        self._next_id = 0

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """End the process: closing its input is its signal to exit."""
        stdin = self._process.stdin
        if stdin is not None and not stdin.closed:
            try:
                stdin.close()
            except OSError:
                pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._log.close()

    def bundle(self, pages: Path, output: Path) -> int:
        """Index every HTML file under `pages` into a new bundle at `output`; the number
        of pages indexed. Pagefind derives each result's URL from the file's path.
        Every file of the bundle is complete when this returns (see the module's text)."""
        index = self._call({"type": "NewIndex", "config": None})["index_id"]
        count = self._call({"type": "AddDir", "index_id": index, "path": str(pages),
                            "glob": None})["page_count"]
        files = self._call({"type": "GetFiles", "index_id": index})["files"]
        self._call({"type": "DeleteIndex", "index_id": index})  # free its memory
        write_bundle(files, output)
        return int(count)

    def _call(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        request = {"message_id": self._next_id, "payload": payload}
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(base64.b64encode(json.dumps(request).encode()) + b",")
            stdin.flush()
        except OSError as exc:
            raise self._died(f"{exc}") from exc
        response = json.loads(base64.b64decode(self._read_message()))
        answer: dict[str, Any] = response.get("payload") or {}
        if answer.get("type") == "Error" or response.get("message_id") != self._next_id:
            raise _failed(f"Pagefind answered {payload['type']} with: "
                          f"{answer.get('message') or response}")
        return answer

    def _read_message(self) -> bytes:
        """The next response, up to its comma (base64 has none), within TIMEOUT."""
        stdout: IO[bytes] | None = self._process.stdout
        assert stdout is not None
        deadline = time.monotonic() + TIMEOUT
        buffer = self._buffer  # a GetFiles answer is megabytes: append, search what came
        searched = 0
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while (end := buffer.find(b",", searched)) < 0:
                searched = len(buffer)
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self._process.kill()
                    raise self._died(f"no answer within {TIMEOUT:.0f} s")
                chunk = os.read(stdout.fileno(), 1 << 20)
                if not chunk:
                    raise self._died("it exited")
                buffer += chunk
        message = bytes(buffer[:end])
        del buffer[:end + 1]
        return message

    def _died(self, what: str) -> BuildFailed:
        self._process.poll()
        self._log.seek(0)
        tail = "\n".join(self._log.read().decode("utf-8", "replace").strip().splitlines()[-5:])
        status = self._process.returncode
        return _failed(f"Pagefind stopped ({what}; status {status}){': ' + tail if tail else ''}")


def write_bundle(files: list[dict[str, Any]], output: Path) -> None:
    """Write a GetFiles answer (`path` inside the bundle, base64 `content`) at `output`,
    a folder that must not exist yet, so that nothing of another bundle is in it. Raises
    BuildFailed, leaving no folder, when a path would leave the bundle or comes twice, or
    when the answer has no entry file."""
    output.mkdir()
    try:
        seen: set[PurePosixPath] = set()
        for file in files:
            rel = PurePosixPath(str(file["path"]).replace("\\", "/"))
            if rel.is_absolute() or not rel.parts or ".." in rel.parts or rel in seen:
                raise _failed(f"Pagefind's bundle names the file {file['path']!r} "
                              f"{'twice' if rel in seen else 'outside the bundle'}")
            seen.add(rel)
            target = output.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(base64.b64decode(file["content"], validate=True))
        if PurePosixPath(ENTRY) not in seen:
            raise _failed(f"Pagefind's bundle has no {ENTRY}")
    except BaseException:
        shutil.rmtree(output, ignore_errors=True)
        raise
