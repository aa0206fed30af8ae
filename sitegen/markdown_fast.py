"""markdown-it's token stream from markdown-it-pyrs, the Rust port, for speed.

Parsing is most of a Markdown body's cost in markdown-it-py. markdown-it-pyrs parses the
same CommonMark (same maintainers' family) about fifteen times faster and hands back a
node tree; this module turns that tree into the very tokens markdown-it-py would have
made, so that everything after parsing (link rewriting, heading ids, the table wrapper,
the renderer) stays markdown-it-py's own and the HTML is the same. tests/test_markdown_fast.py
holds the two to byte-identical HTML over the sample site, the CommonMark examples, a
set of bodies with every feature the project uses, and a seeded part of the benchmark
corpus (all of it with SITEGEN_DIFF_ALL=1).

What the Rust parser does not do the same way is never given to it: fact boxes
(`::: fakta`, a markdown-it-py plugin), raw HTML when a site allows it, nesting deep
enough to reach markdown-it's limit, and links with schemes markdown-it refuses (its
refusal is the safety property; the reference parser is kept for them). Such a body is
parsed by markdown-it-py, and `fast_tokens` returns None to say so.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

try:  # an optional speed-up: without it every body takes markdown-it-py's path
    import markdown_it_pyrs
except ImportError:  # pragma: no cover - the wheel is a dependency; kept for other platforms
    markdown_it_pyrs = None

RULES = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph",
         "reference", "autolink", "backticks", "emphasis", "entity", "escape", "image",
         "link", "newline", "table"]
# Leave to markdown-it-py: fact boxes (its container plugin), and anything near a scheme
# its link validation refuses, so that the refusal is always the reference's own.
REFERENCE_ONLY = (":::", "javascript:", "vbscript:", "file:", "data:")
MAX_DEPTH = 16  # markdown-it stops at 20 levels (and warns, see markdown.py): leave it that
NEWLINE = re.compile(b"\n")
INLINE = {"text", "text_special", "softbreak", "hardbreak", "em", "strong", "link",
          "autolink", "image", "code_inline"}


@lru_cache(maxsize=1)
def _parser() -> Any:
    return markdown_it_pyrs.MarkdownIt("zero").enable_many(RULES)


def available() -> bool:
    return markdown_it_pyrs is not None


@lru_cache(maxsize=1)
def _symbol_by_emphasis() -> re.Pattern[str]:
    """A non-ASCII symbol (currency, maths, ...) beside `*` or `_`: CommonMark 0.31 counts
    symbols as punctuation when it decides what may open emphasis, markdown-it-py does
    not, and the two then differ ("*£*bravo"). Such bodies go to markdown-it-py."""
    symbols = "".join(chr(code) for code in range(0x80, 0x10000)
                      if unicodedata.category(chr(code)).startswith("S"))
    group = "[" + re.escape(symbols) + "]"
    return re.compile(f"[*_]{group}|{group}[*_]")


def fast_tokens(text: str, md: MarkdownIt) -> list[Token] | None:
    """The tokens markdown-it-py's `md.parse(text)` gives, made from the Rust parser's
    tree, with `md`'s core rules that come after parsing applied (heading ids); None
    when this body is for markdown-it-py itself."""
    return fast_parse(text, md)[0]


def reference_reason(text: str, md: MarkdownIt) -> str | None:
    """Why this body is never given to the Rust parser (said in `--verbose`), or None."""
    if markdown_it_pyrs is None:
        return "markdown-it-pyrs is not installed"
    if md.options.get("html"):
        return "raw HTML is allowed"
    if ":::" in text:
        return "fact box"
    if any(marker in text for marker in REFERENCE_ONLY):
        return "a link scheme markdown-it refuses"
    if not text.isascii() and _symbol_by_emphasis().search(text):
        return "a symbol beside emphasis"
    return None


def fast_parse(text: str, md: MarkdownIt) -> tuple[list[Token] | None, str]:
    """`fast_tokens`, and when it gives None the reason, for the build's summary."""
    reason = reference_reason(text, md)
    if reason is not None:
        return None, reason
    data = text.encode("utf-8")
    builder = _Builder(data, md)
    try:
        builder.blocks(_parser().tree(text).children, 0, tight=False)
    except _Unsupported as exc:
        return None, exc.reason
    tokens = builder.tokens
    state = StateCore(text, md, {})
    state.tokens = tokens
    for rule in md.core.ruler.getRules(""):
        if getattr(rule, "__name__", "") == "_anchor_func":
            rule(state)
    return tokens, ""


class _Unsupported(Exception):
    """A node this converter does not know: the body goes to markdown-it-py."""

    @property
    def reason(self) -> str:
        what = self.args[0] if self.args else ""
        return f"{what} (not converted)" if what else "nesting deeper than 16 levels"


class _Builder:
    def __init__(self, data: bytes, md: MarkdownIt):
        self.data = data
        self.md = md
        self.tokens: list[Token] = []
        self.newlines = [match.start() for match in NEWLINE.finditer(data)]

    def line(self, offset: int) -> int:
        """0-based line of a byte offset (markdown-it's token.map counts lines)."""
        return bisect_right(self.newlines, offset - 1)

    def span(self, node: Any) -> list[int]:
        start, end = node.srcmap
        last = self.line(max(start, end - 1))
        return [self.line(start), last + 1]

    def push(self, type_: str, tag: str, nesting: int, level: int, **fields: Any) -> Token:
        token = Token(type_, tag, nesting, level=level, block=True, **fields)
        self.tokens.append(token)
        return token

    # --- blocks ------------------------------------------------------------------------

    def blocks(self, nodes: Sequence[Any], level: int, tight: bool) -> None:
        if level > MAX_DEPTH:
            raise _Unsupported
        run: list[Any] = []
        for node in nodes:
            if node.name in INLINE:  # a tight list item's text: a hidden paragraph
                run.append(node)
                continue
            if run:
                self.hidden_paragraph(run, level)
                run = []
            self.block(node, level, tight)
        if run:
            self.hidden_paragraph(run, level)

    def hidden_paragraph(self, nodes: list[Any], level: int) -> None:
        start, end = nodes[0].srcmap[0], nodes[-1].srcmap[1]
        span = [self.line(start), self.line(max(start, end - 1)) + 1]
        self.push("paragraph_open", "p", 1, level, map=span, hidden=True)
        self.inline(nodes, start, end, level + 1, span)
        self.push("paragraph_close", "p", -1, level, hidden=True)

    def block(self, node: Any, level: int, tight: bool) -> None:
        name, meta = node.name, node.meta
        if name == "paragraph":
            span = self.span(node)
            self.push("paragraph_open", "p", 1, level, map=span, hidden=tight)
            self.inline(node.children, *node.srcmap, level + 1, span)
            self.push("paragraph_close", "p", -1, level, hidden=tight)
        elif name == "heading":
            tag, span = f"h{meta['level']}", self.span(node)
            self.push("heading_open", tag, 1, level, map=span, markup="#" * meta["level"])
            self.inline(node.children, *node.srcmap, level + 1, span)
            self.push("heading_close", tag, -1, level, markup="#" * meta["level"])
        elif name == "blockquote":
            self.push("blockquote_open", "blockquote", 1, level, map=self.span(node),
                      markup=">")
            self.blocks(node.children, level + 1, tight=False)
            self.push("blockquote_close", "blockquote", -1, level, markup=">")
        elif name in ("bullet_list", "ordered_list"):
            self.list(node, level)
        elif name == "fence":
            marker = meta.get("marker", "`") * meta.get("marker_len", 3)
            self.push("fence", "code", 0, level, map=self.span(node), info=meta.get("info", ""),
                      content=meta.get("content", ""), markup=marker)
        elif name == "code_block":
            self.push("code_block", "code", 0, level, map=self.span(node),
                      content=meta.get("content", ""))
        elif name == "hr":
            self.push("hr", "hr", 0, level, map=self.span(node), markup=meta.get("markup", "---"))
        elif name == "table":
            self.table(node, level)
        elif name == "definition":
            return  # a link reference definition shows nothing
        else:
            raise _Unsupported(name)

    def list(self, node: Any, level: int) -> None:
        ordered = node.name == "ordered_list"
        kind, tag = ("ordered_list", "ol") if ordered else ("bullet_list", "ul")
        marker = node.meta.get("marker", ".")
        opener = self.push(f"{kind}_open", tag, 1, level, map=self.span(node), markup=marker)
        start = node.meta.get("start", 1)
        if ordered and start != 1:
            opener.attrs = {"start": start}
        # A tight list: markdown-it-pyrs gives its items' text without paragraphs.
        tight = not any(child.name == "paragraph" for item in node.children
                        for child in item.children)
        for number, item in enumerate(node.children):
            info = str(start + number) if ordered else ""
            self.push("list_item_open", "li", 1, level + 1, map=self.span(item),
                      markup=marker, info=info)
            self.blocks(item.children, level + 2, tight)
            self.push("list_item_close", "li", -1, level + 1, markup=marker)
        self.push(f"{kind}_close", tag, -1, level, markup=marker)

    def table(self, node: Any, level: int) -> None:
        aligns = node.meta.get("alignments", [])
        self.push("table_open", "table", 1, level, map=self.span(node))
        for section in node.children:
            tag = "thead" if section.name == "thead" else "tbody"
            if section.name not in ("thead", "tbody"):
                raise _Unsupported(section.name)
            self.push(f"{tag}_open", tag, 1, level + 1, map=self.span(section))
            cell = "th" if tag == "thead" else "td"
            for row in section.children:
                self.push("tr_open", "tr", 1, level + 2, map=self.span(row))
                for column, item in enumerate(row.children):
                    align = aligns[column] if column < len(aligns) else "none"
                    token = self.push(f"{cell}_open", cell, 1, level + 3, map=self.span(item))
                    if align in ("left", "right", "center"):
                        token.attrs = {"style": f"text-align:{align}"}
                    span = self.span(row)
                    self.inline(item.children, *item.srcmap, level + 4, span)
                    self.push(f"{cell}_close", cell, -1, level + 3)
                self.push("tr_close", "tr", -1, level + 2)
            self.push(f"{tag}_close", tag, -1, level + 1)
        self.push("table_close", "table", -1, level)

    # --- inline ------------------------------------------------------------------------

    def inline(self, nodes: Sequence[Any], start: int, end: int, level: int,
               span: list[int]) -> None:
        token = Token("inline", "", 0, level=level, block=True, map=span,
                      content=self.data[start:end].decode("utf-8", "replace").strip())
        token.children = self.children(nodes, 0)
        self.tokens.append(token)

    def children(self, nodes: Sequence[Any], level: int) -> list[Token]:
        out: list[Token] = []
        for node in nodes:
            name, meta = node.name, node.meta
            if name in ("text", "text_special"):
                content = meta.get("content", "")
                if out and out[-1].type == "text":
                    out[-1].content += content  # markdown-it-py joins adjacent text
                else:
                    out.append(Token("text", "", 0, level=level, content=content))
            elif name == "softbreak":
                out.append(Token("softbreak", "br", 0, level=level))
            elif name == "hardbreak":
                out.append(Token("hardbreak", "br", 0, level=level))
            elif name in ("em", "strong"):
                tag = name
                marker = meta.get("marker", "*") * (2 if name == "strong" else 1)
                out.append(Token(f"{tag}_open", tag, 1, level=level, markup=marker))
                out += self.children(node.children, level + 1)
                out.append(Token(f"{tag}_close", tag, -1, level=level, markup=marker))
            elif name in ("link", "autolink"):
                attrs: dict[str, Any] = {"href": meta["url"]}
                if meta.get("title"):
                    attrs["title"] = meta["title"]
                auto = name == "autolink"
                out.append(Token("link_open", "a", 1, level=level, attrs=attrs,
                                 markup="autolink" if auto else "",
                                 info="auto" if auto else ""))
                if auto:  # shown as written (an e-mail address without its mailto:)
                    shown = "".join(child.meta.get("content", "") for child in node.children)
                    out.append(Token("text", "", 0, level=level + 1,
                                     content=self.md.normalizeLinkText(shown)))
                else:
                    out += self.children(node.children, level + 1)
                out.append(Token("link_close", "a", -1, level=level,
                                 markup="autolink" if auto else "",
                                 info="auto" if auto else ""))
            elif name == "image":
                attrs = {"src": meta["url"], "alt": ""}
                if meta.get("title"):
                    attrs["title"] = meta["title"]
                image = Token("image", "img", 0, level=level, attrs=attrs)
                image.children = self.children(node.children, 0)
                image.content = "".join(child.content for child in image.children
                                        if child.type == "text")
                out.append(image)
            elif name == "code_inline":
                content = "".join(child.meta.get("content", "") for child in node.children)
                out.append(Token("code_inline", "code", 0, level=level, content=content,
                                 markup="`" * node.meta.get("marker_len", 1)))
            else:
                raise _Unsupported(name)
        return out
