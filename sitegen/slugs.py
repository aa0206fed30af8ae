"""Slugs and ids: lower-case ASCII words joined by '-'."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}-")
NORDIC = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa",
                        "ß": "ss", "ð": "d", "þ": "th", "Ð": "d", "Þ": "th"})


def is_slug(text: str) -> bool:
    return bool(SLUG.match(text))


@lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """Make a slug the way editors expect: æ -> ae, ø -> oe, å -> aa, é -> e."""
    text = text.translate(NORDIC)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def slug_from_filename(stem: str) -> str:
    """'2021-11-01-mission-possible' -> 'mission-possible'."""
    return slugify(LEADING_DATE.sub("", stem)) or slugify(stem)
