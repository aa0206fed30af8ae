"""The persistent build state in `.sitegen-cache/`: what the last build read and wrote.

A cache that is corrupt, unreadable or from another sitegen or Python version is
ignored, never trusted: the worst it can cost is a full build, never a wrong site.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.fingerprint import code_digest
from sitegen.locations import CACHE_DIR

if TYPE_CHECKING:  # only for annotations: the quick no-op path must stay light
    from sitegen.load.content import CachedFile
    from sitegen.markdown import RenderedBody
    from sitegen.resolve.memo import ResolveMemo


def _new_memo() -> ResolveMemo:
    from sitegen.resolve.memo import ResolveMemo
    return ResolveMemo()

MAGIC = b"sitegen-cache\n"
@dataclass
class BuildState:
    inputs: str = ""  # digest of every input's stamp, the options and the config
    valid_until: datetime | None = None  # when the clock next changes the site
    output_id: str = ""  # write.output_identity() after our build: the folder is as we left it
    outputs: dict[str, str] = field(default_factory=dict)  # output path -> digest
    sizes: dict[str, int] = field(default_factory=dict)  # output path -> bytes
    config: str = ""  # digest of site.toml: the file cache is only valid for one
    report: Any = None  # the last BuildReport, for a no-op build's summary
    built_at: datetime | None = None  # the build's "now"
    stamped_at: float = 0.0  # wall-clock time the input stamps were taken


@dataclass
class ContentCache:
    """The big part, read only when something changed: parsed files, rendered bodies."""

    files: dict[str, CachedFile] = field(default_factory=dict)
    bodies: dict[str, RenderedBody] = field(default_factory=dict)
    resolve: ResolveMemo = field(default_factory=_new_memo)
    fingerprints: dict[str, tuple[object, str]] = field(default_factory=dict)


def _rebuild(cls: type, values: tuple[Any, ...]) -> Any:
    """Unpickle a slotted record: set its fields directly (it may be frozen)."""
    record = object.__new__(cls)
    for name, value in zip(cls.__slots__, values, strict=True):
        object.__setattr__(record, name, value)
    return record


class _Pickler(pickle.Pickler):
    """Pickles slotted dataclasses as (class, field values): dataclasses' own
    __getstate__ looks the fields up again for every record, which made saving a large
    site's cache take seconds."""

    def reducer_override(self, obj: Any) -> Any:
        slots = getattr(type(obj), "__slots__", None)
        if slots and hasattr(type(obj), "__dataclass_fields__"):
            return _rebuild, (type(obj), tuple(getattr(obj, name) for name in slots))
        return NotImplemented


def state_path(site_root: Path, out: Path, key: str) -> Path:
    """One state per output folder and build options (serve and build differ)."""
    name = hashlib.blake2b(f"{out.resolve()}\0{key}".encode(), digest_size=8).hexdigest()
    return site_root / CACHE_DIR / f"state-{name}.pickle"


def load_state(path: Path, kind: type = BuildState) -> Any:
    """The pickled object at `path` if it is a `kind` from this very version, else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = MAGIC + code_digest().encode() + b"\n"
    if not data.startswith(header):
        return None
    try:
        state = pickle.loads(data[len(header):])
    except Exception:  # any corruption at all means: ignore the cache
        return None
    return state if isinstance(state, kind) else None


KEEP_STATES = 6  # output folders remembered per site (build/, serve's, a few more)


def _prune(folder: Path) -> None:
    """Forget the least recently used output folders' states beyond KEEP_STATES."""
    states = sorted(folder.glob("state-*.pickle"), key=lambda p: p.stat().st_mtime,
                    reverse=True)
    for old in states[KEEP_STATES:]:
        old.unlink(missing_ok=True)
        old.with_name(old.name.replace("state-", "content-")).unlink(missing_ok=True)


def save_state(path: Path, state: BuildState | ContentCache) -> None:
    """Write atomically; a cache we cannot write is only a slower next build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        gitignore = path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(MAGIC + code_digest().encode() + b"\n")
            _Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
        os.replace(tmp, path)
        if isinstance(state, BuildState):
            _prune(path.parent)
    except OSError:
        pass
