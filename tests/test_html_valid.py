"""Every HTML page of the sample site (and the theme's CSS) passes the W3C Nu Html Checker.

vnu runs once over all files: one JVM start. Needs `make browser-deps` (vnu-jar, java).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from browser import VNU_JAR, MissingTool, require_file, require_program

from sitegen.cli import main

REPO = Path(__file__).resolve().parent.parent


def where(message: dict[str, object], out: Path) -> str:
    """'da/index.html:12' for a vnu message about a file under `out`."""
    url = str(message.get("url", ""))
    path = url.removeprefix("file:")
    if path != url and Path(path).is_relative_to(out):
        url = Path(path).relative_to(out).as_posix()
    return f"{url}:{message.get('lastLine', '?')}"


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    try:
        return [require_program("java"), "-jar", str(require_file(VNU_JAR, "vnu.jar"))]
    except MissingTool as exc:
        pytest.fail(str(exc), pytrace=False)


def test_sample_site_is_valid_html(vnu: list[str], tmp_path: Path):
    out = tmp_path / "build"
    assert main(["build", "--site", str(REPO), "--out", str(out)]) == 0
    pages = sorted(out.rglob("*.html"))
    styles = sorted((out / "theme").rglob("*.css"))
    assert len(pages) > 20 and styles
    result = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", "--also-check-css",
         *map(str, pages + styles)],
        capture_output=True, text=True, timeout=300, check=False)
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"vnu did not report (exit {result.returncode}):\n{result.stderr}"
                    f"{result.stdout}", pytrace=False)
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    report = "\n".join(f"{where(m, out)}: {m.get('message')}" for m in errors)
    assert not errors, f"{len(errors)} vnu error(s):\n{report}"
