"""The build store: what one build leaves for the next, in one SQLite file.

`.sitegen-cache/store.sqlite` holds parsed source files (by path and stat stamp),
rendered Markdown bodies (by a hash of their text), and per output folder and build
options (a "variant") the state of the last build: the digest of every output's
inputs, the stat stamp each output file was left with, and which inputs each output
read (one row per output: the reverse index is a scan of them, which costs an edit
a few hundredths of a second at 10,000 articles, where a row per name read cost a cold
build seconds to write).

It is data only: values are JSON made by `sitegen.codec`, never pickles, so nothing in
the site folder can run code. Every row carries a checksum of its key and value; a row
that fails it or does not decode is treated as missing, which costs a re-parse or a
re-render, never a wrong site. A store that cannot be opened or written (a full disk,
a read-only checkout, a file that is not a database) is replaced by an in-memory one:
the build is slower, nothing else.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sitegen import codec
from sitegen.fingerprint import code_digest
from sitegen.locations import CACHE_DIR

STORE_NAME = "store.sqlite"
SCHEMA = 3  # the tables' shape; a store of another is emptied and made again
TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL, sum TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, value TEXT NOT NULL,
                                 sum TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bodies(key TEXT PRIMARY KEY, value TEXT NOT NULL,
                                  sum TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS states(variant TEXT PRIMARY KEY, value TEXT NOT NULL,
                                  sum TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outputs(variant TEXT NOT NULL, path TEXT NOT NULL,
                                   digest TEXT NOT NULL, stamp TEXT NOT NULL,
                                   content TEXT NOT NULL, sum TEXT NOT NULL,
                                   PRIMARY KEY (variant, path))
                                   WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blobs(id INTEGER PRIMARY KEY, value TEXT NOT NULL,
                                 sum TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS model(variant TEXT NOT NULL, key TEXT NOT NULL,
                                 blob INTEGER NOT NULL, PRIMARY KEY (variant, key))
                                 WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reads(variant TEXT NOT NULL, output TEXT NOT NULL,
                                 blob INTEGER NOT NULL, PRIMARY KEY (variant, output))
                                 WITHOUT ROWID;
"""
# The snapshot's rows (an article: about 8 KB) and the reverse index's (a tag page's: up
# to 20 KB) live in `blobs`, which only ever grows at its end and loses rows; `model` and
# `reads` are small rows pointing at them. Staged rows become current by renaming their
# variant, which then moves a few bytes a row instead of rewriting 80 MB of B-tree.
INDEXED = ("model", "reads")
PENDING = ":pending"  # suffix of a variant's rows put aside by `stage`
KEEP_VARIANTS = 6  # output folders remembered per site (build/, serve's, a few more)


def checksum(*parts: str) -> str:
    hasher = hashlib.blake2b(digest_size=12)
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\0")
    return hasher.hexdigest()


def store_path(site_root: Path) -> Path:
    return site_root / CACHE_DIR / STORE_NAME


# An output file as a build left it: path -> (digest of its inputs, stat stamp, hash of
# its bytes; "" for copied files).
Outputs = dict[str, tuple[str, str, str]]


class Store:
    """One open store. All reads tolerate damage; all writes tolerate failure."""

    def __init__(self, path: Path | None):
        self.path = path
        self.persistent = False
        self.db = self._open(path)

    @classmethod
    def joining(cls, path: Path) -> Store:
        """Another connection to the store at `path`, which this build has open already
        (for a process of its own): it never replaces the file, whatever it finds there,
        and raises sqlite3.Error instead."""
        store = cls.__new__(cls)
        store.path, store.persistent = path, True
        store.db = store._connect(path)
        return store

    # -- opening -------------------------------------------------------------------

    def _open(self, path: Path | None) -> sqlite3.Connection:
        if path is not None:
            for attempt in range(2):
                try:
                    db = self._connect(path)
                    self.persistent = True
                    return db
                except (sqlite3.Error, OSError, codec.DecodeError):
                    if attempt == 0:
                        _remove(path)  # not a store we can use: start a new one
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        db.executescript(TABLES)
        return db

    def _connect(self, path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        gitignore = path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA temp_store=MEMORY")
            version = f"{SCHEMA}:{code_digest()}"
            db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, "
                       "value TEXT NOT NULL, sum TEXT NOT NULL)")
            if self._meta(db, "version") != version:
                # Another sitegen (or its code edited): nothing in here may be reused, and
                # its tables may have another shape. Start again from empty tables.
                with db:
                    names = [row[0] for row in db.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table'")]
                    for name in names:
                        db.execute(f'DROP TABLE IF EXISTS "{name}"')
                db.executescript(TABLES)
                with db:
                    db.execute("INSERT INTO meta VALUES (?, ?, ?)",
                               ("version", version, checksum("version", version)))
            else:
                db.executescript(TABLES)
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _meta(db: sqlite3.Connection, key: str) -> str | None:
        row = db.execute("SELECT value, sum FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None or checksum(key, row[0]) != row[1]:
            return None
        return row[0]

    def close(self) -> None:
        try:
            self.db.close()
        except sqlite3.Error:
            pass

    # -- reading -------------------------------------------------------------------

    def _safe(self, query: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.db.execute(query, args).fetchall()
        except sqlite3.Error:
            return []  # a damaged page of the database: as if the rows were not there

    def files(self, config: str) -> dict[str, Any]:
        """Every parsed file stored under `config` (a digest of site.toml, whose
        languages and time zones shape records): source path -> CachedFile."""
        found = {}
        for path, value, total in self._safe("SELECT path, value, sum FROM files"):
            entry = _file_entry(_checked(("file", path, value), total, value), config)
            if entry is not None:
                found[path] = entry
        return found

    def body(self, key: str) -> Any:
        rows = self._safe("SELECT value, sum FROM bodies WHERE key = ?", (key,))
        return _checked(("body", key, rows[0][0]), rows[0][1], rows[0][0]) if rows else None

    def state(self, variant: str) -> Any:
        rows = self._safe("SELECT value, sum FROM states WHERE variant = ?", (variant,))
        if not rows:
            return None
        value = _checked(("state", variant, rows[0][0]), rows[0][1], rows[0][0])
        return value if isinstance(value, dict) else None

    def outputs(self, variant: str) -> Outputs | None:
        """The outputs of the variant's last build; None when any row is damaged (the
        folder's state is then unknown, and the next build is a full one)."""
        result: Outputs = {}
        for path, value, stamp, content, total in self._safe(
                "SELECT path, digest, stamp, content, sum FROM outputs WHERE variant = ?",
                (variant,)):
            if checksum("output", variant, path, value, stamp, content) != total:
                return None
            result[path] = (value, stamp, content)
        return result

    def model_row(self, variant: str, key: str) -> Any:
        """One row of the variant's site-model snapshot (sitegen/snapshot.py), or None."""
        rows = self._safe("SELECT b.value, b.sum FROM model m JOIN blobs b ON b.id = m.blob "
                          "WHERE m.variant = ? AND m.key = ?", (variant, key))
        if not rows:
            return None
        return _checked(("model", key, rows[0][0]), rows[0][1], rows[0][0])

    def readers(self, variant: str, inputs: Iterable[str]) -> set[str] | None:
        """The outputs that read any of `inputs` in the variant's last build; None when
        a row is damaged (what it read is then unknown)."""
        wanted = [SEPARATOR + name + SEPARATOR for name in inputs]
        found: set[str] = set()
        for output, names, total in self._safe(
                "SELECT r.output, b.value, b.sum FROM reads r JOIN blobs b ON b.id = r.blob "
                "WHERE r.variant = ?", (variant,)):
            if checksum("reads", variant, output, names) != total:
                return None
            if any(name in names for name in wanted):
                found.add(output)
        return found

    # -- writing -------------------------------------------------------------------

    def save_content(self, config: str, files: Mapping[str, Any], changed: Iterable[str],
                     bodies: Mapping[str, Any],
                     live_bodies: Callable[[], set[str] | None]) -> None:
        """Parsed files (CachedFile, made under `config`) and rendered bodies: keyed by
        content, so always safe to keep, whatever happens to the build that made them."""
        try:
            with self.db:
                for path in changed:
                    if path in files:
                        value = codec.encode((config, files[path]))
                        self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                                        (path, value, checksum("file", path, value)))
                    else:
                        self.db.execute("DELETE FROM files WHERE path = ?", (path,))
                for key, body in bodies.items():
                    value = codec.encode(body)
                    self.db.execute("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)",
                                    (key, value, checksum("body", key, value)))
                self._prune_bodies(live_bodies)
        except (sqlite3.Error, TypeError):
            pass

    def _prune_bodies(self, live_bodies: Callable[[], set[str] | None]) -> None:
        """Forget bodies no file uses any more, once they are a third of the table."""
        count = self.db.execute("SELECT count(*) FROM bodies").fetchone()[0]
        files = self.db.execute("SELECT count(*) FROM files").fetchone()[0]
        if count > 1.5 * files + 100:
            live = live_bodies()
            if live is None:
                return  # the caller does not know every file: prune another time
            stored = [row[0] for row in self.db.execute("SELECT key FROM bodies")]
            self.db.executemany("DELETE FROM bodies WHERE key = ?",
                                [(key,) for key in stored if key not in live])

    def save_build(self, variant: str, state: dict[str, Any], changed: Outputs,
                   removed: Iterable[str], replace_all: bool = False) -> bool:
        """The variant's state after a build, as one transaction. `changed`: outputs
        written or re-stamped. What `stage` put aside for the variant becomes current with it.
        False when it could not be written (the next build then cannot trust it)."""
        try:
            with self._large(len(changed) * 20 if replace_all else 0), self.db:
                if replace_all:
                    self.db.execute("DELETE FROM outputs WHERE variant = ?", (variant,))
                    self._drop("reads", "variant = ?", (variant,))
                for path in removed:
                    self.db.execute("DELETE FROM outputs WHERE variant = ? AND path = ?",
                                    (variant, path))
                    self._drop("reads", "variant = ? AND output = ?", (variant, path))
                self.db.executemany(
                    "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?)",
                    [(variant, path, value, stamp, content,
                      checksum("output", variant, path, value, stamp, content))
                     for path, (value, stamp, content) in changed.items()])
                self._promote(variant, replace_all)
                value = codec.encode(state)
                self.db.execute("INSERT OR REPLACE INTO states VALUES (?, ?, ?)",
                                (variant, value, checksum("state", variant, value)))
                self._forget_old_variants(variant)
            return True
        except (sqlite3.Error, TypeError):
            return False

    def stage(self, variant: str, model: Mapping[str, Any],
              reads: Mapping[str, Iterable[str]]) -> bool:
        """Put aside the rows of the model snapshot and the reverse index that a build
        is about to commit: too large for its journal, and harmless if the build is
        killed (they only become current with `save_build`, which a journal replays)."""
        pending = variant + PENDING
        try:
            with self.db:
                for table in INDEXED:
                    self._drop(table, "variant = ?", (pending,))
                start = self.db.execute("SELECT coalesce(max(id), 0) FROM blobs").fetchone()[0]
                blobs, model_rows, reads_rows = [], [], []
                for key, value in model.items():
                    text = codec.encode(value)
                    blobs.append((start + len(blobs) + 1, text, checksum("model", key, text)))
                    model_rows.append((pending, key, blobs[-1][0]))
                for output, names in reads.items():
                    text = _packed(names)
                    blobs.append((start + len(blobs) + 1, text,
                                  checksum("reads", variant, output, text)))
                    reads_rows.append((pending, output, blobs[-1][0]))
                self.db.executemany("INSERT INTO blobs VALUES (?, ?, ?)", blobs)
                self.db.executemany("INSERT INTO model VALUES (?, ?, ?)", model_rows)
                self.db.executemany("INSERT INTO reads VALUES (?, ?, ?)", reads_rows)
            return True
        except (sqlite3.Error, TypeError):
            return False

    @contextmanager
    def _large(self, rows: int) -> Iterator[None]:
        """A large site's outputs are tens of thousands of rows: with SQLite's default 2 MB
        page cache, writing them all costs more than it should. A larger cache only while
        they are written, so that an edit's build stays small."""
        if rows < 50_000:
            yield
            return
        self.db.execute("PRAGMA cache_size=-131072")  # KiB
        try:
            yield
        finally:
            self.db.execute("PRAGMA cache_size=-2000")  # SQLite's default

    def _promote(self, variant: str, replace_all: bool) -> None:
        pending = variant + PENDING
        if replace_all:
            for table in INDEXED:
                self._drop(table, "variant = ?", (variant,))
        else:
            self._drop("model", "variant = ? AND key IN "
                       "(SELECT key FROM model WHERE variant = ?)", (variant, pending))
            self._drop("reads", "variant = ? AND output IN "
                       "(SELECT output FROM reads WHERE variant = ?)", (variant, pending))
        for table in INDEXED:
            self.db.execute(f"UPDATE {table} SET variant = ? WHERE variant = ?",
                            (variant, pending))

    def _drop(self, table: str, where: str, args: tuple[str, ...]) -> None:
        """Delete rows of `model` or `reads`, and the blobs they point at (each blob has
        one row pointing at it)."""
        self.db.execute(f"DELETE FROM blobs WHERE id IN (SELECT blob FROM {table} WHERE "
                        f"{where})", args)
        self.db.execute(f"DELETE FROM {table} WHERE {where}", args)

    def file(self, path: str, config: str) -> Any:
        """One parsed file stored under `config`, or None."""
        rows = self._safe("SELECT value, sum FROM files WHERE path = ?", (path,))
        if not rows:
            return None
        return _file_entry(_checked(("file", path, rows[0][0]), rows[0][1], rows[0][0]),
                           config)

    def forget(self, variant: str) -> None:
        """Drop a variant's state: its output folder is no longer known."""
        try:
            with self.db:
                for table in ("states", "outputs"):
                    self.db.execute(f"DELETE FROM {table} WHERE variant = ?", (variant,))
                for table in INDEXED:
                    self._drop(table, "variant IN (?, ?)", (variant, variant + PENDING))
        except sqlite3.Error:
            pass

    def _forget_old_variants(self, current: str) -> None:
        rows = self.db.execute("SELECT value FROM meta WHERE key = 'variants'").fetchone()
        order = [v for v in (rows[0].split() if rows else []) if v != current]
        order.insert(0, current)
        for old in order[KEEP_VARIANTS:]:
            for table in ("states", "outputs"):
                self.db.execute(f"DELETE FROM {table} WHERE variant IN (?, ?)",
                                (old, old + PENDING))
            for table in INDEXED:
                self._drop(table, "variant IN (?, ?)", (old, old + PENDING))
        text = " ".join(order[:KEEP_VARIANTS])
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('variants', ?, ?)",
                        (text, checksum("variants", text)))


SEPARATOR = "\n"  # between the names in a reads row, and around them


def _packed(names: Iterable[str]) -> str:
    """A page's inputs as one text that a name can be looked up in: each name between
    separators, so that `"\nsite\n" in text` never matches part of another name."""
    return SEPARATOR + SEPARATOR.join(sorted(set(names))) + SEPARATOR


def _file_entry(value: Any, config: str) -> Any:
    """The CachedFile of a files row, if it was made under `config`."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] == config \
            and type(value[1]).__name__ == "CachedFile":
        return value[1]
    return None


def _checked(parts: tuple[str, ...], total: str, value: str) -> Any:
    if checksum(*parts) != total:
        return None
    try:
        return codec.decode(value)
    except codec.DecodeError:
        return None


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        except OSError:
            pass


class BodyStore(MutableMapping[str, Any]):
    """Rendered bodies by key, read from the store on first use and kept in memory;
    new ones are collected for the store to save."""

    def __init__(self, store: Store, memory: MutableMapping[str, Any] | None = None):
        self.store = store
        self.memory: MutableMapping[str, Any] = memory if memory is not None else {}
        self.new: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key in self.memory:
            return self.memory[key]
        body = self.store.body(key)
        if body is None or type(body).__name__ != "RenderedBody":
            raise KeyError(key)
        self.memory[key] = body
        return body

    def __setitem__(self, key: str, value: Any) -> None:
        self.memory[key] = value
        self.new[key] = value

    def __delitem__(self, key: str) -> None:
        del self.memory[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.memory)

    def __len__(self) -> int:
        return len(self.memory)
