"""Files made from pictures: published originals, resized copies, icons, press-kit ZIPs.

`plan` says, from the model alone, which files there are and the key of each one's
bytes (equal keys, equal bytes): the engine compares the keys with the last build's, as
it compares pages' digests, so an incremental build where no picture changed makes no
picture at all. `make` makes the ones asked for, a batch at a time (memory stays
bounded however large the archive), the resized copies and the ZIPs on every core, the
copies through the cache of copies (sitegen/images/cache.py), and hands each file's
bytes to a sink: the stage of a full build or the transaction of an incremental one.

What is published follows resolve's rule for media: a picture only held stories use is
not among the site's assets, so neither its original nor any copy or ZIP entry is made.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen import urls
from sitegen.errors import BuildFailed, Problem, error
from sitegen.fingerprint import digest
from sitegen.images.cache import ImageCache
from sitegen.images.icons import ICONS
from sitegen.images.icons import RECIPE as ICON_RECIPE
from sitegen.images.probe import ImageInfo
from sitegen.images.strip import NotStrippable, strip
from sitegen.images.variants import Planned, recipe_key
from sitegen.images.variants import make as make_copies
from sitegen.images.variants import plan as plan_copies
from sitegen.model import Article, Image, Site
from sitegen.parallel import shared_map

STRIP_RECIPE = "1"
BATCH = 96  # pictures whose copies are held in memory at once
# The bytes of press-kit ZIPs made by one map over the workers, all held in memory until
# they are sunk: a story's pictures and, for its text and the ZIP's headers, ZIP_TEXT.
# A real photo story's ZIP is megabytes; the benchmark corpus's are a few KB, so that
# all of a language's are one map: each map forks workers of its own, which costs tens
# of milliseconds in a large build. Not a function of the number of cores, so neither
# is which stories' problems one failure reports.
ZIP_BYTES = 256 << 20
ZIP_TEXT = 16 << 10
# The ZIP's text file, in the story's language.
CAPTIONS = {"da": "billedtekster.txt", "no": "bildetekster.txt", "nb": "bildetekster.txt"}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every entry's time: the ZIP is the same in every build

Sink = Callable[[str, bytes], None]


@dataclass(frozen=True, slots=True)
class Made:
    """One file made from pictures: how, from which, and the key of its bytes."""

    how: str  # "original", "copy", "icon" or "zip"
    key: str
    source: str = ""  # "media/x.jpg" (original, copy, icon)
    copy: Planned | None = None
    article: Article | None = None  # a ZIP's story
    name: str = ""  # an icon's file name


def story_images(article: Article) -> tuple[Image, ...]:
    """A story's pictures for the press kit: the lead picture, then those in the text."""
    found = {image.path: image for image in (article.image, *article.figures)
             if image is not None and image.path and image.width}
    return tuple(found.values())


def in_press_kit(article: Article) -> bool:
    """Nothing of a draft or a story under embargo is in any press kit, not even in a
    preview build."""
    return not article.draft and not article.embargoed and bool(story_images(article))


def zip_names(article: Article) -> list[tuple[Image, str]]:
    """Each picture with its name in the ZIP: '01-la.jpg', in the story's order."""
    names = []
    for number, image in enumerate(story_images(article), 1):
        base = image.path.rsplit("/", 1)[-1]
        names.append((image, f"{number:02d}-{base}"))
    return names


def _images_of(site: Site) -> Iterator[Image]:
    for article in (*site.articles.values(), *site.previews.values()):
        if article.image is not None:
            yield article.image
        yield from article.figures
    for person in site.people.values():
        if person.photo is not None:
            yield person.photo
    for cluster in site.clusters.values():
        if cluster.logo is not None:
            yield cluster.logo
    if site.logo is not None:
        yield site.logo


def plan_originals(site: Site) -> dict[str, Made]:
    """Output path -> how it is made, for the pictures published as they are (their
    metadata stripped): the part of `plan` a build counts among its copied files."""
    images: Mapping[str, ImageInfo] = site.images  # type: ignore[assignment]
    made: dict[str, Made] = {}
    for asset in site.assets:
        info = images.get(asset.source.removeprefix("content/"))
        if info is not None and info.format != "SVG":
            made[urls.output_path(asset.url)] = Made(
                "original", f"original:{STRIP_RECIPE}:{info.hash}", info.path)
    return made


def plan(site: Site, global_digest: str = "") -> dict[str, Made]:
    """Output path -> how it is made, for every file made from pictures. (A build makes
    it once and hands it on: at 5,000 articles a language it takes a tenth of a second.)"""
    images: Mapping[str, ImageInfo] = site.images  # type: ignore[assignment]
    made = plan_originals(site)
    recipe = recipe_key()
    for image in _images_of(site):
        info = images.get(image.path)
        if info is None or not image.variants:
            continue
        for planned, variant in zip(plan_copies(info), image.variants, strict=True):
            made[urls.output_path(variant.url)] = Made(
                "copy", f"copy:{recipe}:{info.hash}:{planned.width}:{planned.format}",
                info.path, planned)
    icon = site.icon
    for name in ICONS:
        made[name] = Made("icon", f"icon:{ICON_RECIPE}:{icon.hash if icon else '-'}:{name}",
                          icon.path if icon else "", name=name)
    for article in site.articles.values():
        if in_press_kit(article):
            made[zip_path(article)] = press_zip_item(article, global_digest)
    return made


def zip_path(article: Article) -> str:
    """Where a story's press-kit ZIP is published (output path)."""
    return urls.output_path(urls.press_zip(article.lang, article.slug))


def press_zip_item(article: Article, global_digest: str) -> Made:
    """A story's ZIP as `plan` has it: its key changes with anything the ZIP holds."""
    parts = [(image.hash, name, image.caption, image.credit, image.licence, image.alt)
             for image, name in zip_names(article)]
    key = digest(["zip", global_digest, article.title, article.url, repr(parts)])
    return Made("zip", key, article=article)


# -- making ---------------------------------------------------------------------------


def _original(site_root: Path, path: str, kind: str) -> bytes:
    """A picture as published (its metadata stripped, an SVG as it is); raises
    BuildFailed naming it when it cannot be read or stripped."""
    try:
        data = (site_root / "content" / path).read_bytes()
        return data if kind == "SVG" else strip(data, kind)
    except (OSError, NotStrippable) as exc:
        raise BuildFailed([error(f"content/{path}", None,
                                 f"the picture cannot be published: {exc}",
                                 "save it again as JPEG, PNG or WebP")]) from exc


def _copies_task(site_root: Path, task: tuple[ImageInfo, tuple[Planned, ...]]
                 ) -> list[bytes] | Problem:
    """All copies of one picture (one decode), in a worker: bytes, or the problem."""
    info, copies = task
    try:
        data = (site_root / "content" / info.path).read_bytes()
        return make_copies(data, info, copies)
    except Exception as exc:  # noqa: BLE001 - a damaged file must be a message, not a crash
        return error(f"content/{info.path}", None, f"the picture cannot be made smaller: "
                     f"{str(exc).split(' (')[0] or type(exc).__name__}",
                     "open it in an image program and save it again as JPEG, PNG or WebP",
                     code="image-broken")


def make(made: Mapping[str, Made], site: Site, site_root: Path, sink: Sink,
         cache: ImageCache, jobs: int = 1, render_text: Callable[[Article], str] | None = None
         ) -> None:
    """Make every file of `made` and hand it to `sink`; raises BuildFailed naming the
    picture when one cannot be made."""
    images: Mapping[str, ImageInfo] = site.images  # type: ignore[assignment]
    copies: dict[str, list[tuple[str, Made]]] = {}
    # ZIPs wait to be made together, on every core, until a file after them is sunk:
    # the sink still gets every file but the copies in the order of their paths.
    zips: list[tuple[str, Article]] = []
    for rel, item in sorted(made.items()):
        if item.how == "zip":
            assert item.article is not None
            zips.append((rel, item.article))
        elif item.how == "copy":
            copies.setdefault(item.source, []).append((rel, item))
        else:
            _make_zips(zips, site_root, images, render_text, sink, jobs)
            zips = []
            if item.how == "original":
                sink(rel, _original(site_root, item.source, images[item.source].format))
            elif item.how == "icon":
                from sitegen.images.icons import make_icon

                data = ((site_root / "content" / item.source).read_bytes() if item.source
                        else None)
                sink(rel, make_icon(data, item.name))
    _make_zips(zips, site_root, images, render_text, sink, jobs)
    _make_copies(copies, images, site_root, sink, cache, jobs)


@dataclass(frozen=True, slots=True)
class ZipWork:
    """What the workers making press-kit ZIPs share (by fork, not pickled): the stories
    of one batch, whose index is all a task says, and what their ZIPs are made from."""

    site_root: Path
    images: Mapping[str, ImageInfo]
    render_text: Callable[[Article], str] | None
    stories: tuple[Article, ...]


def _zip_task(work: ZipWork, index: int) -> bytes | list[Problem]:
    """One story's ZIP, in a worker: its bytes, or the problems of a picture that cannot
    be published, the message its published original gives (returned, not raised: the
    parent says it, with the others of the batch, instead of a worker's traceback)."""
    article = work.stories[index]
    text = work.render_text(article) if work.render_text else ""
    try:
        return press_zip(article, text, work.site_root, work.images)
    except BuildFailed as exc:
        return exc.problems


def _zip_batches(zips: list[tuple[str, Article]], images: Mapping[str, ImageInfo]
                 ) -> Iterator[list[tuple[str, Article]]]:
    """The ZIPs in order, in batches of at most ZIP_BYTES (but for a story larger alone):
    the ZIPs of a batch are in memory at once."""
    batch: list[tuple[str, Article]] = []
    held = 0
    for rel, article in zips:
        size = ZIP_TEXT + sum(images[image.path].size for image in story_images(article))
        if batch and held + size > ZIP_BYTES:
            yield batch
            batch, held = [], 0
        batch.append((rel, article))
        held += size
    if batch:
        yield batch


def _make_zips(zips: list[tuple[str, Article]], site_root: Path,
               images: Mapping[str, ImageInfo], render_text: Callable[[Article], str] | None,
               sink: Sink, jobs: int) -> None:
    """Make the ZIPs a batch at a time on every core, and sink them in their order; raises
    BuildFailed with the first batch's problems (each once) when a picture fails."""
    for batch in _zip_batches(zips, images):
        work = ZipWork(site_root, images, render_text, tuple(article for _, article in batch))
        results = shared_map(_zip_task, work, range(len(batch)), jobs)
        problems = [problem for result in results if isinstance(result, list)
                    for problem in result]
        if problems:
            raise BuildFailed(list(dict.fromkeys(problems)))
        for (rel, _), data in zip(batch, results, strict=True):
            assert isinstance(data, bytes)
            sink(rel, data)


def _make_copies(copies: dict[str, list[tuple[str, Made]]], images: Mapping[str, ImageInfo],
                 site_root: Path, sink: Sink, cache: ImageCache, jobs: int) -> None:
    sources = sorted(copies)
    for start in range(0, len(sources), BATCH * max(1, jobs)):
        batch = sources[start:start + BATCH * max(1, jobs)]
        keys = [item.key for source in batch for _, item in copies[source]]
        known = cache.get(keys)
        tasks = []
        for source in batch:
            entries = copies[source]
            if all(item.key in known for _, item in entries):
                for rel, item in entries:
                    sink(rel, known[item.key])
            else:
                tasks.append((source, (images[source],
                                       tuple(item.copy for _, item in entries if item.copy))))
        results = shared_map(_copies_task, site_root, [task for _, task in tasks], jobs)
        problems = [r for r in results if isinstance(r, Problem)]
        if problems:
            raise BuildFailed(problems)
        fresh: dict[str, bytes] = {}
        for (source, _), result in zip(tasks, results, strict=True):
            assert isinstance(result, list)
            for (rel, item), data in zip(copies[source], result, strict=True):
                sink(rel, data)
                fresh[item.key] = data
        cache.put(fresh)


def press_zip(article: Article, text: str, site_root: Path,
              images: Mapping[str, ImageInfo]) -> bytes:
    """A story's pictures (the published originals) and a text of their captions and
    credits. Entries are stored (pictures do not compress) with one fixed time and
    order, so the same story gives the same bytes in every build. Raises BuildFailed
    naming the picture that cannot be read or stripped."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        def add(name: str, data: bytes, compress: int = zipfile.ZIP_STORED) -> None:
            entry = zipfile.ZipInfo(name, ZIP_TIME)
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            archive.writestr(entry, data, compress_type=compress)

        add(CAPTIONS.get(article.lang, "captions.txt"), text.encode("utf-8"),
            zipfile.ZIP_DEFLATED)
        for image, name in zip_names(article):
            add(name, _original(site_root, image.path, images[image.path].format))
    return out.getvalue()


def report_sizes(made: Mapping[str, Made]) -> dict[str, int]:
    """How many files of each kind: for the summary and the benchmarks."""
    counts: dict[str, int] = {}
    for item in made.values():
        counts[item.how] = counts.get(item.how, 0) + 1
    return counts


def live_keys(made: Mapping[str, Made]) -> set[str]:
    return {item.key for item in made.values() if item.how == "copy"}

