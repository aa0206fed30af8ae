"""How sitegen tells that something changed: digests of text, stamps of files.

A file's stat stamp (modification time and size) stands for its content, except when
it changed within RACY_SECONDS of being looked at: a second save inside the file
system's clock tick would leave the stamp unchanged, so such files are hashed instead
(git calls them "racily clean").
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from sitegen import __version__

RACY_SECONDS = 2.0


def digest(parts: Iterable[str]) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode("utf-8"))
        hasher.update(b"\0")
    return hasher.hexdigest()


def content_hash(data: bytes) -> str:
    """What a page's bytes are, in 32 characters: equal for equal bytes in any build."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def stamp(path: Path) -> str:
    info = path.stat()
    return f"{path}:{info.st_mtime_ns}:{info.st_size}"


CHUNK = 1 << 20  # bytes read at a time when hashing a file


def file_hash(path: Path) -> str:
    """A file's content hash, read a chunk at a time: a video of a gigabyte must not
    take a gigabyte of memory to tell whether it changed."""
    hasher = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def fingerprint(path: Path, now: float) -> str:
    """A file's stamp, or its content's hash when the stamp is too fresh to trust."""
    info = path.stat()
    if info.st_mtime > now - RACY_SECONDS:
        return file_hash(path)
    return f"{path}:{info.st_mtime_ns}:{info.st_size}"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sitegen's own code, by file stamps: a changed generator must not reuse what the
    old one made (the version number alone misses a developer's edits)."""
    package = Path(__file__).resolve().parent
    parts = [__version__, f"python{sys.version_info[0]}.{sys.version_info[1]}"]
    parts += [stamp(path) for path in sorted(package.rglob("*.py"))]
    return digest(parts)
