"""The fast Markdown path (markdown-it-pyrs, sitegen/markdown_fast.py) against the
reference (markdown-it-py): the same HTML, words, first paragraph, links and lines, on
the CommonMark spec's examples, on bodies using every feature of the project, on the
sample site, and on a seeded part of the benchmark corpus (all of a 1,000-article
corpus with SITEGEN_DIFF_ALL=1)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from conftest import REPO

from sitegen.markdown import WAITING, RenderedBody, parser, render_body
from sitegen.markdown_fast import available, fast_render

SPEC = json.loads((Path(__file__).parent / "data/commonmark-spec.json").read_text())
pytestmark = pytest.mark.skipif(not available(), reason="markdown-it-pyrs is not installed")


def rewrite(target: str) -> str | None:
    """A link table like the build's: .md files become URLs, one waits, one is gone."""
    if target.endswith("venter.md"):
        return WAITING
    if target.endswith("borte.md"):
        return None
    if target.endswith(".md"):
        return "/da/nyheder/" + target.rsplit("/", 1)[-1].removesuffix(".md") + "/"
    return target


def facts(body: RenderedBody) -> tuple[object, ...]:
    return (body.html, body.first_paragraph, body.words, body.broken, body.links,
            body.digest, body.waiting, body.too_deep)


def fast(text: str) -> bool:
    """Whether the body takes the fast path (markdown-it-pyrs's tree, written here)."""
    return fast_render(text, parser(False), rewrite)[0] is not None


def same(text: str) -> bool:
    return facts(render_body(text, rewrite, fast=True)) == facts(
        render_body(text, rewrite, fast=False))


@pytest.mark.parametrize("example", SPEC, ids=lambda e: str(e["example"]))
def test_the_commonmark_examples(example):
    assert same(example["markdown"])


def test_most_commonmark_examples_take_the_fast_path():
    taken = sum(fast(e["markdown"]) for e in SPEC)
    assert taken >= len(SPEC) * 0.9


FEATURES = {
    "headings and their ids": "## Program\n\nTekst.\n\n## Program\n\n### Dag *1* `kode`\n\n"
                              "#### Fire\n\n##### Fem\n\n# En\n",
    "a table with alignment": "| Navn | Antal | Note |\n|:--|--:|:-:|\n| Aalborg | 20 | *ja* |\n"
                              "| Oslo | 3 | |\n",
    "a table without body": "| a | b |\n|---|---|\n",
    "links to articles": "Se [den](../2021/mission.md), [den anden](/da/2022/x.md#afsnit) "
                         "og [mødet](møde.md).\n\n[ref]: ../a.md \"Titel\"\n\n[En ref][ref].\n",
    "a link that waits and one that is gone": "I morgen: [lederen](venter.md) og "
                                              "[intet](borte.md).\n",
    "images": "![Et *billede*](/media/2021/a.jpg \"Foto\")\n\nTekst ![b](../media/b.png).\n",
    "raw HTML is text": "<div>blok</div>\n\nEn <b>fed</b> tekst og <!-- kommentar -->.\n",
    "lists, tight and loose": "- en\n- to\n  - under\n\n1. et\n\n   afsnit\n2. to\n\n"
                              "3) tre\n4) fire\n",
    "quotes and code": "> citat\n> *videre*\n\n    kode\n\n```python\nprint('<x>')\n```\n",
    "breaks and entities": "Linje et  \nlinje to\\\ntre &amp; &copy; &#35; \\*ikke\\*\n",
    "e-mail and web autolinks": "<kurt@example.org> og <https://example.org/a?b=1&c=2>\n",
    "words and a first paragraph": "**Tyve** virksomheder var i *Los Angeles*, i fem dage.\n\n"
                                   "Andet afsnit.\n",
    "Danish and Norwegian letters": "## Æbler, øl og ål\n\nBlåbær – «sitat» og »citat«.\n",
    # Where the fast path writes what markdown-it-py's renderer would (its newlines
    # after a tight list's text, ids, alternative texts, lines of links):
    "blocks after a tight item's text": "- a\n  > b\n- c\n  ***\n- d\n  ```\n  x\n  ```\n"
                                        "- e\n  | a |\n  |---|\n  | [b](../b.md) |\n- f\n"
                                        "  ## Overskrift\n- g\n  - h\n-\n- [x]: /y\n",
    "headings whose ids repeat": "## Dag\n\n## Dag\n\n### Dag-1\n\n## `Dag`\n\n##\n\n"
                                 "Linje\nto\n---\n\n## *Dag* [to](to.md) ![tre](t.png)\n",
    "pictures' alternative texts": "![*Et* [link](a.md) `kode` ![indre](i.png)\nlinje]"
                                   "(/m/a.png \"T\\\"x\")\n\n[![b](venter.md)](borte.md)\n",
    "lines of links and escapes": "En\n[a](borte.md) to  \n**[b](borte.md)**\\\n"
                                  "<https://x.dk/?a=1&b=\"2\">\n[c](venter.md \"<t>&\")\n",
    "lists that start elsewhere": "0. nul\n1. et\n\n12345678. stort\n\n> \n>\n",
}


@pytest.mark.parametrize("text", FEATURES.values(), ids=FEATURES.keys())
def test_every_feature_the_project_uses(text):
    assert same(text)
    assert fast(text)  # and by the fast path


@pytest.mark.parametrize("text", [
    "::: fakta\n**Fakta**\n\n- en\n:::\n",  # fact boxes: markdown-it-py's plugin
    "[klik](javascript:alert(1)) og [data](data:text/html,x)\n",  # refused schemes
    "*£*bravo og *€*charlie\n",  # symbols as punctuation (CommonMark 0.31)
    ">" * 18 + " dybt\n",
])
def test_what_the_fast_path_leaves_to_the_reference(text):
    assert not fast(text)
    assert same(text)


@pytest.mark.parametrize(("text", "reason"), [
    ("::: fakta\n**Fakta**\n:::\n", "fact box"),
    ("[klik](javascript:alert(1))\n", "a link scheme markdown-it refuses"),
    ("*£*bravo\n", "a symbol beside emphasis"),
    (">" * 18 + " dybt\n", "nesting deeper than 16 levels"),
    ("Et *almindeligt* afsnit.\n", ""),
])
def test_each_body_says_which_parser_made_it_and_why(text, reason):
    """What `sitegen build --verbose` counts: the fast path's refusals are visible."""
    assert render_body(text, rewrite).reference == reason
    assert render_body(text, rewrite, fast=False).reference == "asked for"


def test_unsafe_schemes_never_become_links():
    for text in ("[x](javascript:alert(1))", "[x](vbscript:msgbox)", "[x](file:///etc/passwd)",
                 "![x](data:text/html;base64,PHNjcmlwdD4=)"):
        html = render_body(text, rewrite).html
        assert "href=" not in html and "src=" not in html, text


def test_raw_html_is_shown_as_text_on_the_fast_path():
    text = "En <script>alert(1)</script> og <img src=x onerror=y>.\n"
    assert fast(text)
    html = render_body(text, rewrite).html
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img" not in html


def _bodies(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found.append(text.split("\n---\n", 1)[-1] if text.startswith("---") else text)
    return found


def test_the_sample_sites_bodies():
    bodies = _bodies(REPO / "content")
    assert len(bodies) > 20
    assert all(same(body) for body in bodies)


def test_the_benchmark_corpus(tmp_path: Path):
    """A seeded part of it by default; SITEGEN_DIFF_ALL=1 for 1,000 per language."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from make_corpus import make_corpus
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    articles = 1000 if os.environ.get("SITEGEN_DIFF_ALL") else 60
    make_corpus(tmp_path / "corpus", articles=articles, people=8, clusters=4, seed=7)
    bodies = _bodies(tmp_path / "corpus/content")
    assert len(bodies) >= 2 * articles
    different = [number for number, body in enumerate(bodies) if not same(body)]
    assert different == []
