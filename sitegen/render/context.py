"""Values the HTML templates receive that are shared by several page kinds.

Each kind builds its own template context from its Reads (sitegen/kinds/); the common
names every template gets are assembled in sitegen/kinds/html.py. docs/themes.md lists
them for theme authors.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sitegen.config import LanguageConfig
from sitegen.model import Article


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

