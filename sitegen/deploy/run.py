"""A deploy from start to end: check the build, plan, then change the bucket in a safe
order.

The order is the one in which a reader never meets a broken link, and in which a deploy
stopped anywhere leaves a bucket the next deploy can finish (sitegen/deploy/plan.py):

1. the journal (what this deploy will upload and delete);
2. what pages link to: media, theme assets, vCards, the search index's chunks;
3. the pages (and the search index's entry points, which name the chunks);
4. what links to pages: feeds, sitemaps, robots.txt;
5. the manifest;
6. deletions of files no longer built (refused above a share of the site);
7. the journal removed.

Then the changed URLs (absolute, from base_url) go to a file, and the site's purge
command, if it has one, is run with it, for whatever CDN serves the bucket.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen.config import SiteConfig
from sitegen.deploy.bucket import OWN_CACHE, Bucket, DeployError
from sitegen.deploy.files import OWN_FOLDER, PHASES, scan, url_of
from sitegen.deploy.plan import (
    JOURNAL,
    MANIFEST,
    ManifestError,
    Plan,
    Upload,
    decode_journal,
    decode_manifest,
    make_plan,
)
from sitegen.deploy.ready import check_ready
from sitegen.deploy.settings import DeployConfig
from sitegen.locations import CACHE_DIR
from sitegen.write import build_lock

RECORD = f"{CACHE_DIR}/deploy/last-deploy.json"  # for `sitegen ci due`
PURGE_SECONDS = 600
Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Options:
    dry_run: bool = False
    allow_deletes: bool = False
    purge: bool = True
    changed_urls: Path | None = None  # overrides [deploy] changed_urls


@dataclass
class Outcome:
    plan: Plan
    notes: list[str] = field(default_factory=list)
    refused: str = ""  # the deletion guard's reason, in a dry run
    changed_urls: Path | None = None
    urls: int = 0
    purged: bool = False
    seconds: float = 0.0


def deploy(site: Path, out: Path, config: SiteConfig, settings: DeployConfig,
           options: Options, now: datetime, say: Say = lambda text: None) -> Outcome:
    """Publish `out` to the bucket (or, dry, say what would be done)."""
    started = time.perf_counter()
    with build_lock(out.resolve()):
        ready = check_ready(site, out, now)
        local = scan(out, settings)
        clash = next((rel for rel in local if rel.startswith(OWN_FOLDER)), None)
        if clash:
            raise DeployError(f"the build holds {clash}, but {OWN_FOLDER} in the bucket is "
                              "the deploy's own folder", "rename that file in static/")
        bucket = Bucket(settings)
        plan = _plan(bucket, local)
        outcome = Outcome(plan, list(ready.notes))
        if plan.previous is None and not options.dry_run:
            strangers = sum(1 for rel in bucket.keys()
                            if rel not in local and not rel.startswith(OWN_FOLDER))
            if strangers:
                outcome.notes.append(f"the bucket already held {strangers} file(s) under "
                                     f"'{settings.prefix}' that sitegen did not put there: "
                                     "they are left as they are")
        limit = settings.max_delete_percent
        if plan.delete_share * 100 > limit and not options.allow_deletes:
            reason = (f"this deploy would delete {plan.site_deletes} of the "
                      f"{len(plan.previous.files) if plan.previous else 0} published files "
                      f"({plan.delete_share:.0%}), more than max_delete_percent "
                      f"({limit:g} %)")
            if options.dry_run:
                outcome.refused = reason
            else:
                raise DeployError(
                    reason + "; nothing was changed",
                    "a build of too little (a folder missing from the checkout, a wrong "
                    "--site) looks like this; if the deletions are meant, run the deploy "
                    "again with --allow-deletes")
        if options.dry_run:
            outcome.seconds = time.perf_counter() - started
            return outcome
        _carry_out(bucket, out, plan, settings, say)
        urls = sorted({url_of(config.base_url, rel)
                       for rel in [u.rel for u in plan.uploads] + plan.deletes})
        target = options.changed_urls or site / settings.changed_urls
        _write(target, "".join(url + "\n" for url in urls).encode())
        outcome.changed_urls, outcome.urls = target, len(urls)
        _record(site, settings, plan, ready.valid_until, now)
    if urls and settings.purge_command and options.purge:
        say(f"Purging {len(urls)} URL(s): {settings.purge_command}")
        _purge(site, settings.purge_command, target, len(urls), config.base_url)
        outcome.purged = True
    outcome.seconds = time.perf_counter() - started
    return outcome


def _plan(bucket: Bucket, local: dict) -> Plan:
    raw = bucket.get(MANIFEST, first=True)
    journal_raw = bucket.get(JOURNAL)
    try:
        previous = decode_manifest(raw) if raw is not None else None
        journal = decode_journal(journal_raw) if journal_raw is not None else None
    except ManifestError as exc:
        raise DeployError(f"cannot read the bucket's {OWN_FOLDER}: {exc}",
                          f"if another tool wrote it, delete {OWN_FOLDER} in the bucket; the "
                          "next deploy then uploads every file again") from None
    return make_plan(local, previous, journal)


def _carry_out(bucket: Bucket, out: Path, plan: Plan, settings: DeployConfig,
               say: Say) -> None:
    if plan.nothing_to_do:
        return
    if plan.uploads or plan.deletes:
        bucket.put(JOURNAL, plan.journal().encode(), "application/json", OWN_CACHE)
    for number, name in enumerate(PHASES):
        items = plan.phase(number)
        if items:
            say(f"Uploading {len(items)} {name} ({size_text(sum(u.entry.size for u in items))})")
            _upload_all(bucket, out, items, settings.parallel_uploads)
    if plan.writes_manifest:
        bucket.put(MANIFEST, plan.manifest.encode(), "application/json", OWN_CACHE)
    if plan.deletes:
        say(f"Deleting {len(plan.deletes)} file(s) no longer built")
        bucket.delete(plan.deletes)
    bucket.delete_one(JOURNAL)


def _upload_all(bucket: Bucket, out: Path, items: list[Upload], parallel: int) -> None:
    """Upload concurrently; the first failure stops the rest (the journal already says
    what a next deploy must do again)."""
    pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="upload")
    try:
        futures = [pool.submit(bucket.upload, out, u.rel, u.entry) for u in items]
        wait(futures, return_when=FIRST_EXCEPTION)
    finally:  # also on Ctrl-C: what has not started does not start
        pool.shutdown(wait=True, cancel_futures=True)
    for future in futures:
        if not future.cancelled() and future.exception() is not None:
            raise future.exception()  # type: ignore[misc]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def sources_digest(site: Path) -> str:
    """The sources by content (stamps change with every checkout): what `ci due`
    compares with the last deploy's."""
    from sitegen.changes import input_stamps

    stamps, _ = input_stamps(site)
    hasher = hashlib.sha256()
    root = str(site.resolve())
    for path in sorted(stamps):
        shown = path[len(root):] if path.startswith(root) else Path(path).name
        hasher.update(shown.encode("utf-8", "surrogateescape") + b"\0")
        hasher.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return hasher.hexdigest()


def _record(site: Path, settings: DeployConfig, plan: Plan, valid_until: datetime | None,
            now: datetime) -> None:
    record = {"bucket": settings.where, "manifest": plan.manifest.id,
              "sources": sources_digest(site), "deployed_at": now.isoformat(),
              "next_change": valid_until.isoformat() if valid_until else None}
    try:
        _write(site / RECORD, json.dumps(record, indent=1).encode())
    except OSError:
        pass  # only `ci due` reads it, and without it answers "yes"


def _purge(site: Path, command: str, urls: Path, count: int, base_url: str) -> None:
    env = {**os.environ, "SITEGEN_CHANGED_URLS": str(urls.resolve()),
           "SITEGEN_CHANGED_COUNT": str(count), "SITEGEN_BASE_URL": base_url}
    hint = ("the site is published; until the CDN is purged it may serve older copies "
            "until their Cache-Control runs out. Fix purge_command in site.toml's "
            f"[deploy] and run it by hand, with SITEGEN_CHANGED_URLS={urls}")
    try:
        done = subprocess.run(["sh", "-c", command], cwd=site, env=env,
                              timeout=PURGE_SECONDS)
    except subprocess.TimeoutExpired:
        raise DeployError(f"the purge command did not finish in {PURGE_SECONDS} s",
                          hint) from None
    except OSError as exc:
        raise DeployError(f"cannot run the purge command: {exc}", hint) from None
    if done.returncode != 0:
        raise DeployError(f"the purge command failed (exit status {done.returncode})", hint)


def size_text(count: int) -> str:
    """1234567 -> '1.2 MB' (decimal units, as storage providers bill)."""
    if count < 1000:
        return f"{count} bytes"
    value = float(count)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 1000 or unit == "GB":
            break
    return f"{value:.1f} {unit}"
