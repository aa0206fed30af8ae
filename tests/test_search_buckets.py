"""The split index follows an edit: only the bucket of a changed page is rebuilt.

End to end through `sitegen build` (a bucket's files keep their inode and modification
time unless it was rebuilt), and through `prepare_index` as the engine calls it: with
the engine's digests, pages located in a staging folder, and a scratch folder for the
new buckets.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pytest
from conftest import FIXED_NOW
from test_search import PUBLISHED_WORD, article, bundle_text, fragments, page_index

from sitegen import search, search_canonical
from sitegen.pipeline import prepare
from sitegen.resolve import BuildOptions

OLD_WORD = "fyrtårnet"  # only in the 2020 article
NEW_WORD = "kuttermanden"  # only in the edited 2022 article


def havn(body: str) -> str:
    # An explicit summary: the related-news box of the 2021 article shows it, so an edit
    # of the body changes this page alone (a changed summary would change that page too,
    # and rebuild its bucket as well).
    return article("Havnen", "2022-03-01 10:00", body, tags="[havn]",
                   clusters="[green-hub-denmark]", summary="Nyt fra havnen.")


def files_with_years() -> dict[str, str]:
    """The minimal site (2021 in both languages) plus Danish articles of 2020 and 2022."""
    return {
        "content/da/2020/fyr.md": article("Fyret tændes", "2020-06-01 10:00",
                                          f"Om {OLD_WORD} ved kysten.", tags="[kyst]"),
        "content/da/2022/havn.md": havn(f"Om {PUBLISHED_WORD} i havnen."),
    }


def snapshot(out: Path) -> dict[str, dict[str, tuple[int, int]]]:
    """bucket -> file -> (inode, mtime): what a rebuild must leave alone."""
    result: dict[str, dict[str, tuple[int, int]]] = {}
    for bucket in sorted((out / search.INDEX_DIR).iterdir()):
        if bucket.is_dir():
            result[bucket.name] = {
                p.relative_to(bucket).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
                for p in bucket.rglob("*") if p.is_file()}
    return result


@pytest.fixture
def no_overlay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pending page over the limit: a changed bucket is rebuilt, never overlaid
    (the overlay is tests/test_search_overlay.py's)."""
    monkeypatch.setattr(search, "PENDING_LIMIT", 0)


@pytest.mark.usefixtures("no_overlay")
def test_an_edit_rebuilds_only_its_bucket(make_site, build_site):
    site = make_site(files_with_years())
    out = build_site(site)
    before = snapshot(out)
    assert set(before) == {"da-2020", "da-2021", "da-2022", "da-directory", "no-2021",
                           "no-directory"}
    filters = (out / "pagefind/da-filters.json").stat().st_ino

    (site / "content/da/2022/havn.md").write_text(
        havn(f"Om {PUBLISHED_WORD} og {NEW_WORD} i havnen."))
    build_site(site)
    after = snapshot(out)
    assert NEW_WORD in bundle_text(out)
    assert after["da-2022"] != before["da-2022"]
    for bucket in ("da-2020", "da-2021", "da-directory", "no-2021", "no-directory"):
        assert after[bucket] == before[bucket], f"{bucket} was rebuilt for an edit in 2022"
    # the filter values did not change, so neither did their file
    assert (out / "pagefind/da-filters.json").stat().st_ino == filters
    leftovers = [p.name for p in out.parent.iterdir() if ".pagefind-" in p.name]
    assert leftovers == []


def test_the_last_article_of_a_year_takes_its_bucket_with_it(make_site, build_site):
    site = make_site(files_with_years())
    out = build_site(site)
    assert "/pagefind/da-2020/" in page_index(out / "da/soeg/index.html")["bundles"]
    os.remove(site / "content/da/2020/fyr.md")
    build_site(site)
    assert not (out / "pagefind/da-2020").exists()
    assert OLD_WORD[:6] not in bundle_text(out)
    # a new year makes a new bucket, and the others stay as they were
    kept = snapshot(out)
    (site / "content/da/2023/ny.md").parent.mkdir(parents=True)
    (site / "content/da/2023/ny.md").write_text(article("Ny", "2023-01-02 10:00", "Nyt."))
    build_site(site)
    now = snapshot(out)
    assert set(now) == {"da-2021", "da-2022", "da-2023", "da-directory", "no-2021",
                        "no-directory"}
    assert {k: now[k] for k in kept} == kept


def test_the_search_page_follows_its_buckets(make_site, build_site):
    site = make_site(files_with_years())
    out = build_site(site)
    os.remove(site / "content/da/2020/fyr.md")
    build_site(site)
    assert page_index(out / "da/soeg/index.html")["bundles"] == [
        "/pagefind/da-2022/", "/pagefind/da-2021/", "/pagefind/da-directory/"]


def test_drafts_and_embargoes_make_no_bucket(make_site, build_site):
    site = make_site({
        "content/da/2019/kladde.md": article("Kladde", "2019-01-01 10:00", "Kladde.",
                                             draft="true"),
        "content/da/2030/embargo.md": article("Embargo", "2030-01-01 10:00", "Senere."),
    })
    out = build_site(site, "--drafts", "--future")
    assert (out / "da/nyheder/kladde/index.html").is_file()  # rendered in the preview
    assert {p.name for p in (out / "pagefind").iterdir() if p.is_dir()} == {
        "da-2021", "da-directory", "no-2021", "no-directory"}
    assert page_index(out / "da/soeg/index.html")["bundles"] == [
        "/pagefind/da-2021/", "/pagefind/da-directory/"]


@pytest.fixture
def built(make_site, build_site) -> tuple[Path, Path]:
    site = make_site(files_with_years())
    return site, build_site(site)


def engine_view(site: Path, out: Path):
    """The model, the planned pages and digests as the engine would hand them over."""
    prepared = prepare(site, BuildOptions(now=FIXED_NOW))
    digests = {p.output: search._page_digest(out / p.output)
               for p in search.searchable(prepared.site, prepared.pages)}
    return prepared.site, prepared.pages, digests


@pytest.mark.usefixtures("no_overlay")
def test_prepare_index_decides_by_the_digests_alone(built, tmp_path: Path):
    site_root, out = built
    site, pages, digests = engine_view(site_root, out)
    havn = next(p for p in pages if p.url == "/da/nyheder/havn/")
    assert search.bucket_of(site, havn) == "da-2022"
    assert search.search_bundles(site, "da") == [
        "/pagefind/da-2022/", "/pagefind/da-2021/", "/pagefind/da-2020/",
        "/pagefind/da-directory/"]
    person = next(p for p in pages if p.url == "/no/personer/kurt-bennetsen/")
    assert search.bucket_of(site, person) == "no-directory"

    unchanged = search.prepare_index(site, pages, digests, out, lambda rel: out / rel,
                                     tmp_path / "work1")
    assert unchanged.replace == {} and unchanged.remove == ()
    assert unchanged.stats.skipped and unchanged.stats.pages == 8  # 4 articles, 4 profiles

    # A page whose bytes changed (in the stage, located there) with its new digest: its
    # bucket is rebuilt from the staged bytes, inside `work`, and nothing else.
    stage = tmp_path / "stage"
    staged = stage / havn.output
    staged.parent.mkdir(parents=True)
    staged.write_text((out / havn.output).read_text().replace(PUBLISHED_WORD, NEW_WORD))
    work = tmp_path / "work2"
    change = search.prepare_index(site, pages, {**digests, havn.output: "new"}, out,
                                  lambda rel: staged if rel == havn.output else out / rel,
                                  work)
    assert set(change.replace) == {"pagefind/da-2022"} and change.remove == ()
    bucket = change.replace["pagefind/da-2022"]
    assert work in bucket.parents and (bucket / search.ENTRY).is_file()
    assert change.stats.rebuilt == ("da-2022",)
    assert sorted(p.name for p in work.iterdir()) == ["pagefind"]  # no leftovers
    text = "".join(json.dumps(r) for r in fragments_of(bucket).values())
    assert NEW_WORD in text and PUBLISHED_WORD not in text
    # the stamp is what the next build compares: the new bucket is current for them
    search.apply_change(out, change, tmp_path / "trash")
    again = search.prepare_index(site, pages, {**digests, havn.output: "new"}, out,
                                 lambda rel: out / rel, tmp_path / "work3")
    assert again.replace == {} and again.stats.skipped


def fragments_of(bucket: Path) -> dict[str, dict]:
    """url -> record, of one bucket."""
    records = {}
    for path in (bucket / "fragment").glob("*.pf_fragment"):
        record = json.loads(gzip.decompress(path.read_bytes())[len(search_canonical.MAGIC):])
        records[record["url"]] = record
    return records


def test_prepare_index_removes_stale_buckets_and_an_old_single_bundle(built, tmp_path: Path):
    site_root, out = built
    # what an earlier sitegen left: one bundle straight under /pagefind/
    (out / "pagefind/pagefind-entry.json").write_text("{}")
    (out / "pagefind/fragment").mkdir()
    os.remove(site_root / "content/da/2020/fyr.md")
    site, pages, digests = engine_view(site_root, out)
    change = search.prepare_index(site, pages, digests, out, lambda rel: out / rel,
                                  tmp_path / "work")
    assert change.remove == ("pagefind/da-2020", "pagefind/fragment",
                             "pagefind/pagefind-entry.json")
    # the 2020 bucket's filter values are gone from the language's file
    assert set(change.replace) <= {"pagefind/da-filters.json"}
    search.apply_change(out, change, tmp_path / "trash")
    names = sorted(p.name for p in (out / "pagefind").iterdir())
    assert names == ["da-2021", "da-2022", "da-directory", "da-filters.json", "no-2021",
                     "no-directory", "no-filters.json"]
    assert re.fullmatch(r"[0-9a-f]{64}\n", (out / "pagefind/da-2021/.sitegen-stamp").read_text())


def test_with_nothing_to_index_the_index_goes(built, tmp_path: Path):
    site_root, out = built
    site, pages, digests = engine_view(site_root, out)
    found = set(search.searchable(site, pages))
    change = search.prepare_index(site, [p for p in pages if p not in found], {}, out,
                                  lambda rel: out / rel, tmp_path / "work")
    assert change.replace == {} and change.remove == ("pagefind",)
    assert change.stats.pages == 0 and change.stats.buckets == ()
    assert fragments(out)  # nothing done yet: the engine carries the change out
