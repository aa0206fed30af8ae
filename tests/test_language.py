"""Telling Danish from Norwegian (sitegen/language.py), and the warning it gives for an
article in the other language's folder."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

from conftest import NOW, REPO

from sitegen.language import (
    ARTICLE_LEAST,
    ARTICLE_RATIO,
    LATIN,
    MIN_MARKERS,
    judge,
    other_language,
    word_language,
    words,
)
from sitegen.language import DANISH as DANISH_WORDS
from sitegen.language import NORWEGIAN as NORWEGIAN_WORDS

DANISH = REPO / "content/da/2021/mission-possible.md"
NORWEGIAN = REPO / "content/no/2021/mission-possible.md"


def body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def test_each_version_of_a_story_is_told_by_its_own_words():
    assert judge(body(DANISH), 8, 4) == "da"
    assert judge(body(NORWEGIAN), 8, 4) == "no"
    assert other_language(body(DANISH), "da") is None
    assert other_language(body(DANISH), "no") == "da"
    assert other_language(body(NORWEGIAN), "da") == "no"
    assert other_language(body(DANISH), "sv") is None  # only these two are told apart


def test_names_and_addresses_do_not_count():
    norwegian = ("Smart Innovation Norway samarbeider med Erhverv Norddanmark, og det ble "
                 "avtalt at bedriftene skal møtes etter sommeren. Skriv til "
                 "info@erhvervnorddanmark.dk.")
    assert judge(norwegian) == "no"
    assert judge("Erhverv Norddanmark og Smart Innovation Norway") is None


def test_a_danish_article_in_the_norwegian_folder_is_a_warning(tmp_path, run_cli):
    from conftest import copy_sample

    site = copy_sample(tmp_path / "site")
    text = "\n".join(line for line in DANISH.read_text(encoding="utf-8").splitlines()
                     if not line.startswith("translation_key:"))
    (site / "content/no/2021/dansk.md").write_text(text + "\n", encoding="utf-8")
    code, _out, err = run_cli("build", "--site", site, "--out", tmp_path / "out", "--now",
                              NOW, "-q")
    assert code == 0
    body = text.splitlines().index("---", 1) + 2  # the line after the header
    assert (f"content/no/2021/dansk.md:{body}: warning: the text looks Danish, but the file is "
            "in content/no/, so it is published as Norwegian") in err
    code, _out, err = run_cli("build", "--site", REPO, "--out", tmp_path / "sample", "-q")
    assert code == 0 and "language-folder" not in err and "the text looks" not in err


def test_no_false_warning_on_the_benchmark_corpus(tmp_path: Path):
    """The corpus mixes both languages' words at random: never clearly one of them."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from make_corpus import make_corpus
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    make_corpus(tmp_path / "corpus", articles=150, people=5, clusters=3)
    flagged = [path for lang in ("da", "no")
               for path in sorted((tmp_path / "corpus/content" / lang).rglob("*.md"))
               if other_language(body(path), lang)]
    assert flagged == []


# -- the fast tokenizer against the straightforward one ---------------------------------

# sitegen/language.py as it was before its regexes were made faster: one pass of one
# regex per text, one branch per token. The fast one must give exactly these words.
REFERENCE_NOT_TEXT = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\]\([^)]*\)")
REFERENCE_TOKEN = re.compile(r"[.!?:](?=\s)|\n|[^\W\d_]+")


def reference_words(text: str) -> list[str]:
    found: list[str] = []
    first = True
    for token in REFERENCE_TOKEN.findall(REFERENCE_NOT_TEXT.sub(" ", text)):
        if token in ".!?:\n":
            first = True
            continue
        word = token.lower() if first else token
        first = False
        if word.islower():
            found.append(word)
    return found


def reference_judge(text: str, least: int, ratio: int) -> str | None:
    languages = [word_language(word) for word in reference_words(text)]
    da, no = languages.count("da"), languages.count("no")
    if da + no < least:
        return None
    if da >= ratio * max(no, 1):
        return "da"
    if no >= ratio * max(da, 1):
        return "no"
    return None


# What a text is made of: both languages' telling words and shared ones, names,
# addresses, links, digits, underscores, letters outside Latin-1 (within a word too),
# characters that are word characters but not letters (², ½), and cased characters
# whose lower case is not lower case by Python's test.
PIECES = (
    *sorted(DANISH_WORDS)[:20], *sorted(NORWEGIAN_WORDS)[:20],
    "virksomhederne", "innovation", "organisasjon", "konferanse", "udvikling", "utvikling",
    "arbejde", "arbeid", "høyt", "højt", "erhvervslivet", "næringslivet", "baseret",
    "basert", "avis", "klynge", "blåbær", "Ærø", "ØRESUND", "Åse", "naïve", "straße",
    "Smart", "Innovation", "Norway", "Erhverv", "Norddanmark", "NTNU", "iPhone",
    "Łódź", "Ünal", "İstanbul", "ǅemal", "Σωκράτης", "Москва", "東京", "e\u0301t\u00e9",
    "x²", "½kg", "abc1def", "2021", "x_y", "_intern", "snake_case", "ﬁnd", "ⓐbc",
    "info@erhvervnorddanmark.dk", "a@b", "@", "x@", "@y", "mail@@host",
    "https://example.org/a.b?c=d", "http://x", "https://", "www.example.no", "www.",
    "[lenke](https://x.no/a)", "[se her](/da/nyheder/x/)", "](open", "](a b c)", "[x]()",
    "(parentes)", "»citat«", "“quoted”", "-", "–", "...", "e.g.", "kl.", "nr:",
)
ENDS = (" ", " ", " ", "", "\n", "\n\n", "\t", "\r\n", ". ", "! ", "? ", ": ", ".", ":",
        ".\n", "!\t", " - ", ", ", "; ", "\u00a0", "\u2028", ") ", "](", "@", "_", "1")


def generated_texts(count: int, seed: int = 16) -> list[str]:
    """Random texts of PIECES joined by ENDS, the same ones on every run."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        pieces = [rng.choice(PIECES) + rng.choice(ENDS) for _ in range(rng.randint(0, 60))]
        if rng.random() < 0.3:  # a sentence's first word, capitalised
            pieces = [piece.capitalize() if rng.random() < 0.2 else piece for piece in pieces]
        texts.append("".join(pieces))
    return texts


def sample_texts() -> list[str]:
    """Every text file of the sample site's content, whole and as its body."""
    texts = []
    for path in sorted((REPO / "content").rglob("*")):
        if path.suffix in {".md", ".yaml", ".yml", ".toml", ".txt"}:
            text = path.read_text(encoding="utf-8")
            texts += [text, text.split("\n---\n", 1)[-1]]
    return texts


def test_latin_letters_are_letters():
    """The fast range of the word regex holds nothing the Unicode test does not."""
    latin = re.compile(f"[{LATIN}]")
    letter = re.compile(r"[^\W\d_]")
    assert all(letter.match(chr(code)) for code in range(0x110000) if latin.match(chr(code)))


def test_the_words_and_judgements_are_those_of_the_straightforward_tokenizer():
    texts = generated_texts(4000) + sample_texts()
    assert sum(bool(reference_words(text)) for text in texts) > 3000
    for text in texts:
        assert words(text) == reference_words(text), text
        for least, ratio in ((MIN_MARKERS, 3), (ARTICLE_LEAST, ARTICLE_RATIO), (1, 1)):
            assert judge(text, least, ratio) == reference_judge(text, least, ratio), text
