"""Pictures for the tests, made with Pillow: deterministic, small, and each with the
trait a test needs (an EXIF GPS block and a rotation, CMYK, transparency, a cut-off file).
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

GPS_IFD = 0x8825


def photo(width: int = 64, height: int = 48, kind: str = "JPEG", mode: str = "RGB",
          exif: Image.Exif | None = None, **options: object) -> bytes:
    """A picture with a little structure (a gradient and a disc), so that resizing it
    is real work and its copies differ."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, max(1, width // 16)):
        draw.rectangle((x, 0, x + width // 16, height), fill=(x * 255 // width, 90, 160))
    draw.ellipse((width // 4, height // 4, 3 * width // 4, 3 * height // 4),
                 fill=(240, 200, 40))
    if mode != "RGB":
        image = image.convert(mode)
    out = io.BytesIO()
    if exif is not None:
        options["exif"] = exif.tobytes()
    image.save(out, kind, **options)
    return out.getvalue()


def tiny_jpeg() -> bytes:
    """A valid 8 x 8 JPEG with no metadata: published byte for byte as it is."""
    return photo(8, 8)


def gps_exif(orientation: int = 6) -> Image.Exif:
    """EXIF with a GPS position (Aalborg), a camera serial number, an Artist and a
    rotation tag."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x013B] = "Anja Lillerud"
    exif[0x8298] = "Erhverv Norddanmark"
    exif[0x010F] = "Kamerafabrik"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (57.0, 2.0, 53.0)
    gps[3] = "E"
    gps[4] = (9.0, 55.0, 12.0)
    return exif


def transparent_png(width: int = 400, height: int = 300) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((20, 20, width - 20, height - 20), fill=(10, 87, 164, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg_of_size(size: int) -> bytes:
    """A valid JPEG of exactly `size` bytes (data after its end marker pads it)."""
    data = tiny_jpeg()
    return data + b"\0" * (size - len(data))
