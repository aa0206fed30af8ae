"""Every kind of page the site has, described once each (see sitegen/kinds/base.py).

The list below is the plan's order: a run of per-language kinds is planned language by
language (all of Danish, then all of Norwegian). A new output format is one new module
with its Kind, and one line here.
"""

from __future__ import annotations

from typing import Any

from sitegen.errors import Problem
from sitegen.kinds.article import ARTICLE
from sitegen.kinds.base import Fact, Frame, Kind, Reads, Slice
from sitegen.kinds.clusters import CLUSTER, CLUSTER_FEED, CLUSTERS
from sitegen.kinds.digest import FingerprintMemo, page_digests, page_inputs
from sitegen.kinds.feeds import FEEDS, LANGUAGE_FEED
from sitegen.kinds.fixed import NOT_FOUND, ROOT, ROOT_NOT_FOUND, SEARCH
from sitegen.kinds.front import HOME, NEWS
from sitegen.kinds.people import PEOPLE, PERSON, PERSON_FEED, VCARD_KIND
from sitegen.kinds.press import MANIFEST_KIND, PRESS_KIT
from sitegen.kinds.preview import PREVIEW
from sitegen.kinds.sitemaps import (
    ARTICLE_SITEMAP,
    NEWS_SITEMAP_KIND,
    PAGES_SITEMAP,
    ROBOTS_KIND,
    SITEMAP_INDEX,
)
from sitegen.kinds.tag import TAG
from sitegen.model import Site
from sitegen.plan.pages import Page, find_collisions

KINDS: tuple[Kind[Any], ...] = (
    ROOT,
    ROOT_NOT_FOUND,
    HOME,
    NEWS,
    ARTICLE,
    PREVIEW,
    PEOPLE,
    PERSON,
    PERSON_FEED,
    VCARD_KIND,
    CLUSTERS,
    CLUSTER,
    CLUSTER_FEED,
    TAG,
    LANGUAGE_FEED,
    FEEDS,
    PRESS_KIT,
    MANIFEST_KIND,
    SEARCH,
    NOT_FOUND,
    SITEMAP_INDEX,
    ARTICLE_SITEMAP,
    PAGES_SITEMAP,
    NEWS_SITEMAP_KIND,
    ROBOTS_KIND,
)
BY_NAME = {kind.name: kind for kind in KINDS}
assert len(BY_NAME) == len(KINDS), "two kinds with one name"

__all__ = ["KINDS", "Fact", "FingerprintMemo", "Frame", "Kind", "Reads", "Slice", "kind_named",
           "page_digests", "page_inputs", "plan_site", "planned"]


def kind_named(name: str) -> Kind[Any]:
    """The kind of that name (how a pickled Page finds its kind again)."""
    return BY_NAME[name]


def _plan(site: Site) -> list[Page]:
    pages: list[Page] = []
    run: list[Kind[Any]] = []

    def flush() -> None:
        for lang in site.config.language_codes:
            for kind in run:
                pages.extend(kind.plan(site, lang))
        run.clear()

    for kind in KINDS:
        if kind.per_language:
            run.append(kind)
            continue
        flush()
        pages.extend(kind.plan(site, None))
    flush()
    return pages


# The plan of the site object last planned: the sitemaps list other pages, and planning
# again for every sitemap file would be waste. Holding the site keeps the identity valid.
_PLANNED: list[tuple[Site, tuple[Page, ...]]] = []


def planned(site: Site) -> tuple[Page, ...]:
    """Every page of the site, in plan order."""
    if _PLANNED and _PLANNED[0][0] is site:
        return _PLANNED[0][1]
    pages = tuple(_plan(site))
    _PLANNED[:] = [(site, pages)]
    return pages


def plan_site(site: Site) -> tuple[tuple[Page, ...], list[Problem]]:
    """Every page, and the collisions between their output files (and static files)."""
    pages = planned(site)
    return pages, find_collisions(list(pages), site)
