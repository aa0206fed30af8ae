"""RSS feeds (the language's; the person and cluster feeds build on FeedKind) and the
page that lists every feed of a language.

A feed reads exactly its items: the newest `feed_items` *published* articles of its
list, never the list's head with drafts in it (what the old dependency table declared,
leaving a preview's feed stale), plus the people and clusters whose names the items
print.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sitegen import urls
from sitegen.kinds.base import Fact, Frame, Kind, Reads, Slice
from sitegen.kinds.html import HtmlKind
from sitegen.model import Article, Cluster, Person, Site
from sitegen.plan.formats import RSS
from sitegen.plan.pages import Page
from sitegen.render.feeds import feed_item, feed_items, render_feed
from sitegen.render.page import render_template
from sitegen.render.theme import Theme


@dataclass(frozen=True, slots=True)
class FeedReads(Reads):
    items: Slice  # the feed's items, newest first
    people: tuple[Person, ...]  # the items' authors and press contacts, each once
    clusters: tuple[Cluster, ...]  # the items' clusters, each once
    subject: Person | Cluster | None = None  # whose feed it is


def feed_reads(site: Site, source: str, articles: Iterable[Article],
               subject: Person | Cluster | None = None) -> FeedReads:
    items = feed_items(articles, site.config.feed_items)
    authors = dict.fromkeys(i for a in items for i in a.authors + a.contacts)
    clusters = dict.fromkeys(i for a in items for i in a.clusters + a.organisation_authors)
    return FeedReads(Slice(source, items), tuple(site.people[i] for i in authors),
                     tuple(site.clusters[i] for i in clusters), subject)


class FeedKind(Kind[FeedReads]):
    """An RSS feed of one list of articles."""

    format = RSS

    def channel(self, frame: Frame, page: Page, reads: FeedReads) -> tuple[str, str, str]:
        """(title, description, URL of the HTML page it follows)."""
        raise NotImplementedError

    def render(self, frame: Frame, theme: Theme, page: Page, reads: FeedReads) -> bytes:
        title, description, html_url = self.channel(frame, page, reads)
        people = {p.id: p for p in reads.people}
        clusters = {c.id: c for c in reads.clusters}
        items: Sequence[Article] = reads.items.items  # type: ignore[assignment]
        lang = page.lang or ""
        memo = theme.memo("feed-item")

        def make(article: Article) -> str:
            after = render_template(theme, page, "feed_contacts.html", {
                "contacts": [people[i] for i in article.contacts], "lang": lang,
            }).decode("utf-8") if article.contacts else ""
            return feed_item(frame.config, article, people, clusters, after)

        def item(article: Article) -> str:
            """Made once per build for each article and language: the same article is an
            item of its language's feed and of each of its people's and clusters'."""
            return memo.get(article, (lang,), lambda: make(article))  # type: ignore[no-any-return]

        return render_feed(frame.config, lang, page.url, title, description, html_url,
                           items, people, clusters, item=item)


class SubjectFeed(FeedKind):
    """The feed of one person's or one cluster's articles, in each language."""

    subject_kind = ""  # "person" or "cluster": part of the list's id
    feed_url: Callable[[str, str], str]  # (lang, id) -> this feed
    html_url: Callable[[str, str], str]  # (lang, id) -> the subject's page

    def subjects(self, site: Site) -> Mapping[str, Person | Cluster]:
        raise NotImplementedError

    def articles(self, site: Site, lang: str, ident: str) -> tuple[Article, ...]:
        raise NotImplementedError

    def about(self, subject: Any, lang: str) -> str:
        """The channel's description: the person's role, the cluster's description."""
        raise NotImplementedError

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        for ident in sorted(self.subjects(site)):
            yield self.page(self.feed_url(lang or "", ident), lang, subject=ident)

    def reads(self, site: Site, page: Page) -> FeedReads:
        lang, ident = page.lang or "", page.subject
        return feed_reads(site, f"list:{lang}:{self.subject_kind}:{ident}",
                          self.articles(site, lang, ident), self.subjects(site)[ident])

    def channel(self, frame: Frame, page: Page, reads: FeedReads) -> tuple[str, str, str]:
        lang, subject = page.lang or "", reads.subject
        assert subject is not None
        language = frame.config.language(lang)
        return (f"{subject.name} – {language.title}",
                self.about(subject, lang) or language.description,
                self.html_url(lang, subject.id))


class LanguageFeed(FeedKind):
    name = "language_feed"

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.language_feed(lang or ""), lang)

    def reads(self, site: Site, page: Page) -> FeedReads:
        lang = page.lang or ""
        return feed_reads(site, f"list:{lang}", site.newest(lang))

    def channel(self, frame: Frame, page: Page, reads: FeedReads) -> tuple[str, str, str]:
        language = frame.config.language(page.lang or "")
        return language.title, language.description, urls.home(language.code)


@dataclass(frozen=True, slots=True)
class FeedsPageReads(Reads):
    people: Slice  # everyone, by id
    clusters: Slice  # every cluster, by id
    # The ids whose feed has news in the page's language: only those are listed (a feed
    # without news stays at its address, for whoever subscribes from the person's page).
    with_news: Fact


class FeedsPage(HtmlKind[FeedsPageReads]):
    name = "feeds"
    index = staticmethod(urls.feeds_page)

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.feeds_page(lang or ""), lang)

    def reads(self, site: Site, page: Page) -> FeedsPageReads:
        lang = page.lang or ""
        listings = site.listings
        with_news = frozenset(
            [f"person:{i}" for i in site.people if listings.by_person.get((lang, i))]
            + [f"cluster:{i}" for i in site.clusters if listings.by_cluster.get((lang, i))])
        return FeedsPageReads(Slice("people", tuple(site.people[i] for i in sorted(site.people))),
                              Slice("clusters", tuple(site.clusters[i]
                                                      for i in sorted(site.clusters))),
                              Fact(f"feeds:{lang}", tuple(sorted(with_news))))

    def context(self, frame: Frame, page: Page, reads: FeedsPageReads) -> dict[str, Any]:
        with_news = set(reads.with_news.value)  # type: ignore[call-overload]
        people = [p for p in reads.people.items if f"person:{p.id}" in with_news]
        clusters = [c for c in reads.clusters.items if f"cluster:{c.id}" in with_news]
        return {"people": people, "clusters": clusters}


LANGUAGE_FEED = LanguageFeed()
FEEDS = FeedsPage()
