"""The site's icons, made from site.toml's `icon` or from a neutral default.

Every browser asks for /favicon.ico whether a page names one or not; without one every
page load costs a 404. So a site always gets one: from its own icon when it names one,
else from the plain mark below (a rounded square with three lines of "text", in the
theme's accent colour), which says nothing about any organisation.
"""

from __future__ import annotations

import io

ICONS = {  # output path -> (pixels, format, opaque)
    "favicon.ico": (48, "ICO", False),
    "apple-touch-icon.png": (180, "PNG", True),  # iOS puts a transparent icon on black
    "icon-192.png": (192, "PNG", False),
    "icon-512.png": (512, "PNG", False),
}
RECIPE = "1"
ACCENT = (10, 87, 164, 255)  # the default theme's --accent


def default_icon() -> object:
    """The neutral mark, 512 pixels square."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 511, 511), radius=96, fill=ACCENT)
    for top, right in ((136, 392), (232, 392), (328, 300)):
        draw.rounded_rectangle((120, top, right, top + 48), radius=24, fill=(255, 255, 255, 255))
    return image


def _square(data: bytes | None) -> object:
    """The icon as an RGBA square: a picture that is not square is centred on one."""
    from PIL import Image, ImageOps

    if data is None:
        return default_icon()
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (512, 512))
    image = ImageOps.exif_transpose(image) or image
    image = image.convert("RGBA")
    side = max(image.size)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(image, ((side - image.width) // 2, (side - image.height) // 2))
    return square


def make_icon(data: bytes | None, name: str) -> bytes:
    """One of ICONS from the icon's bytes (None: the default mark)."""
    from PIL import Image

    square = _square(data)
    assert isinstance(square, Image.Image)
    pixels, kind, opaque = ICONS[name]
    out = io.BytesIO()
    if kind == "ICO":
        square.resize((256, 256), Image.Resampling.LANCZOS).save(
            out, "ICO", sizes=[(16, 16), (32, 32), (48, 48)])
        return out.getvalue()
    icon = square.resize((pixels, pixels), Image.Resampling.LANCZOS)
    if opaque:
        flat = Image.new("RGBA", icon.size, (255, 255, 255, 255))
        flat.alpha_composite(icon)
        icon = flat.convert("RGB")
    icon.save(out, "PNG", optimize=True)
    return out.getvalue()
