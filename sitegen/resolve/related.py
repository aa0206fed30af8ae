"""Related articles: a few from the same clusters, nearest in time.

Computed once per build for every article (pages and their dependency digests both ask),
and carried over from the last build for each article whose neighbourhood is unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping

from sitegen.model import Article

LIMIT = 3
# article key -> (the records the answer was computed from, the answer)
RelatedMemo = dict[str, tuple[tuple[Article, ...], tuple[str, ...]]]


def _candidates(article: Article, by_cluster: Mapping[tuple[str, str], tuple[str, ...]],
                limit: int) -> list[str]:
    """Only an article's neighbours in each of its clusters' lists: cheap at any size."""
    found: set[str] = set()
    for ident in article.clusters:
        keys = by_cluster.get((article.lang, ident), ())
        if article.key in keys:
            index = keys.index(article.key)
            found.update(keys[max(0, index - limit):index + limit + 1])
    found.discard(article.key)
    return sorted(found)


_Facts = tuple[float, frozenset[str]]  # an article's moment and its tags' slugs


def _facts_of(article: Article, known: dict[str, _Facts]) -> _Facts:
    """What ranking reads of an article, worked out once per build: each article is a
    candidate of a dozen others, and a zoned datetime's timestamp is not free."""
    found = known.get(article.key)
    if found is None:
        found = known[article.key] = (article.date.timestamp(),
                                      frozenset(t.slug for t in article.tags))
    return found


def _rank(article: Article, candidates: list[Article], limit: int,
          known: dict[str, _Facts]) -> tuple[str, ...]:
    """Those sharing the most clusters (then tags) first, then the nearest in time."""
    when, tags = _facts_of(article, known)
    clusters = set(article.clusters)

    def order(other: Article) -> tuple[int, float, str]:
        moment, other_tags = _facts_of(other, known)
        score = 2 * len(clusters.intersection(other.clusters)) + len(tags & other_tags)
        return (-score, abs(moment - when), other.key)

    return tuple(other.key for other in sorted(candidates, key=order)[:limit])


def related_keys(articles: Mapping[str, Article],
                 by_cluster: Mapping[tuple[str, str], tuple[str, ...]],
                 memo: RelatedMemo | None = None, limit: int = LIMIT
                 ) -> dict[str, tuple[str, ...]]:
    """Article key -> keys of its related articles, for every article."""
    memo = memo if memo is not None else {}
    result = {}
    facts: dict[str, _Facts] = {}
    for key, article in articles.items():
        candidates = [articles[k] for k in _candidates(article, by_cluster, limit)]
        records = (article, *candidates)
        known = memo.get(key)
        if known is not None and len(known[0]) == len(records) and all(
                a is b for a, b in zip(known[0], records, strict=True)):
            result[key] = known[1]
            continue
        result[key] = _rank(article, candidates, limit, facts)
        memo[key] = (records, result[key])
    for key in set(memo) - set(articles):
        del memo[key]
    return result
