"""sitemap.xml, the Google News sitemap and robots.txt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from xml.sax.saxutils import escape

from sitegen import urls
from sitegen.model import Site
from sitegen.plan.formats import HTML
from sitegen.plan.pages import Page
from sitegen.render import queries
from sitegen.render.context import alternates

NEWS_WINDOW = timedelta(days=2)
UNLISTED = {"404"}


def _lastmod(site: Site, page: Page) -> str | None:
    lang = page.lang
    if lang is None:
        dates = [a.modified for a in site.articles.values()]
    elif page.kind == "article":
        dates = [site.articles[page.subject].modified]
    elif page.kind == "person":
        dates = [a.modified for a in queries.person_articles(site, lang, page.subject)]
    elif page.kind == "cluster":
        dates = [a.modified for a in queries.cluster_articles(site, lang, page.subject)]
    elif page.kind == "tag":
        dates = [a.modified for a in queries.tag_articles(site, lang, page.subject)]
    else:
        dates = [a.modified for a in site.newest(lang)]
    return max(dates).isoformat() if dates else None


def render_sitemap(site: Site, pages: Sequence[Page]) -> bytes:
    base = site.config.base_url
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for page in pages:
        if page.format is not HTML or page.kind in UNLISTED:
            continue
        out.append("  <url>")
        out.append(f"    <loc>{escape(urls.absolute(base, page.url))}</loc>")
        lastmod = _lastmod(site, page)
        if lastmod:
            out.append(f"    <lastmod>{lastmod}</lastmod>")
        exact = [alt for alt in alternates(site, page) if alt.exact] if page.lang else []
        if exact:
            own = site.config.language(page.lang or "")
            for language, url in [(own, page.url)] + [(a.language, a.url) for a in exact]:
                out.append(f'    <xhtml:link rel="alternate" hreflang="{language.html_lang}" '
                           f'href="{escape(urls.absolute(base, url))}"/>')
        out.append("  </url>")
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode("utf-8")


def render_news_sitemap(site: Site) -> bytes:
    """Articles published in the last two days, as Google News asks."""
    base = site.config.base_url
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">']
    recent = sorted((a for a in site.articles.values()
                     if site.now - NEWS_WINDOW <= a.date <= site.now and not a.draft),
                    key=lambda a: (a.date, a.key), reverse=True)
    for article in recent:
        language = site.config.language(article.lang)
        out += [
            "  <url>",
            f"    <loc>{escape(urls.absolute(base, article.url))}</loc>",
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
    sitemap = urls.absolute(site.config.base_url, "/sitemap.xml")
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()
