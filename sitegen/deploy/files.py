"""What each file of a build is, for the bucket: its content type, its Cache-Control,
and in which phase of a deploy it goes up.

A fixed table of content types rather than Python's `mimetypes`, which reads the
machine's /etc/mime.types: the same build must get the same headers on a laptop and in
CI. Text gets `charset=utf-8` when its bytes are UTF-8 (everything sitegen writes is;
a static file in another encoding is left without, rather than labelled wrongly).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from urllib.parse import quote

from sitegen.deploy.settings import DeployConfig
from sitegen.write import entries_under

TYPES = {
    "html": "text/html", "htm": "text/html", "css": "text/css", "js": "text/javascript",
    "mjs": "text/javascript", "json": "application/json", "map": "application/json",
    "webmanifest": "application/manifest+json", "xml": "application/xml",
    "xsl": "application/xslt+xml", "txt": "text/plain", "md": "text/markdown",
    "csv": "text/csv", "vcf": "text/vcard", "ics": "text/calendar",
    "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
    "gif": "image/gif", "webp": "image/webp", "avif": "image/avif", "ico": "image/x-icon",
    "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff",
    "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
    "pdf": "application/pdf", "zip": "application/zip", "gz": "application/gzip",
    "mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime",
    "mp3": "audio/mpeg", "m4a": "audio/mp4", "ogg": "audio/ogg", "wav": "audio/wav",
    "doc": "application/msword", "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text", "wasm": "application/wasm",
}
FALLBACK = "application/octet-stream"  # Pagefind's .pf_* and .pagefind files too
TEXT_TYPES = re.compile(r"^(text/.*|application/(json|xml|xslt\+xml|manifest\+json|"
                        r"rss\+xml|atom\+xml|javascript))$")
FEED_NAMES = {"rss.xml": "application/rss+xml", "atom.xml": "application/atom+xml",
              "feed.xml": "application/rss+xml"}
SITEMAPS = re.compile(r"^(sitemap[^/]*\.xml|news-sitemap\.xml|sitemaps/.*\.xml|robots\.txt)$")
ASSETS = {"css", "js", "mjs", "map", "woff", "woff2", "ttf", "otf", "svg", "png", "jpg",
          "jpeg", "gif", "webp", "avif", "ico", "webmanifest", "wasm"}
# Pagefind names its chunks by their content: da_d77456f.pf_fragment, pagefind.da_adfdc1131e.pf_meta
HASHED = re.compile(r"_[0-9a-f]{7,}\.pf_\w+$")
# Never published: the output folder's marker and the search index's own bookkeeping.
PRIVATE = re.compile(r"(^|/)\.sitegen-[^/]*$")
# The deploy's own objects in the bucket, beside the site's files.
OWN_FOLDER = ".sitegen/"

# Upload phases, in order: what pages link to, the pages, what links to pages.
PHASES = ("media and assets", "pages", "feeds and sitemaps")
PHASE_OF = {"media": 0, "assets": 0, "search_hashed": 0, "other": 0, "html": 1,
            "search": 1, "feeds": 2, "sitemaps": 2}


@dataclass(frozen=True, slots=True)
class Entry:
    """One file as the bucket should hold it (a manifest's row)."""

    sha256: str
    size: int
    content_type: str
    cache_control: str


def kind_of(rel: str) -> str:
    """One of settings.CACHE_KINDS, from the path alone."""
    name = rel.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if rel.startswith("media/"):
        return "media"
    if rel.startswith("pagefind/"):
        return "search_hashed" if HASHED.search(name) else "search"
    if ext in ("html", "htm"):
        return "html"
    if SITEMAPS.match(rel):
        return "sitemaps"
    if ext == "xml":
        return "feeds"
    if ext in ASSETS:
        return "assets"
    return "other"


def base_type(rel: str) -> str:
    """The content type without its charset."""
    name = rel.rsplit("/", 1)[-1].lower()
    return FEED_NAMES.get(name) or TYPES.get(name.rsplit(".", 1)[-1] if "." in name else "",
                                             FALLBACK)


def content_type(rel: str, utf8: bool) -> str:
    kind = base_type(rel)
    if TEXT_TYPES.match(kind) and utf8:
        return f"{kind}; charset=utf-8"
    return kind


def cache_control(rel: str, kind: str, config: DeployConfig) -> str:
    for pattern, value in config.cache_patterns:
        if fnmatchcase(rel, pattern):
            return value
    return config.cache_control[kind]


def read_hashed(path: Path, text: bool = True) -> tuple[str, int, bool]:
    """sha256, size, and whether the bytes are UTF-8 (looked at only for `text`): a
    chunk at a time, so that a 1 GB video is never in memory whole."""
    hasher = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, size = text, 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            hasher.update(chunk)
            size += len(chunk)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return hasher.hexdigest(), size, utf8


def published(out: Path) -> list[str]:
    """Every file of the build that belongs on the site (posix paths, sorted)."""
    return sorted(rel for rel, entry in entries_under(out)
                  if entry.is_file(follow_symlinks=False) and not PRIVATE.search(rel))


def describe(out: Path, rel: str, config: DeployConfig) -> Entry:
    """A file's manifest row: by its content, never by its modification time (a fresh
    CI checkout touches every file)."""
    sha256, size, utf8 = read_hashed(out / rel, TEXT_TYPES.match(base_type(rel)) is not None)
    return Entry(sha256, size, content_type(rel, utf8),
                 cache_control(rel, kind_of(rel), config))


def scan(out: Path, config: DeployConfig) -> dict[str, Entry]:
    """The build as the bucket should hold it: path -> Entry. One thread: the files are
    small and mostly in the page cache, and threads were measured slower (the GIL)."""
    return {rel: describe(out, rel, config) for rel in published(out)}


def phase_of(rel: str) -> int:
    return PHASE_OF[kind_of(rel)]


def url_of(base_url: str, rel: str) -> str:
    """The address a reader (and a CDN's cache) knows the file by: a folder's
    index.html by the folder."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return base_url + quote(rel, safe="/")
