"""No block of text on a Danish page is Norwegian unless marked `lang="nb"`, and the
reverse: over every HTML page of the built sample site.

Danish and Norwegian Bokmål share most of their words, so a text is told by the words
that differ between the two: common function words and spellings that each language
writes its own way (af/av, efter/etter, mellem/mellom, blev/ble, nogle/noen, -hed/-het
...). A block is judged only when it holds at least MIN_MARKERS such words and one
language has at least three times the other's; anything shorter (names, dates, a
heading of two words) is left alone. On the sample's own texts (2026-12-01) the
markers judge 86 of 201 paragraphs (of those of ten words or more, 86 of 152), all 86
rightly; the rest are headings, lists of names and short lines
(`test_the_markers_tell_the_sample_texts_apart` measures it on every run).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import NOW, REPO, copy_sample

from sitegen.cli import main
from sitegen.language import judge
from sitegen.load.texts import split_languages

BLOCKS = ("p", "li", "h1", "h2", "h3", "td", "figcaption", "dd", "blockquote")
HTML_LANG = {"da": "da", "no": "nb"}


def blocks(soup: BeautifulSoup) -> Iterator[tuple[str, str]]:
    """(the block's text, its language as the page declares it): the nearest `lang`."""
    for tag in soup.find_all(BLOCKS):
        assert isinstance(tag, Tag)
        if tag.find(BLOCKS):  # judged by its own blocks
            continue
        holder = tag if tag.has_attr("lang") else tag.find_parent(attrs={"lang": True})
        lang = str(holder["lang"]) if holder is not None else ""
        yield tag.get_text(" ", strip=True), lang


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_sample(tmp_path_factory.mktemp("languages") / "site")
    out = site / "build"
    assert main(["build", "--site", str(site), "--out", str(out), "--now", NOW, "-q",
                 "--no-search"]) == 0
    return out


def test_no_block_is_in_the_other_language_unmarked(sample_out: Path):
    wrong = []
    judged = 0
    for path in sorted(sample_out.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for text, lang in blocks(soup):
            found = judge(text)
            if found is None:
                continue
            judged += 1
            if HTML_LANG[found] != lang:
                rel = path.relative_to(sample_out).as_posix()
                wrong.append(f"{rel}: {found} text marked lang={lang!r}: {text[:90]}")
    assert judged > 100  # the test did read the texts
    assert not wrong, "\n".join(wrong)


def _sample_texts() -> Iterator[tuple[str, str]]:
    """(language, paragraph) of every sample text whose language its file says."""
    content = REPO / "content"
    for lang in ("da", "no"):
        for path in sorted((content / lang).rglob("*.md")):
            body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
            yield from ((lang, p) for p in body.split("\n\n") if p.strip())
    for folder in ("people", "clusters"):
        for path in sorted((content / folder).glob("*.md")):
            body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
            texts, _ = split_languages(path.name, body, 1, ("da", "no"))
            for lang, text in texts.texts.items():
                yield from ((lang, p) for p in text.split("\n\n") if p.strip())


def test_the_markers_tell_the_sample_texts_apart():
    """Of the sample's paragraphs, those the markers judge are judged right, and enough
    are judged for the page test to mean something."""
    judged = right = total = 0
    for lang, paragraph in _sample_texts():
        total += 1
        found = judge(paragraph)
        if found is not None:
            judged += 1
            right += found == lang
    assert total > 100
    assert right == judged, f"{judged - right} of {judged} paragraphs judged wrong"
    assert judged * 5 >= total * 2, f"only {judged} of {total} paragraphs could be judged"
