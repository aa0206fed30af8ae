"""Pagefind's index in one byte order, so that equal sites give byte-identical builds.

Pagefind 1.x writes its word index and page fragments the same way every time, but lists
the values of each filter, the filters of a language and the languages in the order of
Rust hash maps, which changes from run to run; file names are hashes of the contents, so
the names change too. Here those lists are sorted and the files renamed after their new
contents. Pagefind's files are gzip of b"pagefind_dcd" + CBOR; only the few structures
named below are touched, and only after they decoded and re-encoded to the same bytes:
a format this module does not recognise is left exactly as Pagefind wrote it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path
from typing import Any

MAGIC = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"


class Unrecognised(Exception):
    """The files are not laid out as this module expects (another Pagefind version)."""


def canonicalize(bundle: Path) -> bool:
    """Rewrite the bundle's filters, metadata and entry in sorted order. Returns False,
    changing nothing, when the layout is not the one this module knows."""
    try:
        entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
        plan = [_language(bundle, info) for info in entry["languages"].values()]
    except (OSError, ValueError, KeyError, TypeError, Unrecognised):
        return False
    for (info, meta_path, meta, filters) in plan:
        names = []
        for name, old_hash, chunk in filters:
            values = sorted(chunk[1], key=lambda pair: pair[0])
            new_hash = _write(bundle / "filter", info["hash"].rsplit("_", 1)[0], 7,
                              [name, values], ".pf_filter")
            if new_hash != old_hash:
                (bundle / "filter" / f"{old_hash}.pf_filter").unlink()
            names.append([name, new_hash])
        meta[3] = sorted(names)
        new_meta = _write(bundle, info["hash"].rsplit("_", 1)[0], 10, meta, ".pf_meta",
                          prefix="pagefind.")
        if new_meta != info["hash"]:
            meta_path.unlink()
        info["hash"] = new_meta
    entry["languages"] = dict(sorted(entry["languages"].items()))
    (bundle / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                                encoding="utf-8")
    return True


def filter_values(bundle: Path) -> dict[str, set[str]]:
    """Every filter of the bundle and its values, read from its filter chunks (what
    Pagefind took from the pages, not what the theme meant to mark). Raises
    Unrecognised when the layout is not the one this module knows."""
    try:
        entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
        languages = [_language(bundle, info) for info in entry["languages"].values()]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise Unrecognised(str(exc)) from exc
    values: dict[str, set[str]] = {}
    for _info, _path, _meta, filters in languages:
        for name, _hash, chunk in filters:
            values.setdefault(name, set()).update(value for value, _pages in chunk[1])
    return values


def _language(bundle: Path, info: dict[str, Any]
              ) -> tuple[dict[str, Any], Path, list[Any], list[tuple[str, str, list[Any]]]]:
    """One language's metadata and its filter chunks, decoded; Unrecognised if odd."""
    meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
    meta = _read(meta_path)
    if not (isinstance(meta, list) and len(meta) >= 4 and isinstance(meta[3], list)):
        raise Unrecognised(meta_path.name)
    filters = []
    for item in meta[3]:
        if not (isinstance(item, list) and len(item) == 2
                and all(isinstance(x, str) for x in item)):
            raise Unrecognised(meta_path.name)
        chunk = _read(bundle / "filter" / f"{item[1]}.pf_filter")
        if not (isinstance(chunk, list) and len(chunk) == 2 and chunk[0] == item[0]
                and isinstance(chunk[1], list)
                and all(isinstance(v, list) and len(v) == 2 and isinstance(v[0], str)
                        for v in chunk[1])):
            raise Unrecognised(item[1])
        filters.append((item[0], item[1], chunk))
    return info, meta_path, meta, filters


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(MAGIC):
        raise Unrecognised(path.name)
    body = raw[len(MAGIC):]
    value, end = decode(body, 0)
    if end != len(body) or encode(value) != body:
        raise Unrecognised(path.name)
    return value


def _write(folder: Path, lang: str, digits: int, value: Any, suffix: str,
           prefix: str = "") -> str:
    raw = MAGIC + encode(value)
    name = f"{lang}_{hashlib.sha256(raw).hexdigest()[:digits]}"
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(raw, mtime=0))
    return name


# --- the subset of CBOR (RFC 8949) that Pagefind writes, shortest forms only ---

def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if value < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, value)
    raise ValueError(value)


def encode(value: Any) -> bytes:
    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if value is None:
        return b"\xf6"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    raise Unrecognised(type(value).__name__)


def decode(data: bytes, at: int) -> tuple[Any, int]:
    """The value starting at `at`, and where it ends. Unrecognised for anything else
    (floats, tags, indefinite lengths)."""
    if at >= len(data):
        raise Unrecognised("truncated")
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info not in simple:
            raise Unrecognised(f"simple value {info}")
        return simple[info], at
    if info < 24:
        number = info
    elif info <= 27:
        size = 1 << (info - 24)
        if at + size > len(data):
            raise Unrecognised("truncated")
        number = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise Unrecognised(f"additional information {info}")
    if major == 0:
        return number, at
    if major == 1:
        return -1 - number, at
    if major in (2, 3):
        chunk = data[at:at + number]
        if len(chunk) != number:
            raise Unrecognised("truncated")
        return (chunk if major == 2 else chunk.decode("utf-8")), at + number
    if major == 4:
        items = []
        for _ in range(number):
            item, at = decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(number):
            key, at = decode(data, at)
            if isinstance(key, list | dict):
                raise Unrecognised("a map with a compound key")
            mapping[key], at = decode(data, at)
        return mapping, at
    raise Unrecognised(f"major type {major}")
