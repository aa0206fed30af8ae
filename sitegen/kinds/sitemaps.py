"""Sitemaps, split so that an edit re-renders little; the news sitemap; robots.txt.

`/sitemap.xml` is an index of one file per (language, year) of articles
(`/sitemaps/da-2021.xml`) and one of every other listed page (`/sitemaps/pages.xml`).
An entry is made from its page's own kind (in_sitemap, shown for lastmod, hreflang),
and a sitemap reads the entries, not the articles: retitling or editing an article
changes none of them, and changing its dates or translations re-renders its own year's
file, the pages file if a list's lastmod moved, and the index.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sitegen import urls
from sitegen.kinds.article import ARTICLE
from sitegen.kinds.base import NOTHING, Fact, Frame, Kind, Reads, Slice
from sitegen.kinds.digest import input_ids
from sitegen.model import Site
from sitegen.plan.formats import NEWS_SITEMAP, ROBOTS, SITEMAP
from sitegen.plan.pages import Page
from sitegen.render.sitemap import (
    URL_LIMIT,
    Entry,
    lastmod,
    news_articles,
    render_index,
    render_news_sitemap,
    render_robots,
    render_urlset,
)
from sitegen.render.structured import full_url
from sitegen.render.theme import Theme


@dataclass(frozen=True, slots=True)
class EntriesReads(Reads):
    """A sitemap's entries, each a Fact naming the records and lists it comes from."""

    entries: tuple[Fact, ...]


def entry(site: Site, page: Page) -> Fact | None:
    """The page's sitemap entry, or None when it is not to be listed."""
    kind: Kind[Any] = page.kind
    if not kind.listed:
        return None
    reads = kind.reads(site, page)
    if not kind.in_sitemap(reads):
        return None
    frame = Frame(site.config, site.preview, site.logo, site.icon)
    value = Entry(full_url(site.config.base_url, page.url), lastmod(kind.shown(reads)),
                  kind.hreflang(frame, page, reads))
    return Fact(tuple(dict.fromkeys(input_ids(reads))), value)


# One site's groups of listed article pages, kept for the site object last asked about.
_GROUPS: list[tuple[Site, dict[tuple[str, int], list[Fact]]]] = []


def article_entries(site: Site) -> dict[tuple[str, int], list[Fact]]:
    """(language, year) -> entries of its listed articles, newest first."""
    if _GROUPS and _GROUPS[0][0] is site:
        return _GROUPS[0][1]
    groups: dict[tuple[str, int], list[Fact]] = {}
    for code in site.config.language_codes:
        tz = site.config.language(code).tz
        for page in ARTICLE.plan(site, code):
            found = entry(site, page)
            if found is not None:
                year = site.articles[page.subject].date.astimezone(tz).year
                groups.setdefault((code, year), []).append(found)
    _GROUPS[:] = [(site, groups)]
    return groups


class Urlset(Kind[EntriesReads]):
    """A sitemap file: its entries as <url> elements."""

    format = SITEMAP
    per_language = False
    structural = True  # an entry is a URL, dates and translations: structure only

    def render(self, frame: Frame, theme: Theme, page: Page, reads: EntriesReads) -> bytes:
        return render_urlset(fact.value for fact in reads.entries)  # type: ignore[misc]


class ArticleSitemap(Urlset):
    name = "sitemap_articles"

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        for (code, year), entries in sorted(article_entries(site).items()):
            parts = -(-len(entries) // URL_LIMIT)
            for part in range(1, parts + 1):
                yield self.page(urls.sitemap_articles(code, year, part), None,
                                subject=f"{code}/{year}", number=part, pages=parts)

    def reads(self, site: Site, page: Page) -> EntriesReads:
        code, year = page.subject.split("/")
        entries = article_entries(site).get((code, int(year)), [])
        start = (page.number - 1) * URL_LIMIT
        return EntriesReads(tuple(entries[start:start + URL_LIMIT]))


class PagesSitemap(Urlset):
    name = "sitemap_pages"

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.sitemap_pages(), None)

    def reads(self, site: Site, page: Page) -> EntriesReads:
        from sitegen.kinds import planned

        found = (entry(site, p) for p in planned(site) if p.kind is not ARTICLE)
        return EntriesReads(tuple(f for f in found if f is not None))


def _newest(values: list[str | None]) -> str | None:
    known = [v for v in values if v]
    return max(known, key=lambda v: (datetime.fromisoformat(v), v)) if known else None


@dataclass(frozen=True, slots=True)
class IndexReads(Reads):
    sitemaps: tuple[Fact, ...]  # each file's address and newest lastmod


class SitemapIndex(Kind[IndexReads]):
    name = "sitemap"
    format = SITEMAP
    per_language = False
    structural = True

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.sitemap_index(), None)

    def reads(self, site: Site, page: Page) -> IndexReads:
        from sitegen.kinds import planned

        found = []
        for child in planned(site):
            if child.kind is ARTICLE_SITEMAP or child.kind is PAGES_SITEMAP:
                reads = child.kind.reads(site, child)
                sources = dict.fromkeys(["pages", *input_ids(reads)])
                newest = _newest([fact.value.lastmod for fact in reads.entries])  # type: ignore[attr-defined]
                found.append(Fact(tuple(sources), Entry(full_url(site.config.base_url,
                                                                 child.url), newest)))
        return IndexReads(tuple(found))

    def render(self, frame: Frame, theme: Theme, page: Page, reads: IndexReads) -> bytes:
        return render_index(fact.value for fact in reads.sitemaps)  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class NewsReads(Reads):
    articles: Slice  # published in the two days before the build's "now", newest first


class NewsSitemap(Kind[NewsReads]):
    name = "news_sitemap"
    format = NEWS_SITEMAP
    per_language = False

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.news_sitemap(), None)

    def reads(self, site: Site, page: Page) -> NewsReads:
        return NewsReads(Slice("news-window", tuple(news_articles(site))))

    def render(self, frame: Frame, theme: Theme, page: Page, reads: NewsReads) -> bytes:
        return render_news_sitemap(frame.config, reads.articles.items)  # type: ignore[arg-type]


class Robots(Kind[Reads]):
    name = "robots"
    format = ROBOTS
    per_language = False

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.robots(), None)

    def reads(self, site: Site, page: Page) -> Reads:
        return NOTHING

    def render(self, frame: Frame, theme: Theme, page: Page, reads: Reads) -> bytes:
        return render_robots(frame.config, [urls.sitemap_index(), urls.news_sitemap()])


SITEMAP_INDEX = SitemapIndex()
ARTICLE_SITEMAP = ArticleSitemap()
PAGES_SITEMAP = PagesSitemap()
NEWS_SITEMAP_KIND = NewsSitemap()
ROBOTS_KIND = Robots()
