"""The pipeline's last steps: pages rendered in turn, the search index made beside them."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path

import pytest
from conftest import copy_sample
from test_store import START, snapshot

from sitegen import search
from sitegen.errors import BuildFailed
from sitegen.parallel import can_fork, will_fork
from sitegen.pipeline import prepare, publish
from sitegen.resolve import BuildOptions
from sitegen.write import staged_output


def _published(site: Path, out: Path, index=None, jobs: int = 2):  # type: ignore[no-untyped-def]
    """prepare and publish; `index(root, hashes)` is told the folder pages go to."""
    prepared = prepare(site, BuildOptions(now=START), jobs=jobs)
    with staged_output(out) as stage:
        result = publish(prepared, site, stage, jobs=jobs,
                         index=partial(index, stage.root) if index else None)
    return prepared, result


def test_the_index_gets_the_searchable_pages_and_the_output_is_the_same(tmp_path):
    """`index` is handed the searchable pages' content hashes as soon as they are
    rendered (every one of them on disk by then) and its answer comes back; the pages
    are the same as a build's that renders them in plan order."""
    site = copy_sample(tmp_path / "site")
    calls: list[tuple[set[str], bool]] = []

    def index(root: Path, hashes: Mapping[str, str]) -> str:
        calls.append((set(hashes), all((root / rel).is_file() for rel in hashes)))
        return "indexed"

    prepared, result = _published(site, tmp_path / "a", index)
    searchable = {page.output for page in search.searchable(prepared.site, prepared.pages)}
    # The sample site is large enough for a pool: the index ran in a thread beside it.
    assert will_fork(len(prepared.pages), 2) or not can_fork()
    assert searchable and calls == [(searchable, True)]
    assert result.index == "indexed"
    assert set(result.hashes) == {page.output for page in prepared.pages}
    _, plain = _published(site, tmp_path / "b")
    assert plain.index is None and plain.hashes == result.hashes
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_a_failing_index_fails_the_build_and_publishes_nothing(tmp_path):
    site = copy_sample(tmp_path / "site")

    def index(_root: Path, _hashes: Mapping[str, str]) -> None:
        raise BuildFailed([])

    with pytest.raises(BuildFailed):
        _published(site, tmp_path / "out", index)
    assert not (tmp_path / "out").exists()
