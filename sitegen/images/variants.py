"""Resized copies of a picture for `srcset`: which ones (pure), and their bytes (Pillow).

Widths are WIDTHS, never more than the original's: a phone on a slow line loads the
320 or 640 pixel copy, a desktop with a sharp screen the 1280 one, and the original is
there to download. Each width comes as WebP, which every current browser shows and which
is about a third smaller, and in the original's own format for the rest (JPEG for JPEG,
PNG for PNG and GIF). Animated pictures get no copies: a copy would stand still.

Every copy is made from the picture as shown: EXIF orientation applied, CMYK turned into
sRGB through its colour profile, no metadata written except an RGB colour profile. The
decoder is asked for no more pixels than the largest copy needs (a JPEG is decoded at
1/2, 1/4 or 1/8 of its size by the decoder itself), so a 50-megapixel photo takes tens
of megabytes, not hundreds.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from sitegen.images.probe import ImageInfo

WIDTHS = (320, 640, 960, 1280)
# Bump when the copies' bytes would change (widths, quality, resampling): the cache of
# copies is keyed by it, with the source's hash and Pillow's version.
RECIPE = "1"
JPEG_QUALITY = 82
WEBP_QUALITY = 80
WEBP_METHOD = 2  # of 0-6: half the time of the default 4, for a few per cent in size
FALLBACK = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": "WEBP"}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True, slots=True)
class Planned:
    """One copy to make: its width and height (as shown) and format."""

    width: int
    height: int
    format: str  # "WEBP", "JPEG" or "PNG"

    @property
    def extension(self) -> str:
        return EXTENSION[self.format]

    @property
    def mime(self) -> str:
        return MIME[self.format]


def widths(width: int) -> tuple[int, ...]:
    """The copies' widths for an original `width` pixels wide: never wider than it, and
    no two within a fifth of each other (a 1,067-pixel photo gets 320, 640 and 1,067)."""
    top = min(width, WIDTHS[-1])
    below = [w for w in WIDTHS if w * 1.2 <= top]
    return (*below, top)


def plan(info: ImageInfo) -> tuple[Planned, ...]:
    """The copies of a picture, smallest first, WebP before the fallback format."""
    if info.animated or info.format == "SVG":
        return ()
    found = []
    for width in widths(info.width):
        height = max(1, round(info.height * width / info.width))
        for kind in dict.fromkeys(("WEBP", FALLBACK[info.format])):
            found.append(Planned(width, height, kind))
    return tuple(found)


def recipe_key() -> str:
    """What the copies' bytes depend on besides the source: this recipe and Pillow."""
    import PIL

    return f"{RECIPE}:{PIL.__version__}"


def _shown(data: bytes, info: ImageInfo, largest: int) -> object:
    """The picture decoded at no more than it needs for `largest` pixels wide, turned
    the right way up, in RGB or RGBA (sRGB for a CMYK picture)."""
    from PIL import Image, ImageCms, ImageOps

    image = Image.open(io.BytesIO(data))
    if info.format == "JPEG":
        scale = largest / info.width
        stored = (image.width * scale, image.height * scale)
        image.draft(image.mode, (max(1, int(stored[0])), max(1, int(stored[1]))))
    image.load()
    icc = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image) or image
    if image.mode == "CMYK":
        converted = None
        if icc:
            try:
                converted = ImageCms.profileToProfile(
                    image, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                    ImageCms.createProfile("sRGB"), outputMode="RGB")
            except (ImageCms.PyCMSError, OSError):
                converted = None
        image, icc = converted or image.convert("RGB"), None
    elif image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda v: v / 256).convert("L")
    alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if alpha else "RGB")
    image.info = {"icc_profile": icc} if icc else {}
    return image


def make(data: bytes, info: ImageInfo, copies: tuple[Planned, ...]) -> list[bytes]:
    """The bytes of each planned copy, in order (one decode for all)."""
    from PIL import Image

    if not copies:
        return []
    largest = max(c.width for c in copies)
    current = _shown(data, info, largest)
    assert isinstance(current, Image.Image)
    icc = current.info.get("icc_profile")
    by_width: dict[int, Image.Image] = {}
    for width in sorted({c.width for c in copies}, reverse=True):
        height = next(c.height for c in copies if c.width == width)
        if current.size != (width, height):
            current = current.resize((width, height), Image.Resampling.LANCZOS,
                                     reducing_gap=3.0)
        by_width[width] = current
    out = []
    for copy in copies:
        image = by_width[copy.width]
        buffer = io.BytesIO()
        extra = {"icc_profile": icc} if icc else {}
        if copy.format == "WEBP":
            image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD, **extra)
        elif copy.format == "JPEG":
            rgb = image.convert("RGB") if image.mode != "RGB" else image
            rgb.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True,
                     **extra)
        else:
            image.save(buffer, "PNG", optimize=True, **extra)
        out.append(buffer.getvalue())
    return out
