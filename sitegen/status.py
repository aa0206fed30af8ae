"""`sitegen status` and `sitegen next-change`: what is not public yet, and until when.

A press officer asks "what is waiting, and when does it go out?"; a scheduler asks
"when must the site be built again?". Both answers come from the same schedule the
build uses (sitegen/resolve/schedule.py), so they cannot disagree with what a build
would publish at that minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sitegen.config import SiteConfig, load_config
from sitegen.errors import Problem
from sitegen.load.content import load_content
from sitegen.load.fields import zone_place
from sitegen.load.records import ArticleSource
from sitegen.model import WaitingLink
from sitegen.resolve import previews
from sitegen.resolve.schedule import clock_moments, make_schedule, translation_key
from sitegen.resolve.site import BuildOptions, resolve_site

# resolve_site refuses to resolve a site that asks for previews without a secret; status
# resolves with this one instead (only to find the waiting links; no address is made
# from it: those come from the real secret, or are not shown).
_STAND_IN_SECRET = "status-stand-in-secret"


@dataclass(frozen=True, slots=True)
class Version:
    path: str
    lang: str
    title: str
    date: datetime
    preview: str | None = None  # its preview's address, when there is one


@dataclass(frozen=True, slots=True)
class Story:
    """A story held by its embargo, with the versions it holds."""

    lift: datetime
    zone: str  # the first version's language's time zone, for local times
    versions: tuple[Version, ...]


@dataclass(frozen=True, slots=True)
class Status:
    now: datetime
    drafts: tuple[Version, ...] = ()
    embargoes: tuple[Story, ...] = ()
    future: tuple[Version, ...] = ()  # dated ahead, no embargo on the story
    waiting: tuple[WaitingLink, ...] = ()
    next_change: datetime | None = None
    errors: int = 0  # the site does not build as it is: `sitegen check` says why
    preview_note: str = ""  # why no preview addresses are shown
    problems: tuple[Problem, ...] = field(default=(), repr=False)


def _version(article: ArticleSource, preview: str | None = None) -> Version:
    return Version(article.path, article.lang, article.title, article.date, preview)


def gather(site_root: Path, now: datetime, secret: str | None) -> tuple[Status | None,
                                                                          list[Problem]]:
    """The site's schedule as of `now`; None with the problems when site.toml is broken."""
    config, problems = load_config(site_root)
    if config is None:
        return None, problems
    loaded, load_problems = load_content(site_root, config)
    articles = list(loaded.articles)
    schedule = make_schedule(articles)
    usable = previews.usable(secret)
    wanted = {a.path for a in previews.wanted(articles, schedule, now)}
    stories: dict[str, list[ArticleSource]] = {}
    for article in articles:
        if schedule.held(article, now) and not article.draft:
            stories.setdefault(translation_key(article), []).append(article)
    embargoes = []
    for key, held in stories.items():
        held.sort(key=lambda a: config.language_codes.index(a.lang)
                  if a.lang in config.language_codes else 99)
        embargoes.append(Story(schedule.lifts[key], config.language(held[0].lang).timezone,
                               tuple(_version(a, previews.address(secret, a)
                                              if secret and usable and a.path in wanted
                                              else None) for a in held)))
    embargoes.sort(key=lambda s: (s.lift, s.versions[0].path))
    options = BuildOptions(now=now, preview_secret=secret if usable else _STAND_IN_SECRET)
    site, resolve_problems = resolve_site(loaded, config, options)
    all_problems = [*problems, *load_problems, *resolve_problems]
    moments = clock_moments(articles, schedule, now)
    note = "" if usable or not wanted else (
        f"set {previews.SECRET_VARIABLE} (the build's secret) to see the preview addresses")
    return Status(
        now=now,
        drafts=tuple(_version(a) for a in sorted(articles, key=lambda a: a.path) if a.draft),
        embargoes=tuple(embargoes),
        future=tuple(_version(a) for a in sorted(articles, key=lambda a: (a.date, a.path))
                     if not a.draft and a.date > now and not schedule.held(a, now)),
        waiting=site.waiting if site is not None else (),
        next_change=moments[0] if moments else None,
        errors=sum(p.is_error for p in all_problems),
        preview_note=note,
        problems=tuple(all_problems),
    ), all_problems


def local(moment: datetime, zone: str) -> str:
    """'2026-12-02 09:00 (Copenhagen time)'."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M} ({zone_place(tz)} time)"


def as_text(status: Status, config: SiteConfig) -> str:
    zone = config.language(config.default_language).timezone

    def zone_of(lang: str) -> str:
        return config.language(lang).timezone if lang in config.language_codes else zone

    lines = [f"As of {local(status.now, zone)}:"]
    if status.embargoes:
        count = len(status.embargoes)
        lines += ["", f"Under embargo ({count} {'story' if count == 1 else 'stories'}):"]
        for story in status.embargoes:
            held = ", ".join(v.lang for v in story.versions)
            lines.append(f"  until {local(story.lift, story.zone)}, held in: {held}")
            for version in story.versions:
                lines.append(f"    {version.path}  {version.title}")
                if version.preview:
                    lines.append(f"      preview: {config.base_url.rstrip('/')}"
                                 f"{version.preview}")
    if status.future:
        lines += ["", "Dated in the future (public from their date):"]
        lines += [f"  {local(v.date, zone_of(v.lang))}  {v.path}  {v.title}"
                  for v in status.future]
    if status.drafts:
        lines += ["", "Drafts (published only when 'draft: true' is removed):"]
        lines += [f"  {v.path}  {v.title}" for v in status.drafts]
    if status.waiting:
        lines += ["", "Links waiting for an embargo (shown as text until the lift):"]
        lines += [f"  {w.source}:{w.line} -> {w.target}, until {local(w.lift, zone)}"
                  for w in status.waiting]
    if not (status.embargoes or status.future or status.drafts):
        lines += ["", "Everything is public: no drafts, embargoes or future dates."]
    lines.append("")
    if status.next_change is not None:
        lines.append(f"Next change by the clock alone: {local(status.next_change, zone)}, "
                     f"{iso(status.next_change)} (sitegen next-change)")
    else:
        lines.append("The clock alone will not change the site.")
    if status.preview_note:
        lines.append(f"Previews: {status.preview_note}.")
    if status.errors:
        lines.append(f"The site has {status.errors} error(s) as it is: sitegen check lists "
                     "them.")
    return "\n".join(lines)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC, to the second: what schedulers read."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def as_json(status: Status, config: SiteConfig) -> dict[str, Any]:
    def version(v: Version) -> dict[str, Any]:
        data: dict[str, Any] = {"path": v.path, "lang": v.lang, "title": v.title,
                                "date": iso(v.date)}
        if v.preview:
            data["preview"] = config.base_url.rstrip("/") + v.preview
        return data

    return {
        "now": iso(status.now),
        "embargoes": [{"lift": iso(s.lift), "lift_local": local(s.lift, s.zone),
                       "languages": [v.lang for v in s.versions],
                       "versions": [version(v) for v in s.versions]}
                      for s in status.embargoes],
        "future": [version(v) for v in status.future],
        "drafts": [version(v) for v in status.drafts],
        "waiting_links": [{"source": w.source, "line": w.line, "target": w.target,
                           "lift": iso(w.lift)} for w in status.waiting],
        "next_change": iso(status.next_change) if status.next_change else None,
        "errors": status.errors,
        "preview_note": status.preview_note or None,
    }


def next_change(site_root: Path, now: datetime) -> tuple[datetime | None, Sequence[Problem]]:
    """The next moment the clock alone changes the site (None: never, or no site.toml)."""
    from sitegen.resolve.schedule import next_moment

    config, problems = load_config(site_root)
    if config is None:
        return None, problems
    loaded, load_problems = load_content(site_root, config)
    return next_moment(list(loaded.articles), now), [*problems, *load_problems]
