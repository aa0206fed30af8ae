"""A cold build's parsed files and bodies, written into the build store by a forked
process of their own while the build goes on.

After loading and Markdown a cold build works on one core for a few seconds (the rest
of resolve, the pages' digests, the plan), and the other is idle; writing ten thousand
files and bodies as JSON into SQLite takes about that long. Done in a thread it would
share the build's GIL, and wait for the pages to render; in a forked process it uses
the idle core. The process opens a connection of its own (a connection must not cross
a fork) and never replaces the store's file, whatever it finds there. A store that
cannot be written costs the next build time, as everywhere in the store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

from sitegen.codec import DecodeError
from sitegen.forkpool import Detached
from sitegen.parallel import can_fork
from sitegen.store import Store

ASIDE_FROM = 512  # rows: below this a fork costs more than the writing


def nothing() -> None:
    """What there is to wait for when the rows were written at once."""


def _write_content(shared: tuple[Any, ...], _item: object) -> None:
    path, config, files, changed, bodies, live = shared
    try:
        store = Store.joining(path)
    except (sqlite3.Error, OSError, DecodeError):
        return
    try:
        store.save_content(config, files, changed, bodies, live)
    finally:
        store.close()


def save_content_aside(store: Store, config: str, files: Mapping[str, Any],
                       changed: list[str], bodies: Mapping[str, Any],
                       live: Callable[[], set[str] | None]) -> Callable[[], None] | None:
    """Start writing these rows (see Store.save_content) in a process of its own, and
    give the function that waits for it; None when they are better written here (few
    rows, a store only in memory, or another thread alive: no fork then)."""
    if store.path is None or not store.persistent \
            or len(changed) + len(bodies) < ASIDE_FROM or not can_fork():
        return None
    return Detached(_write_content, (store.path, config, files, changed, bodies,
                                     live)).wait
