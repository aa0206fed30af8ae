"""The only module that writes the output folder: stage beside it, then swap.

A build renders into a temporary folder next to the output and swaps it in only when
everything succeeded, so a failed or killed build leaves the previous site exactly as it
was. A lock file serialises builds into the same folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

MARKER = ".sitegen-output"


MARKER_TEXT = "This folder is made by sitegen: every file in it is rewritten by its builds.\n"


def output_identity(out: Path) -> str:
    """Which build made this folder: the marker file's inode and time, which only a new
    full build changes. Kept in the build cache, never in the output (builds of the same
    content stay byte-identical)."""
    try:
        info = (out / MARKER).stat()
    except OSError:
        return ""
    return f"{info.st_ino}:{info.st_mtime_ns}"


class OutputRefused(Exception):
    """The output folder is not ours to replace (it holds other files, or the site)."""


SOURCE_FOLDERS = ("content", "static", "themes")


def check_output_dir(out: Path, site_root: Path) -> None:
    out, site_root = out.resolve(), site_root.resolve()
    if out == site_root or out in site_root.parents:
        raise OutputRefused(f"the output folder {out} contains the site itself")
    for name in SOURCE_FOLDERS:
        # Output among the sources would be read back, and published, by the next build.
        source = site_root / name
        if out == source or source in out.parents:
            raise OutputRefused(f"the output folder {out} is inside the site's {name}/ "
                                "folder; choose a folder outside it with --out")
    if out.exists() and (not out.is_dir() or (any(out.iterdir())
                                              and not (out / MARKER).exists())):
        raise OutputRefused(f"{out} exists and was not made by sitegen; "
                            "choose an empty or new folder with --out")
    _check_creatable(out)


def _check_creatable(out: Path) -> None:
    """The output and its temporary siblings are made in its parent: it must be a folder
    we may write in (or one we can create), not a file."""
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputRefused(f"cannot make the output folder {out}: {parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputRefused(f"cannot make the output folder {out}: "
                            f"no permission to write in {parent}")


class Stage:
    """A folder being filled; becomes the output only if the build succeeds."""

    def __init__(self, root: Path):
        self.root = root
        self.written = 0
        self.copied = 0

    def _target(self, rel: str) -> Path:
        target = (self.root / rel).resolve()
        if self.root.resolve() not in target.parents:
            raise ValueError(f"refusing to write outside the output: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write(self, rel: str, data: bytes) -> None:
        self._target(rel).write_bytes(data)
        self.written += 1

    def copy(self, rel: str, source: Path) -> None:
        shutil.copyfile(source, self._target(rel))
        self.copied += 1


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def staged_output(out: Path, locked: bool = False) -> Iterator[Stage]:
    """Yield a Stage; on normal exit it replaces `out` in two renames.

    `locked`: the caller already holds the build lock."""
    out = out.resolve()
    with nullcontext() if locked else build_lock(out):
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        try:
            stage = Stage(tmp)
            yield stage
            (tmp / MARKER).write_text(MARKER_TEXT)
            os.chmod(tmp, 0o755)
            _swap(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _swap(new: Path, out: Path) -> None:
    if not out.exists():
        os.rename(new, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


class Update:
    """Changes to an output folder made as one step, for incremental builds.

    Every new file is first written beside its target; `commit` then renames them all
    into place and deletes the files no longer wanted, a matter of milliseconds. A
    journal file exists from the first write until the commit is complete: a build
    killed in between leaves it behind, and the next build, seeing it, rebuilds the
    folder whole instead of trusting it. A build that fails before `commit` (`abort`)
    changes nothing.
    """

    def __init__(self, out: Path, journal: Path):
        self.out, self.journal = out, journal
        self._pending: list[tuple[Path, Path]] = []  # (temporary file, target)
        self._removals: list[Path] = []

    def _begin(self) -> None:
        if not self.journal.exists():
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            self.journal.write_text(f"an update of {self.out} is under way\n")

    def _stage(self, rel: str) -> tuple[Path, Path]:
        self._begin()
        target = (self.out / rel).resolve()
        if self.out.resolve() not in target.parents:
            raise ValueError(f"refusing to write outside the output: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".new-")
        os.close(handle)
        self._pending.append((Path(tmp), target))
        return Path(tmp), target

    def write(self, rel: str, data: bytes) -> bool:
        """Stage `data` for `rel` unless the file already holds exactly these bytes."""
        target = self.out / rel
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                return False
        except OSError:
            pass
        tmp, _ = self._stage(rel)
        tmp.write_bytes(data)
        return True

    def copy(self, rel: str, source: Path) -> None:
        tmp, _ = self._stage(rel)
        shutil.copyfile(source, tmp)

    def remove(self, rel: str) -> None:
        self._begin()
        self._removals.append(self.out / rel)

    def commit(self) -> None:
        for tmp, target in self._pending:
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        for target in self._removals:
            target.unlink(missing_ok=True)
            self._prune(target.parent)
        self._pending, self._removals = [], []
        self.journal.unlink(missing_ok=True)

    def abort(self) -> None:
        for tmp, _ in self._pending:
            tmp.unlink(missing_ok=True)
            self._prune(tmp.parent)
        self._pending, self._removals = [], []
        self.journal.unlink(missing_ok=True)

    def _prune(self, folder: Path) -> None:
        """Remove folders left empty, up to the output folder itself."""
        out = self.out.resolve()
        folder = folder.resolve()
        while folder != out and out in folder.parents and folder.is_dir() \
                and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
