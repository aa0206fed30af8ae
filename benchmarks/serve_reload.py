"""How long after an editor saves does the open browser tab show the change?

    python benchmarks/serve_reload.py [--site DIR | --articles 1000] [--edits 10]
                                      [--no-browser] [--keep]

Starts `sitegen serve` as a subprocess on a free port on a copy of the site (or a
synthetic site of N articles per language made with make_corpus.py, on tmpfs when there
is one), opens one article in headless Chromium, then --edits times: appends a new word
to the article's Markdown and times, from the moment the file is written,

  announced  the live-reload stream announcing the finished rebuild (watch + debounce
             + build), read by a plain HTTP client;
  shown      the tab's own reload having the new word in its DOM (announced + the
             browser reloading the page) - the figure the editor feels.

Each edit waits until the previous one is shown, plus a pause, so that edits never merge.
The site's files are never touched: the copy is removed afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))
from make_corpus import make_corpus  # noqa: E402

from sitegen.config import load_config  # noqa: E402
from sitegen.load.sources import load_article  # noqa: E402
from sitegen.urls import article as article_url  # noqa: E402

EVENTS = "/__sitegen/events"


def scratch_root() -> Path:
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())


def prepare_site(args: argparse.Namespace, work: Path) -> Path:
    site = work / "site"
    if args.site:
        shutil.copytree(args.site, site, symlinks=True,
                        ignore=shutil.ignore_patterns("build", ".sitegen-cache", ".git",
                                                      ".venv", ".tools", "node_modules"))
    else:
        print(f"Writing a site of {args.articles} articles per language ...", flush=True)
        make_corpus(site, args.articles, args.people, args.clusters)
    return site


def pick_article(site: Path) -> tuple[Path, str]:
    """A published Danish article (not a draft, not embargoed) and its URL."""
    config, _ = load_config(site)
    assert config is not None, "site.toml does not load"
    lang = config.language_codes[0]
    tz = config.language(lang).tz
    for path in sorted((site / "content" / lang).rglob("*.md")):
        rel = path.relative_to(site).as_posix()
        record, _ = load_article(rel, path.read_bytes(), lang, tz)
        if record and not record.draft and record.date.year < 2090:
            return path, article_url(lang, record.slug)
    raise SystemExit(f"no article in content/{lang}/")


class Events(threading.Thread):
    """Reads the live-reload stream; records when each new generation arrives."""

    def __init__(self, host: str, port: int):
        super().__init__(daemon=True)
        self.conn = http.client.HTTPConnection(host, port, timeout=600)
        self.arrivals: queue.Queue[tuple[float, str]] = queue.Queue()

    def run(self) -> None:
        self.conn.request("GET", EVENTS)
        response = self.conn.getresponse()
        try:
            for raw in response.fp:
                line = raw.decode()
                if line.startswith("data: "):
                    self.arrivals.put((time.perf_counter(), line[6:].strip()))
        except (OSError, ValueError):
            pass

    def next_after(self, moment: float, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while True:
            arrived, _ = self.arrivals.get(timeout=max(0.01, deadline - time.monotonic()))
            if arrived >= moment:
                return arrived


def fetch(host: str, port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection(host, port, timeout=600)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        conn.close()


def start_serve(site: Path) -> tuple[subprocess.Popen[str], str, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    lines: list[str] = []
    url: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip())
            match = re.search(r" at (http://\S+/)", line)
            if match:
                url.put(match.group(1))

    threading.Thread(target=pump, daemon=True).start()
    try:
        return process, url.get(timeout=1800), lines
    except queue.Empty:
        process.kill()
        raise SystemExit("serve did not start:\n" + "\n".join(lines)) from None


def summary(label: str, values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    return (f"{label:<10} median {statistics.median(ms):6.0f} ms   p90 {p90:6.0f} ms   "
            f"min {ms[0]:6.0f} ms   max {ms[-1]:6.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a site to copy (default: a synthetic one)")
    parser.add_argument("--articles", type=int, default=1000, help="per language")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--clusters", type=int, default=20)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between edits")
    parser.add_argument("--no-browser", action="store_true",
                        help="time only until the rebuild is announced")
    parser.add_argument("--keep", action="store_true", help="keep the site copy")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sitegen-serve-bench-", dir=scratch_root()))
    process = None
    try:
        site = prepare_site(args, work)
        source, path = pick_article(site)
        count = {lang: sum(1 for _ in (site / "content" / lang).rglob("*.md"))
                 for lang in ("da", "no") if (site / "content" / lang).is_dir()}
        print(f"Site: {site} ({', '.join(f'{n} {k}' for k, n in count.items())} articles)")
        started = time.perf_counter()
        process, url, lines = start_serve(site)
        print(f"serve ready after {time.perf_counter() - started:.1f} s "
              f"({lines[0] if lines else ''})")
        host, port = re.match(r"http://([^:/]+):(\d+)/", url).groups()  # type: ignore[union-attr]
        status, _ = fetch(host, int(port), path)
        if status != 200:
            raise SystemExit(f"{path} answers {status}: the site does not build\n"
                             + "\n".join(lines))
        events = Events(host, int(port))
        events.start()
        events.next_after(0, 60)  # the stream's greeting: the current generation

        page = browser = playwright = None
        if not args.no_browser:
            from playwright.sync_api import sync_playwright

            playwright = sync_playwright().start()
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-quic", "--no-first-run", "--disable-component-update",
                      "--disable-sync"])
            page = browser.new_page()
            page.goto(url.rstrip("/") + path)

        announced: list[float] = []
        shown: list[float] = []
        original = source.read_bytes()
        for number in range(1, args.edits + 1):
            word = f"Redigering{number:03d}x{os.getpid()}"
            text = original.decode("utf-8").rstrip("\n") + f"\n\nNyt afsnit: {word}.\n"
            time.sleep(args.pause)
            written = time.perf_counter()
            source.write_text(text, encoding="utf-8")
            announced.append(events.next_after(written, 120) - written)
            if page is not None:
                page.wait_for_function(
                    f"document.body && document.body.innerText.includes('{word}')",
                    polling="raf", timeout=120_000)
                shown.append(time.perf_counter() - written)
            else:
                _, body = fetch(host, int(port), path)
                assert word in body, "the rebuilt page lacks the edit"
            print(f"edit {number:2d}: announced {announced[-1] * 1000:5.0f} ms"
                  + (f", shown {shown[-1] * 1000:5.0f} ms" if shown else ""), flush=True)
        print(summary("announced", announced))
        if shown:
            print(summary("shown", shown))
        rebuilt = [line for line in lines if "rebuilt in" in line]
        if rebuilt:
            print("serve said, last edit:", rebuilt[-1])
        if browser is not None:
            browser.close()
        if playwright is not None:
            playwright.stop()
        return 0
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
