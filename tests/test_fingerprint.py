"""Fingerprints of files: stamps, or a content hash read in chunks."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from sitegen import fingerprint


def test_a_fresh_file_is_hashed_a_chunk_at_a_time(tmp_path: Path, monkeypatch):
    """A large medium saved just before the build is hashed without reading it whole."""
    data = bytes(range(256)) * 1000
    path = tmp_path / "film.mp4"
    path.write_bytes(data)
    monkeypatch.setattr(fingerprint, "CHUNK", 4096)

    def whole(self: Path) -> bytes:
        raise AssertionError(f"{self} read whole")

    monkeypatch.setattr(Path, "read_bytes", whole)
    expected = hashlib.blake2b(data, digest_size=16).hexdigest()
    assert fingerprint.fingerprint(path, time.time()) == expected
    assert fingerprint.file_hash(path) == expected


def test_a_settled_file_is_known_by_its_stamp(tmp_path: Path):
    path = tmp_path / "a.jpg"
    path.write_bytes(b"x")
    value = fingerprint.fingerprint(path, time.time() + 10 * fingerprint.RACY_SECONDS)
    assert value.startswith(f"{path}:") and value.endswith(":1")


@pytest.mark.parametrize("size", [0, 1, fingerprint.CHUNK, fingerprint.CHUNK + 1])
def test_the_hash_is_the_contents_whatever_its_size(tmp_path: Path, size: int):
    path = tmp_path / "f"
    path.write_bytes(b"a" * size)
    assert fingerprint.file_hash(path) == fingerprint.content_hash(b"a" * size)
