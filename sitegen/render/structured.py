"""Metadata for search engines and social networks: Open Graph and schema.org JSON-LD.

Built as data in Python (json.dumps does the escaping); templates only print it. Pure
functions of records and settings: which records a page passes in is the page kind's
business (sitegen/kinds/), so that what is printed is what the page declares it reads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sitegen import urls
from sitegen.config import SiteConfig
from sitegen.licences import licence
from sitegen.model import Article, Cluster, Image, Person

# What may stay as it is in a URI (RFC 3986), '%' included so that encoding twice is harmless.
URI_SAFE = ":/?#[]@!$&'()*+,;=%~"


def uri(url: str) -> str:
    """A URL as a valid URI: spaces and letters such as 'ø' in media file names
    percent-encoded as UTF-8 ('Grøn foto.jpg' -> 'Gr%C3%B8n%20foto.jpg')."""
    return quote(url, safe=URI_SAFE)


def full_url(base_url: str, url: str) -> str:
    """The full, percent-encoded address that feeds, cards and metadata give."""
    return uri(urls.absolute(base_url, url))


def share_image(base_url: str, image: Image | None) -> str | None:
    """The absolute address of a picture for link previews and feeds: its widest copy in
    the original's format (a phone's preview need not fetch a 20 MB original)."""
    if image is None:
        return None
    largest = image.largest
    return full_url(base_url, largest.url if largest else image.src)


def image_object(config: SiteConfig, image: Image, lang: str,
                 logo: bool = False) -> dict[str, Any]:
    """schema.org ImageObject of a picture, with its credit and terms (Google Images
    shows these as the picture's "Licensable" details)."""
    base = config.base_url
    data: dict[str, Any] = {"@type": "ImageObject", "url": share_image(base, image),
                            "contentUrl": full_url(base, image.src)}
    if image.width:
        largest = image.largest
        data["width"] = largest.width if largest else image.width
        data["height"] = largest.height if largest else image.height
    if logo:
        return data
    if image.caption:
        data["caption"] = image.caption
    if image.credit:
        data["creditText"] = image.credit
        data["creator"] = {"@type": "Person", "name": image.credit}
    terms = licence(image.licence)
    publisher = config.publisher_for(lang)
    if terms is not None:
        # The licence's own text, or the press kit that states the publisher's terms.
        data["license"] = terms.url or full_url(base, urls.press_kit(lang))
        owner = image.credit or config.publication(lang)
        data["copyrightNotice"] = (f"© {owner}" if terms.code == "all-rights-reserved"
                                   else f"{owner}, {terms.name}")
        contact = publisher.url or (f"mailto:{publisher.email}" if publisher.email else "")
        data["acquireLicensePage"] = contact or full_url(base, urls.press_kit(lang))
    return data


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
    parts: list[str] = []
    _indented(data, "\n", parts)
    return "".join(parts).replace("<", "\\u003c").replace(">", "\\u003e")


_quoted = json.encoder.encode_basestring  # type: ignore[attr-defined]  # C, not ASCII-only


def _indented(value: Any, newline: str, parts: list[str]) -> None:
    """What `json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)` writes,
    appended to `parts`: json's indenting encoder is pure Python, and every page's
    JSON-LD went through it (tests/test_structured_data.py holds the two equal)."""
    if isinstance(value, str):
        parts.append(_quoted(value))
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + " "
        parts.append("{")
        for number, key in enumerate(sorted(value)):
            parts.append(("," if number else "") + inner + _quoted(key) + ": ")
            _indented(value[key], inner, parts)
        parts.append(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
            return
        inner = newline + " "
        parts.append("[")
        for number, item in enumerate(value):
            parts.append(("," if number else "") + inner)
            _indented(item, inner, parts)
        parts.append(newline + "]")
    else:  # numbers, booleans, None: json's own spelling
        parts.append(json.dumps(value))


def _publisher(config: SiteConfig, lang: str | None = None,
               logo: Image | None = None) -> dict[str, Any]:
    publisher = config.publisher_for(lang)
    data: dict[str, Any] = {"@type": "Organization", "name": config.publication(lang)}
    if publisher.url:
        data["url"] = publisher.url
    if logo is not None:
        data["logo"] = image_object(config, logo, lang or "", logo=True)
    return data


def person_json(config: SiteConfig, person: Person, lang: str) -> dict[str, Any]:
    """A person's page: a ProfilePage whose main entity is the Person."""
    base = config.base_url
    url = full_url(base, urls.person(lang, person.id))
    data: dict[str, Any] = {"@type": "Person", "name": person.name, "url": url}
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
    return {"@context": "https://schema.org", "@type": "ProfilePage", "url": url,
            "inLanguage": config.language(lang).html_lang, "mainEntity": data}


def article_json(config: SiteConfig, article: Article, authors: Sequence[Person],
                 clusters: Sequence[Cluster],
                 organisations: Sequence[Cluster] = (),
                 logo: Image | None = None) -> dict[str, Any]:
    """`authors`, `clusters` and `organisations` (in the byline): the article's, in its
    order."""
    base = config.base_url
    language = config.language(article.lang)
    url = full_url(base, article.url)
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": article.title, "description": article.summary,
        "datePublished": article.date.isoformat(),
        "dateModified": article.modified.isoformat(),
        "inLanguage": language.html_lang,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url}, "url": url,
        "author": [*({"@type": "Organization", "name": org.name,
                      "url": full_url(base, urls.cluster(article.lang, org.id))}
                     for org in organisations),
                   *({"@type": "Person", "name": person.name,
                      "url": full_url(base, urls.person(article.lang, person.id))}
                     for person in authors)] or [_publisher(config, article.lang)],
        "publisher": _publisher(config, article.lang, logo),
    }
    pictures = [image for image in (article.image, *article.figures) if image is not None]
    if pictures:
        data["image"] = [image_object(config, image, article.lang) for image in pictures]
    elif logo is not None:
        data["image"] = [share_image(base, logo)]
    if clusters:
        data["about"] = [{"@type": "Organization", "name": cluster.name}
                         for cluster in clusters]
    return data
