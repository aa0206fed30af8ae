"""The sample site in a real browser: axe-core's WCAG 2.1 A/AA rules, keyboard, small screens.

One build, one local server and one headless Chromium for the whole module; each page
is loaded once and checked in the light and in the dark colour scheme. Needs `make browser-deps`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from browser import (
    AXE_JS,
    axe_chromium,
    serve_directory,
)

from sitegen import urls
from sitegen.cli import main
from sitegen.pipeline import prepare
from sitegen.resolve import BuildOptions

REPO = Path(__file__).resolve().parent.parent
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCHEMES = ["light", "dark"]
ROOT = "/"


def pages_to_check() -> list[str]:
    """Every kind of page, in both languages: the pages a reader meets most."""
    site = prepare(REPO, BuildOptions(now=datetime.now(UTC))).site
    paths = [ROOT, urls.not_found()]
    for lang in site.config.language_codes:
        articles = site.newest(lang)
        paths += [urls.home(lang), urls.news_index(lang), urls.people_index(lang),
                  urls.clusters_index(lang), urls.feeds_page(lang), urls.not_found(lang)]
        # the newest article, and the richest one (image, contacts, clusters)
        rich = max(articles, key=lambda a: (bool(a.image) + bool(a.contacts)
                                            + bool(a.clusters), a.date))
        paths += [articles[0].url, rich.url]
        person = (rich.contacts or rich.authors or tuple(sorted(site.people)))[0]
        paths.append(urls.person(lang, person))
        if rich.clusters:
            paths.append(urls.cluster(lang, rich.clusters[0]))
        if rich.tags:
            paths.append(urls.tag(lang, rich.tags[0].slug))
    return list(dict.fromkeys(paths))


PAGES = pages_to_check()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("a11y") / "build"
    assert main(["build", "--site", str(REPO), "--out", str(out)]) == 0
    with serve_directory(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with axe_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def visit(tab: Any, url: str) -> None:
    """Open a page; the root page is held still, as if its language redirect had not run."""
    if url.endswith("/") and url.count("/") == 3:  # http://host:port/
        tab.route(re.compile(r"/[a-z]{2,3}/$"), lambda route: route.fulfill(status=204))
        try:
            tab.goto(url, wait_until="commit")
            tab.wait_for_selector(".choice-list")
            tab.wait_for_function("[...document.styleSheets].some(s => s.cssRules.length)")
        finally:
            tab.unroute(re.compile(r"/[a-z]{2,3}/$"))
    else:
        tab.goto(url)


def axe_violations(tab: Any) -> list[dict[str, Any]]:
    """Run the axe-core already added to the page with the WCAG 2.1 A and AA rules."""
    return tab.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)
            }));
        }""", WCAG_TAGS)


@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_violations(page: Any, base_url: str, path: str):
    """axe-core in light and in dark mode: contrast is checked against each scheme's colours."""
    page.emulate_media(color_scheme="light")
    visit(page, base_url + path)
    page.add_script_tag(path=str(AXE_JS))
    reports = []
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        for v in axe_violations(page):
            nodes = "\n    ".join(v["nodes"])
            reports.append(f"[{scheme}] {v['id']} ({v['impact']}): {v['help']}\n    {nodes}")
    assert not reports, f"{path}: {len(reports)} axe violation(s)\n" + "\n".join(reports)


def test_fits_a_320px_screen(browser: Any, base_url: str):
    """No page scrolls sideways on the narrowest phone."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        tab = context.new_page()
        too_wide = {}
        for path in PAGES:
            visit(tab, base_url + path)
            width = tab.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                too_wide[path] = width
        assert not too_wide, f"pages wider than 320 px: {too_wide}"
    finally:
        context.close()


def test_keyboard_skip_link_and_visible_focus(page: Any, base_url: str):
    page.emulate_media(color_scheme="light")
    article = next(p for p in PAGES if "/nyheder/" in p and p.count("/") == 4)
    visit(page, base_url + article)
    page.keyboard.press("Tab")
    first = page.evaluate("""() => {
        const el = document.activeElement, box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return {cls: el.className, href: el.getAttribute('href'), top: box.top, left: box.left,
                width: box.width, outline: style.outlineStyle, outlineWidth: style.outlineWidth};
    }""")
    assert first["cls"] == "skip-link" and first["href"] == "#main"
    assert first["top"] >= 0 and first["left"] >= 0 and first["width"] > 10, "skip link hidden"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the first link inside the content
    focused = page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {inMain: !!el.closest('main'), outline: style.outlineStyle,
                width: parseFloat(style.outlineWidth)};
    }""")
    assert focused["inMain"], "Tab after the skip link should stay in the content"
    assert focused["outline"] != "none" and focused["width"] >= 2, "focus is not visible"


def test_works_without_javascript(browser: Any, base_url: str):
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(base_url + ROOT)
        assert tab.locator(".choice-list a[href='/da/']").count() >= 1  # a plain choice
        for path in PAGES[2:6]:
            tab.goto(base_url + path)
            assert tab.locator("main h1").count() == 1, path
            assert tab.locator(".site-nav a").count() == 3, path
    finally:
        context.close()
