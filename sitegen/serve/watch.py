"""Pure decisions for the watcher: what a changed path is, and when a burst is over.

Nothing here touches the file system or the clock: `classify` reads only the path and
`Debouncer` is told the time. The session feeds them watchdog's events (as Zola's
`detect_change_kind` and `is_temp_file` are fed notify's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath

from sitegen.load.discover import is_ignored_name


class ChangeKind(StrEnum):
    ARTICLE = "article"  # content/<lang>/**/*.md
    PERSON = "person"  # content/people/*.md
    CLUSTER = "cluster"  # content/clusters/*.md
    MEDIA = "media"  # content/media/**
    CONTENT = "content"  # anything else under content/: a folder, a stray file
    STATIC = "static"  # static/** of the site, published at the root
    TEMPLATE = "template"  # themes/<name>/templates/**
    THEME_STATIC = "theme-static"  # themes/<name>/static/**
    TRANSLATIONS = "translations"  # themes/<name>/translations/**
    CONFIG = "config"  # site.toml
    IGNORED = "ignored"  # editor droppings, hidden files, anything else


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    path: str  # posix path relative to the site root: "content/da/2021/x.md"


# Watchdog event types that can change what a build reads. "opened" and
# "closed_no_write" are left out on purpose: the build itself opens every file.
RELEVANT_EVENTS = frozenset({"created", "modified", "moved", "deleted", "closed"})

# Files editors write next to the one being saved, beyond what discovery ignores
# (swap files, '~' backups, vim's 4913, emacs' .#x and #x#, hidden files).
TEMP_PATTERNS = re.compile(
    r"(\.kate-swp|\.sw[a-p]|___jb_(tmp|old|bak)___|\.bak|\.bck|\.crswap|\.part|\.orig)$"
    r"|^\.goutputstream-|^\.~lock\."
)


def is_temp_file(name: str) -> bool:
    """A file an editor or the system writes while saving, never content."""
    return is_ignored_name(name) or bool(TEMP_PATTERNS.search(name))


def relevant_event(event_type: str, is_directory: bool) -> bool:
    """Whether a watchdog event may change the site. A folder's 'modified' only says that
    an entry in it changed, which arrives as an event of its own."""
    if event_type not in RELEVANT_EVENTS:
        return False
    return not (is_directory and event_type in ("modified", "closed"))


def classify(site_root: Path, path: Path) -> Change:
    """What kind of source a path is. Paths outside the site, or with any part that is
    hidden or temporary, are IGNORED."""
    try:
        rel = PurePosixPath(Path(path).relative_to(site_root).as_posix())
    except ValueError:
        return Change(ChangeKind.IGNORED, Path(path).as_posix())
    parts = rel.parts
    text = rel.as_posix()
    if not parts or any(is_temp_file(part) for part in parts):
        return Change(ChangeKind.IGNORED, text)
    head = parts[0]
    if len(parts) == 1:
        kind = ChangeKind.CONFIG if head == "site.toml" else (
            ChangeKind.CONTENT if head == "content" else
            ChangeKind.STATIC if head == "static" else
            ChangeKind.TEMPLATE if head == "themes" else ChangeKind.IGNORED)
        return Change(kind, text)
    if head == "content":
        return Change(_content_kind(parts[1:]), text)
    if head == "static":
        return Change(ChangeKind.STATIC, text)
    if head == "themes":
        return Change(_theme_kind(parts[1:]), text)
    return Change(ChangeKind.IGNORED, text)


def _content_kind(parts: tuple[str, ...]) -> ChangeKind:
    folder, is_markdown = parts[0], parts[-1].endswith(".md")
    if folder == "media":
        return ChangeKind.MEDIA
    if folder == "people" and is_markdown:
        return ChangeKind.PERSON
    if folder == "clusters" and is_markdown:
        return ChangeKind.CLUSTER
    if folder not in ("people", "clusters") and len(parts) > 1 and is_markdown:
        return ChangeKind.ARTICLE
    return ChangeKind.CONTENT


def _theme_kind(parts: tuple[str, ...]) -> ChangeKind:
    """parts below themes/: (<name>, 'templates', ...)."""
    if len(parts) < 2:
        return ChangeKind.TEMPLATE  # a whole theme folder appeared or went
    return {
        "templates": ChangeKind.TEMPLATE,
        "static": ChangeKind.THEME_STATIC,
        "translations": ChangeKind.TRANSLATIONS,
    }.get(parts[1], ChangeKind.IGNORED)


def describe(changes: tuple[Change, ...] | list[Change]) -> str:
    """'content/da/x.md changed' or '3 files changed', for the terminal. Stray files
    (a tool's temporary file beside the one it saves) are left out when there is more."""
    known = [c for c in changes if c.kind is not ChangeKind.CONTENT] or list(changes)
    paths = sorted({c.path for c in known})
    if len(paths) == 1:
        return f"{paths[0]} changed"
    return f"{len(paths)} files changed"


@dataclass
class Debouncer:
    """Turns a burst of changes into one rebuild.

    A rebuild is due when no change has come for `quiet` seconds, or `longest` seconds
    after the first change of the burst (so a program that saves without pause still
    gets a preview). Times are whatever clock the caller uses, in seconds.
    """

    quiet: float = 0.05
    longest: float = 0.5
    _pending: dict[str, Change] = field(default_factory=dict)
    _first: float | None = None
    _last: float | None = None

    def add(self, change: Change, now: float) -> None:
        if change.kind is ChangeKind.IGNORED:
            return
        self._pending[change.path] = change
        if self._first is None:
            self._first = now
        self._last = now

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def wait_time(self, now: float) -> float | None:
        """Seconds until a rebuild is due (0 when it is), None when nothing is pending."""
        if self._first is None or self._last is None:
            return None
        due = min(self._last + self.quiet, self._first + self.longest)
        return max(0.0, due - now)

    def ready(self, now: float) -> bool:
        wait = self.wait_time(now)
        return wait is not None and wait <= 0

    def take(self) -> tuple[Change, ...]:
        """The changes of the burst, sorted by path; the debouncer starts afresh."""
        changes = tuple(sorted(self._pending.values(), key=lambda c: c.path))
        self._pending.clear()
        self._first = self._last = None
        return changes
