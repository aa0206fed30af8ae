"""A tag's page: the articles of a language with one tag."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sitegen import urls
from sitegen.kinds.base import Fact, Frame, Reads, Slice
from sitegen.kinds.html import HtmlKind
from sitegen.model import Article, Site
from sitegen.plan.pages import Page
from sitegen.render import queries


@dataclass(frozen=True, slots=True)
class TagReads(Reads):
    articles: Slice  # the language's articles with the tag, newest first
    elsewhere: tuple[Fact, ...]  # (language code, whether the tag has articles there)


def tag_name(articles: Sequence[Article], slug: str) -> str:
    """The tag as editors wrote it (its first article's spelling), or its slug."""
    for article in articles:
        for tag in article.tags:
            if tag.slug == slug:
                return tag.name
    return slug


class TagKind(HtmlKind[TagReads]):
    name = "tag"
    section = "news"
    index = staticmethod(urls.news_index)  # where a language without the tag leads

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        articles = site.newest(lang or "")
        for slug in sorted({tag.slug for article in articles for tag in article.tags}):
            yield self.page(urls.tag(lang or "", slug), lang, subject=slug)

    def reads(self, site: Site, page: Page) -> TagReads:
        lang, slug = page.lang or "", page.subject
        elsewhere = tuple(Fact(f"list:{code}:tag:{slug}",
                               (code, bool(queries.tag_articles(site, code, slug))))
                          for code in site.config.language_codes if code != lang)
        return TagReads(Slice(f"list:{lang}:tag:{slug}", queries.tag_articles(site, lang, slug)),
                        elsewhere)

    def context(self, frame: Frame, page: Page, reads: TagReads) -> dict[str, Any]:
        articles: tuple[Article, ...] = reads.articles.items  # type: ignore[assignment]
        return {"tag_name": tag_name(articles, page.subject), "articles": articles}

    def shown(self, reads: TagReads) -> Sequence[Article]:
        return reads.articles.items  # type: ignore[return-value]

    def alternate(self, code: str, page: Page, reads: TagReads) -> tuple[str, bool]:
        has_tag = dict(fact.value for fact in reads.elsewhere).get(code, False)  # type: ignore[misc]
        return (urls.tag(code, page.subject), True) if has_tag else (urls.news_index(code), False)


TAG = TagKind()
