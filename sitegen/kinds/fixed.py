"""Pages that show no records: search, the error pages and the language choice at "/"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sitegen import urls
from sitegen.kinds.base import Fact, Frame, Reads
from sitegen.kinds.html import HtmlKind, Links
from sitegen.model import Site
from sitegen.plan.pages import Page
from sitegen.render.structured import full_url


@dataclass(frozen=True, slots=True)
class SearchReads(Reads):
    """Where the language's search index is: its buckets' and filter file's addresses,
    which follow from the years of the language's published articles."""

    index: Fact


class Search(HtmlKind[SearchReads]):
    """The search page: the index itself is made by sitegen/search.py in the same build."""

    name = "search"
    search_form = False
    structural = True  # the buckets are the years of the articles: structure only
    index = staticmethod(urls.search_page)

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.search_page(lang or ""), lang)

    def reads(self, site: Site, page: Page) -> SearchReads:
        from sitegen.search import search_context

        context = search_context(site, page)
        return SearchReads(Fact(f"list:{page.lang}", tuple(sorted(context.items()))))

    def context(self, frame: Frame, page: Page, reads: SearchReads) -> dict[str, Any]:
        # A results page is no page for a search engine's index: the articles are.
        return {**dict(reads.index.value), "noindex": True}  # type: ignore[call-overload]

    def in_sitemap(self, reads: SearchReads) -> bool:
        return False


class NotFound(HtmlKind[Reads]):
    """A language's "page not found"."""

    name = "404"
    listed = False
    index = staticmethod(urls.not_found)

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.not_found(lang), lang)

    def hreflang(self, frame: Frame, page: Page, reads: Reads) -> Links:
        return ()  # not a page search engines should know, in any language

    def context(self, frame: Frame, page: Page, reads: Reads) -> dict[str, Any]:
        return {"noindex": True}


class Root(HtmlKind[Reads]):
    """The language-neutral front door: sends the reader to a language."""

    name = "root"
    per_language = False

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page("/", None)

    def hreflang(self, frame: Frame, page: Page, reads: Reads) -> Links:
        base, languages = frame.config.base_url, frame.config.languages
        return (*((lang.html_lang, full_url(base, urls.home(lang.code))) for lang in languages),
                ("x-default", full_url(base, "/")))


class RootNotFound(HtmlKind[Reads]):
    """The language-neutral "not found", in every language."""

    name = "not_found"
    per_language = False
    listed = False

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.not_found(), None)


SEARCH = Search()
NOT_FOUND = NotFound()
ROOT = Root()
ROOT_NOT_FOUND = RootNotFound()
