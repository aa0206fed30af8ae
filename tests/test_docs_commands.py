"""Every command that README.md, docs/editing.md and docs/content.md show works as printed.

The commands are read from the fenced code blocks the way an editor reads them:

- in a ```sh, ```bash or ```shell block, every line that is not empty or a comment is a
  command (a line ending in a backslash goes on on the next line);
- in a ```console block, each line that starts with `$ ` is a command; the lines under it
  are what it prints;
- every other block (```text for usage lines with [OPTIONS], ```markdown, a plain ```)
  holds no commands.

Some commands are not run here, each by a rule in SKIPPED: `make` (it builds this very
environment), `git` (it changes the repository), `sitegen serve` (it runs until Ctrl-C;
tests/test_serve_server.py starts the preview), `export` (setting up a build machine), and
a block that starts with `#!` (a script for a scheduled job on a server). Every other
command must start with `.venv/bin/sitegen`, the one way the docs give to run sitegen.

Each command runs through /bin/sh, exactly as printed, in a copy of the sample site that
has `.venv/bin` (the folder of the Python running the tests, where `make build` installs
the `sitegen` console script): the folder the docs tell editors to type them in. A file's
commands run in order in one copy, as an editor following the page would (section 1 of
editing.md makes the article that section 3 translates); a file's introduction, before its
first `## ` heading, sums the page up and runs in a copy of its own. The clock is the
moment the file's examples are dated (SITEGEN_NOW), so `sitegen new` writes into the year
folders the docs name. A command must exit with 0, or with the status the docs say it
has, in EXPECTED_STATUS.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, copy_sample

DOCS = ("README.md", "docs/editing.md", "docs/content.md")
PROGRAM = ".venv/bin/sitegen"  # the one documented way to run sitegen
SHELL_BLOCKS = {"sh", "bash", "shell"}

# When each file's examples happen: editing.md starts its article on 2 March 2026 at
# 09:15, content.md its release under embargo on 1 December 2026 at 10:30.
NOW = {
    "README.md": "2026-03-02T09:15:00+01:00",
    "docs/editing.md": "2026-03-02T09:15:00+01:00",
    "docs/content.md": "2026-12-01T10:30:00+01:00",
}

SKIPPED: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"make\b"), "make builds the project itself: `make build` made the "
                            "environment these commands run in"),
    (re.compile(r"git\b"), "git changes the repository"),
    (re.compile(re.escape(PROGRAM) + r" serve\b"),
     "sitegen serve runs until Ctrl-C; tests/test_serve_server.py starts the preview"),
    (re.compile(r"export\b"), "export sets up a build machine's environment"),
)
SCRIPT = "a script for a scheduled job on a server (the block starts with #!)"

# Commands the docs show failing, with the status the docs give them ("stops it too
# (exit status 1)"): the file exists, the slug is taken, a misspelt id or language, a
# translation that exists already.
EXPECTED_STATUS = {
    ("docs/editing.md", '.venv/bin/sitegen new da "Ny klyngeleder i Aalborg"'): 1,
    ("docs/editing.md", '.venv/bin/sitegen new da "Mission Possible"'): 1,
    ("docs/editing.md", '.venv/bin/sitegen new da "Noget andet" --author kurt-benetsen'): 1,
    ("docs/editing.md", '.venv/bin/sitegen new dk "Noget"'): 1,
    ("docs/editing.md",
     ".venv/bin/sitegen new --translate content/da/2021/mission-possible.md"): 1,
    ("docs/editing.md",
     ".venv/bin/sitegen new --translate content/da/2022/ny-leder-af-nce-smart-energy-markets.md"):
        1,
    # A wrong command line (exit status 2): a misspelt command and option, no site there.
    ("docs/editing.md", ".venv/bin/sitegen bild"): 2,
    ("docs/editing.md", ".venv/bin/sitegen check --strikt"): 2,
    ("docs/editing.md", ".venv/bin/sitegen build --site ../nyheder"): 2,
}

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")


@dataclass(frozen=True, slots=True)
class Command:
    doc: str  # "docs/editing.md"
    line: int  # where it is printed, 1-based
    text: str  # as printed, without the `$ ` prompt
    part: str  # "introduction" or "sections": the commands of one part run in one copy
    skipped: str = ""  # why it is not run, or "" when it is

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}: {self.text}"


def skip_reason(text: str) -> str:
    for pattern, reason in SKIPPED:
        if pattern.match(text):
            return reason
    return ""


def closes(line: str, fence: str) -> bool:
    """Whether a line ends the block opened by `fence`: the same character, as many times
    or more, and nothing else."""
    mark = line.strip()
    return len(mark) >= len(fence) and set(mark) == {fence[0]}


def commands_in(doc: str, text: str) -> Iterator[Command]:
    """The commands of one Markdown file's fenced blocks, in order."""
    lines = text.splitlines()
    part = "introduction"
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            part = "sections"
        opening = FENCE.match(line)
        if not opening:
            i += 1
            continue
        indent, fence, info = opening["indent"], opening["fence"], opening["info"].lower()
        block: list[tuple[int, str]] = []
        i += 1
        while i < len(lines) and not closes(lines[i], fence):
            body = lines[i]
            block.append((i + 1, body[len(indent):] if body.startswith(indent) else body))
            i += 1
        i += 1  # the closing fence
        if info in SHELL_BLOCKS:
            script = bool(block) and block[0][1].startswith("#!")
            yield from _commands(doc, part, block, prompt="", script=script)
        elif info == "console":
            yield from _commands(doc, part, block, prompt="$ ", script=False)


def _commands(doc: str, part: str, block: list[tuple[int, str]], prompt: str,
              script: bool) -> Iterator[Command]:
    lines = iter(block)
    for number, raw in lines:
        if prompt and not raw.startswith(prompt):
            continue  # output
        text = raw[len(prompt):].strip()
        while text.endswith("\\"):
            text = text[:-1] + next(lines, (0, ""))[1].strip()
        if not text or text.startswith("#"):
            continue
        reason = SCRIPT if script else skip_reason(text)
        yield Command(doc, number, text, part, reason)


def all_commands() -> list[Command]:
    found = []
    for doc in DOCS:
        found += commands_in(doc, (REPO / doc).read_text(encoding="utf-8"))
    return found


COMMANDS = all_commands()
RUN = [c for c in COMMANDS if not c.skipped]


# what the docs show


def test_every_file_shows_commands_that_are_run():
    for doc in DOCS:
        assert any(c.doc == doc for c in RUN), f"{doc}: no command found to run"


def test_every_command_uses_the_documented_way_to_run_sitegen():
    """One way, said consistently: a command that is not skipped by a rule is sitegen's,
    run as `.venv/bin/sitegen`, alone (no `&&`, pipes or `;` that could run anything)."""
    wrong = []
    for command in RUN:
        lexer = shlex.shlex(command.text, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(lexer)
        if words[:1] != [PROGRAM] or any(w in ("&&", "||", ";", "|", "&") for w in words):
            wrong.append(command.id)
    assert not wrong, ("commands that do not run sitegen as " + PROGRAM + " (or add a rule "
                       "to SKIPPED):\n" + "\n".join(wrong))


def test_the_expected_statuses_are_for_commands_the_docs_show():
    shown = {(c.doc, c.text) for c in RUN}
    stale = [key for key in EXPECTED_STATUS if key not in shown]
    assert not stale, f"EXPECTED_STATUS names commands no doc shows any more: {stale}"


def test_skipped_commands_are_each_skipped_by_a_rule():
    skipped = [c for c in COMMANDS if c.skipped]
    assert skipped  # make build, git, serve: the docs show them
    kinds = {c.skipped for c in skipped}
    assert kinds <= {reason for _, reason in SKIPPED} | {SCRIPT}


# running them


@dataclass(frozen=True, slots=True)
class Result:
    status: int
    output: str


def console_script() -> Path:
    """`sitegen` of the environment running the tests: .venv/bin/sitegen after make build."""
    script = Path(sys.executable).parent / "sitegen"
    assert script.is_file(), (f"{script} not found: install sitegen into the environment "
                              "that runs the tests (make build, then .venv/bin/python -m pytest)")
    return script


def run_part(site: Path, commands: list[Command]) -> dict[Command, Result]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITEGEN_")}
    results = {}
    for command in commands:
        env["SITEGEN_NOW"] = NOW[command.doc]
        done = subprocess.run(["/bin/sh", "-c", command.text], cwd=site, env=env,
                              capture_output=True, text=True, timeout=120)
        results[command] = Result(done.returncode, done.stdout + done.stderr)
    return results


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[Command, Result]:
    """Every command's result. The sample site is copied once; each part of each file
    gets a copy of that copy, and the parts run side by side (each in order)."""
    bin_folder = console_script().parent
    root = tmp_path_factory.mktemp("docs")
    sample = copy_sample(root / "sample")
    parts: dict[tuple[str, str], list[Command]] = {}
    for command in RUN:
        parts.setdefault((command.doc, command.part), []).append(command)
    sites = []
    for n, (_doc, _part) in enumerate(parts):
        site = root / f"site-{n}"
        shutil.copytree(sample, site, symlinks=True)
        (site / ".venv").mkdir()
        (site / ".venv" / "bin").symlink_to(bin_folder, target_is_directory=True)
        sites.append(site)
    found: dict[Command, Result] = {}
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        for done in pool.map(run_part, sites, parts.values()):
            found.update(done)
    return found


@pytest.mark.parametrize("command", RUN, ids=[c.id for c in RUN])
def test_the_command_works_as_printed(command: Command, results: dict[Command, Result]):
    expected = EXPECTED_STATUS.get((command.doc, command.text), 0)
    result = results[command]
    assert result.status == expected, (
        f"{command.id}\nexited with {result.status}, the docs say {expected}:\n{result.output}")
    assert "Traceback" not in result.output
