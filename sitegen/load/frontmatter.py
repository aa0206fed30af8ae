"""Split a Markdown file into front matter and body, keeping line numbers.

We compose YAML into nodes rather than Python values (python-frontmatter would hand us
values and drop the lines). Nodes keep each key's line for messages, and they keep
scalars as the editor wrote them: `title: No` stays the word "No", `phone: 4747` stays
text. Field readers in `sitegen.load.fields` decide the type of each key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from sitegen.errors import Problem, error, warning

FENCE = "---"
YAML_ONLY_BREAKS = str.maketrans({"\x85": " ", "\u2028": " ", "\u2029": " "})
# libyaml's composer when available: ten times faster, same nodes and marks.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Entry:
    """One top-level front-matter key: its YAML node and the line it sits on."""

    key: str
    node: yaml.Node
    line: int


@dataclass(frozen=True, slots=True)
class SourceText:
    """A Markdown file split in two. `body_line` is the file line the body starts on."""

    path: str
    entries: tuple[Entry, ...]
    body: str
    body_line: int
    fm_line: int  # line of the opening '---', for messages about the whole block

    def get(self, key: str) -> Entry | None:
        for entry in self.entries:
            if entry.key == key:
                return entry
        return None


def decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes -> text, refusing what is not a UTF-8 text file."""
    if not data.strip():
        return None, [error(path, None, "the file is empty",
                            "write front matter between two '---' lines, then the text")]
    if b"\x00" in data:
        return None, [error(path, None, "this is a binary file, not Markdown text",
                            "only text files ending in .md belong in content/<language>/")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [error(path, line, "the file is not UTF-8 text",
                            "save it as UTF-8 in your editor (File > Save with encoding)")]
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), []


YAML_HINT = "check the quotes and the colon after each key; a text with ': ' in it needs quotes"
# Errors about something left open: the line where it opened is the one to fix.
OPENED_AT = ("while scanning a quoted scalar", "while parsing a flow")


def _yaml_problem(path: str, yaml_text: str, exc: Exception) -> Problem:
    """A YAML error as the editor can act on it: a file line, no parser internals.

    The front matter starts on the file's line 2, hence the + 2 on YAML's 0-based lines.
    """
    if isinstance(exc, RecursionError):  # PyYAML without libyaml recurses once per level
        return error(path, 2, "the front matter is not valid YAML: nested too deeply",
                     YAML_HINT)
    if isinstance(exc, yaml.reader.ReaderError):
        # Its position counts characters or bytes depending on the loader: find the
        # character itself instead.
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character))
        index = yaml_text.find(chr(code))
        line = yaml_text.count("\n", 0, index) + 2 if index >= 0 else 2
        return error(path, line, f"the front matter contains a control character (U+{code:04X})",
                     "delete it: such characters come with text copied from other programs")
    if isinstance(exc, yaml.MarkedYAMLError):
        opened = (exc.context or "").startswith(OPENED_AT) and exc.context_mark
        mark = exc.context_mark if opened else exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 2
        if opened and mark is not None:
            return _never_closed(path, yaml_text, exc.context or "", mark, line)
        return error(path, line, f"the front matter is not valid YAML: "
                     f"{exc.problem or 'invalid YAML'}", YAML_HINT)
    return error(path, 2, "the front matter is not valid YAML", YAML_HINT)


def _never_closed(path: str, yaml_text: str, context: str, mark: yaml.Mark,
                  line: int) -> Problem:
    """A quote or a list opened and not closed: say which, and where it opened (YAML
    itself says only "found unexpected end of stream", at the end of the block)."""
    row = yaml_text.split("\n")[mark.line] if mark.line < len(yaml_text.split("\n")) else ""
    opener = row[mark.column:mark.column + 1] or '"'
    key = row.split(":", 1)[0].strip() if ":" in row else "title"
    if context.startswith("while scanning a quoted scalar"):
        return error(path, line, f"the quote ({opener}) opened on line {line} is never closed",
                     f"end the text with {opener} on the same line, e.g. {key}: "
                     f"{opener}...{opener}", code="yaml-unclosed")
    closer = {"[": "]", "{": "}"}.get(opener, "]")
    return error(path, line, f"the list ('{opener}') opened on line {line} is never closed",
                 f"end it with '{closer}' on the same line, e.g. {key}: [a, b]",
                 code="yaml-unclosed")


def _tab_indent(path: str, yaml_lines: list[str]) -> Problem | None:
    """A tab in a line's indentation: YAML forbids tabs there, and says so obscurely
    ("found character that cannot start any token")."""
    for number, row in enumerate(yaml_lines):
        indent = row[:len(row) - len(row.lstrip(" \t"))]
        if "\t" in indent:
            column = indent.index("\t") + 1
            return error(path, number + 2, f"a tab at column {column}: the front matter "
                         "must be indented with spaces", "replace the tab by spaces (most "
                         "editors have a setting 'indent with spaces')", code="yaml-tab")
    return None


def split(path: str, text: str) -> tuple[SourceText | None, list[Problem]]:
    """Find the '---' block at the top, compose it, and return its keys with lines."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        return None, [error(path, 1, "no front matter found at the top of the file",
                            "did you forget the '---' line before the title and date?")]
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in (FENCE, "..."))
    except StopIteration:
        return None, [error(path, 1, "the front matter is never closed",
                            "add a line with '---' after the last front-matter line")]
    # YAML also breaks lines at NEL, LS and PS, invisible characters that come with text
    # pasted from other programs; as spaces they keep YAML's lines the file's lines.
    yaml_text = "\n".join(lines[1:end]).translate(YAML_ONLY_BREAKS)
    yaml_lines = yaml_text.split("\n")
    body = "\n".join(lines[end + 1:])
    try:
        root = yaml.compose(yaml_text, Loader=FAST_LOADER)
    except (yaml.YAMLError, RecursionError) as exc:
        tab = _tab_indent(path, yaml_lines)
        return None, [tab if tab is not None else _yaml_problem(path, yaml_text, exc)]
    if root is None:
        return None, [error(path, 1, "the front matter is empty",
                            "write at least 'title:' and 'date:' between the '---' lines")]
    if not isinstance(root, yaml.MappingNode):
        return None, [error(path, root.start_mark.line + 2,
                            "the front matter must be a list of 'key: value' lines")]
    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 2
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(error(path, line, "a front-matter key must be a plain word"))
            continue
        key = key_node.value
        if key in seen:
            problems.append(error(path, line, f"'{key}' is given twice",
                                  "keep one of the two lines"))
            continue
        seen.add(key)
        entries.append(Entry(key, value_node, line))
        problems += _comment_warning(path, key, value_node, yaml_lines)
    return SourceText(path, tuple(entries), body, end + 2, 1), problems


HASH_WORD = re.compile(r" #[^\s#]")


def _comment_warning(path: str, key: str, node: yaml.Node,
                     yaml_lines: list[str]) -> list[Problem]:
    """`title: Mission #1` is read as "Mission": YAML takes ' #' as a comment. An editor
    rarely means a comment there, so say so (with the line) instead of losing words."""
    if not isinstance(node, yaml.ScalarNode) or node.style not in (None, ""):  # plain only
        return []
    row = node.end_mark.line
    if row >= len(yaml_lines) or row != node.start_mark.line:
        return []
    rest = yaml_lines[row][node.end_mark.column:]
    # " #1", " #klima": a number or a hashtag, not a comment ("  # note" stays quiet).
    if not HASH_WORD.match(rest):
        return []
    return [warning(path, row + 2, f"the text after '#' in '{key}' is read as a comment and "
                    "left out", f"put the whole value in quotes: {key}: \"...\"",
                    code="yaml-comment")]
