"""Metadata for search engines and social networks: Open Graph and schema.org JSON-LD.

Built as data in Python (json.dumps does the escaping); templates only print it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sitegen import urls
from sitegen.model import Article, Person, Site
from sitegen.plan.pages import Page

# What may stay as it is in a URI (RFC 3986), '%' included so that encoding twice is harmless.
URI_SAFE = ":/?#[]@!$&'()*+,;=%~"


def uri(url: str) -> str:
    """A URL as a valid URI: spaces and letters such as 'ø' in media file names
    percent-encoded as UTF-8 ('Grøn foto.jpg' -> 'Gr%C3%B8n%20foto.jpg')."""
    return quote(url, safe=URI_SAFE)


def full_url(base_url: str, url: str) -> str:
    """The full, percent-encoded address that feeds, cards and metadata give."""
    return uri(urls.absolute(base_url, url))


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What <meta> tags say about a page (Open Graph, Twitter card)."""

    title: str
    description: str
    url: str  # absolute
    type: str  # "article" or "website" (Open Graph)
    locale: str  # "da_DK"
    site_name: str
    image: str | None = None  # absolute
    image_alt: str | None = None
    published: str | None = None
    modified: str | None = None
    # (hreflang, absolute URL) of every language version, x-default last; () if untranslated
    hreflang: tuple[tuple[str, str], ...] = ()

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image else "summary"


def to_script(data: dict[str, Any]) -> str:
    """JSON for a <script> element, printed as it is.

    Keys sorted, so the output is byte-stable. '<' and '>' are written as JSON escapes:
    no title can then end the element early ('</script>') or open an HTML comment
    ('<!--') inside it, and json.loads still reads the very same text.
    """
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def _publisher(site: Site) -> dict[str, Any]:
    publisher = site.config.publisher
    data: dict[str, Any] = {"@type": "Organization",
                            "name": publisher.name or site.config.languages[0].title}
    if publisher.url:
        data["url"] = publisher.url
    return data


def person_json(site: Site, person: Person, lang: str) -> dict[str, Any]:
    base = site.config.base_url
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Person", "name": person.name,
        "url": full_url(base, urls.person(lang, person.id)),
    }
    if person.role_in(lang):
        data["jobTitle"] = person.role_in(lang)
    if person.organization:
        data["worksFor"] = {"@type": "Organization", "name": person.organization}
    if person.email:
        data["email"] = f"mailto:{person.email}"
    if person.phone:
        data["telephone"] = person.phone
    if person.photo:
        data["image"] = full_url(base, person.photo.src)
    return data


def article_json(site: Site, article: Article) -> dict[str, Any]:
    base = site.config.base_url
    language = site.config.language(article.lang)
    url = full_url(base, article.url)
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": article.title, "description": article.summary,
        "datePublished": article.date.isoformat(),
        "dateModified": article.modified.isoformat(),
        "inLanguage": language.html_lang,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url}, "url": url,
        "author": [{"@type": "Person", "name": site.people[i].name,
                    "url": full_url(base, urls.person(article.lang, i))}
                   for i in article.authors] or [_publisher(site)],
        "publisher": _publisher(site),
    }
    if article.image:
        data["image"] = [full_url(base, article.image.src)]
    if article.clusters:
        data["about"] = [{"@type": "Organization", "name": site.clusters[i].name}
                         for i in article.clusters]
    return data


def structured_data(site: Site, page: Page) -> str | None:
    if page.kind == "article":
        return to_script(article_json(site, site.articles[page.subject]))
    if page.kind == "person" and page.lang:
        return to_script(person_json(site, site.people[page.subject], page.lang))
    return None


def hreflang_links(site: Site, page: Page) -> tuple[tuple[str, str], ...]:
    """(hreflang, absolute URL) for each language version of a page, itself included.

    Empty when the page exists in one language only. x-default is the language choice
    at "/" for the front pages (what x-default is meant for), and the default
    language's version for every other page. The page's head and sitemap.xml both
    print this, so the two always agree, as search engines require.
    """
    from sitegen.render.context import alternates  # context imports this module

    base = site.config.base_url
    if page.kind == "root":
        return (*((lang.html_lang, full_url(base, urls.home(lang.code)))
                  for lang in site.config.languages), ("x-default", full_url(base, "/")))
    if page.lang is None or page.kind == "404" or page.number > 1:
        return ()  # page 2 of a list is no translation of page 2 in another language
    exact = {alt.language.code: alt.url for alt in alternates(site, page) if alt.exact}
    if page.kind == "article":  # a draft or embargoed translation shown in a preview
        shown = {site.articles[key].url for key in site.articles[page.subject]
                 .translations.values() if _shown(site.articles[key])}
        exact = {code: url for code, url in exact.items() if url in shown}
    if not exact:
        return ()
    versions = {**exact, page.lang: page.url}
    links = [(lang.html_lang, full_url(base, versions[lang.code]))
             for lang in site.config.languages if lang.code in versions]
    if page.kind == "home":
        links.append(("x-default", full_url(base, "/")))
    elif site.config.default_language in versions:
        links.append(("x-default", full_url(base, versions[site.config.default_language])))
    return tuple(links)


def _shown(article: Article) -> bool:
    return not article.draft and not article.embargoed


def page_meta(site: Site, page: Page, title: str) -> PageMeta | None:
    if page.lang is None:
        return None
    base = site.config.base_url
    language = site.config.language(page.lang)
    url = full_url(base, page.url)
    if page.kind == "article":
        article = site.articles[page.subject]
        image = article.image
        return PageMeta(article.title, article.summary, url, "article", language.locale,
                        language.title, full_url(base, image.src) if image else None,
                        image.alt if image else None, article.date.isoformat(),
                        article.modified.isoformat(), hreflang_links(site, page))
    description = language.description
    image = image_alt = None
    if page.kind == "person":
        person = site.people[page.subject]
        description = ", ".join(filter(None, [person.role_in(page.lang), person.organization]))
        if person.photo:
            image, image_alt = full_url(base, person.photo.src), person.name
    elif page.kind == "cluster":
        description = site.clusters[page.subject].description_in(page.lang) or description
    return PageMeta(title, description or language.description, url, "website",
                    language.locale, language.title, image, image_alt,
                    hreflang=hreflang_links(site, page))
