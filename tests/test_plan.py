"""The page plan: pretty lower-case URLs, every page kind per language, collisions."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import ARTICLE_NO, FIXED_NOW, LANGUAGE_KINDS, NEUTRAL_KINDS
from pictures import tiny_jpeg

from sitegen import urls
from sitegen.config import load_config
from sitegen.errors import Problem
from sitegen.load.content import load_content
from sitegen.plan import Page, plan_pages
from sitegen.resolve import BuildOptions, resolve_site


def plan(site_root: Path) -> tuple[tuple[Page, ...], list[Problem]]:
    config, _ = load_config(site_root)
    assert config is not None
    loaded, problems = load_content(site_root, config)
    site, problems = resolve_site(loaded, config, BuildOptions(now=FIXED_NOW))
    assert site is not None, [p.format() for p in problems]
    return plan_pages(site)


def article(title: str, date: str = "2021-06-01") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\nTekst.\n"


# the URL scheme


@pytest.mark.parametrize("url, expected", [
    (urls.home("da"), "/da/"),
    (urls.article("da", "mission-possible"), "/da/nyheder/mission-possible/"),
    (urls.article("no", "mission-possible"), "/no/nyheter/mission-possible/"),
    (urls.news_index("da"), "/da/nyheder/"),
    (urls.news_index("da", 2), "/da/nyheder/side/2/"),
    (urls.person("no", "kurt-bennetsen"), "/no/personer/kurt-bennetsen/"),
    (urls.vcard("da", "kurt-bennetsen"), "/da/personer/kurt-bennetsen/kurt-bennetsen.vcf"),
    (urls.cluster("da", "green-hub-denmark"), "/da/klynger/green-hub-denmark/"),
    (urls.cluster_feed("da", "ife"), "/da/klynger/ife/rss.xml"),
    (urls.tag("no", "eksport"), "/no/emner/eksport/"),
    (urls.language_feed("no"), "/no/rss.xml"),
    (urls.not_found(), "/404.html"),
    (urls.media("media/2021/la.jpg"), "/media/2021/la.jpg"),
])
def test_urls(url, expected):
    assert url == expected


@pytest.mark.parametrize("url, output", [
    ("/", "index.html"),
    ("/da/nyheder/mission-possible/", "da/nyheder/mission-possible/index.html"),
    ("/da/rss.xml", "da/rss.xml"),
])
def test_pretty_urls_are_folders_with_an_index(url, output):
    assert urls.output_path(url) == output


def test_absolute_urls_join_the_base_url():
    assert urls.absolute("https://example.org/news/", "/da/") == "https://example.org/news/da/"


# the plan of a site


def test_every_page_kind_is_planned_in_both_languages(make_site):
    norwegian = ARTICLE_NO.replace("translation_key:", "tags: [eksport]\ntranslation_key:")
    pages, problems = plan(make_site({"content/no/2021/mission.md": norwegian}))
    assert problems == []
    danish, norwegian = ({p.kind.name for p in pages if p.lang == lang} for lang in ("da", "no"))
    assert danish == norwegian
    assert LANGUAGE_KINDS <= danish
    assert NEUTRAL_KINDS <= {p.kind.name for p in pages if p.lang is None}


def test_urls_are_lower_case_and_pretty_and_outputs_unique(make_site):
    site_root = make_site({"content/da/2022/Store Bogstaver ÆØÅ.md": article("Store")})
    pages, problems = plan(site_root)
    assert problems == []
    for page in pages:
        assert page.url == page.url.lower()
        assert re.fullmatch(r"/([a-z0-9-]+/)*([a-z0-9-]+\.(html|xml|txt|vcf|webmanifest))?",
                            page.url), page.url
    assert not [o for o, n in Counter(p.output for p in pages).items() if n > 1]
    assert "/da/nyheder/store-bogstaver-aeoeaa/" in {p.url for p in pages}


def test_a_page_knows_its_source_file(make_site):
    pages, _ = plan(make_site())
    article_pages = {p.url: p.source for p in pages if p.kind.name == "article"}
    assert article_pages == {"/da/nyheder/mission-possible/": "content/da/2021/mission-possible.md",
                             "/no/nyheter/mission/": "content/no/2021/mission.md"}


def test_long_news_lists_are_paginated(make_site):
    files = {f"content/da/2020/n{i:02}.md": article(f"N{i}", f"2020-01-{i:02}")
             for i in range(1, 21)}
    pages, _ = plan(make_site(files))
    news = [p for p in pages if p.kind.name == "news" and p.lang == "da"]
    assert [(p.url, p.number, p.pages) for p in news] == [
        ("/da/nyheder/", 1, 3), ("/da/nyheder/side/2/", 2, 3), ("/da/nyheder/side/3/", 3, 3)]
    assert [(p.url, p.pages) for p in pages if p.kind.name == "news" and p.lang == "no"] == [
        ("/no/nyheter/", 1)]


def test_one_tag_page_per_tag_in_use_per_language(make_site):
    pages, _ = plan(make_site())
    assert [p.url for p in pages if p.kind.name == "tag"] == ["/da/emner/eksport/"]


def test_a_language_without_articles_still_has_its_pages(make_site):
    pages, problems = plan(make_site({"content/no/2021/mission.md": None,
                                      "content/da/2021/mission-possible.md": article("M")}))
    assert problems == []
    danish = {p.kind.name for p in pages if p.lang == "da"}
    assert {p.kind.name for p in pages if p.lang == "no"} == danish - {"article", "tag"}


# collisions


def test_a_static_file_over_a_page_is_an_error_naming_both(make_site):
    _, problems = plan(make_site({"static/da/index.html": "<p>gammel</p>"}))
    assert [(p.path, p.message) for p in problems] == [
        ("static/da/index.html", "/da/index.html is also a page made by the home page")]
    assert all(p.is_error for p in problems)


def test_a_static_file_over_an_article_names_the_article(make_site):
    _, problems = plan(make_site({"static/da/nyheder/mission-possible/index.html": "x"}))
    assert [p.message for p in problems] == [
        "/da/nyheder/mission-possible/index.html is also a page made by "
        "content/da/2021/mission-possible.md"]


def test_a_static_file_over_a_media_file_is_an_error(make_site):
    _, problems = plan(make_site({"static/media/la.jpg": b"\xff\xd8",
                                  "content/media/la.jpg": tiny_jpeg()}))
    assert [(p.path, p.message) for p in problems] == [
        ("static/media/la.jpg", "/media/la.jpg would be copied twice: from content/media/la.jpg "
                                "and static/media/la.jpg")]


def test_static_files_that_are_not_pages_are_fine(make_site):
    _, problems = plan(make_site({"static/CNAME": "example.org", "static/favicon.ico": b"\0"}))
    assert problems == []
