"""People and organisations in the search index: each language's directory bucket.

Every person and every organisation has a page in each language, and each language's
pages of them go into its directory bucket (`da-directory`, `no-directory`): a person's
name, role, organisation and text, an organisation's name, type, description and text,
in the page's language (or the other language's text where the page has only that),
each with the Pagefind filter `type`. A small site is built once (published, and as a
preview); the index is read back with tests/search_contents.py, so no browser is
needed (tests/test_search_browser.py searches them in Chromium). Last, an edit of a
person takes the quick path, and the index follows it as a clean build's would.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXED_NOW
from search_contents import index_contents, site_contents
from test_search import article, build, bundle_text, search_site_files, write_site

from sitegen import search
from sitegen.engine import Builder

DRAFT_WORD = "snespurvene"  # only in a draft that names the person
ASCHIM = """\
---
name: Charlotte Aschim
role:
  da: Direktør
  no: Daglig leder
organization: TotalCtrl
email: charlotte@example.org
phone: "+47 900 11 222"
clusters: [smart-innovation-norway]
---
::: da
Hun mindsker madspildet på plejehjemmene.
:::

::: no
Hun reduserer matsvinnet på sykehjemmene.
:::
"""
# Only a Norwegian text: the Danish page shows it, marked lang="nb", below a note.
SOLLI = """\
---
name: Nina Solli
role:
  da: Regionaldirektør
  no: Regiondirektør
organization: NHO Viken Oslo
---
::: no
Hun presenterte veikartet for fylkespolitikerne.
:::
"""
SIN = """\
---
name: Smart Innovation Norway
short_name: SIN
type: research-company
website: https://smartinnovationnorway.com/
description:
  da: En uafhængig virksomhed for anvendt forskning i Halden.
  no: Et uavhengig selskap for anvendt forskning i Halden.
---
::: da
Virksomheden driver tre klynger om energi.
:::

::: no
Selskapet driver tre klynger om energi.
:::
"""


def people_files() -> dict[str, str]:
    files = search_site_files()
    files.update({
        "content/people/charlotte-aschim.md": ASCHIM,
        "content/people/nina-solli.md": SOLLI,
        "content/clusters/smart-innovation-norway.md": SIN,
        "content/da/2022/kladde-aschim.md": article(
            "Aschim i kladde", "2022-05-01 10:00", f"Om {DRAFT_WORD} og madspild.",
            authors="[charlotte-aschim]", clusters="[smart-innovation-norway]",
            draft="true"),
    })
    return files


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(tmp_path_factory.mktemp("people") / "site", people_files())


@pytest.fixture(scope="module")
def found(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return index_contents(build(site, tmp_path_factory.mktemp("published") / "build"))


@pytest.fixture(scope="module")
def preview(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(site, tmp_path_factory.mktemp("preview") / "build", "--drafts", "--future")


def fragment(found: dict[str, Any], url: str) -> dict[str, Any]:
    assert url in found, f"{url} is not in the index"
    return found[url]["fragment"]


def finds(found: dict[str, Any], lang: str, word: str) -> set[str]:
    """The pages of `lang` a search for `word` (a whole word, as the page writes it)
    finds: those with an indexed word that `word`, lower-cased, begins with (Pagefind
    indexes stems: "aschim", "madspild" for "madspildet")."""
    word = word.casefold()
    return {url for url, page in found.items()
            if url.startswith(f"/{lang}/") and "filters" not in url
            and any(word.startswith(stem) and len(stem) >= 4 for stem in page["words"])}


def test_a_persons_name_finds_their_page_in_both_languages(found: dict[str, Any]):
    assert "/da/personer/charlotte-aschim/" in finds(found, "da", "Aschim")
    assert "/no/personer/charlotte-aschim/" in finds(found, "no", "Aschim")
    for lang in ("da", "no"):  # a page holds only its own language's bundles' results
        assert all(url.startswith(f"/{lang}/") for url in finds(found, lang, "Aschim"))


def test_a_persons_page_is_indexed_in_its_language(found: dict[str, Any]):
    danish = fragment(found, "/da/personer/charlotte-aschim/")
    norwegian = fragment(found, "/no/personer/charlotte-aschim/")
    assert danish["content"] == ("Charlotte Aschim. Direktør. TotalCtrl. Smart Innovation "
                                 "Norway. Hun mindsker madspildet på plejehjemmene.")
    assert norwegian["content"] == ("Charlotte Aschim. Daglig leder. TotalCtrl. Smart "
                                    "Innovation Norway. Hun reduserer matsvinnet på "
                                    "sykehjemmene.")
    assert danish["meta"] == {"title": "Charlotte Aschim", "summary": "Direktør, TotalCtrl"}
    assert norwegian["meta"] == {"title": "Charlotte Aschim",
                                 "summary": "Daglig leder, TotalCtrl"}
    assert danish["filters"] == norwegian["filters"] == {"type": ["person"]}
    # role, organisation and text are words of the page; contact details, the kicker,
    # the portrait and the person's news list are not
    assert "/no/personer/charlotte-aschim/" in finds(found, "no", "matsvinnet")
    for chrome in ("+47", "charlotte@", "Gem kontakt", "Telefon", "Kontaktperson",
                   "Organisationer", "Nyheder om", "RSS"):
        assert chrome not in danish["content"], f"{chrome!r} is indexed"
    assert "Lagre kontakt" not in norwegian["content"]


def test_a_text_in_the_other_language_is_indexed_as_the_page_shows_it(found: dict[str, Any]):
    danish = fragment(found, "/da/personer/nina-solli/")
    # the Norwegian text, without the Danish note that says it is Norwegian
    assert danish["content"] == ("Nina Solli. Regionaldirektør. NHO Viken Oslo. "
                                 "Hun presenterte veikartet for fylkespolitikerne.")
    assert danish["meta"]["summary"] == "Regionaldirektør, NHO Viken Oslo"
    assert fragment(found, "/no/personer/nina-solli/")["content"] == (
        "Nina Solli. Regiondirektør. NHO Viken Oslo. "
        "Hun presenterte veikartet for fylkespolitikerne.")


def test_an_organisations_name_finds_its_page_in_both_languages(found: dict[str, Any]):
    danish = "/da/klynger/smart-innovation-norway/"
    norwegian = "/no/klynger/smart-innovation-norway/"
    assert danish in finds(found, "da", "Innovation")
    assert norwegian in finds(found, "no", "Innovation")
    # its type (in the page's language), name, short name, description and text
    assert fragment(found, danish)["content"] == (
        "Forskningsvirksomhed. Smart Innovation Norway (SIN). En uafhængig virksomhed for "
        "anvendt forskning i Halden. Virksomheden driver tre klynger om energi.")
    assert fragment(found, norwegian)["content"] == (
        "Forskningsselskap. Smart Innovation Norway (SIN). Et uavhengig selskap for "
        "anvendt forskning i Halden. Selskapet driver tre klynger om energi.")
    assert fragment(found, danish)["meta"] == {
        "title": "Smart Innovation Norway (SIN)",
        "summary": "Forskningsvirksomhed – En uafhængig virksomhed for anvendt forskning i "
                   "Halden."}
    assert fragment(found, norwegian)["meta"]["summary"].startswith("Forskningsselskap – Et ")
    assert fragment(found, danish)["filters"] == {"type": ["organisation"]}
    # the website line, the organisation's news and its people are not indexed
    assert "smartinnovationnorway.com" not in fragment(found, danish)["content"]
    assert "Aschim" not in fragment(found, danish)["content"]


def test_the_type_filter_has_its_values_in_both_languages(found: dict[str, Any]):
    for lang in ("da", "no"):
        assert found[f"{lang} filters"]["type"] == ["organisation", "person"]
        types = {url: page["fragment"]["filters"].get("type") for url, page in found.items()
                 if url.startswith(f"/{lang}/")}
        assert types[f"/{lang}/personer/nina-solli/"] == ["person"]
        assert types[f"/{lang}/klynger/green-hub-denmark/"] == ["organisation"]
        # an article has no type: the search page's "article" is neither of the two
        news = {"da": "/da/nyheder/", "no": "/no/nyheter/"}[lang]
        assert {url for url, value in types.items() if value is None} == {
            url for url in types if url.startswith(news)}
        # the article filters' menus are the articles' alone, as before
        assert "Charlotte Aschim" not in found[f"{lang} filters"].get("person", [])
        assert "Smart Innovation Norway" not in found[f"{lang} filters"].get("cluster", [])


def test_a_drafts_words_are_not_found(found: dict[str, Any], preview: Path):
    assert not finds(found, "da", DRAFT_WORD)
    assert all("kladde" not in url for url in found)
    # A preview renders the draft, and the person's page lists it in their news; the
    # index is still the published site's.
    page = (preview / "da/personer/charlotte-aschim/index.html").read_text()
    assert "Aschim i kladde" in page
    text = bundle_text(preview)
    assert "aschim i kladde" not in text and DRAFT_WORD[:7] not in text
    assert index_contents(preview) == found


def test_the_directory_is_a_bucket_of_each_language(site: Path, tmp_path: Path):
    out = build(site, tmp_path / "build")
    names = sorted(p.name for p in (out / search.INDEX_DIR).iterdir())
    assert names == ["da-2021", "da-2022", "da-directory", "da-filters.json",
                     "no-2021", "no-2022", "no-directory", "no-filters.json"]
    entry = json.loads((out / "pagefind/no-directory" / search.ENTRY).read_text())
    assert [(info["wasm"], info["page_count"]) for info in entry["languages"].values()] == [
        ("nb", 5)]  # 3 people and 2 organisations, with the Norwegian stemmer
    assert search.is_bucket("da-directory", "da") and search.is_bucket("da-2021", "da")
    assert not search.is_bucket("da-overlay", "da") and not search.is_bucket("no-2021", "da")
    assert not search.is_bucket("da-filters.json", "da")


# --- an edit of a person: the quick path, and what the index then finds


def settled(site: Path) -> Path:
    past = time.time() - 3600  # every file long unchanged: stamps are trusted
    for path in site.rglob("*"):
        os.utime(path, (past, past))
    return site


def rebuild(site: Path, out: Path) -> Builder:
    """One build as a new `sitegen build` process makes it, with the search index."""
    builder = Builder(site, out)
    try:
        builder.build(FIXED_NOW)
    finally:
        builder.close()
    return builder


@pytest.mark.parametrize("limit", [search.PENDING_LIMIT, 0], ids=["overlay", "rebuilt"])
def test_a_persons_new_name_is_found_after_an_incremental_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int):
    monkeypatch.setattr(search, "PENDING_LIMIT", limit)  # 0: a changed bucket is rebuilt
    site = settled(write_site(tmp_path / "site", people_files()))
    out = tmp_path / "out"
    rebuild(site, out)
    before = index_contents(out)
    path = site / "content/people/charlotte-aschim.md"
    path.write_text(path.read_text().replace("name: Charlotte Aschim",
                                             "name: Charlotte Aschimsen"))
    stamp = time.time() - 60  # changed, but out of the racy window
    os.utime(path, (stamp, stamp))
    builder = rebuild(site, out)
    assert builder.last_mode == "patch"  # the quick path re-renders the person's pages
    after = index_contents(out)
    for lang in ("da", "no"):
        url = f"/{lang}/personer/charlotte-aschim/"
        assert after[url]["fragment"]["meta"]["title"] == "Charlotte Aschimsen"
        assert url in finds(after, lang, "Aschimsen")
        assert "Charlotte Aschimsen" not in json.dumps(before[url], ensure_ascii=False)
    # the directory buckets were left as they were, the overlay holds the new pages; or,
    # over the limit, the directory buckets were rebuilt
    overlay = json.loads((out / "pagefind/da-filters.json").read_text()).get(
        search.OVERLAY_KEY)
    if limit:
        assert overlay["bundle"] == "/pagefind/da-overlay/" and overlay["stale"]
    else:
        assert overlay is None and not (out / "pagefind/da-overlay").exists()
    clean = tmp_path / "clean"
    shutil.copytree(site, clean / "site",
                    ignore=shutil.ignore_patterns("build", ".sitegen-cache"))
    Builder(clean / "site", clean / "out", persistent=False).build(FIXED_NOW, clean=True)
    assert site_contents(out) == site_contents(clean / "out")
