"""What a deploy does: the build compared with the bucket's manifest, file by file.

The bucket holds, beside the site, `.sitegen/manifest.json` (every file's sha256, size,
content type and Cache-Control, as the last complete deploy left them) and, while a
deploy is under way, `.sitegen/journal.json` (what that deploy is about to upload and
delete). A deploy writes the journal first, uploads, writes the manifest, deletes, and
removes the journal. Killed anywhere, the next deploy reads both and knows what may be
half done:

- a journal whose id is not the manifest's: its uploads may or may not have happened,
  so each is uploaded again (or deleted, if the build no longer has it), whatever the
  manifest says;
- a journal whose id is the manifest's: the uploads are done; its deletions may not be.

So a killed deploy, run again, ends with the bucket one uninterrupted deploy leaves:
the same objects, the same headers, the same manifest (its id is a hash of its files,
not a time), and no journal.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sitegen.deploy.files import OWN_FOLDER, PHASES, Entry, phase_of

MANIFEST = OWN_FOLDER + "manifest.json"
JOURNAL = OWN_FOLDER + "journal.json"
FORMAT = 1


class ManifestError(Exception):
    """The bucket's manifest or journal is not one sitegen can read."""


@dataclass(frozen=True)
class Manifest:
    files: dict[str, Entry]

    @cached_property
    def id(self) -> str:
        """A hash of the files: the same build deployed twice has the same manifest."""
        return hashlib.sha256(_files_json(self.files).encode()).hexdigest()[:32]

    def encode(self) -> bytes:
        return (f'{{"format":{FORMAT},"generator":"sitegen","id":"{self.id}",'
                f'"files":{_files_json(self.files)}}}\n').encode()


@dataclass(frozen=True, slots=True)
class Journal:
    id: str  # the id of the manifest this deploy writes
    uploads: tuple[str, ...]
    deletes: tuple[str, ...]

    def encode(self) -> bytes:
        return json.dumps({"format": FORMAT, "id": self.id, "uploads": list(self.uploads),
                           "deletes": list(self.deletes)}, separators=(",", ":")).encode()


def _files_json(files: dict[str, Entry]) -> str:
    return json.dumps({rel: {"sha256": e.sha256, "size": e.size, "type": e.content_type,
                             "cache": e.cache_control} for rel, e in sorted(files.items())},
                      separators=(",", ":"), ensure_ascii=False)


def decode_manifest(data: bytes) -> Manifest:
    raw = _decode(data, "manifest")
    files = raw.get("files")
    if not isinstance(files, dict):
        raise ManifestError("the manifest has no list of files")
    try:
        return Manifest({rel: Entry(str(row["sha256"]), int(row["size"]), str(row["type"]),
                                    str(row["cache"])) for rel, row in files.items()})
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestError(f"a row of the manifest is not readable ({exc})") from None


def decode_journal(data: bytes) -> Journal:
    raw = _decode(data, "journal")
    try:
        return Journal(str(raw["id"]), tuple(map(str, raw["uploads"])),
                       tuple(map(str, raw["deletes"])))
    except (KeyError, TypeError) as exc:
        raise ManifestError(f"the journal is not readable ({exc})") from None


def _decode(data: bytes, what: str) -> dict[str, Any]:
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ManifestError(f"the {what} is not JSON") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ManifestError(f"the {what} is of another format than this sitegen's "
                            f"({FORMAT})")
    return raw


@dataclass(frozen=True, slots=True)
class Upload:
    rel: str
    entry: Entry
    reason: str  # "new", "changed", or "unfinished" (by a deploy that was stopped)

    @property
    def phase(self) -> int:
        return phase_of(self.rel)


@dataclass
class Plan:
    manifest: Manifest  # the one this deploy leaves
    previous: Manifest | None  # the bucket's, None on a first deploy
    old_journal: Journal | None
    uploads: list[Upload] = field(default_factory=list)  # by phase, then path
    deletes: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def upload_bytes(self) -> int:
        return sum(u.entry.size for u in self.uploads)

    @property
    def site_deletes(self) -> int:
        """Deletions of files the last deploy published (not of a stopped one's
        leftovers): what the deletion guard counts."""
        known = self.previous.files if self.previous else {}
        return sum(rel in known for rel in self.deletes)

    @property
    def delete_share(self) -> float:
        """The share of the published site this deploy deletes, 0 to 1."""
        if not self.previous or not self.previous.files:
            return 0.0
        return self.site_deletes / len(self.previous.files)

    @property
    def writes_manifest(self) -> bool:
        return (self.previous is None or self.previous.id != self.manifest.id
                or bool(self.uploads or self.deletes))

    @property
    def nothing_to_do(self) -> bool:
        return not self.writes_manifest and self.old_journal is None

    def journal(self) -> Journal:
        return Journal(self.manifest.id, tuple(u.rel for u in self.uploads),
                       tuple(self.deletes))

    def phase(self, number: int) -> list[Upload]:
        return [u for u in self.uploads if u.phase == number]

    def phase_counts(self) -> list[tuple[str, int, int]]:
        """(phase name, files, bytes) for each upload phase."""
        return [(name, len(items), sum(u.entry.size for u in items))
                for name, items in ((n, self.phase(i)) for i, n in enumerate(PHASES))]


def make_plan(local: dict[str, Entry], previous: Manifest | None,
              journal: Journal | None) -> Plan:
    """Compare the build (`local`) with the bucket's manifest and journal."""
    unfinished: set[str] = set()
    pending: set[str] = set()
    if journal is not None:
        pending = set(journal.deletes)
        if previous is None or journal.id != previous.id:
            unfinished = set(journal.uploads)  # stopped before its manifest
    plan = Plan(Manifest(dict(local)), previous, journal)
    known = previous.files if previous else {}
    for rel in sorted(local, key=lambda r: (phase_of(r), r)):
        entry = local[rel]
        before = known.get(rel)
        reason = ("new" if before is None else "changed" if before != entry
                  else "unfinished" if rel in unfinished else "")
        if reason:
            plan.uploads.append(Upload(rel, entry, reason))
        else:
            plan.unchanged += 1
    plan.deletes = sorted((set(known) | unfinished | pending) - set(local))
    return plan
