"""Values the HTML templates receive that are shared by several page kinds.

Each kind builds its own template context from its Reads (sitegen/kinds/); the common
names every template gets are assembled in sitegen/kinds/html.py. docs/themes.md lists
them for theme authors.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sitegen.config import LanguageConfig, SiteConfig
from sitegen.model import Article, LocalText


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


def standfirst(article: Article) -> str:
    """The summary as a lead paragraph, or '' when it only repeats the body's opening."""
    match = re.search(r"<p>(.*?)</p>", article.body_html, re.DOTALL)
    opening = html.unescape(re.sub(r"<[^>]+>", "", match.group(1))) if match else ""
    summary = " ".join(article.summary.split())
    return "" if not summary or " ".join(opening.split()) == summary else article.summary



@dataclass(frozen=True, slots=True)
class TextView:
    """A person's or organisation's text as a page shows it: `other` is set when the
    text is another language's (the page's own is missing), for the element's `lang`
    attribute and the note "only in Norwegian"."""

    html: str
    other: LanguageConfig | None = None
    other_name: str = ""  # that language's name in the page's language ("norsk")


def text_view(config: SiteConfig, text: LocalText | None, lang: str) -> TextView | None:
    if text is None or not text.html:
        return None
    if not text.fallback or text.lang is None or text.lang not in config.language_codes:
        return TextView(text.html)
    from babel import Locale

    other = config.language(text.lang)
    names = Locale.parse(config.language(lang).locale).languages
    name = names.get(text.lang) or names.get(Locale.parse(other.locale).language) or text.lang
    return TextView(text.html, other, name)


def initials(name: str) -> str:
    """'Kjell Reidar Mydske' -> 'KM': a portrait's placeholder."""
    words = [word for word in name.replace("-", " ").split() if word[:1].isalpha()]
    if not words:
        return ""
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()
