"""An embargo preview as the people who sign it off see it, in headless Chromium: the
banner, `noindex`, the picture from under the preview's address; and a crawl of the
published site, as a reader or a search engine would follow its links, that never
reaches the preview or the embargoed story.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from browser import AXE_JS, axe_chromium, serve_directory
from conftest import REPO, minimal_files, write_files
from test_accessibility import axe_violations
from test_embargo import BEFORE, SECRET, STORY_FILES, preview_folders

from sitegen.cli import main
from sitegen.resolve.previews import SECRET_VARIABLE

PHOTO = REPO / "content/media/2021/mission-possible-los-angeles.jpg"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("embargo-browser")
    site = write_files(root / "site", {**minimal_files(), **STORY_FILES,
                                       "content/media/2026/zebrafinke.jpg": PHOTO.read_bytes()})
    out = root / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SECRET_VARIABLE, SECRET)
        assert main(["build", "--site", str(site), "--out", str(out), "--now", BEFORE,
                     "-q"]) == 0
    with serve_directory(out) as url:
        yield url


@pytest.fixture(scope="module")
def tab() -> Iterator[Any]:
    with axe_chromium() as chromium:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()


@pytest.mark.parametrize("folder", preview_folders(), ids=["da", "no"])
def test_the_preview_shows_its_banner_and_asks_not_to_be_indexed(tab, base_url, folder):
    response = tab.goto(f"{base_url}/{folder}")
    assert response is not None and response.ok
    banner = tab.locator(".preview-banner")
    assert banner.is_visible()
    assert "Under embargo til 2. januar 2026 kl. 09" in banner.inner_text()
    assert tab.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    assert tab.locator('link[rel="alternate"][hreflang]').count() == 0
    picture = tab.locator("article img").first
    assert picture.get_attribute("src") == f"/{folder}media/2026/zebrafinke.jpg"
    assert tab.evaluate("img => img.complete && img.naturalWidth > 0",
                        picture.element_handle())
    tab.add_script_tag(path=str(AXE_JS))
    assert axe_violations(tab) == []


def test_no_link_of_the_published_site_leads_to_the_preview_or_the_story(tab, base_url):
    """Every page a reader can reach from the front page, by every link and every
    `<link href>` of its head: none is the preview, the story or its picture."""
    start = f"{base_url}/da/"
    seen, queue, reached = {start}, [start], set()
    while queue:
        url = queue.pop()
        response = tab.goto(url)
        if response is None or not response.ok:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        hrefs = tab.eval_on_selector_all(
            "a[href], link[href], img[src]",
            "nodes => nodes.map(n => n.getAttribute('href') || n.getAttribute('src'))")
        for href in hrefs:
            target = urldefrag(urljoin(url, href)).url
            reached.add(urlsplit(target).path)
            if target.startswith(base_url) and target not in seen and target.endswith("/"):
                seen.add(target)
                queue.append(target)
        assert len(seen) < 400
    assert len(seen) > 15  # the crawl did reach the site (both languages, every section)
    previews = tuple(f"/{folder}" for folder in preview_folders())
    leaks = sorted(path for path in reached if path.startswith(previews)
                   or "direktoer" in path or "zebrafinke" in path)
    assert leaks == []


def test_the_picture_is_not_at_its_public_address(base_url):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{base_url}/media/2026/zebrafinke.jpg")  # noqa: S310
    assert missing.value.code == 404
    missing.value.close()


def test_neither_version_is_at_its_address_before_the_lift(base_url):
    import urllib.error
    import urllib.request

    for path in ("/no/nyheter/direktoer/", "/da/nyheder/direktoer/"):
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base_url + path)  # noqa: S310
        assert missing.value.code == 404
        missing.value.close()

