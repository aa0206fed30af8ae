"""Output formats as data: what a page kind is rendered with and served as."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OutputFormat:
    name: str
    media_type: str
    renderer: str  # "template" (Jinja) or the name of a built-in renderer


HTML = OutputFormat("html", "text/html; charset=utf-8", "template")
RSS = OutputFormat("rss", "application/rss+xml; charset=utf-8", "rss")
VCARD = OutputFormat("vcard", "text/vcard; charset=utf-8", "vcard")
SITEMAP = OutputFormat("sitemap", "application/xml; charset=utf-8", "sitemap")
NEWS_SITEMAP = OutputFormat("news-sitemap", "application/xml; charset=utf-8", "news_sitemap")
ROBOTS = OutputFormat("robots", "text/plain; charset=utf-8", "robots")
MANIFEST = OutputFormat("manifest", "application/manifest+json; charset=utf-8", "manifest")
