"""The build store is data: nothing planted in .sitegen-cache/ runs, nothing damaged in
it gives a wrong site, and nothing that cannot be written stops a build."""

from __future__ import annotations

import os
import pickle
import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import fresh_build

from sitegen import codec
from sitegen.engine import Builder
from sitegen.load.content import CachedFile
from sitegen.load.fields import Ref
from sitegen.load.records import ArticleSource
from sitegen.store import Store, store_path

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
PAGE = "da/nyheder/mission-possible/index.html"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(site: Path, out: Path) -> dict[str, bytes]:
    Builder(site, out, persistent=False, search="off").build(START, clean=True)
    return snapshot(out)


class Payload:
    """Unpickling this creates a file: proof that code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.touch, (self.marker,))


def test_records_round_trip_exactly():
    from zoneinfo import ZoneInfo

    moment = datetime(2021, 10, 31, 2, 30, tzinfo=ZoneInfo("Europe/Copenhagen"), fold=1)
    record = ArticleSource(
        "content/da/2021/x.md", "da", "2021/x", "Titel", moment, None, None,
        (Ref("kurt", 4),), (), (), ("eksport",), None, "x", 0, None, 0, None, None, False,
        "Tekst æøå", 9, 0)
    entry = CachedFile((1, 2), record, ())
    back = codec.decode(codec.encode(entry))
    assert back == entry and back.record.date.fold == 1
    assert back.record.date.tzinfo == moment.tzinfo


def test_each_kind_of_value_is_written_as_it_always_was():
    """Stored rows written by earlier builds must still compare equal: the encoding of
    each kind is pinned (the way to write a type is worked out once, then reused)."""
    from zoneinfo import ZoneInfo

    from sitegen.errors import Severity

    value = (1, "a", [None, True, 2.5], {"k": frozenset({2, 1})}, Severity.ERROR,
             datetime(2021, 10, 31, 2, 30, tzinfo=ZoneInfo("Europe/Copenhagen"), fold=1),
             Ref("kurt", 4))
    written = ('{"(":[1,"a",[null,true,2.5],{"{":[["k",{"f":[1,2]}]]},"error",'
               '{"t":["2021-10-31T02:30:00",1,"Europe/Copenhagen"]},{"@":"Ref","v":["kurt",4]}]}')
    assert codec.encode(value) == written and codec.encode(value) == written
    for _ in range(2):  # refused every time, not only the first
        with pytest.raises(TypeError, match="cannot store a"):
            codec.encode([Path("x")])


@pytest.mark.parametrize("text", [
    '{"@": "Popen", "v": ["touch /tmp/x"]}', '{"@": "Ref", "v": [1]}', "not json",
    '{"t": ["2021-01-01", 0, "../../etc/passwd"]}', '{"x": 1}'])
def test_anything_else_does_not_decode(text):
    with pytest.raises(codec.DecodeError):
        codec.decode(text)


def test_planted_pickles_and_template_bytecode_never_run(make_site, tmp_path):
    site = make_site()
    out = tmp_path / "out"
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(Payload(marker))
    cache = site / ".sitegen-cache"
    (cache / "templates").mkdir(parents=True)
    # What the old engine loaded: pickled states and Jinja's bytecode cache files.
    for name in ("state-0123456789abcdef.pickle", "content-0123456789abcdef.pickle"):
        (cache / name).write_bytes(payload)
    for template in ("article.html", "base.html"):
        import hashlib
        key = hashlib.sha1(template.encode()).hexdigest()
        (cache / "templates" / f"__jinja2_{key}.cache").write_bytes(
            b"j2/" + pickle.dumps(1, 2) + b"\x00" + payload)
    fresh_build(site, out)
    # A store whose rows hold pickles: they fail their checksums or do not decode.
    db = sqlite3.connect(store_path(site))
    with db:
        db.execute("UPDATE files SET value = ?", (payload.hex(),))
        db.execute("UPDATE bodies SET value = ?, sum = ?", (payload.hex(), "0"))
    db.close()
    (site / "content/da/2021/mission-possible.md").write_text(
        (site / "content/da/2021/mission-possible.md").read_text() + "\nNy linje.\n")
    fresh_build(site, out)
    assert not marker.exists()
    assert snapshot(out) == clean_build(site, tmp_path / "clean")


def _flip(path: Path, rng: random.Random, count: int) -> None:
    data = bytearray(path.read_bytes())
    for _ in range(count):
        at = rng.randrange(100, len(data))  # past SQLite's header: damage the rows
        data[at] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("seed", range(int(os.environ.get("SITEGEN_FLIP_SEEDS", "6"))))
def test_flipped_bytes_in_the_store_never_give_a_wrong_site(make_site, tmp_path, seed):
    rng = random.Random(seed)
    site = make_site()
    out = tmp_path / "out"
    fresh_build(site, out)
    article = site / "content/da/2021/mission-possible.md"
    article.write_text(article.read_text().replace("Mission Possible", "Mission Mulig"))
    fresh_build(site, out)
    _flip(store_path(site), rng, 1 + seed * 3)
    article.write_text(article.read_text() + "\nEn ny sætning.\n")
    fresh_build(site, out)  # must neither crash nor keep anything stale
    assert snapshot(out) == clean_build(site, tmp_path / "clean")


def test_a_store_that_is_not_a_database_is_replaced(make_site, tmp_path):
    site = make_site()
    path = store_path(site)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not sqlite" * 100)
    out = tmp_path / "out"
    fresh_build(site, out)
    assert snapshot(out) == clean_build(site, tmp_path / "clean")
    assert Store(path).persistent


def test_a_store_that_cannot_be_written_costs_only_time(make_site, tmp_path):
    site = make_site()
    cache = site / ".sitegen-cache"
    cache.write_text("a file where the cache folder should be")
    out = tmp_path / "out"
    fresh_build(site, out)
    assert snapshot(out) == clean_build(site, tmp_path / "clean")


def test_a_same_size_edit_in_the_output_is_undone(make_site, tmp_path):
    site = make_site()
    out = tmp_path / "out"
    fresh_build(site, out)
    page = out / PAGE
    original = page.read_bytes()
    page.write_bytes(original.replace(b"Mission", b"Mizzion"))  # same length
    builder = fresh_build(site, out)
    assert page.read_bytes() == original
    assert builder.last_mode == "incremental"


def test_a_store_of_another_shape_is_made_again(make_site, tmp_path):
    """An older sitegen's store: tables of another shape must not make every later
    save fail (which would leave every build a full one)."""
    site = make_site()
    path = store_path(site)
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    with db:
        db.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT, sum TEXT)")
        db.execute("INSERT INTO meta VALUES ('version', '0:old', 'x')")
        db.execute("CREATE TABLE outputs(variant TEXT, path TEXT, digest TEXT, stamp TEXT,"
                   " sum TEXT, PRIMARY KEY (variant, path))")
    db.close()
    out = tmp_path / "out"
    fresh_build(site, out)
    old = START.timestamp() - 3600
    for file in site.rglob("*"):
        if ".sitegen-cache" not in file.parts:
            os.utime(file, (old, old))
    fresh_build(site, out)
    assert fresh_build(site, out).last_mode == "no-op"


def _staged(store: Store, variant: str, model: dict, reads: dict, replace_all: bool) -> None:
    assert store.stage(variant, model, reads)
    assert store.save_build(variant, {"n": 1}, {}, [], replace_all=replace_all)


def test_the_reverse_index_finds_whole_names_only(tmp_path):
    store = Store(tmp_path / "store.sqlite")
    _staged(store, "v", {}, {"a.html": ["article:da/x", "site"],
                             "b.html": ["article:da/xy"], "c.html": []}, True)
    assert store.readers("v", ["article:da/x"]) == {"a.html"}
    assert store.readers("v", ["article:da/xy", "site"]) == {"a.html", "b.html"}
    assert store.readers("v", ["article:da"]) == set()
    assert store.readers("other", ["site"]) == set()


def test_a_damaged_reverse_index_row_is_no_answer(tmp_path):
    """A flipped byte in what a page read must not hide the page from an edit."""
    path = tmp_path / "store.sqlite"
    store = Store(path)
    _staged(store, "v", {}, {"a.html": ["article:da/x"], "b.html": ["article:da/y"]}, True)
    store.db.execute("UPDATE blobs SET value = replace(value, 'da/x', 'da/z')")
    assert store.readers("v", ["article:da/y"]) is None


def test_staged_rows_replace_old_ones_and_leave_nothing_behind(tmp_path):
    """An incremental build stages some rows: they replace the old ones of the same key,
    the rest stand, and no value is left without a row pointing at it."""
    store = Store(tmp_path / "store.sqlite")
    _staged(store, "v", {"head": [1], "article:a": "a1", "article:b": "b1"},
            {"a.html": ["article:a"], "b.html": ["article:b"]}, True)
    _staged(store, "v", {"article:a": "a2"}, {"a.html": ["article:a", "site"]}, False)
    assert (store.model_row("v", "article:a"), store.model_row("v", "article:b")) == ("a2", "b1")
    assert store.readers("v", ["site"]) == {"a.html"}
    assert store.readers("v", ["article:b"]) == {"b.html"}
    _staged(store, "w", {"head": [2]}, {"a.html": ["site"]}, True)
    store.forget("v")
    assert store.model_row("v", "head") is None and store.model_row("w", "head") == [2]
    count = store.db.execute("SELECT count(*) FROM blobs").fetchone()[0]
    rows = sum(store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
               for table in ("model", "reads"))
    assert count == rows == 2
