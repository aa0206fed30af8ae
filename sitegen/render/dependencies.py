"""What each page is made from, as one digest: the key to skipping unchanged pages.

A page is re-rendered when its digest differs from the last build's. The digest covers
everything the page's renderer reads from the site model (declared here per page kind,
next to the queries it shares with render/) plus what every page reads: site.toml, the
theme's files, the sitegen version and whether this is a preview. Declaring too much
costs a needless re-render; declaring too little would leave a stale page, so the
property test in tests/test_incremental.py compares incremental builds to clean ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from sitegen.model import Article, Site
from sitegen.plan.pages import PER_PAGE, Page
from sitegen.render import queries
from sitegen.render.sitemap import news_articles


def digest(parts: Iterable[str]) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode("utf-8"))
        hasher.update(b"\0")
    return hasher.hexdigest()


@dataclass
class Fingerprints:
    """Fingerprints of the model's records, each computed once per build."""

    site: Site
    articles: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    clusters: dict[str, str] = field(default_factory=dict)

    def article(self, key: str) -> str:
        if key not in self.articles:
            record: Article = self.site.articles[key]
            self.articles[key] = digest([repr(replace(record, body_html=""))])
        return self.articles[key]

    def person(self, ident: str) -> str:
        if ident not in self.people:
            self.people[ident] = digest([repr(self.site.people[ident])])
        return self.people[ident]

    def cluster(self, ident: str) -> str:
        if ident not in self.clusters:
            self.clusters[ident] = digest([repr(self.site.clusters[ident])])
        return self.clusters[ident]

    def listing(self, articles: Iterable[Article]) -> list[str]:
        """Articles shown in a list, with the names of their people and clusters."""
        parts = []
        for article in articles:
            parts.append(self.article(article.key))
            parts += [self.person(i) for i in (*article.authors, *article.contacts)]
            parts += [self.cluster(i) for i in article.clusters]
        return parts

    def all_people(self) -> list[str]:
        return [self.person(i) for i in sorted(self.site.people)]

    def all_clusters(self) -> list[str]:
        return [self.cluster(i) for i in sorted(self.site.clusters)]


def _article(fp: Fingerprints, page: Page) -> list[str]:
    site = fp.site
    article = site.articles[page.subject]
    return [
        *fp.listing([article]),
        *fp.listing(site.articles[k] for k in article.translations.values()),
        *fp.listing(queries.related(site, article)),
    ]


def _news(fp: Fingerprints, page: Page) -> list[str]:
    start = (page.number - 1) * PER_PAGE
    return fp.listing(fp.site.newest(page.lang or "")[start:start + PER_PAGE])


def _home(fp: Fingerprints, page: Page) -> list[str]:
    return fp.listing(fp.site.newest(page.lang or "")[:PER_PAGE])


def _person(fp: Fingerprints, page: Page) -> list[str]:
    person = fp.site.people[page.subject]
    return [fp.person(person.id), *[fp.cluster(i) for i in person.clusters],
            *fp.listing(queries.person_articles(fp.site, page.lang or "", person.id))]


def _cluster(fp: Fingerprints, page: Page) -> list[str]:
    site = fp.site
    return [fp.cluster(page.subject),
            *[fp.person(p.id) for p in queries.cluster_people(site, page.subject)],
            *fp.listing(queries.cluster_articles(site, page.lang or "", page.subject))]


def _tag(fp: Fingerprints, page: Page) -> list[str]:
    site = fp.site
    presence = [f"{code}:{bool(queries.tag_articles(site, code, page.subject))}"
                for code in site.config.language_codes]
    return [*presence, *fp.listing(queries.tag_articles(site, page.lang or "", page.subject))]


def _feed_of(articles: Callable[[Fingerprints, Page], Iterable[Article]]
             ) -> Callable[[Fingerprints, Page], list[str]]:
    def deps(fp: Fingerprints, page: Page) -> list[str]:
        items = list(articles(fp, page))[: fp.site.config.feed_items]
        subject = []
        if page.kind == "person_feed":
            subject = [fp.person(page.subject)]
        elif page.kind == "cluster_feed":
            subject = [fp.cluster(page.subject)]
        return subject + fp.listing(items)
    return deps


def _everything(fp: Fingerprints, page: Page) -> list[str]:
    return [*fp.listing(fp.site.articles[k] for k in sorted(fp.site.articles)),
            *fp.all_people(), *fp.all_clusters()]


def _news_sitemap(fp: Fingerprints, page: Page) -> list[str]:
    return fp.listing(news_articles(fp.site))


DEPENDENCIES: dict[str, Callable[[Fingerprints, Page], list[str]]] = {
    "article": _article,
    "news": _news,
    "home": _home,
    "person": _person,
    "vcard": lambda fp, page: [fp.person(page.subject)],
    "cluster": _cluster,
    "tag": _tag,
    "people": lambda fp, page: fp.all_people(),
    "clusters": lambda fp, page: fp.all_clusters(),
    "feeds": lambda fp, page: fp.all_people() + fp.all_clusters(),
    "language_feed": _feed_of(lambda fp, page: fp.site.newest(page.lang or "")),
    "person_feed": _feed_of(lambda fp, page: queries.person_articles(
        fp.site, page.lang or "", page.subject)),
    "cluster_feed": _feed_of(lambda fp, page: queries.cluster_articles(
        fp.site, page.lang or "", page.subject)),
    "sitemap": _everything,
    "news_sitemap": _news_sitemap,
}


def page_digests(site: Site, pages: Iterable[Page], global_digest: str) -> dict[str, str]:
    """Output path -> digest of every input the page is made from."""
    fp = Fingerprints(site)
    all_pages = list(pages)
    plan_digest = digest(p.output for p in all_pages)
    result = {}
    for page in all_pages:
        deps = DEPENDENCIES.get(page.kind, lambda fp, page: [])(fp, page)
        extra = [plan_digest] if page.kind == "sitemap" else []
        result[page.output] = digest([global_digest, repr(page), *extra, *deps])
    return result
