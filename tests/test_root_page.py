"""The language choice at "/" in a real browser: a first look that works.

Without JavaScript the page is a plain choice with a working link per language; with it,
served over HTTP, it sends the reader on to a language. Opened from the file system
(build/index.html, which a build's last line used to name) it stays where it is and says
how to preview the site, in every language of the page: the site's addresses start at its
root (docs/urls.md), which from file:// is the root of the disk. Needs `make browser-deps`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import launch_chromium, serve_directory
from conftest import NOW, REPO

from sitegen.cli import main

HINT = "#opened-as-file"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("root") / "build"
    assert main(["build", "--site", str(REPO), "--out", str(folder), "--now", NOW, "-q"]) == 0
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def errors_of(page: Any) -> list[str]:
    """The page's script errors, as they happen: uncaught exceptions and console errors
    other than a file that did not load (/favicon.ico, which the site has none of, and
    from file:// the stylesheet)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error"
            and not msg.text.startswith("Failed to load resource") else None)
    return errors


def test_without_javascript_every_language_has_a_working_link(browser: Any, out: Path):
    context = browser.new_context(java_script_enabled=False)
    try:
        with serve_directory(out) as base:
            page = context.new_page()
            errors = errors_of(page)
            response = page.goto(base + "/")
            assert response is not None and response.status == 200
            assert page.url == base + "/"  # no redirect without a script
            description = page.locator("meta[name=description]").get_attribute("content")
            assert description and "Nyheder og pressemeddelelser" in description \
                and "Nyheter og pressemeldinger" in description
            assert not page.locator(HINT).is_visible()
            links = page.locator(".choice-title a")
            homes = {links.nth(i).get_attribute("href"): links.nth(i).inner_text()
                     for i in range(links.count())}
            assert homes == {"/da/": "Nyheder", "/no/": "Nyheter"}
            for href, title in homes.items():
                page.goto(base + "/")
                with page.expect_navigation():
                    page.locator(f".choice-title a[href='{href}']").click()
                assert page.url == base + href
                assert page.locator("html").get_attribute("lang") in ("da", "nb")
                assert title in page.title()
            assert not errors, errors
    finally:
        context.close()


def test_served_over_http_the_script_sends_the_reader_to_a_language(browser: Any, out: Path):
    context = browser.new_context(locale="nb-NO")
    try:
        with serve_directory(out) as base:
            page = context.new_page()
            errors = errors_of(page)
            page.goto(base + "/")
            page.wait_for_url(base + "/no/")
            assert not errors, errors
    finally:
        context.close()


def test_opened_as_a_file_it_stays_and_says_how_to_preview(browser: Any, out: Path):
    context = browser.new_context(locale="da-DK")
    try:
        page = context.new_page()
        errors = errors_of(page)
        address = (out / "index.html").as_uri()
        navigations: list[str] = []
        page.on("framenavigated", lambda frame: navigations.append(frame.url))
        page.goto(address)
        page.wait_for_timeout(300)  # time for a redirect, had the script made one
        assert page.url == address and navigations == [address]
        hint = page.locator(HINT)
        assert hint.is_visible()
        danish = hint.locator("p[lang=da]").inner_text()
        norwegian = hint.locator("p[lang=nb]").inner_text()
        assert "Siden er åbnet som en fil" in danish
        assert "Siden er åpnet som en fil" in norwegian
        for text in (danish, norwegian):
            assert ".venv/bin/sitegen serve" in text and "http://127.0.0.1:8000/" in text
        assert hint.locator("a").first.get_attribute("href") == "http://127.0.0.1:8000/"
        # the choice itself is still there, below the advice
        assert page.locator(".choice-title a").count() == 2
        assert not errors, errors
    finally:
        context.close()
