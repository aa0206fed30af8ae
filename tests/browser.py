"""Real clients for tests and scripts: a local static server, headless Chromium, vnu.

Shared by the HTML, accessibility and live-reload tests and by scripts/screenshots.py:

    with serve_directory(build_dir) as base_url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page()
        page.goto(base_url + "/da/")

A missing tool is a failure with a hint (`make browser-deps`), never a silent skip.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import socketserver
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

REPO = Path(__file__).resolve().parent.parent
TOOLS = REPO / ".tools" / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
HINT = "run `make browser-deps` to install chromium, vnu-jar and axe-core"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
    "--no-first-run", "--disable-component-update", "--disable-sync",
]


class MissingTool(RuntimeError):
    """A tool the test needs is not installed; the message says how to get it."""


def require_file(path: Path, what: str) -> Path:
    if not path.is_file():
        raise MissingTool(f"{what} not found at {path}: {HINT}")
    return path


def require_program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise MissingTool(f"`{name}` not found on PATH: {HINT}")
    return found


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """Serve the site's own /404.html for a missing page, as a static host does."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def serve_directory(path: Path | str, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a folder over HTTP on a free port in a thread; yields 'http://127.0.0.1:PORT'."""
    handler = functools.partial(_QuietHandler, directory=str(path))
    server = _Server((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="serve-directory", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def launch_chromium(playwright: Playwright, **options: object) -> Browser:
    """Debian's headless chromium, started by Playwright without any network extras."""
    executable = require_program("chromium")
    return playwright.chromium.launch(executable_path=executable, headless=True,
                                      args=CHROMIUM_ARGS, **options)  # type: ignore[arg-type]


@contextmanager
def axe_chromium() -> Iterator[Browser]:
    """Headless Chromium for pages checked with axe-core; a missing tool fails the test
    with the hint, never with a traceback or a skip."""
    import pytest

    try:
        require_file(AXE_JS, "axe-core")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            chromium = launch_chromium(playwright)
            yield chromium
            chromium.close()
    except MissingTool as exc:
        pytest.fail(str(exc), pytrace=False)


# --- what a search page downloads (tests/test_search_browser.py, benchmarks/search_bytes.py)

# The kind of a Pagefind file, by its name; the first pattern that matches wins.
KINDS = (
    ("javascript", re.compile(r"/pagefind(-worker)?\.js$")),
    ("wasm", re.compile(r"/wasm\.[^/]+\.pagefind$")),
    ("entry", re.compile(r"/pagefind-entry\.json$")),
    ("metadata", re.compile(r"\.pf_meta$")),
    ("filter", re.compile(r"\.pf_filter$")),
    ("index", re.compile(r"\.pf_index$")),
    ("fragment", re.compile(r"\.pf_fragment$")),
)
STATUS = "document.getElementById('search-status').textContent"


@dataclass
class Downloads:
    """Bytes per kind of Pagefind file, and the files, in the order they came."""

    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    files: list[tuple[str, int]] = field(default_factory=list)

    def add(self, url: str, size: int) -> None:
        path = url.split("?", 1)[0]
        if "/pagefind/" not in path:
            return
        kind = next((name for name, pattern in KINDS if pattern.search(path)), "other")
        self.kinds[kind] += size
        self.files.append((path, size))

    @property
    def once(self) -> int:
        """What a visit costs before the first word is looked up."""
        return sum(size for kind, size in self.kinds.items()
                   if kind not in ("index", "fragment"))

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


def _watch(tab: Any, downloads: Downloads) -> None:
    def finished(request: Any) -> None:
        response = request.response()
        if response is not None:
            downloads.add(request.url, len(response.body()))
    tab.on("requestfinished", finished)


def first_search(browser: Any, base_url: str, page: str, query: str) -> Downloads:
    """Open `page` in a fresh context (empty cache), search for `query`, and return what
    was downloaded under /pagefind/ until the results were shown."""
    context = browser.new_context()
    downloads = Downloads()
    try:
        tab = context.new_page()
        _watch(tab, downloads)
        tab.goto(base_url + page)
        tab.wait_for_selector("#search[data-ready]", state="attached")
        tab.fill("#search-query", query)
        tab.press("#search-query", "Enter")
        tab.wait_for_function(f"{STATUS} && !{STATUS}.endsWith('…')")
        tab.wait_for_load_state("networkidle")
    finally:
        context.close()
    return downloads
