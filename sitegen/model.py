"""The resolved site: frozen records, no I/O and no logic.

This is the one value that plan and render read. Everything in it has been checked:
references point at existing people and clusters, links at published articles,
drafts and embargoed articles are already left out (or kept, for previews).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sitegen.config import SiteConfig


@dataclass(frozen=True, slots=True)
class Variant:
    """A resized copy of a picture, for `srcset` (sitegen/images/variants.py)."""

    url: str  # "/images/<hash>/la-640.webp"
    width: int
    height: int
    mime: str  # "image/webp", or the original's format


@dataclass(frozen=True, slots=True)
class Image:
    """A published image: where it is served from, what it shows and whose it is."""

    src: str  # root-relative URL of the original: "/media/2021/la.jpg"
    alt: str
    credit: str | None = None
    length: int = 0  # bytes of the published original (RSS enclosures, downloads)
    mime: str = "image/jpeg"
    width: int = 0  # pixels, as shown (EXIF orientation applied); 0: not a picture
    height: int = 0
    variants: tuple[Variant, ...] = ()  # smallest first; none when withheld or animated
    caption: str | None = None  # in the language of the page that shows it
    licence: str | None = None  # a code of sitegen/licences.py: "cc-by-4.0", ...
    path: str = ""  # "media/2021/la.jpg": the file under content/
    hash: str = ""  # of the file's bytes: what press-kit ZIPs and copies are made from

    def srcset(self, mime: str) -> str:
        """'url 320w, url 640w' of the copies in one format, for <source>/<img>."""
        return ", ".join(f"{v.url} {v.width}w" for v in self.variants if v.mime == mime)

    @property
    def fallback(self) -> str:
        """The copies' format for browsers without WebP: the original's, or WebP."""
        kinds = [v.mime for v in self.variants if v.mime != "image/webp"]
        return kinds[0] if kinds else "image/webp"

    @property
    def largest(self) -> Variant | None:
        """The widest copy in the fallback format: for link previews and feeds."""
        kinds = [v for v in self.variants if v.mime == self.fallback]
        return kinds[-1] if kinds else None


@dataclass(frozen=True, slots=True)
class LocalText:
    """A text for a page in one language: its own, or another language's when it has
    none (`lang` then says which, for the page's `lang` attribute and its note)."""

    html: str
    lang: str | None  # None: one text for every language, of no declared language
    fallback: bool = False


def local_text(texts: Mapping[str, str], shared: str, lang: str) -> LocalText | None:
    """The text in `lang`, else the first language that has one, else the shared one."""
    if lang in texts:
        return LocalText(texts[lang], lang)
    for other, html in texts.items():
        return LocalText(html, other, fallback=True)
    return LocalText(shared, None) if shared else None


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    role: Mapping[str, str]  # language code -> role
    organization: str | None
    email: str | None
    phone: str | None
    photo: Image | None
    clusters: tuple[str, ...]
    bio_html: str  # the one text of every language (a file without language blocks)
    source: str
    texts: Mapping[str, str] = field(default_factory=dict)  # lang -> biography HTML

    def role_in(self, lang: str) -> str:
        return self.role.get(lang, "")

    def text_in(self, lang: str) -> LocalText | None:
        return local_text(self.texts, self.bio_html, lang)


@dataclass(frozen=True, slots=True)
class Cluster:
    id: str
    name: str
    short_name: str | None
    website: str | None
    description: Mapping[str, str]
    body_html: str  # the one text of every language (a file without language blocks)
    source: str
    texts: Mapping[str, str] = field(default_factory=dict)  # lang -> text HTML
    type: str = "cluster"  # what it is: load.records.ORGANISATION_TYPES
    logo: Image | None = None

    def description_in(self, lang: str) -> str:
        return self.description.get(lang, "")

    def text_in(self, lang: str) -> LocalText | None:
        return local_text(self.texts, self.body_html, lang)


@dataclass(frozen=True, slots=True)
class Tag:
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Article:
    key: str  # unique across the site: "da/2021/mission-possible"
    lang: str
    slug: str
    url: str  # root-relative, e.g. "/da/nyheder/mission-possible/"
    title: str
    date: datetime
    updated: datetime | None
    summary: str
    authors: tuple[str, ...]  # person ids
    contacts: tuple[str, ...]
    clusters: tuple[str, ...]
    tags: tuple[Tag, ...]
    translation_key: str  # explicit, or the path under the language folder
    image: Image | None
    body_html: str
    body_digest: str  # a hash of body_html, to compare articles cheaply
    words: int
    draft: bool
    embargoed: bool  # held by the clock at the build's "now" (kept only in previews)
    source: str
    translations: Mapping[str, str] = field(default_factory=dict)  # lang -> article key
    # When it is public: its date, or its story's embargo if that is later.
    public_at: datetime | None = None
    organisation_authors: tuple[str, ...] = ()  # cluster ids in the byline (a press office)
    mentions: tuple[str, ...] = ()  # person ids of people the story is about
    figures: tuple[Image, ...] = ()  # pictures shown in the text (body_html holds them)

    @property
    def modified(self) -> datetime:
        return self.updated if self.updated and self.updated > self.date else self.date


@dataclass(frozen=True, slots=True)
class Asset:
    """A file copied as it is: media under /media/, static files at the root."""

    url: str
    source: str  # relative to the site root
    size: int


@dataclass(frozen=True, slots=True)
class Listings:
    """Article keys per (language, person/cluster/tag), newest first: computed once in
    resolve so that pages and feeds never scan the whole archive."""

    by_person: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    by_cluster: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    by_tag: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    related: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # article key ->
    contacts: frozenset[str] = frozenset()  # people who are a press contact somewhere


@dataclass(frozen=True, slots=True)
class WaitingLink:
    """A published article's link to a story under embargo, shown as its text alone."""

    source: str  # the linking file: "content/da/2026/x.md"
    line: int
    target: str  # the embargoed file: "content/da/2026/y.md"
    lift: datetime  # when the link is made a link


@dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    now: datetime
    articles: Mapping[str, Article]
    by_language: Mapping[str, tuple[str, ...]]  # lang -> article keys, newest first
    people: Mapping[str, Person]
    clusters: Mapping[str, Cluster]
    assets: tuple[Asset, ...]
    preview: bool = False  # drafts/embargoed kept and marked with a banner
    listings: Listings = field(default_factory=Listings)
    ordered: Mapping[str, tuple[Article, ...]] = field(default_factory=dict)  # = by_language
    # Embargo previews (key -> article at its secret address): read by the preview kind
    # alone, so that no list, feed, sitemap or search index can name them.
    previews: Mapping[str, Article] = field(default_factory=dict)
    waiting: tuple[WaitingLink, ...] = ()  # links shown as text until their story lifts
    # Every picture in content/media/ by path ("media/x.jpg"): what sitegen/derived.py
    # makes published originals and copies from (images.probe.ImageInfo values).
    images: Mapping[str, object] = field(default_factory=dict)
    logo: Image | None = None  # site.toml's `logo`: the header, JSON-LD, og:image fallback
    icon: Image | None = None  # site.toml's `icon`: favicon, touch icon, manifest

    def newest(self, lang: str) -> tuple[Article, ...]:
        """A language's articles, newest first (built once in resolve: pages ask often)."""
        if lang in self.ordered:
            return self.ordered[lang]
        return tuple(self.articles[key] for key in self.by_language.get(lang, ()))
