"""RSS 2.0 feeds, following the RSS Advisory Board's best-practices profile.

Deterministic: lastBuildDate is the newest item's date, never the clock, so a rebuild
of unchanged content changes no byte.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from sitegen import __version__, urls
from sitegen.model import Article, Site
from sitegen.plan.pages import Page
from sitegen.render import queries

ROOT_LINK = re.compile(r'(\s(?:href|src))="/(?!/)')


def absolutize(html: str, base_url: str) -> str:
    """Root-relative links and images made absolute, as feed readers need them."""
    return ROOT_LINK.sub(lambda m: f'{m.group(1)}="{base_url}', html)


def rfc822(moment) -> str:  # type: ignore[no-untyped-def]
    return format_datetime(moment)


def _item(site: Site, article: Article) -> str:
    base = site.config.base_url
    tz = site.config.language(article.lang).tz
    link = urls.absolute(base, article.url)
    lines = [
        "    <item>",
        f"      <title>{escape(article.title)}</title>",
        f"      <link>{escape(link)}</link>",
        f'      <guid isPermaLink="true">{escape(link)}</guid>',
        f"      <pubDate>{rfc822(article.date.astimezone(tz))}</pubDate>",
    ]
    lines += [f"      <dc:creator>{escape(site.people[i].name)}</dc:creator>"
              for i in article.authors]
    lines += [f"      <category>{escape(site.clusters[i].name)}</category>"
              for i in article.clusters]
    lines += [f"      <category>{escape(tag.name)}</category>" for tag in article.tags]
    lines.append(f"      <description>{escape(article.summary)}</description>")
    body = absolutize(article.body_html, base)
    if article.image:
        image_url = urls.absolute(base, article.image.src)
        body = (f'<p><img src="{escape(image_url)}" alt={quoteattr(article.image.alt)}></p>\n'
                + body)
        lines.append(f"      <enclosure url={quoteattr(image_url)} "
                     f'length="{article.image.length}" type={quoteattr(article.image.mime)}/>')
    lines.append(f"      <content:encoded>{escape(body)}</content:encoded>")
    lines.append("    </item>")
    return "\n".join(lines)


def render_feed(site: Site, page: Page, title: str, description: str, html_url: str,
                articles: Sequence[Article]) -> bytes:
    base = site.config.base_url
    language = site.config.language(page.lang or "")
    items = list(articles[: site.config.feed_items])
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "  <channel>",
        f"    <title>{escape(title)}</title>",
        f"    <link>{escape(urls.absolute(base, html_url))}</link>",
        f"    <description>{escape(description or title)}</description>",
        f"    <language>{language.html_lang}</language>",
        f'    <atom:link href={quoteattr(urls.absolute(base, page.url))} rel="self" '
        'type="application/rss+xml"/>',
        f"    <generator>sitegen {__version__}</generator>",
        "    <docs>https://www.rssboard.org/rss-specification</docs>",
    ]
    if items:
        newest = max(a.modified for a in items)
        head.append(f"    <lastBuildDate>{rfc822(newest.astimezone(language.tz))}"
                    "</lastBuildDate>")
    body = [_item(site, a) for a in items]
    return ("\n".join(head + body + ["  </channel>", "</rss>"]) + "\n").encode("utf-8")


def language_feed(site: Site, page: Page) -> bytes:
    language = site.config.language(page.lang or "")
    return render_feed(site, page, language.title, language.description,
                       urls.home(language.code), site.newest(language.code))


def person_feed(site: Site, page: Page) -> bytes:
    lang = page.lang or ""
    person = site.people[page.subject]
    language = site.config.language(lang)
    return render_feed(site, page, f"{person.name} – {language.title}",
                       person.role_in(lang) or language.description,
                       urls.person(lang, person.id),
                       queries.person_articles(site, lang, person.id))


def cluster_feed(site: Site, page: Page) -> bytes:
    lang = page.lang or ""
    cluster = site.clusters[page.subject]
    language = site.config.language(lang)
    return render_feed(site, page, f"{cluster.name} – {language.title}",
                       cluster.description_in(lang) or language.description,
                       urls.cluster(lang, cluster.id),
                       queries.cluster_articles(site, lang, cluster.id))
