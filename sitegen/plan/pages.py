"""Every page of the site, with its URL, output file, template and subject.

Planning is cheap and complete: collisions between output files are found here, naming
both sources, before any page is rendered (as Zola's find_path_collisions does).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sitegen import urls
from sitegen.errors import Problem, error
from sitegen.model import Site
from sitegen.plan.formats import HTML, NEWS_SITEMAP, ROBOTS, RSS, SITEMAP, VCARD, OutputFormat

PER_PAGE = 10


@dataclass(frozen=True, slots=True)
class Page:
    """One output file. Rendering it reads only the site model and this record."""

    url: str  # root-relative
    output: str  # path under the output folder
    kind: str  # home, article, news, person, cluster, tag, ...; also the template's name
    lang: str | None  # None for language-neutral files (/, sitemap.xml)
    format: OutputFormat = HTML
    subject: str = ""  # article key, person id, cluster id or tag slug
    number: int = 1  # page number in a paginated list
    pages: int = 1  # number of pages in that list
    source: str = ""  # file the page comes from, for collision messages

    @property
    def template(self) -> str:
        return f"{self.kind}.html"


def _page(url: str, kind: str, lang: str | None, **fields: object) -> Page:
    return Page(url, urls.output_path(url), kind, lang, **fields)  # type: ignore[arg-type]


def paginate(count: int, per_page: int = PER_PAGE) -> int:
    return max(1, -(-count // per_page))


def _language_pages(site: Site, lang: str) -> Iterator[Page]:
    articles = site.newest(lang)
    yield _page(urls.home(lang), "home", lang)
    pages = paginate(len(articles))
    for number in range(1, pages + 1):
        yield _page(urls.news_index(lang, number), "news", lang, number=number, pages=pages)
    for article in articles:
        yield _page(article.url, "article", lang, subject=article.key, source=article.source)
    yield _page(urls.people_index(lang), "people", lang)
    for ident, person in sorted(site.people.items()):
        yield _page(urls.person(lang, ident), "person", lang, subject=ident, source=person.source)
        yield _page(urls.person_feed(lang, ident), "person_feed", lang, format=RSS, subject=ident)
        yield _page(urls.vcard(lang, ident), "vcard", lang, format=VCARD, subject=ident)
    yield _page(urls.clusters_index(lang), "clusters", lang)
    for ident, cluster in sorted(site.clusters.items()):
        yield _page(urls.cluster(lang, ident), "cluster", lang, subject=ident,
                    source=cluster.source)
        yield _page(urls.cluster_feed(lang, ident), "cluster_feed", lang, format=RSS,
                    subject=ident)
    tags = sorted({tag.slug for article in articles for tag in article.tags})
    for slug in tags:
        yield _page(urls.tag(lang, slug), "tag", lang, subject=slug)
    yield _page(urls.language_feed(lang), "language_feed", lang, format=RSS)
    yield _page(urls.feeds_page(lang), "feeds", lang)
    yield _page(urls.search_page(lang), "search", lang)
    yield _page(urls.not_found(lang), "404", lang)


def plan_pages(site: Site) -> tuple[tuple[Page, ...], list[Problem]]:
    pages: list[Page] = [_page("/", "root", None), _page(urls.not_found(), "not_found", None)]
    for lang in site.config.language_codes:
        pages.extend(_language_pages(site, lang))
    pages.append(_page("/sitemap.xml", "sitemap", None, format=SITEMAP))
    pages.append(_page("/news-sitemap.xml", "news_sitemap", None, format=NEWS_SITEMAP))
    pages.append(_page("/robots.txt", "robots", None, format=ROBOTS))
    return tuple(pages), find_collisions(pages, site)


def find_collisions(pages: list[Page], site: Site) -> list[Problem]:
    """Two things that would be written to one file: name both, fail the build."""
    owners: dict[str, str] = {}
    problems = []
    for page in pages:
        owner = page.source or f"the {page.kind} page"
        first = owners.setdefault(page.output, owner)
        if first != owner:
            problems.append(error(page.source or "site.toml", None,
                                  f"{page.url} would be written twice: by {first} and {owner}",
                                  "give one of them another slug", code="collision"))
    copied: dict[str, str] = {}
    for asset in site.assets:
        output = urls.output_path(asset.url)
        if output in owners:
            problems.append(error(asset.source, None,
                                  f"{asset.url} is also a page made by {owners[output]}",
                                  "rename or move the file", code="collision"))
        elif output in copied:  # static/media/x.jpg and content/media/x.jpg
            problems.append(error(asset.source, None,
                                  f"{asset.url} would be copied twice: from {copied[output]} "
                                  f"and {asset.source}",
                                  "keep one of the two files", code="collision"))
        copied.setdefault(output, asset.source)
    return problems
