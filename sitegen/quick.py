"""The quick path of an incremental build: an edit that changes no structure.

Its cost is proportional to the edit, not to the site: the edited files are parsed and
resolved alone (sitegen/patch.py) against the last build's model (in memory while
serving, else read lazily from the build store, sitegen/snapshot.py); the build store's
reverse index names the outputs that read the edited records; only their digests are
taken, and only those that changed are rendered and committed. Nothing here reads
every file, every record or every page. Whenever it cannot be sure, it returns None
and the engine builds the usual way.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sitegen.errors import BuildFailed
from sitegen.fingerprint import digest
from sitegen.report import BuildReport

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sitegen.derived import Made
    from sitegen.engine import Builder
    from sitegen.model import Article
    from sitegen.pipeline import OnPage
    from sitegen.resolve import BuildOptions
    from sitegen.store import Outputs


def quick_build(builder: Builder, state: dict[str, Any], outputs: Outputs, edited: list[str],
                options: BuildOptions, fresh: dict[str, Any], started: float,
                on_page: OnPage | None) -> BuildReport | None:
    """Build an edit of `edited` (content files) by patching; None if it cannot."""
    from sitegen.config import load_config
    from sitegen.kinds.digest import digests_and_reads
    from sitegen.patch import patch
    from sitegen.pipeline import Prepared, render_pages
    from sitegen.render.theme import load_theme, theme_dirs
    from sitegen.snapshot import Head, MissingRecord, model_rows, read_head, stored_site
    from sitegen.store import BodyStore

    config, problems = load_config(builder.site_root)
    if config is None or any(p.is_error for p in problems):
        return None
    config_digest = digest([repr(config)])
    dirs = theme_dirs(builder.site_root, config.theme)
    global_digest = builder.global_digest(config_digest, dirs, fresh["stamped_at"],
                                          options.preview)
    if state.get("config") != config_digest or state.get("global") != global_digest:
        return None
    memory = builder.memory
    if memory is not None and memory.site is not None and memory.head is not None:
        base, head = memory.site, memory.head
        old_files: Any = memory.files
        bodies = BodyStore(builder.store, memory.bodies)
    else:
        head = read_head(builder.store, builder.variant)
        if head is None or head.token != state.get("snapshot"):
            return None
        base = stored_site(config, options, head, builder.store, builder.variant)
        old_files = {rel: builder.store.file(rel, config_digest) for rel in edited}
        bodies = BodyStore(builder.store)
    if any(page.kind.name == "preview" for page in head.pages):
        return None  # embargo previews are made by resolving the whole site
    try:
        patched = patch(builder.site_root, config, options, base, head, edited, old_files,
                        bodies)
        if patched is None:
            return None
        zips = press_kits(patched.articles.values(), outputs, global_digest)
        if zips is None:
            return None  # a press kit comes or goes: the whole path plans the ZIPs
        by_output = {page.output: page for page in head.pages}
        affected = builder.store.readers(builder.variant, patched.inputs | {"site"})
        if affected is None:
            return None  # a damaged row: what the pages read is unknown
        pages = [by_output[rel] for rel in sorted(affected)
                 if rel in by_output and not by_output[rel].kind.structural]
        digests, reads = digests_and_reads(patched.site, pages, global_digest)
        changed = [page for page in pages if outputs[page.output][0] != digests[page.output]]
        zips = {rel: item for rel, item in zips.items()
                if outputs[rel][0] != "made:" + item.key}  # a text edit keeps its ZIP
        digests.update((rel, "made:" + item.key) for rel, item in zips.items())
        new_head = Head(head.by_language, patched.site.people, patched.site.clusters,
                        head.assets, head.listings, head.targets, head.media, head.failed,
                        patched.problems, head.pages, head.search, token=fresh["inputs"],
                        images=head.images, logo=head.logo, icon=head.icon)
        prepared = Prepared(patched.site, load_theme(builder.site_root, config), head.pages,
                            patched.problems, head.media, head.failed, images=head.images)
        rendered = render_pages(prepared, changed, None, builder.jobs, on_page)
    except MissingRecord:
        return None  # the snapshot is damaged: resolve the whole site instead
    except BuildFailed:
        return None  # reported, with every other problem, by the whole build
    rows = model_rows(patched.site, new_head, patched.articles)
    if patched.problems == head.problems and all(
            name.startswith("article:") for name in patched.inputs):
        del rows["head"]  # unchanged: an edit of articles alone leaves it as it was
    if not builder.store.stage(builder.variant, rows,
                               {rel: reads[rel] for rel in digests if rel in reads}):
        return None
    builder.store.save_content(config_digest, patched.files, list(patched.files), bodies.new,
                               lambda: None)
    new_state = {**state, **fresh, "built_at": options.now,
                 "snapshot": new_head.token if "head" in rows else head.token}
    previous = state["report"]
    report = replace(previous, problems=patched.problems, copied=0,
                     seconds=time.perf_counter() - started)
    builder.commit_update(rendered, digests, {}, [], new_state, report, prepared,
                          head.search, outputs, zips)
    if memory is not None:
        memory.files.update(patched.files)
        memory.site, memory.head = patched.site, new_head
    return report


def press_kits(articles: Iterable[Article], outputs: Outputs, global_digest: str
               ) -> dict[str, Made] | None:
    """The edited stories' press-kit ZIPs (output path -> how to make each), to be made
    again with their pages; None when a story gains or loses its press kit (a picture
    added or removed, a story held), which the whole path plans."""
    from sitegen.derived import in_press_kit, press_zip_item, zip_path

    zips: dict[str, Made] = {}
    for article in articles:
        rel = zip_path(article)
        if in_press_kit(article) != (rel in outputs):
            return None
        if rel in outputs:
            zips[rel] = press_zip_item(article, global_digest)
    return zips
