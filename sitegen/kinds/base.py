"""What a page kind is: one value that plans its pages, says what they read, and renders.

Rendering and the incremental build's digests both start from the same `Reads`: a
renderer is handed a page's Reads and never the `Site`, and the digest is taken of the
Reads. What a page shows and what it is said to depend on therefore cannot disagree
(the stale-feed bug of the old per-kind dependency table was exactly such a
disagreement). Besides its Reads a page may use only the `Frame`: site.toml and whether
the build is a preview, which are part of every page's digest anyway.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sitegen import urls
from sitegen.config import SiteConfig
from sitegen.model import Article, Cluster, Image, Person, Site
from sitegen.plan.formats import HTML, OutputFormat
from sitegen.plan.pages import Page
from sitegen.render.theme import Theme

Record = Article | Person | Cluster


@dataclass(frozen=True, slots=True)
class Frame:
    """What every page may read besides its Reads: the settings and the build's mode.

    Both are in the engine's global digest, so they need no place in a page's Reads."""

    config: SiteConfig
    preview: bool
    # site.toml's logo and icon as pictures (in every page's digest: kinds/digest.py).
    logo: Image | None = None
    icon: Image | None = None


@dataclass(frozen=True, slots=True)
class Slice:
    """Part of one of the model's lists, exactly as a page shows it.

    `source` names the list (`list:da`, `list:da:person:<id>`, `related:<key>`,
    `members:<cluster>`, `people`, ...): the build store's reverse index can invalidate a
    page when that list changes, and `items` are the records themselves."""

    source: str
    items: tuple[Record, ...]


@dataclass(frozen=True, slots=True)
class Fact:
    """A small value a page derives from the model, with where it comes from: whether a
    tag exists in another language, an entry of a sitemap. Digested by its value, so a
    change that leaves the value alone re-renders nothing."""

    source: str | tuple[str, ...]
    value: object


@dataclass(frozen=True, slots=True)
class Reads:
    """Everything a page is made from, besides the Frame, the theme and sitegen's code.

    Each kind subclasses it with named fields (records, Slices, Facts, plain values);
    `sitegen.kinds.digest` walks those fields for the digest and the input ids."""


NOTHING = Reads()
R = TypeVar("R", bound=Reads)


class Kind(Generic[R]):
    """One kind of page. A subclass per kind, one instance each (listed in KINDS).

    Compared by identity (`page.kind is ARTICLE`), printed and pickled by name.
    """

    name: str = ""
    format: OutputFormat = HTML
    per_language: bool = True  # planned once per language (else once for the site)
    listed: bool = False  # may appear in a sitemap (HTML pages, not error pages)
    # Its Reads follow from the site's structure alone (which articles exist, their dates,
    # slugs, languages, translations; see sitegen/patch.py): an edit that leaves the
    # structure as it was leaves these pages as they were, and the quick path skips them.
    structural: bool = False

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        """The pages of this kind (in one language, or site-wide)."""
        raise NotImplementedError

    def reads(self, site: Site, page: Page) -> R:
        """The exact records, list slices and facts the page shows."""
        return NOTHING  # type: ignore[return-value]

    def render(self, frame: Frame, theme: Theme, page: Page, reads: R) -> bytes:
        """The page's bytes, from its Reads alone."""
        raise NotImplementedError

    def make(self, site: Site, theme: Theme, page: Page) -> bytes:
        """reads, then render: the one way a page is made (render_page calls this)."""
        return self.render(Frame(site.config, site.preview, site.logo, site.icon), theme, page,
                           self.reads(site, page))

    # --- for sitemaps ------------------------------------------------------------------

    def in_sitemap(self, reads: R) -> bool:
        return self.listed

    def shown(self, reads: R) -> Sequence[Article]:
        """The articles the page lists: their newest change is its sitemap lastmod."""
        return ()

    def hreflang(self, frame: Frame, page: Page, reads: R) -> tuple[tuple[str, str], ...]:
        """(hreflang, absolute URL) of every language version, x-default last; () if none."""
        return ()

    # --- identity ------------------------------------------------------------------------

    def page(self, url: str, lang: str | None, **fields: Any) -> Page:
        return Page(url, urls.output_path(url), self, lang, **fields)

    @property
    def template(self) -> str:
        return f"{self.name}.html"

    def __repr__(self) -> str:
        return self.name

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        # Kinds are compared by identity. A string compares equal to the kind's name only
        # so that code outside this package not yet moved off names (search.py's
        # `page.kind == "article"`) keeps working; new code must not rely on it.
        if isinstance(other, str):
            return other == self.name
        return self is other

    def __hash__(self) -> int:
        return hash(self.name)

    def __reduce__(self) -> tuple[Any, ...]:
        from sitegen.kinds import kind_named

        return kind_named, (self.name,)
