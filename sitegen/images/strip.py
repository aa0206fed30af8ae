"""The published original: the editor's picture without what the camera told about it.

A photo's EXIF and XMP blocks hold the GPS position where it was taken, the camera's
serial number, the editing program's history and a thumbnail of the uncropped picture;
none of that should reach a reader or a journalist. The original is offered for print,
so it is never re-encoded: its containers (JPEG segments, PNG chunks, WebP chunks, GIF
blocks) are rewritten without the metadata, byte for byte otherwise. What is kept:

- the colour profile (JPEG APP2 ICC, PNG iCCP/sRGB/gAMA/cHRM, WebP ICCP), without which
  the colours change;
- who made it and under which terms: EXIF Artist and Copyright, and XMP's dc:creator,
  dc:rights, photoshop:Credit, xmpRights:UsageTerms and xmpRights:WebStatement,
  written again as a small packet of their own (PNG: the Author and Copyright texts);
- EXIF Orientation, so that a viewer shows the unrotated original the right way up.
"""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

ARTIST, COPYRIGHT, ORIENTATION = 0x013B, 0x8298, 0x0112
EXIF_KEPT = (ORIENTATION, ARTIST, COPYRIGHT)
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
}
XMP_KEPT = (("dc", "creator"), ("dc", "rights"), ("photoshop", "Credit"),
            ("xmpRights", "UsageTerms"), ("xmpRights", "WebStatement"))
PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"iCCP", b"sRGB", b"gAMA",
            b"cHRM", b"sBIT", b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT"}
PNG_TEXT_KEPT = (b"Author", b"Copyright")


class NotStrippable(ValueError):
    """The container is not as its format says: the caller reports the file."""


def strip(data: bytes, kind: str) -> bytes:
    """`data` without metadata, by the picture's format (probe.FORMATS)."""
    if kind == "JPEG":
        return _jpeg(data)
    if kind == "PNG":
        return _png(data)
    if kind == "WEBP":
        return _webp(data)
    if kind == "GIF":
        return _gif(data)
    raise NotStrippable(kind)


# -- EXIF and XMP: what is kept of them -----------------------------------------------


def kept_exif(payload: bytes) -> bytes:
    """A new EXIF block (with its 'Exif\\0\\0' header) holding only EXIF_KEPT, or b""."""
    from PIL import Image

    found = Image.Exif()
    try:
        found.load(payload)
    except Exception:  # noqa: BLE001 - a damaged block: nothing of it is kept
        return b""
    kept = Image.Exif()
    for tag in EXIF_KEPT:
        value = found.get(tag)
        if value not in (None, "", b""):
            if tag == ORIENTATION and value == 1:
                continue
            kept[tag] = value
    return kept.tobytes() if len(kept) else b""


def kept_xmp(packet: bytes) -> bytes:
    """A new XMP packet with only the credit and rights properties of XMP_KEPT, or b""."""
    try:
        root = ET.fromstring(packet.strip(b"\x00 \r\n\t").decode("utf-8", "replace"))
    except ET.ParseError:
        return b""
    values: list[tuple[str, str, list[str]]] = []
    for prefix, name in XMP_KEPT:
        tag = f"{{{NS[prefix]}}}{name}"
        texts: list[str] = []
        for element in root.iter():
            if element.tag == tag:
                items = [li.text or "" for li in element.iter(f"{{{NS['rdf']}}}li")]
                texts += [t.strip() for t in (items or [element.text or ""]) if t.strip()]
            for attribute, value in element.attrib.items():
                if attribute == tag and value.strip():
                    texts.append(value.strip())
        if texts:
            values.append((prefix, name, list(dict.fromkeys(texts))))
    if not values:
        return b""
    body = []
    for prefix, name, texts in values:
        if name in ("creator",):
            items = "".join(f"<rdf:li>{escape(t)}</rdf:li>" for t in texts)
            body.append(f"<{prefix}:{name}><rdf:Seq>{items}</rdf:Seq></{prefix}:{name}>")
        elif name in ("rights", "UsageTerms"):
            items = "".join(f'<rdf:li xml:lang="x-default">{escape(t)}</rdf:li>'
                            for t in texts[:1])
            body.append(f"<{prefix}:{name}><rdf:Alt>{items}</rdf:Alt></{prefix}:{name}>")
        else:
            body.append(f"<{prefix}:{name}>{escape(texts[0])}</{prefix}:{name}>")
    namespaces = " ".join(f'xmlns:{p}="{u}"' for p, u in NS.items())
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="'
            f'{NS["rdf"]}"><rdf:Description rdf:about="" {namespaces}>'
            + "".join(body) + '</rdf:Description></rdf:RDF></x:xmpmeta>'
            '<?xpacket end="r"?>').encode("utf-8")


# -- JPEG -------------------------------------------------------------------------------


def _jpeg(data: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise NotStrippable("not a JPEG")
    out = io.BytesIO()
    out.write(b"\xff\xd8")
    pos = 2
    exif = xmp = b""
    kept: list[bytes] = []
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise NotStrippable("a JPEG segment does not start where it should")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: the picture itself, kept to the end
            break
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        segment = data[pos:pos + 2 + length]
        payload = segment[4:]
        pos += 2 + length
        if marker == 0xE0:  # JFIF: kept without a thumbnail
            if payload.startswith(b"JFIF\x00") and len(payload) >= 14:
                header = payload[:12] + b"\x00\x00"
                kept.append(b"\xff\xe0" + struct.pack(">H", len(header) + 2) + header)
        elif marker == 0xE1:
            if payload.startswith(b"Exif\x00\x00"):
                exif = exif or kept_exif(payload[6:])
            elif payload.startswith(XMP_HEADER):
                xmp = xmp or kept_xmp(payload[len(XMP_HEADER):])
        elif marker in (0xE2, 0xEE):  # ICC profile, Adobe (the colour transform)
            if marker == 0xEE or payload.startswith(b"ICC_PROFILE\x00"):
                kept.append(segment)
        elif 0xE3 <= marker <= 0xEF or marker == 0xFE:  # other APPn, comments
            continue
        else:
            kept.append(segment)
    else:
        raise NotStrippable("the JPEG has no picture data")
    jfif = [s for s in kept if s[1] == 0xE0]
    for segment in jfif:
        out.write(segment)
    if exif:
        out.write(b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif)
    if xmp and len(xmp) + len(XMP_HEADER) < 65000:
        block = XMP_HEADER + xmp
        out.write(b"\xff\xe1" + struct.pack(">H", len(block) + 2) + block)
    for segment in kept:
        if segment[1] != 0xE0:
            out.write(segment)
    out.write(data[pos:])
    return out.getvalue()


# -- PNG --------------------------------------------------------------------------------


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    import zlib

    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _png(data: bytes) -> bytes:
    signature = b"\x89PNG\r\n\x1a\n"
    if not data.startswith(signature):
        raise NotStrippable("not a PNG")
    out = [signature]
    pos = len(signature)
    while pos + 12 <= len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise NotStrippable("a PNG chunk runs past the end of the file")
        if kind in PNG_KEPT:
            out.append(data[pos:end])
        elif kind == b"tEXt" and data[pos + 8:end - 4].split(b"\x00", 1)[0] in PNG_TEXT_KEPT:
            out.append(data[pos:end])
        elif kind == b"iTXt" and data[pos + 8:end - 4].split(b"\x00", 1)[0] == b"XML:com.adobe.xmp":
            packet = data[pos + 8:end - 4].split(b"\x00", 5)[-1]
            if xmp := kept_xmp(packet):
                out.append(_png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + xmp))
        pos = end
        if kind == b"IEND":
            break
    return b"".join(out)


# -- WebP -------------------------------------------------------------------------------


def _webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise NotStrippable("not a WebP file")
    chunks: list[bytes] = []
    pos = 12
    exif = xmp = b""
    while pos + 8 <= len(data):
        kind = data[pos:pos + 4]
        length = struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + length]
        pos += 8 + length + (length & 1)
        if kind == b"EXIF":
            exif = kept_exif(body[6:] if body.startswith(b"Exif\x00\x00") else body)
        elif kind == b"XMP ":
            xmp = kept_xmp(body)
        else:
            chunks.append(kind + struct.pack("<I", length) + body + b"\x00" * (length & 1))
    def chunk(kind: bytes, body: bytes) -> bytes:
        return kind + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) & 1)

    if exif.startswith(b"Exif\x00\x00"):
        exif = exif[6:]
    if chunks and chunks[0][:4] == b"VP8X":
        flags = chunks[0][8] & ~0x0C | (0x08 if exif else 0) | (0x04 if xmp else 0)
        chunks[0] = chunks[0][:8] + bytes([flags]) + chunks[0][9:]
        chunks += [chunk(b"EXIF", exif)] if exif else []
        chunks += [chunk(b"XMP ", xmp)] if xmp else []
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# -- GIF --------------------------------------------------------------------------------

GIF_APPS_KEPT = (b"NETSCAPE2.0", b"ANIMEXTS1.0")  # how often an animation loops


def _sub_blocks(data: bytes, pos: int) -> int:
    """The position after a run of GIF data sub-blocks."""
    while True:
        if pos >= len(data):
            raise NotStrippable("the GIF ends inside a block")
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _gif(data: bytes) -> bytes:
    if data[:3] != b"GIF" or len(data) < 13:
        raise NotStrippable("not a GIF")
    flags = data[10]
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    out = [data[:pos]]
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer
            out.append(b"\x3b")
            break
        if block == 0x21:
            label = data[pos + 1]
            end = _sub_blocks(data, pos + 2)
            name = data[pos + 3:pos + 3 + data[pos + 2]] if label == 0xFF else b""
            if label == 0xFE or (label == 0xFF and name not in GIF_APPS_KEPT):
                pos = end
                continue
            out.append(data[pos:end])
            pos = end
        elif block == 0x2C:
            local = data[pos + 9]
            start = pos + 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            end = _sub_blocks(data, start + 1)
            out.append(data[pos:end])
            pos = end
        else:
            raise NotStrippable("an unknown GIF block")
    return b"".join(out)
