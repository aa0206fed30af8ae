"""Shared fixtures: whole small sites written inline into tmp_path (as Hugo's tests do)."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from seaweed import seaweed  # noqa: F401 (the object store of the deploy tests)

from sitegen.cli import main
from sitegen.engine import Builder

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-01-01T12:00:00+00:00"
FIXED_NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

# Page kinds of the plan, by `Kind.name`: each language has at least these (given articles
# with tags), and the site as a whole at least these language-neutral ones.
LANGUAGE_KINDS = frozenset({
    "home", "news", "article", "people", "person", "person_feed", "vcard", "clusters",
    "cluster", "cluster_feed", "tag", "language_feed", "feeds", "search", "404"})
NEUTRAL_KINDS = frozenset({"root", "not_found", "sitemap", "sitemap_articles", "sitemap_pages",
                           "news_sitemap", "robots"})

SITE_TOML = """\
base_url = "https://nyheder.example.org/"
theme = "default"
default_language = "da"
feed_items = 20

[languages.da]
title = "Nyheder"
description = "Nyheder fra eksempel"
locale = "da_DK"
timezone = "Europe/Copenhagen"

[languages.no]
title = "Nyheter"
description = "Nyheter fra eksempel"
locale = "nb_NO"
timezone = "Europe/Oslo"

[publisher]
name = "Eksempel"
email = "info@example.org"
"""

PERSON = """\
---
name: Kurt Bennetsen
role:
  da: Direktør
  no: Direktør
organization: Erhverv Norddanmark
email: info@example.org
phone: "+45 98 16 06 00"
clusters: [green-hub-denmark]
---
Kurt leder Erhverv Norddanmark.
"""

CLUSTER = """\
---
name: Green Hub Denmark
description:
  da: En dansk klynge.
  no: En dansk klynge.
---
"""

ARTICLE_DA = """\
---
title: Mission Possible
date: 2021-11-01 09:00
authors: [kurt-bennetsen]
contacts: [kurt-bennetsen]
clusters: [green-hub-denmark]
tags: [eksport]
translation_key: dkla
---
Tyve virksomheder var i Los Angeles.

## Program

Se [den norske](/no/2021/mission.md).
"""

ARTICLE_NO = """\
---
title: Mission Possible på norsk
date: 2021-11-01 10:00
authors: [kurt-bennetsen]
translation_key: dkla
---
Tjue bedrifter var i Los Angeles.
"""


def minimal_files() -> dict[str, str]:
    """A small valid bilingual site: one person, one cluster, a translated article."""
    return {
        "site.toml": SITE_TOML,
        "content/people/kurt-bennetsen.md": PERSON,
        "content/clusters/green-hub-denmark.md": CLUSTER,
        "content/da/2021/mission-possible.md": ARTICLE_DA,
        "content/no/2021/mission.md": ARTICLE_NO,
    }


SiteMaker = Callable[..., Path]


def write_files(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write a site's files (text is dedented; None means: leave that file out)."""
    for rel, text in files.items():
        if text is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def build_once(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """The minimal site plus `files`, built once for a whole module (tests only read it)."""
    write_files(root, {**minimal_files(), **files})
    out = root / "build"
    assert main(["build", "--site", str(root), "--out", str(out), "--now", NOW, "-q"]) == 0
    return out


def copy_sample(dest: Path) -> Path:
    """The repository's sample site, copied so that the build's cache stays out of it."""
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "site.toml", dest / "site.toml")
    for folder in ("content", "static", "themes"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, dest / folder, symlinks=True)
    return dest


@pytest.fixture
def make_site(tmp_path: Path) -> SiteMaker:
    """make_site({"path": "text" | bytes | None}, base=True): write a site, return its root.

    With base=True the minimal site is written first and `files` override it; a value of
    None removes that file.
    """

    def make(files: dict[str, str | bytes | None] | None = None, base: bool = True,
             root: Path | None = None) -> Path:
        site = root or tmp_path / "site"
        content: dict[str, str | bytes | None] = dict(minimal_files()) if base else {}
        content.update(files or {})
        return write_files(site, content)

    return make


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Invoke the CLI in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def build_site(run_cli: Callable[..., tuple[int, str, str]]) -> Callable[..., Path]:
    """Build a site with a fixed 'now'; assert success; return the output folder."""

    def build(site: Path, *extra: str) -> Path:
        out = site / "build"
        code, out_text, err = run_cli("build", "--site", site, "--out", out, "--now", NOW,
                                      *extra)
        assert code == 0, err
        return out

    return build


@pytest.fixture
def check_site(run_cli: Callable[..., tuple[int, str, str]]) -> Callable[..., tuple[int, str]]:
    """Run `sitegen check` with a fixed 'now'; returns (exit code, stdout + stderr)."""

    def check(site: Path, *extra: str) -> tuple[int, str]:
        code, out, err = run_cli("check", "--site", site, "--now", NOW, *extra)
        return code, out + err

    return check


def fresh_build(site: Path, out: Path) -> Builder:
    """One build as a new `sitegen build` process makes it (state from the build store),
    without the search index; the Builder, for its last_mode."""
    builder = Builder(site, out, search="off")
    try:
        builder.build(FIXED_NOW)
    finally:
        builder.close()
    return builder
