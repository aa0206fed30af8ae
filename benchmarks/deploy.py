"""`sitegen deploy` measured against a local SeaweedFS: a first deploy, and the deploy
after one article's edit, for the sample site and the benchmark corpus.

    python benchmarks/deploy.py [--articles 5000] [--workdir DIR] [--out benchmarks/RESULTS.md]

Each site is built with its search index (`sitegen build --now NOW`, as run.py builds),
deployed into an empty folder of a bucket, then one of the newest Danish articles gets a
paragraph (the sample site: its first article), the site is built again and deployed
again. Objects and bytes are the plan's (a `--dry-run` just before each deploy; the
manifest, one object more, is not counted); seconds are the wall time of the
`sitegen deploy` process, Python's start-up, the hashing of every file of the build and
the comparison included. The store runs on this machine (tests/seaweed.py), so the
figures are sitegen's and the store's work, not a network's. Rewrites only the
"## Deploy" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO / "tests"), str(HERE)]

from run import NOW, newest_article  # noqa: E402
from seaweed import PUBLIC_BUCKET, running_store  # noqa: E402

SITEGEN = [sys.executable, "-m", "sitegen"]
SECTION = "## Deploy"


@dataclass
class Row:
    site: str
    step: str
    objects: int
    bytes: int
    deleted: int
    unchanged: int
    seconds: float
    build_seconds: float


def run(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([*SITEGEN, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"sitegen {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def plan(site: Path, env: dict[str, str]) -> tuple[int, int, int, int]:
    """(objects, bytes, deletions, unchanged) of the next deploy, from a dry run."""
    out = run("deploy", "--site", str(site), "--dry-run", "--verbose", env=env)
    uploads = [line for line in out.splitlines() if line.startswith("  upload ")]
    sizes = 0
    for line in uploads:
        rel = line.split()[2]
        sizes += (site / "build" / rel).stat().st_size
    deletes = sum(line.startswith("  delete ") for line in out.splitlines())
    unchanged = int(re.search(r"(\d+) unchanged", out).group(1))  # type: ignore[union-attr]
    return len(uploads), sizes, deletes, unchanged


def measure(name: str, site: Path, edit: Path, env: dict[str, str]) -> list[Row]:
    rows = []
    for leftover in ("build", ".sitegen-cache"):  # the first build is a cold one
        shutil.rmtree(site / leftover, ignore_errors=True)
    for step in ("first deploy", "after one article's edit"):
        if step != "first deploy":
            text = edit.read_text(encoding="utf-8")
            edit.write_text(text.rstrip("\n") + "\n\nEt nyt afsnit til målingen.\n",
                            encoding="utf-8")
        started = time.perf_counter()
        run("build", "--site", str(site), "--now", NOW, "-q", env=env)
        built = time.perf_counter() - started
        objects, size, deleted, unchanged = plan(site, env)
        started = time.perf_counter()
        run("deploy", "--site", str(site), "-q", env=env)
        seconds = time.perf_counter() - started
        rows.append(Row(name, step, objects, size, deleted, unchanged, seconds, built))
        print(json.dumps(rows[-1].__dict__), flush=True)
    return rows


def add_deploy(site: Path, endpoint: str, prefix: str) -> None:
    """site.toml's [deploy] for this run's store (an earlier run's replaced)."""
    text = (site / "site.toml").read_text(encoding="utf-8").split("\n[deploy]\n")[0]
    (site / "site.toml").write_text(text, encoding="utf-8")
    with open(site / "site.toml", "a", encoding="utf-8") as stream:
        stream.write(f'\n[deploy]\nendpoint_url = "{endpoint}"\nbucket = "{PUBLIC_BUCKET}"\n'
                     f'prefix = "{prefix}"\naddressing_style = "path"\n')


def write_section(rows: list[Row], path: Path, command: str) -> None:
    lines = [SECTION, "",
             f"`{command}` (benchmarks/deploy.py) on {time.strftime('%Y-%m-%d')}: each site "
             "built with its search index and deployed into an empty folder of a bucket of a "
             "SeaweedFS on this machine (`weed mini`, tests/seaweed.py), then one of the "
             "newest Danish articles given a paragraph, built and deployed again. Objects "
             "and bytes: what the deploy uploaded (its plan; the manifest not counted). "
             "Seconds: the wall time of the `sitegen deploy` process, start-up, hashing "
             "every file of the build and the comparison with the bucket's manifest "
             "included; the build's own time beside it.",
             "",
             "| site | deploy | objects | bytes | deleted | unchanged | deploy s | build s |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row.site} | {row.step} | {row.objects:,} | {row.bytes:,} | "
                     f"{row.deleted} | {row.unchanged:,} | {row.seconds:.2f} | "
                     f"{row.build_seconds:.2f} |")
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    start = text.find(f"\n{SECTION}\n")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        old = text[start:end if end >= 0 else len(text)]
        measured = {row.site for row in rows}
        kept = [line for line in old.splitlines() if line.startswith("| ")
                and not line.startswith(("| site ", "|---"))
                and line.split(" | ")[0][2:] not in measured]
        lines.extend(kept)  # rows of sites not measured this time stay
        text = text[:start] + (text[end:] if end >= 0 else "\n")
    path.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000,
                        help="articles per language of the corpus (0: the sample site only)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="sitegen-deploy-"))
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(workdir / "seaweed", ignore_errors=True)  # every deploy a first one
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SITEGEN_"))}
    rows: list[Row] = []
    with running_store(workdir / "seaweed") as store:
        env.update({k: v for k, v in store.env.items() if k.startswith("AWS_")})
        sample = workdir / "sample"
        shutil.rmtree(sample, ignore_errors=True)
        sample.mkdir()
        shutil.copy2(REPO / "site.toml", sample / "site.toml")
        for folder in ("content", "static", "themes"):
            if (REPO / folder).is_dir():
                shutil.copytree(REPO / folder, sample / folder)
        add_deploy(sample, store.endpoint, "sample/")
        edit = sorted((sample / "content/da").rglob("*.md"))[0]
        rows += measure("sample site", sample, edit, env)
        if args.articles:
            corpus = workdir / f"corpus{args.articles}"
            if not (corpus / "site.toml").exists():
                subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(corpus),
                                "--articles", str(args.articles)], check=True)
            add_deploy(corpus, store.endpoint, f"corpus{args.articles}/")
            rows += measure(f"corpus, {args.articles:,} per language", corpus,
                            newest_article(corpus, args.articles, 0), env)
    command = "python benchmarks/deploy.py" + (
        f" --articles {args.articles}" if args.articles != 5000 else "")
    write_section(rows, args.out, command)
    print(f"wrote the {SECTION[3:]} section of {args.out}")


if __name__ == "__main__":
    main()
