"""Search without a server: a Pagefind index of the published articles, per language.

After the pages are rendered, Pagefind reads the article pages and writes /pagefind/:
for each language of the pages (their `<html lang>`: "da", "nb") a stemmed word index in
chunks, one compressed fragment per page, and the JavaScript and WebAssembly that search
them in the reader's browser, fetching only the chunks a query needs. The article
template says what is indexed (data-pagefind-body, -ignore, -meta, -filter); this module
only chooses the pages and runs the indexer.

Only published articles are indexed. Article pages of drafts and articles under embargo
exist only in previews, and are never handed to Pagefind: Pagefind is given a folder of
links to exactly the chosen pages, not the output folder, so nothing else can slip in.

The index is written beside /pagefind/ and swapped in whole. A stamp of the indexed
pages (path, size, inode, modification time) kept in the index makes a rebuild skip
Pagefind when no indexed page changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import search_canonical
from sitegen.errors import BuildFailed, error
from sitegen.model import Site
from sitegen.plan.pages import Page

INDEX_DIR = "pagefind"  # under the output folder: /pagefind/pagefind.js
STAMP = ".sitegen-stamp"  # inside INDEX_DIR: which pages the index was made from
ENTRY = "pagefind-entry.json"  # Pagefind's list of languages, written last
SCHEMA = "1"  # bump when what we index changes in a way the pages' stamps cannot show
HINT = ("install sitegen's dependencies, which include Pagefind's indexer: "
        "`.venv/bin/pip install -e .` (the `pagefind[bin]` package), or point "
        "PAGEFIND_BINARY_PATH at a pagefind binary")
# Pagefind's ready-made interfaces: the search page has its own, so they are not published.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js",
          "pagefind-component-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-highlight.js")
TIMEOUT = 3600  # seconds; the 5,000-articles-per-language benchmark takes well under a minute


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What one indexing did, for the build report and the benchmark."""

    pages: int  # article pages indexed
    bytes: int  # size of /pagefind/ on disk, all files
    files: int  # files in /pagefind/
    seconds: float  # wall time, Pagefind and the swap
    languages: dict[str, int] = field(default_factory=dict)  # html lang -> pages indexed
    unstemmed: tuple[str, ...] = ()  # languages Pagefind has no stemmer for
    skipped: bool = False  # nothing indexed had changed: the index was kept


def searchable(site: Site, pages: Iterable[Page]) -> list[Page]:
    """The pages the index may hold: article pages of published articles.

    A preview renders drafts and embargoed articles too; they are left out here, so a
    preview's search finds exactly what the published site's would."""
    return [page for page in pages if page.kind == "article"
            and not site.articles[page.subject].draft
            and not site.articles[page.subject].embargoed]


def executable() -> Path:
    """The pagefind binary: PAGEFIND_BINARY_PATH, the pagefind-bin package, or PATH
    (the Python package's own lookup). Raises BuildFailed, with a hint, when missing."""
    found: Path | None = None
    try:
        from pagefind.service import get_executable

        found = get_executable()
    except (ImportError, FileNotFoundError):  # pagefind-bin raises when its file is gone
        override = os.environ.get("PAGEFIND_BINARY_PATH")
        located = override or shutil.which("pagefind_extended") or shutil.which("pagefind")
        found = Path(located) if located else None
    if found is None or not found.is_file() or not os.access(found, os.X_OK):
        where = f" (looked for {found})" if found else ""
        raise BuildFailed([error(INDEX_DIR, None,
                                 f"cannot build the search index: Pagefind's indexer was "
                                 f"not found{where}", HINT, code="search")])
    return found


def stamp(folder: Path, outputs: Sequence[str]) -> str:
    """A digest of the pages to index, by content (so that equal builds write equal
    stamps), and of the indexer's version. A page's digest is remembered by its inode,
    size and modification time: a rebuild reads only the pages that were rewritten."""
    entries = [SCHEMA, _version_key()]
    for rel in sorted(outputs):
        entries.append(f"{rel}:{_page_digest(folder / rel)}")
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


# path -> ((inode, size, mtime), digest); kept while the process lives (serve).
_DIGESTS: dict[Path, tuple[tuple[int, int, int], str]] = {}


def _page_digest(path: Path) -> str:
    info = path.stat()
    key = (info.st_ino, info.st_size, info.st_mtime_ns)
    known = _DIGESTS.get(path)
    if known is not None and known[0] == key:
        return known[1]
    value = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    if len(_DIGESTS) > 200_000:  # a long serve session over many sites: start afresh
        _DIGESTS.clear()
    _DIGESTS[path] = (key, value)
    return value


def _version_key() -> str:
    try:
        from importlib.metadata import version

        return version("pagefind_bin")
    except Exception:  # an external binary: its path stands in for its version
        return os.environ.get("PAGEFIND_BINARY_PATH", "")


def index_site(folder: Path, outputs: Sequence[str], languages: Sequence[str],
               force: bool = False, niceness: int = 0) -> IndexStats:
    """Index the pages `outputs` (paths under `folder`) into `folder`/pagefind/.

    `languages`: the site's html languages, so that the stats name each, with 0 pages
    when it has none. The new index is made beside the old one and swapped in whole;
    with no page to index, /pagefind/ is removed (the search page then finds nothing).
    Unless `force`, Pagefind is not run when the stamp shows that nothing changed.
    Raises BuildFailed when Pagefind is missing or fails."""
    started = time.perf_counter()
    target = folder / INDEX_DIR
    current = stamp(folder, outputs)
    if not force and _read_stamp(target) == current:
        return _stats(target, len(outputs), languages, started, skipped=True)
    binary = executable() if outputs else None
    work = Path(tempfile.mkdtemp(prefix=f".{INDEX_DIR}.new-", dir=folder.parent))
    try:
        built = None
        if binary is not None:
            pages = work / "pages"
            _link_pages(folder, outputs, pages)
            built = work / INDEX_DIR
            _run_pagefind(binary, pages, built, work, niceness)
            for name in UNUSED:
                (built / name).unlink(missing_ok=True)
            search_canonical.canonicalize(built)
            (built / STAMP).write_text(current + "\n")
        _replace(target, built, work / "old")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _stats(target, len(outputs), languages, started)


def _link_pages(folder: Path, outputs: Sequence[str], pages: Path) -> None:
    """Hard links (copies across file systems) of the chosen pages, at their paths:
    Pagefind derives each result's URL from the path."""
    for rel in outputs:
        source, link = folder / rel, pages / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, link)
        except OSError:
            shutil.copyfile(source, link)


def _run_pagefind(binary: Path, pages: Path, output: Path, cwd: Path,
                  niceness: int = 0) -> None:
    # In an empty folder, without PAGEFIND_* settings: a pagefind.yml in the editor's
    # working directory or a variable in the environment must not change the index.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    command = [str(binary), "--site", str(pages), "--output-path", str(output), "--quiet"]
    try:
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                                timeout=TIMEOUT, check=False,
                                preexec_fn=(lambda: os.nice(niceness)) if niceness else None)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BuildFailed([error(INDEX_DIR, None,
                                 f"cannot build the search index: running {binary} failed: "
                                 f"{exc}", HINT, code="search")]) from exc
    if result.returncode != 0 or not (output / ENTRY).is_file():
        tail = "\n".join((result.stderr + result.stdout).strip().splitlines()[-5:])
        raise BuildFailed([error(INDEX_DIR, None,
                                 f"cannot build the search index: Pagefind exited with "
                                 f"status {result.returncode}: {tail}",
                                 "this is a bug in sitegen or Pagefind, not in the content; "
                                 "please report it with the message above", code="search")])


def _replace(target: Path, new: Path | None, old: Path) -> None:
    """Put `new` at `target` (or remove `target`) in two renames, moving the old index
    to `old` (outside the output, removed by the caller): a reader gets the old index or
    the new one, never a mixture of the two."""
    moved = target.exists()
    if moved:
        os.rename(target, old)
    try:
        if new is not None:
            os.chmod(new, 0o755)
            os.rename(new, target)
    except OSError:
        if moved:
            os.rename(old, target)
        raise


def _read_stamp(target: Path) -> str | None:
    try:
        return (target / STAMP).read_text().strip()
    except OSError:
        return None


def _stats(target: Path, pages: int, languages: Sequence[str], started: float,
           skipped: bool = False) -> IndexStats:
    files = [p for p in target.rglob("*") if p.is_file()] if target.is_dir() else []
    counts = {lang: 0 for lang in languages}
    unstemmed = []
    try:
        entry = json.loads((target / ENTRY).read_text())
        for lang, info in entry.get("languages", {}).items():
            counts[lang] = int(info.get("page_count", 0))
            if not info.get("wasm"):
                unstemmed.append(lang)
    except (OSError, ValueError):
        pass
    return IndexStats(pages=pages, bytes=sum(p.stat().st_size for p in files),
                      files=len(files), seconds=time.perf_counter() - started,
                      languages=counts, unstemmed=tuple(sorted(unstemmed)), skipped=skipped)


def index_published(folder: Path, site: Site, pages: Iterable[Page],
                    niceness: int = 0) -> IndexStats:
    """The build's step: index the published article pages among `pages` (rendered into
    `folder`) into `folder`/pagefind/, unless the index there is already of them.
    `niceness`: run the indexer at a lower priority (a preview indexing in the background
    must not slow down the next rebuild)."""
    outputs = [page.output for page in searchable(site, pages)]
    languages = [language.html_lang for language in site.config.languages]
    return index_site(folder, outputs, languages, niceness=niceness)
