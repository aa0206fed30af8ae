"""The only module that writes the output folder: stage beside it, then swap.

A build renders into a temporary folder next to the output and swaps it in only when
everything succeeded, so a failed or killed build leaves the previous site exactly as it
was. A lock file serialises builds into the same folder.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
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
        self._inside = os.path.realpath(root)
        self._folders: set[str] = set()  # made already: one mkdir per folder, not per file

    def _target(self, rel: str) -> str:
        """Where `rel` goes, refused if it would leave the folder. Checked on the path's
        text: the folder is new and only ever holds files and folders written into it
        (no links), so resolving each path on disk (a system call per part of it, for
        each of tens of thousands of files) would find nothing more."""
        target = os.path.normpath(os.path.join(self._inside, rel))
        if not target.startswith(self._inside + os.sep):
            raise ValueError(f"refusing to write outside the output: {rel}")
        folder = os.path.dirname(target)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return target

    def write(self, rel: str, data: bytes) -> None:
        with open(self._target(rel), "wb") as file:
            file.write(data)
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


JOURNAL = "journal.json"


def stat_stamp(path: Path) -> str:
    """What says a file is the one we wrote: inode, modification time and size. A same-size
    edit behind our back changes the time; a rename keeps all three."""
    info = path.stat()
    return f"{info.st_ino}:{info.st_mtime_ns}:{info.st_size}"


def entries_under(root: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(posix path, entry) of everything under `root` that is not a folder, folders
    walked without following links: one scandir per folder, no stat unless asked."""
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), rel + "/"))
                else:
                    yield rel, entry


def stamps_under(root: Path) -> dict[str, str]:
    """Every file under `root` (posix path -> stat stamp), the marker left out."""
    found: dict[str, str] = {}
    for rel, entry in entries_under(root):
        if rel != MARKER:
            info = entry.stat(follow_symlinks=False)
            found[rel] = f"{info.st_ino}:{info.st_mtime_ns}:{info.st_size}"
    return found


class Transaction:
    """Every change one build makes to an output folder, made as one step.

    Changes are prepared in a staging folder beside the output (`.<out>.stage-*`): new
    files, new folders (the search index's parts), or for a full build the whole new
    output. `commit` then writes a journal (the list of renames and deletions, and the
    build store's new state) into the stage in one atomic rename, carries it out, and
    removes the stage. A build killed before the journal exists left nothing but the
    stage, which the next build removes (the old site stands); one killed after it left
    a journal, which the next build carries out to the end (the new site stands, and the
    store says so). Either way the folder is the old site or the new one, never a mix.
    """

    def __init__(self, out: Path):
        self.out = out
        self.stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.stage-", dir=out.parent))
        self.steps: list[list[str]] = []
        self.staged: dict[str, Path] = {}  # output path -> its new bytes in the stage
        self._count = 0

    def _new_name(self) -> Path:
        self._count += 1
        return self.stage / f"f{self._count}"

    def _check(self, rel: str) -> None:
        target = (self.out / rel).resolve()
        if self.out.resolve() not in target.parents:
            raise ValueError(f"refusing to write outside the output: {rel}")

    def write(self, rel: str, data: bytes) -> str | None:
        """Stage `data` for `rel`, unless the file holds exactly these bytes already.
        Returns the stamp the file will have once committed, or None if unchanged."""
        self._check(rel)
        target = self.out / rel
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                return None
        except OSError:
            pass
        staged = self._new_name()
        staged.write_bytes(data)
        os.chmod(staged, 0o644)
        self.steps.append(["file", staged.name, rel])
        self.staged[rel] = staged
        return stat_stamp(staged)

    def copy(self, rel: str, source: Path) -> str:
        self._check(rel)
        staged = self._new_name()
        shutil.copyfile(source, staged)
        os.chmod(staged, 0o644)
        self.steps.append(["file", staged.name, rel])
        self.staged[rel] = staged
        return stat_stamp(staged)

    def folder(self) -> Path:
        """A new empty folder inside the stage, to be placed with `place`."""
        path = self._new_name()
        path.mkdir()
        return path

    def locate(self, rel: str) -> Path:
        """Where an output file's bytes are as of this transaction: staged, or as they were."""
        return self.staged.get(rel) or self.out / rel

    def place(self, rel: str, built: Path) -> None:
        """Put a folder or file built inside the stage at `rel`, replacing what is there."""
        self._check(rel)
        if self.stage not in built.parents:
            raise ValueError(f"{built} is not inside the stage")
        self.steps.append(["place", built.relative_to(self.stage).as_posix(), rel])

    def remove(self, rel: str) -> None:
        self._check(rel)
        self.steps.append(["remove", "", rel])

    def replace_output(self, new_root: Path) -> None:
        """A full build: the folder `new_root` (inside the stage) becomes the output."""
        self.steps.append(["swap", new_root.relative_to(self.stage).as_posix(), ""])

    def commit(self, store_delta: dict | None, apply_store: StoreApplier) -> None:
        journal = {"out": str(self.out), "steps": self.steps, "store": store_delta}
        tmp = self.stage / (JOURNAL + ".tmp")
        with open(tmp, "w", encoding="utf-8") as stream:
            json.dump(journal, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.rename(tmp, self.stage / JOURNAL)  # the commit point
        _carry_out(self.stage, journal, apply_store)

    def abort(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)


# Writes a committed build's state into the build store (see sitegen.engine).
StoreApplier = Callable[[dict], None]


def _carry_out(stage: Path, journal: dict, apply_store: StoreApplier) -> None:
    """Do what the journal says; every step may already be done (after a kill)."""
    out = Path(journal["out"])
    trash = stage / "trash"
    trash.mkdir(exist_ok=True)
    for number, (kind, name, rel) in enumerate(journal["steps"]):
        source, target = stage / name, out / rel
        if kind == "swap":
            if source.exists():
                if out.exists():
                    os.rename(out, trash / f"old-{number}")
                os.rename(source, out)
            continue
        if kind == "file":
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
        elif kind == "place":
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    os.rename(target, trash / f"t{number}")
                os.rename(source, target)
        elif kind == "remove":
            if target.is_dir() and not target.is_symlink():
                os.rename(target, trash / f"t{number}")
            else:
                target.unlink(missing_ok=True)
            _prune_empty(out, target.parent)
    if journal.get("store") is not None:
        apply_store(journal["store"])
    shutil.rmtree(stage, ignore_errors=True)


def _prune_empty(out: Path, folder: Path) -> None:
    """Remove folders left empty, up to the output folder itself."""
    while folder != out and out in folder.parents and folder.is_dir() \
            and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def foreign_entries(out: Path, ours: Iterable[str], managed: Iterable[str] = ()) -> list[str]:
    """The top-level files and folders of the output that no build of the site makes
    (a CNAME put there by hand, a .git folder): every build replaces the output with
    what the site makes, so the build names them before they go. `ours`: the output
    paths of the site's pages and files; `managed`: folders the build owns whole (the
    search index). Only the top level is looked at: a walk of every folder would cost
    an edit's build more than the edit."""
    tops = {rel.split("/", 1)[0] for rel in ours} | set(managed) | {MARKER}
    try:
        names = sorted(os.listdir(out))
    except OSError:
        return []
    return [name for name in names if name not in tops]


IN_USE = ".in-use"  # a work folder's lock file, held while a process works in it


@contextmanager
def work_folder(out: Path, kind: str) -> Iterator[Path]:
    """A scratch folder beside `out` (same file system, so its results can be renamed
    in) that `recover` leaves alone while it is in use: the folder holds a lock file,
    locked until the work is done. A background search index in `serve` works in one
    while the next rebuild's `recover` runs, which would otherwise remove it."""
    while True:
        folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.{kind}-", dir=out.parent))
        try:
            handle = open(folder / IN_USE, "w")
        except FileNotFoundError:  # removed by a recover between the two steps
            continue
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            same = os.stat(folder / IN_USE).st_ino == os.fstat(handle.fileno()).st_ino
        except OSError:
            same = False
        if same:
            break
        handle.close()  # a recover removed it while we waited for the lock: again
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        handle.close()


def _remove_unless_in_use(folder: Path) -> None:
    """Remove a leftover folder, unless a living process holds its lock; the lock is
    held while removing, so that `work_folder` can tell it lost the folder."""
    try:
        handle = open(folder / IN_USE)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        shutil.rmtree(folder, ignore_errors=True)


def recover(out: Path, apply_store: StoreApplier) -> bool:
    """Finish or undo what a killed build left beside `out`: a committed transaction is
    carried out, anything else (stages without a journal, half-made folders) removed.
    Returns True when a committed transaction was finished. Call under the build lock."""
    finished = False
    if not out.parent.is_dir():
        return False
    for leftover in sorted(out.parent.glob(f".{out.name}.*-*")):
        kind = leftover.name[len(out.name) + 2:].split("-", 1)[0]
        if kind not in ("stage", "new", "old", "pagefind") or not leftover.is_dir():
            continue
        journal_file = leftover / JOURNAL
        if kind == "stage" and journal_file.is_file():
            try:
                journal = json.loads(journal_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                journal = None
            if isinstance(journal, dict) and journal.get("out") == str(out):
                _carry_out(leftover, journal, apply_store)
                finished = True
                continue
        if kind == "old" and not out.exists():
            os.rename(leftover, out)  # killed between the two renames of a swap
            continue
        _remove_unless_in_use(leftover)
    return finished
