"""An embargo preview: a story under embargo at its secret address, for sign-off.

The page is the article page with the embargo banner and `noindex`, made from
`Site.previews` (sitegen/resolve/previews.py), which no other kind reads: so no list,
feed, sitemap, search index, translation link or hreflang can lead to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sitegen.kinds.article import ArticleKind, ArticleReads, article_reads
from sitegen.kinds.base import Frame, Slice
from sitegen.model import Article, Site
from sitegen.plan.pages import Page


class PreviewKind(ArticleKind):
    name = "preview"
    listed = False  # never in a sitemap

    @property
    def template(self) -> str:
        return "article.html"

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        for key, article in sorted(site.previews.items()):
            if article.lang == lang:
                yield self.page(article.url, lang, subject=key, source=article.source)

    def reads(self, site: Site, page: Page) -> ArticleReads:
        # The published versions do not exist yet, and others' previews are theirs.
        return article_reads(site, site.previews[page.subject], (),
                             Slice(f"related:{page.subject}", ()))

    def context(self, frame: Frame, page: Page, reads: ArticleReads) -> dict[str, Any]:
        return {**super().context(frame, page, reads), "unpublished": reads.article,
                "noindex": "noindex, nofollow"}

    def in_sitemap(self, reads: ArticleReads) -> bool:
        return False

    def shown(self, reads: ArticleReads) -> Sequence[Article]:
        return ()

    def versions(self, frame: Frame, page: Page, reads: ArticleReads) -> dict[str, str]:
        return {}

    def json_ld(self, frame: Frame, page: Page, reads: ArticleReads) -> str | None:
        return None  # structured data is for search engines, which this page turns away


PREVIEW = PreviewKind()
