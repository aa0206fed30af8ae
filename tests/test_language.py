"""Telling Danish from Norwegian (sitegen/language.py), and the warning it gives for an
article in the other language's folder."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import NOW, REPO

from sitegen.language import judge, other_language

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
