"""Pages that show no records: search, the error pages and the language choice at "/"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sitegen import urls
from sitegen.kinds.base import NOTHING, Frame, Reads
from sitegen.kinds.html import HtmlKind, Links
from sitegen.model import Site
from sitegen.plan.pages import Page
from sitegen.render.context import BUILDERS
from sitegen.render.structured import full_url


@dataclass(frozen=True, slots=True)
class WholeSite(Reads):
    """For a kind whose context comes from outside sitegen/kinds/ (render.context.BUILDERS)
    and so cannot say what it reads: the whole site, digested record by record."""

    site: Site


class Search(HtmlKind[Reads]):
    """The search page: the index itself is made by sitegen/search.py after rendering."""

    name = "search"
    search_form = False
    index = staticmethod(urls.search_page)

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.search_page(lang or ""), lang)

    def reads(self, site: Site, page: Page) -> Reads:
        return WholeSite(site) if self.name in BUILDERS else NOTHING

    def context(self, frame: Frame, page: Page, reads: Reads) -> dict[str, Any]:
        extra = BUILDERS.get(self.name)
        if extra is None or not isinstance(reads, WholeSite):
            return {}
        return extra(reads.site, page)


class NotFound(HtmlKind[Reads]):
    """A language's "page not found"."""

    name = "404"
    listed = False
    index = staticmethod(urls.not_found)

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.not_found(lang), lang)

    def hreflang(self, frame: Frame, page: Page, reads: Reads) -> Links:
        return ()  # not a page search engines should know, in any language


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
