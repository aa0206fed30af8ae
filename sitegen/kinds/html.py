"""HTML page kinds: a template named after the kind, and the names every template gets.

A template receives its kind's own context (built from the page's Reads) plus the
common base below (docs/themes.md): never the whole Site, so that a template cannot show
what the page does not declare it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sitegen import urls
from sitegen.config import LanguageConfig
from sitegen.kinds.base import Frame, Kind, R
from sitegen.plan.pages import Page
from sitegen.render.context import Alternate, Feed
from sitegen.render.page import render_template
from sitegen.render.structured import PageMeta, full_url, share_image
from sitegen.render.theme import Theme

Links = tuple[tuple[str, str], ...]


class HtmlKind(Kind[R]):
    """A page rendered with `<name>.html`."""

    listed = True
    # The main-navigation entry the page belongs to ("news", "people", "clusters"), and
    # whether the page is that entry's own index (aria-current="page") or below it.
    section: str | None = None
    section_index = False
    search_form = True  # the header's search box (not on the search page itself)
    x_default_root = False  # hreflang x-default is the language choice at "/"
    index: Callable[[str], str] = staticmethod(urls.home)  # this page in another language

    def context(self, frame: Frame, page: Page, reads: R) -> dict[str, Any]:
        """The kind's own template names (docs/themes.md, "And what each kind adds")."""
        return {}

    def render(self, frame: Frame, theme: Theme, page: Page, reads: R) -> bytes:
        return render_template(theme, page, self.template, self.full_context(frame, page, reads))

    def full_context(self, frame: Frame, page: Page, reads: R) -> dict[str, Any]:
        config = frame.config
        language = config.language(page.lang) if page.lang else None
        context: dict[str, Any] = {
            "page": page,
            "language": language,
            "languages": config.languages,
            "alternates": self.alternates(frame, page, reads) if page.lang else [],
            "feeds": self.feeds(frame, page, reads) if page.lang else [],
            "canonical": urls.absolute(config.base_url, page.url),
            "preview": frame.preview,
            "unpublished": None,  # the article a preview banner is about
            "noindex": False,  # search engines asked not to index it (embargo previews)
            "nav": self.nav(page),
            "search_form": self.search_form,
            "logo": frame.logo,  # site.toml's logo (model.Image), or None
        }
        context.update(self.context(frame, page, reads))
        context["json_ld"] = self.json_ld(frame, page, reads)
        context["meta"] = self.meta(frame, page, reads) if language else None
        return context

    def nav(self, page: Page) -> dict[str, str]:
        """aria-current for each main-navigation entry: "page", "true" or ""."""
        here = "page" if self.section_index and page.number == 1 else "true"
        return {name: here if name == self.section else ""
                for name in ("news", "people", "clusters")}

    # --- languages -----------------------------------------------------------------------

    def alternate(self, code: str, page: Page, reads: R) -> tuple[str, bool]:
        """(URL, exact) of this page in language `code`: exact when it is the same page."""
        return self.index(code), True

    def alternates(self, frame: Frame, page: Page, reads: R) -> list[Alternate]:
        return [Alternate(language, *self.alternate(language.code, page, reads))
                for language in frame.config.languages if language.code != page.lang]

    def versions(self, frame: Frame, page: Page, reads: R) -> dict[str, str]:
        """Language code -> URL of the other languages' versions hreflang may name."""
        return {alt.language.code: alt.url
                for alt in self.alternates(frame, page, reads) if alt.exact}

    def hreflang(self, frame: Frame, page: Page, reads: R) -> Links:
        """Empty when the page exists in one language only. x-default is the language
        choice at "/" for the front pages (what x-default is meant for), and the default
        language's version for every other page. The head and the sitemap both print
        this, so the two always agree, as search engines require."""
        if page.lang is None or page.number > 1:
            return ()  # page 2 of a list is no translation of page 2 in another language
        exact = self.versions(frame, page, reads)
        if not exact:
            return ()
        config = frame.config
        base = config.base_url
        found = {**exact, page.lang: page.url}
        links = [(lang.html_lang, full_url(base, found[lang.code]))
                 for lang in config.languages if lang.code in found]
        if self.x_default_root:
            links.append(("x-default", full_url(base, "/")))
        elif config.default_language in found:
            links.append(("x-default", full_url(base, found[config.default_language])))
        return tuple(links)

    # --- head ----------------------------------------------------------------------------

    def own_feeds(self, frame: Frame, page: Page, reads: R) -> list[Feed]:
        """Feeds of the page's subject, advertised after the language's."""
        return []

    def feeds(self, frame: Frame, page: Page, reads: R) -> list[Feed]:
        lang = page.lang or ""
        title = frame.config.language(lang).title
        return [Feed(title, urls.language_feed(lang)), *self.own_feeds(frame, page, reads)]

    def json_ld(self, frame: Frame, page: Page, reads: R) -> str | None:
        return None

    def title(self, frame: Frame, page: Page, reads: R) -> str:
        """The page's own title (without the site's name), for Open Graph."""
        return frame.config.language(page.lang or "").title

    def description(self, frame: Frame, page: Page, reads: R) -> str:
        return ""

    def image(self, frame: Frame, page: Page, reads: R) -> tuple[str | None, str | None]:
        """(absolute image URL, its alt text) for link previews."""
        return None, None

    def meta(self, frame: Frame, page: Page, reads: R) -> PageMeta:
        language: LanguageConfig = frame.config.language(page.lang or "")
        image, image_alt = self.image(frame, page, reads)
        if image is None and frame.logo is not None:  # the publisher's logo stands in
            image, image_alt = share_image(frame.config.base_url, frame.logo), frame.logo.alt
        return PageMeta(self.title(frame, page, reads),
                        self.description(frame, page, reads) or language.description,
                        full_url(frame.config.base_url, page.url), "website",
                        language.locale, frame.config.publication(language.code), image,
                        image_alt, hreflang=self.hreflang(frame, page, reads))
