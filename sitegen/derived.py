"""Files made from pictures: published originals, resized copies, icons, press-kit ZIPs.

`plan` says, from the model alone, which files there are and the key of each one's
bytes (equal keys, equal bytes): the engine compares the keys with the last build's, as
it compares pages' digests, so an incremental build where no picture changed makes no
picture at all. `make` makes the ones asked for, a batch at a time (memory stays
bounded however large the archive), the resized copies on every core and through the
cache of copies (sitegen/images/cache.py), and hands each file's bytes to a sink: the
stage of a full build or the transaction of an incremental one.

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


def plan(site: Site, global_digest: str = "") -> dict[str, Made]:
    """Output path -> how it is made, for every file made from pictures."""
    images: Mapping[str, ImageInfo] = site.images  # type: ignore[assignment]
    made: dict[str, Made] = {}
    for asset in site.assets:
        info = images.get(asset.source.removeprefix("content/"))
        if info is not None and info.format != "SVG":
            made[urls.output_path(asset.url)] = Made(
                "original", f"original:{STRIP_RECIPE}:{info.hash}", info.path)
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
            parts = [(image.hash, name, image.caption, image.credit, image.licence,
                      image.alt) for image, name in zip_names(article)]
            key = digest(["zip", global_digest, article.title, article.url, repr(parts)])
            made[urls.output_path(urls.press_zip(article.lang, article.slug))] = Made(
                "zip", key, article=article)
    return made


# -- making ---------------------------------------------------------------------------


def _original(site_root: Path, path: str, kind: str) -> bytes:
    try:
        return strip((site_root / "content" / path).read_bytes(), kind)
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
    for rel, item in sorted(made.items()):
        if item.how == "original":
            sink(rel, _original(site_root, item.source, images[item.source].format))
        elif item.how == "copy":
            copies.setdefault(item.source, []).append((rel, item))
        elif item.how == "icon":
            from sitegen.images.icons import make_icon

            data = (site_root / "content" / item.source).read_bytes() if item.source else None
            sink(rel, make_icon(data, item.name))
        elif item.how == "zip":
            assert item.article is not None
            text = render_text(item.article) if render_text else ""
            sink(rel, press_zip(item.article, text, site_root, images))
    _make_copies(copies, images, site_root, sink, cache, jobs)


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
    order, so the same story gives the same bytes in every build."""
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
            info = images[image.path]
            data = (site_root / "content" / image.path).read_bytes()
            add(name, data if info.format == "SVG" else strip(data, info.format))
    return out.getvalue()


def report_sizes(made: Mapping[str, Made]) -> dict[str, int]:
    """How many files of each kind: for the summary and the benchmarks."""
    counts: dict[str, int] = {}
    for item in made.values():
        counts[item.how] = counts.get(item.how, 0) + 1
    return counts


def live_keys(made: Mapping[str, Made]) -> set[str]:
    return {item.key for item in made.values() if item.how == "copy"}

