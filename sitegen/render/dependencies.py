"""What each page is made from, as one digest: the key to skipping unchanged pages.

A page is re-rendered when its digest differs from the last build's. The digest covers
everything the page's renderer reads from the site model (declared here per page kind,
next to the queries it shares with render/) plus what every page reads: site.toml, the
theme's files, the sitegen version and whether this is a preview. Declaring too much
costs a needless re-render; declaring too little would leave a stale page, so the
property test in tests/test_incremental.py compares incremental builds to clean ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from sitegen.fingerprint import digest
from sitegen.model import Article, Site
from sitegen.plan.pages import PER_PAGE, Page
from sitegen.render import queries
from sitegen.render.sitemap import news_articles

# Fingerprints kept from one build to the next: name -> (the record, its fingerprint).
# A record reused by resolve is the very same object, so `is` tells the entry is valid.
FingerprintMemo = dict[str, tuple[object, str]]


@dataclass
class Fingerprints:
    """Fingerprints of the model's records, each computed at most once."""

    site: Site
    memo: FingerprintMemo = field(default_factory=dict)
    entries: dict[str, str] = field(default_factory=dict)  # this build's, by article key

    def _of(self, name: str, record: object, text: Callable[[], str]) -> str:
        known = self.memo.get(name)
        if known is not None and known[0] is record:
            return known[1]
        value = digest([text()])
        self.memo[name] = (record, value)
        return value

    def article(self, key: str) -> str:
        record: Article = self.site.articles[key]
        return self._of("a:" + key, record, lambda: repr(replace(record, body_html="")))

    def person(self, ident: str) -> str:
        record = self.site.people[ident]
        return self._of("p:" + ident, record, lambda: repr(record))

    def cluster(self, ident: str) -> str:
        record = self.site.clusters[ident]
        return self._of("c:" + ident, record, lambda: repr(record))

    def entry(self, article: Article) -> str:
        """An article as lists show it: itself, and the names of its people and clusters."""
        if article.key in self.entries:
            return self.entries[article.key]
        self.entries[article.key] = value = self._entry(article)
        return value

    def _entry(self, article: Article) -> str:
        site = self.site
        records = (article, *(site.people[i] for i in (*article.authors, *article.contacts)),
                   *(site.clusters[i] for i in article.clusters))
        known = self.memo.get("e:" + article.key)
        if known is not None and len(known[0]) == len(records) and all(  # type: ignore[arg-type]
                a is b for a, b in zip(known[0], records, strict=True)):  # type: ignore[call-overload]
            return known[1]
        value = digest([self.article(article.key),
                        *(self.person(i) for i in (*article.authors, *article.contacts)),
                        *(self.cluster(i) for i in article.clusters)])
        self.memo["e:" + article.key] = (records, value)
        return value

    def listing(self, articles: Iterable[Article]) -> list[str]:
        """Articles shown in a list, with the names of their people and clusters."""
        return [self.entry(article) for article in articles]

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


def _sitemap(fp: Fingerprints, page: Page) -> list[str]:
    """What sitemap.xml prints: every page's URL (the plan digest, added by the caller),
    lastmod and language versions. An article's text is not part of it, so editing a
    body leaves the sitemap alone; its dates, links between languages and listings are."""
    site = fp.site
    return [repr((key, a.url, a.date.isoformat(), a.modified.isoformat(), a.draft, a.embargoed,
                  sorted(a.translations.items()), a.authors, a.contacts, a.clusters,
                  tuple(t.slug for t in a.tags)))
            for key, a in sorted(site.articles.items())]


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
    "sitemap": _sitemap,
    "news_sitemap": _news_sitemap,
}


def page_digests(site: Site, pages: Iterable[Page], global_digest: str,
                 memo: FingerprintMemo | None = None) -> dict[str, str]:
    """Output path -> digest of every input the page is made from."""
    fp = Fingerprints(site, memo if memo is not None else {})
    all_pages = list(pages)
    plan_digest = digest(p.output for p in all_pages)
    result = {}
    for page in all_pages:
        deps = DEPENDENCIES.get(page.kind, lambda fp, page: [])(fp, page)
        extra = [plan_digest] if page.kind == "sitemap" else []
        result[page.output] = digest([global_digest, repr(page), *extra, *deps])
    return result
