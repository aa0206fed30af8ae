"""What each template receives: the site, the page, and what the page is about.

Pure: a page's context depends only on the site model and its plan. docs/themes.md
lists these names for theme authors.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sitegen import search, urls
from sitegen.config import LanguageConfig
from sitegen.model import Article, Site
from sitegen.plan.pages import PER_PAGE, Page
from sitegen.render import queries
from sitegen.render.structured import page_meta, structured_data


@dataclass(frozen=True, slots=True)
class Alternate:
    """The same page in another language, for the switcher and hreflang links."""

    language: LanguageConfig
    url: str
    exact: bool  # True when it is the same content (a translation), not a fallback index


@dataclass(frozen=True, slots=True)
class Feed:
    title: str
    url: str


def alternates(site: Site, page: Page) -> list[Alternate]:
    result = []
    for language in site.config.languages:
        if language.code == page.lang:
            continue
        code = language.code
        exact = True
        if page.kind == "article":
            other = site.articles[page.subject].translations.get(code)
            url = site.articles[other].url if other else urls.news_index(code)
            exact = other is not None
        elif page.kind == "person":
            url = urls.person(code, page.subject)
        elif page.kind == "cluster":
            url = urls.cluster(code, page.subject)
        elif page.kind == "tag":
            has_tag = bool(queries.tag_articles(site, code, page.subject))
            url = urls.tag(code, page.subject) if has_tag else urls.news_index(code)
            exact = has_tag
        else:
            url = {
                "home": urls.home, "news": urls.news_index, "people": urls.people_index,
                "clusters": urls.clusters_index, "feeds": urls.feeds_page,
                "search": urls.search_page, "404": urls.not_found,
            }.get(page.kind, urls.home)(code)
        result.append(Alternate(language, url, exact))
    return result


def _home(site: Site, page: Page) -> dict[str, Any]:
    return {"articles": site.newest(page.lang or "")[:PER_PAGE]}


def _news(site: Site, page: Page) -> dict[str, Any]:
    lang = page.lang or ""
    start = (page.number - 1) * PER_PAGE
    return {
        "articles": site.newest(lang)[start:start + PER_PAGE],
        "previous_url": urls.news_index(lang, page.number - 1) if page.number > 1 else None,
        "next_url": urls.news_index(lang, page.number + 1) if page.number < page.pages else None,
    }


def standfirst(article: Article) -> str:
    """The summary as a lead paragraph, or '' when it only repeats the body's opening."""
    match = re.search(r"<p>(.*?)</p>", article.body_html, re.DOTALL)
    opening = html.unescape(re.sub(r"<[^>]+>", "", match.group(1))) if match else ""
    summary = " ".join(article.summary.split())
    return "" if not summary or " ".join(opening.split()) == summary else article.summary


def _article(site: Site, page: Page) -> dict[str, Any]:
    article: Article = site.articles[page.subject]
    return {
        "article": article,
        "standfirst": standfirst(article),
        "authors": [site.people[i] for i in article.authors],
        "contacts": [site.people[i] for i in article.contacts],
        "clusters": [site.clusters[i] for i in article.clusters],
        "translations": [site.articles[key] for key in article.translations.values()],
        "related": queries.related(site, article),
    }


def _person(site: Site, page: Page) -> dict[str, Any]:
    person = site.people[page.subject]
    return {
        "person": person,
        "articles": queries.person_articles(site, page.lang or "", person.id),
        "clusters": [site.clusters[i] for i in person.clusters],
    }


def _cluster(site: Site, page: Page) -> dict[str, Any]:
    cluster = site.clusters[page.subject]
    return {
        "cluster": cluster,
        "articles": queries.cluster_articles(site, page.lang or "", cluster.id),
        "people": queries.cluster_people(site, cluster.id),
    }


def _tag(site: Site, page: Page) -> dict[str, Any]:
    lang = page.lang or ""
    return {"tag_name": queries.tag_name(site, lang, page.subject),
            "articles": queries.tag_articles(site, lang, page.subject)}


def _people(site: Site, page: Page) -> dict[str, Any]:
    return {"people": queries.people_sorted(site)}


def _clusters(site: Site, page: Page) -> dict[str, Any]:
    return {"clusters": sorted(site.clusters.values(), key=lambda c: c.name.casefold())}


def _nothing(site: Site, page: Page) -> dict[str, Any]:
    return {}


BUILDERS: dict[str, Callable[[Site, Page], dict[str, Any]]] = {
    "home": _home, "news": _news, "article": _article, "person": _person,
    "cluster": _cluster, "tag": _tag, "people": _people, "clusters": _clusters,
    "search": search.search_context,
}


def page_feeds(site: Site, page: Page) -> list[Feed]:
    """Feeds a page advertises: the language's, and the person's or cluster's own."""
    if page.lang is None:
        return []
    title = site.config.language(page.lang).title
    feeds = [Feed(title, urls.language_feed(page.lang))]
    if page.kind == "person":
        feeds.append(Feed(site.people[page.subject].name, urls.person_feed(page.lang,
                                                                           page.subject)))
    elif page.kind == "cluster":
        feeds.append(Feed(site.clusters[page.subject].name, urls.cluster_feed(page.lang,
                                                                              page.subject)))
    return feeds


def build_context(site: Site, page: Page) -> dict[str, Any]:
    language = site.config.language(page.lang) if page.lang else None
    context: dict[str, Any] = {
        "site": site,
        "page": page,
        "language": language,
        "languages": site.config.languages,
        "alternates": alternates(site, page) if page.lang else [],
        "feeds": page_feeds(site, page),
        "canonical": urls.absolute(site.config.base_url, page.url),
        "people": site.people,
        "clusters_by_id": site.clusters,
    }
    context.update(BUILDERS.get(page.kind, _nothing)(site, page))
    context["json_ld"] = structured_data(site, page)
    context["meta"] = page_meta(site, page, _title(site, page))
    return context


def _title(site: Site, page: Page) -> str:
    """The page's own title (without the site's name), for Open Graph."""
    if page.kind == "person":
        return site.people[page.subject].name
    if page.kind == "cluster":
        return site.clusters[page.subject].name
    return site.config.language(page.lang).title if page.lang else ""
