"""Render one planned page to bytes: a pure function of the site model and the plan.

No file is written here; `sitegen.write` publishes what this returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from jinja2 import TemplateError

from sitegen.model import Site
from sitegen.plan.pages import Page
from sitegen.render import feeds, sitemap, vcard
from sitegen.render.context import build_context
from sitegen.render.theme import Theme

BUILT_IN: dict[str, Callable[[Site, Page], bytes]] = {
    "language_feed": feeds.language_feed,
    "person_feed": feeds.person_feed,
    "cluster_feed": feeds.cluster_feed,
    "vcard": vcard.vcard_page,
    "news_sitemap": lambda site, page: sitemap.render_news_sitemap(site),
    "robots": lambda site, page: sitemap.render_robots(site),
}


class RenderError(Exception):
    """A template failed: carries the template's file and line for the editor."""

    def __init__(self, page: Page, template: str, line: int | None, message: str):
        super().__init__(message)
        self.page, self.template, self.line, self.message = page, template, line, message


def render_page(site: Site, theme: Theme, pages: Sequence[Page], page: Page) -> bytes:
    if page.kind == "sitemap":
        return sitemap.render_sitemap(site, pages)
    if page.kind in BUILT_IN:
        return BUILT_IN[page.kind](site, page)
    env = theme.env(page.lang)
    try:
        template = env.get_template(page.template)
        html = template.render(build_context(site, page))
    except TemplateError as exc:
        name = getattr(exc, "filename", None) or getattr(exc, "name", None) or page.template
        line = getattr(exc, "lineno", None)
        if line is None:  # a runtime error: Jinja puts the template's line in the traceback
            name, line = _template_frame(exc, str(name))
        raise RenderError(page, _theme_relative(str(name)), line, str(exc)) from exc
    return html.encode("utf-8")


def _template_frame(exc: BaseException, name: str) -> tuple[str, int | None]:
    """The innermost template file and line in the traceback of a runtime error."""
    found: tuple[str, int | None] = (name, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _theme_relative(path: str) -> str:
    """'/somewhere/site/themes/default/templates/x.html' -> 'themes/default/templates/x.html'."""
    index = path.rfind("/themes/")
    return path[index + 1:] if index >= 0 else path
