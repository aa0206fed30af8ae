"""Render one planned page to bytes: a pure function of the site model and the plan.

What a page is made from and how is its kind's (sitegen/kinds/): `render_page` asks the
page's kind. The template machinery that the HTML kinds share, and its error reporting
with the template's file and line, is here. No file is written here; `sitegen.write`
publishes what this returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2 import TemplateError

from sitegen.model import Site
from sitegen.plan.pages import Page
from sitegen.render.theme import Theme


class RenderError(Exception):
    """A template failed: carries the template's file and line for the editor."""

    def __init__(self, page: Page, template: str, line: int | None, message: str):
        super().__init__(message)
        self.page, self.template, self.line, self.message = page, template, line, message


def render_page(site: Site, theme: Theme, pages: Sequence[Page], page: Page) -> bytes:
    """The page's bytes. `pages` (the whole plan) is accepted for the engine's sake; the
    kinds that list other pages (the sitemaps) plan them from the site themselves."""
    return page.kind.make(site, theme, page)


def render_template(theme: Theme, page: Page, template_name: str,
                    context: dict[str, Any]) -> bytes:
    """A template of the page's language rendered with `context`, as UTF-8."""
    env = theme.env(page.lang)
    try:
        template = env.get_template(template_name)
        html = template.render(context)
    except TemplateError as exc:
        name = getattr(exc, "filename", None) or getattr(exc, "name", None) or template_name
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
