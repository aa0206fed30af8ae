"""What a Markdown body's links and headings become: the rules both Markdown paths share
(sitegen/markdown.py, the reference, and sitegen/markdown_fast.py), kept in one place so
that the two cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sitegen.slugs import slugify

# Maps a link target as written to its published URL; None when it leads nowhere;
# WAITING when it leads to a story under embargo (the link is shown as its text alone).
LinkRewriter = Callable[[str], "str | None"]
WAITING = ""
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
WORD = re.compile(r"\w+")  # what a body's word count counts, in its text
SPACES = re.compile(r"\s+")  # collapsed to one in a first paragraph's plain text
HEADING_IDS = (2, 4)  # the heading levels that get an id (h2 to h4), for links to a part


@dataclass(frozen=True, slots=True)
class BrokenLink:
    target: str
    line: int  # 1-based line within the body


def is_internal(target: str) -> bool:
    """A link to a path in the site, not to another site, an anchor or an address."""
    return bool(target) and not target.startswith(("#", "//")) and not SCHEME.match(target)


def heading_slug(title: str) -> str:
    """A heading's id before de-duplication: its text as a slug ('afsnit' if none)."""
    return slugify(title) or "afsnit"
