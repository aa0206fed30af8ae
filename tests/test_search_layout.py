"""The search page does not jump: its cumulative layout shift, as Chromium measures it
(the layout-shift entries of the Layout Instability API), stays under 0.1 ("good") on a
desktop and a phone screen while a search from the address loads the index, fills the
filter menus and shows its results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import axe_chromium, serve_directory
from conftest import copy_sample

from sitegen.cli import main

CLS = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 1000);
})"""
SCREENS = {"desktop": {"width": 1350, "height": 940}, "phone": {"width": 412, "height": 823}}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = copy_sample(tmp_path_factory.mktemp("layout") / "site")
    out = site / "build"
    assert main(["build", "--site", str(site), "--out", str(out), "-q"]) == 0
    with serve_directory(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with axe_chromium() as chromium:
        yield chromium


@pytest.mark.parametrize("screen", SCREENS, ids=SCREENS.keys())
def test_the_search_page_does_not_shift(browser: Any, base_url: str, screen: str) -> None:
    context = browser.new_context(viewport=SCREENS[screen])
    try:
        tab = context.new_page()
        tab.goto(base_url + "/da/soeg/?q=klyngen")
        tab.wait_for_function(
            "/\\d/.test(document.getElementById('search-status').textContent)")
        assert tab.locator(".search-result").count() > 0
        shift = tab.evaluate(CLS)
    finally:
        context.close()
    assert shift < 0.1, f"cumulative layout shift {shift:.3f} on the {screen} screen"

