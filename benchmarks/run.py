"""`make bench`: time, CPU, memory and build-store size of sitegen builds, and the targets.

    python benchmarks/run.py [--sizes 1000 5000] [--runs 3] [--out benchmarks/RESULTS.md]
                             [--serve [--serve-sizes 1000 5000] [--serve-edits 10]]
                             [--hugo-sizes [1000 ...]] [--hugo-runs N] [--hugo-only]
    python benchmarks/run.py --sizes 20000     # the large archive, on request: long

For each size (articles per language) it writes a corpus with make_corpus.py onto tmpfs
(/dev/shm when there is one, so the disk's speed is not measured) and builds it with a
new `sitegen build` process each time, as in CI or an editor's terminal: wall and CPU
seconds include Python's start-up. Every build makes the search index, as
`sitegen build` does by default; only the last row is without it, for reference:

  cold build        no cache, no output (`--clean` too)
  no-op             nothing changed since the last build
  article edited    a paragraph added to one of the newest Danish articles
  article retitled  another of the newest articles' title: lists, feeds, sitemap change
  person's phone    one person's phone number: their page, vCard, every page naming them
  new article       a new Danish article, the newest: front pages, lists, feeds shift
  template          the site's own copy of the tag template, changed
  cold, no search   as the cold build, with `--no-search`

Each row is the median wall time of --runs builds (each run edits anew), their median
CPU seconds (all processes of the build: render workers, Pagefind), the peak resident
memory of the largest single process (Linux's RUSAGE_CHILDREN, which is the largest
child, not a sum: forked workers share the model's pages), and the size on disk of
`.sitegen-cache/` after the build, the build store. After each edit the output is
checked, outside the timing: the build exited 0, the edited page shows the new words,
and the search index holds the new word (Pagefind's word index is gzip of CBOR, whose
strings are plain UTF-8, so a unique word is found in it without a decoder).

Only the command line is used (`--site`, `--out`, `--clean`, `--no-search`, `--now`,
`--quiet`), so the benchmark keeps working while the engine changes underneath.
Then sitegen against Hugo (benchmarks/vs_hugo.py, the corpus converted into a Hugo site by
benchmarks/hugo_site.py): cold builds of both, without and with the search index
(`hugo` then `pagefind --site public`), in turns, at --hugo-sizes (1,000 per language
unless told; `--hugo-sizes` with no size skips it), and their ratios printed last;
`--hugo-only` measures only that and rewrites only its section of RESULTS.md.

    python benchmarks/run.py --hugo-only --hugo-sizes 1000 5000

With --serve, benchmarks/serve_reload.py measures, at each --serve-sizes, the time from
saving an article to the new text on the screen of a browser tab. The targets table at
the top of RESULTS.md says which targets are met.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import vs_hugo  # noqa: E402
from make_corpus import hidden, make_corpus  # noqa: E402

NOW = "2026-11-25T12:00:00+00:00"  # fixed, so embargoes and "newest" never drift
NEW_ARTICLE_DATE = "2026-11-24 09:00"  # the day before NOW: the newest article

# Runs one command and reports its wall time, CPU time and the peak RSS of its largest
# process; a separate interpreter so that its RUSAGE_CHILDREN holds that build alone.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": done.returncode, "wall": wall,
                  "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
                  "stderr": done.stderr.decode("utf-8", "replace")[-3000:]}))
"""


def measure(command: list[str]) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                            text=True, check=True)
    data = json.loads(result.stdout)
    if data["code"] != 0:
        raise SystemExit(f"build failed (exit {data['code']}): {' '.join(command)}\n"
                         f"{data['stderr']}")
    return data


def settle(site: Path) -> None:
    """Date every source file an hour back: files changed seconds before a build are
    re-read on principle (a second save could hide in the same clock tick)."""
    past = time.time() - 3600
    for path in site.rglob("*"):
        if ".sitegen-cache" not in path.parts:
            os.utime(path, (past, past))


def store_mb(site: Path) -> float:
    """The build store's size on disk (allocated blocks, as du counts them)."""
    total = 0
    for path in (site / ".sitegen-cache").rglob("*"):
        try:
            stat = path.lstat()
        except FileNotFoundError:
            continue
        if not path.is_dir():
            total += stat.st_blocks * 512
    return total / 1024 / 1024


_serial = itertools.count(1)  # one number per edit, so no two edits write the same


def unique_word() -> str:
    """A word found nowhere else in the corpus, in lower-case letters (Pagefind keeps
    words lower-case and splits at digits) ending in 'x', which no Danish or Norwegian
    stemming rule cuts, so the word index holds it as it is written."""
    n, letters = next(_serial), ""
    while n:
        n, digit = divmod(n, 26)
        letters += chr(ord("a") + digit)
    return f"zqv{letters}bnkx"


@dataclass(frozen=True, slots=True)
class Expect:
    """What the rebuilt site must show: `text` on the page of the source file `stem`
    (out/LANG/SECTION/STEM/index.html) and, when `indexed`, `text` in the search index."""

    lang: str
    stem: str
    text: str
    indexed: bool = False


Edit = Callable[[Path, int, int], Expect | None]  # (site, articles per language, run)


def newest_article(site: Path, articles: int, rank: int) -> Path:
    """The `rank`-th newest published Danish article of the corpus (0: the newest).
    Editors mostly touch recent articles, and those are on the front pages and feeds."""
    published = [i for i in range(articles - 1, -1, -1) if not hidden(i)]
    number = published[rank % len(published)]
    found = sorted((site / "content/da").glob(f"*/artikel-{number:05d}.md"))
    if not found:
        raise SystemExit(f"benchmark corpus: no content/da/*/artikel-{number:05d}.md")
    return found[0]


def edit_article(site: Path, articles: int, run: int) -> Expect:
    path = newest_article(site, articles, run)
    word = unique_word()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\nNyt afsnit om {word} i dag.\n",
                    encoding="utf-8")
    return Expect("da", path.stem, word, indexed=True)


def retitle_article(site: Path, articles: int, run: int) -> Expect:
    # Among the newest 20, so on the front pages and in the feeds, not an edited one.
    path = newest_article(site, articles, 10 + run)
    word = unique_word()
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(r"(?m)^title: .*$", f'title: "Ny overskrift om {word}"', text,
                         count=1)
    if not count:
        raise SystemExit(f"benchmark corpus: no title in {path}")
    path.write_text(new, encoding="utf-8")
    return Expect("da", path.stem, word, indexed=True)


def edit_person(site: Path, articles: int, run: int) -> Expect:
    path = site / "content/people/person-0007.md"
    serial = next(_serial) % 10000
    phone = f"+45 70 00 {serial // 100:02d} {serial % 100:02d}"
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(r'(?m)^phone: .*$', f'phone: "{phone}"', text, count=1)
    if not count:
        raise SystemExit(f"benchmark corpus: no phone in {path}")
    path.write_text(new, encoding="utf-8")
    return Expect("da", path.stem, phone)


def new_article(site: Path, articles: int, run: int) -> Expect:
    """A copy of a published article's front matter and body, retitled, dated the day
    before NOW (the newest of all) and in no translation pair."""
    source = newest_article(site, articles, 100 + run)
    word = unique_word()
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith(("translation_key:", "updated:")):
            continue
        if line.startswith("title:"):
            line = f'title: "Nyhed om {word}"'
        elif line.startswith("date:"):
            line = f"date: {NEW_ARTICLE_DATE}"
        lines.append(line)
    target = site / "content/da" / NEW_ARTICLE_DATE[:4] / f"nyhed-{word}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Expect("da", target.stem, word, indexed=True)


def edit_template(site: Path, articles: int, run: int) -> None:
    """The site's own copy of the tag template, changed: the theme's override mechanism.
    Only a comment changes, so nothing is visible to check but the exit status."""
    source = REPO / "themes/default/templates/tag.html"
    target = site / "themes/default/templates/tag.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text(encoding="utf-8") + f"\n{{# benchmark {run} #}}\n",
                      encoding="utf-8")
    return None


# (key, the row's name, the edit before each run)
EDITS: list[tuple[str, str, Edit]] = [
    ("edit", "article edited", edit_article),
    ("retitle", "article retitled", retitle_article),
    ("phone", "person's phone", edit_person),
    ("new", "new article", new_article),
    ("template", "template", edit_template),
]


def search_index_text(out: Path) -> bytes:
    """Pagefind's word index, decompressed: the words a search can find."""
    parts = [gzip.decompress(path.read_bytes())
             for path in sorted((out / "pagefind").rglob("*.pf_index"))]
    return b"\n".join(parts)


def verify(out: Path, expect: Expect) -> str:
    """Fail loudly if the rebuilt output lacks the edit; say what was checked."""
    pages = sorted(out.glob(f"{expect.lang}/*/{expect.stem}/index.html"))
    if not pages:
        raise SystemExit(f"check: no page for {expect.stem} under {out / expect.lang}")
    if expect.text not in pages[0].read_text(encoding="utf-8"):
        raise SystemExit(f"check: {pages[0]} does not show {expect.text!r}")
    if not expect.indexed:
        return "page"
    if expect.text.encode() not in search_index_text(out):
        raise SystemExit(f"check: the search index of {out} lacks {expect.text!r}")
    return "page, search"


@dataclass(frozen=True, slots=True)
class Row:
    """One scenario at one size: medians over its runs, and what was checked."""

    size: int  # articles per language
    key: str  # the scenario, as the targets name it
    scenario: str  # the scenario, as RESULTS.md names it
    wall: float  # seconds, median
    cpu: float  # seconds of all the build's processes, median
    rss_mb: float  # the largest single process's peak resident set, over all runs
    store_mb: float  # .sitegen-cache/ on disk after the row's last build
    pages_per_s: float | None  # rendered files per wall second, for cold builds
    runs: int
    checked: str  # what verify() found in the output after each run


@dataclass(frozen=True, slots=True)
class Figure:
    median: float  # seconds
    p90: float  # seconds


@dataclass(frozen=True, slots=True)
class ServeRow:
    """serve_reload.py at one size."""

    size: int
    edits: int
    announced: Figure  # save -> the live-reload stream announces the rebuild
    shown: Figure | None  # save -> the new text in the browser tab (None: no browser)
    rebuild: float | None = None  # serve's own "rebuilt in" figure for the last edit, s

    @property
    def felt(self) -> Figure:
        """The figure the editor feels: shown, or announced without a browser."""
        return self.shown or self.announced


def rendered_files(out: Path) -> int:
    """Files the build rendered: not the search index, nor media and theme copies."""
    return sum(1 for p in out.rglob("*")
               if p.is_file() and p.relative_to(out).parts[0] not in ("pagefind", "media",
                                                                      "theme"))


def bench_size(articles: int, runs: int, workdir: Path) -> list[Row]:
    site = workdir / f"site-{articles}"
    out = workdir / f"out-{articles}"
    print(f"corpus: {articles} articles per language ...", flush=True)
    make_corpus(site, articles, people=200, clusters=20)
    settle(site)
    sitegen = [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--out",
               str(out), "--quiet", "--now", NOW]
    rows: list[Row] = []

    def record(key: str, name: str, samples: list[dict[str, float]], pages: int = 0,
               checked: str = "exit 0") -> None:
        wall = statistics.median(s["wall"] for s in samples)
        row = Row(articles, key, name, wall, statistics.median(s["cpu"] for s in samples),
                  max(s["rss_mb"] for s in samples), store_mb(site),
                  pages / wall if pages else None, len(samples), checked)
        rows.append(row)
        print(f"  {name:18} {wall:7.2f} s wall  {row.cpu:7.2f} s CPU  "
              f"{row.rss_mb:6.0f} MB peak  {row.store_mb:6.1f} MB store  ({checked})",
              flush=True)

    def cold(extra: list[str]) -> list[dict[str, float]]:
        samples = []
        for _ in range(runs):
            shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            samples.append(measure(sitegen + ["--clean", *extra]))
        return samples

    samples = cold([])
    pages = rendered_files(out)
    record("cold", "cold build", samples, pages)
    measure(sitegen)  # the cache as a normal build leaves it, after the last --clean
    time.sleep(2.1)  # so that the files that build wrote are past the racy window
    record("noop", "no-op", [measure(sitegen) for _ in range(runs)])
    for key, name, edit in EDITS:
        samples, checked = [], "exit 0"
        for run in range(runs):
            expect = edit(site, articles, run)
            samples.append(measure(sitegen))
            if expect is not None:
                checked = verify(out, expect)
        record(key, name, samples, checked=checked)
    record("cold-nosearch", "cold, no search", cold(["--no-search"]), pages)
    return rows


def serve_reload(articles: int, edits: int) -> ServeRow:
    """benchmarks/serve_reload.py at one size: median and p90 of save-to-screen (or of
    save-to-announced, when there is no browser to drive)."""
    browser = shutil.which("chromium") is not None
    try:
        import playwright  # noqa: F401
    except ImportError:
        browser = False
    command = [sys.executable, str(HERE / "serve_reload.py"), "--articles", str(articles),
               "--edits", str(edits)] + ([] if browser else ["--no-browser"])
    print(f"serve reload: {articles} articles per language, {edits} edits ...", flush=True)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"serve_reload.py failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    figures: dict[str, Figure] = {}
    for label in ("announced", "shown"):
        match = re.search(rf"(?m)^{label}\s+median\s+(\d+) ms\s+p90\s+(\d+) ms", done.stdout)
        if match:
            figures[label] = Figure(int(match[1]) / 1000, int(match[2]) / 1000)
    if "announced" not in figures:
        raise SystemExit(f"serve_reload.py printed no figures:\n{done.stdout[-3000:]}")
    said = re.findall(r"(?m)^serve said.*rebuilt in (\d+) ms", done.stdout)
    row = ServeRow(articles, edits, figures["announced"], figures.get("shown"),
                   int(said[-1]) / 1000 if said else None)
    print(f"  median {row.felt.median:.2f} s, p90 {row.felt.p90:.2f} s "
          f"({'shown in the browser' if row.shown else 'announced, no browser'})", flush=True)
    return row


@dataclass(frozen=True, slots=True)
class Target:
    """One goal of the engine work: `metric` of row `key` at `size` at most `limit`."""

    size: int
    key: str  # a build row's key, or "serve"
    metric: str  # "wall", "rss_mb", or "median" for serve
    limit: float
    what: str

    def measured(self, rows: list[Row], serve: list[ServeRow]) -> float | None:
        if self.key == "serve":
            found = [r.felt for r in serve if r.size == self.size]
            return getattr(found[0], self.metric) if found else None
        found_rows = [r for r in rows if r.size == self.size and r.key == self.key]
        return getattr(found_rows[0], self.metric) if found_rows else None


TARGETS = [
    Target(5000, "edit", "wall", 0.5, "article edited"),
    Target(5000, "retitle", "wall", 0.8, "article retitled"),
    Target(5000, "phone", "wall", 0.5, "person's phone"),
    Target(5000, "new", "wall", 1.0, "new article"),
    Target(5000, "noop", "wall", 0.3, "no-op"),
    Target(20000, "edit", "wall", 0.7, "article edited"),
    Target(20000, "noop", "wall", 0.4, "no-op"),
    Target(5000, "serve", "median", 0.3, "serve: save to new text on screen, median"),
    Target(1000, "serve", "median", 0.2, "serve: save to new text on screen, median"),
    Target(5000, "edit", "rss_mb", 150, "peak memory of an article-edited build"),
]


def targets_table(rows: list[Row], serve: list[ServeRow]) -> list[str]:
    lines = ["| articles per language | target | limit | measured | verdict |",
             "|---:|---|---:|---:|---|"]
    for target in TARGETS:
        unit = " MB" if target.metric == "rss_mb" else " s"
        value = target.measured(rows, serve)
        if value is None:
            shown, verdict = "", "not measured"
        else:
            shown = f"{value:.0f}{unit}" if unit == " MB" else f"{value:.2f}{unit}"
            verdict = "met" if value <= target.limit else "**missed**"
        limit = f"{target.limit:.0f}{unit}" if unit == " MB" else f"{target.limit:g}{unit}"
        lines.append(f"| {target.size:,} | {target.what} | <= {limit} | {shown} | {verdict} |")
    return lines


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{cores} cores ({cpu}){memory}; Python {platform.python_version()}; "
            f"{platform.system()} {platform.release()}")


def write_results(rows: list[Row], serve: list[ServeRow], path: Path, workdir: Path) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Made by `make bench` (`python benchmarks/run.py`) on {date.today().isoformat()}.",
        f"Machine: {machine()}. Output and corpus on {workdir} "
        f"({'tmpfs' if str(workdir).startswith('/dev/shm') else 'disk'}).",
        "",
        "## Targets",
        "",
        *targets_table(rows, serve),
        "",
        "## Builds",
        "",
        "Corpus: `benchmarks/make_corpus.py`, N articles per language (da, no), 150-1,500 "
        "words each (log-uniform, median about 475), 70 % in translation pairs, 200 people, "
        "20 clusters, a few drafts and embargoed articles. Every build is a new "
        "`sitegen build` process (Python start-up included) **with the search index**, as "
        "`sitegen build` runs by default, except the last row (`--no-search`); as many "
        "render processes as cores. Wall and CPU: the median of the runs; CPU counts every "
        "process of the build (workers, Pagefind). Peak MB: the largest single process's "
        "resident set. Store MB: `.sitegen-cache/` on disk after the build. Scenarios "
        "(the docstring of `benchmarks/run.py` has the details): a paragraph added to, or "
        "the title changed of, one of the newest Danish articles; one person's phone; a "
        "new newest article; the site's copy of `tag.html` changed. Checked: what was "
        "verified after each build of the row (the page shows the new words; the search "
        "index holds the new word).",
        "",
        "| articles per language | scenario | wall s | CPU s | peak MB | store MB | pages/s "
        "| runs | checked |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        pps = f"{row.pages_per_s:.0f}" if row.pages_per_s else ""
        lines.append(f"| {row.size:,} | {row.scenario} | {row.wall:.2f} | {row.cpu:.2f} | "
                     f"{row.rss_mb:.0f} | {row.store_mb:.1f} | {pps} | {row.runs} | "
                     f"{row.checked} |")
    if serve:
        lines += [
            "",
            "## Serve: save to new text on screen",
            "",
            "`benchmarks/serve_reload.py`: `sitegen serve` on a synthetic site, one article "
            "open in headless Chromium, the article's Markdown saved N times; each time, "
            "the seconds from the save until the new text is in the tab (\"shown\"), and "
            "until the live-reload stream announced the rebuild (\"announced\"), and "
            "serve's own rebuild time for the last save.",
            "",
            "| articles per language | shown, median | shown, p90 | announced, median "
            "| announced, p90 | rebuild, last save | edits |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in serve:
            shown = (f"{row.shown.median:.2f} s | {row.shown.p90:.2f} s" if row.shown
                     else "(no browser) | ")
            lines.append(f"| {row.size:,} | {shown} | {row.announced.median:.2f} s | "
                         f"{row.announced.p90:.2f} s | "
                         f"{'' if row.rebuild is None else f'{row.rebuild:.2f} s'} | "
                         f"{row.edits} |")
    made = {line for line in lines if line.startswith("## ")}
    for heading, section in old_sections(path).items():
        if heading not in made and heading != vs_hugo.TITLE.strip():
            lines += ["", *section]  # measured by another script (Deploy): kept as it was
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def old_sections(path: Path) -> dict[str, list[str]]:
    """RESULTS.md's sections as they are now: heading -> its lines (heading first)."""
    if not path.is_file():
        return {}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line, [])
        if current is not None:
            current.append(line)
    return {heading: lines[:len(lines) - next(
        (i for i, text in enumerate(reversed(lines)) if text.strip()), 0)]
        for heading, lines in sections.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000],
                        help="articles per language (20000 on request: long)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--serve", action="store_true",
                        help="also measure serve's save-to-screen time (serve_reload.py)")
    parser.add_argument("--serve-sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--serve-edits", type=int, default=10)
    parser.add_argument("--hugo-sizes", type=int, nargs="*", default=[1000],
                        help="sizes of the side-by-side with Hugo (none: skip it)")
    parser.add_argument("--hugo-runs", type=int, default=None,
                        help="its counted rounds (default 5; 3 above 2,000 per language)")
    parser.add_argument("--hugo-only", action="store_true",
                        help="only the side-by-side with Hugo; only its section is written")
    args = parser.parse_args()
    if args.hugo_only:
        vs_hugo.measure(args.hugo_sizes, args.hugo_runs, 1, args.out)
        print(f"wrote {args.out}")
        return
    if args.hugo_sizes:  # before the long part: Hugo and Pagefind must be there
        vs_hugo.hugo_site.hugo_binary()
        vs_hugo.hugo_site.pagefind_binary()
    # The side-by-side's section, and its rows of sizes not measured now, survive.
    kept, kept_section = vs_hugo.old_rows(args.out), vs_hugo.old_section(args.out)
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-", dir=base) as tmp:
        workdir = Path(tmp)
        rows: list[Row] = []
        for size in args.sizes:
            rows += bench_size(size, args.runs, workdir)
            shutil.rmtree(workdir / f"site-{size}", ignore_errors=True)
            shutil.rmtree(workdir / f"out-{size}", ignore_errors=True)
        serve = [serve_reload(size, args.serve_edits) for size in args.serve_sizes] \
            if args.serve else []
        write_results(rows, serve, args.out, workdir)
    hugo_rows: list[str] = []
    if args.hugo_sizes:
        results, hugo_rows = vs_hugo.collect(args.hugo_sizes, args.hugo_runs, 1)
        vs_hugo.write_section(args.out, hugo_rows, kept, results)
    elif kept_section:
        vs_hugo.put_section(args.out, kept_section)
    for line in targets_table(rows, serve):
        print(line)
    if hugo_rows:
        vs_hugo.print_rows(hugo_rows)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
