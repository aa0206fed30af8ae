"""Assemble the site model from loaded records, checking what spans files."""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from urllib.parse import unquote

from sitegen import urls
from sitegen.config import SiteConfig
from sitegen.errors import Problem, error, warning
from sitegen.load.content import Loaded
from sitegen.load.records import ArticleSource, ClusterSource, PersonSource
from sitegen.locations import CONFIG_NAME
from sitegen.markdown import RenderedBody, render_body, split_target
from sitegen.model import (
    Article,
    Asset,
    Cluster,
    Image,
    Listings,
    Person,
    Site,
    Tag,
    WaitingLink,
)
from sitegen.resolve import previews
from sitegen.resolve.bodies import BodyCache, render_bodies
from sitegen.resolve.figures import body_figures, figures_digest, with_figures
from sitegen.resolve.links import LinkTargets
from sitegen.resolve.memo import ResolveMemo
from sitegen.resolve.references import check_refs, media_image, unique_ids
from sitegen.resolve.related import RelatedMemo, related_keys
from sitegen.resolve.schedule import Schedule, leaks, make_schedule, translation_key
from sitegen.slugs import slugify


@dataclass(frozen=True, slots=True)
class BuildOptions:
    now: datetime  # timezone-aware; what "future" means for embargoes
    drafts: bool = False  # keep drafts (marked) instead of leaving them out
    future: bool = False  # keep embargoed articles (marked)
    # Makes embargo previews' addresses (resolve/previews.py); from the environment only.
    preview_secret: str | None = field(default=None, repr=False)

    @property
    def preview(self) -> bool:
        return self.drafts or self.future


def _check_unique(articles: Iterable[ArticleSource]) -> list[Problem]:
    """Slugs and translation keys must be unique within a language, drafts included."""
    problems = []
    slugs: dict[tuple[str, str], ArticleSource] = {}
    keys: dict[tuple[str, str], ArticleSource] = {}
    for article in sorted(articles, key=lambda a: a.path):
        first = slugs.setdefault((article.lang, article.slug), article)
        if first is not article:
            problems.append(error(
                article.path, article.slug_line,
                f"slug '{article.slug}' is already used by {first.path}",
                "give one of them another file name or a 'slug:' of its own",
                code="duplicate-slug"))
        if article.translation_key:
            other = keys.setdefault((article.lang, article.translation_key), article)
            if other is not article:
                problems.append(error(
                    article.path, article.key_line,
                    f"translation_key '{article.translation_key}' is already used by "
                    f"{other.path} in the same language",
                    "a translation_key links one article per language; use a new key",
                    code="duplicate-translation-key"))
    return problems


def _stems(paths: Iterable[str], folder: str) -> set[str]:
    """Ids of the files in `folder`: 'content/people/kurt.md' -> 'kurt'."""
    return {posixpath.splitext(p.removeprefix(folder))[0] for p in paths if p.startswith(folder)}


def _person(source: PersonSource, loaded: Loaded, cluster_ids: set[str],
            unsafe_html: bool) -> tuple[Person, list[Problem]]:
    problems = check_refs(source.path, source.clusters, cluster_ids, "cluster",
                          "content/clusters")
    photo = None
    if source.photo:
        photo, photo_problems = media_image(source.path, source.photo_line, source.photo,
                                            source.name, source.photo_credit, loaded.media,
                                            "photo", loaded.images,
                                            licence=source.photo_licence,
                                            unreadable=loaded.unreadable)
        problems += photo_problems
    shared, texts = _texts(source.body, source.texts, unsafe_html)
    return Person(source.id, source.name, source.role, source.organization, source.email,
                  source.phone, photo, unique_ids(source.clusters), shared,
                  source.path, texts), problems


def _texts(shared: str, texts: dict[str, str], unsafe_html: bool
           ) -> tuple[str, dict[str, str]]:
    """The shared text and each language's as HTML; text outside the language blocks
    stands before each language's own."""
    def html(text: str) -> str:
        return render_body(text, lambda target: target, unsafe_html).html \
            if text.strip() else ""

    common = html(shared)
    return ("" if texts else common,
            {lang: common + html(text) for lang, text in texts.items()})


def _cluster(source: ClusterSource, loaded: Loaded, unsafe_html: bool
             ) -> tuple[Cluster, list[Problem]]:
    problems: list[Problem] = []
    logo = None
    if source.logo:
        logo, problems = media_image(source.path, source.logo_line, source.logo,
                                     source.name, None, loaded.media, "logo", loaded.images,
                                     unreadable=loaded.unreadable)
    shared, texts = _texts(source.body, source.texts, unsafe_html)
    return Cluster(source.id, source.name, source.short_name, source.website,
                   source.description, shared, source.path, texts, source.type,
                   logo), problems


def check_article_refs(source: ArticleSource, person_ids: set[str],
                       cluster_ids: set[str]) -> list[Problem]:
    """Bylines name people or organisations (a press office); contacts and mentions
    people; clusters organisations."""
    return [
        *check_refs(source.path, source.authors, person_ids | cluster_ids, "person",
                    "content/people", code="unknown-author",
                    hint="ids are file names in content/people/ without '.md' (or, for a "
                    "byline by an organisation, in content/clusters/)"),
        *check_refs(source.path, source.contacts, person_ids, "person", "content/people"),
        *check_refs(source.path, source.mentions, person_ids, "person", "content/people"),
        *check_refs(source.path, source.clusters, cluster_ids, "cluster",
                    "content/clusters"),
    ]


def _translation_groups(articles: Iterable[ArticleSource]) -> dict[str, dict[str, str]]:
    """translation key -> {lang: source path}; a key is explicit or the shared path."""
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for article in articles:
        groups[translation_key(article)][article.lang] = article.path
    return groups


def _article(source: ArticleSource, options: BuildOptions, targets: LinkTargets,
             body: RenderedBody, loaded: Loaded, public_at: datetime | None,
             person_ids: frozenset[str] = frozenset()) -> tuple[Article | None, list[Problem]]:
    """`public_at`: when its story is public by the clock (its date, or a later embargo);
    `person_ids`: the people, so that any other author is an organisation."""
    problems: list[Problem] = []
    image = None
    if source.image:
        image, image_problems = media_image(source.path, source.image_line, source.image,
                                            source.image_alt or "", source.image_credit,
                                            loaded.media, "image", loaded.images,
                                            source.image_caption, source.image_licence,
                                            loaded.unreadable)
        problems += image_problems
    figures = body_figures(body, loaded.images)
    for broken in body.broken:
        line = source.body_line + broken.line - 1
        resolved = targets.under_content(source.path, broken.target.split("#")[0])
        if f"content/{resolved}" in loaded.failed:
            continue  # that file's own errors are reported
        if resolved in targets.hidden:
            message = (f"link to '{broken.target}', an article that is a draft and so "
                       "not published")
            hint = ("remove the link until that article is published, or give that "
                    "article a date or an embargo instead of 'draft: true' (a link to a "
                    "story under embargo waits for it)")
        else:
            message = f"link to '{broken.target}' leads to nothing"
            hint = ("link to the article's .md file, relative to this file "
                    "(../2021/x.md) or from content/ (/da/2021/x.md)")
        problems.append(error(source.path, line, message, hint, code="broken-link"))
    if body.too_deep is not None:
        problems.append(warning(
            source.path, source.body_line + body.too_deep - 1,
            "quotes or lists are nested 20 levels deep here: what is nested deeper is "
            "left out of the page", "nest fewer levels (each '>' or indented list is one)",
            code="too-deep"))
    tags = tuple(dict.fromkeys(Tag(slugify(t) or "emne", t) for t in source.tags))
    article = Article(
        key=f"{source.lang}/{source.rel}", lang=source.lang, slug=source.slug,
        url=urls.article(source.lang, source.slug), title=source.title, date=source.date,
        updated=source.updated, summary=source.summary or body.first_paragraph,
        authors=tuple(i for i in unique_ids(source.authors) if i in person_ids),
        contacts=unique_ids(source.contacts),
        clusters=unique_ids(source.clusters), tags=tags,
        translation_key=translation_key(source), image=image,
        body_html=with_figures(body.html, figures),
        body_digest=figures_digest(body.digest, figures),
        words=body.words, draft=source.draft,
        embargoed=(public_at or source.date) > options.now, source=source.path,
        public_at=public_at,
        organisation_authors=tuple(i for i in unique_ids(source.authors)
                                   if i not in person_ids),
        mentions=unique_ids(source.mentions), figures=figures,
    )
    return article, problems


def resolve_site(loaded: Loaded, config: SiteConfig, options: BuildOptions,
                 bodies: BodyCache | None = None, jobs: int = 1,
                 memo: ResolveMemo | None = None) -> tuple[Site | None, list[Problem]]:
    """The site model, or None with the errors. `bodies` carries rendered Markdown from
    one build to the next; `jobs` is how many processes may render Markdown."""
    problems = _check_unique(loaded.articles)
    # Files that failed to load still exist: a reference to them is not "unknown".
    cluster_ids = {c.id for c in loaded.clusters} | _stems(loaded.failed, "content/clusters/")
    person_ids = {p.id for p in loaded.people} | _stems(loaded.failed, "content/people/")
    memo = memo if memo is not None else ResolveMemo()
    clusters: dict[str, Cluster] = {}
    for cluster_source in loaded.clusters:
        cluster, cluster_problems = _cluster(cluster_source, loaded, config.unsafe_html)
        clusters[cluster_source.id] = memo.same_record("c:" + cluster_source.id, cluster)
        problems += cluster_problems
    people: dict[str, Person] = {}
    for source in loaded.people:
        person, person_problems = _person(source, loaded, cluster_ids, config.unsafe_html)
        people[source.id] = memo.same_record("p:" + source.id, person)
        problems += person_problems

    schedule = make_schedule(loaded.articles)
    now = options.now

    def public(article: ArticleSource) -> bool:
        return schedule.published(article, now, options.drafts, options.future)

    published = [a for a in loaded.articles if public(a)]
    unpublished = [a for a in loaded.articles if not public(a)]
    targets = LinkTargets(
        {a.path.removeprefix("content/"): urls.article(a.lang, a.slug) for a in published},
        frozenset(a.path.removeprefix("content/") for a in unpublished),
        frozenset(loaded.media),
        waiting=frozenset(a.path.removeprefix("content/") for a in unpublished
                          if schedule.embargoed(a, now)))
    rendered = render_bodies(published, targets, config.unsafe_html, bodies, jobs,
                             previous_targets=memo.targets, verified=memo.verified)
    memo.targets = targets
    memo.parsers = dict(Counter(body.reference for body in rendered.values()))
    articles: dict[str, Article] = {}
    for source in loaded.articles:
        problems += check_article_refs(source, person_ids, cluster_ids)
        if not public(source):
            continue
        body = rendered[source.path]
        public_at = _clock(schedule, source)
        signature = (source, body, (public_at, public_at > now),
                     loaded.images.get(source.image) or loaded.media.get(source.image)
                     if source.image else None,
                     tuple(loaded.images.get(url.lstrip("/")) for _, url in body.links
                           if url and url.startswith("/media/")))
        known = memo.built.get(source.path)
        if known is not None and all(a is b or a == b for a, b in
                                     zip(known[0], signature, strict=True)):
            article, article_problems = known[1], []
        else:
            article, article_problems = _article(source, options, targets, body, loaded,
                                                 public_at, frozenset(person_ids))
            if not article_problems:  # reused only while it has nothing to report
                memo.built[source.path] = (signature, article)
        problems += article_problems
        if article:
            articles[article.key] = article

    for path in set(memo.built) - {a.path for a in published}:
        del memo.built[path]
    problems += leaks(loaded.articles, schedule, now)
    groups = _translation_groups(published)
    path_to_key = {a.source: a.key for a in articles.values()}
    linked: dict[str, Article] = {}
    for key, article in articles.items():
        group = groups.get(article.translation_key, {})
        others = {lang: path_to_key[path] for lang, path in sorted(group.items())
                  if lang != article.lang and path in path_to_key}
        linked[key] = memo.same_article(replace(article, translations=others))

    by_language = {
        code: tuple(a.key for a in sorted(
            (a for a in linked.values() if a.lang == code),
            key=lambda a: (a.date, a.key), reverse=True))
        for code in config.language_codes
    }
    logo, icon, brand_problems = _branding(config, loaded)
    problems += brand_problems
    problems += _unused_unreadable(loaded, published, rendered, {config.logo, config.icon})
    withheld, hidden_uses = _media_uses(loaded, published, unpublished, rendered,
                                        {config.logo, config.icon} - {""})
    assets = tuple(
        [Asset(urls.media(path), f"content/{path}", size)
         for path, size in sorted(loaded.media.items()) if path not in withheld]
        + [Asset("/" + rel.removeprefix("static/"), rel, size)
           for rel, size in sorted(loaded.static.items())]
    )
    found_previews: dict[str, Article] = {}
    if not options.preview:  # a preview build shows every story at its own address
        versions = previews.wanted(unpublished, schedule, now)
        secret_problems = previews.secret_problems(versions, options.preview_secret)
        problems += secret_problems
        if versions and not secret_problems:
            def make(source: ArticleSource, preview_targets: LinkTargets) -> Article | None:
                body = render_body(source.body, partial(preview_targets.rewrite, source.path),
                                   config.unsafe_html)
                return _article(source, options, preview_targets, body, loaded,
                                _clock(schedule, source), frozenset(person_ids))[0]

            found_previews, preview_assets = previews.previews(
                versions, options.preview_secret or "", previews.PreviewInputs(
                    targets, withheld, hidden_uses, loaded.media), make)
            assets += preview_assets
    if any(p.is_error for p in problems):
        return None, problems
    site = Site(config, options.now, linked, by_language, people, clusters, assets,
                preview=options.preview,
                listings=make_listings(linked, by_language, memo.related),
                ordered={lang: tuple(linked[key] for key in keys)
                         for lang, keys in by_language.items()},
                previews=found_previews,
                waiting=_waiting(published, rendered, targets, loaded, schedule),
                images=loaded.images, logo=logo, icon=icon)
    return site, problems


def _unused_unreadable(loaded: Loaded, published: Iterable[ArticleSource],
                       rendered: dict[str, RenderedBody], branding: set[str]) -> list[Problem]:
    """A picture that cannot be read and that no page uses: a warning, and the file is
    published as it is (a page that uses one gets an error instead, from media_image)."""
    if not loaded.unreadable:
        return []
    named = branding | {p.photo for p in loaded.people} | {c.logo for c in loaded.clusters}
    shown: set[str] = set()
    for article in published:
        named.add(article.image)
        body = rendered.get(article.path)
        shown.update(unquote(url).lstrip("/").split("#")[0]
                     for _, url in (body.links if body else ())
                     if url and url.startswith("/media/"))
    found = []
    for path, problem in sorted(loaded.unreadable.items()):
        if path in named:
            continue  # media_image reports it where it is named
        if path in shown:
            found.append(problem)  # shown in a text: the file's own error
        else:
            found.append(warning(problem.path, None, f"{problem.message}; no page shows it, "
                                 "so it is published as it is", problem.hint,
                                 code="image-unreadable"))
    return found


def _branding(config: SiteConfig, loaded: Loaded) -> tuple[Image | None, Image | None,
                                                           list[Problem]]:
    """site.toml's logo and icon, as pictures of content/media/ (docs/content.md)."""
    problems: list[Problem] = []
    found: list[Image | None] = []
    for key, target, line in (("logo", config.logo, config.logo_line),
                              ("icon", config.icon, config.icon_line)):
        image = None
        if target:
            image, image_problems = media_image(CONFIG_NAME, line, target,
                                                config.publication(None), None,
                                                loaded.media, key, loaded.images,
                                                unreadable=loaded.unreadable)
            problems += image_problems
            if image is not None and key == "icon" and image.mime == "image/svg+xml":
                problems.append(error(CONFIG_NAME, line, "the icon must be a PNG, JPEG or "
                                      "WebP picture, not a drawing (SVG)",
                                      "save it as a square PNG of at least 512 x 512 pixels",
                                      code="icon"))
                image = None
        found.append(image)
    return found[0], found[1], problems


def _clock(schedule: Schedule, source: ArticleSource) -> datetime:
    """When the article is public by the clock: its date, or its story's later embargo."""
    lift = schedule.lift(source)
    return max(source.date, lift) if lift is not None else source.date


def _waiting(published: Iterable[ArticleSource], rendered: dict[str, RenderedBody],
             targets: LinkTargets, loaded: Loaded, schedule: Schedule
             ) -> tuple[WaitingLink, ...]:
    """Every published article's links that wait for an embargo, for `sitegen status`."""
    by_path = {a.path: a for a in loaded.articles}
    found = []
    for source in published:
        for link in rendered[source.path].waiting:
            target = "content/" + targets.under_content(source.path,
                                                        split_target(link.target)[0])
            held = by_path.get(target)
            if held is not None:
                found.append(WaitingLink(source.path, source.body_line + link.line - 1,
                                         target, _clock(schedule, held)))
    return tuple(sorted(found, key=lambda w: (w.source, w.line)))


def make_listings(articles: dict[str, Article], by_language: dict[str, tuple[str, ...]],
                  related_memo: RelatedMemo | None = None) -> Listings:
    by_person: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_cluster: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_tag: dict[tuple[str, str], list[str]] = defaultdict(list)
    press_contacts: set[str] = set()
    for lang, keys in by_language.items():
        for key in keys:  # newest first, so every list is too
            article = articles[key]
            for ident in dict.fromkeys(article.authors + article.contacts + article.mentions):
                by_person[lang, ident].append(key)
            for ident in dict.fromkeys(article.clusters + article.organisation_authors):
                by_cluster[lang, ident].append(key)
            for tag in article.tags:
                by_tag[lang, tag.slug].append(key)
            press_contacts.update(article.contacts)
    freeze = lambda d: {k: tuple(v) for k, v in d.items()}  # noqa: E731
    clusters = freeze(by_cluster)
    return Listings(freeze(by_person), clusters, freeze(by_tag),
                    related_keys(articles, clusters, related_memo),
                    frozenset(press_contacts))


MEDIA_PATH = re.compile(r"""(?:\.\./|/)*media/[^\s)"'<>]+""")


def _media_uses(loaded: Loaded, published: Iterable[ArticleSource],
                unpublished: Iterable[ArticleSource], rendered: dict[str, RenderedBody],
                branding: set[str] = frozenset()  # type: ignore[assignment]
                ) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """Media used only by drafts or embargoed articles (publishing them would let a
    reader guess the story, a new leader's portrait, before it is out), and the media
    each unpublished article uses (what its embargo preview copies)."""
    public_use = {p.photo for p in loaded.people if p.photo} | {
        c.logo for c in loaded.clusters if c.logo} | set(branding)
    for article in published:
        if article.image:
            public_use.add(article.image)
        body = rendered.get(article.path)
        for _, url in body.links if body else ():
            if url and url.startswith("/media/"):
                public_use.add(url.lstrip("/").split("#")[0])
    uses: dict[str, tuple[str, ...]] = {}
    for article in unpublished:
        used = [article.image] if article.image else []
        folder = posixpath.dirname(article.path.removeprefix("content/"))
        for match in MEDIA_PATH.finditer(article.body):
            target = match.group(0)
            used.append(target.lstrip("/") if target.startswith("/")
                        else posixpath.normpath(posixpath.join(folder, target)))
        uses[article.path] = tuple(dict.fromkeys(used))
    hidden_use = {path for used in uses.values() for path in used}
    return frozenset(hidden_use - public_use), uses
