"""End to end: `sitegen serve` as a subprocess, an article open in headless Chromium.

The editor's loop, as a browser sees it: a saved change appears without reloading by
hand, a broken front matter turns the tab into the error page, and the article comes
back once the file is fixed. And what a page from elsewhere gets: a DNS-rebinding page
and a page of another origin cannot read a draft. Waits poll with generous timeouts;
nothing asserts speed. One Chromium serves the whole module, a fresh page per test.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import launch_chromium, serve_directory
from conftest import ARTICLE_DA, NOW, REPO

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

WAIT_MS = 30_000  # generous: a loaded CI machine may be slow, and that is not a failure
ARTICLE = "content/da/2021/mission-possible.md"
DRAFT = """\
---
title: Kladde om Aalborg
date: 2021-12-01 09:00
draft: true
---
Denne artikel er ikke færdig.
"""
EMBARGOED = """\
---
title: Nyhed under embargo
date: 2099-01-01 09:00
---
Offentliggøres senere.
"""


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    stdout: queue.Queue[str]
    stderr: list[str]


def _pump(stream, sink) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        sink(line)


@pytest.fixture
def serve(make_site) -> Iterator[tuple[Path, Served]]:
    """`python -m sitegen serve` on a free port; always stopped with Ctrl-C (SIGINT)."""
    site = make_site({"content/da/2021/kladde.md": DRAFT,
                      "content/da/2099/embargo.md": EMBARGOED})
    env = {**os.environ, "PYTHONPATH": str(REPO), "SITEGEN_NOW": NOW}
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: queue.Queue[str] = queue.Queue()
    errors: list[str] = []
    pumps = [threading.Thread(target=_pump, args=(process.stdout, lines.put), daemon=True),
             threading.Thread(target=_pump, args=(process.stderr, errors.append), daemon=True)]
    for pump in pumps:
        pump.start()
    try:
        url = None
        while url is None:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                pytest.fail(f"serve printed no address; stderr: {''.join(errors)}")
            match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            url = match.group(1) if match else None
        yield site, Served(process, url, lines, errors)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        for pump in pumps:
            pump.join(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with playwright_api.sync_playwright() as pw:
        launched = launch_chromium(pw)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser(chromium) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The module's Chromium; each test's pages in a context of their own, closed after."""
    context = chromium.new_context()
    try:
        yield context
    finally:
        context.close()


def test_an_edit_appears_an_error_shows_and_the_fix_brings_the_article_back(serve, browser):
    site, served = serve
    page = browser.new_page()
    page.goto(served.url + "da/nyheder/mission-possible/")
    expect(page.locator("h1")).to_have_text("Mission Possible")
    expect(page.locator("main")).to_contain_text("Tyve virksomheder var i Los Angeles.")
    source = site / ARTICLE

    # 1. the editor saves a change: the open tab shows it by itself
    edited = ARTICLE_DA.replace("Tyve virksomheder", "Tredive virksomheder")
    source.write_text(edited, encoding="utf-8")
    expect(page.locator("main")).to_contain_text("Tredive virksomheder var i Los Angeles.",
                                                 timeout=WAIT_MS)

    # 2. a broken front matter: the same tab becomes the error page, with file and line
    source.write_text(edited.replace("title: Mission Possible", "title: [Mission Possible"),
                      encoding="utf-8")
    failure = page.locator("#sitegen-build-failed")
    expect(failure).to_be_visible(timeout=WAIT_MS)
    expect(failure).to_contain_text(f"{ARTICLE}:2: the list ('[') opened on line 2 is never "
                                    "closed")
    expect(failure).to_contain_text("tip:")  # in the site's language, Danish
    expect(failure.locator(".excerpt mark")).to_have_text("> 2 | title: [Mission Possible")

    # 3. fixed: the article is back, still without a manual reload
    source.write_text(edited.replace("Tredive", "Fyrre"), encoding="utf-8")
    expect(page.locator("main")).to_contain_text("Fyrre virksomheder var i Los Angeles.",
                                                 timeout=WAIT_MS)
    expect(page.locator("h1")).to_have_text("Mission Possible")

    # the terminal said the same
    assert any(f"{ARTICLE}:2: the list ('[') opened on line 2 is never closed" in line
               for line in served.stderr)
    # the reload script is served, never written: the preview folder and build/ are clean
    assert not (site / "build").exists()
    written = (site / ".sitegen-cache/serve/preview/da/nyheder/mission-possible/index.html")
    assert "Fyrre" in written.read_text("utf-8")
    assert "__sitegen" not in written.read_text("utf-8")


def test_drafts_and_embargoed_articles_show_a_visible_banner(serve, browser):
    _, served = serve
    page = browser.new_page()
    for url, words in (("da/nyheder/kladde/", "Kladde om Aalborg"),
                       ("da/nyheder/embargo/", "Nyhed under embargo")):
        page.goto(served.url + url)
        expect(page.locator("h1")).to_have_text(words)
        banner = page.locator(".preview-banner")
        expect(banner).to_be_visible()
        expect(banner).not_to_be_empty()
        box = banner.bounding_box()
        assert box is not None and box["height"] >= 16 and box["width"] >= 200
    page.goto(served.url + "da/nyheder/mission-possible/")
    expect(page.locator(".preview-banner")).to_have_count(0)


def test_ctrl_c_stops_the_server_cleanly(serve):
    _, served = serve
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=20) == 0


READ = """async (url) => {
  try {
    const response = await fetch(url);
    return {status: response.status, text: await response.text()};
  } catch (error) {
    return {error: String(error)};
  }
}"""
LISTEN = """(url) => new Promise((done) => {
  const events = new EventSource(url);
  events.addEventListener("build", (event) => { events.close(); done("build " + event.data); });
  events.onerror = () => { events.close(); done("error"); };
})"""
DRAFT_PAGE = "da/nyheder/kladde/"


def test_a_page_from_elsewhere_cannot_read_a_draft(serve, browser, tmp_path):
    """Three pages ask for the draft and the reload stream: the preview's own (it may),
    a DNS-rebinding page, and a page of another origin (neither may)."""
    _, served = serve
    port = int(served.url.rstrip("/").rsplit(":", 1)[1])
    events = "/__sitegen/events"

    own = browser.new_page()
    own.goto(served.url)
    read = own.evaluate(READ, "/" + DRAFT_PAGE)
    assert read["status"] == 200 and "Kladde om Aalborg" in read["text"]  # the control
    assert own.evaluate(LISTEN, events).startswith("build ")

    # DNS rebinding: the attacker's page came from its own server at rebind.localhost
    # (routed here); its name now leads to 127.0.0.1 (as *.localhost does in Chromium),
    # so to the browser the preview is that page's own origin
    rebound = browser.new_page()
    rebound.route(f"http://rebind.localhost:{port}/attack.html", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!DOCTYPE html><title>x</title>"))
    rebound.goto(f"http://rebind.localhost:{port}/attack.html")
    read = rebound.evaluate(READ, "/" + DRAFT_PAGE)
    assert read["status"] == 421, read
    assert "Kladde" not in read["text"] and "Misdirected Request" in read["text"]
    assert rebound.evaluate(LISTEN, events) == "error"

    # another origin: a page served on another port of this computer
    (tmp_path / "other").mkdir()
    (tmp_path / "other/index.html").write_text("<!DOCTYPE html><title>other</title>")
    with serve_directory(tmp_path / "other") as other_url:
        other = browser.new_page()
        other.goto(other_url + "/")
        read = other.evaluate(READ, served.url + DRAFT_PAGE)
        assert "error" in read and "Kladde" not in str(read), read
        assert other.evaluate(LISTEN, served.url.rstrip("/") + events) == "error"
        other.close()
