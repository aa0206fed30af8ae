"""Search without a server: Pagefind bundles of the published articles, one per bucket,
and of the people and organisations, one more bucket per language.

Pagefind reads article pages and writes a bundle: a stemmed word index in chunks, one
compressed fragment per page, and the JavaScript and WebAssembly that search them in
the reader's browser. It has no incremental update, and indexing costs about 1.8 ms a
page, so one bundle for the whole archive made every edit re-index everything (17 s at
5,000 articles per language). The index is therefore split into buckets, one per
language and year of the article's date (`/pagefind/da-2021/`): an edit re-indexes only
its bucket. The search page loads its language's newest bucket and merges the others
with Pagefind's multisite `mergeIndex`, which fetches only each bucket's entry,
metadata and the chunks a query needs (the JavaScript, worker and WebAssembly come once,
from the first bucket). docs/search.md has the design and the figures.

Of the articles only the published ones are indexed (`searchable`): drafts and
articles under embargo exist only in previews, and Pagefind is given a folder of links
to exactly the chosen pages, never the output folder, so nothing else can slip in.
Besides them, every person's and organisation's page, in each language, goes into that
language's directory bucket (`/pagefind/da-directory/`): few pages, none ever a draft.
The templates say what of a page is indexed (data-pagefind-body, -ignore, -meta,
-filter; a person's and an organisation's page also say their `type`, for the search
page's filter by type).

Each bucket keeps a stamp of what it was made from (`.sitegen-stamp`: the schema,
Pagefind's version and the pages' digests); a bucket whose stamp is unchanged is kept
as it is. `prepare_index` builds the changed buckets beside the output and says what to
put where; the build engine makes that current together with the pages.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sitegen import search_canonical
from sitegen.kinds.article import ARTICLE
from sitegen.kinds.clusters import CLUSTER
from sitegen.kinds.people import PERSON
from sitegen.model import Article, Site
from sitegen.plan.pages import Page
from sitegen.search_pagefind import Indexer, executable, version_key
from sitegen.write import work_folder

INDEX_DIR = "pagefind"  # under the output folder: /pagefind/da-2021/pagefind.js
STAMP = ".sitegen-stamp"  # inside a bucket: which pages it was made from
ENTRY = "pagefind-entry.json"  # a bundle's list of languages
FILTERS = "{lang}-filters.json"  # beside the buckets: a language's filter values
SCHEMA = "3"  # bump when what we index changes in a way the pages' digests cannot show
RECORD = ".sitegen-pages.json"  # inside a bundle: output -> [digest, Pagefind's page id]
OVERLAY = "{lang}-overlay"  # beside the buckets: the pages changed since their bucket
DIRECTORY = "{lang}-directory"  # a language's bucket of people and organisations
OVERLAY_KEY = "sitegen:overlay"  # in the filter file; no Pagefind filter name has a colon
PENDING_LIMIT = 200  # pages of a language an overlay may hold before buckets are rebuilt
# Pagefind's ready-made interfaces: the search page has its own, so they are not published.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js",
          "pagefind-component-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-highlight.js")

__all__ = ["DIRECTORY", "INDEX_DIR", "IndexChange", "IndexStats", "apply_change",
           "bucket_of", "bucket_names",
           "executable", "index_published", "is_bucket", "prepare_index", "search_bundles",
           "search_context", "searchable"]


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What one indexing did, for the build report and the benchmark."""

    pages: int  # pages the index holds, all buckets: articles, people, organisations
    bytes: int  # size of the buckets built in this run, all files
    files: int  # files in the buckets built in this run
    seconds: float  # wall time: linking, Pagefind, tidying (not the engine's renames)
    languages: dict[str, int] = field(default_factory=dict)  # html lang -> pages indexed
    unstemmed: tuple[str, ...] = ()  # html languages Pagefind has no stemmer for
    skipped: bool = False  # no bucket had changed: Pagefind was not run
    buckets: tuple[str, ...] = ()  # every bucket of the index, e.g. "da-2021", "da-directory"
    rebuilt: tuple[str, ...] = ()  # the buckets built in this run
    indexing: float = 0.0  # of `seconds`, the time spent in Pagefind
    overlays: tuple[str, ...] = ()  # the overlays the index has now, e.g. "da-overlay"
    pending: int = 0  # pages whose bucket does not hold them as they are (all languages)


@dataclass(frozen=True, slots=True)
class IndexChange:
    """What to do to the output to make its index current; nothing is done yet.

    Paths are relative to the output folder. Put each `replace` value (a folder inside
    the engine's `work`) at its key, replacing what is there, and delete every `remove`
    path; do both in the transaction that publishes the pages, so that a page and the
    bucket it is indexed in change together."""

    replace: dict[str, Path]  # "pagefind/da-2021" -> a newly built bucket inside `work`
    remove: tuple[str, ...]  # "pagefind/da-2019" (a bucket without pages), or old files
    stats: IndexStats


def searchable(site: Site, pages: Iterable[Page]) -> list[Page]:
    """The pages the index may hold: article pages of published articles, and the pages
    of people and organisations (every one has a page in each language).

    A preview renders drafts and embargoed articles too; they are left out here, so a
    preview's search finds exactly what the published site's would. (A person's page in
    a preview may list a draft in its news, which its template does not index.)"""
    return [page for page in pages
            if (page.kind is ARTICLE and _published(site.articles[page.subject]))
            or page.kind is PERSON or page.kind is CLUSTER]


def _published(article: Article) -> bool:
    return not article.draft and not article.embargoed


def _bucket(article: Article) -> str:
    # The year in the site's time zone, as the article's date line shows it.
    return f"{article.lang}-{article.date.year:04d}"


def bucket_of(site: Site, page: Page) -> str:
    """The bucket a page is indexed in: an article's language and year, "da-2021"; a
    person's or an organisation's page, its language's directory, "da-directory".

    Years, because edits cluster in the newest articles while the archive rests, and
    because a bucket never moves: an article keeps its bucket until its date changes.
    People and organisations apart, because they have no date, are few (a few hundred
    pages a language, a small bundle to rebuild) and are edited on their own."""
    if page.kind is ARTICLE:
        return _bucket(site.articles[page.subject])
    return DIRECTORY.format(lang=page.lang or "")


def is_bucket(name: str, lang: str) -> bool:
    """Whether `name` (a folder under /pagefind/) is one of `lang`'s buckets: a year
    ("da-2021") or the directory ("da-directory"), not the overlay, a filter file or
    another language's bucket."""
    rest = name[len(lang) + 1:] if name.startswith(f"{lang}-") else ""
    return (len(rest) == 4 and rest.isascii() and rest.isdigit()) \
        or name == DIRECTORY.format(lang=lang)


def bucket_names(site: Site, lang: str) -> list[str]:
    """A language's buckets in the order its search page loads them: the years, newest
    first, then the directory. The same buckets `prepare_index` makes from the planned
    pages: the years of the published articles, and the directory when the site has a
    person or an organisation (each has a page in every language)."""
    years = sorted({_bucket(a) for a in site.newest(lang) if _published(a)}, reverse=True)
    return [*years, *([DIRECTORY.format(lang=lang)] if site.people or site.clusters else [])]


def search_bundles(site: Site, lang: str) -> list[str]:
    """The bundle URLs a language's search page loads, the newest year first and the
    directory last: Pagefind takes its JavaScript and WebAssembly from the first and
    only the index from the rest. Empty when the language has no published article,
    person or organisation (the page finds nothing)."""
    return [f"/{INDEX_DIR}/{name}/" for name in bucket_names(site, lang)]


def search_filters(site: Site, lang: str) -> str | None:
    """The URL of the language's filter values (cluster, person and type), which the
    search page lists in its filter menus: one small file instead of every bucket's
    filter chunks. None when the language has no bucket."""
    return f"/{INDEX_DIR}/{FILTERS.format(lang=lang)}" if search_bundles(site, lang) else None


def search_context(site: Site, page: Page) -> dict[str, Any]:
    """What the search page's template receives besides the common context."""
    lang = page.lang or ""
    return {"search_bundles": search_bundles(site, lang),
            "search_filters": search_filters(site, lang)}


def bucket_stamp(pages: Iterable[tuple[str, str]]) -> str:
    """A bucket's stamp: the schema, Pagefind's version and its pages' (output, digest)
    pairs, sorted, so that equal pages give equal stamps whatever order they came in."""
    lines = [SCHEMA, version_key(), *(f"{rel}:{digest}" for rel, digest in sorted(pages))]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _read_stamp(bucket: Path) -> str | None:
    try:
        return (bucket / STAMP).read_text().strip()
    except OSError:
        return None


def buckets(site: Site, pages: Iterable[Page]) -> dict[str, str]:
    """Output path -> bucket, for every page the index may hold. The engine keeps this
    with its snapshot of the model: an edit that changes no article's date, language or
    status, and adds or removes no person or organisation, leaves it as it is, so it need
    not look at every article again."""
    return {page.output: bucket_of(site, page) for page in searchable(site, pages)}


def prepare_index(site: Site, pages: Sequence[Page], digests: Mapping[str, str],
                  current: Path, locate: Callable[[str], Path], work: Path,
                  niceness: int = 0, known: Mapping[str, str] | None = None) -> IndexChange:
    """Build, inside `work`, the buckets whose pages changed, and say what to change.

    `pages`: the site's planned pages (the searchable ones are picked here).
    `digests`: output path -> digest of everything the page was made from; equal digest,
    equal bytes, so no page is read to decide. `current`: the output folder as it is.
    `locate(output)`: where a page's bytes are now (a staging folder or the output);
    Pagefind reads hard links to them. `work`: a scratch folder on the output's file
    system; what is left in it besides the new buckets is removed before returning.
    `niceness`: run Pagefind at a lower priority (a preview indexing in the background).
    `known`: what `buckets` gave for these pages, if the caller has it.

    A bucket of `current` whose pages changed is not rebuilt while its language has at
    most PENDING_LIMIT such pages ("pending": changed, added or removed since the bucket
    was built): the language's overlay bundle is built from them instead, and the filter
    file lists the results of the buckets that are stale (docs/search.md). A new bucket
    is always built, so a clean build (an empty `current`) has no overlay.
    One Pagefind process builds all changed buckets. Raises BuildFailed when Pagefind is
    missing or fails, KeyError when a searchable page has no digest."""
    started = time.perf_counter()
    known = buckets(site, pages) if known is None else known
    chosen = [page for page in pages if page.output in known]
    members: dict[str, list[Page]] = defaultdict(list)
    for page in chosen:
        members[known[page.output]].append(page)
    stamps = {name: bucket_stamp((p.output, digests[p.output]) for p in group)
              for name, group in members.items()}
    index = current / INDEX_DIR
    languages: dict[str, list[str]] = defaultdict(list)
    for name, group in sorted(members.items()):
        languages[group[0].lang or ""].append(name)
    changed = {name for name, value in stamps.items() if _read_stamp(index / name) != value}
    records = {name: _read_record(index / name) for name in sorted(changed)}
    rebuild: set[str] = set()
    overlays: dict[str, _Overlay] = {}
    for lang, names in languages.items():
        must, overlay = _overlay(lang, [n for n in names if n in changed], members,
                                 digests, records)
        rebuild.update(must)
        if overlay is not None:
            overlays[lang] = overlay
    built, indexing = _build_recorded(rebuild, overlays, members, stamps, digests, index,
                                      locate, work, niceness)
    # An overlay that would hide a result it must not (two pages with one Pagefind id):
    # its buckets are rebuilt after all.
    fallback: set[str] = set()
    for lang, overlay in sorted(overlays.items()):
        if not overlay.settle(languages[lang], built, index):
            fallback.update(overlay.pending)
            del overlays[lang]
    if fallback:
        more, seconds = _build_recorded(fallback, {}, members, stamps, digests, index,
                                        locate, work, niceness)
        built.update(more)
        indexing += seconds
    replace = {f"{INDEX_DIR}/{name}": path for name, path in built.items()}
    active = {overlay.name for overlay in overlays.values() if overlay.pages}
    for name in [n for n in built if n.endswith("-overlay") and n not in active]:
        shutil.rmtree(built.pop(name), ignore_errors=True)  # a fallback made it unused
        del replace[f"{INDEX_DIR}/{name}"]
    gone = set(_stale(index, set(members) | active))
    kept_files: set[str] = set()
    for lang, names in languages.items():
        rel = f"{INDEX_DIR}/{FILTERS.format(lang=lang)}"
        overlay = overlays.get(lang)
        bundles = [*names, *([overlay.name] if overlay and overlay.pages else [])]
        touched = overlay is not None or any(name in built for name in bundles) or any(
            path.startswith(f"{INDEX_DIR}/{lang}-") and not path.endswith(".json")
            for path in gone) or _has_overlay_key(current / rel)
        if not touched and (current / rel).is_file():
            kept_files.add(rel)
            continue
        made = (_overlay_filter_file(overlay, work / rel, current / rel) if overlay
                else _filter_file(bundles, built, index, work / rel, current / rel))
        if made is not False:
            kept_files.add(rel)
            if made is not True:
                replace[rel] = made
    remove = tuple(sorted(path for path in gone if path not in kept_files))
    pending = sum(len(outputs) for overlay in overlays.values()
                  for outputs in overlay.pending.values())
    return IndexChange(replace=replace, remove=remove,
                       stats=_stats(site, chosen, tuple(sorted(members)), built, index,
                                    started, indexing, tuple(sorted(active)), pending))


class _Entry(NamedTuple):
    """A page as a bundle's record has it."""

    digest: str
    id: str | None  # Pagefind's id of the page (its fragment's name); None if not found
    filters: dict[str, list[str]]  # its filter values, as its fragment has them


_Record = dict[str, _Entry]  # output -> entry


def _read_record(bundle: Path) -> _Record | None:
    """What a bundle was made from, or None without a record that its stamp confirms."""
    try:
        data = json.loads((bundle / RECORD).read_text(encoding="utf-8"))
        record = {str(rel): _Entry(str(digest), page_id if isinstance(page_id, str) else None,
                                   {str(k): [str(v) for v in vs] for k, vs in filters.items()})
                  for rel, (digest, page_id, filters) in data.items()}
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    if bucket_stamp((rel, entry.digest) for rel, entry in record.items()) != _read_stamp(bundle):
        return None
    return record


def _pagefind_url(output: str) -> str:
    """The URL Pagefind gives a page indexed from `output`: /da/nyheder/x/ for
    da/nyheder/x/index.html."""
    url = "/" + output
    return url[:-len("index.html")] if url.endswith("/index.html") else url


def _write_record(bundle: Path, pages: Iterable[Page], digests: Mapping[str, str]) -> None:
    """Write the bundle's record: each page's digest, its id in the bundle (the name of
    its fragment, which is what a search result's `id` is) and its filter values."""
    found: dict[str, tuple[str, dict[str, list[str]]]] = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        try:
            raw = gzip.decompress(path.read_bytes())
            if not raw.startswith(search_canonical.MAGIC):
                continue
            fragment = json.loads(raw[len(search_canonical.MAGIC):])
            url, filters = fragment["url"], fragment.get("filters") or {}
            values = {str(k): sorted({str(v) for v in vs}) for k, vs in filters.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError):
            continue
        if isinstance(url, str):
            found[url] = (path.name[:-len(".pf_fragment")], dict(sorted(values.items())))
    record = {}
    for page in pages:
        page_id, filters = found.get(_pagefind_url(page.output), (None, {}))
        record[page.output] = [digests[page.output], page_id, filters]
    (bundle / RECORD).write_text(json.dumps(dict(sorted(record.items())),
                                            separators=(",", ":")) + "\n")


@dataclass
class _Overlay:
    """A language's overlay: the pending pages of its buckets, indexed on their own, and
    the ids of the bucket results they make stale."""

    name: str  # "da-overlay"
    pending: dict[str, set[str]]  # bucket -> outputs changed, added or removed since
    records: dict[str, _Record]  # bucket -> its record
    pages: list[Page]  # the pending pages that exist: what the overlay bundle indexes
    stamp: str
    stale: list[str] = field(default_factory=list)  # bucket ids no search may show
    doubled: list[str] = field(default_factory=list)  # ids the overlay repeats unchanged
    values: dict[str, list[str]] = field(default_factory=dict)  # the filter menus' values

    def descriptor(self) -> dict[str, Any]:
        found: dict[str, Any] = {"stale": self.stale}
        if self.doubled:
            found["doubled"] = self.doubled
        if self.pages:
            found = {"bundle": f"/{INDEX_DIR}/{self.name}/", **found}
        return found

    def settle(self, names: Sequence[str], built: Mapping[str, Path], index: Path) -> bool:
        """Work out `stale`, `doubled` and the filter `values` from the records; False
        when an id would hide another page's result (Pagefind's ids are short hashes, so
        two pages can share one), or a pending page's id is unknown: then the buckets
        must be rebuilt."""
        mine = _read_record(built.get(self.name) or index / self.name) if self.pages else {}
        if mine is None or any(entry.id is None for entry in mine.values()):
            return False
        live: set[str] = set()
        values: dict[str, set[str]] = defaultdict(set)
        for entry in mine.values():
            for key, found in entry.filters.items():
                values[key].update(found)
        for name in names:
            record = self.records.get(name) or _read_record(built.get(name) or index / name)
            if record is None:
                return False
            skip = set() if name in built else self.pending.get(name, set())
            for rel, entry in record.items():
                if rel in skip:
                    continue
                if entry.id is not None:
                    live.add(entry.id)
                for key, found in entry.filters.items():
                    values[key].update(found)
        stale, doubled = set(), set()
        for name, outputs in self.pending.items():
            for rel in outputs:
                old = self.records[name].get(rel)
                if old is None:
                    continue  # added: no result of the bucket to hide
                if old.id is None:
                    return False
                new = mine.get(rel)
                (doubled if new is not None and new.id == old.id else stale).add(old.id)
        if stale & (live | {entry.id for entry in mine.values()}) or doubled & live:
            return False
        self.stale, self.doubled = sorted(stale), sorted(doubled)
        self.values = {key: sorted(found) for key, found in sorted(values.items())}
        return True


def _overlay(lang: str, changed: Sequence[str], members: Mapping[str, Sequence[Page]],
             digests: Mapping[str, str],
             records: Mapping[str, _Record | None]
             ) -> tuple[list[str], _Overlay | None]:
    """Of a language's buckets that `changed` (differ from their stamps), those to be
    rebuilt, and the overlay of the others' pending pages (None if there are none).
    Rebuilt: a bucket that is new or has no record, and every one when the pending pages
    number more than PENDING_LIMIT."""
    must: list[str] = []
    pending: dict[str, set[str]] = {}
    for name in changed:
        record = records.get(name)
        if record is None:
            must.append(name)
            continue
        now = {page.output: digests[page.output] for page in members[name]}
        outputs = {rel for rel, digest in now.items()
                   if rel not in record or record[rel][0] != digest}
        outputs |= record.keys() - now.keys()
        if not outputs or any(record[rel][1] is None for rel in outputs if rel in record):
            must.append(name)  # a stamp that differs for no page; an id not found
            continue
        pending[name] = outputs
    if not pending or sum(len(outputs) for outputs in pending.values()) > PENDING_LIMIT:
        return [*must, *pending], None
    pages = sorted((page for name, outputs in pending.items() for page in members[name]
                    if page.output in outputs), key=lambda page: page.output)
    stamp = bucket_stamp((page.output, digests[page.output]) for page in pages)
    return must, _Overlay(OVERLAY.format(lang=lang), pending,
                          {name: records[name] or {} for name in pending}, pages, stamp)


def _build_recorded(names: Iterable[str], overlays: Mapping[str, _Overlay],
                    members: Mapping[str, Sequence[Page]], stamps: Mapping[str, str],
                    digests: Mapping[str, str], index: Path, locate: Callable[[str], Path],
                    work: Path, niceness: int) -> tuple[dict[str, Path], float]:
    """`_build` of these buckets and of the overlays whose stamp changed, each with its
    record."""
    groups = {name: members[name] for name in names}
    marks = {name: stamps[name] for name in names}
    for overlay in overlays.values():
        if overlay.pages and _read_stamp(index / overlay.name) != overlay.stamp:
            groups[overlay.name] = overlay.pages
            marks[overlay.name] = overlay.stamp
    built, indexing = _build(sorted(groups), groups, marks, locate, work, niceness)
    for name, folder in built.items():
        _write_record(folder, groups[name], digests)
    return built, indexing


def _has_overlay_key(path: Path) -> bool:
    try:
        return f'"{OVERLAY_KEY}"'.encode() in path.read_bytes()
    except OSError:
        return False


def _filter_file(names: Sequence[str], built: Mapping[str, Path], index: Path,
                 target: Path, current: Path) -> Path | bool:
    """Write the language's filter values (the union over its buckets) to `target`.
    Returns `target`; True when the current file already holds these bytes; False when
    a bucket's layout is unknown (the page then asks Pagefind for every bucket's
    filters)."""
    values: dict[str, set[str]] = defaultdict(set)
    try:
        for name in names:
            for key, found in search_canonical.filter_values(
                    built.get(name) or index / name).items():
                values[key] |= found
    except search_canonical.Unrecognised:
        return False
    return _write_if_new({key: sorted(found) for key, found in sorted(values.items())},
                         target, current)


def _overlay_filter_file(overlay: _Overlay, target: Path, current: Path) -> Path | bool:
    """The filter file of a language with an overlay: the filter values of the pages a
    search can find, from the records (those a clean build's buckets would list), and
    the overlay (`OVERLAY_KEY`: its bundle, the stale and the doubled ids)."""
    return _write_if_new({**overlay.values, OVERLAY_KEY: overlay.descriptor()}, target,
                         current)


def _write_if_new(content: Mapping[str, Any], target: Path, current: Path) -> Path | bool:
    """`content` as compact JSON at `target`; True instead when `current` holds it."""
    data = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        if current.read_bytes() == data:
            return True
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def _build(names: Sequence[str], members: Mapping[str, Sequence[Page]],
           stamps: Mapping[str, str], locate: Callable[[str], Path], work: Path,
           niceness: int) -> tuple[dict[str, Path], float]:
    """The new buckets (name -> folder inside `work`) and the seconds Pagefind took."""
    if not names:
        return {}, 0.0
    binary = executable()
    work.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="index-", dir=work))
    built: dict[str, Path] = {}
    try:
        (scratch / "run").mkdir()
        started = time.perf_counter()
        with Indexer(binary, scratch / "run", niceness) as indexer:
            for name in names:
                pages = scratch / "pages" / name
                _link_pages(members[name], locate, pages)
                target = work / INDEX_DIR / name
                target.parent.mkdir(parents=True, exist_ok=True)
                indexer.bundle(pages, target)
                built[name] = target
        indexing = time.perf_counter() - started
        for name, target in built.items():
            _tidy(target, stamps[name])
    except BaseException:
        for target in built.values():
            shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return built, indexing


def _link_pages(pages: Iterable[Page], locate: Callable[[str], Path], folder: Path) -> None:
    """Hard links (copies across file systems) of the chosen pages, at their output
    paths: Pagefind derives each result's URL from the path."""
    for page in pages:
        source, link = locate(page.output), folder / page.output
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, link)
        except OSError:
            shutil.copyfile(source, link)


def _tidy(bundle: Path, stamp: str) -> None:
    """Leave only what a reader can fetch, in canonical byte order, and the stamp.

    Each bucket keeps its own pagefind.js, worker and WebAssembly (any bucket can be the
    first one of a search page), but only the WebAssembly its language uses."""
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
    wanted = {info.get("wasm") or "unknown" for info in entry.get("languages", {}).values()}
    for wasm in bundle.glob("wasm.*.pagefind"):
        if wasm.name.split(".")[1] not in wanted:
            wasm.unlink()
    search_canonical.canonicalize(bundle)
    (bundle / STAMP).write_text(stamp + "\n")
    os.chmod(bundle, 0o755)


def _stale(index: Path, keep: set[str]) -> tuple[str, ...]:
    """What under the output's /pagefind/ no bucket of the new index is: buckets that
    lost their last page, and the single bundle of earlier sitegen versions."""
    try:
        names = sorted(entry.name for entry in os.scandir(index))
    except OSError:
        return ()
    if not keep:
        return (INDEX_DIR,)
    return tuple(f"{INDEX_DIR}/{name}" for name in names if name not in keep)


def _stats(site: Site, chosen: Sequence[Page], buckets: tuple[str, ...],
           built: Mapping[str, Path], index: Path, started: float,
           indexing: float, overlays: tuple[str, ...] = (), pending: int = 0) -> IndexStats:
    counts = {language.html_lang: 0 for language in site.config.languages}
    html_lang: dict[str, str] = {}  # a language's html_lang parses its tag: once each
    for page in chosen:
        code = page.lang or ""
        if code not in html_lang:
            html_lang[code] = site.config.language(code).html_lang
        counts[html_lang[code]] += 1
    unstemmed: set[str] = set()
    for name in buckets:
        try:
            entry = json.loads(((built.get(name) or index / name) / ENTRY).read_text())
        except (OSError, ValueError):
            continue
        unstemmed.update(lang for lang, info in entry.get("languages", {}).items()
                         if not info.get("wasm"))
    files = [p for folder in built.values() for p in folder.rglob("*") if p.is_file()]
    return IndexStats(pages=len(chosen), bytes=sum(p.stat().st_size for p in files),
                      files=len(files), seconds=time.perf_counter() - started,
                      languages=counts, unstemmed=tuple(sorted(unstemmed)),
                      skipped=not built, buckets=buckets, rebuilt=tuple(sorted(built)),
                      indexing=indexing, overlays=overlays, pending=pending)


def apply_change(out: Path, change: IndexChange, trash: Path) -> None:
    """Carry out `change` on `out`, one rename per bucket, moving what it replaces or
    removes into `trash` (a folder on the same file system, removed by the caller).

    Each bucket is swapped whole, so a reader gets a bucket's old files or its new ones;
    the build engine does the same inside its one transaction instead."""
    trash.mkdir(parents=True, exist_ok=True)
    for number, (rel, new) in enumerate(sorted(change.replace.items())):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.rename(target, trash / f"replaced-{number}")
        os.rename(new, target)
    for number, rel in enumerate(change.remove):
        if (out / rel).exists() or (out / rel).is_symlink():
            os.rename(out / rel, trash / f"removed-{number}")


# output path -> ((inode, size, mtime), digest); kept while the process lives (serve).
_DIGESTS: dict[Path, tuple[tuple[int, int, int], str]] = {}


def _page_digest(path: Path) -> str:
    """A page's digest read from disk, remembered by inode, size and modification time:
    for `index_published`, which has no digests from the engine."""
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


def index_published(folder: Path, site: Site, pages: Iterable[Page],
                    niceness: int = 0) -> IndexStats:
    """The build's step until the engine calls `prepare_index` itself: index the
    searchable pages among `pages` (rendered into `folder`) into
    `folder`/pagefind/, rebuilding only the buckets whose pages changed.
    `niceness`: run the indexer at a lower priority (a preview indexing in the background
    must not slow down the next rebuild)."""
    pages = list(pages)
    digests = {page.output: _page_digest(folder / page.output)
               for page in searchable(site, pages)}
    with work_folder(folder, "pagefind") as work:
        change = prepare_index(site, pages, digests, folder, lambda rel: folder / rel,
                               work, niceness)
        apply_change(folder, change, work / "trash")
    return change.stats
