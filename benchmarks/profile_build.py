"""Where a cold build's time goes: cProfile one full build, in one process, by step.

    python benchmarks/profile_build.py SITE [--out DIR]

Prints each step's share of the build (cumulative time of the function that does it).
One process (-j 1) so that the profile sees all the work; cProfile slows Python code
down, so read shares, not seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sitegen.pipeline import build
from sitegen.resolve import BuildOptions

# step -> (module path fragment, function name)
STEPS = {
    "discovery": ("sitegen/load/discover.py", "discover"),
    "loading (YAML, fields)": ("sitegen/load/content.py", "load_discovered"),
    "Markdown": ("sitegen/resolve/bodies.py", "render_bodies"),
    "resolve (all, with Markdown)": ("sitegen/resolve/site.py", "resolve_site"),
    "templates (Jinja2)": ("jinja2/environment.py", "render"),
    "sitemaps": ("sitegen/render/sitemap.py", "render_urlset"),
    "feeds": ("sitegen/render/feeds.py", "render_feed"),
    "search index": ("sitegen/search.py", "index_published"),
    "rendering and writing pages": ("sitegen/pipeline.py", "render_in_turn"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="sitegen-profile-")) / "out"
    options = BuildOptions(now=datetime.now(UTC))
    profile = cProfile.Profile()
    profile.runcall(build, args.site, out, options, None, 1)
    stats = pstats.Stats(profile)
    total = max(ct for (_, _, _), (_, _, _, ct, _) in stats.stats.items())  # type: ignore[attr-defined]
    print(f"{'step':32} {'share':>7}")
    for step, (fragment, name) in STEPS.items():
        seconds = sum(ct for (file, _, func), (_, _, _, ct, _) in stats.stats.items()  # type: ignore[attr-defined]
                      if func == name and fragment in file)
        print(f"{step:32} {100 * seconds / total:6.1f} %")


if __name__ == "__main__":
    main()
