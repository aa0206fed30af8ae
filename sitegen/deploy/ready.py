"""Is the output folder a complete build of the sources as they are, fit to publish?

The build store (`.sitegen-cache/store.sqlite`) already knows: for each output folder and
set of options (a "variant") it keeps the state of the last build that succeeded, with
the identity of the folder it made (its marker's inode and time), each output file's
stat stamp, the stamps of the sources it was built from and the moment it was built as
of. A deploy reads that, read-only, and refuses

- a folder no build of this site made as it is now (copied, edited, or a build killed
  before its commit), or one a build is half-way through committing;
- a preview: made with --drafts or --future (drafts, articles under embargo), or
  without its search index (--no-search);
- a build of other sources than the folder's own: a content file changed since, which is
  also what a build that failed leaves (the output is the last good build, of older
  content);
- a build made "as of" a later moment than now (--now, SITEGEN_NOW): it could publish an
  article before its embargo lifts.

Nothing is added to what the build writes, so builds stay byte-identical; the cost is
that deploy must run where the build ran, with its .sitegen-cache/ (as in CI).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import product
from pathlib import Path
from typing import Any

from sitegen import codec
from sitegen.deploy.bucket import DeployError
from sitegen.fingerprint import code_digest
from sitegen.locations import CACHE_DIR, CONFIG_NAME
from sitegen.store import SCHEMA, checksum, store_path
from sitegen.write import MARKER, output_identity, stat_stamp

REBUILD = "run sitegen build (without --drafts, --future, --now or --no-search), then deploy"
CLOCK_SLACK = timedelta(minutes=1)  # between CI's clock and the build's


@dataclass(frozen=True, slots=True)
class Ready:
    """A complete build, and what the deploy should say about it."""

    built_at: datetime
    valid_until: datetime | None  # the next moment the clock alone changes the site
    notes: tuple[str, ...] = ()


def check_ready(site: Path, out: Path, now: datetime) -> Ready:
    """The build in `out`, if it may be published; DeployError saying why not.
    Call under the output's build lock."""
    site, out = site.resolve(), out.resolve()
    shown = _shown(out, site)
    if not (out / MARKER).is_file():
        raise DeployError(f"there is no finished build in {shown}",
                          "run sitegen build first, then deploy")
    if any(out.parent.glob(f".{out.name}.stage-*/journal.json")):
        raise DeployError(f"a build into {shown} was stopped half-way through",
                          "run sitegen build: it finishes what was stopped; then deploy")
    db = _open(store_path(site), shown)
    try:
        found = _variant_of(db, site, out)
        if found is None:
            raise DeployError(f"{shown} is not what the last build of this site made (it was "
                              "changed or copied since, or the build was stopped)", REBUILD)
        (drafts, future, no_search), variant, state = found
        if drafts or future:
            what = " and ".join(w for w, on in (("--drafts", drafts), ("--future", future))
                                if on)
            raise DeployError(f"{shown} is a preview built with {what}: it holds drafts or "
                              "articles under embargo", REBUILD)
        if no_search:
            raise DeployError(f"{shown} was built with --no-search: its search would not "
                              "find the newest articles", REBUILD)
        _check_outputs(db, variant, out, shown)
    finally:
        db.close()
    _check_sources(site, state)
    built_at, valid_until = state.get("built_at"), state.get("valid_until")
    if not isinstance(built_at, datetime):
        raise DeployError(f"the build store does not say when {shown} was built", REBUILD)
    if built_at > now + CLOCK_SLACK:
        raise DeployError(
            f"{shown} was built as of {built_at:%Y-%m-%d %H:%M} UTC (--now or SITEGEN_NOW), "
            "later than now: it may publish articles before their embargo lifts", REBUILD)
    notes = []
    if isinstance(valid_until, datetime) and valid_until <= now:
        notes.append(f"{shown} is out of date since {valid_until:%Y-%m-%d %H:%M} UTC (an "
                     "embargo lifted or an article's date came): it is deployed as it is; "
                     "run sitegen build to publish what is due")
    return Ready(built_at, valid_until if isinstance(valid_until, datetime) else None,
                 tuple(notes))


def _shown(out: Path, site: Path) -> str:
    try:
        return out.relative_to(site).as_posix() + "/"
    except ValueError:
        return str(out) + "/"


def _open(path: Path, shown: str) -> sqlite3.Connection:
    """The store, read-only: a deploy must never change (or, being another sitegen,
    empty) what the builds keep."""
    hint = (f"run sitegen build in this folder (in CI: with {CACHE_DIR}/ restored or not, "
            "in the same job as the deploy), then deploy")
    if not path.is_file():
        raise DeployError(f"cannot tell which build made {shown}: there is no {CACHE_DIR}/",
                          hint)
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        row = db.execute("SELECT value, sum FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.Error as exc:
        raise DeployError(f"cannot read the build store {path}: {exc}", hint) from None
    version = f"{SCHEMA}:{code_digest()}"
    if row is None or row[0] != version or checksum("version", row[0]) != row[1]:
        db.close()
        raise DeployError(f"{shown} was built by another version of sitegen than this one",
                          "run sitegen build with this sitegen, then deploy with it")
    return db


def _variant_of(db: sqlite3.Connection, site: Path, out: Path
                ) -> tuple[tuple[bool, bool, bool], str, dict[str, Any]] | None:
    """Which build options made the folder as it is: the variant whose state names the
    folder's identity."""
    from sitegen.engine import Builder

    identity = output_identity(out)
    for drafts, future, no_search in product((False, True), repeat=3):
        variant = Builder(site, out, drafts, future,
                          search="off" if no_search else "now").variant
        try:
            row = db.execute("SELECT value, sum FROM states WHERE variant = ?",
                             (variant,)).fetchone()
        except sqlite3.Error:
            row = None
        if row is None or checksum("state", variant, row[0]) != row[1]:
            continue
        try:
            state = codec.decode(row[0])
        except codec.DecodeError:
            continue
        if isinstance(state, dict) and identity and state.get("output_id") == identity:
            return (drafts, future, no_search), variant, state
    return None


def _check_outputs(db: sqlite3.Connection, variant: str, out: Path, shown: str) -> None:
    """Every file the build wrote is there as it left it (inode, time and size)."""
    try:
        rows = db.execute("SELECT path, digest, stamp, content, sum FROM outputs "
                          "WHERE variant = ?", (variant,)).fetchall()
    except sqlite3.Error as exc:
        raise DeployError(f"cannot read the build store: {exc}", REBUILD) from None
    for path, value, stamp, content, total in rows:
        if checksum("output", variant, path, value, stamp, content) != total:
            raise DeployError("the build store is damaged", REBUILD)
        try:
            same = stat_stamp(out / path) == stamp
        except OSError:
            same = False
        if not same:
            raise DeployError(f"{shown}{path} was changed or removed after the build",
                              "do not edit the output by hand; " + REBUILD)


def _check_sources(site: Path, state: dict[str, Any]) -> None:
    """The sources are the ones built: none changed, added or removed since. A build
    that failed leaves the last good output, of the sources before the failing edit."""
    from sitegen.changes import input_stamps

    before = state.get("stamps")
    now, _ = input_stamps(site)
    if before == now:
        return
    before = before if isinstance(before, dict) else {}
    changed = sorted(set(before) ^ set(now)) or sorted(
        path for path in now if before.get(path) != now[path])
    if changed == [str(site / CONFIG_NAME)] and _same_settings(site, state):
        return  # site.toml changed, but not what the build read (its [deploy] table)
    first = Path(changed[0]) if changed else site
    try:
        first_shown = first.relative_to(site).as_posix()
    except ValueError:
        first_shown = str(first)
    more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
    raise DeployError(f"{first_shown}{more} changed since the last build (or the last build "
                      "failed): the output is not a build of the site as it is",
                      "run sitegen build; if it reports errors, fix them and build again; "
                      "then deploy")


def _same_settings(site: Path, state: dict[str, Any]) -> bool:
    """site.toml gives the build what it gave the last one: the build's digest of the
    settings (`Builder._build`), taken again."""
    from sitegen.config import load_config
    from sitegen.fingerprint import digest

    config, problems = load_config(site)
    return config is not None and not any(p.is_error for p in problems) \
        and state.get("config") == digest([repr(config)])
