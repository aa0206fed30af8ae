"""When each article becomes public: drafts, dates in the future, and embargoes.

An embargo belongs to the story, not to one file: `embargo:` on any version of a story
(its translation group, see `translation_key`) holds every version until that moment,
so that a translation made before the Danish date was moved can never go out early.
The rule lives here alone; resolve, `status`, `next-change` and the engine's "valid
until" all ask this module, so they cannot disagree about a minute.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sitegen.errors import Problem, warning
from sitegen.load.records import ArticleSource

# How long an article stays in the news sitemap (Google News reads two days).
NEWS_WINDOW = timedelta(days=2)


def translation_key(article: ArticleSource) -> str:
    """The story an article belongs to: its explicit key, or the shared path."""
    return article.translation_key or f"path:{article.rel}"


@dataclass(frozen=True, slots=True)
class Schedule:
    """Each story's embargo: translation key -> the latest `embargo:` of its versions."""

    lifts: dict[str, datetime]

    def lift(self, article: ArticleSource) -> datetime | None:
        return self.lifts.get(translation_key(article))

    def public_at(self, article: ArticleSource) -> datetime | None:
        """The moment the article becomes public (None: a draft, never by the clock)."""
        if article.draft:
            return None
        lift = self.lift(article)
        return max(article.date, lift) if lift is not None else article.date

    def embargoed(self, article: ArticleSource, now: datetime) -> bool:
        """Held by the clock: dated in the future, or its story under embargo."""
        return not article.draft and (article.date > now or self.held(article, now))

    def held(self, article: ArticleSource, now: datetime) -> bool:
        """Held by its story's embargo (whatever its own date)."""
        lift = self.lift(article)
        return lift is not None and lift > now

    def published(self, article: ArticleSource, now: datetime, drafts: bool = False,
                  future: bool = False) -> bool:
        """Shown in a build as of `now`; `drafts`/`future`: a preview that keeps them."""
        if article.draft and not drafts:
            return False
        return future or not (article.date > now or self.held(article, now))


def make_schedule(articles: Iterable[ArticleSource]) -> Schedule:
    lifts: dict[str, datetime] = {}
    for article in articles:
        if article.embargo is not None:
            key = translation_key(article)
            if key not in lifts or article.embargo > lifts[key]:
                lifts[key] = article.embargo
    return Schedule(lifts)


def clock_moments(articles: Sequence[ArticleSource], schedule: Schedule,
                  now: datetime) -> list[datetime]:
    """Every future moment at which the clock alone changes the site: an article
    becoming public (its date, its story's embargo), or leaving the news sitemap's
    window."""
    moments: set[datetime] = set()
    for article in articles:
        public = schedule.public_at(article)
        if public is None:
            continue
        for moment in (public, article.date + NEWS_WINDOW):
            if moment > now:
                moments.add(moment)
    return sorted(moments)


def next_moment(articles: Sequence[ArticleSource], now: datetime) -> datetime | None:
    moments = clock_moments(articles, make_schedule(articles), now)
    return moments[0] if moments else None


def leaks(articles: Sequence[ArticleSource], schedule: Schedule,
          now: datetime) -> list[Problem]:
    """A published version of a story whose translation is dated in the future, with no
    embargo on the story: almost always a date moved in one language only (the
    translation goes out before the original). A warning naming both files."""
    groups: dict[str, list[ArticleSource]] = {}
    for article in articles:
        if not article.draft:
            groups.setdefault(translation_key(article), []).append(article)
    problems = []
    for key, versions in sorted(groups.items()):
        if key in schedule.lifts:
            continue  # the embargo holds them all
        waiting = [a for a in versions if a.date > now]
        for out in sorted((a for a in versions if a.date <= now), key=lambda a: a.path):
            for later in sorted(waiting, key=lambda a: a.path):
                problems.append(warning(
                    out.path, out.date_line,
                    f"this version is published (dated {out.date:%Y-%m-%d %H:%M}) while its "
                    f"translation {later.path} is dated {later.date:%Y-%m-%d %H:%M}, in the "
                    "future: the story is out in one language before the other",
                    "to hold every language until one moment, give the story "
                    f"'embargo: {later.date:%Y-%m-%d %H:%M}' (in either file); or date "
                    "both versions alike", code="translation-ahead"))
    return problems
