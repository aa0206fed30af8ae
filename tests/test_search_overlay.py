"""The overlay: an edit indexes only the pages it changed, not their year's bucket.

A build whose output already has the buckets leaves a bucket with changed, added or
removed pages as it is while its language has at most `search.PENDING_LIMIT` of them;
the pending pages go into the language's overlay bundle, and the filter file lists the
buckets' results they make stale, which the search page never shows. What a search
finds is then what a clean build's index finds (`index_contents`), in Chromium too.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from browser import axe_chromium, serve_directory
from search_contents import bundle_pages, index_contents
from test_search import PUBLISHED_WORD
from test_search_browser import search, titles
from test_search_buckets import NEW_WORD, OLD_WORD, engine_view, files_with_years, havn, snapshot

from sitegen import search as index

GONE_WORD = "brobyggeren"  # only in the article that is deleted


def files() -> dict[str, str]:
    found = files_with_years()
    found["content/da/2022/bro.md"] = (
        "---\ntitle: Broen\ndate: 2022-05-01 10:00\ntags: [bro]\n---\n"
        f"Om {GONE_WORD} ved broen.\n")
    return found


def overlay_of(out: Path, lang: str = "da") -> dict[str, Any] | None:
    data = json.loads((out / f"pagefind/{lang}-filters.json").read_text())
    return data.get(index.OVERLAY_KEY)


def ids(bundle: Path) -> dict[str, str]:
    """url -> Pagefind's id of the page, in one bundle."""
    return {page["fragment"]["url"]: page_id for page_id, page in bundle_pages(bundle).items()}


def clean_build(site: Path, build_site: Any, tmp_path: Path) -> Path:
    """A clean build of the same site, in a copy (its own output and cache)."""
    copy = tmp_path / "clean"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("build", ".sitegen-cache"))
    return build_site(copy, "--clean")


def test_an_edit_indexes_only_the_overlay(make_site, build_site, tmp_path: Path):
    site = make_site(files())
    out = build_site(site)
    assert overlay_of(out) is None and not (out / "pagefind/da-overlay").exists()
    before = snapshot(out)
    old_id = ids(out / "pagefind/da-2022")["/da/nyheder/havn/"]

    (site / "content/da/2022/havn.md").write_text(havn(f"Om {NEW_WORD} i havnen."))
    build_site(site)
    after = snapshot(out)
    for bucket in ("da-2020", "da-2021", "da-2022", "no-2021"):
        assert after[bucket] == before[bucket], f"{bucket} was rebuilt for an edit"
    assert overlay_of(out) == {"bundle": "/pagefind/da-overlay/", "stale": [old_id]}
    assert list(ids(out / "pagefind/da-overlay")) == ["/da/nyheder/havn/"]
    assert overlay_of(out, "no") is None
    # what a search finds is what a clean build's index finds
    found = index_contents(out)
    text = found["/da/nyheder/havn/"]["fragment"]["content"]
    assert NEW_WORD in text and PUBLISHED_WORD not in text
    assert found == index_contents(clean_build(site, build_site, tmp_path))

    # nothing changed: the overlay is kept as it is
    build_site(site)
    assert snapshot(out) == after


def test_prepare_index_builds_the_overlay_alone(make_site, build_site, tmp_path: Path):
    site_root = make_site(files())
    out = build_site(site_root)
    site, pages, digests = engine_view(site_root, out)
    havn_page = next(p for p in pages if p.url == "/da/nyheder/havn/")
    stage = tmp_path / "stage" / havn_page.output
    stage.parent.mkdir(parents=True)
    stage.write_text((out / havn_page.output).read_text().replace(PUBLISHED_WORD, NEW_WORD))
    digests = {**digests, havn_page.output: "new"}
    change = index.prepare_index(site, pages, digests, out,
                                 lambda rel: stage if rel == havn_page.output else out / rel,
                                 tmp_path / "work")
    assert set(change.replace) == {"pagefind/da-overlay", "pagefind/da-filters.json"}
    assert change.remove == ()
    assert change.stats.rebuilt == ("da-overlay",) and change.stats.overlays == ("da-overlay",)
    assert change.stats.pending == 1
    assert change.stats.buckets == ("da-2020", "da-2021", "da-2022", "da-directory",
                                    "no-2021", "no-directory")
    index.apply_change(out, change, tmp_path / "trash")
    again = index.prepare_index(site, pages, digests, out, lambda rel: out / rel,
                                tmp_path / "work2")
    assert again.replace == {} and again.remove == () and again.stats.skipped


def test_a_deleted_article_is_stale_with_no_overlay_bundle(make_site, build_site,
                                                          tmp_path: Path):
    site = make_site(files())
    out = build_site(site)
    gone = ids(out / "pagefind/da-2022")["/da/nyheder/bro/"]
    os.remove(site / "content/da/2022/bro.md")
    build_site(site)
    assert overlay_of(out) == {"stale": [gone]}
    assert not (out / "pagefind/da-overlay").exists()
    found = index_contents(out)
    assert "/da/nyheder/bro/" not in found
    assert found == index_contents(clean_build(site, build_site, tmp_path))


def test_crossing_the_limit_rebuilds_the_buckets(make_site, build_site, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(index, "PENDING_LIMIT", 1)
    site = make_site(files())
    out = build_site(site)
    (site / "content/da/2022/havn.md").write_text(havn(f"Om {NEW_WORD} i havnen."))
    build_site(site)
    assert (out / "pagefind/da-overlay").is_dir()
    before = snapshot(out)
    # a second pending page: two > 1, so the bucket is rebuilt and the overlay goes
    (site / "content/da/2022/bro.md").write_text(
        "---\ntitle: Broen\ndate: 2022-05-01 10:00\ntags: [bro]\n---\nOm broen.\n")
    build_site(site)
    after = snapshot(out)
    assert "da-overlay" not in after and overlay_of(out) is None
    assert after["da-2022"] != before["da-2022"]
    for bucket in ("da-2020", "da-2021", "no-2021"):
        assert after[bucket] == before[bucket]
    # the index is now the clean build's, byte for byte
    clean = clean_build(site, build_site, tmp_path)
    for path in sorted((clean / "pagefind").rglob("*")):
        if path.is_file():
            rel = path.relative_to(clean)
            assert (out / rel).read_bytes() == path.read_bytes(), rel


def test_a_search_never_finds_a_version_that_is_gone(make_site, build_site):
    site = make_site(files())
    out = build_site(site)
    # The body loses the old word and gains a new one; the summary changes too, which
    # changes the 2021 article's page (its related news), not what is indexed of it: the
    # overlay holds that article unchanged, and a search shows it once.
    (site / "content/da/2022/havn.md").write_text(
        havn(f"Om {NEW_WORD} i havnen.").replace("Nyt fra havnen.", "Nyt om havnen."))
    os.remove(site / "content/da/2022/bro.md")
    build_site(site)
    overlay = overlay_of(out)
    assert overlay and overlay.get("doubled"), "the 2021 article should be in the overlay"
    assert "/da/nyheder/mission-possible/" in ids(out / "pagefind/da-overlay")
    with serve_directory(out) as base_url, axe_chromium() as browser:
        tab = browser.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(base_url + "/da/soeg/")
        assert search(tab, PUBLISHED_WORD).startswith("Ingen resultater")
        assert search(tab, GONE_WORD).startswith("Ingen resultater")
        assert search(tab, NEW_WORD) == "1 resultat" and titles(tab) == ["Havnen"]
        assert search(tab, "tyve") == "1 resultat" and titles(tab) == ["Mission Possible"]
        assert search(tab, OLD_WORD) == "1 resultat"  # the 2020 bucket, untouched
        assert not errors, errors
