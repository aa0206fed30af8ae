"""Render a list entry once per build and language, however many pages show it.

An article appears as a teaser on the news pages, on each of its tags', people's and
clusters' pages and among other articles' related news; a press contact's card is on
every article the person is a contact for. At 5,000 articles per language that is over
a hundred thousand teasers made from ten thousand articles. The theme's templates ask
for such an entry through `once(macro, subject, *arguments)`, which renders the macro
the first time and hands back the same markup after.

The entry must be a function of what it is given: the subject (an article or a person
of the site model, which is never changed during a build), the arguments, and the
language's environment (its filters and translations). The memo belongs to one
environment of one build's theme (`load_theme` makes new ones each build), and it keys
on the subject's identity while holding the subject, so that an id is never another
object's: a changed article is a new object, and misses.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from markupsafe import Markup

T = TypeVar("T")
Once = Callable[..., Markup]


class ByIdentity(Generic[T]):
    """Results made from a subject of the model, by the subject's identity and a few
    hashable arguments. Each entry holds its subject, so that an id is never another
    object's; an equal but new subject (an edited article) misses."""

    def __init__(self) -> None:
        self._memo: dict[tuple[Hashable, ...], tuple[object, T]] = {}

    def get(self, subject: object, arguments: tuple[Hashable, ...],
            make: Callable[[], T]) -> T:
        key = (id(subject), *arguments)
        found = self._memo.get(key)
        if found is not None and found[0] is subject:
            return found[1]
        value = make()
        self._memo[key] = (subject, value)
        return value

    def __len__(self) -> int:
        return len(self._memo)


def render_once() -> Once:
    """A new `once`, with a memo of its own (one per environment)."""
    memo: ByIdentity[Markup] = ByIdentity()

    def once(macro: Any, subject: object, *arguments: Hashable) -> Markup:
        return memo.get(subject, (macro.name, *arguments),
                        lambda: Markup(macro(subject, *arguments)))

    return once
