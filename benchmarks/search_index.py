"""Indexing cost: the whole archive in one Pagefind bundle vs. bucket by bucket.

Takes a built site (its pages are the input; nothing in it is changed) and times, into
a scratch folder beside it:

1. one bundle of every published article page, Pagefind's command line (the layout
   before buckets);
2. every bucket, in one Pagefind service process (a clean build);
3. an edit to one article: only the language's overlay is built (the buckets' stamps
   match, or their records show the one pending page);
4. nothing changed (stamps only);
5. an edit to another article with the overlay off (PENDING_LIMIT = 0): its bucket is
   rebuilt whole, as before the overlay.

    .venv/bin/python benchmarks/search_index.py --site /tmp/c5000 --out /tmp/c5000-out
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sitegen import search
from sitegen.pipeline import prepare
from sitegen.resolve import BuildOptions
from sitegen.search_pagefind import executable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the site, built")
    args = parser.parse_args(argv)
    prepared = prepare(args.site, BuildOptions(now=datetime.now(UTC)))
    site, pages = prepared.site, prepared.pages
    chosen = search.searchable(site, pages)
    started = time.perf_counter()
    digests = {p.output: search._page_digest(args.out / p.output) for p in chosen}
    print(f"{len(chosen)} pages; hashing them from disk: "
          f"{time.perf_counter() - started:.2f} s (the engine gives digests instead)")
    scratch = Path(tempfile.mkdtemp(prefix=".bench-index-", dir=args.out.parent))
    try:
        whole = scratch / "whole"
        search._link_pages(chosen, lambda rel: args.out / rel, whole / "pages")
        started = time.perf_counter()
        subprocess.run([str(executable()), "--site", str(whole / "pages"), "--output-path",
                        str(whole / "bundle"), "--quiet"], check=True, cwd=scratch)
        print(f"1. one bundle, all pages:       {time.perf_counter() - started:6.2f} s")

        current = scratch / "current"
        current.mkdir()

        def update(label: str, work: str) -> search.IndexStats:
            change = search.prepare_index(site, pages, digests, current,
                                          lambda rel: args.out / rel, scratch / work)
            stats = change.stats
            rebuilt = (", ".join(stats.rebuilt) if len(stats.rebuilt) < 4
                       else f"{len(stats.rebuilt)} buckets")
            print(f"{label} {rebuilt or 'nothing'} rebuilt: "
                  f"{stats.seconds:6.2f} s (Pagefind {stats.indexing:.2f} s)")
            search.apply_change(current, change, scratch / f"{work}-trash")
            return stats

        update("2. every bucket, one process:", "all")
        edited = next(p for p in chosen if search.bucket_of(site, p).endswith("-2020"))
        digests[edited.output] = "edited"
        update("3. one article edited:", "edit")
        update("4. nothing changed:", "none")
        other = next(p for p in chosen if search.bucket_of(site, p).endswith("-2021"))
        digests[other.output] = "edited"
        limit, search.PENDING_LIMIT = search.PENDING_LIMIT, 0
        try:
            update("5. another, no overlay:", "bucket")
        finally:
            search.PENDING_LIMIT = limit
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
