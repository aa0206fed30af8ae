"""What a site's search index finds, decoded from its files: to compare two indexes made
differently (a clean build has only the buckets, of years and of people and
organisations; an incremental one may have an overlay too, see docs/search.md) by what
searching them gives rather than by their bytes.

    assert index_contents(incremental_out) == index_contents(clean_out)
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from sitegen import search, search_canonical


def index_contents(out: Path) -> dict[str, Any]:
    """url -> {"words": word -> positions, "fragment": what a result shows}, for every
    page a search can find, per language as the search page merges the bundles: the
    buckets (years and directory) and the overlay, without the stale results, an
    unchanged page the overlay repeats once; and "<lang> filters" -> the filter menus'
    values. Raises AssertionError when one URL would be found in two different
    versions."""
    index = out / search.INDEX_DIR
    found: dict[str, Any] = {}
    if not index.is_dir():
        return found
    for filters in sorted(index.glob("*-filters.json")):
        lang = filters.name[:-len("-filters.json")]
        about = json.loads(filters.read_text(encoding="utf-8"))
        overlay = about.pop(search.OVERLAY_KEY, {})
        stale = set(overlay.get("stale", []))
        found[f"{lang} filters"] = about
        bundles = [p for p in sorted(index.iterdir())
                   if p.is_dir() and search.is_bucket(p.name, lang)]
        if overlay.get("bundle"):
            bundles.append(out / overlay["bundle"].strip("/"))
        for bundle in bundles:
            for page_id, page in bundle_pages(bundle).items():
                if page_id in stale:
                    continue
                url = page["fragment"]["url"]
                assert found.get(url, page) == page, f"{url} is found in two versions"
                found[url] = page
    return found


def bundle_pages(bundle: Path) -> dict[str, dict[str, Any]]:
    """Pagefind's page id -> the page's words (with positions) and fragment, of one
    bundle."""
    entry = json.loads((bundle / search.ENTRY).read_text(encoding="utf-8"))
    pages: dict[str, dict[str, Any]] = {}
    for info in entry["languages"].values():
        meta = read(bundle / f"pagefind.{info['hash']}.pf_meta")
        ids = [page[0] for page in meta[1]]
        fields = meta[5] if len(meta) > 5 else []  # the bundle's metadata names
        words: dict[str, dict[str, Any]] = {page_id: {} for page_id in ids}
        for _first, _last, chunk in meta[2]:
            for word, postings, *_rest in read(bundle / "index" / f"{chunk}.pf_index")[0]:
                number = 0
                for delta, *positions in postings:  # page numbers are delta-encoded
                    number += delta
                    words[ids[number]][word] = _by_name(positions, fields)
        for page_id in ids:
            raw = gzip.decompress((bundle / "fragment" / f"{page_id}.pf_fragment").read_bytes())
            pages[page_id] = {"words": words[page_id],
                              "fragment": json.loads(raw[len(search_canonical.MAGIC):])}
    return pages


def _by_name(positions: list[Any], fields: list[str]) -> list[Any]:
    """A word's positions in a page, its positions in the page's metadata by the
    metadata's name: Pagefind numbers them by the bundle's list of names (-k: the k-th
    name, then its positions), which differs between bundles that hold pages with other
    metadata (the overlay holds articles, with a date, and people, without)."""
    if len(positions) < 2 or not isinstance(positions[1], list) or not fields:
        return positions
    named: dict[str, list[int]] = {}
    current: list[int] = []
    for value in positions[1]:
        if isinstance(value, int) and value < 0 and -value <= len(fields):
            current = named.setdefault(fields[-value - 1], [])
        else:
            current.append(value)
    return [positions[0], dict(sorted(named.items())), *positions[2:]]


def read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(search_canonical.MAGIC), path
    value, _end = search_canonical.decode(raw[len(search_canonical.MAGIC):], 0)
    return value


def site_contents(out: Path) -> dict[str, Any]:
    """A built site as readers get it, to compare an incremental build with a clean one:
    every file's bytes, except the search index, which is compared by what it finds
    (an incremental build may hold an overlay that a clean build has not)."""
    if not out.exists():
        return {}
    files: dict[str, Any] = {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".sitegen-output"
        and not p.relative_to(out).as_posix().startswith(f"{search.INDEX_DIR}/")}
    files[f"{search.INDEX_DIR}/ (what it finds)"] = index_contents(out)
    return files
