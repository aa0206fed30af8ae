"""HTML straight from markdown-it-pyrs's node tree, for speed.

Parsing is most of a Markdown body's cost in markdown-it-py, and making its tokens
and rendering them most of the rest. markdown-it-pyrs (the Rust port, same maintainers'
family) parses the same CommonMark about fifteen times faster and hands back a node
tree; this module walks that tree once and writes the HTML markdown-it-py's renderer
would write for the same body, with the project's own parts (heading ids, the table
wrapper, links to source files turned into URLs) and the facts a body yields (first
paragraph, word count, links, lines). tests/test_markdown_fast.py holds the two paths to
identical results over the sample site, the CommonMark examples, a set of bodies with
every feature the project uses, and a seeded part of the benchmark corpus (all of it
with SITEGEN_DIFF_ALL=1).

What the Rust parser does not do the same way is never given to it: fact boxes
(`::: fakta`, a markdown-it-py plugin), raw HTML when a site allows it, nesting deep
enough to reach markdown-it's limit, and links with schemes markdown-it refuses (its
refusal is the safety property; the reference parser is kept for them). Such a body is
parsed by markdown-it-py, and `fast_render` says why.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.anchors.index import unique_slug

from sitegen.markdown_links import (
    HEADING_IDS,
    SPACES,
    WAITING,
    WORD,
    BrokenLink,
    LinkRewriter,
    heading_slug,
    is_internal,
)

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


def _symbol_beside_emphasis(text: str) -> bool:
    """A non-ASCII symbol of the BMP (currency, maths, ...) right beside `*` or `_`:
    CommonMark 0.31 counts symbols as punctuation when it decides what may open
    emphasis, markdown-it-py does not, and the two then differ ("*£*bravo"). Such
    bodies go to markdown-it-py. (Looking only beside the markers, not at every
    character: most bodies have a few markers and thousands of letters.)"""
    for marker in "*_":
        at = text.find(marker)
        while at != -1:
            for char in (text[at - 1:at] if at else "", text[at + 1:at + 2]):
                if char and 0x80 <= ord(char) < 0x10000 \
                        and unicodedata.category(char).startswith("S"):
                    return True
            at = text.find(marker, at + 1)
    return False


def reference_reason(text: str, md: MarkdownIt) -> str | None:
    """Why this body is never given to the Rust parser (said in `--verbose`), or None."""
    if markdown_it_pyrs is None:
        return "markdown-it-pyrs is not installed"
    if md.options.get("html"):
        return "raw HTML is allowed"
    if ":::" in text:
        return "fact box"
    for marker in REFERENCE_ONLY:
        if marker in text:
            return "a link scheme markdown-it refuses"
    if not text.isascii() and _symbol_beside_emphasis(text):
        return "a symbol beside emphasis"
    return None


class _Unsupported(Exception):
    """A node this converter does not know: the body goes to markdown-it-py."""

    @property
    def reason(self) -> str:
        what = self.args[0] if self.args else ""
        return f"{what} (not converted)" if what else "nesting deeper than 16 levels"


@dataclass(slots=True)
class Written:
    """What the fast path made of a body: sitegen.markdown turns it into a RenderedBody."""

    html: str
    first_paragraph: str  # as plain text
    words: int
    links: list[tuple[str, str | None]] = field(default_factory=list)
    broken: list[BrokenLink] = field(default_factory=list)
    waiting: list[BrokenLink] = field(default_factory=list)


def fast_render(text: str, md: MarkdownIt, rewrite: LinkRewriter
                ) -> tuple[Written | None, str]:
    """The body as markdown-it-py's `md` and sitegen.markdown would make it, or None and
    why this body is for markdown-it-py itself (said in `--verbose`)."""
    reason = reference_reason(text, md)
    if reason is not None:
        return None, reason
    writer = _Writer(text, md, rewrite)
    try:
        writer.blocks(_parser().tree(text).children, 0, tight=False)
    except _Unsupported as exc:
        return None, exc.reason
    return Written("".join(writer.out), writer.first_paragraph, writer.words(),
                   writer.links, writer.broken, writer.waiting), ""


# What comes right after an opening tag decides whether markdown-it-py's renderer puts
# a newline after it: text (an inline token, a tight list's hidden paragraph) or the
# tag's own closing do not get one, other blocks do.
_TEXT, _CLOSE, _BLOCK = range(3)


class _Writer:
    """One body's HTML, written as markdown-it-py's renderer writes the tokens
    sitegen.markdown would give it (RendererHTML.renderToken's newlines included)."""

    def __init__(self, text: str, md: MarkdownIt, rewrite: LinkRewriter):
        self.md = md
        self.rewrite = rewrite
        self.out: list[str] = []
        # markdown-it-pyrs's source map counts bytes of the UTF-8 text
        self.newlines = [match.start() for match in NEWLINE.finditer(text.encode("utf-8"))]
        # The last token was a tight list's hidden paragraph: the renderer then puts a
        # newline before the next opening block tag.
        self.after_hidden = False
        self.slugs: set[str] = set()
        self.first_paragraph = ""
        self.texts: list[str] = []  # each text token's, for the word count
        self.links: list[tuple[str, str | None]] = []
        self.broken: list[BrokenLink] = []
        self.waiting: list[BrokenLink] = []
        self.line_now = 1  # the 1-based line of the text being written, for its links

    def words(self) -> int:
        """Words counted token by token, as sitegen.markdown counts them: the tokens'
        texts joined by a character that is no part of a word, then counted once."""
        return len(WORD.findall("\0".join(self.texts)))

    def line(self, offset: int) -> int:
        """0-based line of a byte offset (markdown-it's token.map counts lines)."""
        return bisect_right(self.newlines, offset - 1)

    def open(self, tag: str, next_is: int) -> None:
        """An opening block tag (`tag` with its attributes) through renderToken's rules."""
        lead = "\n<" if self.after_hidden else "<"
        self.out.append(f"{lead}{tag}>\n" if next_is == _BLOCK else f"{lead}{tag}>")
        self.after_hidden = False

    def close(self, tag: str) -> None:
        self.out.append(f"</{tag}>\n")
        self.after_hidden = False

    # --- blocks ------------------------------------------------------------------------

    @staticmethod
    def first_of(nodes: Sequence[Any], tight: bool) -> int:
        """What the first token of these blocks will be (definitions make none)."""
        for node in nodes:
            name = node.name
            if name == "definition":
                continue
            if name in INLINE or (tight and name == "paragraph"):
                return _TEXT
            return _BLOCK
        return _CLOSE

    def blocks(self, nodes: Sequence[Any], level: int, tight: bool) -> None:
        if level > MAX_DEPTH:
            raise _Unsupported
        run: list[Any] = []
        for node in nodes:
            if node.name in INLINE:  # a tight list item's text: a hidden paragraph
                run.append(node)
                continue
            if run:
                self.paragraph(run, run[0].srcmap[0], hidden=True)
                run = []
            self.block(node, level, tight)
        if run:
            self.paragraph(run, run[0].srcmap[0], hidden=True)

    def paragraph(self, nodes: Sequence[Any], start: int, hidden: bool) -> None:
        if not hidden:
            self.open("p", _TEXT)
        plain = self.inline(nodes, self.line(start) + 1)
        if not self.first_paragraph:
            self.first_paragraph = SPACES.sub(" ", "".join(plain)).strip()
        if hidden:
            self.after_hidden = True
        else:
            self.close("p")

    def block(self, node: Any, level: int, tight: bool) -> None:
        name, meta = node.name, node.meta
        if name == "paragraph":
            self.paragraph(node.children, node.srcmap[0], hidden=tight)
        elif name == "heading" or name == "lheading":  # lheading: underlined (setext)
            self.heading(node, meta["level"])
        elif name == "blockquote":
            self.open("blockquote", self.first_of(node.children, tight=False))
            self.blocks(node.children, level + 1, tight=False)
            self.close("blockquote")
        elif name in ("bullet_list", "ordered_list"):
            self.list(node, level)
        elif name in ("fence", "code_block"):
            self.code(node)
        elif name == "hr":
            self.open("hr", _BLOCK)
        elif name == "table":
            self.table(node)
        elif name == "definition":
            return  # a link reference definition shows nothing
        else:
            raise _Unsupported(name)

    def heading(self, node: Any, level: int) -> None:
        tag = f"h{level}"
        html: list[str] = []
        self.out, outer = html, self.out
        parts = self.inline(node.children, self.line(node.srcmap[0]) + 1, titled=True)
        self.out = outer
        if HEADING_IDS[0] <= level <= HEADING_IDS[1]:  # markdown-it's anchors plugin
            slug = unique_slug(heading_slug("".join(parts)), self.slugs)
            self.open(f'{tag} id="{escapeHtml(slug)}"', _TEXT)
        else:
            self.open(tag, _TEXT)
        self.out += html
        self.close(tag)

    def list(self, node: Any, level: int) -> None:
        ordered = node.name == "ordered_list"
        tag = "ol" if ordered else "ul"
        start = node.meta.get("start", 1)
        self.open(f'ol start="{start}"' if ordered and start != 1 else tag, _BLOCK)
        # A tight list: markdown-it-pyrs gives its items' text without paragraphs.
        tight = not any(child.name == "paragraph" for item in node.children
                        for child in item.children)
        for item in node.children:
            self.open("li", self.first_of(item.children, tight))
            self.blocks(item.children, level + 2, tight)
            self.close("li")
        self.close(tag)

    def code(self, node: Any) -> None:
        """Fenced and indented code, by markdown-it-py's own rules (their class and
        info-string handling are its to decide)."""
        meta = node.meta
        if node.name == "fence":
            marker = meta.get("marker", "`") * meta.get("marker_len", 3)
            token = Token("fence", "code", 0, info=meta.get("info", ""),
                          content=meta.get("content", ""), markup=marker, block=True)
        else:
            token = Token("code_block", "code", 0, content=meta.get("content", ""),
                          block=True)
        renderer = self.md.renderer
        self.out.append(renderer.rules[token.type]([token], 0, self.md.options, {}))
        self.after_hidden = False

    def table(self, node: Any) -> None:
        aligns = node.meta.get("alignments", [])
        self.out.append('<div class="table-scroll" tabindex="0">\n')  # markdown.py's rule
        self.open("table", _BLOCK)
        for section in node.children:
            if section.name not in ("thead", "tbody"):
                raise _Unsupported(section.name)
            tag = section.name
            cell = "th" if tag == "thead" else "td"
            self.open(tag, _BLOCK)
            for row in section.children:
                self.open("tr", _BLOCK)
                line = self.line(row.srcmap[0]) + 1
                for column, item in enumerate(row.children):
                    align = aligns[column] if column < len(aligns) else "none"
                    if align in ("left", "right", "center"):
                        self.open(f'{cell} style="text-align:{align}"', _TEXT)
                    else:
                        self.open(cell, _TEXT)
                    self.inline(item.children, line)
                    self.close(cell)
                self.close("tr")
            self.close(tag)
        self.close("table")
        self.out.append("</div>\n")

    # --- inline ------------------------------------------------------------------------

    def inline(self, nodes: Sequence[Any], line: int, titled: bool = False) -> list[str]:
        """Write a paragraph's, heading's or cell's text; return its plain text in parts
        (a line break as " ", unless `titled`: a heading's id leaves breaks out)."""
        parts: list[str] = []
        self.line_now = line
        self.spans(nodes, parts, titled)
        return parts

    def spans(self, nodes: Sequence[Any], parts: list[str], titled: bool) -> None:
        out = self.out
        run: list[str] = []  # adjacent text, one token to markdown-it-py (and one count)
        for node in nodes:
            name = node.name
            if name in ("text", "text_special"):
                run.append(node.meta.get("content", ""))
                continue
            if run:
                self.text(run, parts)
                run = []
            if name == "softbreak" or name == "hardbreak":
                out.append("\n" if name == "softbreak" else "<br>\n")
                self.line_now += 1  # a link after it is on a later line
                if not titled:
                    parts.append(" ")
            elif name == "em" or name == "strong":
                out.append(f"<{name}>")
                self.spans(node.children, parts, titled)
                out.append(f"</{name}>")
            elif name == "link" or name == "autolink":
                self.link(node, parts, titled)
            elif name == "image":
                self.image(node)
            elif name == "code_inline":
                content = "".join(child.meta.get("content", "") for child in node.children)
                out.append(f"<code>{escapeHtml(content)}</code>")
                parts.append(content)
            else:
                raise _Unsupported(name)
        if run:
            self.text(run, parts)

    def text(self, run: list[str], parts: list[str]) -> None:
        content = "".join(run)
        self.out.append(escapeHtml(content))
        self.texts.append(content)
        parts.append(content)

    def target(self, written: str, is_link: bool) -> str | None:
        """What a link's or picture's target becomes (None: a link that waits, shown
        as its text alone), noting broken and waiting links as sitegen.markdown does."""
        if not is_internal(written):
            return written
        url = self.rewrite(written)
        self.links.append((written, url))
        if url is None:
            self.broken.append(BrokenLink(unquote(written), self.line_now))  # as written
            return written
        if url == WAITING and is_link:
            self.waiting.append(BrokenLink(unquote(written), self.line_now))
            return None
        return url

    def link(self, node: Any, parts: list[str], titled: bool) -> None:
        meta = node.meta
        href = self.target(meta["url"], is_link=True)
        if href is not None:
            title = meta.get("title")
            titled_attr = f' title="{escapeHtml(title)}"' if title else ""
            self.out.append(f'<a href="{escapeHtml(href)}"{titled_attr}>')
        if node.name == "autolink":  # shown as written (an e-mail address without mailto:)
            shown = "".join(child.meta.get("content", "") for child in node.children)
            self.text([self.md.normalizeLinkText(shown)], parts)
        else:
            self.spans(node.children, parts, titled)
        if href is not None:
            self.out.append("</a>")

    def image(self, node: Any) -> None:
        meta = node.meta
        src = self.target(meta["url"], is_link=False)
        title = meta.get("title")
        titled_attr = f' title="{escapeHtml(title)}"' if title else ""
        alt = "".join(self.alt(node.children))
        self.out.append(f'<img src="{escapeHtml(src or "")}" alt="{escapeHtml(alt)}"'
                        f'{titled_attr}>')

    def alt(self, nodes: Sequence[Any]) -> list[str]:
        """A picture's text alternative: its description without markup, as
        markdown-it-py's renderInlineAsText gives it (no link in it is followed)."""
        parts: list[str] = []
        for node in nodes:
            name = node.name
            if name in ("text", "text_special"):
                parts.append(node.meta.get("content", ""))
            elif name == "softbreak" or name == "hardbreak":
                parts.append("\n")
            elif name == "code_inline":
                parts += (child.meta.get("content", "") for child in node.children)
            elif name == "autolink":
                shown = "".join(child.meta.get("content", "") for child in node.children)
                parts.append(self.md.normalizeLinkText(shown))
            elif name in ("em", "strong", "link", "image"):
                parts += self.alt(node.children)
            else:
                raise _Unsupported(name)
        return parts
