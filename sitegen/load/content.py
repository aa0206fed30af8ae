"""Read every discovered file into records: the whole 'load' step.

Each file is read and parsed alone, so this is where a cache or a process pool can
later slot in without touching the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from sitegen.config import SiteConfig
from sitegen.errors import Problem, error
from sitegen.fingerprint import RACY_SECONDS
from sitegen.images.probe import ImageInfo, is_image_path, probe
from sitegen.load.discover import Discovered, SourceFile, discover
from sitegen.load.records import ArticleSource, ClusterSource, PersonSource
from sitegen.load.sources import load_article, load_cluster, load_person

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CachedFile:
    """What loading one file gave, and the stat stamp it was read at."""

    stamp: tuple[int, int] | None  # (mtime_ns, size); None: do not trust, read again
    record: object
    problems: tuple[Problem, ...]


FileCache = MutableMapping[str, CachedFile]


def stamp_of(file: SourceFile, started: float) -> tuple[int, int] | None:
    """The file's stamp, or None when it was modified too recently to be trusted."""
    try:
        info = file.path.stat()
    except OSError:
        return None
    if info.st_mtime_ns / 1e9 > started - RACY_SECONDS:
        return None
    return (info.st_mtime_ns, info.st_size)


@dataclass(frozen=True, slots=True)
class Loaded:
    articles: tuple[ArticleSource, ...] = ()
    people: tuple[PersonSource, ...] = ()
    clusters: tuple[ClusterSource, ...] = ()
    media: dict[str, int] = field(default_factory=dict)  # "media/2021/a.jpg" -> bytes
    static: dict[str, int] = field(default_factory=dict)  # "static/CNAME" -> bytes
    # .md files that exist but gave no record ("content/people/x.md"): their own errors
    # are reported, so references to them are not reported again as unknown.
    failed: frozenset[str] = frozenset()
    # The pictures among the media, read (sitegen/images/probe.py): "media/x.jpg" ->
    # ImageInfo. A picture that cannot be read is an error of its own, and not here.
    images: dict[str, ImageInfo] = field(default_factory=dict)
    # Pictures that cannot be read, with why: an error where a page uses one (resolve),
    # a warning otherwise ("media/x.jpg" -> the file's problem).
    unreadable: dict[str, Problem] = field(default_factory=dict)


def _read(file: SourceFile) -> tuple[bytes | None, list[Problem]]:
    try:
        return file.path.read_bytes(), []
    except OSError as exc:
        return None, [error(file.rel, None, f"cannot read the file: {exc.strerror}")]


def load_content(site_root: Path, config: SiteConfig) -> tuple[Loaded, list[Problem]]:
    found, problems = discover(site_root, config.language_codes)
    return load_discovered(found, config, problems)


def _load_each(files: tuple[SourceFile, ...], parse: Callable[[str, bytes], tuple[T | None,
               list[Problem]]], problems: list[Problem], cache: FileCache | None) -> list[T]:
    """Parse each file, or take what parsing it gave last time if it has not changed."""
    records: list[T] = []
    started = time.time()
    for file in files:
        stamp = stamp_of(file, started) if cache is not None else None
        cached = cache.get(file.rel) if cache is not None else None
        if stamp is not None and cached is not None and cached.stamp == stamp:
            record, file_problems = cached.record, list(cached.problems)
        else:
            data, file_problems = _read(file)
            record = None
            if data is not None:
                record, parse_problems = parse(file.rel, data)
                file_problems += parse_problems
            if cache is not None:
                cache[file.rel] = CachedFile(stamp, record, tuple(file_problems))
        problems += file_problems
        if record is not None:
            records.append(record)  # type: ignore[arg-type]
    return records


def load_discovered(found: Discovered, config: SiteConfig, problems: list[Problem],
                    cache: FileCache | None = None) -> tuple[Loaded, list[Problem]]:
    """`cache` maps a file's path to what loading it gave before; entries are updated.
    It must be emptied when site.toml changes (languages and time zones shape records)."""
    codes = config.language_codes
    articles: list[ArticleSource] = []
    for lang, files in found.articles.items():
        tz = config.language(lang).tz
        articles += _load_each(files, partial(load_article, lang=lang, tz=tz), problems,
                               cache)
    people = _load_each(found.people, partial(load_person, languages=codes), problems, cache)
    clusters = _load_each(found.clusters, partial(load_cluster, languages=codes), problems,
                          cache)
    media = {f.rel.removeprefix("content/"): f.path.stat().st_size for f in found.media}
    pictures = tuple(f for f in found.media if is_image_path(f.rel))
    picture_problems: list[Problem] = []
    images = {info.path: info
              for info in _load_each(pictures, probe, picture_problems, cache)}
    unreadable = {p.path.removeprefix("content/"): p for p in picture_problems}
    static = {f.rel: f.path.stat().st_size for f in found.static}
    sources = [f.rel for files in (*found.articles.values(), found.people, found.clusters)
               for f in files]
    loaded = {r.path for r in (*articles, *people, *clusters)}
    failed = frozenset(rel for rel in sources if rel not in loaded)
    if cache is not None:  # forget files that are gone, so the cache mirrors the site
        for rel in set(cache) - set(sources) - {f.rel for f in pictures}:
            del cache[rel]
    return Loaded(tuple(articles), tuple(people), tuple(clusters), media, static,
                  failed, images, unreadable), problems
