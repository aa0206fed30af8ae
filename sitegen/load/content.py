"""Read every discovered file into records: the whole 'load' step.

Each file is read and parsed alone: a file that has not changed since the last build is
taken from the cache, and the others are parsed on every core (sitegen/parallel.py),
the records and problems coming back in file order, so the outcome is the same on any
number of processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from sitegen.config import SiteConfig
from sitegen.errors import Problem, error
from sitegen.fingerprint import RACY_SECONDS
from sitegen.images.probe import ImageInfo, is_image_path, probe
from sitegen.load.discover import Discovered, SourceFile, discover
from sitegen.load.records import ArticleSource, ClusterSource, PersonSource
from sitegen.load.sources import load_article, load_cluster, load_person
from sitegen.parallel import shared_map


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


Parse = Callable[[str, bytes], tuple[object | None, list[Problem]]]


@dataclass(frozen=True, slots=True)
class _Step:
    """One file to load, decided in this process before any worker starts: its stamp is
    taken before the file is read (so an edit made while it is read is seen next time),
    and `hit` is the cache's entry when that stamp says the file has not changed."""

    file: SourceFile
    parse: Parse  # a module-level function or a partial of one: reaches workers by fork
    stamp: tuple[int, int] | None
    hit: CachedFile | None


def _plan(files: tuple[SourceFile, ...], parse: Parse, cache: FileCache | None
          ) -> list[_Step]:
    """Each file's stamp and cache entry, under one `started` for the whole group: a
    file modified after it is not trusted (stamp_of), so it must not be later than any
    of the group's reads, which all come after this."""
    started = time.time()
    steps = []
    for file in files:
        stamp = stamp_of(file, started) if cache is not None else None
        cached = cache.get(file.rel) if cache is not None else None
        hit = cached if stamp is not None and cached is not None \
            and cached.stamp == stamp else None
        steps.append(_Step(file, parse, stamp, hit))
    return steps


def _parse_step(steps: Sequence[_Step], index: int) -> tuple[object | None, list[Problem]]:
    """Read and parse one file (in a worker or here): only the record and its problems
    travel back, not the file's bytes (a picture's can be megabytes)."""
    step = steps[index]
    data, problems = _read(step.file)
    if data is None:
        return None, problems
    record, parse_problems = step.parse(step.file.rel, data)
    return record, problems + parse_problems


def _collect(steps: list[_Step], parsed: Iterator[tuple[object | None, list[Problem]]],
             cache: FileCache | None) -> tuple[list[object], list[Problem]]:
    """The group's records and problems in file order, taking each parsed file's result
    from `parsed` in turn and keeping it in the cache."""
    records: list[object] = []
    problems: list[Problem] = []
    for step in steps:
        if step.hit is not None:
            record, file_problems = step.hit.record, list(step.hit.problems)
        else:
            record, file_problems = next(parsed)
            if cache is not None:
                cache[step.file.rel] = CachedFile(step.stamp, record, tuple(file_problems))
        problems += file_problems
        if record is not None:
            records.append(record)
    return records, problems


def _load_groups(groups: Sequence[tuple[tuple[SourceFile, ...], Parse]],
                 cache: FileCache | None, jobs: int) -> list[tuple[list[Any], list[Problem]]]:
    """Each group's records and problems, as if each file were parsed here in turn.

    The files that must be parsed, of every group, go to one pool (one fork for the
    whole load); cache hits never leave this process, so an edit's build, which parses
    one file, stays in-process (shared_map keeps small work here)."""
    plans = [_plan(files, parse, cache) for files, parse in groups]
    todo = [step for steps in plans for step in steps if step.hit is None]
    parsed = iter(shared_map(_parse_step, todo, range(len(todo)), jobs))
    return [_collect(steps, parsed, cache) for steps in plans]


def load_discovered(found: Discovered, config: SiteConfig, problems: list[Problem],
                    cache: FileCache | None = None, jobs: int = 1
                    ) -> tuple[Loaded, list[Problem]]:
    """`cache` maps a file's path to what loading it gave before; entries are updated.
    It must be emptied when site.toml changes (languages and time zones shape records).
    Files are parsed on `jobs` processes; the result is the same for any number."""
    codes = config.language_codes
    pictures = tuple(f for f in found.media if is_image_path(f.rel))
    groups: list[tuple[tuple[SourceFile, ...], Parse]] = [
        (files, partial(load_article, lang=lang, tz=config.language(lang).tz))
        for lang, files in found.articles.items()]
    groups += [(found.people, partial(load_person, languages=codes)),
               (found.clusters, partial(load_cluster, languages=codes)),
               (pictures, probe)]
    *by_language, (people, people_problems), (clusters, cluster_problems), \
        (infos, picture_problems) = _load_groups(groups, cache, jobs)
    articles: list[ArticleSource] = []
    for records, article_problems in by_language:  # language by language, as found
        articles += records
        problems += article_problems
    problems += people_problems + cluster_problems
    media = {f.rel.removeprefix("content/"): f.path.stat().st_size for f in found.media}
    images = {info.path: info for info in infos}
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
