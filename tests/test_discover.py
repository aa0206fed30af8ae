"""Finding the site's files: by kind, inside the site folder only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.errors import Problem
from sitegen.load.discover import Discovered, discover

LANGS = ("da", "no")
MD = "---\ntitle: A\ndate: 2021-11-01\n---\nText\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site, with a Markdown file and an image nobody may publish."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(MD)
    (folder / "secret.jpg").write_bytes(b"\xff\xd8")
    return folder


def run(site: Path) -> tuple[Discovered, list[Problem]]:
    return discover(site, LANGS)


def rels(found: Discovered) -> list[str]:
    files = [f for group in found.articles.values() for f in group]
    files += [*found.people, *found.clusters, *found.media, *found.static]
    return sorted(f.rel for f in files)


def test_files_are_sorted_by_kind(make_site):
    site = make_site({"content/media/2021/a.jpg": b"\xff\xd8", "static/CNAME": "example.org",
                      "static/.well-known/security.txt": "Contact: x"})
    found, problems = run(site)
    assert problems == []
    assert [f.rel for f in found.articles["da"]] == ["content/da/2021/mission-possible.md"]
    assert [f.rel for f in found.articles["no"]] == ["content/no/2021/mission.md"]
    assert [f.rel for f in found.people] == ["content/people/kurt-bennetsen.md"]
    assert [f.rel for f in found.clusters] == ["content/clusters/green-hub-denmark.md"]
    assert [f.rel for f in found.media] == ["content/media/2021/a.jpg"]
    assert [f.rel for f in found.static] == ["static/.well-known/security.txt", "static/CNAME"]


def test_static_keeps_hidden_names_but_not_editor_droppings(make_site):
    site = make_site({"static/.nojekyll": "", "static/.DS_Store": "x", "static/a.txt~": "x",
                      "static/.git/config": "x", "static/.#lock": "x"})
    found, problems = run(site)
    assert problems == []
    assert [f.rel for f in found.static] == ["static/.nojekyll"]


@pytest.mark.parametrize("folder, close", [("dk", "da"), ("nb", "no"), ("peple", "people"),
                                           ("medier", "media")])
def test_an_unknown_folder_under_content_is_an_error_that_suggests_one(make_site, folder,
                                                                       close):
    site = make_site({f"content/{folder}/a.md": MD})
    found, problems = run(site)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.is_error
    assert problem.path == f"content/{folder}"
    assert problem.message == (f"'{folder}' is not a language of site.toml nor one of people, "
                               f"clusters, media (did you mean '{close}'?)")
    assert f"content/{folder}/a.md" not in rels(found)


def test_a_file_directly_in_content_is_an_error(make_site):
    _, problems = run(make_site({"content/a.md": MD}))
    assert [(p.path, p.message) for p in problems] == [
        ("content/a.md", "files do not belong directly in content/")]


def test_a_file_that_is_not_markdown_in_a_language_folder_is_a_warning(make_site):
    found, problems = run(make_site({"content/da/2021/photo.jpg": b"\xff\xd8",
                                     "content/da/2021/notes.txt": "x"}))
    assert sorted((p.path, p.is_error, p.message) for p in problems) == [
        ("content/da/2021/notes.txt", False, "not a .md file; ignored"),
        ("content/da/2021/photo.jpg", False, "not a .md file; ignored"),
    ]
    assert "content/da/2021/photo.jpg" not in rels(found)


def test_people_and_clusters_have_no_subfolders(make_site):
    _, problems = run(make_site({"content/people/old/a.md": "---\nname: A\n---\n"}))
    assert [(p.path, p.message) for p in problems] == [
        ("content/people/old/a.md", "subfolders are not used in content/people/")]


@pytest.mark.parametrize("name", [".DS_Store", "#a.md#", ".a.md.swp", "a.md~", "4913",
                                  ".hidden.md", "~lock.md"])
def test_editor_droppings_are_ignored_silently(make_site, name):
    found, problems = run(make_site({f"content/da/{name}": "x"}))
    assert problems == []
    assert f"content/da/{name}" not in rels(found)


def test_a_file_symlink_leading_out_of_the_site_is_skipped_with_a_warning(make_site, outside):
    site = make_site()
    (site / "content/da/secret.md").symlink_to(outside / "secret.md")
    found, problems = run(site)
    assert "content/da/secret.md" not in rels(found)
    assert [(p.path, p.is_error, p.message) for p in problems] == [
        ("content/da/secret.md", False, "symbolic link leads outside the site folder; skipped")]


def test_a_folder_symlink_leading_out_of_the_site_is_skipped(make_site, outside):
    site = make_site()
    (site / "content/da/2020").symlink_to(outside, target_is_directory=True)
    (site / "content/media").mkdir()
    (site / "content/media/old").symlink_to(outside, target_is_directory=True)
    found, problems = run(site)
    assert not [rel for rel in rels(found) if "secret" in rel]
    assert sorted(p.path for p in problems) == ["content/da/2020", "content/media/old"]
    assert all(not p.is_error for p in problems)


@pytest.mark.parametrize("folder", ["content/da", "content/media", "content/people", "static"])
def test_a_whole_folder_of_the_site_that_leads_outside_is_not_read(make_site, outside, folder):
    site = make_site({"content/da/2021/mission-possible.md": None,
                      "content/people/kurt-bennetsen.md": None})
    target = site / folder
    if target.exists():
        for child in sorted(target.rglob("*"), reverse=True):
            child.rmdir() if child.is_dir() else child.unlink()
        target.rmdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(outside, target_is_directory=True)
    found, problems = run(site)
    assert not [rel for rel in rels(found) if "secret" in rel]
    assert [(p.path, p.message) for p in problems if "symbolic" in p.message] == [
        (folder, "symbolic link leads outside the site folder; skipped")]


def test_a_content_folder_that_leads_outside_is_not_read(tmp_path, outside):
    site = tmp_path / "site"
    site.mkdir()
    (outside / "da").mkdir()
    (outside / "da" / "a.md").write_text(MD)
    (site / "content").symlink_to(outside, target_is_directory=True)
    found, problems = run(site)
    assert rels(found) == []
    assert [p.path for p in problems] == ["content"]


def test_a_symlink_inside_the_site_is_followed(make_site):
    site = make_site({"shared/2021/extra.md": MD, "shared/photo.jpg": b"\xff\xd8"})
    (site / "content/da/shared").symlink_to(site / "shared/2021", target_is_directory=True)
    (site / "content/media").mkdir()
    (site / "content/media/photo.jpg").symlink_to(site / "shared/photo.jpg")
    found, problems = run(site)
    assert problems == []
    assert "content/da/shared/extra.md" in rels(found)
    assert "content/media/photo.jpg" in rels(found)


def test_a_symlink_loop_inside_the_site_ends(make_site):
    site = make_site()
    (site / "content/da/2021/loop").symlink_to(site / "content/da", target_is_directory=True)
    found, problems = run(site)
    assert [f.rel for f in found.articles["da"]].count("content/da/2021/mission-possible.md") == 1
    assert len(found.articles["da"]) <= 2
    assert all(not p.is_error for p in problems)


def test_a_broken_symlink_is_ignored(make_site):
    site = make_site()
    (site / "content/da/gone.md").symlink_to(site / "content/da/nothing.md")
    found, problems = run(site)
    assert "content/da/gone.md" not in rels(found)
    assert all(not p.is_error for p in problems)


def test_a_site_without_content_is_an_error(tmp_path):
    (tmp_path / "site").mkdir()
    found, problems = run(tmp_path / "site")
    assert rels(found) == []
    assert [(p.path, p.message) for p in problems] == [
        ("content", "the site has no content/ folder")]


def test_a_language_without_a_folder_has_no_articles(make_site):
    found, problems = run(make_site({"content/no/2021/mission.md": None}))
    assert problems == []
    assert found.articles["no"] == ()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_an_error_not_a_crash(make_site, check_site):
    site = make_site()
    path = site / "content/da/2021/mission-possible.md"
    path.chmod(0)
    try:
        code, output = check_site(site)
    finally:
        path.chmod(0o644)
    assert code == 1
    assert "content/da/2021/mission-possible.md: cannot read the file" in output
