"""What changed since the last build: the input files' stamps and the clock.

The engine (sitegen/engine.py) decides from these which way to build: not at all, the
quick path for an edit that keeps the site's structure (sitegen/quick.py), or by
resolving the whole site again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.fingerprint import RACY_SECONDS
from sitegen.load.discover import walk
from sitegen.locations import CONFIG_NAME, DEFAULT_THEME

if TYPE_CHECKING:
    from sitegen.pipeline import Prepared


def input_stamps(site_root: Path) -> tuple[dict[str, str], float]:
    """Every input file's stat stamp (content, static, themes, site.toml) by path, and
    the newest modification time among them."""
    problems: list = []
    paths = [f.path for folder in ("content", "static", "themes")
             for f in walk(site_root / folder, site_root, problems)]
    paths += sorted(p for p in DEFAULT_THEME.rglob("*") if p.is_file())
    if (site_root / CONFIG_NAME).exists():
        paths.append(site_root / CONFIG_NAME)
    stamps, newest = {}, 0.0
    for path in paths:
        info = path.stat()
        stamps[str(path)] = f"{info.st_mtime_ns}:{info.st_size}"
        newest = max(newest, info.st_mtime)
    return stamps, newest


def edited_files(site_root: Path, before: dict[str, str], now: dict[str, str], stamped_at: float
            ) -> list[str] | None:
    """The content files an edit changed (paths under the site), or None when files were
    added, removed or renamed, or anything but content files changed."""
    if before.keys() != now.keys():
        return None
    changed = []
    racy = (stamped_at - RACY_SECONDS) * 1e9
    content = str(site_root / "content") + "/"
    for path, stamp in now.items():
        if stamp != before[path] or int(stamp.split(":")[0]) >= racy:
            if not (path.startswith(content) and path.endswith(".md")):
                return None
            changed.append(path[len(str(site_root)) + 1:])
    return changed


def next_change(prepared: Prepared, files: Iterable[object], now: datetime
                 ) -> datetime | None:
    """The next moment at which the clock alone changes the site: an embargo lifting,
    an article's date arriving, or an article leaving the news sitemap's window."""
    from sitegen.load.records import ArticleSource
    from sitegen.resolve.schedule import next_moment

    articles = [record for entry in files
                if isinstance(record := getattr(entry, "record", None), ArticleSource)]
    return next_moment(articles, now)
