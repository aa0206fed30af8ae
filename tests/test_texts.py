"""Splitting a person's or organisation's body into its language blocks (load/texts.py)."""

from __future__ import annotations

from sitegen.load.texts import split_languages

LANGUAGES = ("da", "no")


def test_one_block_per_language_with_the_lines_they_start_on():
    body = "::: da\nDansk *tekst*.\n\nAfsnit to.\n:::\n\n::: no\nNorsk tekst.\n:::\n"
    texts, problems = split_languages("p.md", body, 6, LANGUAGES)
    assert texts.texts == {"da": "Dansk *tekst*.\n\nAfsnit to.\n", "no": "Norsk tekst.\n"}
    assert texts.lines == {"da": 7, "no": 13}
    assert texts.shared == "" and problems == []


def test_a_body_without_blocks_is_one_text_for_every_language():
    texts, problems = split_languages("p.md", "Bare tekst.\n\n::: fakta\nF\n:::\n", 4,
                                      LANGUAGES)
    assert texts.texts == {} and texts.shared == "Bare tekst.\n\n::: fakta\nF\n:::\n"
    assert problems == []


def test_text_outside_the_blocks_is_kept_and_named():
    texts, problems = split_languages("p.md", "Fælles.\n\n::: da\nDa.\n:::\n", 4, LANGUAGES)
    assert texts.shared == "Fælles.\n" and texts.texts == {"da": "Da.\n"}
    assert [p.format().splitlines()[0] for p in problems] == [
        "p.md:4: warning: text outside the language blocks is shown in every language"]


def test_a_fence_inside_a_code_block_is_text_and_an_open_block_runs_to_the_end():
    body = "```\n::: da\nikke en blokk\n:::\n```\n\n::: no\nNorsk.\n\nMere.\n"
    texts, _problems = split_languages("p.md", body, 1, LANGUAGES)
    assert texts.texts == {"no": "Norsk.\n\nMere.\n"}
    assert texts.shared.startswith("```\n::: da\n")


def test_a_second_block_of_one_language_is_a_warning():
    body = "::: da\nEn.\n:::\n\n::: da\nTo.\n:::\n"
    texts, problems = split_languages("p.md", body, 1, LANGUAGES)
    assert texts.texts == {"da": "En.\n"} and texts.shared == ""  # the second is left out
    assert [p.message for p in problems] == ["a second '::: da' block; the first is used"]
