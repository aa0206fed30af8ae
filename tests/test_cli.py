"""The command line: exit codes 0/1/2, help for every command, the summary."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import NOW, REPO
from pictures import tiny_jpeg

from sitegen.cli import make_parser

BROKEN = {"content/da/2021/mission-possible.md": "---\ntitle: A\ndate: 2021-11-01\n"
                                                 "authors: [kurt-benetsen]\n---\nTekst.\n"}
WARNING = {"content/da/2021/mission-possible.md": "---\ntitle: A\ndate: 2021-11-01\n"
                                                  "farve: blå\n---\nTekst.\n"}


def commands() -> list[str]:
    """Every subcommand the parser knows, so that a new one is tested too."""
    for action in make_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    return []


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def python_m_sitegen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "sitegen", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=60)


# build


def test_build_succeeds_and_prints_a_summary(make_site, run_cli):
    site = make_site({"content/media/la.jpg": tiny_jpeg()})
    code, out, err = run_cli("build", "--site", site, "--now", NOW)
    assert code == 0, err
    assert err == ""
    for label in ("Articles: published", "drafts", "embargoed", "Pages", "People",
                  "Clusters", "Files copied as-is", "Built in"):
        assert label in out
    header = out.splitlines()[0]
    assert "DA" in header and "NO" in header
    assert (site / "build" / "index.html").is_file()  # --out defaults to the site's build/


def summary_rows(out: str) -> dict[str, list[str]]:
    """'People              1' -> {'People': ['1']}; 'Articles  1 |  1' -> two values."""
    rows = {}
    for line in out.splitlines():
        label, values = line[:20].strip(), line[20:].replace("|", " ").split()
        if label and values:
            rows[label] = values
    return rows


def test_the_summary_counts_what_was_built(make_site, run_cli):
    site = make_site({"content/media/la.jpg": tiny_jpeg(), "static/CNAME": "example.org"})
    code, out, _ = run_cli("build", "--site", site, "--now", NOW)
    assert code == 0
    rows = summary_rows(out)
    assert rows["Articles: published"] == ["1", "1"]
    assert rows["drafts"] == rows["embargoed"] == ["0", "0"]
    assert rows["People"] == ["1"]
    assert rows["Clusters"] == ["1"]
    assert int(rows["Files copied as-is"][0]) >= 2  # the image and CNAME, the theme's files
    assert int(rows["Pages"][0]) > 10
    assert re.fullmatch(r"Built in \d+ ms, 0 warnings", out.splitlines()[-2])
    assert "not published" not in out  # no drafts, nothing under embargo: no note


HELD = {
    "content/da/2022/kladde.md": "---\ntitle: Kladde\ndate: 2022-01-01\ndraft: true\n---\nT.\n",
    "content/da/2030/senere.md": "---\ntitle: Senere\ndate: 2030-01-01\n---\nT.\n",
    "content/no/2021/senere.md": "---\ntitle: Senere\ndate: 2021-01-01\n"
                                 "embargo: 2030-01-01 09:00\n---\nT.\n",
    "content/media/la.jpg": tiny_jpeg(),
}


def numbers(out: str) -> dict[str, list[str]]:
    """The summary's rows, and its last line without the time the build took."""
    return summary_rows(re.sub(r"^Built in \d+ ms", "Built in N ms", out, flags=re.M))


@pytest.fixture
def modes(monkeypatch):  # type: ignore[no-untyped-def]
    """The engine's path of each build run through the CLI: full, incremental, patch,
    no-op."""
    from sitegen.engine import Builder

    seen: list[str] = []
    close = Builder.close

    def recording(self: Builder) -> None:
        seen.append(self.last_mode)
        close(self)

    monkeypatch.setattr(Builder, "close", recording)
    return seen


def settle(site: Path, rel: str | None = None) -> None:
    """Files dated back, out of the window in which stamps are doubted: only then can a
    build be a no-op or take the quick path."""
    back = time.time() - (60 if rel else 3600)
    sources = [site / "site.toml", *(site / "content").rglob("*")]
    for path in [site / rel] if rel else sources:  # not build/: it would not be ours
        os.utime(path, (back, back))


def test_the_summary_counts_drafts_and_embargoed_articles_on_every_path(make_site, run_cli,
                                                                        modes):
    started, theme = time.time(), theme_stamps()
    site = make_site(HELD)
    settle(site)
    build = ("build", "--site", site, "--now", NOW, "--no-search")
    code, out, err = run_cli(*build)
    assert code == 0, err
    first = numbers(out)
    assert first["Articles: published"] == ["1", "1"]
    assert first["drafts"] == ["1", "0"]
    assert first["embargoed"] == ["1", "1"]  # a date in the future; a story's embargo
    assert "Drafts and embargoed articles are not published: sitegen status lists them." \
        in out
    files = int(first["Files copied as-is"][0])
    assert files >= 2
    code, out, _ = run_cli(*build)  # touch nothing: the stored report, the same numbers
    assert numbers(out) == first
    rel = "content/da/2021/mission-possible.md"
    (site / rel).write_text((site / rel).read_text().replace("Tyve", "Tredive"))
    settle(site, rel)
    code, out, _ = run_cli(*build)  # a text edit: the quick path, the same numbers
    assert numbers(out) == first
    make_site({"content/no/2022/kladd.md": "---\ntitle: Kladd\ndate: 2022-01-01\n"
                                           "draft: true\n---\nT.\n",
               "content/media/to.jpg": tiny_jpeg()})
    settle(site)
    code, out, _ = run_cli(*build)  # an incremental build: counts of the whole site
    now = numbers(out)
    assert now["drafts"] == ["1", "1"]
    assert int(now["Files copied as-is"][0]) == files + 1
    code, out, _ = run_cli(*build, "--clean")  # a full build counts alike
    assert numbers(out) == now
    settled_theme = max(theme.values(), default=0) < started - 3  # out of the racy window
    if theme_stamps() == theme and settled_theme:  # else the engine rightly did more
        assert modes == ["full", "no-op", "patch", "incremental", "full"]


def theme_stamps() -> dict[str, float]:
    """The default theme is an input of every build: an edit of it while a test runs (by
    someone working on it) makes a build do more than the test expects."""
    from sitegen.changes import DEFAULT_THEME

    return {str(p): p.stat().st_mtime for p in DEFAULT_THEME.rglob("*") if p.is_file()}


def test_a_preview_says_what_it_shows(make_site, run_cli):
    code, out, _ = run_cli("build", "--site", make_site(HELD), "--now", NOW, "--drafts",
                           "--future", "--no-search")
    assert code == 0
    assert numbers(out)["drafts"] == ["1", "0"]  # what the content holds, as in any build
    assert "A preview: it shows 1 draft and 2 embargoed articles, each with a banner. Do " \
           "not publish it." in out


def test_the_last_line_counts_the_warnings(make_site, run_cli):
    code, out, err = run_cli("build", "--site", make_site(WARNING), "--now", NOW)
    assert code == 0 and "warning:" in err
    assert re.fullmatch(r"Built in \d+ ms, 1 warning \(printed above\)",
                        out.splitlines()[-2])


def test_build_with_errors_exits_1_and_names_file_and_line(make_site, run_cli):
    code, out, err = run_cli("build", "--site", make_site(BROKEN), "--now", NOW)
    assert code == 1
    assert ("content/da/2021/mission-possible.md:4: unknown person 'kurt-benetsen' "
            "(did you mean 'kurt-bennetsen'?)") in err
    assert "Traceback" not in out + err


def test_warnings_are_printed_but_the_build_succeeds(make_site, run_cli):
    code, out, err = run_cli("build", "--site", make_site(WARNING), "--now", NOW)
    assert code == 0
    assert ("content/da/2021/mission-possible.md:4: warning: unknown front-matter key "
            "'farve'; it is ignored") in err


def test_quiet_prints_only_problems(make_site, run_cli):
    code, out, err = run_cli("build", "--site", make_site(), "--now", NOW, "--quiet")
    assert (code, out, err) == (0, "", "")


def test_drafts_and_future_are_built_on_request(make_site, run_cli):
    site = make_site({"content/da/2030/senere.md": "---\ntitle: S\ndate: 2030-01-01\n---\n",
                      "content/da/2022/kladde.md": "---\ntitle: K\ndate: 2022-01-01\n"
                                                   "draft: true\n---\n"})
    run_cli("build", "--site", site, "--now", NOW)
    assert not (site / "build/da/nyheder/senere").exists()
    assert not (site / "build/da/nyheder/kladde").exists()
    code, _, _ = run_cli("build", "--site", site, "--now", NOW, "--drafts", "--future")
    assert code == 0
    assert (site / "build/da/nyheder/senere/index.html").is_file()
    assert (site / "build/da/nyheder/kladde/index.html").is_file()


def test_now_can_come_from_the_environment(make_site, run_cli, monkeypatch):
    site = make_site({"content/da/2030/senere.md": "---\ntitle: S\ndate: 2030-01-01\n---\n"})
    monkeypatch.setenv("SITEGEN_NOW", "2031-01-01T00:00:00Z")
    code, _, _ = run_cli("build", "--site", site)
    assert code == 0
    assert (site / "build/da/nyheder/senere/index.html").is_file()


def test_the_site_defaults_to_the_current_folder(make_site, run_cli, monkeypatch):
    site = make_site()
    monkeypatch.chdir(site)
    code, _, err = run_cli("check", "--now", NOW)
    assert code == 0, err


# check


def test_check_writes_nothing(make_site, run_cli):
    site = make_site()
    before = files_of(site)
    code, out, _ = run_cli("check", "--site", site, "--now", NOW)
    assert code == 0
    assert "0 error(s), 0 warning(s)" in out
    assert files_of(site) == before
    assert sorted(p.name for p in site.iterdir()) == ["content", "site.toml"]


def test_check_with_errors_exits_1(make_site, check_site):
    code, output = check_site(make_site(BROKEN))
    assert code == 1
    assert "content/da/2021/mission-possible.md:4: unknown person 'kurt-benetsen'" in output
    assert "1 error(s), 0 warning(s)" in output


def test_check_reports_errors_of_every_step_it_reaches(make_site, check_site):
    site = make_site({**BROKEN, "content/no/2021/mission.md": "---\ntitle: [x]\n---\n",
                      "content/da/2022/tom.md": ""})
    code, output = check_site(site)
    assert code == 1
    assert "content/da/2022/tom.md: the file is empty" in output
    assert "content/no/2021/mission.md:2: 'title' must be a text" in output
    assert "content/da/2021/mission-possible.md:4: unknown person" in output


def test_check_strict_fails_on_warnings(make_site, check_site):
    site = make_site(WARNING)
    assert check_site(site)[0] == 0
    assert check_site(site, "--strict")[0] == 1


def test_check_as_json(make_site, run_cli):
    code, out, _ = run_cli("check", "--site", make_site(BROKEN), "--now", NOW,
                           "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert (report["errors"], report["warnings"]) == (1, 0)
    problem = report["problems"][0]
    assert (problem["path"], problem["line"], problem["severity"]) == (
        "content/da/2021/mission-possible.md", 4, "error")


def test_a_folder_without_site_toml_is_a_usage_error(tmp_path, check_site):
    code, output = check_site(tmp_path)
    assert code == 2  # the command line points at no site: see test_cli_conventions.py
    assert f"there is no site.toml in {tmp_path}" in output


# usage errors and help


@pytest.mark.parametrize("args", [
    [], ["publish"], ["build", "--bogus"], ["check", "--format", "xml"],
    ["build", "--now", "next tuesday"], ["check", "extra"],
])
def test_a_wrong_command_line_exits_2(run_cli, args):
    code, out, err = run_cli(*args)
    assert code == 2
    assert "usage:" in err
    assert "Traceback" not in out + err


def test_there_are_build_and_check_commands():
    assert {"build", "check"} <= set(commands())


@pytest.mark.parametrize("args", [["--help"], *[[name, "--help"] for name in commands()]])
def test_help_for_every_command(run_cli, args):
    code, out, _ = run_cli(*args)
    assert code == 0
    assert out.startswith("usage: sitegen")
    if len(args) == 2:
        assert "--site" in out or args[0] not in ("build", "check")


def test_build_help_lists_its_options(run_cli):
    _, out, _ = run_cli("build", "--help")
    for option in ("--site", "--out", "--drafts", "--future"):
        assert option in out


def test_version(run_cli):
    code, out, _ = run_cli("--version")
    assert code == 0 and out.startswith("sitegen ")


# the real entry points


def test_python_m_sitegen(make_site):
    site = make_site(BROKEN)
    assert python_m_sitegen("--help").returncode == 0
    result = python_m_sitegen("check", "--site", str(site), "--now", NOW)
    assert result.returncode == 1
    assert "content/da/2021/mission-possible.md:4: unknown person" in result.stderr
    assert "Traceback" not in result.stderr
    assert python_m_sitegen("build", "--nonsense").returncode == 2


def test_the_sitegen_script():
    script = Path(sys.executable).parent / "sitegen"
    if not script.exists():
        pytest.skip("sitegen is not installed as a script in this environment")
    result = subprocess.run([str(script), "check", "--help"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0
    assert "usage: sitegen check" in result.stdout


def test_media_and_static_files_are_copied_as_they_are(make_site, build_site):
    image = tiny_jpeg()
    site = make_site({"content/media/2021/la.jpg": image,
                      "static/CNAME": "nyheder.example.org\n",
                      "static/.well-known/security.txt": "Contact: mailto:a@example.org\n"})
    out = build_site(site)
    assert (out / "media/2021/la.jpg").read_bytes() == image
    assert (out / "CNAME").read_text() == "nyheder.example.org\n"
    assert (out / ".well-known/security.txt").is_file()


def test_a_full_disk_is_named_and_the_previous_output_kept(make_site, run_cli, monkeypatch,
                                                           tmp_path):
    """Not "internal error (a bug)": the machine's trouble, said as such, exit 1."""
    import errno

    from sitegen import write

    site = make_site()
    out = tmp_path / "out"
    assert run_cli("build", "--site", site, "--out", out, "--now", NOW, "-q")[0] == 0
    before = (out / "da/index.html").read_bytes()
    article = site / "content/da/2021/mission-possible.md"
    article.write_text(article.read_text().replace("Tyve", "Tredive"))

    def full(*args, **kwargs):  # noqa: ANN002, ANN003
        raise OSError(errno.ENOSPC, "No space left on device", str(out.parent / ".out.stage"))

    monkeypatch.setattr(write.tempfile, "mkdtemp", full)
    code, _out, err = run_cli("build", "--site", site, "--out", out, "--now", NOW, "-q",
                              "--clean")
    assert code == 1, err
    assert "there is no space left on the disk" in err and "internal error" not in err
    assert "Nothing was changed: the previous output" in err
    assert (out / "da/index.html").read_bytes() == before


def test_the_last_line_says_how_to_look_at_the_site(make_site, run_cli, tmp_path):
    site = make_site()
    code, out, _err = run_cli("build", "--site", site, "--out", tmp_path / "o", "--now", NOW)
    assert code == 0
    assert out.strip().splitlines()[-1] == (
        f"Built into {(tmp_path / 'o').resolve()}. To look at it: sitegen serve --site "
        f"{site} (then open http://127.0.0.1:8000/)")
