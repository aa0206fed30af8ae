"""What a reader downloads for a first search: every file under /pagefind/, by kind.

Serves a built site on 127.0.0.1, opens a search page in headless Chromium with an empty
cache, runs one search and counts the bytes of every response (the dedicated worker's
fetches included), so that a change to the index's layout can be judged by what it costs
a reader rather than by its size on disk.

    .venv/bin/python benchmarks/search_bytes.py OUT [--page /da/soeg/] [--query museum]

The counting is `first_search` in tests/browser.py, which tests/test_search_browser.py
uses to keep the bytes within budget.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import first_search, launch_chromium, serve_directory  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="a built site")
    parser.add_argument("--page", default="/da/soeg/")
    parser.add_argument("--query", default="museum")
    parser.add_argument("--files", action="store_true", help="list every file")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with serve_directory(args.out) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        downloads = first_search(browser, url, args.page, args.query)
        browser.close()
    if args.files:
        for path, size in downloads.files:
            print(f"{size:>9,}  {path}")
    for kind, size in sorted(downloads.kinds.items()):
        print(f"{kind:<11}{size:>10,}")
    print(f"{'once':<11}{downloads.once:>10,}")
    print(f"{'total':<11}{downloads.total:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
