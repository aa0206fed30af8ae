"""The front page and the paginated news index of a language."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sitegen import urls
from sitegen.kinds.base import Frame, Reads, Slice
from sitegen.kinds.html import HtmlKind
from sitegen.model import Article, Site
from sitegen.plan.pages import PER_PAGE, Page, paginate


@dataclass(frozen=True, slots=True)
class ListReads(Reads):
    """A list page's articles: one slice of the language's newest-first list."""

    articles: Slice


def newest_slice(site: Site, lang: str, number: int = 1) -> Slice:
    start = (number - 1) * PER_PAGE
    return Slice(f"list:{lang}", site.newest(lang)[start:start + PER_PAGE])


class Home(HtmlKind[ListReads]):
    name = "home"
    x_default_root = True

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.home(lang or ""), lang)

    def reads(self, site: Site, page: Page) -> ListReads:
        return ListReads(newest_slice(site, page.lang or ""))

    def context(self, frame: Frame, page: Page, reads: ListReads) -> dict[str, Any]:
        return {"articles": reads.articles.items}

    def shown(self, reads: ListReads) -> Sequence[Article]:
        return reads.articles.items  # type: ignore[return-value]


class News(HtmlKind[ListReads]):
    name = "news"
    section, section_index = "news", True
    index = staticmethod(urls.news_index)

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        code = lang or ""
        pages = paginate(len(site.newest(code)))
        for number in range(1, pages + 1):
            yield self.page(urls.news_index(code, number), lang, number=number, pages=pages)

    def reads(self, site: Site, page: Page) -> ListReads:
        return ListReads(newest_slice(site, page.lang or "", page.number))

    def context(self, frame: Frame, page: Page, reads: ListReads) -> dict[str, Any]:
        lang = page.lang or ""
        return {
            "articles": reads.articles.items,
            "previous_url": urls.news_index(lang, page.number - 1) if page.number > 1 else None,
            "next_url": (urls.news_index(lang, page.number + 1) if page.number < page.pages
                         else None),
        }

    def shown(self, reads: ListReads) -> Sequence[Article]:
        return reads.articles.items  # type: ignore[return-value]


HOME = Home()
NEWS = News()
