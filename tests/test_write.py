"""Atomic output: a build replaces the output whole, or leaves it exactly as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, REPO

from sitegen.write import MARKER, OutputRefused, Stage, check_output_dir, staged_output


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under `folder`, by relative path."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def without_marker(files: dict[str, bytes | None]) -> dict[str, bytes | None]:
    """The site itself: sitegen's bookkeeping files (.sitegen-output and the like) may
    record where and how it was built."""
    return {rel: data for rel, data in files.items()
            if not rel.rsplit("/", 1)[-1].startswith(".sitegen-")}


def leftovers(parent: Path, name: str) -> list[str]:
    """Temporary folders a build may leave beside the output."""
    return sorted(p.name for p in parent.iterdir()
                  if p.name.startswith((f".{name}.new-", f".{name}.old-")))


# the staging folder


def test_a_stage_becomes_the_output_with_its_marker(tmp_path):
    out = tmp_path / "out"
    with staged_output(out) as stage:
        stage.write("index.html", b"<p>hej</p>")
        stage.write("da/nyheder/x/index.html", b"x")
    assert (out / "index.html").read_bytes() == b"<p>hej</p>"
    assert (out / "da/nyheder/x/index.html").read_bytes() == b"x"
    assert (out / MARKER).is_file()
    assert leftovers(tmp_path, "out") == []


def test_the_output_is_replaced_whole(tmp_path):
    out = tmp_path / "out"
    with staged_output(out) as stage:
        stage.write("old.html", b"old")
    with staged_output(out) as stage:
        stage.write("new.html", b"new")
    assert sorted(snapshot(out)) == [MARKER, "new.html"]


def test_an_exception_while_staging_leaves_the_output_as_it_was(tmp_path):
    out = tmp_path / "out"
    with staged_output(out) as stage:
        stage.write("index.html", b"first")
    before = snapshot(out)
    with pytest.raises(RuntimeError), staged_output(out) as stage:
        stage.write("index.html", b"second")
        raise RuntimeError("a page failed")
    assert snapshot(out) == before
    assert leftovers(tmp_path, "out") == []


def test_a_stage_refuses_to_write_outside_itself(tmp_path):
    stage = Stage(tmp_path / "stage")
    (tmp_path / "stage").mkdir()
    for rel in ("../escape.html", "da/../../escape.html", str(tmp_path / "escape.html"), ""):
        with pytest.raises(ValueError):
            stage.write(rel, b"x")
    assert not (tmp_path / "escape.html").exists()
    stage.write("da/nyheder/a/index.html", b"a")  # folders are made as they are needed
    stage.write("da/nyheder/b/../a/rss.xml", b"b")
    assert (tmp_path / "stage/da/nyheder/a/rss.xml").read_bytes() == b"b"


# whose folder it is


def test_a_folder_sitegen_did_not_make_is_refused(tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputRefused):
        check_output_dir(out, tmp_path / "site")


@pytest.mark.parametrize("where", [".", ".."])
def test_the_site_or_a_folder_holding_it_is_refused(tmp_path, where):
    site = tmp_path / "site"
    site.mkdir()
    with pytest.raises(OutputRefused):
        check_output_dir(site / where, site)


@pytest.mark.parametrize("inside", ["content/media/build", "static/out", "themes/x", "content"])
def test_a_folder_among_the_sources_is_refused(tmp_path, inside):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    with pytest.raises(OutputRefused):
        check_output_dir(site / inside, site)


def test_a_folder_under_a_file_is_refused(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputRefused, match="is a file"):
        check_output_dir(tmp_path / "afile" / "deeper" / "out", tmp_path / "site")


def test_the_cli_refuses_an_output_it_cannot_make(make_site, run_cli, tmp_path):
    (tmp_path / "afile").write_text("x")
    code, _, err = run_cli("build", "--site", make_site(), "--out", tmp_path / "afile/out",
                           "--now", NOW)
    assert code == 2
    assert "is a file" in err
    assert "internal error" not in err


def test_a_file_is_refused(tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputRefused):
        check_output_dir(tmp_path / "out", tmp_path / "site")


def test_an_empty_new_or_sitegen_folder_is_accepted(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / MARKER).write_text("")
    (tmp_path / "ours" / "index.html").write_text("")
    for name in ("empty", "new", "ours"):
        check_output_dir(tmp_path / name, tmp_path / "site")


def test_the_cli_refuses_a_foreign_folder_and_leaves_it_alone(make_site, run_cli, tmp_path):
    site = make_site()
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    code, _, err = run_cli("build", "--site", site, "--out", out, "--now", NOW)
    assert code == 2
    assert "was not made by sitegen" in err
    assert snapshot(out) == {"notes.txt": b"mine"}


# failed builds


def test_a_build_with_content_errors_leaves_the_output_byte_for_byte(make_site, build_site,
                                                                      run_cli):
    site = make_site()
    out = build_site(site)
    before = snapshot(out)
    make_site({"content/da/2021/mission-possible.md": "---\ntitle: Brudt\nauthors: [x]\n---\n"})
    code, _, err = run_cli("build", "--site", site, "--out", out, "--now", NOW)
    assert code == 1
    assert "The previous output was left as it was" in err
    assert snapshot(out) == before
    assert leftovers(site, "build") == []


def test_a_build_that_fails_while_rendering_leaves_the_output_byte_for_byte(make_site,
                                                                            build_site,
                                                                            run_cli):
    site = make_site()
    out = build_site(site)
    before = snapshot(out)
    # A site's theme overrides a template with one that fails for article pages only,
    # so that other pages are already written when it fails.
    make_site({"themes/default/templates/article.html": "{{ no_such_variable.title }}"})
    code, _, err = run_cli("build", "--site", site, "--out", out, "--now", NOW)
    assert code == 1
    assert "article.html" in err
    assert snapshot(out) == before
    assert leftovers(site, "build") == []


def test_a_broken_site_toml_leaves_the_output_byte_for_byte(make_site, build_site, run_cli):
    site = make_site()
    out = build_site(site)
    before = snapshot(out)
    make_site({"site.toml": "base_url = \n"})
    code, _, _ = run_cli("build", "--site", site, "--out", out, "--now", NOW)
    assert code == 1
    assert snapshot(out) == before


# two builds at once


def test_two_builds_at_once_into_one_folder_leave_one_whole_site(make_site, run_cli,
                                                                 tmp_path):
    site = make_site()
    out = tmp_path / "shared-out"
    # What one build alone makes in that same folder.
    assert run_cli("build", "--site", site, "--out", out, "--now", NOW)[0] == 0
    reference = snapshot(out)
    shutil.rmtree(out)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--out",
               str(out), "--now", NOW, "--quiet"]
    for _ in range(2):  # twice: into a new folder, then over an existing one
        builds = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE) for _ in range(2)]
        results = [(b.wait(timeout=60), b.stderr.read().decode()) for b in builds]
        for process in builds:
            process.stdout.close()
            process.stderr.close()
        assert [code for code, _ in results] == [0, 0], results
        assert without_marker(snapshot(out)) == without_marker(reference)
        assert (out / MARKER).is_file()
        assert leftovers(tmp_path, "shared-out") == []


def test_recover_leaves_a_work_folder_in_use_alone_and_removes_a_dead_one(tmp_path):
    """A preview's background search index works beside the output while the next
    rebuild recovers leftovers there: its folder must survive, a killed one must not."""
    from sitegen.write import recover, work_folder

    out = tmp_path / "build"
    out.mkdir()
    dead = tmp_path / ".build.pagefind-dead"
    dead.mkdir()
    (dead / ".in-use").write_text("")  # its process is gone: nobody holds the lock
    with work_folder(out, "pagefind") as work:
        (work / "bucket").write_text("half made")
        recover(out, lambda delta: None)
        assert (work / "bucket").read_text() == "half made"
        assert not dead.exists()
    assert not work.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["build"]
