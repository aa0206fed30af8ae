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


def tag_name(site: Site, lang: str, slug: str) -> str:
    for article in tag_articles(site, lang, slug):
        for tag in article.tags:
            if tag.slug == slug:
                return tag.name
    return slug


def cluster_people(site: Site, ident: str) -> tuple[Person, ...]:
    return tuple(sorted((p for p in site.people.values() if ident in p.clusters),
                        key=lambda p: p.name.casefold()))


def related(site: Site, article: Article, limit: int = 3) -> tuple[Article, ...]:
    """A few articles from the same clusters, nearest in time, those sharing the most
    clusters and tags first. Only neighbours in each cluster's list are considered, so
    this stays cheap in an archive of any size."""
    lists = site.listings
    candidates: set[str] = set()
    for ident in article.clusters:
        keys = lists.by_cluster.get((article.lang, ident), ())
        if article.key in keys:
            index = keys.index(article.key)
            candidates.update(keys[max(0, index - limit):index + limit + 1])
    candidates.discard(article.key)
    tags = {t.slug for t in article.tags}
    clusters = set(article.clusters)
    when = article.date.timestamp()

    def order(key: str) -> tuple[int, float, str]:
        other = site.articles[key]
        score = 2 * len(clusters.intersection(other.clusters)) + len(
            tags.intersection(t.slug for t in other.tags))
        return (-score, abs(other.date.timestamp() - when), key)

    return tuple(site.articles[key] for key in sorted(candidates, key=order)[:limit])


def people_sorted(site: Site) -> tuple[Person, ...]:
    return tuple(sorted(site.people.values(), key=lambda p: p.name.casefold()))
