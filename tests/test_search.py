"""The search index: its buckets, what it holds, what it never holds, how it follows an
edit, and the search pages around it.

A small bilingual site with a published, a draft and an embargoed article per language is
built once per module (a published build and a preview); the index's files are read
back (gzip of Pagefind's marker + JSON or CBOR), so these tests need no browser.
tests/test_search_browser.py searches the same kind of site in Chromium.
"""

from __future__ import annotations

import gzip
import json
import re
import textwrap
from pathlib import Path

import pytest
from conftest import NOW, minimal_files

from sitegen import search, search_canonical
from sitegen.cli import main

# Words found in exactly one article each, and nowhere else on the site.
PUBLISHED_WORD = "vindmølleparken"
DRAFT_WORD = "zebrafinkerne"
EMBARGO_WORD = "tusindfrydens"
NO_EMBARGO_WORD = "kvitveisene"
PEOPLE = (("da", "personer"), ("no", "personer"))  # each language's folder of people


def article(title: str, date: str, body: str, **fields: str) -> str:
    extra = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


def search_site_files() -> dict[str, str]:
    files = minimal_files()
    files.update({
        "content/da/2022/havn.md": article(
            "Havnen får et museum", "2022-03-01 10:00",
            f"Det nye museum ved havnen viser {PUBLISHED_WORD} fra luften.",
            authors="[kurt-bennetsen]", clusters="[green-hub-denmark]", tags="[havn]",
            summary="Et museum for havnen."),
        "content/da/2022/kladde.md": article(
            "En kladde", "2022-04-01 10:00", f"Om {DRAFT_WORD} i haven.", draft="true"),
        "content/da/2030/embargo.md": article(
            "Under embargo", "2030-01-01 10:00", f"Om {EMBARGO_WORD} duft."),
        "content/no/2022/museum.md": article(
            "Nytt museum i Halden", "2022-03-02 10:00",
            "Byen får et museum for industrihistorie.", contacts="[kurt-bennetsen]"),
        "content/no/2030/embargo.md": article(
            "Under embargo", "2030-01-01 10:00", f"Om {NO_EMBARGO_WORD} i skogen."),
    })
    return files


def write_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def build(site: Path, out: Path, *extra: str) -> Path:
    assert main(["build", "--site", str(site), "--out", str(out), "--now", NOW, "--quiet",
                 *extra]) == 0
    return out


def bundle_text(out: Path) -> str:
    """Every file of /pagefind/, decompressed where it is compressed, as one text."""
    parts = []
    for path in sorted((out / search.INDEX_DIR).rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts).casefold()


def fragments(out: Path) -> dict[str, dict]:
    """url -> the page's record in the index (content, meta, filters), all buckets."""
    records = {}
    for path in (out / search.INDEX_DIR).glob("*/fragment/*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(search_canonical.MAGIC)
        record = json.loads(raw[len(search_canonical.MAGIC):])
        records[record["url"]] = record
    return records


def buckets(out: Path) -> set[str]:
    return {p.name for p in (out / search.INDEX_DIR).iterdir() if p.is_dir()}


def entry(out: Path, bucket: str) -> dict:
    return json.loads((out / search.INDEX_DIR / bucket / search.ENTRY).read_text())


def page_index(page: Path) -> dict:
    """The search page's bundles and filter file, as its script reads them."""
    found = re.search(r'<script type="application/json" id="search-index">(.*?)</script>',
                      page.read_text())
    assert found, f"{page} has no search-index script"
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(tmp_path_factory.mktemp("search") / "site", search_site_files())


@pytest.fixture(scope="module")
def published(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(site, tmp_path_factory.mktemp("published") / "build")


@pytest.fixture(scope="module")
def preview(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(site, tmp_path_factory.mktemp("preview") / "build", "--drafts", "--future")


def test_one_stemmed_bundle_per_language_and_year(published: Path):
    # 2022 and 2021 (the minimal site's article) in each language; the embargoed 2030
    # articles and the 2022 draft make no bucket and add no page. Each language's
    # directory holds its pages of the one person and the one organisation.
    assert buckets(published) == {"da-2021", "da-2022", "da-directory",
                                  "no-2021", "no-2022", "no-directory"}
    counts = {name: {lang: info["page_count"]
                     for lang, info in entry(published, name)["languages"].items()}
              for name in buckets(published)}
    assert counts == {"da-2021": {"da": 1}, "da-2022": {"da": 1}, "da-directory": {"da": 2},
                      "no-2021": {"nb": 1}, "no-2022": {"nb": 1}, "no-directory": {"nb": 2}}
    # Pagefind picks the stemmer by <html lang>: Danish for da, Norwegian for nb; each
    # bucket carries only its own language's WebAssembly and its own JavaScript.
    for name in buckets(published):
        bundle = published / search.INDEX_DIR / name
        wasm = "da" if name.startswith("da") else "nb"
        assert [info["wasm"] for info in entry(published, name)["languages"].values()] == [wasm]
        assert sorted(p.name for p in bundle.glob("wasm.*")) == [f"wasm.{wasm}.pagefind"]
        assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-worker.js").is_file()
        assert not list(bundle.glob("pagefind-ui*")) and not list(bundle.glob("*highlight*"))


def test_nothing_unpublished_is_in_the_index(published: Path):
    text = bundle_text(published)
    assert PUBLISHED_WORD in text  # the check can see a word at all
    for word in (DRAFT_WORD, EMBARGO_WORD, NO_EMBARGO_WORD):
        assert word[:7] not in text, f"{word} leaked into the search index"
    assert set(fragments(published)) == {
        "/da/nyheder/havn/", "/da/nyheder/mission-possible/",
        "/no/nyheter/museum/", "/no/nyheter/mission/",
        *(f"/{lang}/{people}/kurt-bennetsen/" for lang, people in PEOPLE),
        *(f"/{lang}/klynger/green-hub-denmark/" for lang, _people in PEOPLE)}


def test_a_preview_shows_drafts_but_indexes_only_what_is_published(preview: Path):
    assert DRAFT_WORD in (preview / "da/nyheder/kladde/index.html").read_text()
    assert EMBARGO_WORD in (preview / "da/nyheder/embargo/index.html").read_text()
    text = bundle_text(preview)
    assert PUBLISHED_WORD in text
    for word in (DRAFT_WORD, EMBARGO_WORD, NO_EMBARGO_WORD):
        assert word[:7] not in text, f"{word} leaked into the preview's search index"


def test_only_the_article_is_indexed_with_its_metadata_and_filters(published: Path):
    record = fragments(published)["/da/nyheder/havn/"]
    content = record["content"]
    assert "Havnen får et museum" in content and PUBLISHED_WORD in content
    assert "Kurt Bennetsen" in content and "Green Hub Denmark" in content and "#havn" in content
    for chrome in ("Spring til indholdet", "Nyheder fra eksempel", "Følg nyhederne",
                   "Udgivet af", "Emner", "info@example.org", "Relaterede"):
        assert chrome not in content, f"{chrome!r} (navigation or footer) is indexed"
    assert record["meta"]["title"] == "Havnen får et museum"
    assert record["meta"]["summary"] == "Et museum for havnen."
    assert record["meta"]["datetime"].startswith("2022-03-01T10:00:00")
    assert record["meta"]["date"] == "1. marts 2022"
    assert record["filters"] == {"person": ["Kurt Bennetsen"], "cluster": ["Green Hub Denmark"]}
    # A contact is a person of the article too, though the contact card is not indexed.
    norwegian = fragments(published)["/no/nyheter/museum/"]
    assert norwegian["filters"] == {"person": ["Kurt Bennetsen"]}
    assert "+45 98 16 06 00" not in norwegian["content"]


def test_each_search_page_lists_its_languages_buckets_newest_first(published: Path):
    assert page_index(published / "da/soeg/index.html") == {
        "bundles": ["/pagefind/da-2022/", "/pagefind/da-2021/", "/pagefind/da-directory/"],
        "filters": "/pagefind/da-filters.json"}
    assert page_index(published / "no/sok/index.html")["bundles"] == [
        "/pagefind/no-2022/", "/pagefind/no-2021/", "/pagefind/no-directory/"]
    # the filter menus' values, from every bucket of the language; the types are those
    # of the directory's pages (an article has none)
    danish = json.loads((published / "pagefind/da-filters.json").read_text())
    assert danish == {"cluster": ["Green Hub Denmark"], "person": ["Kurt Bennetsen"],
                      "type": ["organisation", "person"]}
    norwegian = json.loads((published / "pagefind/no-filters.json").read_text())
    assert norwegian == {"person": ["Kurt Bennetsen"], "type": ["organisation", "person"]}


def test_the_search_pages_speak_their_language(published: Path):
    danish = (published / "da/soeg/index.html").read_text()
    norwegian = (published / "no/sok/index.html").read_text()
    assert '<html lang="da">' in danish and '<html lang="nb">' in norwegian
    assert "<noscript>" in danish and "<noscript>" in norwegian
    assert "kræver JavaScript" in danish and 'href="/da/nyheder/"' in danish
    assert "krever JavaScript" in norwegian and 'href="/no/nyheter/"' in norwegian
    assert "<h1>Søg</h1>" in danish and "<h1>Søk</h1>" in norwegian
    # the language switcher leads to the other language's search page
    assert 'href="/no/sok/" hreflang="nb"' in danish
    assert 'href="/da/soeg/" hreflang="da"' in norwegian
    # everything the page loads comes from the site itself
    assert not re.search(r'(src|href)="(https?:)?//', danish.split("<main", 1)[1])


def test_every_page_has_a_search_box_in_its_header(published: Path):
    page = (published / "da/nyheder/havn/index.html").read_text()
    header = page.split("</header>", 1)[0]
    assert '<form class="site-search" role="search" action="/da/soeg/">' in header
    assert 'name="q"' in header and '<label class="visually-hidden" for="site-search-q">' in header
    assert 'action="/no/sok/"' in (published / "no/index.html").read_text()
    # the search page has its own, larger box instead
    assert "site-search" not in (published / "da/soeg/index.html").read_text()


def test_builds_of_the_same_site_are_byte_identical(site: Path, published: Path,
                                                    tmp_path: Path):
    again = build(site, tmp_path / "again")
    def files(out: Path) -> dict[str, bytes]:
        folder = out / search.INDEX_DIR
        return {p.relative_to(folder).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file()}
    assert files(again) == files(published)


def test_pagefind_files_are_in_a_layout_we_recognise(published: Path, tmp_path: Path):
    """If a new Pagefind changed its files, canonical order would silently stop: fail."""
    import shutil
    copy = tmp_path / "index"
    shutil.copytree(published / search.INDEX_DIR, copy)
    for bucket in buckets(published):
        assert search_canonical.canonicalize(copy / bucket), bucket
        assert search_canonical.filter_values(copy / bucket)
    for path in sorted(copy.rglob("*.pf_*")):
        raw = gzip.decompress(path.read_bytes())
        if path.suffix in (".pf_meta", ".pf_filter", ".pf_index"):
            body = raw[len(search_canonical.MAGIC):]
            value, end = search_canonical.decode(body, 0)
            assert end == len(body) and search_canonical.encode(value) == body, path.name


def test_cbor_round_trip():
    value = [0, 23, 24, 255, 256, 65536, 2**32, -1, -500, "", "æøå", b"\x00", True, False,
             None, [], [[1, "a"]], {"k": [1, 2]}]
    encoded = search_canonical.encode(value)
    assert search_canonical.decode(encoded, 0) == (value, len(encoded))
    assert search_canonical.encode(24) == b"\x18\x18"  # shortest form, as Pagefind writes


def test_a_site_without_published_articles_indexes_its_people(tmp_path: Path):
    files = minimal_files()
    files["content/da/2021/mission-possible.md"] = files["content/da/2021/mission-possible.md"] \
        .replace("translation_key: dkla\n", "translation_key: dkla\ndraft: true\n")
    files["content/no/2021/mission.md"] = files["content/no/2021/mission.md"] \
        .replace("translation_key: dkla\n", "translation_key: dkla\ndraft: true\n")
    out = build(write_site(tmp_path / "site", files), tmp_path / "build")
    assert buckets(out) == {"da-directory", "no-directory"}
    assert page_index(out / "da/soeg/index.html") == {
        "bundles": ["/pagefind/da-directory/"], "filters": "/pagefind/da-filters.json"}
    assert "tyve" not in bundle_text(out)  # the drafts' words


def test_a_site_without_anything_to_find_has_no_index(tmp_path: Path):
    files = {"site.toml": minimal_files()["site.toml"],
             "content/da/2021/kladde.md": article("Kladde", "2021-01-01 10:00", "Kladde.",
                                                  draft="true")}
    out = build(write_site(tmp_path / "site", files), tmp_path / "build")
    assert not (out / search.INDEX_DIR).exists()
    # the search page still works: it has no bundle to load and finds nothing
    assert page_index(out / "da/soeg/index.html") == {"bundles": [], "filters": None}


def test_without_pagefind_the_build_fails_with_a_hint(make_site, run_cli, monkeypatch,
                                                      tmp_path: Path):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    out = tmp_path / "build"
    code, stdout, stderr = run_cli("build", "--site", make_site(), "--out", out, "--now", NOW)
    assert code == 1
    assert "cannot build the search index: Pagefind's indexer was not found" in stderr
    assert "pip install" in stderr and "Traceback" not in stderr + stdout
    assert not out.exists()  # nothing half-built was published
