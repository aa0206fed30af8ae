"""Markdown bodies -> HTML, with links to source files turned into published URLs.

CommonMark with tables and `::: fakta` fact boxes. Raw HTML is shown as text unless the
site opts in; markdown-it's own link validation already refuses javascript:, vbscript:,
file: and non-image data: URLs, so they never become links.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin

from sitegen.markdown_fast import fast_render
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

__all__ = ["WAITING", "BrokenLink", "LinkRewriter", "RenderedBody", "is_internal",
           "parser", "render_body", "split_target"]
FACTBOX_NAMES = ("fakta", "facts", "factbox")


@dataclass(frozen=True, slots=True)
class RenderedBody:
    html: str
    first_paragraph: str  # as plain text, for the default summary
    words: int
    broken: tuple[BrokenLink, ...]
    # Every internal link as written and what it became: a cached body stays valid
    # exactly as long as each of these still resolves the same way.
    links: tuple[tuple[str, str | None], ...] = ()
    digest: str = ""  # of the HTML: lets a rebuild compare bodies without reading them
    waiting: tuple[BrokenLink, ...] = ()  # links to embargoed stories, shown as text
    # The line (in the body) where quotes or lists nest as deep as markdown-it goes:
    # anything deeper is left out of the HTML, which the editor must hear about.
    too_deep: int | None = None
    # Why markdown-it-py parsed it rather than markdown-it-pyrs ("fact box"); "" when the
    # fast parser did: `sitegen build --verbose` counts them.
    reference: str = ""


def _render_factbox(self, tokens: list[Token], idx: int, _options, _env) -> str:  # type: ignore[no-untyped-def]
    return '<aside class="factbox">\n' if tokens[idx].nesting == 1 else "</aside>\n"


def _render_table_open(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return '<div class="table-scroll" tabindex="0">\n' + self.renderToken(tokens, idx, options, env)


def _render_table_close(self, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


@lru_cache(maxsize=4)
def parser(unsafe_html: bool) -> MarkdownIt:
    """One configured parser per setting; configured once, then only read."""
    md = MarkdownIt("commonmark", {"html": unsafe_html, "xhtmlOut": False, "typographer": False})
    md.enable("table")
    anchors_plugin(md, min_level=HEADING_IDS[0], max_level=HEADING_IDS[1],
                   slug_func=heading_slug)
    for name in FACTBOX_NAMES:
        container_plugin(md, name, render=_render_factbox)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    return md


def render_body(text: str, rewrite: LinkRewriter, unsafe_html: bool = False,
                fast: bool = True) -> RenderedBody:
    """`fast`: write the HTML from markdown-it-pyrs's tree where that gives what
    markdown-it-py gives (sitegen/markdown_fast.py); False: markdown-it-py alone, the
    reference."""
    md = parser(unsafe_html)
    written, reason = fast_render(text, md, rewrite) if fast else (None, "asked for")
    if written is not None:
        return RenderedBody(written.html, written.first_paragraph, written.words,
                            tuple(written.broken), tuple(written.links),
                            _digest(written.html), tuple(written.waiting))
    tokens = md.parse(text)
    broken: list[BrokenLink] = []
    waiting: list[BrokenLink] = []
    links: list[tuple[str, str | None]] = []
    first_paragraph = ""
    words = 0
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        line = token.map[0] + 1 if token.map else 1
        if not first_paragraph and index > 0 and tokens[index - 1].type == "paragraph_open":
            first_paragraph = _plain_text(token)
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1  # the link is on a later line of its paragraph
            if child.type == "text":
                words += len(WORD.findall(child.content))
            attr = "href" if child.type == "link_open" else "src" if child.type == "image" else None
            if attr is None:
                continue
            target = str(child.attrs.get(attr, ""))
            if not is_internal(target):
                continue
            url = rewrite(target)
            links.append((target, url))
            if url is None:
                broken.append(BrokenLink(unquote(target), line))  # as the editor wrote it
            elif url == WAITING and attr == "href":
                waiting.append(BrokenLink(unquote(target), line))
                _unlink(token.children or [], child)
            else:
                child.attrSet(attr, url)
    html = md.renderer.render(tokens, md.options, {})
    digest = _digest(html)
    limit = int(md.options.get("maxNesting", 20))
    deep = next((t for t in tokens if t.level >= limit - 1 and t.map), None)
    return RenderedBody(html, first_paragraph, words, tuple(broken), tuple(links), digest,
                        tuple(waiting), deep.map[0] + 1 if deep and deep.map else None,
                        reason)


def _digest(html: str) -> str:
    return hashlib.blake2b(html.encode("utf-8"), digest_size=16).hexdigest()


def _unlink(children: list[Token], link_open: Token) -> None:
    """Keep a link's text and drop the link: its opening and closing tokens render as
    nothing, so no trace of the target's address reaches the page (links do not nest
    in CommonMark, so the next link_close is this link's own)."""
    start = next(i for i, token in enumerate(children) if token is link_open)
    for token in children[start:]:
        if token.type in ("link_open", "link_close"):
            token.type, token.tag, token.nesting, token.attrs = "text", "", 0, {}
            token.content = ""
            if token is not link_open:
                return


def _plain_text(inline: Token) -> str:
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return SPACES.sub(" ", "".join(parts)).strip()


def split_target(target: str) -> tuple[str, str]:
    """'../a.md#part' -> ('../a.md', '#part'); the query is dropped with the fragment kept.

    markdown-it percent-encodes link targets ('møde.md' -> 'm%C3%B8de.md'); the path is
    decoded again so that it names the file as it is on disk.
    """
    parts = urlsplit(target)
    return unquote(parts.path), f"#{parts.fragment}" if parts.fragment else ""
