"""Loading on several processes gives what loading in one gives: the same records, the
same problems in the same order, the same cache entries with the same stamps.

The files are parsed by forked workers (sitegen/parallel.py) when there are enough of
them; a cache hit never leaves the building process. The site is the benchmark corpus
at a small size, with broken files among the good ones.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from sitegen.config import SiteConfig, load_config
from sitegen.load import content
from sitegen.load.content import CachedFile, Loaded, load_discovered
from sitegen.load.discover import Discovered, discover
from sitegen.parallel import will_fork

OLD = time.time() - 3600  # an mtime old enough for a stamp (fingerprint.RACY_SECONDS)
BROKEN = {  # put among the good files: errors and warnings in the middle of the order
    "content/da/2017/artikel-00040.md": "---\ntitle: [Ikke lukket\ndate: 2017-01-01\n---\n",
    "content/da/2018/artikel-00045.md": "---\ntitle: Stavet\nsumary: Kort\n"
                                        "date: 2018-02-01\n---\nTekst.\n",
    "content/no/2018/artikel-00050.md": "---\ntitle: Advarsler\ndate: 2018-06-01 09:00+05:00"
                                        "\nfarve: blå\n---\nTekst.\n",
    "content/no/2019/artikel-00061.md": "---\ntitle: Dato\ndate: 2019-13-45\n---\nTekst.\n",
    "content/no/2021/artikel-00090.md": "---\ntitle: Dansk\ndate: 2021-03-01\n---\n"
                                        "Virksomheden har udviklet en løsning efter mange år, "
                                        "og nogle af virksomhederne blev meget glade for "
                                        "samarbejdet mellem dem, især efter konferencen.\n",
    "content/people/person-0002.md": "---\nname: Per\nrolle: Leder\n---\n",
    "content/media/bench/billede-07.gif": b"GIF89a not really a picture",
}
RECENT = ("content/da/2016/artikel-00020.md", "content/clusters/klynge-001.md",
          "content/media/bench/billede-03.gif")  # just saved: no stamp, not trusted


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 articles, 5 people, 3 clusters and 20 pictures, with BROKEN among them; every
    file old enough to be stamped but those of RECENT."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from make_corpus import make_corpus
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    root = tmp_path_factory.mktemp("parallel") / "corpus"
    make_corpus(root, articles=150, people=5, clusters=3)
    for rel, text in BROKEN.items():
        assert (root / rel).is_file()
        data = text if isinstance(text, bytes) else text.encode()
        (root / rel).write_bytes(data)
    for path in (root / "content").rglob("*"):
        if path.is_file() and path.relative_to(root).as_posix() not in RECENT:
            os.utime(path, (OLD, OLD))
    return root


def found_in(site: Path) -> tuple[Discovered, SiteConfig]:
    config, problems = load_config(site)
    assert problems == []
    found, problems = discover(site, config.language_codes)
    assert problems == []
    return found, config


def files_of(found: Discovered) -> int:
    return sum(map(len, (*found.articles.values(), found.people, found.clusters,
                         found.media)))


def load(found: Discovered, config: SiteConfig, cache: dict[str, CachedFile],
         jobs: int) -> tuple[Loaded, list[Any], list[tuple[str, CachedFile]]]:
    loaded, problems = load_discovered(found, config, [], cache, jobs=jobs)
    return loaded, problems, list(cache.items())


def test_two_workers_load_what_one_process_loads(site: Path):
    found, config = found_in(site)
    assert will_fork(files_of(found), 2)  # or this would test the in-process path
    alone = load(found, config, {}, jobs=1)
    forked = load(found, config, {}, jobs=2)
    assert forked == alone
    loaded, problems, entries = alone
    paths = [p.path for p in problems]
    assert set(BROKEN) - {"content/media/bench/billede-07.gif"} <= set(paths)
    assert paths == sorted(paths, key=[rel for rel, _ in entries].index)  # file order
    assert {p.code for p in problems if not p.is_error} \
        >= {"time-offset", "unknown-key", "language-folder"}
    assert "media/bench/billede-07.gif" in loaded.unreadable
    assert len(loaded.articles) == 300 - 3 and len(loaded.images) == 19
    stamps = {rel: entry.stamp for rel, entry in entries}
    assert [rel for rel, stamp in stamps.items() if stamp is None] == list(RECENT)


def test_with_a_cache_only_what_changed_is_parsed(site: Path,
                                                  monkeypatch: pytest.MonkeyPatch):
    """An edited file and the untrusted ones are parsed again; the rest come from the
    cache in this process, and the outcome is that of one process."""
    found, config = found_in(site)
    warm: dict[str, CachedFile] = {}
    load(found, config, warm, jobs=1)
    edited = site / "content/no/2020/artikel-00080.md"
    original = edited.read_bytes()
    try:
        edited.write_bytes(original.replace(b"title: ", b"title: Ny ", 1))
        os.utime(edited, (OLD + 60, OLD + 60))
        alone = load(found, config, dict(warm), jobs=1)
        parsed: list[int] = []
        real = content.shared_map

        def counting(func: Any, shared: Any, items: Sequence[Any], jobs: int) -> list[Any]:
            parsed.append(len(items))
            return real(func, shared, items, jobs)

        monkeypatch.setattr(content, "shared_map", counting)
        assert load(found, config, dict(warm), jobs=2) == alone
    finally:
        edited.write_bytes(original)
        os.utime(edited, (OLD, OLD))
    assert parsed == [len(RECENT) + 1]
    assert any(a.title.startswith("Ny ") for a in alone[0].articles)


def test_a_bug_in_a_worker_is_raised_as_it_is(site: Path, monkeypatch: pytest.MonkeyPatch):
    """Not turned into a problem, nor lost: the same exception as in one process."""
    found, config = found_in(site)
    real = content.load_article
    victim = "content/no/2019/artikel-00070.md"

    def buggy(path: str, data: bytes, **kwargs: Any) -> Any:
        if path == victim:
            raise RuntimeError(f"a bug while loading {path}")
        return real(path, data, **kwargs)

    monkeypatch.setattr(content, "load_article", buggy)
    assert will_fork(files_of(found), 2)
    for jobs in (1, 2):
        with pytest.raises(RuntimeError, match=f"a bug while loading {victim}"):
            load_discovered(found, config, [], {}, jobs=jobs)
