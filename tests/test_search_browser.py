"""Search in a real browser: a built site on localhost, headless Chromium, both languages.

The index is split by language and year, with one more bucket of each language's people
and organisations; these searches cross the buckets (words of every year, filters over
several years, people beside articles) and count what a first search downloads.
One build, one server and one browser for the module. Needs `make browser-deps`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import (
    AXE_JS,
    axe_chromium,
    first_search,
    serve_directory,
)
from test_accessibility import axe_violations
from test_search import EMBARGO_WORD, NO_EMBARGO_WORD, article, build, search_site_files, write_site

DA, NO = "/da/soeg/", "/no/sok/"
SEARCHING = ("Søger …", "Søker …")
NOTES = 11
# What a first search downloaded from /pagefind/ before the index was split, besides the
# word's index chunk and the results' fragments: pagefind.js and its worker, the Danish
# WebAssembly, metadata, filter chunks and entry (5,000 articles per language).
BUDGET = 234_176


def browser_site_files() -> dict[str, str]:
    files = search_site_files()
    # A second Danish article that mentions the museum only in passing: it must rank
    # below the one about the museum.
    files["content/da/2022/byraad.md"] = article(
        "Byrådet mødes", "2022-05-01 10:00",
        "Byrådet talte om skolerne, vejene, budgettet og havnens fremtid. "
        "Til sidst nævnte en enkelt politiker også et museum. " * 3,
        clusters="[green-hub-denmark]")
    for n in range(1, NOTES + 1):  # more results than fit on one screen
        files[f"content/da/2020/notat-{n:02d}.md"] = article(
            f"Notat {n}", f"2020-01-{n:02d} 10:00", "Et kort notat om havnebadet.")
    # A Norwegian article of another year than the Norwegian museum's (2022).
    files["content/no/2019/bibliotek.md"] = article(
        "Nytt bibliotek i Bodø", "2019-09-01 10:00", "Byen åpner et bibliotek for alle.",
        authors="[kurt-bennetsen]")
    # A person and an organisation that no article names.
    files["content/people/charlotte-aschim.md"] = ASCHIM
    files["content/clusters/totalctrl.md"] = TOTALCTRL
    return files


ASCHIM = """\
---
name: Charlotte Aschim
role:
  da: Direktør
  no: Daglig leder
organization: TotalCtrl
clusters: [totalctrl]
---
::: da
Hun mindsker madspildet på plejehjemmene.
:::

::: no
Hun reduserer matsvinnet på sykehjemmene.
:::
"""
TOTALCTRL = """\
---
name: TotalCtrl
type: initiative
description:
  da: Software mod madspild.
  no: Programvare mot matsvinn.
---
"""
TYPES = {DA: ["Alle typer", "Artikler", "Personer", "Organisationer"],
         NO: ["Alle typer", "Artikler", "Personer", "Organisasjoner"]}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("search-browser")
    out = build(write_site(root / "site", browser_site_files()), root / "build")
    with serve_directory(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with axe_chromium() as chromium:
        yield chromium


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def settled(tab: Any) -> str:
    """Wait for the search to finish; the status line it announces."""
    tab.wait_for_function(
        """(busy) => { const s = document.getElementById('search-status').textContent;
                       return s && !busy.includes(s); }""", arg=list(SEARCHING))
    return tab.inner_text("#search-status")


def search(tab: Any, query: str) -> str:
    tab.fill("#search-query", query)
    tab.press("#search-query", "Enter")
    return settled(tab)


def titles(tab: Any) -> list[str]:
    return tab.locator("#search-results .teaser-title").all_inner_texts()


def test_a_danish_word_finds_its_article_first(tab: Any, base_url: str):
    tab.goto(base_url + DA)
    status = search(tab, "museum")
    assert status == "2 resultater"
    assert titles(tab) == ["Havnen får et museum", "Byrådet mødes"]
    first = tab.locator("#search-results li").first
    assert first.locator("a").get_attribute("href") == "/da/nyheder/havn/"
    assert first.locator("time").inner_text() == "1. marts 2022"
    assert first.locator(".summary").inner_text() == "Et museum for havnen."
    assert first.locator("mark").first.inner_text().lower().startswith("museum")
    assert "q=museum" in tab.url  # a search can be bookmarked and shared


def test_words_of_every_year_are_found(tab: Any, base_url: str):
    tab.goto(base_url + DA)
    assert search(tab, "notat") == f"{NOTES} resultater"  # 2020
    assert search(tab, "virksomheder") == "1 resultat"  # 2021
    assert titles(tab) == ["Mission Possible"]
    assert tab.locator("#search-results mark").first.inner_text() == "virksomheder"
    tab.goto(base_url + NO)
    # 2019, inflected: "bibliotekene" (the libraries) finds "bibliotek"
    assert search(tab, "bibliotekene") == "1 treff"
    assert titles(tab) == ["Nytt bibliotek i Bodø"]
    assert tab.locator("#search-results mark").first.inner_text().lower() == "bibliotek"


def test_a_first_search_downloads_no_more_than_one_bundle_did(browser: Any, base_url: str):
    downloads = first_search(browser, base_url, DA, "museum")
    bundles = {path.split("/pagefind/")[1].split("/")[0] for path, _ in downloads.files}
    assert bundles == {"da-2022", "da-2021", "da-2020", "da-directory",
                       "da-filters.json"}  # Danish only
    assert downloads.once <= BUDGET, dict(downloads.kinds)
    # The JavaScript, the worker and the WebAssembly come once, from the first bundle;
    # the merged ones add only their entry, metadata and the word's index chunk.
    shared = sorted(path.split("/pagefind/")[1] for path, _ in downloads.files
                    if path.endswith((".js", ".pagefind")))
    assert shared == ["da-2022/pagefind-worker.js", "da-2022/pagefind.js",
                      "da-2022/wasm.da.pagefind"]
    assert "filter" not in downloads.kinds  # menus come from da-filters.json
    assert {kind for kind, _ in downloads.kinds.items()} <= {
        "javascript", "wasm", "entry", "metadata", "index", "fragment", "other"}


def test_an_inflected_norwegian_form_finds_the_base_form(tab: Any, base_url: str):
    tab.goto(base_url + NO)
    # "museet" (the museum) is not a prefix of "museum": only the Norwegian stemmer
    # makes them one word.
    assert search(tab, "museet") == "1 treff"
    assert titles(tab) == ["Nytt museum i Halden"]
    assert tab.locator("#search-results mark").first.inner_text().lower() == "museum"


def test_danish_stemming_too(tab: Any, base_url: str):
    tab.goto(base_url + DA)
    assert search(tab, "museet").endswith("resultater")
    assert titles(tab)[0] == "Havnen får et museum"


def test_embargoed_words_find_nothing(tab: Any, base_url: str):
    tab.goto(base_url + DA)
    assert search(tab, EMBARGO_WORD) == "Ingen resultater. Prøv et andet ord eller færre filtre."
    assert titles(tab) == []
    tab.goto(base_url + NO)
    assert search(tab, NO_EMBARGO_WORD).startswith("Ingen treff")


def test_each_language_searches_its_own_articles(tab: Any, base_url: str):
    tab.goto(base_url + NO)
    search(tab, "museum")
    assert titles(tab) == ["Nytt museum i Halden"]  # not the Danish museum articles


def test_filters_by_person_and_cluster(tab: Any, base_url: str):
    tab.goto(base_url + DA)
    tab.wait_for_function("document.querySelectorAll('#search-person option').length > 1")
    assert tab.locator("#search-person option").all_inner_texts()[1:] == ["Kurt Bennetsen"]
    search(tab, "museum")
    tab.select_option("#search-cluster", "Green Hub Denmark")
    settled(tab)
    assert set(titles(tab)) == {"Havnen får et museum", "Byrådet mødes"}
    tab.select_option("#search-person", "Kurt Bennetsen")
    assert settled(tab) == "1 resultat"
    assert titles(tab) == ["Havnen får et museum"]
    # a filter alone lists everything it matches
    tab.fill("#search-query", "")
    tab.select_option("#search-cluster", "")
    assert settled(tab) == "2 resultater"
    assert set(titles(tab)) == {"Havnen får et museum", "Mission Possible"}
    assert "person=Kurt+Bennetsen" in tab.url


def test_the_header_box_leads_to_the_results(tab: Any, base_url: str):
    tab.goto(base_url + "/no/nyheter/mission/")
    tab.fill("#site-search-q", "museum")
    tab.press("#site-search-q", "Enter")
    tab.wait_for_url("**/no/sok/?q=museum")
    assert settled(tab) == "1 treff"
    assert tab.input_value("#search-query") == "museum"


def test_without_javascript_the_page_says_so(browser: Any, base_url: str):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(base_url + DA + "?q=museum")
        message = tab.locator(".search-noscript")
        assert message.is_visible() and "kræver JavaScript" in message.inner_text()
        assert message.locator("a").get_attribute("href") == "/da/nyheder/"
        assert not tab.locator("#search-query").is_visible()
        tab.goto(base_url + NO)
        assert "krever JavaScript" in tab.locator(".search-noscript").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [DA, NO])
def test_the_search_page_passes_axe(tab: Any, base_url: str, path: str, scheme: str):
    tab.emulate_media(color_scheme=scheme)
    tab.goto(base_url + path + "?q=Bennetsen")  # articles and a person: both kinds of result
    settled(tab)
    assert tab.locator("#search-results li").count() >= 2
    assert tab.locator("#search-results li:not(:has(time))").count() == 1
    tab.add_script_tag(path=str(AXE_JS))
    violations = axe_violations(tab)
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
                       for v in violations)
    assert not violations, f"{path} ({scheme}): {len(violations)} axe violation(s)\n{report}"


def test_the_search_page_fits_a_320px_screen(browser: Any, base_url: str):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        tab = context.new_page()
        for path in (DA + "?q=museum", "/da/nyheder/havn/"):
            tab.goto(base_url + path)
            if "?q=" in path:
                settled(tab)
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{path} scrolls sideways at 320 px: {width} px wide"
    finally:
        context.close()


@pytest.mark.xfail(strict=True, reason="split index: a bundle without the word falls back "
                   "to its longest indexed prefix of it (Pagefind's find_word_extensions), "
                   "here 'havn' in 2022, and those matches rank first; see docs/search.md")
def test_a_word_of_one_year_finds_only_its_articles(tab: Any, base_url: str):
    tab.goto(base_url + DA)
    assert search(tab, "havnebadet") == f"{NOTES} resultater"
    assert all(title.startswith("Notat") for title in titles(tab))


def test_ten_results_at_a_time(tab: Any, base_url: str):
    tab.goto(base_url + DA)
    assert search(tab, "notat") == f"{NOTES} resultater"
    results = tab.locator("#search-results li")
    assert results.count() == 10
    tab.click("#search-more")
    tab.wait_for_function(f"document.querySelectorAll('#search-results li').length == {NOTES}")
    assert not tab.locator("#search-more").is_visible()
    # focus moves to the first of the new results, so a keyboard user reads on from there
    assert tab.evaluate("document.activeElement.closest('li')") is not None
    assert tab.evaluate("[...document.querySelectorAll('#search-results li')]"
                        ".indexOf(document.activeElement.closest('li'))") == 10


@pytest.mark.parametrize("path, role", [(DA, "Direktør"), (NO, "Daglig leder")])
def test_a_persons_name_finds_their_page(tab: Any, base_url: str, path: str, role: str):
    tab.goto(base_url + path)
    assert search(tab, "Aschim") in ("1 resultat", "1 treff")
    assert titles(tab) == ["Charlotte Aschim"]
    result = tab.locator("#search-results li").first
    lang = path.strip("/").split("/")[0]
    assert result.locator("a").get_attribute("href") == f"/{lang}/personer/charlotte-aschim/"
    # no date: the result says what it is instead, and its summary is role, organisation
    assert result.locator("time").count() == 0
    assert result.locator(".meta").inner_text() == "Person"
    assert result.locator(".summary").inner_text() == f"{role}, TotalCtrl"
    assert result.locator(".search-excerpt mark").first.inner_text().startswith("Aschim")


@pytest.mark.parametrize("path, kind", [(DA, "Organisation"), (NO, "Organisasjon")])
def test_an_organisation_is_found_by_name(tab: Any, base_url: str, path: str, kind: str):
    tab.goto(base_url + path)
    search(tab, "Green Hub Denmark")
    found = tab.locator("#search-results li", has_text="Green Hub Denmark").filter(
        has=tab.locator(".meta", has_text=kind))
    assert found.count() == 1
    assert found.locator("a").get_attribute("href").endswith("/klynger/green-hub-denmark/")
    assert found.locator(".summary").inner_text() == "Klynge – En dansk klynge."


@pytest.mark.parametrize("path", [DA, NO])
def test_the_filter_by_type(tab: Any, base_url: str, path: str):
    tab.goto(base_url + path)
    tab.wait_for_selector("#search[data-ready]", state="attached")
    assert tab.locator("#search-type option").all_inner_texts() == TYPES[path]
    search(tab, "TotalCtrl")  # the organisation, and the person whose organisation it is
    assert sorted(titles(tab)) == ["Charlotte Aschim", "TotalCtrl"]
    tab.select_option("#search-type", "person")
    settled(tab)
    assert titles(tab) == ["Charlotte Aschim"]
    assert "type=person" in tab.url
    tab.select_option("#search-type", "organisation")
    settled(tab)
    assert titles(tab) == ["TotalCtrl"]
    tab.select_option("#search-type", "article")
    assert settled(tab).startswith("Ingen")
    # "Bennetsen", articles chosen: the articles by him, each with its date, not his page
    search(tab, "Bennetsen")
    articles = titles(tab)
    assert articles and "Kurt Bennetsen" not in articles
    assert tab.locator("#search-results time").count() == len(articles)
    tab.select_option("#search-type", "")  # every type: his page too
    settled(tab)
    assert sorted(titles(tab)) == sorted([*articles, "Kurt Bennetsen"])
    # a type alone lists all of it; the address keeps the choice
    tab.fill("#search-query", "")
    tab.select_option("#search-type", "organisation")
    settled(tab)
    assert sorted(titles(tab)) == ["Green Hub Denmark", "TotalCtrl"]
    tab.goto(base_url + path + "?q=Aschim&type=article")
    assert settled(tab).startswith("Ingen")
    assert tab.input_value("#search-type") == "article"


def test_an_article_filter_finds_only_articles(tab: Any, base_url: str):
    tab.goto(base_url + DA)
    tab.wait_for_function("document.querySelectorAll('#search-person option').length > 1")
    # the menus list the articles' people and organisations, as before
    assert tab.locator("#search-person option").all_inner_texts()[1:] == ["Kurt Bennetsen"]
    assert tab.locator("#search-cluster option").all_inner_texts()[1:] == ["Green Hub Denmark"]
    search(tab, "Bennetsen")
    tab.select_option("#search-person", "Kurt Bennetsen")
    settled(tab)
    assert "Kurt Bennetsen" not in titles(tab)  # his page is no article about him
    assert set(titles(tab)) == {"Havnen får et museum", "Mission Possible"}
