"""The repository's own sample site (site.toml + content/ at the repo root)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXED_NOW, LANGUAGE_KINDS, NEUTRAL_KINDS, NOW, REPO, copy_sample

from sitegen.config import load_config
from sitegen.load.content import load_content
from sitegen.plan import plan_pages
from sitegen.resolve import BuildOptions, resolve_site

pytestmark = pytest.mark.skipif(not (REPO / "site.toml").is_file(),
                                reason="no sample site in this checkout")

@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample site: builds and checks keep their caches out of the repo."""
    return copy_sample(tmp_path_factory.mktemp("sample") / "site")


def test_the_sample_site_builds_without_warnings(run_cli, sample, tmp_path):
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", "--site", sample, "--out", out, "--now", NOW)
    assert code == 0, stderr
    assert stderr == "", stderr
    assert re.search(r"^Built in \d+ ms, 0 warnings$", stdout, re.MULTILINE)
    assert (out / "index.html").is_file()


def test_the_sample_site_checks_clean_even_when_strict(run_cli, sample):
    code, stdout, stderr = run_cli("check", "--site", sample, "--now", NOW, "--strict")
    assert code == 0, stderr
    assert "0 error(s), 0 warning(s)" in stdout


def test_the_sample_site_has_every_page_kind_in_both_languages(sample):
    config, _ = load_config(sample)
    assert config is not None
    assert config.language_codes == ("da", "no")
    loaded, _ = load_content(sample, config)
    site, problems = resolve_site(loaded, config, BuildOptions(now=FIXED_NOW))
    assert site is not None, [p.format() for p in problems]
    pages, problems = plan_pages(site)
    assert problems == []
    danish, norwegian = ({p.kind.name for p in pages if p.lang == lang} for lang in ("da", "no"))
    assert danish == norwegian
    assert LANGUAGE_KINDS <= danish
    assert NEUTRAL_KINDS <= {p.kind.name for p in pages if p.lang is None}
    translated = [a for a in site.articles.values() if a.translations]
    assert {a.lang for a in translated} == {"da", "no"}
    assert any(a.image for a in site.articles.values())


def first_reference(site: Path, person: str) -> tuple[str, int]:
    """The first article line in front matter that refers to `person`: (path, line)."""
    for path in sorted((site / "content").glob("*/**/*.md")):
        if path.parts[len(site.parts) + 1] in ("people", "clusters", "media"):
            continue
        lines = path.read_text("utf-8").split("\n")
        end = lines.index("---", 1) if lines[0] == "---" and "---" in lines[1:] else 0
        for number, line in enumerate(lines[1:end], start=2):
            if re.search(rf"(?<![\w-]){re.escape(person)}(?![\w-])", line):
                return path.relative_to(site).as_posix(), number
    raise AssertionError(f"no article of the sample site refers to {person}")


def test_done_when_a_misspelt_person_id_is_named_with_its_line(tmp_path, run_cli):
    site = copy_sample(tmp_path / "site")
    rel, line = first_reference(site, "kurt-bennetsen")
    path = site / rel
    lines = path.read_text("utf-8").split("\n")
    lines[line - 1] = lines[line - 1].replace("kurt-bennetsen", "kurt-benetsen", 1)
    path.write_text("\n".join(lines), "utf-8")

    code, stdout, stderr = run_cli("check", "--site", site, "--now", NOW)

    assert code == 1
    assert (f"{rel}:{line}: unknown person 'kurt-benetsen' (did you mean 'kurt-bennetsen'?)"
            in stderr.splitlines())
    assert "Traceback" not in stdout + stderr
