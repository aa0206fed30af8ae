"""Turn link targets written as source paths into published URLs."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field

from sitegen import urls
from sitegen.markdown import WAITING, split_target


@dataclass(frozen=True, slots=True)
class LinkTargets:
    """What a body link may lead to: articles by source path, media files by path."""

    article_urls: Mapping[str, str]  # "da/2021/x.md" (under content/) -> URL, published only
    hidden: frozenset[str]  # source paths of drafts/embargoed articles left out
    media: frozenset[str]  # "media/2021/x.jpg"
    # Articles held by the clock (an embargo, a date ahead): a link to one waits, shown
    # as its text, until the build after the lift. A link to a draft stays an error.
    waiting: frozenset[str] = frozenset()
    media_urls: Mapping[str, str] = field(default_factory=dict)  # media moved (previews)

    def under_content(self, source: str, target: str) -> str:
        """The target as a path under content/, from the file that links to it."""
        if target.startswith("/"):
            return posixpath.normpath(target.lstrip("/"))
        folder = posixpath.dirname(source.removeprefix("content/"))
        return posixpath.normpath(posixpath.join(folder, target))

    def rewrite(self, source: str, target: str) -> str | None:
        path, fragment = split_target(target)
        if not path:
            return target
        resolved = self.under_content(source, path)
        if resolved in self.article_urls:
            return self.article_urls[resolved] + fragment
        if resolved in self.waiting:
            return WAITING
        if resolved in self.media_urls:
            return self.media_urls[resolved] + fragment
        if resolved in self.media:
            return urls.media(resolved) + fragment
        site_url = target.startswith("/") and not path.endswith(".md")
        if site_url and not resolved.startswith("media/"):
            return target  # a site URL written as such, e.g. /da/personer/
        return None
