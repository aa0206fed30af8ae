"""Resized copies by content: `.sitegen-cache/images.sqlite`, bytes and checksums only.

A copy is keyed by the source's content hash, its width and format, and the recipe
(sitegen/images/variants.py, with Pillow's version): a key that matches is the same
bytes, whatever build made them, so a `--clean` build, a new output folder or serve's
own folder make no copy twice. The build store (sitegen/store.py) is emptied whenever
sitegen's code changes; this file is kept apart so that an upgrade does not re-encode
every picture of the archive, which is safe because the recipe is in every key.

Data only, like the store: a row is a BLOB and a checksum of key and bytes; a row that
fails its checksum is a miss. A file that cannot be opened or written is replaced by a
cache in memory: slower, nothing else.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from sitegen.locations import CACHE_DIR

CACHE_NAME = "images.sqlite"
TABLE = ("CREATE TABLE IF NOT EXISTS copies(key TEXT PRIMARY KEY, data BLOB NOT NULL, "
         "sum TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0)")


def _sum(key: str, data: bytes) -> str:
    hasher = hashlib.blake2b(key.encode("utf-8"), digest_size=12)
    hasher.update(b"\0")
    hasher.update(data)
    return hasher.hexdigest()


def cache_path(site_root: Path) -> Path:
    return site_root / CACHE_DIR / CACHE_NAME


class ImageCache:
    """Copies by key; every read tolerates damage, every write failure."""

    def __init__(self, path: Path | None):
        self.db = self._open(path)

    @staticmethod
    def _open(path: Path | None) -> sqlite3.Connection:
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, isolation_level=None, timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(TABLE)
                return db
            except (sqlite3.Error, OSError):
                try:
                    path.unlink(missing_ok=True)
                    db = sqlite3.connect(path, isolation_level=None, timeout=30)
                    db.execute(TABLE)
                    return db
                except (sqlite3.Error, OSError):
                    pass
        db = sqlite3.connect(":memory:", isolation_level=None)
        db.execute(TABLE)
        return db

    def get(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The stored copies among `keys` (those that pass their checksum)."""
        found: dict[str, bytes] = {}
        for key in keys:
            try:
                row = self.db.execute("SELECT data, sum FROM copies WHERE key = ?",
                                      (key,)).fetchone()
            except sqlite3.Error:
                row = None
            if row is not None and _sum(key, bytes(row[0])) == row[1]:
                found[key] = bytes(row[0])
        return found

    def put(self, copies: Mapping[str, bytes]) -> None:
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO copies VALUES (?, ?, ?, 0)",
                                    [(k, v, _sum(k, v)) for k, v in copies.items()])
        except sqlite3.Error:
            pass

    def keep_only(self, live: set[str]) -> None:
        """Forget copies no build of this site uses any more, once they are a third."""
        try:
            keys = [row[0] for row in self.db.execute("SELECT key FROM copies")]
            dead = [key for key in keys if key not in live]
            if len(dead) * 3 > len(keys):
                with self.db:
                    self.db.executemany("DELETE FROM copies WHERE key = ?",
                                        [(key,) for key in dead])
        except sqlite3.Error:
            pass

    def close(self) -> None:
        try:
            self.db.close()
        except sqlite3.Error:
            pass
