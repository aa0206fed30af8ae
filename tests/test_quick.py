"""The quick path (sitegen/quick.py, sitegen/patch.py): which edits take it, and that
what it makes is a clean build's output."""

from __future__ import annotations

import os
import sqlite3
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from conftest import ARTICLE_DA, fresh_build
from pictures import tiny_jpeg
from search_contents import site_contents

from sitegen.engine import Builder
from sitegen.store import store_path

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ARTICLE = "content/da/2021/mission-possible.md"


def settled(site: Path) -> Path:
    """Every file dated an hour back, so that stamps are trusted."""
    past = time.time() - 3600
    for path in site.rglob("*"):
        os.utime(path, (past, past))
    return site


def rewrite(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    stamp = time.time() - 60  # changed, but out of the racy window
    os.utime(path, (stamp, stamp))


def clean(site: Path, out: Path) -> dict[str, object]:
    Builder(site, out, persistent=False, search="off").build(START, clean=True)
    return site_contents(out)


def test_a_text_edit_takes_the_quick_path(make_site, tmp_path):
    site = settled(make_site())
    out = tmp_path / "out"
    fresh_build(site, out)
    rewrite(site, ARTICLE, "Tyve virksomheder", "Tredive virksomheder")
    builder = fresh_build(site, out)
    assert builder.last_mode == "patch"
    assert 0 < builder.last_written < 10  # its page, its feeds, its lists: not the site
    assert "Tredive virksomheder" in (out / "da/nyheder/mission-possible/index.html").read_text()
    assert site_contents(out) == clean(site, tmp_path / "clean")


def test_a_story_with_a_press_kit_takes_the_quick_path_and_its_zip_follows(make_site,
                                                                            tmp_path):
    """The ZIP's captions file holds the story's title: a retitle remakes it in the same
    transaction; a text edit leaves it as it was."""
    picture = {"content/media/la.jpg": tiny_jpeg(),
               ARTICLE: ARTICLE_DA.replace("tags: [eksport]\n", "tags: [eksport]\n"
                                           "image: /media/la.jpg\nimage_alt: Havnen\n"
                                           "image_credit: Green Hub Denmark\n")}
    site = settled(make_site(picture))
    out = tmp_path / "out"
    fresh_build(site, out)
    kit = next(out.rglob("mission-possible-*.zip"))
    before = kit.read_bytes()
    rewrite(site, ARTICLE, "Tyve virksomheder", "Tredive virksomheder")
    builder = fresh_build(site, out)
    assert builder.last_mode == "patch" and kit.read_bytes() == before
    rewrite(site, ARTICLE, "title: Mission Possible", "title: Mission Mulig")
    builder = fresh_build(site, out)
    assert builder.last_mode == "patch"
    with zipfile.ZipFile(kit) as archive:
        assert "Mission Mulig" in archive.read("billedtekster.txt").decode("utf-8")
    assert site_contents(out) == clean(site, tmp_path / "clean")


def test_a_retitle_reaches_the_lists(make_site, tmp_path):
    site = settled(make_site())
    out = tmp_path / "out"
    fresh_build(site, out)
    rewrite(site, ARTICLE, "title: Mission Possible", "title: Mission Mulig")
    builder = fresh_build(site, out)
    assert builder.last_mode == "patch"
    assert "Mission Mulig" in (out / "da/index.html").read_text()
    assert "Mission Mulig" in (out / "da/rss.xml").read_text()
    assert site_contents(out) == clean(site, tmp_path / "clean")


def test_a_person_edit_takes_the_quick_path(make_site, tmp_path):
    site = settled(make_site())
    out = tmp_path / "out"
    fresh_build(site, out)
    rewrite(site, "content/people/kurt-bennetsen.md", "98 16 06 00", "98 16 06 01")
    builder = fresh_build(site, out)
    assert builder.last_mode == "patch"
    assert "98 16 06 01" in (out / "da/nyheder/mission-possible/index.html").read_text()
    assert site_contents(out) == clean(site, tmp_path / "clean")


def test_a_structural_edit_resolves_the_whole_site(make_site, tmp_path):
    site = settled(make_site())
    out = tmp_path / "out"
    fresh_build(site, out)
    rewrite(site, ARTICLE, "date: 2021-11-01 09:00", "date: 2021-11-03 09:00")
    builder = fresh_build(site, out)
    assert builder.last_mode == "incremental"
    assert site_contents(out) == clean(site, tmp_path / "clean")


def test_a_damaged_snapshot_costs_only_time(make_site, tmp_path):
    site = settled(make_site())
    out = tmp_path / "out"
    fresh_build(site, out)
    db = sqlite3.connect(store_path(site))
    with db:
        db.execute("UPDATE blobs SET value = '[]' WHERE id IN "
                   "(SELECT blob FROM model WHERE key LIKE 'article:%')")
    db.close()
    rewrite(site, ARTICLE, "Tyve virksomheder", "Tredive virksomheder")
    builder = fresh_build(site, out)
    assert builder.last_mode == "incremental"  # the rows fail their checksums
    assert site_contents(out) == clean(site, tmp_path / "clean")
