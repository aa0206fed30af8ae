"""Two builds of the same content are byte-identical; only the clock may change the
output, and only where it should (an embargo lifting, the news sitemap's window).

Each pair of builds runs in two processes with different PYTHONHASHSEED, so a set or
a hash-ordered collection that leaks into the output makes the bytes differ.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, REPO, copy_sample

# sitegen's own bookkeeping file in the output. Its last line (the engine's output_id)
# is made from file paths, stat times and the wall clock, so it can differ between two
# builds of the same content; a known engine issue, so the comparisons leave it out.
MARKER = ".sitegen-output"

MANY = {
    # people, clusters and tags in an order no sort would give, to tempt a set
    **{f"content/people/p{n}.md": f"---\nname: Person {n} Ø\nrole: Rolle {n}\n"
       f"clusters: [c{(n * 7) % 5}, c{(n * 3) % 5}]\n---\n" for n in range(8)},
    **{f"content/clusters/c{n}.md": f"---\nname: Klynge {n}\n---\n" for n in range(5)},
    **{f"content/da/2022/a{n}.md": (
        f"---\ntitle: Artikel {n} & <mere>\ndate: 2022-0{1 + n % 9}-1{n % 10} 0{n % 10}:30\n"
        f"authors: [p{n % 8}, p{(n * 5) % 8}]\ncontacts: [p{(n * 3) % 8}]\n"
        f"clusters: [c{n % 5}, c{(n * 2) % 5}]\n"
        f"tags: [zeta, alfa {n % 3}, Ærø, beta {n % 4}]\ntranslation_key: k{n}\n---\n"
        f"Tekst {n} med [link](/da/2022/a{(n + 1) % 12}.md).\n") for n in range(12)},
    **{f"content/no/2022/a{n}.md": (
        f"---\ntitle: Artikkel {n}\ndate: 2022-0{1 + n % 9}-1{n % 10} 0{n % 10}:45\n"
        f"authors: [p{n % 8}]\nclusters: [c{(n * 4) % 5}]\ntags: [zeta, Øst]\n"
        f"translation_key: k{n}\n---\nTekst.\n") for n in range(0, 12, 2)},
}


def snapshot(out: Path) -> dict[str, bytes]:
    """Every published file's bytes, by path (the marker aside, see MARKER)."""
    return {path.relative_to(out).as_posix(): path.read_bytes()
            for path in sorted(out.rglob("*")) if path.is_file() and path.name != MARKER}


def pin_theme(site: Path) -> Path:
    """Give the site its own copy of the default theme, so that someone editing the
    theme in this checkout between two builds cannot make them differ."""
    shutil.copytree(REPO / "themes", site / "themes", dirs_exist_ok=True)
    return site


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(rel for rel in a.keys() | b.keys() if a.get(rel) != b.get(rel))


def build_in_process(site: Path, out: Path, seed: int, *args: str) -> dict[str, bytes]:
    """`python -m sitegen build` in a fresh interpreter with the given hash seed."""
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    env.pop("SITEGEN_NOW", None)
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--out", str(out),
         "-q", *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return snapshot(out)

def assert_identical(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    changed = differing(a, b)
    assert not changed, (f"{len(changed)} of {len(a | b)} files differ between two builds "
                         f"of the same content: {', '.join(changed[:12])}")


def test_sample_site_builds_byte_identical(tmp_path: Path) -> None:
    site = copy_sample(tmp_path / "site")
    first = build_in_process(site, tmp_path / "one", 1, "--now", NOW)
    second = build_in_process(site, tmp_path / "two" / "deeper", 2, "--now", NOW)
    assert_identical(first, second)
    kinds = {rel.rsplit(".", 1)[-1] for rel in first}
    assert {"html", "xml", "vcf", "txt"} <= kinds


def test_a_busy_site_builds_byte_identical(make_site, tmp_path: Path) -> None:
    site = pin_theme(make_site(MANY))
    first = build_in_process(site, tmp_path / "one", 11, "--now", NOW)
    second = build_in_process(site, tmp_path / "two", 12, "--now", NOW)
    assert_identical(first, second)
    assert "da/emner/zeta/index.html" in first and "da/personer/p3/p3.vcf" in first


def test_sitegen_now_is_the_same_as_now(make_site, run_cli, monkeypatch, tmp_path) -> None:
    site = pin_theme(make_site(MANY))
    assert run_cli("build", "--site", site, "--out", tmp_path / "flag", "--now", NOW)[0] == 0
    monkeypatch.setenv("SITEGEN_NOW", NOW)
    assert run_cli("build", "--site", site, "--out", tmp_path / "env")[0] == 0
    assert_identical(snapshot(tmp_path / "flag"), snapshot(tmp_path / "env"))


EMBARGOED = """\
---
title: Fremtiden
date: 2030-05-01 12:00
tags: [eksport]
---
Ikke før maj 2030.
"""


def test_sitegen_now_decides_the_embargo(make_site, run_cli, monkeypatch, tmp_path) -> None:
    site = pin_theme(make_site({"content/da/2030/fremtiden.md": EMBARGOED}))
    page = "da/nyheder/fremtiden/index.html"
    monkeypatch.setenv("SITEGEN_NOW", "2030-05-01T11:59:00+02:00")
    assert run_cli("build", "--site", site, "--out", tmp_path / "before")[0] == 0
    monkeypatch.setenv("SITEGEN_NOW", "2030-05-01T12:00:00+02:00")
    assert run_cli("build", "--site", site, "--out", tmp_path / "after")[0] == 0
    before, after = snapshot(tmp_path / "before"), snapshot(tmp_path / "after")
    assert page not in before and page in after
    assert b"Fremtiden" not in before["da/rss.xml"] and b"Fremtiden" in after["da/rss.xml"]
    # --now wins over the environment
    assert run_cli("build", "--site", site, "--out", tmp_path / "flag",
                   "--now", "2030-05-01T11:59:00+02:00")[0] == 0
    assert_identical(before, snapshot(tmp_path / "flag"))


def test_the_clock_changes_nothing_else(make_site, run_cli, tmp_path) -> None:
    """Later builds differ only in what the clock rules: here, the news sitemap."""
    site = pin_theme(make_site(MANY))  # the newest article: 2022-09-18 08:45, in Norwegian
    snapshots = {}
    for name, now in (("news", "2022-09-20T08:00:00+02:00"),  # a day after the newest
                      ("week", "2022-09-26T08:00:00+02:00"),  # nothing is news any more
                      ("year", "2025-09-26T08:00:00+02:00")):
        assert run_cli("build", "--site", site, "--out", tmp_path / name, "--now", now)[0] == 0
        snapshots[name] = snapshot(tmp_path / name)
    assert differing(snapshots["week"], snapshots["year"]) == []
    assert differing(snapshots["news"], snapshots["week"]) == ["news-sitemap.xml"]
    assert b"<news:news>" in snapshots["news"]["news-sitemap.xml"]
    assert b"<news:news>" not in snapshots["week"]["news-sitemap.xml"]


@pytest.mark.parametrize("flag", ["--drafts", "--future"])
def test_previews_are_deterministic_too(make_site, tmp_path: Path, flag: str) -> None:
    site = pin_theme(make_site({**MANY, "content/da/2030/fremtiden.md": EMBARGOED}))
    first = build_in_process(site, tmp_path / "one", 3, "--now", NOW, flag)
    second = build_in_process(site, tmp_path / "two", 4, "--now", NOW, flag)
    assert_identical(first, second)
