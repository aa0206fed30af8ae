"""Screenshots of the sample site for a human eye: `make screenshots`.

Builds the site (the repository's sample site unless --site is given) into a temporary
folder, serves it on 127.0.0.1 and saves full-page PNGs of the home page, an article
and a person page, at a phone's width (390 px) and a desktop's (1280 px), into
screenshots/ (git-ignored). `--dark` adds the same pages in dark mode.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import MissingTool, launch_chromium, serve_directory  # noqa: E402

from sitegen import urls  # noqa: E402
from sitegen.cli import main as sitegen_main  # noqa: E402
from sitegen.pipeline import prepare  # noqa: E402
from sitegen.resolve import BuildOptions  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page

WIDTHS = {"phone": 390, "desktop": 1280}


def pick_pages(site_root: Path) -> dict[str, str]:
    """URL paths to photograph: the default language's home, its richest newest article
    (an image and contacts if one has them) and a person from that article."""
    site = prepare(site_root, BuildOptions(now=datetime.now(UTC))).site
    lang = site.config.default_language
    articles = site.newest(lang)
    if not articles:
        raise SystemExit(f"the site has no articles in '{lang}' to photograph")
    article = max(articles, key=lambda a: (bool(a.image) + bool(a.contacts) + bool(a.clusters),
                                           a.date))
    people = [*article.contacts, *article.authors] or sorted(site.people)
    pages = {"home": urls.home(lang), "article": article.url}
    if people:
        pages["person"] = urls.person(lang, people[0])
    return pages


def load_lazy_images(page: Page) -> None:
    """Scroll through the page so that loading="lazy" images are in the picture."""
    page.evaluate("""async () => {
        for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
            scrollTo(0, y);
            await new Promise(r => setTimeout(r, 30));
        }
        scrollTo(0, 0);
        const pending = [...document.images].filter(i => !i.complete);
        await Promise.all(pending.map(i => i.decode().catch(() => null)));
    }""")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO, help="the site to build")
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    parser.add_argument("--dark", action="store_true", help="also photograph dark mode")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    schemes = ["light", "dark"] if args.dark else ["light"]
    with tempfile.TemporaryDirectory(prefix="sitegen-shots-") as tmp:
        built = Path(tmp) / "site"
        if sitegen_main(["build", "--site", str(args.site), "--out", str(built)]) != 0:
            return 1
        pages = pick_pages(args.site)
        try:
            with serve_directory(built) as base_url, sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                for device, width in WIDTHS.items():
                    context = browser.new_context(viewport={"width": width, "height": 900},
                                                  device_scale_factor=1)
                    page = context.new_page()
                    for scheme in schemes:
                        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
                        for name, path in pages.items():
                            page.goto(base_url + path, wait_until="load")
                            load_lazy_images(page)
                            suffix = "" if scheme == "light" else "-dark"
                            target = args.out / f"{name}-{device}{suffix}.png"
                            page.screenshot(path=str(target), full_page=True)
                            print(f"{target}  <- {path}")
                    context.close()
                browser.close()
        except MissingTool as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
