"""A person's or organisation's text, written once per language.

The body of a file in content/people/ or content/clusters/ may hold one block per
language, fenced like a fact box:

    ::: da
    Kurt Bennetsen er direktør for Erhverv Norddanmark.
    :::

    ::: no
    Kurt Bennetsen er direktør i Erhverv Norddanmark.
    :::

A body without such blocks is one text for every language, as before. The blocks are
found in markdown-it's token stream (the container plugin, one container per language
code), never by matching lines, so a `:::` inside a code block is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin

from sitegen.errors import Problem, warning


@dataclass(frozen=True, slots=True)
class LanguageTexts:
    """The body split: `shared` is what stands outside any language block."""

    shared: str
    texts: dict[str, str] = field(default_factory=dict)  # language code -> Markdown
    lines: dict[str, int] = field(default_factory=dict)  # code -> file line it starts on


@lru_cache(maxsize=8)
def _parser(languages: tuple[str, ...]) -> MarkdownIt:
    md = MarkdownIt("commonmark")
    for code in languages:
        container_plugin(md, code)
    return md


def split_languages(path: str, body: str, body_line: int, languages: tuple[str, ...]
                    ) -> tuple[LanguageTexts, list[Problem]]:
    """The body's language blocks, and what stands outside them."""
    lines = body.splitlines(keepends=True)
    texts: dict[str, str] = {}
    starts: dict[str, int] = {}
    taken: set[int] = set()
    problems: list[Problem] = []
    for token in _parser(languages).parse(body):
        if token.level != 0 or not token.type.startswith("container_") \
                or not token.type.endswith("_open") or token.map is None:
            continue
        code = token.type[len("container_"):-len("_open")]
        first, end = token.map  # the opening fence's line, the closing fence's line
        inner = lines[first + 1:end]
        if end < len(lines) and lines[end].strip().startswith(":::"):
            end += 1  # the closing fence (absent when the block is left open)
        taken.update(range(first, end))
        if code in texts:
            problems.append(warning(
                path, body_line + first, f"a second '::: {code}' block; the first is used",
                "write one block per language", code="language-block"))
            continue
        texts[code] = "".join(inner).strip("\n") + "\n"
        starts[code] = body_line + first + 1
    if not texts:
        return LanguageTexts(body), problems
    outside = "".join(line for number, line in enumerate(lines) if number not in taken)
    if outside.strip():
        number = next(n for n, line in enumerate(lines) if n not in taken and line.strip())
        problems.append(warning(
            path, body_line + number,
            "text outside the language blocks is shown in every language",
            f"put it inside one of the blocks ({', '.join(f'::: {c}' for c in languages)})",
            code="language-block"))
    return LanguageTexts(outside.strip("\n") + "\n" if outside.strip() else "", texts,
                         starts), problems
