"""`make bench`: build time, CPU and memory of sitegen on synthetic corpora.

    python benchmarks/run.py [--sizes 1000 5000] [--runs 3] [--out benchmarks/RESULTS.md]

For each size (articles per language) it writes a corpus with make_corpus.py onto tmpfs
(/dev/shm when there is one), then measures, each as the median of --runs runs:
a cold build (no cache), a no-op rebuild, a rebuild after one article's text changed,
after one person's phone number changed, and after one template changed. Every build
is a fresh `sitegen build` process, as in CI or an editor's terminal; wall and CPU
seconds include Python's start-up. Peak memory is the largest resident set of any one
process of the build (render workers are forked and share the model's pages).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_corpus import make_corpus  # noqa: E402

# Runs one command and reports its wall time, CPU time and the peak RSS of its processes.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024}))
"""


def measure(command: list[str]) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                            text=True, check=True)
    data = json.loads(result.stdout)
    if data["code"] != 0:
        raise SystemExit(f"build failed: {' '.join(command)}")
    return data


def settle(site: Path) -> None:
    """Date every source file an hour back: files changed seconds before a build are
    re-read on principle (a second save could hide in the same clock tick)."""
    past = time.time() - 3600
    for path in site.rglob("*"):
        if ".sitegen-cache" not in path.parts:
            os.utime(path, (past, past))


def edit_article(site: Path, run: int) -> None:
    path = sorted((site / "content/da").rglob("*.md"))[7 + run]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n\n", f"\n\nBenchmarkændring {run}.\n\n", 1),
                    encoding="utf-8")


def edit_person(site: Path, run: int) -> None:
    path = site / "content/people/person-0007.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("phone: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + f'phone: "+45 70 00 {run:02d} 00"' + text[end:],
                    encoding="utf-8")


def edit_template(site: Path, run: int) -> None:
    """A site's own copy of the tag template, changed: the theme's override mechanism."""
    source = REPO / "themes/default/templates/tag.html"
    target = site / "themes/default/templates/tag.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text(encoding="utf-8") + f"\n{{# benchmark {run} #}}\n",
                      encoding="utf-8")


REPO = HERE.parent
SCENARIOS = [("one article edited", edit_article), ("one person's phone", edit_person),
             ("one template", edit_template)]


def bench_size(articles: int, runs: int, workdir: Path) -> list[dict[str, object]]:
    site = workdir / f"site-{articles}"
    out = workdir / f"out-{articles}"
    print(f"corpus: {articles} articles per language ...", flush=True)
    make_corpus(site, articles, people=200, clusters=20)
    settle(site)
    with_search = [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--out",
                   str(out), "--quiet", "--now", "2026-11-25T12:00:00+00:00"]
    sitegen = with_search + ["--no-search"]
    rows: list[dict[str, object]] = []

    def record(name: str, samples: list[dict[str, float]], pages: int) -> None:
        wall = statistics.median(s["wall"] for s in samples)
        row = {"size": articles, "scenario": name, "wall": wall,
               "cpu": statistics.median(s["cpu"] for s in samples),
               "rss_mb": max(s["rss_mb"] for s in samples),
               "pages_per_s": pages / wall if pages else None, "runs": len(samples)}
        rows.append(row)
        print(f"  {name:22} {wall:7.2f} s wall  {row['cpu']:7.2f} s CPU  "
              f"{row['rss_mb']:6.0f} MB", flush=True)

    cold = []
    for _ in range(runs):
        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        cold.append(measure(sitegen + ["--clean"]))
    pages = sum(1 for p in out.rglob("*") if p.is_file())
    record("cold build", cold, pages)
    measure(sitegen)  # warm the cache after the last --clean
    time.sleep(2.1)
    record("no-op rebuild", [measure(sitegen) for _ in range(runs)], 0)
    for name, edit in SCENARIOS:
        samples = []
        for run in range(runs):
            edit(site, run)
            samples.append(measure(sitegen))
        record(name, samples, 0)
    # The same with the search index (Pagefind re-indexes every article page when one
    # changes): fewer runs, it is the slow part.
    search_runs = max(1, runs // 2)
    cold = []
    for _ in range(search_runs):
        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        cold.append(measure(with_search + ["--clean"]))
    record("cold build + search", cold, pages)
    samples = []
    for run in range(search_runs):
        edit_article(site, 100 + run)
        samples.append(measure(with_search))
    record("one article + search", samples, 0)
    return rows


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
    return (f"{os.cpu_count()} cores ({cpu}){memory}; Python {platform.python_version()}; "
            f"{platform.system()} {platform.release()}")


def write_results(rows: list[dict[str, object]], path: Path, workdir: Path) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Made by `make bench` (`python benchmarks/run.py`) on {date.today().isoformat()}.",
        f"Machine: {machine()}. Output and corpus on {workdir} "
        f"({'tmpfs' if str(workdir).startswith('/dev/shm') else 'disk'}).",
        "",
        "Corpus: `benchmarks/make_corpus.py`, N articles per language (da, no), 150-1,500 "
        "words each (log-uniform, median about 475), 70 % in translation pairs, 200 people, "
        "20 clusters, a few drafts and embargoed articles. Each figure is the median of the "
        "runs shown; every build is a new `sitegen build` process (Python start-up "
        "included), with as many render processes as cores. Rows without \"search\" are built "
        "with `--no-search`; the search index (Pagefind) is measured in its own rows.",
        "",
        "| articles per language | scenario | wall s | CPU s | peak MB | pages/s | runs |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        pps = f"{row['pages_per_s']:.0f}" if row["pages_per_s"] else ""
        lines.append(f"| {row['size']} | {row['scenario']} | {row['wall']:.2f} | "
                     f"{row['cpu']:.2f} | {row['rss_mb']:.0f} | {pps} | {row['runs']} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark sitegen builds.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-", dir=base) as tmp:
        workdir = Path(tmp)
        rows = []
        for size in args.sizes:
            rows += bench_size(size, args.runs, workdir)
        write_results(rows, args.out, workdir)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
