"""Pictures: resized copies, metadata, orientation, colour, broken files, the press kit,
branding. Every picture is made here with Pillow (tests/pictures.py)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FIXED_NOW, REPO
from pictures import GPS_IFD, gps_exif, photo, transparent_png
from PIL import Image

from sitegen.engine import Builder
from sitegen.images.variants import WIDTHS, widths

ARTICLE = """\
---
title: {title}
date: 2021-11-01 09:00
image: {image}
image_alt: {alt}
image_credit: Anja Lillerud
image_caption: {caption}
image_licence: cc-by-4.0
{extra}---
Teksten.

![Havnen](/media/2021/havn.png)
"""


def article(title: str, image: str, caption: str = "Havnen om morgenen", extra: str = "",
            alt: str = "Havnen i Aalborg") -> str:
    return ARTICLE.format(title=title, image=image, caption=caption, extra=extra, alt=alt)


@pytest.fixture
def site(make_site):
    return make_site({
        "content/media/2021/havn.jpg": photo(2000, 1500, exif=gps_exif(6), quality=90),
        "content/media/2021/havn.png": transparent_png(),
        "content/media/2021/tryk.jpg": photo(1400, 1000, mode="CMYK"),
        "content/media/2026/hemmelig.jpg": photo(900, 600),
        "content/da/2021/havn.md": article("Havnen", "media/2021/havn.jpg"),
        "content/no/2021/havn.md": article("Havna", "media/2021/havn.jpg",
                                           "Havna om morgenen", alt="Havna i Aalborg"),
        "content/da/2021/tryk.md": article("Trykt", "media/2021/tryk.jpg"),
        "content/da/2026/hemmelig.md": article("Hemmelig", "media/2026/hemmelig.jpg",
                                               extra="embargo: 2030-01-01 09:00\n"),
    })


def opened(source: Path | io.BytesIO) -> Image.Image:
    """A picture read whole, its file closed (warnings are errors in the tests)."""
    with Image.open(source) as image:
        image.load()
        image.getexif()
        return image


def published_pictures(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.suffix in (".jpg", ".png", ".webp", ".gif")]


def test_copies_have_the_documented_widths_and_both_formats(site, build_site):
    out = build_site(site)
    folder = next(p for p in (out / "images").iterdir() if any(p.glob("havn-*.webp"))
                  and any(p.glob("havn-*.jpg")))
    found = {p.name: opened(p) for p in folder.iterdir()}
    # 1,500 x 2,000 as shown (the rotation tag turns it): never wider than the original
    assert sorted(found) == sorted(f"havn-{w}.{ext}" for w in WIDTHS for ext in ("jpg", "webp"))
    for name, image in found.items():
        width = int(re.search(r"-(\d+)\.", name).group(1))  # type: ignore[union-attr]
        assert image.size == (width, round(width * 2000 / 1500))  # orientation applied
        assert image.format == ("WEBP" if name.endswith("webp") else "JPEG")
        assert image.getexif().get(0x0112) is None  # no rotation left to apply twice
    assert widths(300) == (300,) and widths(1067) == (320, 640, 1067)


def test_no_published_file_holds_a_gps_position(site, build_site):
    out = build_site(site)
    pictures = published_pictures(out)
    assert pictures
    for path in pictures:
        image = opened(path)
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD), path
        assert 0x010F not in exif, path  # nor the camera
        assert b"GPS" not in path.read_bytes() or path.suffix != ".jpg", path
    original = opened(out / "media/2021/havn.jpg")
    kept = original.getexif()
    assert kept[0x013B] == "Anja Lillerud" and kept[0x8298] == "Erhverv Norddanmark"
    assert kept[0x0112] == 6  # the original, not re-encoded, still says how to turn it
    for zipped in out.rglob("*.zip"):
        with zipfile.ZipFile(zipped) as archive:
            for name in archive.namelist():
                if name.endswith(".jpg"):
                    data = opened(io.BytesIO(archive.read(name))).getexif()
                    assert not data.get_ifd(GPS_IFD)


def test_cmyk_and_transparent_pictures(site, build_site):
    out = build_site(site)
    for path in (out / "images").rglob("tryk-*"):
        assert opened(path).mode == "RGB"  # browsers show CMYK badly, or not at all
    pngs = list((out / "images").rglob("havn-*.png"))
    assert pngs and all(opened(p).mode == "RGBA" for p in pngs)
    webps = [p for p in (out / "images").rglob("havn-*.webp") if p.parent == pngs[0].parent]
    assert webps and all(opened(p).mode == "RGBA" for p in webps)


class Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.found.append(dict(attrs))
        if tag == "link":
            self.links.append(dict(attrs))


def parse(path: Path) -> Images:
    parser = Images()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_img_of_the_sample_site_has_its_size_and_every_page_an_icon(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(REPO),
                             "--out", str(out), "--now", "2026-01-01T12:00:00+00:00"],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    pages = list(out.rglob("*.html"))
    images = 0
    for page in pages:
        parsed = parse(page)
        for img in parsed.found:
            images += 1
            assert img.get("width") and img.get("height"), (page, img)
            if (img.get("src") or "").startswith("/images/"):
                assert img.get("srcset") and img.get("sizes"), (page, img)
        icons = [link for link in parsed.links if link.get("rel") == "icon"]
        assert icons or page.parent == out or page.name == "404.html", page
    assert images > 20
    for name in ("favicon.ico", "apple-touch-icon.png", "icon-192.png", "icon-512.png"):
        assert (out / name).is_file()
    assert opened(out / "favicon.ico").format == "ICO"
    assert opened(out / "apple-touch-icon.png").mode == "RGB"  # no black corners on iOS
    manifest = json.loads((out / "da/manifest.webmanifest").read_text())
    assert manifest["lang"] == "da" and len(manifest["icons"]) == 2
    found = parse(out / "da/nyheder/mission-possible/index.html").found
    lead = [img for img in found if img.get("fetchpriority") == "high"]
    assert len(lead) == 1 and lead[0]["loading"] == "eager" and "site-logo" not in str(lead)
    assert all(img["loading"] == "lazy" for img in found
               if img not in lead and "site-logo" not in (img.get("class") or ""))


def test_a_site_without_branding_still_gets_a_favicon(make_site, build_site):
    out = build_site(make_site())
    assert opened(out / "favicon.ico").format == "ICO"
    page = (out / "da/index.html").read_text(encoding="utf-8")
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert 'og:image' not in page  # no logo, no stand-in picture


def test_the_story_zip_is_complete_and_the_same_in_every_build(site, build_site, tmp_path):
    out = build_site(site)
    zipped = out / "da/nyheder/havn/havn-billeder.zip"
    first = zipped.read_bytes()
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
        assert names == ["billedtekster.txt", "01-havn.jpg", "02-havn.png"]
        text = archive.read("billedtekster.txt").decode("utf-8")
        assert archive.read("01-havn.jpg") == (out / "media/2021/havn.jpg").read_bytes()
    assert "Billedtekst: Havnen om morgenen" in text and "Foto: Anja Lillerud" in text
    assert "Licens: CC BY 4.0" in text
    norsk = zipfile.ZipFile(out / "no/nyheter/havn/havn-bilder.zip")
    assert "Bildetekst: Havna om morgenen" in norsk.read("bildetekster.txt").decode()
    again = tmp_path / "again"
    builder = Builder(site, again, search="off", persistent=False)
    builder.build(FIXED_NOW)
    assert (again / "da/nyheder/havn/havn-billeder.zip").read_bytes() == first


def test_press_kit_pages_and_downloads(site, build_site):
    out = build_site(site)
    for lang, url, words in (
            ("da", "da/presse/index.html", ("Pressekit", "Hent originalen")),
            ("no", "no/presse/index.html", ("Pressemappe", "Last ned originalen"))):
        page = (out / url).read_text(encoding="utf-8")
        for word in words:
            assert word in page, (lang, word)
        assert "havn-b" in page  # the story's ZIP
        assert "Hemmelig" not in page and "hemmelig" not in page
    article = (out / "da/nyheder/havn/index.html").read_text(encoding="utf-8")
    assert 'href="/media/2021/havn.jpg" download' in article
    assert "2.000 × 1.500 px" not in article and "1.500 × 2.000 px" in article
    assert 'rel="license" href="https://creativecommons.org/licenses/by/4.0/"' in article


def test_nothing_of_an_embargoed_story_is_published(site, build_site):
    out = build_site(site)
    assert not list(out.rglob("hemmelig*"))
    assert not (out / "media/2026/hemmelig.jpg").exists()
    for path in out.rglob("*.html"):
        assert "hemmelig" not in path.read_text(encoding="utf-8").lower(), path


def test_structured_data_of_a_picture(site, build_site):
    out = build_site(site)
    page = (out / "da/nyheder/havn/index.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(found.group(1))  # type: ignore[union-attr]
    image = data["image"][0]
    assert image["@type"] == "ImageObject"
    assert image["creditText"] == "Anja Lillerud"
    assert image["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert image["copyrightNotice"] == "Anja Lillerud, CC BY 4.0"
    assert image["acquireLicensePage"]
    assert image["caption"] == "Havnen om morgenen"
    assert image["contentUrl"].endswith("/media/2021/havn.jpg")
    assert (image["width"], image["height"]) == (1280, 1707)
    feed = (out / "da/rss.xml").read_text(encoding="utf-8")
    assert "<media:credit>Anja Lillerud</media:credit>" in feed
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in feed


def test_a_broken_picture_is_a_message_not_a_traceback(make_site, run_cli):
    cut = photo(300, 200)[:400]
    site = make_site({"content/media/2021/havn.jpg": cut,
                      "content/da/2021/havn.md": article("Havnen", "media/2021/havn.jpg")})
    code, out, err = run_cli("build", "--site", site, "--now", "2026-01-01T12:00:00+00:00")
    assert code == 1
    assert "Traceback" not in err
    assert "content/da/2021/havn.md:4: image 'media/2021/havn.jpg': the picture cannot be " \
           "read: the file is cut short" in err


def test_an_unused_broken_picture_is_a_warning(make_site, run_cli):
    site = make_site({"content/media/gammel.jpg": b"\xff\xd8 not a picture"})
    code, out, err = run_cli("build", "--site", site, "--now", "2026-01-01T12:00:00+00:00")
    assert code == 0
    assert "content/media/gammel.jpg: warning: the picture cannot be read" in err


def test_a_rebuild_where_no_picture_changed_makes_none(site, tmp_path, monkeypatch):
    out = tmp_path / "out"
    Builder(site, out, search="off").build(FIXED_NOW)
    text = site / "content/da/2021/tryk.md"
    text.write_text(text.read_text(encoding="utf-8").replace("Teksten.", "Ny tekst."),
                    encoding="utf-8")
    import sitegen.derived

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a picture was made")

    monkeypatch.setattr(sitegen.derived, "make_copies", forbidden)
    monkeypatch.setattr(sitegen.derived, "_original", forbidden)
    builder = Builder(site, out, search="off")
    builder.build(FIXED_NOW)
    assert "Ny tekst." in (out / "da/nyheder/tryk/index.html").read_text(encoding="utf-8")


def test_a_huge_picture_is_made_smaller_in_bounded_memory(tmp_path):
    path = tmp_path / "stor.jpg"
    Image.new("RGB", (8660, 5774), (120, 140, 160)).save(path, "JPEG", quality=70)
    script = f"""
import resource
from pathlib import Path
from sitegen.images.probe import probe
from sitegen.images.variants import make, plan
data = Path({str(path)!r}).read_bytes()
info, problems = probe("content/media/stor.jpg", data)
assert not problems and info.width == 8660
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
copies = make(data, info, plan(info))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) // 1024)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=REPO)
    assert result.returncode == 0, result.stderr
    grown = int(result.stdout.strip())
    assert grown < 100, f"{grown} MB for a 50-megapixel photo"  # a full decode is 150 MB
