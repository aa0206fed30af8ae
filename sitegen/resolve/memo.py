"""What resolving may reuse from the build before, each piece checked before use.

Reuse keeps object identity: an unchanged article is the very same object as last time,
so later steps (page digests) can recognise it at the cost of an `is`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from sitegen.model import Article
from sitegen.resolve.links import LinkTargets
from sitegen.resolve.related import RelatedMemo

T = TypeVar("T")


@dataclass
class ResolveMemo:
    targets: LinkTargets | None = None  # the last build's link table
    verified: set[str] = field(default_factory=set)  # body keys checked against it
    articles: dict[str, Article] = field(default_factory=dict)  # key -> last build's
    records: dict[str, object] = field(default_factory=dict)  # "p:id"/"c:id" -> last build's
    related: RelatedMemo = field(default_factory=dict)  # see resolve/related.py
    # source path -> (what the article was made from, the article before translations)
    built: dict[str, tuple[tuple[object, ...], Article]] = field(default_factory=dict)
    # The published bodies by the parser that made them: "" (markdown-it-pyrs) or why
    # markdown-it-py did. Told by `sitegen build --verbose`.
    parsers: dict[str, int] = field(default_factory=dict)

    def same_article(self, article: Article) -> Article:
        """The previous build's object if it is equal to this one, else this one."""
        previous = self.articles.get(article.key)
        return previous if previous is not None and previous == article else article

    def same_record(self, name: str, record: T) -> T:
        """A person or cluster: the previous build's object if equal, else this one."""
        previous = self.records.get(name)
        if previous is not None and previous == record:
            return previous  # type: ignore[return-value]
        self.records[name] = record
        return record
