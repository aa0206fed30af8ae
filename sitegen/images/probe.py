"""Read what a picture is from its bytes: format, size as shown, whether it is whole.

Run in the load step for every image file in content/media/ (each file alone, cached by
its stamp like a Markdown file), so that resolve can give every `<img>` its width and
height and an editor hears of a broken file as `path: message`, never as a traceback.
Bounded: a JPEG is decoded at an eighth of its size to check it is whole, and a picture
of more than MAX_PIXELS is refused before any pixel is decoded.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import warnings
from dataclasses import dataclass

from sitegen.errors import Problem, error
from sitegen.fingerprint import content_hash

# What browsers show and Pillow reads and writes: the formats an image may have.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp",
           "GIF": "image/gif", "SVG": "image/svg+xml"}
EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg")
SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE)
SVG_LENGTH = r'\b{}\s*=\s*["\']\s*([0-9.]+)\s*(?:px)?\s*["\']'
SVG_VIEWBOX = re.compile(r'\bviewBox\s*=\s*["\']\s*[-0-9.]+[ ,]+[-0-9.]+[ ,]+'
                         r'([0-9.]+)[ ,]+([0-9.]+)')
# Files that look like pictures but that browsers do not show: an error when used.
OTHER_PICTURES = (".tif", ".tiff", ".heic", ".heif", ".bmp", ".psd", ".avif", ".jxl")
MAX_PIXELS = 100_000_000  # 100 megapixels: more is a scan to be reduced first
MAX_BYTES = 200_000_000


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """A picture as loaded: enough to plan its variants and print its `<img>`."""

    path: str  # "media/2021/la.jpg", under content/
    format: str  # a key of FORMATS
    width: int  # as shown: after the EXIF orientation is applied
    height: int
    mode: str  # Pillow's: "RGB", "CMYK", "P", "RGBA", ...
    hash: str  # of the file's bytes: the key of its variants
    size: int  # bytes of the file as the editor saved it
    orientation: int = 1  # EXIF orientation tag (1: as stored)
    frames: int = 1  # more than one: animated, published without variants
    published: int = 0  # bytes of the published original (sitegen/images/strip.py)

    @property
    def mime(self) -> str:
        return FORMATS[self.format]

    @property
    def animated(self) -> bool:
        return self.frames > 1


def is_image_path(path: str) -> bool:
    """Whether sitegen reads a media file as a picture (by its name's ending)."""
    return path.lower().endswith(EXTENSIONS)


def probe(rel: str, data: bytes) -> tuple[ImageInfo | None, list[Problem]]:
    """The picture in `data` (the file `rel`, relative to the site), or the problem."""
    from PIL import Image, UnidentifiedImageError

    media = rel.removeprefix("content/")
    hint = "open it in an image program and save it again as JPEG, PNG or WebP"
    if rel.lower().endswith(".svg"):
        return _svg(rel, media, data)
    if len(data) > MAX_BYTES:
        return None, [error(rel, None, f"the picture is {len(data) // 1_000_000} MB, more "
                            f"than the {MAX_BYTES // 1_000_000} MB sitegen reads",
                            "save a smaller version (a press photo needs at most 50 MB)",
                            code="image-too-large")]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns of odd but readable files
            image = Image.open(io.BytesIO(data))
            kind = image.format or ""
            if kind not in FORMATS:
                return None, [error(rel, None, f"{kind or 'this'} files are not shown by "
                                    "browsers", hint, code="image-format")]
            width, height = image.size
            if width * height > MAX_PIXELS:
                return None, [error(
                    rel, None, f"the picture is {width} x {height} pixels "
                    f"({width * height // 1_000_000} megapixels), more than the "
                    f"{MAX_PIXELS // 1_000_000} megapixels sitegen makes smaller copies of",
                    "save a copy of at most 12,000 pixels on the longer side",
                    code="image-too-large")]
            orientation = int(image.getexif().get(0x0112, 1) or 1)
            frames = int(getattr(image, "n_frames", 1))
            mode = image.mode
            _check_whole(image, kind)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError, KeyError, IndexError, TypeError) as exc:
        reason = _reason(exc)
        return None, [error(rel, None, f"the picture cannot be read: {reason}", hint,
                            code="image-broken")]
    from sitegen.images.strip import NotStrippable, strip

    try:
        published = len(strip(data, kind))
    except (NotStrippable, struct.error, IndexError) as exc:
        return None, [error(rel, None, f"the picture cannot be read: {exc}", hint,
                            code="image-broken")]
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    if orientation not in range(1, 9):
        orientation = 1
    return ImageInfo(media, kind, width, height, mode, content_hash(data), len(data),
                     orientation, frames, published), []


def _svg(rel: str, media: str, data: bytes) -> tuple[ImageInfo | None, list[Problem]]:
    """A drawing: its size from the root element's width and height, else its viewBox
    (published as it is; no copies, as it scales by itself)."""
    root = SVG_ROOT.search(data[:65536])
    text = root.group(0).decode("utf-8", "replace") if root else ""
    sizes = [re.search(SVG_LENGTH.format(name), text) for name in ("width", "height")]
    box = SVG_VIEWBOX.search(text)
    if sizes[0] and sizes[1]:
        width, height = (float(m.group(1)) for m in sizes if m)
    elif box:
        width, height = float(box.group(1)), float(box.group(2))
    else:
        return None, [error(rel, None, "the drawing has no size: its <svg> element has "
                            "neither width and height nor a viewBox",
                            'add viewBox="0 0 W H" to its <svg> element', code="image-broken")]
    width, height = max(1, round(width)), max(1, round(height))
    return ImageInfo(media, "SVG", width, height, "", content_hash(data), len(data),
                     published=len(data)), []


def _check_whole(image: object, kind: str) -> None:
    """Decode the picture cheaply enough to notice a truncated or damaged file."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    if kind == "JPEG":
        image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
    image.load()


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if "truncated" in text.lower():
        return "the file is cut short (was it copied whole?)"
    if "cannot identify" in text:
        return "it is not a picture sitegen knows, or it is damaged"
    return text.split(" (")[0] or type(exc).__name__


def stem(path: str) -> str:
    """'media/2021/La foto.jpg' -> 'la-foto': the name of the picture's variants."""
    from sitegen.slugs import slugify

    name = posixpath.splitext(posixpath.basename(path))[0]
    return slugify(name) or "billede"
