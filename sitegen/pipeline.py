"""The build, as the ordered list of steps it is, and nothing else.

config -> load -> resolve -> plan -> render -> write. Each step returns a value and
the problems it found; the build stops after the first step that found an error.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen import urls
from sitegen.config import SiteConfig, load_config
from sitegen.errors import BuildFailed, Problem, error, sort_problems
from sitegen.load.content import load_content
from sitegen.model import Site
from sitegen.plan.formats import RSS
from sitegen.plan.pages import Page, plan_pages
from sitegen.render.page import RenderError, render_page
from sitegen.render.theme import Theme, load_theme
from sitegen.report import BuildReport
from sitegen.resolve import BuildOptions, resolve_site
from sitegen.write import Stage, staged_output


@dataclass(frozen=True)
class Prepared:
    """Everything decided before rendering: the model, the theme and the page plan."""

    site: Site
    theme: Theme
    pages: tuple[Page, ...]
    problems: tuple[Problem, ...]


def _stop_on_errors(problems: list[Problem]) -> None:
    if any(p.is_error for p in problems):
        raise BuildFailed(sort_problems(problems))


def prepare(site_root: Path, options: BuildOptions) -> Prepared:
    """Every step up to the plan. Raises BuildFailed with all problems found."""
    config, problems = load_config(site_root)
    _stop_on_errors(problems)
    assert isinstance(config, SiteConfig)
    loaded, load_problems = load_content(site_root, config)
    problems += load_problems
    site, resolve_problems = resolve_site(loaded, config, options)
    problems += resolve_problems
    _stop_on_errors(problems)
    assert site is not None
    theme = load_theme(site_root, config)
    pages, plan_problems = plan_pages(site)
    problems += plan_problems
    _stop_on_errors(problems)
    return Prepared(site, theme, pages, tuple(sort_problems(problems)))


# Called after each page is rendered with (pages done, pages in all): a progress bar.
OnPage = Callable[[int, int], None]


def render_all(prepared: Prepared,
               on_page: OnPage | None = None) -> Iterator[tuple[Page, bytes]]:
    total = len(prepared.pages)
    for done, page in enumerate(prepared.pages, 1):
        try:
            yield page, render_page(prepared.site, prepared.theme, prepared.pages, page)
        except RenderError as exc:
            raise BuildFailed([error(exc.template, exc.line,
                                     f"template error while making {page.url}: {exc.message}",
                                     "fix the template; content is not at fault")]) from exc
        if on_page:
            on_page(done, total)


def publish(prepared: Prepared, site_root: Path, stage: Stage,
            on_page: OnPage | None = None) -> None:
    for page, data in render_all(prepared, on_page):
        stage.write(page.output, data)
    for asset in prepared.site.assets:
        stage.copy(urls.output_path(asset.url), site_root / asset.source)
    for rel, path in prepared.theme.static_files().items():
        stage.copy(f"theme/{rel}", path)


def report(prepared: Prepared, started: float, output: str, copied: int) -> BuildReport:
    pages = Counter(page.lang or "-" for page in prepared.pages)
    articles = Counter(a.lang for a in prepared.site.articles.values())
    return BuildReport(
        pages=dict(pages), articles=dict(articles),
        feeds=sum(p.format is RSS for p in prepared.pages),
        people=len(prepared.site.people), clusters=len(prepared.site.clusters),
        copied=copied, seconds=time.perf_counter() - started, output=output,
        problems=prepared.problems,
    )


def build(site_root: Path, out: Path, options: BuildOptions,
          on_page: OnPage | None = None) -> BuildReport:
    """Build the site into `out`, atomically. Raises BuildFailed on content errors."""
    started = time.perf_counter()
    prepared = prepare(site_root, options)
    with staged_output(out) as stage:
        publish(prepared, site_root, stage, on_page)
    return report(prepared, started, str(out), stage.copied)


def check(site_root: Path, options: BuildOptions,
          on_page: OnPage | None = None) -> BuildReport:
    """Everything a build does except writing: templates are rendered too."""
    started = time.perf_counter()
    prepared = prepare(site_root, options)
    for _ in render_all(prepared, on_page):
        pass
    return report(prepared, started, "", 0)
