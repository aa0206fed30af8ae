"""Sitemaps (an index and its files), the Google News sitemap and robots.txt, as XML.

Only the writing is here; which pages each file lists, with what lastmod and which
language versions, is decided by the sitemap kinds (sitegen/kinds/sitemaps.py) from
each page kind's own description, so a sitemap always gives the very hreflang links
the page's head gives. Nothing depends on the clock except the news sitemap's window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sitegen.config import SiteConfig
from sitegen.model import Article, Site
from sitegen.render.feeds import escape, published
from sitegen.render.structured import full_url
from sitegen.resolve.schedule import NEWS_WINDOW

NEWS_LIMIT = 1000  # Google reads at most 1,000 <url> elements of a news sitemap
URL_LIMIT = 50_000  # the sitemap protocol's limit of <url> elements per file
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True, slots=True)
class Entry:
    """One <url> of a sitemap, or one <sitemap> of the index (then without links)."""

    loc: str  # absolute
    lastmod: str | None  # ISO 8601, with its offset
    links: tuple[tuple[str, str], ...] = ()  # (hreflang, absolute URL)


def render_urlset(entries: Iterable[Entry]) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for entry in entries:
        out.append("  <url>")
        out.append(f"    <loc>{escape(entry.loc)}</loc>")
        if entry.lastmod:
            out.append(f"    <lastmod>{entry.lastmod}</lastmod>")
        for hreflang, url in entry.links:
            out.append(f'    <xhtml:link rel="alternate" hreflang="{hreflang}" '
                       f'href="{escape(url)}"/>')
        out.append("  </url>")
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode("utf-8")


def render_index(entries: Iterable[Entry]) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for entry in entries:
        out.append("  <sitemap>")
        out.append(f"    <loc>{escape(entry.loc)}</loc>")
        if entry.lastmod:
            out.append(f"    <lastmod>{entry.lastmod}</lastmod>")
        out.append("  </sitemap>")
    out.append("</sitemapindex>")
    return ("\n".join(out) + "\n").encode("utf-8")


def lastmod(articles: Iterable[Article]) -> str | None:
    """When a list of articles last changed: its newest published date or update."""
    shown = published(articles)
    if not shown:
        return None
    # The key breaks ties between one instant written in two zones: same bytes every build.
    return max(shown, key=lambda a: (a.modified, a.key)).modified.isoformat()


def news_articles(site: Site) -> list[Article]:
    """Published articles dated within the two days before the build's "now", newest first.

    Each language's list is newest first, so only its head is read: the window's articles
    and the embargoed ones dated after "now" (kept in previews)."""
    recent = []
    for code in site.config.language_codes:
        for article in site.newest(code):
            if article.date < site.now - NEWS_WINDOW:
                break
            if article.date <= site.now and not article.draft and not article.embargoed:
                recent.append(article)
    return sorted(recent, key=lambda a: (a.date, a.key), reverse=True)[:NEWS_LIMIT]


def render_news_sitemap(config: SiteConfig, articles: Sequence[Article]) -> bytes:
    """Google News sitemap: the given articles (those of the last two days), each with
    its language."""
    base = config.base_url
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">']
    for article in articles:
        language = config.language(article.lang)
        out += [
            "  <url>",
            f"    <loc>{escape(full_url(base, article.url))}</loc>",
            "    <news:news>",
            "      <news:publication>",
            f"        <news:name>{escape(config.publication(article.lang))}</news:name>",
            f"        <news:language>{language.html_lang}</news:language>",
            "      </news:publication>",
            f"      <news:publication_date>{article.date.isoformat()}</news:publication_date>",
            f"      <news:title>{escape(article.title)}</news:title>",
            "    </news:news>",
            "  </url>",
        ]
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode("utf-8")


def render_robots(config: SiteConfig, sitemaps: Sequence[str]) -> bytes:
    """Allows everything; names the sitemaps (root-relative URLs) by full address."""
    lines = ["User-agent: *", "Allow: /", ""]
    lines += [f"Sitemap: {full_url(config.base_url, url)}" for url in sitemaps]
    return ("\n".join(lines) + "\n").encode()
