"""Press-kit ZIPs made on every core (sitegen/derived.py): the same bytes, in the same
order, as one after another in this process, in batches of bounded size, and a picture
that cannot be published is a message naming it, not a worker's traceback."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import FIXED_NOW
from pictures import photo

from sitegen import derived, pipeline
from sitegen.errors import BuildFailed
from sitegen.images.cache import ImageCache
from sitegen.parallel import can_fork, will_fork
from sitegen.resolve import BuildOptions

STORIES = 150  # more than shared_map gives to workers at least
PICTURES = 6

STORY = """\
---
title: Historie {number}
date: 2021-11-01 09:00
image: media/2021/foto-{picture}.jpg
image_alt: Foto {picture}
image_credit: Anja Lillerud
image_caption: Billede {picture} til historie {number}
image_licence: cc-by-4.0
---
Teksten om historie {number}.

![Det andet billede](/media/2021/foto-{other}.jpg)
"""


@pytest.fixture
def stories(make_site) -> Path:
    """A site whose stories share a few pictures, two each: enough ZIPs to fork for."""
    files: dict[str, str | bytes | None] = {
        f"content/media/2021/foto-{n}.jpg": photo(48 + n, 32) for n in range(PICTURES)}
    for number in range(STORIES):
        files[f"content/da/2021/historie-{number:03d}.md"] = STORY.format(
            number=number, picture=number % PICTURES, other=(number + 1) % PICTURES)
    return make_site(files)


def prepared_site(site: Path) -> pipeline.Prepared:
    return pipeline.prepare(site, BuildOptions(now=FIXED_NOW))


def made_files(prepared: pipeline.Prepared, site: Path, made: Mapping[str, derived.Made],
               jobs: int, tmp_path: Path) -> list[tuple[str, bytes]]:
    """Each file `derived.make` sinks, in the order it sinks them."""
    sunk: list[tuple[str, bytes]] = []
    cache = ImageCache(tmp_path / f"cache-{jobs}.sqlite")
    try:
        derived.make(made, prepared.site, site, lambda rel, data: sunk.append((rel, data)),
                     cache, jobs, pipeline.press_text(prepared))
    finally:
        cache.close()
    return sunk


def zips_of(made: Mapping[str, derived.Made]) -> dict[str, derived.Made]:
    return {rel: item for rel, item in made.items() if item.how == "zip"}


def test_the_zips_are_those_made_one_after_another(stories, tmp_path):
    prepared = prepared_site(stories)
    zips = zips_of(derived.plan(prepared.site))
    assert len(zips) == STORIES
    if can_fork():
        assert will_fork(len(zips), 2)
    text = pipeline.press_text(prepared)
    one_by_one = [(rel, derived.press_zip(item.article, text(item.article), stories,
                                          prepared.site.images))  # type: ignore[arg-type]
                  for rel, item in sorted(zips.items()) if item.article]
    assert made_files(prepared, stories, zips, 2, tmp_path) == one_by_one
    assert made_files(prepared, stories, zips, 1, tmp_path) == one_by_one


def test_every_file_but_the_copies_is_sunk_in_the_order_of_its_path(stories, tmp_path):
    prepared = prepared_site(stories)
    made = derived.plan(prepared.site)
    assert {item.how for item in made.values()} == {"original", "copy", "icon", "zip"}
    sunk = made_files(prepared, stories, made, 2, tmp_path)
    assert sorted(rel for rel, _ in sunk) == sorted(made)
    but_copies = [rel for rel, _ in sunk if made[rel].how != "copy"]
    assert but_copies == sorted(but_copies)
    assert sunk == made_files(prepared, stories, made, 1, tmp_path)


def test_small_batches_give_the_same_zips(stories, tmp_path, monkeypatch):
    prepared = prepared_site(stories)
    zips = zips_of(derived.plan(prepared.site))
    whole = made_files(prepared, stories, zips, 2, tmp_path)
    monkeypatch.setattr(derived, "ZIP_BYTES", 40 * derived.ZIP_TEXT)
    batches = list(derived._zip_batches(sorted((rel, item.article) for rel, item in zips.items()
                                               if item.article), prepared.site.images))
    assert len(batches) > 3 and sum(map(len, batches)) == STORIES
    assert made_files(prepared, stories, zips, 2, tmp_path) == whole


def test_a_story_larger_than_a_batch_is_a_batch_alone(stories, monkeypatch):
    prepared = prepared_site(stories)
    zips = sorted((rel, item.article) for rel, item in zips_of(derived.plan(prepared.site)).items()
                  if item.article)
    monkeypatch.setattr(derived, "ZIP_BYTES", 1)
    assert [len(batch) for batch in derived._zip_batches(zips, prepared.site.images)] == \
           [1] * STORIES


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_picture_that_cannot_be_published_is_a_message(stories, tmp_path, jobs):
    """The picture changed between loading and making (another program saving it): each
    story's ZIP that holds it fails, and the build names it once."""
    prepared = prepared_site(stories)
    zips = zips_of(derived.plan(prepared.site))
    (stories / "content/media/2021/foto-3.jpg").write_bytes(b"not a picture any more")
    with pytest.raises(BuildFailed) as failed:
        made_files(prepared, stories, zips, jobs, tmp_path)
    assert [(p.path, p.message, p.hint, p.is_error) for p in failed.value.problems] == [
        ("content/media/2021/foto-3.jpg", "the picture cannot be published: not a JPEG",
         "save it again as JPEG, PNG or WebP", True)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_picture_that_is_gone_is_a_message(stories, tmp_path, jobs):
    prepared = prepared_site(stories)
    zips = zips_of(derived.plan(prepared.site))
    (stories / "content/media/2021/foto-1.jpg").unlink()
    with pytest.raises(BuildFailed) as failed:
        made_files(prepared, stories, zips, jobs, tmp_path)
    [problem] = failed.value.problems
    assert problem.path == "content/media/2021/foto-1.jpg"
    assert problem.message.startswith("the picture cannot be published: [Errno 2]")
