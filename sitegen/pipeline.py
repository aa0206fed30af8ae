"""The build, as the ordered list of steps it is, and nothing else.

config -> load -> resolve -> plan -> render -> write. Each step returns a value and
the problems it found; the build stops after the first step that found an error.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sitegen import derived, search, urls
from sitegen.config import SiteConfig, load_config
from sitegen.errors import BuildFailed, Problem, error, sort_problems
from sitegen.fingerprint import content_hash
from sitegen.images.cache import ImageCache, cache_path
from sitegen.load.content import FileCache, load_discovered
from sitegen.load.discover import discover, outside_warning
from sitegen.load.records import ArticleSource
from sitegen.model import Article, Site
from sitegen.parallel import Beside, Workers, will_fork
from sitegen.plan.formats import RSS
from sitegen.plan.pages import Page, plan_pages
from sitegen.render.dependencies import FingerprintMemo
from sitegen.render.page import RenderError, render_page
from sitegen.render.theme import Theme, load_theme
from sitegen.report import BuildReport
from sitegen.resolve import BuildOptions, resolve_site
from sitegen.resolve.bodies import BodyCache
from sitegen.resolve.memo import ResolveMemo
from sitegen.resolve.schedule import make_schedule
from sitegen.write import Stage, staged_output


@dataclass(frozen=True)
class Prepared:
    """Everything decided before rendering: the model, the theme and the page plan."""

    site: Site
    theme: Theme
    pages: tuple[Page, ...]
    problems: tuple[Problem, ...]
    # What the model was made from, for an edit to be patched into it (sitegen/patch.py).
    media: Mapping[str, int] = field(default_factory=dict)  # "media/x.jpg" -> bytes
    failed: frozenset[str] = frozenset()  # source files that gave no record
    # For the summary: the content's articles by what they are (`article_counts`; the
    # model holds only the published ones), and how many files `copies` publishes.
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    files: int = 0
    images: Mapping[str, object] = field(default_factory=dict)  # "media/x.jpg" -> ImageInfo
    parsers: Mapping[str, int] = field(default_factory=dict)  # see ResolveMemo.parsers


def _stop_on_errors(problems: list[Problem]) -> None:
    if any(p.is_error for p in problems):
        raise BuildFailed(sort_problems(problems))


@dataclass
class Caches:
    """What one build may reuse from the last: parsed files and rendered Markdown.

    Both are keyed by content (stat stamp, body hash), so a stale entry is never used;
    the engine keeps them in memory (serve) and on disk (.sitegen-cache/)."""

    files: FileCache = field(default_factory=dict)
    bodies: BodyCache = field(default_factory=dict)
    resolve: ResolveMemo = field(default_factory=ResolveMemo)
    fingerprints: FingerprintMemo = field(default_factory=dict)


def prepare(site_root: Path, options: BuildOptions, caches: Caches | None = None,
            jobs: int = 1, config: SiteConfig | None = None) -> Prepared:
    """Every step up to the plan. Raises BuildFailed with all problems found."""
    problems: list[Problem] = []
    if config is None:
        config, problems = load_config(site_root)
        _stop_on_errors(problems)
    assert isinstance(config, SiteConfig)
    found, problems_found = discover(site_root, config.language_codes)
    problems += problems_found
    loaded, load_problems = load_discovered(found, config, [],
                                            caches.files if caches else None, jobs=jobs)
    problems += load_problems
    memo = caches.resolve if caches else ResolveMemo()
    site, resolve_problems = resolve_site(loaded, config, options,
                                          caches.bodies if caches else None, jobs, memo)
    problems += resolve_problems
    _stop_on_errors(problems)
    assert site is not None
    theme = load_theme(site_root, config)
    problems += [outside_warning(path, site_root) for path in theme.refused_static(site_root)]
    pages, plan_problems = plan_pages(site)
    problems += plan_problems
    _stop_on_errors(problems)
    prepared = Prepared(site, theme, pages, tuple(sort_problems(problems)), loaded.media,
                        loaded.failed, article_counts(loaded.articles, options.now),
                        images=loaded.images, parsers=dict(memo.parsers))
    originals = len(derived.plan_originals(site))
    return replace(prepared, files=len(copies(prepared, site_root)) + originals)


def article_counts(articles: Sequence[ArticleSource], now: datetime
                   ) -> dict[str, dict[str, int]]:
    """'published', 'draft' and 'embargoed' (held by the clock: a date in the future or
    the story's embargo) -> language -> how many, as of `now`. Counted from the sources,
    not the model, so that a preview (which keeps drafts) counts them alike."""
    schedule = make_schedule(articles)
    counts: dict[str, Counter[str]] = {"published": Counter(), "draft": Counter(),
                                       "embargoed": Counter()}
    for article in articles:
        what = ("draft" if article.draft else
                "embargoed" if schedule.embargoed(article, now) else "published")
        counts[what][article.lang] += 1
    return {what: dict(counter) for what, counter in counts.items()}


# Called after each page is rendered with (pages done, pages in all): a progress bar.
OnPage = Callable[[int, int], None]


def _render(prepared: Prepared, page: Page) -> bytes | Problem:
    """One page; a template error comes back as a Problem (it must cross processes)."""
    try:
        return render_page(prepared.site, prepared.theme, prepared.pages, page)
    except RenderError as exc:
        return error(exc.template, exc.line,
                     f"template error while making {page.url}: {exc.message}",
                     "fix the template; content is not at fault")


def _once_per_place(failures: list[tuple[Page, Problem]]) -> list[Problem]:
    """One template mistake breaks every page that uses it: report it once, with how
    many pages it broke, instead of once per page."""
    groups: dict[tuple[str, int | None, str], list[Page]] = {}
    for page, problem in failures:
        detail = problem.message.split(": ", 1)[-1]
        groups.setdefault((problem.path, problem.line, detail), []).append(page)
    problems = []
    for (path, line, detail), pages in groups.items():
        others = f" and {len(pages) - 1} other page(s)" if len(pages) > 1 else ""
        problems.append(error(path, line, f"template error while making {pages[0].url}"
                              f"{others}: {detail}", "fix the template; content is not at fault"))
    return sort_problems(problems)


def _render_to(shared: tuple[Prepared, Path | None], page: Page) -> str | bytes | Problem:
    """Render a page; with a folder given, write it there and return its content hash."""
    prepared, folder = shared
    data = _render(prepared, page)
    if folder is None or isinstance(data, Problem):
        return data
    target = folder / page.output
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return content_hash(data)


def render_pages(prepared: Prepared, pages: Sequence[Page], folder: Path | None = None,
                 jobs: int = 1, on_page: OnPage | None = None,
                 beside: Callable[[], Any] | None = None) -> dict[str, str | bytes]:
    """Render pages on `jobs` processes: into `folder` (content hashes come back) or to
    memory. `beside()`: work of this process's own (writing the build store) done in a
    thread while the workers render, finished when this returns.

    Raises BuildFailed if any template failed, before the caller publishes anything."""
    rendered, _ = render_in_turn(prepared, [pages], folder, jobs, on_page, beside)
    return rendered


def render_in_turn(prepared: Prepared, parts: Sequence[Sequence[Page]],
                   folder: Path | None = None, jobs: int = 1, on_page: OnPage | None = None,
                   beside: Callable[[], Any] | None = None,
                   after_first: Callable[[Mapping[str, str | bytes]], Any] | None = None
                   ) -> tuple[dict[str, str | bytes], Beside | None]:
    """Render `parts` one after another on the same workers; `after_first(rendered)`
    starts in a thread as soon as the first part is rendered and may outlive the rest
    (the search index, made from the searchable pages while the others render): its
    handle comes back, for the caller to wait for."""
    total = sum(len(part) for part in parts)
    if will_fork(total, jobs):  # compiled once here, not once per worker
        prepared.theme.preload()
    rendered: dict[str, str | bytes] = {}
    failures: list[tuple[Page, Problem]] = []
    later: Beside | None = None
    with Workers((prepared, folder), total, jobs) as workers:
        if beside is not None:
            workers.beside(beside)
        for number, part in enumerate(parts):
            done = len(rendered) + len(failures)
            progress = (lambda n, _t, done=done: on_page(done + n, total)) if on_page else None
            results = workers.map(_render_to, part, progress)
            for page, result in zip(part, results, strict=True):
                if isinstance(result, Problem):
                    failures.append((page, result))
                else:
                    rendered[page.output] = result
            if number == 0 and after_first is not None and not failures:
                later = workers.beside(partial(after_first, dict(rendered)), outlive=True)
    if failures:
        if later is not None:
            later.wait()  # let it end before the build stops: the template's error is said
        raise BuildFailed(_once_per_place(failures))
    return rendered, later


def render_all(prepared: Prepared,
               on_page: OnPage | None = None) -> Iterator[tuple[Page, bytes]]:
    total = len(prepared.pages)
    for done, page in enumerate(prepared.pages, 1):
        data = _render(prepared, page)
        if isinstance(data, Problem):
            raise BuildFailed([data])
        yield page, data
        if on_page:
            on_page(done, total)


def copies(prepared: Prepared, site_root: Path) -> dict[str, Path]:
    """Files published as they are: output path -> source file. Pictures are not among
    them: their originals are published without metadata (sitegen/derived.py)."""
    images = prepared.site.images
    files = {urls.output_path(a.url): site_root / a.source for a in prepared.site.assets
             if getattr(images.get(a.source.removeprefix("content/")), "format", "SVG")
             == "SVG"}
    for rel, path in prepared.theme.static_files(site_root).items():
        files[f"theme/{rel}"] = path
    return files


def press_text(prepared: Prepared) -> Callable[[Article], str]:
    """The text file of a story's press-kit ZIP, from the theme's press_kit.txt."""
    def text(article: Article) -> str:
        from sitegen.derived import zip_names

        env = prepared.theme.env(article.lang)
        return env.get_template("press_kit.txt").render(
            article=article, pictures=zip_names(article),
            language=prepared.site.config.language(article.lang),
            canonical=urls.absolute(prepared.site.config.base_url, article.url))
    return text


def make_derived(prepared: Prepared, site_root: Path, wanted: Mapping[str, derived.Made],
                 sink: derived.Sink, jobs: int = 1,
                 planned: Mapping[str, derived.Made] | None = None) -> None:
    """Make the files of `wanted` (pictures' originals and copies, icons, ZIPs).
    `planned`: every file the site makes from pictures (derived.plan), when known: the
    picture cache keeps the copies of those and forgets the rest."""
    cache = ImageCache(cache_path(site_root))
    try:
        derived.make(wanted, prepared.site, site_root, sink, cache, jobs, press_text(prepared))
        everything = planned if planned is not None else derived.plan(prepared.site)
        cache.keep_only(derived.live_keys(everything))
    finally:
        cache.close()


@dataclass(frozen=True)
class Published:
    """What `publish` made: each page's content hash, and what `index` returned."""

    hashes: dict[str, str]
    index: Any = None


def publish(prepared: Prepared, site_root: Path, stage: Stage,
            on_page: OnPage | None = None, jobs: int = 1,
            index: Callable[[Mapping[str, str]], Any] | None = None,
            global_digest: str = "", beside: Callable[[], Any] | None = None,
            to_make: Mapping[str, derived.Made] | None = None) -> Published:
    """Render every page into the stage, copy the files and make the pictures'
    (`to_make`: derived.plan of the site and `global_digest`, if the caller has it).

    `index(hashes)`: builds the search index from the searchable pages' content hashes.
    Those pages are rendered first, and the index is made while the rest are rendered
    and the pictures' files made: on two cores a build with search then costs little
    more than the larger of the two, not their sum. `beside()`: see render_pages."""
    parts: list[Sequence[Page]] = [prepared.pages]
    if index is not None:
        searchable = {page.output for page in search.searchable(prepared.site,
                                                                 prepared.pages)}
        parts = [[page for page in prepared.pages if page.output in searchable],
                 [page for page in prepared.pages if page.output not in searchable]]
    hashes, later = render_in_turn(prepared, parts, stage.root, jobs, on_page, beside, index)
    try:
        for rel, source in copies(prepared, site_root).items():
            stage.copy(rel, source)
        if to_make is None:
            to_make = derived.plan(prepared.site, global_digest)
        make_derived(prepared, site_root, to_make, stage.write, jobs, planned=to_make)
    except BaseException:
        if later is not None:
            later.wait()  # let it end before the build stops: the first error is said
        raise
    return Published(hashes, later.result() if later is not None else None)  # type: ignore[arg-type]


def report(prepared: Prepared, started: float, output: str, copied: int) -> BuildReport:
    """The summary's numbers: what the site holds, the same however it was built."""
    pages = Counter(page.lang or "-" for page in prepared.pages)
    built = prepared.site.articles.values()
    counts = prepared.counts or {"published": Counter(a.lang for a in built)}
    return BuildReport(
        pages=dict(pages), articles=dict(counts.get("published", {})),
        drafts=dict(counts.get("draft", {})), embargoed=dict(counts.get("embargoed", {})),
        feeds=sum(p.format is RSS for p in prepared.pages),
        people=len(prepared.site.people), clusters=len(prepared.site.clusters),
        copied=copied, seconds=time.perf_counter() - started, output=output,
        problems=prepared.problems, files=prepared.files,
        shown_drafts=sum(a.draft for a in built),
        shown_embargoed=sum(a.embargoed and not a.draft for a in built),
        parsers=dict(prepared.parsers),
    )


def build(site_root: Path, out: Path, options: BuildOptions,
          on_page: OnPage | None = None, jobs: int = 1) -> BuildReport:
    """A clean build of the site into `out`, atomically, reusing nothing.
    Raises BuildFailed on content errors. (sitegen.engine adds the incremental path.)"""
    started = time.perf_counter()
    prepared = prepare(site_root, options, jobs=jobs)
    with staged_output(out) as stage:
        publish(prepared, site_root, stage, on_page, jobs, index=lambda _hashes: (
            search.index_published(stage.root, prepared.site, prepared.pages)))
    return report(prepared, started, str(out), stage.copied)


def check(site_root: Path, options: BuildOptions,
          on_page: OnPage | None = None) -> BuildReport:
    """Everything a build does except writing: templates are rendered too."""
    started = time.perf_counter()
    prepared = prepare(site_root, options)
    for _ in render_all(prepared, on_page):
        pass
    return report(prepared, started, "", 0)
