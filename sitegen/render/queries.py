"""Questions pages ask of the site model: which articles a person, cluster or tag has.

Pure functions of the model, shared by HTML pages and feeds so both always agree.
"""

from __future__ import annotations

from sitegen.model import Article, Person, Site


def person_articles(site: Site, lang: str, ident: str) -> tuple[Article, ...]:
    """Articles the person wrote or is a contact for, newest first."""
    return tuple(a for a in site.newest(lang) if ident in a.authors or ident in a.contacts)


def cluster_articles(site: Site, lang: str, ident: str) -> tuple[Article, ...]:
    return tuple(a for a in site.newest(lang) if ident in a.clusters)


def tag_articles(site: Site, lang: str, slug: str) -> tuple[Article, ...]:
    return tuple(a for a in site.newest(lang) if any(t.slug == slug for t in a.tags))


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
    """Newest articles sharing the most clusters (then tags) with this one."""
    tag_slugs = {t.slug for t in article.tags}
    scored = []
    for other in site.newest(article.lang):
        if other.key == article.key:
            continue
        score = 2 * len(set(other.clusters) & set(article.clusters)) + len(
            {t.slug for t in other.tags} & tag_slugs)
        if score:
            scored.append((-score, -other.date.timestamp(), other.key, other))
    return tuple(item[3] for item in sorted(scored)[:limit])


def people_sorted(site: Site) -> tuple[Person, ...]:
    return tuple(sorted(site.people.values(), key=lambda p: p.name.casefold()))
