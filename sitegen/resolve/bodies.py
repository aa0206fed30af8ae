"""Render every article body to HTML: in parallel, and only when it changed.

A rendered body is reused (from the previous build, in memory or from the persistent
cache) when its Markdown text is the same and each internal link it contains still
resolves to the same URL. Anything else is rendered again, on all cores.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping, Sequence
from functools import partial

from sitegen import __version__
from sitegen.load.records import ArticleSource
from sitegen.markdown import RenderedBody, render_body
from sitegen.parallel import shared_map
from sitegen.resolve.links import LinkTargets

BodyCache = MutableMapping[str, RenderedBody]


def body_key(body: str, unsafe_html: bool) -> str:
    text = f"{__version__}\0{int(unsafe_html)}\0{body}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _still_valid(cached: RenderedBody, source: str, targets: LinkTargets) -> bool:
    return all(targets.rewrite(source, target) == url for target, url in cached.links)


def _render_one(shared: tuple[LinkTargets, bool, Sequence[tuple[str, str, str]]],
                index: int) -> RenderedBody:
    """The body `index` of the shared list: a task is its number alone, the bodies
    reach forked workers with the list instead of being sent to them one by one."""
    targets, unsafe_html, todo = shared
    path, body, _key = todo[index]
    return render_body(body, partial(targets.rewrite, path), unsafe_html)


def render_bodies(sources: Sequence[ArticleSource], targets: LinkTargets, unsafe_html: bool,
                  cache: BodyCache | None = None, jobs: int = 1,
                  previous_targets: LinkTargets | None = None,
                  verified: set[str] | None = None) -> dict[str, RenderedBody]:
    """Source path -> rendered body, for every source given.

    `verified` holds the keys of bodies checked against `previous_targets` in the last
    build, and is replaced by those checked now. When the link table is unchanged (an
    edit that adds, removes or renames nothing), those need no re-checking."""
    same_links = previous_targets is not None and previous_targets == targets
    trusted = verified if (same_links and verified is not None) else set()
    checked: set[str] = set()
    cache = cache if cache is not None else {}
    done: dict[str, RenderedBody] = {}
    todo: list[tuple[str, str, str]] = []  # (path, body, key)
    for source in sources:
        key = body_key(source.body, unsafe_html)
        cached = cache.get(key)
        if cached is not None and (key in trusted or _still_valid(cached, source.path,
                                                                  targets)):
            done[source.path] = cached
            checked.add(key)
        else:
            todo.append((source.path, source.body, key))
    rendered = shared_map(_render_one, (targets, unsafe_html, todo), range(len(todo)), jobs)
    for (path, _body, key), result in zip(todo, rendered, strict=True):
        done[path] = result
        cache[key] = result
        checked.add(key)
    if verified is not None:
        verified.clear()
        verified.update(checked)
    return done
