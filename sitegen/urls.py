"""The URL scheme, in one place: every page and file the site publishes gets its URL here.

URLs are root-relative, lower-case and end in '/' for pages (served as index.html).
Section names are words of the page's language, chosen once and kept stable.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sections:
    news: str
    people: str
    clusters: str
    tags: str
    page: str
    feeds: str
    search: str
    preview: str


SECTIONS = {
    "da": Sections("nyheder", "personer", "klynger", "emner", "side", "feeds", "soeg",
                   "forhaandsvisning"),
    "no": Sections("nyheter", "personer", "klynger", "emner", "side", "feeds", "sok",
                   "forhandsvisning"),
    "nb": Sections("nyheter", "personer", "klynger", "emner", "side", "feeds", "sok",
                   "forhandsvisning"),
}
DEFAULT_SECTIONS = Sections("news", "people", "clusters", "tags", "page", "feeds", "search",
                            "preview")


def sections(lang: str) -> Sections:
    return SECTIONS.get(lang, DEFAULT_SECTIONS)


def home(lang: str) -> str:
    return f"/{lang}/"


def article(lang: str, slug: str) -> str:
    return f"/{lang}/{sections(lang).news}/{slug}/"


def preview(lang: str, token: str) -> str:
    """An embargo preview's secret address (sitegen/resolve/previews.py)."""
    return f"/{lang}/{sections(lang).preview}/{token}/"


def news_index(lang: str, page: int = 1) -> str:
    base = f"/{lang}/{sections(lang).news}/"
    return base if page == 1 else f"{base}{sections(lang).page}/{page}/"


def people_index(lang: str) -> str:
    return f"/{lang}/{sections(lang).people}/"


def person(lang: str, ident: str) -> str:
    return f"{people_index(lang)}{ident}/"


def person_feed(lang: str, ident: str) -> str:
    return f"{person(lang, ident)}rss.xml"


def vcard(lang: str, ident: str) -> str:
    return f"{person(lang, ident)}{ident}.vcf"


def clusters_index(lang: str) -> str:
    return f"/{lang}/{sections(lang).clusters}/"


def cluster(lang: str, ident: str) -> str:
    return f"{clusters_index(lang)}{ident}/"


def cluster_feed(lang: str, ident: str) -> str:
    return f"{cluster(lang, ident)}rss.xml"


def tag(lang: str, slug: str) -> str:
    return f"/{lang}/{sections(lang).tags}/{slug}/"


def language_feed(lang: str) -> str:
    return f"/{lang}/rss.xml"


def feeds_page(lang: str) -> str:
    return f"/{lang}/{sections(lang).feeds}/"


def search_page(lang: str) -> str:
    return f"/{lang}/{sections(lang).search}/"


def not_found(lang: str | None = None) -> str:
    return f"/{lang}/404.html" if lang else "/404.html"


def sitemap_index() -> str:
    return "/sitemap.xml"


def sitemap_articles(lang: str, year: int, part: int = 1) -> str:
    """One language's articles of one year (in parts of 50,000 should a year have more)."""
    return f"/sitemaps/{lang}-{year}.xml" if part == 1 else f"/sitemaps/{lang}-{year}-{part}.xml"


def sitemap_pages() -> str:
    """Every listed page that is not an article."""
    return "/sitemaps/pages.xml"


def news_sitemap() -> str:
    return "/news-sitemap.xml"


def robots() -> str:
    return "/robots.txt"


def media(path_under_content: str) -> str:
    """'media/2021/la.jpg' -> '/media/2021/la.jpg'."""
    return "/" + path_under_content.lstrip("/")


def image_copy(hash: str, stem: str, width: int, extension: str) -> str:
    """A resized copy of a picture: '/images/<hash>/la-640.webp'. The folder is the
    source's content hash, so a changed picture gets new addresses (hosts may cache
    these files for ever) and no file of content/media/ can take the address."""
    return f"/images/{hash[:16]}/{stem}-{width}.{extension}"


def press_kit(lang: str) -> str:
    """The press-kit page of a language: '/da/presse/'."""
    return f"/{lang}/{PRESS.get(lang, 'press')}/"


def press_zip(lang: str, slug: str) -> str:
    """A story's pictures in one ZIP, beside its page: '/da/nyheder/x/x-billeder.zip'."""
    return f"{article(lang, slug)}{slug}-{PICTURES.get(lang, 'images')}.zip"


PRESS = {"da": "presse", "no": "presse", "nb": "presse"}
PICTURES = {"da": "billeder", "no": "bilder", "nb": "bilder"}
# The icons made from site.toml's `icon` (sitegen/images/icons.py), at the site's root,
# where browsers look for them without being told.
FAVICON = "/favicon.ico"
TOUCH_ICON = "/apple-touch-icon.png"
ICON_192 = "/icon-192.png"
ICON_512 = "/icon-512.png"


def manifest(lang: str) -> str:
    """The web manifest of a language: '/da/manifest.webmanifest'."""
    return f"/{lang}/manifest.webmanifest"


def output_path(url: str) -> str:
    """Where a URL's file lives under the output folder."""
    path = url.lstrip("/")
    return f"{path}index.html" if path == "" or path.endswith("/") else path


def absolute(base_url: str, url: str) -> str:
    return base_url.rstrip("/") + "/" + url.lstrip("/")
