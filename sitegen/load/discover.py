"""Find the site's source files and sort them by kind, without reading them.

Symbolic links that lead outside the site folder are skipped with a warning, never
followed: nothing outside the site is ever read or published.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import Problem, error, suggestion, warning

SPECIAL_FOLDERS = ("people", "clusters", "media")


@dataclass(frozen=True, slots=True)
class SourceFile:
    rel: str  # posix path relative to the site root
    path: Path  # absolute path


@dataclass(frozen=True, slots=True)
class Discovered:
    articles: dict[str, tuple[SourceFile, ...]] = field(default_factory=dict)  # by language
    people: tuple[SourceFile, ...] = ()
    clusters: tuple[SourceFile, ...] = ()
    media: tuple[SourceFile, ...] = ()
    static: tuple[SourceFile, ...] = ()


DROPPINGS = (".DS_Store", "Thumbs.db", "desktop.ini", "4913")


def is_ignored_name(name: str, keep_hidden: bool = False) -> bool:
    """Editor droppings (swap files, backups, .DS_Store, .git) and hidden files.

    static/ keeps hidden names (`keep_hidden`): .well-known/ and .nojekyll are published
    as they are.
    """
    if name in DROPPINGS or name.startswith(("#", "~", ".#", ".git")) \
            or name.endswith(("~", ".swp", ".swx", ".tmp")):
        return True
    return name.startswith(".") and not keep_hidden


def walk(root: Path, site_root: Path, problems: list[Problem],
         keep_hidden: bool = False) -> list[SourceFile]:
    """Every regular file under root, sorted, inside the site folder only.

    The root itself may be a symbolic link (content/da -> elsewhere): it is checked like
    any link below it. A folder reached twice through links inside the site (a loop) is
    walked once.
    """
    real_site = site_root.resolve()
    if root.is_symlink() and not _inside(root, real_site):
        problems.append(outside_warning(root, site_root))
        return []
    if not root.is_dir():
        return []
    found: list[SourceFile] = []
    seen = {root.resolve()}
    pending = [root]
    while pending:
        folder = pending.pop()
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            here = Path(dirpath)
            kept_dirs = []
            for name in sorted(dirnames):
                candidate = here / name
                if is_ignored_name(name, keep_hidden):
                    continue
                if candidate.is_symlink():
                    if not _inside(candidate, real_site):
                        problems.append(outside_warning(candidate, site_root))
                    elif candidate.resolve() not in seen:
                        seen.add(candidate.resolve())
                        pending.append(candidate)
                    continue
                kept_dirs.append(name)
            dirnames[:] = kept_dirs
            wanted = {name for name in filenames if not is_ignored_name(name, keep_hidden)}
            prefix = here.relative_to(site_root).as_posix()
            # scandir's entries know their type from the directory listing: no stat per
            # file (a large archive has tens of thousands).
            with os.scandir(dirpath) as entries:
                for entry in entries:
                    if entry.name not in wanted:
                        continue
                    if entry.is_symlink():
                        candidate = here / entry.name
                        if not _inside(candidate, real_site):
                            problems.append(outside_warning(candidate, site_root))
                            continue
                        if not candidate.is_file():
                            continue
                    elif not entry.is_file(follow_symlinks=False):
                        continue
                    rel = entry.name if prefix == "." else f"{prefix}/{entry.name}"
                    found.append(SourceFile(rel, Path(entry.path)))
    return sorted(found, key=lambda f: f.rel)


def _inside(path: Path, real_site: Path) -> bool:
    try:
        path.resolve().relative_to(real_site)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def outside_warning(path: Path, site_root: Path) -> Problem:
    """A symbolic link that leads outside the site: skipped, never followed (content/,
    and a theme's static/)."""
    try:
        rel = path.relative_to(site_root).as_posix()
    except ValueError:
        rel = str(path)
    return warning(rel, None, "symbolic link leads outside the site folder; skipped",
                   "copy the file into the site instead of linking to it", code="symlink")


def discover(site_root: Path, languages: tuple[str, ...]) -> tuple[Discovered, list[Problem]]:
    problems: list[Problem] = []
    content = site_root / "content"
    if content.is_symlink() and not _inside(content, site_root.resolve()):
        return Discovered(), [outside_warning(content, site_root)]
    if not content.is_dir():
        problems.append(error("content", None, "the site has no content/ folder",
                              "create content/da/ (one folder per language) for articles"))
        return Discovered(), problems
    articles: dict[str, tuple[SourceFile, ...]] = {}
    for entry in sorted(content.iterdir()):
        name = entry.name
        rel = f"content/{name}"
        if is_ignored_name(name):
            continue
        if entry.is_symlink() and not _inside(entry, site_root.resolve()):
            problems.append(outside_warning(entry, site_root))
            continue
        if not entry.is_dir():
            problems.append(error(rel, None, "files do not belong directly in content/",
                                  f"move it into a language folder: content/{languages[0]}/"))
            continue
        if name not in languages and name not in SPECIAL_FOLDERS:
            known = (*languages, *SPECIAL_FOLDERS)
            problems.append(error(
                rel, None, f"'{name}' is not a language of site.toml nor one of "
                f"{', '.join(SPECIAL_FOLDERS)}{suggestion(name, known)}",
                f"content/ holds {', '.join(known)}; add [languages.{name}] to site.toml "
                "if it is a new language"))
    for code in languages:
        files = walk(content / code, site_root, problems)
        articles[code] = tuple(_markdown_only(files, problems))
    people = tuple(_markdown_only(walk(content / "people", site_root, problems), problems,
                                  flat="content/people"))
    clusters = tuple(_markdown_only(walk(content / "clusters", site_root, problems), problems,
                                    flat="content/clusters"))
    media = tuple(walk(content / "media", site_root, problems))
    static = tuple(walk(site_root / "static", site_root, problems, keep_hidden=True))
    unique = list(dict.fromkeys(problems))  # a linked content/da is seen twice
    return Discovered(articles, people, clusters, media, static), unique


def _markdown_only(files: list[SourceFile], problems: list[Problem],
                   flat: str | None = None) -> list[SourceFile]:
    kept = []
    for file in files:
        if not file.rel.endswith(".md"):
            problems.append(warning(file.rel, None, "not a .md file; ignored",
                                    "images and attachments belong in content/media/",
                                    code="stray-file"))
        elif flat and file.rel.count("/") != flat.count("/") + 1:
            problems.append(error(file.rel, None, f"subfolders are not used in {flat}/",
                                  f"move the file directly into {flat}/"))
        else:
            kept.append(file)
    return kept
