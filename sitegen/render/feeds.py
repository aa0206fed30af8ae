"""RSS 2.0 feeds, following the RSS Advisory Board's best-practices profile.

One feed per language, per cluster and per person, each in every language
(docs/syndication.md lists their URLs). Deterministic: lastBuildDate is the newest
item's date, never the clock, so a rebuild of unchanged content changes no byte.
Drafts and embargoed articles never appear, not even in a preview build.

Which articles a feed holds is decided by its page kind (`feed_items`, below, is called
from sitegen/kinds/): the renderer prints exactly the items it is given.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urljoin
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr as _quoteattr

from sitegen import __version__
from sitegen.config import SiteConfig
from sitegen.licences import licence
from sitegen.model import Article, Cluster, Image, Person
from sitegen.render.structured import full_url, uri

NAMESPACES = (
    'xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:media="http://search.yahoo.com/mrss/"'
)
# Characters XML 1.0 does not allow at all (a stray form feed pasted into a title
# would make the whole feed unreadable); they are dropped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A start tag with its quoted values kept whole (escaped text never holds a bare "<"),
# and one attribute of it, name and optional value, matched in order so that a value
# can never be mistaken for an attribute.
_VALUE = r"""(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""
START_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s"'>/=]+(?:\s*=\s*""" + _VALUE
                       + r")?)*\s*/?>")
ATTRIBUTE = re.compile(r"""(\s+[^\s"'>/=]+)(?:\s*=\s*""" + _VALUE + ")?")
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "srcset"})


def escape(text: str) -> str:
    """Text content for XML: &, < and > escaped, characters XML forbids dropped."""
    return _escape(NOT_XML.sub("", text))


def html_text(text: str) -> str:
    """Plain text for an element readers take as HTML (<description>): made HTML first
    ("<" -> "&lt;"), then escaped for XML, or "a <b> c" would show as "a  c"."""
    return escape(html.escape(text, quote=False))


def quoteattr(text: str) -> str:
    """An attribute value with its quotes, safe for any text."""
    return _quoteattr(NOT_XML.sub("", text))


def absolutize(markup: str, page_url: str) -> str:
    """Every link and image in `markup` made absolute against the page's absolute URL.

    Feed readers show content:encoded away from the site, where "/media/x.jpg" or
    "#part" would lead nowhere. Absolute URLs and mailto:/tel: are left as they are;
    only attributes of real tags change, never text that shows HTML as an example.
    """

    def attribute(match: re.Match[str]) -> str:
        values = [v for v in match.group(2, 3, 4) if v is not None]
        name = match.group(1).strip().lower()
        if not values or name not in URL_ATTRIBUTES:
            return match.group(0)
        if name == "srcset":  # "a.jpg 1x, b.jpg 2x": each candidate's URL
            url = ", ".join(" ".join([uri(urljoin(page_url, c.split()[0])), *c.split()[1:]])
                            for c in values[0].split(",") if c.strip())
        else:
            url = uri(urljoin(page_url, values[0]))
        return f'{match.group(1)}="{url.replace(chr(34), "&quot;")}"'

    return START_TAG.sub(lambda tag: ATTRIBUTE.sub(attribute, tag.group(0)), markup)


def rfc822(moment: datetime) -> str:
    """'Mon, 01 Nov 2021 09:00:00 +0100': four-digit year, numeric zone offset."""
    return format_datetime(moment)


def published(articles: Iterable[Article]) -> tuple[Article, ...]:
    """What may be syndicated: never a draft or an embargoed article, even in previews."""
    return tuple(a for a in articles if not a.draft and not a.embargoed)


def feed_items(articles: Iterable[Article], limit: int) -> tuple[Article, ...]:
    """A feed's items: the newest `limit` published articles, newest first."""
    items = sorted(published(articles), key=lambda a: (a.date, a.key), reverse=True)
    return tuple(items[:limit])


def feed_item(config: SiteConfig, article: Article, people: Mapping[str, Person],
              clusters: Mapping[str, Cluster], after: str = "") -> str:
    """One <item>: the article in full, `after` (HTML) at the end of its text."""
    base = config.base_url
    tz = config.language(article.lang).tz
    link = full_url(base, article.url)
    lines = [
        "    <item>",
        f"      <title>{escape(article.title)}</title>",
        f"      <link>{escape(link)}</link>",
        f'      <guid isPermaLink="true">{escape(link)}</guid>',
        f"      <pubDate>{rfc822(article.date.astimezone(tz))}</pubDate>",
    ]
    lines += [f"      <dc:creator>{escape(name)}</dc:creator>"
              for name in [clusters[i].name for i in article.organisation_authors]
              + [people[i].name for i in article.authors]]
    lines += [f"      <category>{escape(clusters[i].name)}</category>"
              for i in article.clusters]
    lines += [f"      <category>{escape(tag.name)}</category>" for tag in article.tags]
    lines.append(f"      <description>{html_text(article.summary)}</description>")
    body = absolutize(article.body_html + after, link)
    if article.image:
        image_url = full_url(base, article.image.src)
        body = (f"<p><img src={quoteattr(image_url)} alt={quoteattr(article.image.alt)}></p>\n"
                + body)
        lines.append(f"      <enclosure url={quoteattr(image_url)} "
                     f'length="{article.image.length}" type={quoteattr(article.image.mime)}/>')
        lines += _media(article.image, image_url)
    lines.append(f"      <content:encoded>{escape(body)}</content:encoded>")
    lines.append("    </item>")
    return "\n".join(lines)


def _media(image: Image, url: str) -> list[str]:
    """Media RSS for the lead picture: its size, caption, credit and licence, which
    newsrooms' feed readers show with the picture (and journalists need to use it)."""
    size = f' width="{image.width}" height="{image.height}"' if image.width else ""
    lines = [f'      <media:content url={quoteattr(url)} medium="image" '
             f"type={quoteattr(image.mime)}{size}>"]
    if image.caption:
        lines.append(f"        <media:description>{escape(image.caption)}</media:description>")
    if image.credit:
        lines.append(f"        <media:credit>{escape(image.credit)}</media:credit>")
    terms = licence(image.licence)
    if terms is not None:
        href = f" href={quoteattr(terms.url)}" if terms.url else ""
        lines.append(f"        <media:license{href}>{escape(terms.name)}</media:license>")
    lines.append("      </media:content>")
    return lines


def render_feed(config: SiteConfig, lang: str, self_url: str, title: str, description: str,
                html_url: str, items: Sequence[Article], people: Mapping[str, Person],
                clusters: Mapping[str, Cluster],
                contacts: Mapping[str, str] | None = None,
                item: Callable[[Article], str] | None = None) -> bytes:
    """The channel and its items (given newest first); `people` and `clusters` hold at
    least the items' authors and clusters, whose names the items print; `contacts`:
    article key -> the HTML of its press contacts, shown after the article's text.
    `item(article)`: the item's XML as `feed_item` makes it, when the caller keeps
    items already made (an article is an item of its language's, people's and
    clusters' feeds)."""
    base = config.base_url
    language = config.language(lang)
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<rss version="2.0" {NAMESPACES}>',
        "  <channel>",
        f"    <title>{escape(title)}</title>",
        f"    <link>{escape(full_url(base, html_url))}</link>",
        f"    <description>{html_text(description or title)}</description>",
        f"    <language>{language.html_lang}</language>",
        f"    <dc:publisher>{escape(config.publication(lang))}</dc:publisher>",
        f'    <atom:link href={quoteattr(full_url(base, self_url))} rel="self" '
        'type="application/rss+xml"/>',
        f"    <generator>sitegen {__version__}</generator>",
        "    <docs>https://www.rssboard.org/rss-specification</docs>",
    ]
    if items:
        head.append(f"    <lastBuildDate>{rfc822(items[0].date.astimezone(language.tz))}"
                    "</lastBuildDate>")
    body = [item(a) if item else feed_item(config, a, people, clusters,
                                           (contacts or {}).get(a.key, ""))
            for a in items]
    return ("\n".join(head + body + ["  </channel>", "</rss>"]) + "\n").encode("utf-8")
