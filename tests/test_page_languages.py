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

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import NOW, REPO, copy_sample

from sitegen.cli import main
from sitegen.load.texts import split_languages

# Function words written one way in each language (lower case).
DANISH = frozenset("""
af efter mellem blev bliver havde nogle nogen noget meget igennem gennem ud op sig mig
dig nu hvad fik gør endnu selskabet virksomhed virksomheder virksomheden virksomhederne
hende jer vores mere blandt især tilbage bruge bruger bruges søge tage sige give
""".split())
NORWEGIAN = frozenset("""
av etter mellom ble blir hadde noen noe mye gjennom ut opp seg meg deg nå hva fikk
gjør ennå bare selskapet bedrift bedrifter bedriften bedriftene vår våre henne dere mer
blant tilbake bruke bruker brukes søke ta si gi å
""".split())
# Spellings that differ (what the two languages write differently, not what they mean).
DANISH_SHAPES = (
    lambda w: w.startswith(("udv", "uds", "udf", "udd", "uden", "udb", "udg", "udn")),
    lambda w: "tion" in w,  # innovation, organisation (Norwegian: -sjon)
    lambda w: w.endswith(("ence", "encen", "encer")),  # konference (konferanse)
    lambda w: w.endswith(("heden", "heder")) or (w.endswith("hed") and len(w) > 5),
    lambda w: w.endswith("erne") and len(w) > 5,  # klyngerne (klyngene)
    lambda w: "skab" in w,  # selskab (selskap)
    lambda w: w.startswith(("indsp", "indsa", "indfø", "indgå", "inden", "indeh", "indbl",
                            "indle")),  # indspil (innspill)
    lambda w: w.startswith("af") and len(w) > 4,  # afdeling (avdeling)
    lambda w: w.startswith("erhverv"),  # erhvervsliv (næringsliv)
    lambda w: w.endswith("eret") and len(w) > 5,  # baseret (basert)
    lambda w: "ej" in w or "øj" in w,  # arbejde, højt (arbeid, høyt)
)
NORWEGIAN_SHAPES = (
    lambda w: w.startswith(("utv", "uts", "utf", "utd", "uten", "utb", "utg", "utn")),
    lambda w: "sjon" in w,
    lambda w: w.endswith(("anse", "ansen", "anser")),
    lambda w: w.endswith(("heten", "heter")) or (w.endswith("het") and len(w) > 5),
    lambda w: w.endswith("ene") and len(w) > 5,
    lambda w: "skap" in w,
    lambda w: w.startswith(("innsp", "innsa", "innfø", "inngå", "innen", "inneh", "innbl",
                            "innle")),
    lambda w: w.startswith("av") and len(w) > 4 and w != "avis",
    lambda w: w.startswith("nærings"),
    lambda w: len(w) > 6 and w.endswith("ert") and w[-4] in "slnt",
    lambda w: w.startswith(("gj", "kj", "skj")) or "øy" in w or "ei" in w,
)
MIN_MARKERS = 2
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Addresses and link targets are not text: "erhvervnorddanmark.dk" on a Norwegian page.
NOT_TEXT = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\]\([^)]*\)")


def word_language(word: str) -> str | None:
    if word in DANISH:
        return "da"
    if word in NORWEGIAN:
        return "no"
    if len(word) < 4:
        return None
    if any(shape(word) for shape in DANISH_SHAPES):
        return "da"
    if any(shape(word) for shape in NORWEGIAN_SHAPES):
        return "no"
    return None


def words(text: str) -> list[str]:
    """The lower-case words of a text: a sentence's first word is lowered, any other
    capitalised word is a name ("Smart Innovation Norway") and left out."""
    found: list[str] = []
    for sentence in re.split(r"(?:^|[.!?:]\s+|\n[-*#>\s]*)", NOT_TEXT.sub(" ", text)):
        for number, word in enumerate(WORD.findall(sentence)):
            word = word.lower() if number == 0 else word
            if word.islower():
                found.append(word)
    return found


def judge(text: str) -> str | None:
    """'da', 'no', or None when the text has too few telling words to say."""
    languages = [word_language(word) for word in words(text)]
    da, no = languages.count("da"), languages.count("no")
    if da + no < MIN_MARKERS:
        return None
    if da >= 3 * max(no, 1):
        return "da"
    if no >= 3 * max(da, 1):
        return "no"
    return None


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
