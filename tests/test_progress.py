"""Progress and summary: a bar on a terminal, nothing but the summary in a log."""

from __future__ import annotations

import io
import re

import pytest
from conftest import NOW

from sitegen import progress
from sitegen.progress import CLEAR_LINE, ProgressBar, Timeline, fan_out, format_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_shows_pages_done_and_the_share():
    assert format_bar("Rendering", 0, 200, width=10) == \
        "Rendering  [----------]   0/200 pages   0%"
    assert format_bar("Rendering", 50, 200, width=10) == \
        "Rendering  [##--------]  50/200 pages  25%"
    assert format_bar("Rendering", 200, 200, width=10) == \
        "Rendering  [##########] 200/200 pages 100%"
    assert format_bar("x", 5, 0, width=4).endswith("1/1 pages 100%")  # never divides by 0


def test_nothing_is_drawn_when_not_on_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar(stream, delay=0)
    for done in range(1, 101):
        bar(done, 100)
    bar.close()
    assert stream.getvalue() == ""


def test_a_quick_build_shows_no_bar_and_a_long_one_does():
    stream, clock = Terminal(), Clock()
    bar = ProgressBar(stream, clock=clock, delay=0.3, interval=0.1)
    bar(1, 100)
    clock.now = 0.2
    bar(2, 100)
    assert stream.getvalue() == ""  # not yet "more than a moment"
    clock.now = 0.35
    bar(3, 100)
    assert stream.getvalue() == CLEAR_LINE + format_bar("Rendering", 3, 100)
    clock.now = 0.36
    bar(4, 100)  # redrawn at most every interval...
    assert stream.getvalue().count(CLEAR_LINE) == 1
    bar(100, 100)  # ...except the last page
    assert stream.getvalue().endswith(format_bar("Rendering", 100, 100))
    bar.close()
    assert stream.getvalue().endswith(CLEAR_LINE)  # the summary starts on a clean line


def test_timeline_splits_a_build_into_phases():
    clock = Clock()
    timeline = Timeline(clock=clock)
    clock.now = 1.0
    timeline(1, 3)
    clock.now = 2.5
    timeline(3, 3)
    clock.now = 3.0
    timeline.finish()
    assert timeline.phases() == [("read, check and plan, up to the first page", 1.0),
                                 ("render 3 page(s)", 1.5), ("copy files and publish", 0.5)]
    empty = Timeline(clock=clock)
    empty.finish()
    assert empty.phases()[0][0].startswith("read, check and plan")


def test_fan_out_calls_each_callback():
    seen: list[tuple[str, int]] = []
    call = fan_out(lambda d, t: seen.append(("a", d)), None, lambda d, t: seen.append(("b", d)))
    call(1, 2)
    assert seen == [("a", 1), ("b", 1)]


# through the command line


def test_in_a_log_a_build_prints_the_summary_only(make_site, run_cli):
    code, out, err = run_cli("build", "--site", make_site(), "--now", NOW)
    assert code == 0
    assert err == ""  # no bar, no control characters in CI logs
    assert "\r" not in out and "\x1b" not in out
    assert "Built in" in out


def test_on_a_terminal_a_long_build_shows_a_bar_then_the_summary(make_site, run_cli,
                                                                 monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr(progress, "DELAY", 0.0)  # as if the build were a long one
    code, out, _ = run_cli("build", "--site", make_site(), "--now", NOW)
    assert code == 0
    drawn = terminal.getvalue()
    assert re.search(r"Rendering  \[#+\] +\d+/\d+ pages 100%", drawn)
    assert drawn.endswith(CLEAR_LINE)
    assert "Built in" in out


def test_quiet_shows_no_bar_even_on_a_terminal(make_site, run_cli, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    code, out, _ = run_cli("build", "--site", make_site(), "--now", NOW, "--quiet")
    assert (code, out, terminal.getvalue()) == (0, "", "")


def test_verbose_prints_each_step_and_the_counts(make_site, run_cli):
    code, out, _ = run_cli("build", "--site", make_site(), "--now", NOW, "--verbose")
    assert code == 0
    assert "read, check and plan" in out and re.search(r"render \d+ page\(s\) +\d+ ms", out)
    assert re.search(r"\d+ pages, \d+ feeds; articles: 1 da, 1 no; 1 people, 1 clusters", out)
    assert "Built in" in out


def test_verbose_says_which_bodies_the_fast_parser_left_to_markdown_it_py(make_site,
                                                                          run_cli):
    site = make_site({"content/da/2021/fakta.md": """\
        ---
        title: Fakta
        date: 2021-11-03 09:00
        authors: [kurt-bennetsen]
        ---
        ::: fakta
        **Fakta**
        :::
        """})
    code, out, _ = run_cli("build", "--site", site, "--now", NOW, "--verbose")
    assert code == 0
    assert ("Markdown: 3 bodies; 2 parsed by markdown-it-pyrs, 1 by markdown-it-py "
            "(fact box: 1)") in out


def test_quiet_and_verbose_together_are_a_usage_error(run_cli):
    code, _, err = run_cli("build", "--quiet", "--verbose")
    assert code == 2 and "not allowed with" in err


@pytest.mark.parametrize("extra", [[], ["--quiet"]])
def test_check_quiet_prints_only_findings(make_site, run_cli, extra):
    site = make_site({"content/people/anne-andersen.md": "---\nname: Anne Andersen\n---\n"})
    code, out, err = run_cli("check", "--site", site, "--now", NOW, *extra)
    assert code == 0
    assert "anne-andersen.md: warning" in err
    assert ("1 warning(s)" in out) is (not extra)
    if extra:
        assert out == ""


def test_check_verbose_prints_its_steps(make_site, run_cli):
    code, out, _ = run_cli("check", "--site", make_site(), "--now", NOW, "--verbose")
    assert code == 0
    assert "review: translations, people, links" in out
