"""A build killed at any moment leaves the old site or the new one, never a mix; the
next build finishes or undoes what it left and equals a clean build.

`test_sigkill_at_random_moments` kills real `sitegen build` processes (full and
incremental builds, with an edit and with its revert) at seeded random moments;
SITEGEN_CRASH_KILLS asks for more of them. The other tests stop a build at exact steps
of its transaction, in-process, so that every step is covered on every run.

The guarantee: a killed build leaves the old site, or the new one, or a committed
journal beside the output (then the folder may be between the two only for the
milliseconds of the commit's renames), which the next build carries out first.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, REPO, copy_sample
from search_contents import site_contents

from sitegen import write
from sitegen.engine import Builder

START = datetime.fromisoformat(NOW)
ARTICLE = "content/da/2021/mission-possible.md"
KILLS = int(os.environ.get("SITEGEN_CRASH_KILLS", "20"))


def snapshot(folder: Path) -> dict[str, Any]:
    """The site as readers get it (the search index by what it finds: see
    tests/search_contents.py)."""
    return site_contents(folder)


def clean(site: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    Builder(site, out, persistent=False).build(START, clean=True)
    return snapshot(out)


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name.startswith(f".{out.name}.") and not p.name.endswith(".lock"))


def committed(out: Path) -> bool:
    """A transaction's journal is there: the next build carries it out to the end."""
    return any((out.parent / name / write.JOURNAL).is_file() for name in leftovers(out))


def _edit(site: Path, n: int) -> str:
    path = site / ARTICLE
    text = path.read_text()
    # Same length as the original line: a size check alone cannot see it.
    return text.replace("Mission Possible", f"Mission {n:08d}", 1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("crash") / "site")


def _command(site: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--out", str(out),
            "--now", NOW, "--quiet", *extra]


def _timed_run(command: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def test_sigkill_at_random_moments(sample: Path, tmp_path: Path):
    rng = random.Random(20261201)
    site = tmp_path / "site"
    shutil.copytree(sample, site)
    out, reference = tmp_path / "out", tmp_path / "reference"
    original = (site / ARTICLE).read_text()
    edited = _edit(site, 1)
    expected = {}
    for name, text in (("original", original), ("edited", edited)):
        (site / ARTICLE).write_text(text)
        expected[name] = clean(site, reference)
    (site / ARTICLE).write_text(original)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    duration = _timed_run(_command(site, out))
    for kill in range(KILLS):
        before = snapshot(out)
        full = kill % 4 == 0  # a quarter are full builds (--clean), the rest incremental
        current = (site / ARTICLE).read_text()
        target = edited if current == original else original  # an edit, then its revert
        (site / ARTICLE).write_text(target)
        new = expected["edited" if target == edited else "original"]
        process = subprocess.Popen(_command(site, out, *(["--clean"] if full else [])),
                                   env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, duration * 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = snapshot(out)
        # Old or new; only while a committed journal is carried out (the renames of the
        # changed files, milliseconds) can the folder be between the two.
        assert after in (before, new) or committed(out), f"kill {kill}: a mix"
        # The next build finishes or undoes what the killed one left, then builds.
        assert subprocess.run(_command(site, out), env=env, capture_output=True).returncode == 0
        assert snapshot(out) == new, f"kill {kill}: the next build is not a clean build"
        assert leftovers(out) == [], f"kill {kill}: {leftovers(out)}"


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (a BaseException passes every handler)."""


@pytest.mark.parametrize("stop_after", range(0, 9))
@pytest.mark.parametrize("full", [False, True])
def test_a_commit_stopped_at_any_step_is_finished_by_the_next_build(
        sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop_after: int,
        full: bool):
    site = tmp_path / "site"
    shutil.copytree(sample, site)
    out = tmp_path / "out"
    Builder(site, out).build(START)
    old = snapshot(out)
    (site / ARTICLE).write_text(_edit(site, 2))
    new = clean(site, tmp_path / "reference")
    calls = {"n": 0}
    for name in ("replace", "rename"):
        real = getattr(os, name)

        def counted(*args: object, _real: object = real) -> None:
            calls["n"] += 1
            if calls["n"] > stop_after:
                raise Killed
            _real(*args)  # type: ignore[operator]

        monkeypatch.setattr(write.os, name, counted)
    try:
        Builder(site, out).build(START, clean=full)
    except Killed:
        pass  # else the build had fewer steps than `stop_after`: it simply finished
    monkeypatch.undo()
    assert snapshot(out) in (old, new) or committed(out)
    builder = Builder(site, out)
    builder.build(START)
    assert snapshot(out) == new
    assert leftovers(out) == []
    # And back: the revert of the edit is seen, although the page has the old size.
    (site / ARTICLE).write_text((sample / ARTICLE).read_text())
    Builder(site, out).build(START)
    assert snapshot(out) == clean(site, tmp_path / "reference")


def test_a_failed_build_changes_nothing(sample: Path, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(sample, site)
    out = tmp_path / "out"
    Builder(site, out).build(START)
    old = snapshot(out)
    (site / ARTICLE).write_text("---\ntitle: [unclosed\n---\n")
    from sitegen.errors import BuildFailed
    with pytest.raises(BuildFailed):
        Builder(site, out).build(START)
    assert snapshot(out) == old
    assert leftovers(out) == []


def test_stamps_are_kept_across_the_commit(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    transaction = write.Transaction(out)
    stamp = transaction.write("a/index.html", b"new")
    transaction.commit(None, lambda delta: None)
    assert write.stat_stamp(out / "a/index.html") == stamp
    assert leftovers(out) == []
