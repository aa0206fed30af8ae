"""A cold build's parsed files and bodies, written by a process of its own
(sitegen/store_aside.py): the same rows as written here, never a replaced store, and
here whenever a fork would not pay or is not safe."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen import parallel
from sitegen.load.content import CachedFile
from sitegen.load.records import ArticleSource
from sitegen.markdown import render_body
from sitegen.store import Store
from sitegen.store_aside import ASIDE_FROM, save_content_aside

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="no fork on this platform")
MOMENT = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def rows(count: int) -> tuple[dict[str, CachedFile], dict[str, object]]:
    files = {}
    bodies = {}
    for number in range(count):
        rel = f"content/da/2026/a-{number}.md"
        record = ArticleSource(rel, "da", f"2026/a-{number}", f"Titel {number}", MOMENT,
                               None, None, (), (), (), (), None, "x", 0, None, 0, None, None,
                               False, f"Tekst {number}", 9, 0)
        files[rel] = CachedFile((number, 1), record, ())
        bodies[f"key-{number}"] = render_body(f"Tekst **{number}**", lambda target: target)
    return files, bodies


def stored(path: Path) -> tuple[dict[str, object], list[object]]:
    store = Store(path)
    try:
        return store.files("cfg"), [store.body(f"key-{n}") for n in range(3)]
    finally:
        store.close()


@needs_fork
def test_a_cold_builds_rows_are_written_aside_as_they_would_be_here(tmp_path: Path) -> None:
    files, bodies = rows(ASIDE_FROM)
    here, aside = tmp_path / "here/store.sqlite", tmp_path / "aside/store.sqlite"
    for path in (here, aside):
        Store(path).close()
    store = Store(here)
    store.save_content("cfg", files, list(files), bodies, lambda: None)
    store.close()
    store = Store(aside)
    wait = save_content_aside(store, "cfg", files, list(files), bodies, lambda: None)
    assert wait is not None  # a process of its own
    wait()
    store.close()
    assert stored(aside) == stored(here)
    assert len(stored(aside)[0]) == ASIDE_FROM


@pytest.fixture
def other_thread() -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=5)


def test_few_rows_a_store_in_memory_or_another_thread_mean_here(
        tmp_path: Path, other_thread: None) -> None:
    files, bodies = rows(ASIDE_FROM)
    few = dict(list(files.items())[:3])
    assert save_content_aside(Store(tmp_path / "a.sqlite"), "cfg", few, list(few), {},
                              lambda: None) is None
    assert save_content_aside(Store(None), "cfg", files, list(files), bodies,
                              lambda: None) is None
    assert save_content_aside(Store(tmp_path / "b.sqlite"), "cfg", files, list(files),
                              bodies, lambda: None) is None  # the thread: no fork


@needs_fork
def test_the_process_aside_never_replaces_the_store(tmp_path: Path) -> None:
    """Whatever it finds (here, the file damaged after the build opened it), it writes
    nothing rather than start a new store under the build."""
    path = tmp_path / "store.sqlite"
    store = Store(path)
    store.close()
    path.write_bytes(b"not a database, " * 1000)
    with pytest.raises(sqlite3.Error):
        Store.joining(path)
    files, bodies = rows(ASIDE_FROM)
    wait = save_content_aside(store, "cfg", files, list(files), bodies, lambda: None)
    assert wait is not None
    wait()
    assert path.read_bytes() == b"not a database, " * 1000


@needs_fork
def test_a_cold_build_of_a_large_site_leaves_every_file_and_body_stored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole path: a site with enough files that its rows go aside; after the build
    the store holds a row for each parsed file and each body, and the next build, from
    that store, makes the same site."""
    import sys

    from conftest import REPO

    from sitegen.engine import Builder
    from sitegen.store import store_path

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from make_corpus import make_corpus
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    site = tmp_path / "site"
    make_corpus(site, articles=150, people=5, clusters=3)
    out = tmp_path / "out"
    from sitegen import engine

    asides: list[bool] = []

    def noting(*args: object) -> object:
        wait = save_content_aside(*args)  # type: ignore[arg-type]
        asides.append(wait is not None)
        return wait

    monkeypatch.setattr(engine, "save_content_aside", noting)
    Builder(site, out, search="off", jobs=2).build(MOMENT, clean=True)
    assert asides == [True]
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    database = sqlite3.connect(store_path(site))
    try:
        files = database.execute("SELECT count(*) FROM files").fetchone()[0]
        bodies = database.execute("SELECT count(*) FROM bodies").fetchone()[0]
    finally:
        database.close()
    sources = [p for p in (site / "content").rglob("*.md")]
    assert files >= len(sources) and bodies >= 290 and files + bodies >= ASIDE_FROM
    Builder(site, out, search="off", jobs=2).build(MOMENT, clean=True)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} \
        == first
