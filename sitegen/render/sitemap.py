"""sitemap.xml, the Google News sitemap and robots.txt.

Every published HTML page is listed once, with its lastmod and, where it exists in
other languages, every language's version (itself included) plus x-default, as
Google asks: the very links the page's own head gives (structured.hreflang_links).
Nothing depends on the clock except the news sitemap's two-day window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from sitegen.model import Article, Site
from sitegen.plan.formats import HTML
from sitegen.plan.pages import PER_PAGE, Page
from sitegen.render import queries
from sitegen.render.feeds import escape, published
from sitegen.render.structured import full_url, hreflang_links

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google reads at most 1,000 <url> elements of a news sitemap
UNLISTED = frozenset({"404", "not_found"})
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def listed(site: Site, page: Page) -> bool:
    """Pages a search engine should know: published HTML, not error pages or previews."""
    if page.format is not HTML or page.kind in UNLISTED:
        return False
    if page.kind == "article":
        article = site.articles[page.subject]
        return not article.draft and not article.embargoed
    return True


def _articles_of(site: Site, page: Page) -> Iterable[Article]:
    lang = page.lang
    if lang is None:
        return site.articles.values()
    if page.kind == "article":
        return [site.articles[page.subject]]
    if page.kind == "person":
        return queries.person_articles(site, lang, page.subject)
    if page.kind == "cluster":
        return queries.cluster_articles(site, lang, page.subject)
    if page.kind == "tag":
        return queries.tag_articles(site, lang, page.subject)
    if page.kind in ("news", "home"):  # what the page lists, not the whole archive
        start = (page.number - 1) * PER_PAGE
        return site.newest(lang)[start:start + PER_PAGE]
    return site.newest(lang)


def lastmod(site: Site, page: Page) -> str | None:
    """When what the page shows last changed: its newest article's date or update."""
    shown = published(_articles_of(site, page))
    if not shown:
        return None
    # The key breaks ties between one instant written in two zones: same bytes every build.
    return max(shown, key=lambda a: (a.modified, a.key)).modified.isoformat()


def render_sitemap(site: Site, pages: Sequence[Page]) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for page in pages:
        if not listed(site, page):
            continue
        out.append("  <url>")
        out.append(f"    <loc>{escape(full_url(site.config.base_url, page.url))}</loc>")
        modified = lastmod(site, page)
        if modified:
            out.append(f"    <lastmod>{modified}</lastmod>")
        for hreflang, url in hreflang_links(site, page):
            out.append(f'    <xhtml:link rel="alternate" hreflang="{hreflang}" '
                       f'href="{escape(url)}"/>')
        out.append("  </url>")
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode("utf-8")


def news_articles(site: Site) -> list[Article]:
    """Published articles dated within the two days before the build's "now", newest first."""
    recent = [a for a in published(site.articles.values())
              if site.now - NEWS_WINDOW <= a.date <= site.now]
    return sorted(recent, key=lambda a: (a.date, a.key), reverse=True)[:NEWS_LIMIT]


def render_news_sitemap(site: Site) -> bytes:
    """Google News sitemap: articles of the last two days, each with its language."""
    base = site.config.base_url
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">']
    for article in news_articles(site):
        language = site.config.language(article.lang)
        out += [
            "  <url>",
            f"    <loc>{escape(full_url(base, article.url))}</loc>",
            "    <news:news>",
            "      <news:publication>",
            f"        <news:name>{escape(language.title)}</news:name>",
            f"        <news:language>{language.html_lang}</news:language>",
            "      </news:publication>",
            f"      <news:publication_date>{article.date.isoformat()}</news:publication_date>",
            f"      <news:title>{escape(article.title)}</news:title>",
            "    </news:news>",
            "  </url>",
        ]
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode("utf-8")


def render_robots(site: Site) -> bytes:
    base = site.config.base_url
    return ("User-agent: *\nAllow: /\n\n"
            f"Sitemap: {full_url(base, '/sitemap.xml')}\n"
            f"Sitemap: {full_url(base, '/news-sitemap.xml')}\n").encode()
