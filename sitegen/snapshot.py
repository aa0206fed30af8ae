"""The resolved site model of the last build, kept in the build store and read lazily.

An edit that changes no structure of the site (which articles exist, their dates,
slugs, languages, people and clusters they name, their links; see sitegen/patch.py)
is built by patching the last model instead of resolving the whole site again. In a
new process that model comes from here: the small parts (people, clusters, lists of
keys, the page plan) are read at once, each article only when a page asks for it, so
an edit at 10,000 articles decodes a few hundred of them, not all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from sitegen.errors import Problem
from sitegen.model import Article, Site
from sitegen.plan.pages import Page
from sitegen.store import Store


@dataclass(frozen=True)
class Head:
    """The eagerly read part of a snapshot."""

    by_language: Mapping[str, tuple[str, ...]]
    people: Mapping[str, Any]
    clusters: Mapping[str, Any]
    assets: tuple[Any, ...]
    listings: Any
    targets: Any  # resolve.links.LinkTargets
    media: Mapping[str, int]  # "media/x.jpg" -> bytes, as the model was made with
    failed: frozenset[str]
    problems: tuple[Problem, ...]
    pages: tuple[Page, ...]
    search: Mapping[str, str]  # output -> search index bucket (search.buckets)
    # Names the build that wrote it; the state of the build it belongs to says the same.
    # A head that could not be written leaves an older one in the store, which this
    # tells apart: the quick path then does not use it.
    token: str = ""
    images: Mapping[str, Any] = field(default_factory=dict)  # "media/x.jpg" -> ImageInfo
    logo: Any = None  # the site's logo and icon (model.Image), which every page shows
    icon: Any = None


def encode_pages(pages: Sequence[Page]) -> list[tuple[Any, ...]]:
    return [(p.url, p.output, p.kind.name, p.lang, p.subject, p.number, p.pages, p.source)
            for p in pages]


def decode_pages(rows: Sequence[Sequence[Any]]) -> tuple[Page, ...]:
    from sitegen.kinds import kind_named

    return tuple(Page(url, output, kind_named(kind), lang, subject, number, pages, source)
                 for url, output, kind, lang, subject, number, pages, source in rows)


def read_head(store: Store, variant: str) -> Head | None:
    """The snapshot's head, or None when there is none or it is damaged."""
    value = store.model_row(variant, "head")
    if not isinstance(value, dict):
        return None
    try:
        return Head(value["by_language"], value["people"], value["clusters"],
                    tuple(value["assets"]), value["listings"], value["targets"],
                    value["media"], frozenset(value["failed"]), tuple(value["problems"]),
                    decode_pages(value["pages"]), value["search"], value["token"],
                    value.get("images", {}), value.get("logo"), value.get("icon"))
    except (KeyError, TypeError, ValueError):
        return None


class MissingRecord(Exception):
    """A snapshot row is gone or damaged: the build must resolve the site instead."""


class StoredArticles(Mapping[str, Article]):
    """Articles by key, decoded from the store on first use; `changed` overrides."""

    def __init__(self, store: Store, variant: str, keys: frozenset[str],
                 changed: Mapping[str, Article] | None = None):
        self._store, self._variant, self._keys = store, variant, keys
        self._known: dict[str, Article] = dict(changed or {})

    def __getitem__(self, key: str) -> Article:
        found = self._known.get(key)
        if found is not None:
            return found
        if key not in self._keys:
            raise KeyError(key)
        article = self._store.model_row(self._variant, "article:" + key)
        if not isinstance(article, Article) or article.key != key:
            raise MissingRecord(key)
        self._known[key] = article
        return article

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._keys))

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def with_changes(self, changed: Mapping[str, Article]) -> StoredArticles:
        """The same articles with `changed` replacing theirs (the keys stay the same)."""
        merged = StoredArticles(self._store, self._variant, self._keys)
        merged._known = {**self._known, **changed}
        return merged


class Ordered(Sequence[Article]):
    """A language's articles newest first, read through a mapping as they are asked for."""

    def __init__(self, keys: tuple[str, ...], articles: Mapping[str, Article]):
        self._keys, self._articles = keys, articles

    @overload
    def __getitem__(self, index: int) -> Article: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Article, ...]: ...

    def __getitem__(self, index: int | slice) -> Article | tuple[Article, ...]:
        if isinstance(index, slice):
            return tuple(self._articles[key] for key in self._keys[index])
        return self._articles[self._keys[index]]

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[Article]:
        return (self._articles[key] for key in self._keys)

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else False

    def __hash__(self) -> int:
        return hash(self._keys)

    def __repr__(self) -> str:
        return f"Ordered({len(self._keys)} articles)"


def stored_site(config: Any, options: Any, head: Head, store: Store, variant: str) -> Site:
    """The last build's model, as it is in the store: articles read as they are asked for."""
    keys = frozenset(key for keys in head.by_language.values() for key in keys)
    articles = StoredArticles(store, variant, keys)
    ordered = {lang: Ordered(keys_, articles) for lang, keys_ in head.by_language.items()}
    return Site(config, options.now, articles, head.by_language, head.people, head.clusters,
                head.assets, preview=options.preview, listings=head.listings,
                ordered=ordered, images=head.images, logo=head.logo,
                icon=head.icon)  # type: ignore[arg-type]


def model_rows(site: Site, head: Head, articles: Mapping[str, Article] | None = None
               ) -> dict[str, Any]:
    """The rows a build stages for the snapshot: its head, and the articles given (all of
    them after a build that resolved the whole site)."""
    rows: dict[str, Any] = {"head": head_data(site, head)}
    for key, article in (site.articles if articles is None else articles).items():
        rows["article:" + key] = article
    return rows


def head_data(site: Site, head: Head) -> dict[str, Any]:
    return {
        "by_language": dict(site.by_language), "people": dict(site.people),
        "clusters": dict(site.clusters), "assets": site.assets, "listings": site.listings,
        "targets": head.targets, "media": dict(head.media), "failed": head.failed,
        "problems": head.problems, "pages": encode_pages(head.pages),
        "search": dict(head.search), "token": head.token, "images": dict(head.images),
        "logo": site.logo, "icon": site.icon}
