"""Check ids that point at people, clusters and media files."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping

from sitegen import urls
from sitegen.errors import Problem, error, suggestion
from sitegen.load.fields import Ref
from sitegen.model import Image


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
                media: Mapping[str, int], key: str) -> tuple[Image | None, list[Problem]]:
    """An image given as a path under content/ must exist in content/media/."""
    if target not in media:
        close = suggestion(target, media.keys())
        hint = ("paths start at content/, e.g. media/2021/photo.jpg"
                if not target.startswith("media/") else "check the spelling and the folder")
        return None, [error(path, line, f"{key} '{target}' does not exist{close}", hint,
                            code="missing-image")]
    mime = mimetypes.guess_type(target)[0] or "application/octet-stream"
    return Image(urls.media(target), alt, credit, media[target], mime), []
