"""`sitegen check` as the editor's reviewer: what a build lets through but a reader notices.

A build reports what stops it (errors) and what it had to ignore (unknown keys, stray
files): those warnings belong to the build and show in its summary. The findings here
are the reviewer's, reported by `sitegen check` only, as warnings that fail the run
only with --strict:

  translation-missing  a translation_key that no article in another language shares
  contact-unreachable  a person named as contact who has neither phone nor e-mail
  unused-person        a person no article uses: not as author or contact, not by
                       name in its text, not by a link to the person's page
  unused-cluster       a cluster no article uses, in the same ways
  dead-link            an internal link that leads nowhere for readers, or that will
                       stop the build once a draft or embargoed article is published
  large-image          an image in content/media/ over 1 MB
  long-summary         a summary over 300 characters, cut short by feed readers
  placeholder          text left from `sitegen new` (SKRIV:, OVERSÆT:, OVERSETT: ...)

Stories in one language only (without a translation_key) are not warnings: many are
meant for one country's readers. They come back as notes: counted in the summary and
listed with --verbose, never failing the run. So do people's and organisations' texts
missing in a language (text-missing): their pages show another language's, marked.

Everything here is a pure function of the loaded sources and the site model, except
`review_site`, which gets them through the pipeline's own steps.
"""

from __future__ import annotations

import html
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from sitegen import urls
from sitegen.errors import Problem, sort_problems, warning
from sitegen.load.content import Loaded, load_discovered
from sitegen.load.discover import discover
from sitegen.load.frontmatter import decode, split
from sitegen.markdown import render_body, split_target
from sitegen.model import Site
from sitegen.pipeline import Caches, OnPage, prepare, render_all, report
from sitegen.plan.pages import Page
from sitegen.report import BuildReport
from sitegen.resolve import BuildOptions
from sitegen.resolve.links import LinkTargets
from sitegen.resolve.site import translation_key
from sitegen.scaffold import (
    ALL_MARKERS,
    DEFAULT_TRANSLATE,
    TRANSLATE_MARKERS,
    language_name,
)

IMAGE_LIMIT = 1_000_000  # bytes: "1 MB" as file managers show it
SUMMARY_LIMIT = 300  # characters a feed reader shows before cutting
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".tif",
                            ".tiff", ".bmp", ".heic", ".svg"})
HREF = re.compile(r'\b(?:href|src)="([^"]*)"')
# Absolute link targets as written in Markdown or HTML: a quick look before parsing.
ABSOLUTE_TARGET = re.compile(r"""(?:\]\(\s*<?|\]:\s*<?|(?:href|src)\s*=\s*["']?)(/[^\s)>"']*)""")


@dataclass(frozen=True, slots=True)
class Review:
    warnings: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()  # informative only: never counted, never failing


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


# --- translations ----------------------------------------------------------------------

def translations(loaded: Loaded, languages: Sequence[str],
                 published: set[str]) -> tuple[list[Problem], list[Problem]]:
    """(warnings, notes). Groups are made over every article, drafts included (a
    translation being written counts); only published articles are reported."""
    groups: dict[str, set[str]] = defaultdict(set)
    for article in loaded.articles:
        groups[translation_key(article)].add(article.lang)
    warnings: list[Problem] = []
    notes: list[Problem] = []
    for article in loaded.articles:
        if article.path not in published or len(languages) < 2:
            continue
        if len(groups[translation_key(article)]) > 1:
            continue
        missing = " or ".join(language_name(c) for c in languages if c != article.lang)
        if article.translation_key:
            warnings.append(warning(
                article.path, article.key_line,
                f"translation_key '{article.translation_key}' is shared by no "
                f"{missing} article", "check the key's spelling in both versions, or "
                f"create the translation: sitegen new --translate {article.path}",
                code="translation-missing"))
        else:
            notes.append(warning(
                article.path, None, f"this story is in {language_name(article.lang)} only",
                f"to translate it: sitegen new --translate {article.path}",
                code="one-language"))
    return warnings, notes


# --- people and clusters ---------------------------------------------------------------

def untranslated_texts(loaded: Loaded, languages: Sequence[str]) -> list[Problem]:
    """Notes: a person's or organisation's text missing in a language (its pages there
    show another language's, marked), or written once for every language."""
    notes: list[Problem] = []
    if len(languages) < 2:
        return notes
    for source in (*loaded.people, *loaded.clusters):
        if source.texts:
            for code in languages:
                if code not in source.texts:
                    shown = next(iter(source.texts))
                    notes.append(warning(
                        source.path, None, f"no {language_name(code)} text: its "
                        f"{language_name(code)} pages show the {language_name(shown)} one",
                        f"add a '::: {code}' block with the {language_name(code)} text",
                        code="text-missing"))
        elif source.body.strip():
            notes.append(warning(
                source.path, source.body_line, "one text for every language: readers of "
                "the other languages get it as it is", "write it once per language, in "
                f"blocks: {', '.join(f'::: {c}' for c in languages)} (docs/content.md)",
                code="text-missing"))
    return notes


def unreachable_contacts(loaded: Loaded) -> list[Problem]:
    """People named as contacts whom a reader cannot phone or write to."""
    used: dict[str, list[str]] = defaultdict(list)
    for article in loaded.articles:
        for ref in article.contacts:
            used[ref.id].append(article.path)
    problems = []
    for person in loaded.people:
        if person.id in used and not person.email and not person.phone:
            where = sorted(set(used[person.id]))
            shown = ", ".join(where[:3]) + (f" and {len(where) - 3} more" if len(where) > 3
                                            else "")
            problems.append(warning(
                person.path, None, f"{person.name} is a contact in {shown} but has neither "
                "phone nor e-mail", 'add email: name@example.org or phone: "+45 ..." (in '
                "quotes), or name someone else under contacts:", code="contact-unreachable"))
    return problems


def _texts(loaded: Loaded) -> list[str]:
    return [f"{a.title}\n{a.summary or ''}\n{a.body}" for a in loaded.articles]


def _mentioned(texts: Sequence[str], words: Iterable[str]) -> bool:
    """Whether any article's text holds one of these names or URL pieces."""
    needles = [w for w in words if w]
    return any(needle in text for text in texts for needle in needles)


def unused(loaded: Loaded, languages: Sequence[str]) -> list[Problem]:
    """People and clusters that no article (drafts included) uses: names as author,
    contact, mentioned person or cluster, links to their page, or mentions by name in
    its text."""
    people = {ref.id for a in loaded.articles
              for ref in (*a.authors, *a.contacts, *a.mentions)}
    # An author may be an organisation (a press office's byline).
    clusters = {ref.id for a in loaded.articles for ref in (*a.clusters, *a.authors)}
    texts = _texts(loaded)
    problems = [
        warning(person.path, None, f"no article names {person.name} ({person.id}): not as "
                "author or contact, not in its text, not by a link",
                "the person still gets a page and a vCard; delete the file if that is "
                "not wanted", code="unused-person")
        for person in loaded.people if person.id not in people and not _mentioned(
            texts, [person.name, *(urls.person(lang, person.id) for lang in languages)])]
    problems += [
        warning(cluster.path, None, f"no article names the cluster {cluster.name} "
                f"({cluster.id}): not under clusters:, not in its text, not by a link",
                "the cluster still gets a page and a feed; delete the file if that is "
                "not wanted", code="unused-cluster")
        for cluster in loaded.clusters if cluster.id not in clusters and not _mentioned(
            texts, [cluster.name, cluster.short_name or "",
                    *(urls.cluster(lang, cluster.id) for lang in languages)])]
    return problems


# --- media and summaries ---------------------------------------------------------------

def large_images(loaded: Loaded, limit: int = IMAGE_LIMIT) -> list[Problem]:
    return [
        warning(f"content/{path}", None,
                f"the image is {_size(size)}; readers on a phone wait for it",
                "save it smaller: 2000 pixels wide and a JPEG quality of about 80 is "
                "plenty (under 1 MB)", code="large-image")
        for path, size in sorted(loaded.media.items())
        if size > limit and PurePosixPath(path).suffix.lower() in IMAGE_SUFFIXES]


def long_summaries(site: Site, loaded: Loaded, limit: int = SUMMARY_LIMIT) -> list[Problem]:
    """Published articles whose summary (written, or the first paragraph) is too long."""
    sources = {a.path: a for a in loaded.articles}
    problems = []
    for article in site.articles.values():
        if len(article.summary) <= limit:
            continue
        source = sources.get(article.source)
        written = source is not None and source.summary is not None
        line = None
        if source is not None and not written:
            lines = source.body.split("\n")
            line = source.body_line + next((i for i, t in enumerate(lines) if t.strip()), 0)
        problems.append(warning(
            article.source, line,
            f"the summary is {len(article.summary)} characters; feed readers show about "
            f"{limit}", "shorten 'summary:' to one or two sentences" if written else
            "the first paragraph is used as the summary: add a shorter 'summary:'",
            code="long-summary"))
    return problems


# --- text left from `sitegen new` ------------------------------------------------------

TRANSLATE = frozenset(TRANSLATE_MARKERS.values()) | {DEFAULT_TRANSLATE}


def _todo(marker: str) -> str:
    return "translate the text" if marker in TRANSLATE else "write the text"


def _marked(text: str | None) -> str | None:
    if not text:
        return None
    return next((m for m in ALL_MARKERS if text.lstrip().startswith(m)), None)


def placeholders(loaded: Loaded, published: set[str]) -> list[Problem]:
    problems = []
    for article in loaded.articles:
        if article.path not in published:
            continue  # a draft may hold placeholders: it is being written
        for key, value in (("title", article.title), ("summary", article.summary),
                           ("image_alt", article.image_alt)):
            marker = _marked(value)
            if marker:
                problems.append(warning(
                    article.path, None, f"'{key}' still starts with '{marker}'",
                    f"{_todo(marker)}, then remove the marker", code="placeholder"))
        problems += _marked_lines(article.path, article.body, article.body_line)
    # People and organisations are published whatever names them: always checked.
    for entry in (*loaded.people, *loaded.clusters):
        problems += _marked_lines(entry.path, entry.body, entry.body_line)
        for lang, text in entry.texts.items():
            problems += _marked_lines(entry.path, text, entry.text_lines.get(lang, 1))
    return problems


def _marked_lines(path: str, text: str, first_line: int) -> list[Problem]:
    """A warning for each line of `text` that starts with a placeholder marker."""
    problems = []
    for number, line in enumerate(text.split("\n")):
        marker = _marked(line)
        if marker and line.startswith(marker):
            problems.append(warning(
                path, first_line + number,
                f"text left from 'sitegen new': the line starts with '{marker}'",
                f"{_todo(marker)}, then delete the line", code="placeholder"))
    return problems


# --- links -----------------------------------------------------------------------------

def _known_url(url: str, known: set[str]) -> bool:
    path = unquote(urlsplit(url).path)
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path in known or f"{path}/" in known or path.startswith("/theme/")


def _may_link_to_site_urls(body: str) -> bool:
    """Whether a body may hold a link to a site URL (not a source file, not media):
    only those bodies need parsing when source-file links are the build's business."""
    for target in ABSOLUTE_TARGET.findall(body):
        if target.startswith("//"):
            continue  # another site, without a scheme
        path = split_target(target)[0]
        if not (path.endswith(".md") or path.startswith("/media/")):
            return True
    return False


def dead_links(loaded: Loaded, site: Site, pages: Sequence[Page]) -> list[Problem]:
    """Internal links that lead nowhere. A published article's links to source files
    are the build's business (an error there); here: links to site URLs, every link of
    a draft or embargoed article, and links in people's and clusters' texts."""
    known = {page.url for page in pages} | {asset.url for asset in site.assets}
    every_article = {a.path.removeprefix("content/"): urls.article(a.lang, a.slug)
                     for a in loaded.articles}
    targets = LinkTargets(every_article, frozenset(), frozenset(loaded.media))
    published = {a.source for a in site.articles.values()}
    first = site.config.language_codes[0]
    hidden = {a.path: a for a in loaded.articles if a.path not in published}
    problems: list[Problem] = []

    def scan(source: str, body: str, body_line: int, page_url: str, only_urls: bool,
             note: str, published_html: str = "") -> None:
        kept_as_written: set[str] = set()

        def check(target: str) -> str | None:
            path, _fragment = split_target(target)
            if not path:
                return target
            resolved = targets.rewrite(source, target)
            is_source_file = path.endswith(".md") or targets.under_content(
                source, path).startswith("media/")
            if not is_source_file:
                return target if _known_url(urljoin(page_url, path), known) else None
            if only_urls:
                return target
            if resolved and published_html and html.escape(target) in HREF.findall(
                    published_html):
                kept_as_written.add(target)  # not turned into a URL: readers get a .md
                return None
            return resolved

        if not body.strip() or (only_urls and not _may_link_to_site_urls(body)):
            return
        for broken in render_body(body, check).broken:
            if broken.target in kept_as_written:
                message = (f"link to '{broken.target}' is published as written, which "
                           "leads nowhere: source paths become URLs only in articles")
                hint = "write the page's URL instead, e.g. /da/nyheder/mission-possible/"
            else:
                message = f"link to '{broken.target}' leads nowhere{note}"
                hint = ("link to an article's .md file or to a page's URL that exists "
                        "(/da/nyheder/...); check the spelling")
            problems.append(warning(source, body_line + broken.line - 1, message, hint,
                                    code="dead-link"))

    for article in loaded.articles:
        state = hidden.get(article.path)
        note = "" if state is None else (
            "; it will stop the build when this draft is published" if article.draft else
            "; it will stop the build when the embargo lifts")
        scan(article.path, article.body, article.body_line, urls.article(article.lang,
             article.slug), only_urls=state is None, note=note)
    for person in loaded.people:
        rendered = site.people[person.id].bio_html if person.id in site.people else ""
        scan(person.path, person.body, person.body_line, urls.person(first, person.id),
             only_urls=False, note="", published_html=rendered)
    for cluster in loaded.clusters:
        rendered = site.clusters[cluster.id].body_html if cluster.id in site.clusters else ""
        scan(cluster.path, cluster.body, cluster.body_line, urls.cluster(first, cluster.id),
             only_urls=False, note="", published_html=rendered)
    return problems


# --- all together ----------------------------------------------------------------------

def review(loaded: Loaded, site: Site, pages: Sequence[Page]) -> Review:
    """Every reviewer's finding about a site that builds."""
    published = {a.source for a in site.articles.values()}
    translation_warnings, notes = translations(loaded, site.config.language_codes, published)
    notes += untranslated_texts(loaded, site.config.language_codes)
    found = [
        *translation_warnings, *unreachable_contacts(loaded),
        *unused(loaded, site.config.language_codes),
        *dead_links(loaded, site, pages), *large_images(loaded),
        *long_summaries(site, loaded), *placeholders(loaded, published),
    ]
    return Review(tuple(sort_problems(found)), tuple(sort_problems(notes)))


def front_matter_line(site_root: Path, path: str, key: str) -> int | None:
    """The line of a front-matter key, read from the file (for findings made from values
    that no longer carry their line)."""
    try:
        text, _ = decode(path, (site_root / path).read_bytes())
    except OSError:
        return None
    source = split(path, text)[0] if text is not None else None
    entry = source.get(key) if source is not None else None
    return entry.line if entry is not None else None


def _with_lines(site_root: Path, problems: Iterable[Problem]) -> list[Problem]:
    keyed = {"long-summary": "summary", "placeholder": None}
    result = []
    for problem in problems:
        if problem.line is None and problem.code in keyed:
            key = keyed[problem.code] or problem.message.split("'")[1]
            line = front_matter_line(site_root, problem.path, key)
            if line is not None:
                problem = Problem(problem.path, line, problem.message, problem.hint,
                                  problem.severity, problem.code)
        result.append(problem)
    return result


def review_site(site_root: Path, options: BuildOptions,
                on_page: OnPage | None = None) -> tuple[BuildReport, Review]:
    """`sitegen check`: what a build would report, then the review of that same site.

    The build's part is pipeline.check's (prepare, render every page, report); it is
    spelt out here so that the review reuses the prepared site and the parsed files
    instead of loading and resolving everything a second time. Raises BuildFailed when
    the site does not build: its errors come first, the review waits for a site."""
    started = time.perf_counter()
    caches = Caches()
    prepared = prepare(site_root, options, caches)
    for _ in render_all(prepared, on_page):
        pass
    result = report(prepared, started, "", 0)
    config = prepared.site.config
    found, _ = discover(site_root, config.language_codes)
    loaded, _ = load_discovered(found, config, [], caches.files)
    found_review = review(loaded, prepared.site, prepared.pages)
    return result, Review(tuple(sort_problems(_with_lines(site_root, found_review.warnings))),
                          found_review.notes)
