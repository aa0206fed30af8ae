"""List entries made once per build and language: the same markup as made each time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from conftest import copy_sample

from sitegen.pipeline import _render, prepare
from sitegen.render.once import render_once
from sitegen.render.theme import load_theme
from sitegen.resolve import BuildOptions


@dataclass(frozen=True)
class Subject:
    title: str


class Macro:
    """Stands for a Jinja macro: a name, and a call that counts."""

    name = "teaser"

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, subject: Subject, level: int) -> str:
        self.calls += 1
        return f"<h{level}>{subject.title}</h{level}>"


def test_an_entry_is_made_once_for_each_subject_and_arguments():
    once, macro = render_once(), Macro()
    first, other = Subject("Havvind"), Subject("Havvind")  # equal, but another object
    assert once(macro, first, 2) == once(macro, first, 2) == "<h2>Havvind</h2>"
    assert macro.calls == 1
    assert once(macro, first, 3) == "<h3>Havvind</h3>" and macro.calls == 2
    once(macro, other, 2)  # an edited article is a new object: made again
    assert macro.calls == 3


def test_every_page_is_the_same_with_entries_reused_as_made_alone(tmp_path: Path):
    """Render the sample site's pages in order (entries and feed items reused from the
    pages before), then each page with a theme of its own (nothing to reuse)."""
    site = copy_sample(tmp_path / "site")
    prepared = prepare(site, BuildOptions(now=datetime(2026, 12, 1, tzinfo=UTC)))
    together = {page.output: _render(prepared, page) for page in prepared.pages}
    assert any(prepared.theme.memos.values())  # feed items were kept
    for page in prepared.pages:
        alone = type(prepared)(**{**prepared.__dict__,
                                  "theme": load_theme(site, prepared.site.config)})
        assert _render(alone, page) == together[page.output], page.output
