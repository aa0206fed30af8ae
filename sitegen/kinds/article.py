"""One article's page: the article, its people and clusters, translations and related news."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sitegen import urls
from sitegen.derived import in_press_kit, story_images
from sitegen.kinds.base import Frame, Reads, Slice
from sitegen.kinds.html import HtmlKind
from sitegen.model import Article, Cluster, Person, Site
from sitegen.plan.pages import Page
from sitegen.render import queries
from sitegen.render.context import standfirst
from sitegen.render.feeds import published
from sitegen.render.structured import (
    PageMeta,
    article_json,
    full_url,
    share_image,
    to_script,
)


@dataclass(frozen=True, slots=True)
class ArticleReads(Reads):
    article: Article
    authors: tuple[Person, ...]
    contacts: tuple[Person, ...]
    clusters: tuple[Cluster, ...]
    translations: tuple[Article, ...]  # every translation the site holds (previews: drafts too)
    related: Slice
    organisations: tuple[Cluster, ...] = ()  # in the byline (a press office), in its order


def article_reads(site: Site, article: Article, translations: tuple[Article, ...],
                  related: Slice) -> ArticleReads:
    """An article's Reads: its people and organisations from the site, with the
    translations and related list the page shows (an embargo preview shows none)."""
    return ArticleReads(
        article,
        tuple(site.people[i] for i in article.authors),
        tuple(site.people[i] for i in article.contacts),
        tuple(site.clusters[i] for i in article.clusters),
        translations,
        related,
        tuple(site.clusters[i] for i in article.organisation_authors),
    )


class ArticleKind(HtmlKind[ArticleReads]):
    name = "article"
    section = "news"
    index = staticmethod(urls.news_index)  # where a language without a translation leads

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        for article in site.newest(lang or ""):
            yield self.page(article.url, lang, subject=article.key, source=article.source)

    def reads(self, site: Site, page: Page) -> ArticleReads:
        article = site.articles[page.subject]
        return article_reads(site, article,
                             tuple(site.articles[key] for key in article.translations.values()),
                             Slice(f"related:{article.key}", queries.related(site, article)))

    def context(self, frame: Frame, page: Page, reads: ArticleReads) -> dict[str, Any]:
        article = reads.article
        unpublished = article if frame.preview and (article.draft or article.embargoed) else None
        return {
            "article": article,
            "standfirst": standfirst(article),
            "authors": list(reads.authors),
            "organisations": list(reads.organisations),
            "contacts": list(reads.contacts),
            "clusters": list(reads.clusters),
            "translations": list(reads.translations),
            "related": reads.related.items,
            "unpublished": unpublished,
            # The press kit: the story's pictures to download, and their ZIP.
            "press_pictures": story_images(article) if in_press_kit(article) else (),
            "press_zip": urls.press_zip(article.lang, article.slug)
            if in_press_kit(article) else None,
        }

    def in_sitemap(self, reads: ArticleReads) -> bool:
        return bool(published([reads.article]))

    def shown(self, reads: ArticleReads) -> Sequence[Article]:
        return (reads.article,)

    def alternate(self, code: str, page: Page, reads: ArticleReads) -> tuple[str, bool]:
        for other in reads.translations:
            if other.lang == code:
                return other.url, True
        return urls.news_index(code), False

    def versions(self, frame: Frame, page: Page, reads: ArticleReads) -> dict[str, str]:
        # A draft or embargoed translation, shown in a preview, is no version to announce.
        shown = {other.url for other in published(reads.translations)}
        return {code: url for code, url in super().versions(frame, page, reads).items()
                if url in shown}

    def json_ld(self, frame: Frame, page: Page, reads: ArticleReads) -> str | None:
        return to_script(article_json(frame.config, reads.article, reads.authors,
                                      reads.clusters, reads.organisations, frame.logo))

    def meta(self, frame: Frame, page: Page, reads: ArticleReads) -> PageMeta:
        article, config = reads.article, frame.config
        language = config.language(article.lang)
        image = article.image or frame.logo  # the logo stands in for a missing picture
        base = config.base_url
        return PageMeta(article.title, article.summary, full_url(base, page.url), "article",
                        language.locale, config.publication(article.lang),
                        share_image(base, image), image.alt if image else None,
                        article.date.isoformat(),
                        article.modified.isoformat(), self.hreflang(frame, page, reads))


ARTICLE = ArticleKind()
