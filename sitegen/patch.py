"""An edit that changes no structure, applied to the last build's model.

Most edits change one article's words, a title, a summary, a person's phone number.
They leave the site's structure alone: which articles exist and in which language,
their dates and slugs, who and what they name, where their links lead, which media
they use. For such an edit the model of the last build is still right everywhere but
in the records of the edited files, so those are resolved again, alone, and put in
place; the lists, translations, related articles and the page plan are kept. Anything
else (a file added, removed or renamed, a structural field changed, an error, a
template, site.toml, a media file) returns None, and the engine resolves the whole site.

The rule that decides is `signature`: two versions of a file with the same signature
give the same structure. The property test in tests/test_incremental.py checks the
outcome against clean builds.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from sitegen.config import SiteConfig
from sitegen.errors import Problem, sort_problems
from sitegen.load.content import CachedFile, Loaded, stamp_of
from sitegen.load.discover import SourceFile
from sitegen.load.records import ArticleSource, ClusterSource, PersonSource
from sitegen.load.sources import load_article, load_cluster, load_person
from sitegen.markdown import RenderedBody, render_body
from sitegen.model import Article, Cluster, Person, Site
from sitegen.resolve import BuildOptions
from sitegen.resolve.bodies import body_key
from sitegen.resolve.references import unique_ids
from sitegen.resolve.site import _article, _cluster, _person, _stems, check_article_refs
from sitegen.snapshot import Head


@dataclass(frozen=True)
class Patched:
    site: Site
    inputs: frozenset[str]  # ids of the changed records ("article:da/2021/x", ...)
    files: dict[str, CachedFile]  # the edited files, parsed
    articles: dict[str, Article]  # changed articles by key
    problems: tuple[Problem, ...]  # of the whole site, as a full build would report them


ACROSS_FILES = frozenset({"translation-ahead"})  # problems that no one file makes


def signature(record: object, body: RenderedBody | None = None) -> str:
    """What of a file shapes the site beyond its own record."""
    if isinstance(record, ArticleSource):
        return repr((
            "article", record.path, record.lang, record.rel, record.slug,
            record.date.isoformat(), record.updated.isoformat() if record.updated else None,
            record.draft, record.translation_key,
            record.embargo.isoformat() if record.embargo else None, record.preview,
            unique_ids(record.authors), unique_ids(record.contacts),
            unique_ids(record.clusters), unique_ids(record.mentions), record.tags, record.image,
            # A press-kit ZIP (sitegen/derived.py) holds the picture's caption and terms.
            record.image_caption, record.image_credit, record.image_licence, record.image_alt,
            body.links if body is not None else None))
    if isinstance(record, PersonSource):
        return repr(("person", record.path, record.id, unique_ids(record.clusters),
                     record.photo, record.photo_credit, record.photo_licence))
    if isinstance(record, ClusterSource):
        return repr(("cluster", record.path, record.id, record.logo))
    return repr(("other", record))


def _parse(site_root: Path, rel: str, old: object, config: SiteConfig
           ) -> tuple[object | None, list[Problem], CachedFile] | None:
    path = site_root / rel
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if isinstance(old, ArticleSource):
        record, problems = load_article(rel, data, lang=old.lang,
                                        tz=config.language(old.lang).tz)
    elif isinstance(old, PersonSource):
        record, problems = load_person(rel, data, languages=config.language_codes)
    elif isinstance(old, ClusterSource):
        record, problems = load_cluster(rel, data, languages=config.language_codes)
    else:
        return None
    stamp = stamp_of(SourceFile(rel, path), time.time())
    return record, problems, CachedFile(stamp, record, tuple(problems))


def patch(site_root: Path, config: SiteConfig, options: BuildOptions, base: Site, head: Head,
          changed: list[str], old_files: Mapping[str, Any], bodies: Any) -> Patched | None:
    """The model after editing the files `changed` (paths under the site), or None when
    the edit changes structure and the whole site must be resolved."""
    loaded = Loaded(media=dict(head.media), failed=head.failed, images=dict(head.images))
    person_ids = set(head.people) | _stems(head.failed, "content/people/")
    cluster_ids = set(head.clusters) | _stems(head.failed, "content/clusters/")
    articles: dict[str, Article] = {}
    people = dict(base.people)
    clusters = dict(base.clusters)
    files: dict[str, CachedFile] = {}
    problems: list[Problem] = []
    inputs: set[str] = set()
    for rel in changed:
        old = old_files.get(rel)
        if not isinstance(old, CachedFile) or old.record is None:
            return None
        parsed = _parse(site_root, rel, old.record, config)
        if parsed is None or parsed[0] is None:
            return None
        record, file_problems, entry = parsed
        files[rel] = entry
        problems += file_problems
        if isinstance(record, ArticleSource):
            assert isinstance(old.record, ArticleSource)
            key = f"{record.lang}/{record.rel}"
            if key not in base.articles:
                return None  # a draft or an embargoed article: it shapes withheld media
            old_body = bodies.get(body_key(old.record.body, config.unsafe_html))
            body = bodies.get(body_key(record.body, config.unsafe_html))
            if body is None:
                body = render_body(record.body, partial(head.targets.rewrite, rel),
                                   config.unsafe_html)
                bodies[body_key(record.body, config.unsafe_html)] = body
            if old_body is None or signature(old.record, old_body) != signature(record, body):
                return None
            problems += check_article_refs(record, person_ids, cluster_ids)
            article, article_problems = _article(record, options, head.targets, body, loaded,
                                                 base.articles[key].public_at,
                                                 frozenset(person_ids))
            problems += article_problems
            if article is None:
                return None
            articles[key] = replace(article, translations=base.articles[key].translations)
            inputs.add("article:" + key)
        elif signature(old.record) != signature(record):
            return None
        elif isinstance(record, PersonSource):
            person, person_problems = _person(record, loaded, cluster_ids, config.unsafe_html)
            problems += person_problems
            people[record.id] = person
            inputs.add("person:" + record.id)
        elif isinstance(record, ClusterSource):
            cluster, cluster_problems = _cluster(record, loaded, config.unsafe_html)
            problems += cluster_problems
            clusters[record.id] = cluster
            inputs.add("cluster:" + record.id)
    if any(p.is_error for p in problems):
        return None  # the whole build reports every error, with its context
    # A file's own problems are read again; those made from several files are kept.
    kept = [p for p in head.problems if p.path not in files or p.code in ACROSS_FILES]
    return Patched(_with(base, articles, people, clusters), frozenset(inputs), files,
                   articles, tuple(sort_problems(kept + problems)))


def _with(base: Site, articles: dict[str, Article], people: dict[str, Person],
          clusters: dict[str, Cluster]) -> Site:
    from sitegen.snapshot import Ordered, StoredArticles

    if isinstance(base.articles, StoredArticles):
        merged: Mapping[str, Article] = base.articles.with_changes(articles)
    else:
        merged = {**base.articles, **articles}
    ordered = {lang: Ordered(keys, merged) for lang, keys in base.by_language.items()}
    return replace(base, articles=merged, people=people, clusters=clusters,
                   ordered=ordered)  # type: ignore[arg-type]
