"""Splitting a Markdown file into front matter and body, with the editor's line numbers."""

from __future__ import annotations

import pytest
import yaml

from sitegen.errors import Problem
from sitegen.load.frontmatter import SourceText, decode, split

PATH = "content/da/a.md"


def parse(text: str) -> tuple[SourceText | None, list[Problem]]:
    return split(PATH, text)


def one(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


# decode: bytes -> text


def test_utf8_text_is_decoded_with_bom_and_crlf_removed():
    text, problems = decode(PATH, "\ufeff---\r\ntitle: Æble\r\n---\r\n".encode())
    assert problems == []
    assert text == "---\ntitle: Æble\n---\n"


def test_old_mac_line_ends_count_as_lines():
    text, _ = decode(PATH, b"---\rtitle: A\r---\r")
    assert text == "---\ntitle: A\n---\n"


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\n"])
def test_an_empty_file_is_an_error(data):
    text, problems = decode(PATH, data)
    assert text is None
    problem = one(problems)
    assert (problem.path, problem.message) == (PATH, "the file is empty")


def test_a_binary_file_is_an_error():
    text, problems = decode(PATH, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert text is None
    assert one(problems).message == "this is a binary file, not Markdown text"


def test_latin1_text_is_an_error_on_the_line_of_the_first_bad_byte():
    data = "---\ntitle: Mission\ndate: 2021-11-01\n---\nK\u00f8benhavn\n".encode("latin-1")
    text, problems = decode(PATH, data)
    assert text is None
    problem = one(problems)
    assert problem.message == "the file is not UTF-8 text"
    assert problem.line == 5


# split: front matter -> entries with lines


def test_entries_keep_their_lines_and_the_body_its_first_line():
    source, problems = parse("---\ntitle: A\n\ndate: 2021-11-01\ntags:\n  - x\n---\nBody\n")
    assert problems == []
    assert source is not None
    assert [(e.key, e.line) for e in source.entries] == [("title", 2), ("date", 4), ("tags", 5)]
    assert source.body == "Body\n"
    assert source.body_line == 8
    assert source.get("date") is not None and source.get("nothing") is None


def test_scalars_stay_as_the_editor_wrote_them():
    source, _ = parse("---\ntitle: No\nphone: 4747\ndraft: yes\n---\n")
    assert source is not None
    values = {e.key: e.node.value for e in source.entries}
    assert values == {"title": "No", "phone": "4747", "draft": "yes"}


def test_the_yaml_end_marker_also_closes_the_front_matter():
    source, problems = parse("---\ntitle: A\n...\nBody\n")
    assert problems == [] and source is not None and source.body == "Body\n"


def test_a_file_without_front_matter_is_an_error_on_line_1():
    source, problems = parse("# Mission Possible\n\nText\n")
    assert source is None
    problem = one(problems)
    assert problem.line == 1
    assert problem.message == "no front matter found at the top of the file"
    assert "'---'" in problem.hint


def test_front_matter_that_is_never_closed_is_an_error():
    source, problems = parse("---\ntitle: A\ndate: 2021-11-01\n\nText\n")
    assert source is None
    assert one(problems).message == "the front matter is never closed"


def test_empty_front_matter_is_an_error():
    source, problems = parse("---\n---\nText\n")
    assert source is None
    assert one(problems).message == "the front matter is empty"


@pytest.mark.parametrize("yaml_text, line", [
    ("- title\n- date", 2),
    ("\nJust a sentence.", 3),
])
def test_front_matter_that_is_not_a_mapping_is_an_error(yaml_text, line):
    source, problems = parse(f"---\n{yaml_text}\n---\n")
    assert source is None
    problem = one(problems)
    assert problem.message == "the front matter must be a list of 'key: value' lines"
    assert problem.line == line


@pytest.mark.parametrize("yaml_text, line, message", [
    ("title: A\ndate: 2021-11-01\nsummary: Tid: nu", 4, "the front matter is not valid YAML"),
    # Where the list or the quote was opened, named as such.
    ("title: A\nauthors: [a, b\ndate: 2021-11-01", 3,
     "the list ('[') opened on line 3 is never closed"),
    ('title: "A\ndate: 2021-11-01', 2, 'the quote (") opened on line 2 is never closed'),
    ("title: A\n\tdate: 2021", 3,
     "a tab at column 1: the front matter must be indented with spaces"),
    ("title: *nothing", 2, "the front matter is not valid YAML"),
])
def test_malformed_yaml_is_an_error_on_its_line(yaml_text, line, message):
    source, problems = parse(f"---\n{yaml_text}\n---\nText\n")
    assert source is None
    problem = one(problems)
    assert problem.message.startswith(message)
    assert problem.line == line


def test_a_key_given_twice_is_an_error_on_the_second_line():
    source, problems = parse("---\ntitle: A\ndate: 2021-11-01\ntitle: B\n---\n")
    assert source is not None
    problem = one(problems)
    assert (problem.line, problem.message) == (4, "'title' is given twice")
    assert source.get("title").node.value == "A"


def test_a_key_that_is_not_a_word_is_an_error():
    source, problems = parse("---\ntitle: A\n? [a, b]\n: c\n---\n")
    assert source is not None
    problem = one(problems)
    assert (problem.line, problem.message) == (3, "a front-matter key must be a plain word")


def test_a_control_character_is_an_error_on_its_line():
    source, problems = parse("---\ntitle: A\nsummary: Hello\x07 there\n---\n")
    assert source is None
    problem = one(problems)
    assert problem.line == 3
    assert "control character" in problem.message
    assert "<unicode string>" not in problem.message


def test_deeply_nested_yaml_is_an_error_not_a_crash():
    source, problems = parse("---\ntitle: " + "[" * 20000 + "\n---\n")
    assert source is None
    problem = one(problems)
    assert problem.message.startswith("the front matter is not valid YAML")
    assert problem.line == 2


def test_the_python_yaml_loader_also_reports_deep_nesting(monkeypatch):
    # Without libyaml, PyYAML's composer recurses once per level.
    import sitegen.load.frontmatter as frontmatter

    monkeypatch.setattr(frontmatter, "FAST_LOADER", yaml.SafeLoader, raising=False)
    source, problems = frontmatter.split(PATH, "---\ntitle: " + "[" * 5000 + "\n---\n")
    assert source is None
    assert one(problems).message.startswith("the front matter is not valid YAML")


def test_a_recursive_alias_composes_without_hanging():
    source, problems = parse("---\ntitle: A\ntags: &t [*t]\n---\n")
    assert problems == [] and source is not None


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_pasted_unicode_line_separators_do_not_shift_lines(char):
    for title in (f"Mission{char}Possible", f'"Mission{char}Possible"'):
        source, problems = parse(f"---\ntitle: {title}\ndate: 2021-11-01\n---\n")
        assert problems == []
        assert source is not None
        assert [(e.key, e.line) for e in source.entries] == [("title", 2), ("date", 3)]
        assert source.get("title").node.value == "Mission Possible"


def test_a_hash_inside_a_plain_value_is_flagged_but_comments_are_not():
    text = ("---\ntitle: Mission #1 Possible\ndate: 2021-11-01  # when it was sent\n"
            "summary: \"Nr #1\"\n---\nbody\n")
    source, problems = split("content/da/a.md", text)
    assert source is not None
    assert [(p.line, p.is_error) for p in problems] == [(2, False)]
    assert "comment" in problems[0].message and "quotes" in problems[0].hint
