"""What a phone downloads for an article page: its HTML, the style sheet and every
picture on it, choosing from `srcset` as a browser does.

    python benchmarks/phone_bytes.py BUILD [BUILD_BEFORE]

The phone is Lighthouse's mobile one (412 CSS pixels wide, device pixel ratio 1.75), so
a copy is chosen as the smallest at least `slot width x 1.75` pixels wide, WebP when the
page offers it. Lazy pictures are counted too (the reader scrolls the whole page). Prints
the heaviest article page of BUILD, and with BUILD_BEFORE the same page there.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

WIDTH, RATIO, REM = 412, 1.75, 16


def length(text: str) -> float:
    """'42rem', '100vw', 'calc(100vw - 2.5rem)' in CSS pixels at WIDTH."""
    text = text.strip()
    if text.startswith("calc("):
        left, right = text[5:-1].split(" - ")
        return length(left) - length(right)
    if text.endswith("rem"):
        return float(text[:-3]) * REM
    if text.endswith("vw"):
        return float(text[:-2]) * WIDTH / 100
    if text.endswith("px"):
        return float(text[:-2])
    return float(WIDTH)


def slot(sizes: str) -> float:
    for part in sizes.split(","):
        match = re.match(r"\s*\(min-width:\s*([\d.]+)rem\)\s*(.+)", part)
        if match:
            if WIDTH >= float(match.group(1)) * REM:
                return length(match.group(2))
            continue
        return length(part)
    return float(WIDTH)


def choose(srcset: str, sizes: str) -> str:
    need = slot(sizes) * RATIO
    candidates = sorted((int(w.rstrip("w")), url) for url, w in
                        (c.split() for c in srcset.split(",") if c.strip()))
    for width, url in candidates:
        if width >= need:
            return url
    return candidates[-1][1]


class Pictures(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.webp: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "source" and found.get("type") == "image/webp":
            self.webp = (found["srcset"], found.get("sizes", "100vw"))
        elif tag == "img":
            if self.webp:
                self.urls.append(choose(*self.webp))
            elif found.get("srcset"):
                self.urls.append(choose(found["srcset"], found.get("sizes", "100vw")))
            else:
                self.urls.append(found.get("src", ""))
            self.webp = None
        elif tag == "link" and found.get("rel") == "stylesheet":
            self.urls.append(found["href"])


def page_bytes(build: Path, page: Path) -> tuple[int, int, int]:
    """(total, HTML, pictures and CSS) bytes for one page."""
    html = page.read_bytes()
    parser = Pictures()
    parser.feed(html.decode("utf-8"))
    files = 0
    for url in dict.fromkeys(parser.urls):
        path = build / unquote(url).lstrip("/")
        if url.startswith("/") and path.is_file():
            files += path.stat().st_size
    return len(html) + files, len(html), files


def main() -> None:
    build = Path(sys.argv[1])
    pages = sorted(build.glob("*/nyhe*/*/index.html"))
    heaviest = max(pages, key=lambda p: page_bytes(build, p)[0])
    total, html, files = page_bytes(build, heaviest)
    rel = heaviest.relative_to(build)
    print(f"{rel}: {total:,} bytes (HTML {html:,}, pictures and CSS {files:,})")
    if len(sys.argv) > 2:
        before = Path(sys.argv[2])
        total_b, html_b, files_b = page_bytes(before, before / rel)
        print(f"before: {total_b:,} bytes (HTML {html_b:,}, pictures and CSS {files_b:,})")
        worst = max(pages, key=lambda p: page_bytes(before, before / p.relative_to(build))[0]
                    if (before / p.relative_to(build)).exists() else 0)
        print(f"heaviest before: {worst.relative_to(build)}: "
              f"{page_bytes(before, before / worst.relative_to(build))[0]:,} bytes, now "
              f"{page_bytes(build, worst)[0]:,}")


if __name__ == "__main__":
    main()
