"""Questions pages ask of the site model: which articles a person, cluster or tag has.

Pure functions of the model, shared by HTML pages and feeds so both always agree.
"""

from __future__ import annotations

from sitegen.model import Article, Person, Site


def _articles(site: Site, keys: tuple[str, ...]) -> tuple[Article, ...]:
    return tuple(site.articles[key] for key in keys)


def person_articles(site: Site, lang: str, ident: str) -> tuple[Article, ...]:
    """Articles the person wrote or is a contact for, newest first."""
    return _articles(site, site.listings.by_person.get((lang, ident), ()))


def cluster_articles(site: Site, lang: str, ident: str) -> tuple[Article, ...]:
    return _articles(site, site.listings.by_cluster.get((lang, ident), ()))


def tag_articles(site: Site, lang: str, slug: str) -> tuple[Article, ...]:
    return _articles(site, site.listings.by_tag.get((lang, slug), ()))


def cluster_people(site: Site, ident: str) -> tuple[Person, ...]:
    return tuple(sorted((p for p in site.people.values() if ident in p.clusters),
                        key=lambda p: p.name.casefold()))


def related(site: Site, article: Article, limit: int = 3) -> tuple[Article, ...]:
    """A few articles from the same clusters, nearest in time (see resolve/related.py)."""
    keys = site.listings.related.get(article.key, ())
    return tuple(site.articles[key] for key in keys[:limit])


def people_sorted(site: Site) -> tuple[Person, ...]:
    return tuple(sorted(site.people.values(), key=lambda p: p.name.casefold()))
