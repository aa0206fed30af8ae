"""Read every discovered file into records: the whole 'load' step.

Each file is read and parsed alone, so this is where a cache or a process pool can
later slot in without touching the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from sitegen.config import SiteConfig
from sitegen.errors import Problem, error
from sitegen.load.discover import Discovered, SourceFile, discover
from sitegen.load.records import ArticleSource, ClusterSource, PersonSource
from sitegen.load.sources import load_article, load_cluster, load_person

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Loaded:
    articles: tuple[ArticleSource, ...] = ()
    people: tuple[PersonSource, ...] = ()
    clusters: tuple[ClusterSource, ...] = ()
    media: dict[str, int] = field(default_factory=dict)  # "media/2021/a.jpg" -> bytes
    static: dict[str, int] = field(default_factory=dict)  # "static/CNAME" -> bytes


def _read(file: SourceFile) -> tuple[bytes | None, list[Problem]]:
    try:
        return file.path.read_bytes(), []
    except OSError as exc:
        return None, [error(file.rel, None, f"cannot read the file: {exc.strerror}")]


def load_content(site_root: Path, config: SiteConfig) -> tuple[Loaded, list[Problem]]:
    found, problems = discover(site_root, config.language_codes)
    return load_discovered(found, config, problems)


def _load_each(files: tuple[SourceFile, ...], parse: Callable[[str, bytes], tuple[T | None,
               list[Problem]]], problems: list[Problem]) -> list[T]:
    records: list[T] = []
    for file in files:
        data, read_problems = _read(file)
        problems += read_problems
        if data is not None:
            record, parse_problems = parse(file.rel, data)
            problems += parse_problems
            if record is not None:
                records.append(record)
    return records


def load_discovered(found: Discovered, config: SiteConfig,
                    problems: list[Problem]) -> tuple[Loaded, list[Problem]]:
    codes = config.language_codes
    articles: list[ArticleSource] = []
    for lang, files in found.articles.items():
        tz = config.language(lang).tz
        articles += _load_each(files, partial(load_article, lang=lang, tz=tz), problems)
    people = _load_each(found.people, partial(load_person, languages=codes), problems)
    clusters = _load_each(found.clusters, partial(load_cluster, languages=codes), problems)
    media = {f.rel.removeprefix("content/"): f.path.stat().st_size for f in found.media}
    static = {f.rel: f.path.stat().st_size for f in found.static}
    return Loaded(tuple(articles), tuple(people), tuple(clusters), media, static), problems
