"""Check ids that point at people, clusters and media files."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping

from sitegen import urls
from sitegen.errors import Problem, error, suggestion
from sitegen.images.probe import ImageInfo, stem
from sitegen.images.variants import plan
from sitegen.load.fields import Ref
from sitegen.model import Image, Variant


def check_refs(path: str, refs: Iterable[Ref], known: Iterable[str], kind: str,
               folder: str, code: str = "", hint: str = "") -> list[Problem]:
    """An unknown id is an error naming the closest existing id."""
    known = set(known)
    problems = []
    for ref in refs:
        if ref.id not in known:
            problems.append(error(
                path, ref.line, f"unknown {kind} '{ref.id}'{suggestion(ref.id, known)}",
                hint or f"ids are file names in {folder}/ without '.md'",
                code=code or f"unknown-{kind}"))
    return problems


def unique_ids(refs: Iterable[Ref]) -> tuple[str, ...]:
    """Ids in the order written, each once."""
    return tuple(dict.fromkeys(ref.id for ref in refs))


def media_image(path: str, line: int, target: str, alt: str, credit: str | None,
                media: Mapping[str, int], key: str,
                images: Mapping[str, ImageInfo] | None = None, caption: str | None = None,
                licence: str | None = None, unreadable: Mapping[str, Problem] | None = None
                ) -> tuple[Image | None, list[Problem]]:
    """An image given as a path under content/ must exist in content/media/ and be a
    picture; it gets its size and the addresses of its resized copies."""
    if target not in media:
        close = suggestion(target, media.keys())
        hint = ("paths start at content/, e.g. media/2021/photo.jpg"
                if not target.startswith("media/") else "check the spelling and the folder")
        return None, [error(path, line, f"{key} '{target}' does not exist{close}", hint,
                            code="missing-image")]
    info = (images or {}).get(target)
    if info is None:
        broken = (unreadable or {}).get(target)
        if broken is not None:
            return None, [error(path, line, f"{key} '{target}': {broken.message}",
                                broken.hint, code=broken.code or "image-broken")]
        mime = mimetypes.guess_type(target)[0] or "application/octet-stream"
        if images is not None:
            return None, [error(path, line, f"{key} '{target}' is not a picture",
                                "use a JPEG, PNG, WebP or GIF file (photos: JPEG)",
                                code="not-an-image")]
        return Image(urls.media(target), alt, credit, media[target], mime), []
    return picture(info, alt, credit, caption, licence), []


def picture(info: ImageInfo, alt: str, credit: str | None = None, caption: str | None = None,
            licence: str | None = None) -> Image:
    """The model's Image of a loaded picture, with its copies' addresses."""
    name = stem(info.path)
    copies = tuple(Variant(urls.image_copy(info.hash, name, c.width, c.extension), c.width,
                           c.height, c.mime) for c in plan(info))
    return Image(urls.media(info.path), alt, credit, info.published, info.mime, info.width,
                 info.height, copies, caption, licence, info.path, info.hash)
