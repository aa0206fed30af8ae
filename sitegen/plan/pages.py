"""The page record (URL, output file, kind, subject) and the check for collisions.

Planning is cheap and complete: collisions between output files are found here, naming
both sources, before any page is rendered (as Zola's find_path_collisions does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sitegen import urls
from sitegen.errors import Problem, error
from sitegen.model import Site
from sitegen.plan.formats import OutputFormat

if TYPE_CHECKING:
    from sitegen.kinds.base import Kind

PER_PAGE = 10


@dataclass(frozen=True, slots=True)
class Page:
    """One output file. Rendering it reads only the site model and this record."""

    url: str  # root-relative
    output: str  # path under the output folder
    kind: Kind[Any]  # what the page is, and how it is made (sitegen/kinds/)
    lang: str | None  # None for language-neutral files (/, sitemap.xml)
    subject: str = ""  # article key, person id, cluster id or tag slug
    number: int = 1  # page number in a paginated list
    pages: int = 1  # number of pages in that list
    source: str = ""  # file the page comes from, for collision messages

    @property
    def format(self) -> OutputFormat:
        return self.kind.format

    @property
    def template(self) -> str:
        return self.kind.template


def paginate(count: int, per_page: int = PER_PAGE) -> int:
    return max(1, -(-count // per_page))


def plan_pages(site: Site) -> tuple[tuple[Page, ...], list[Problem]]:
    """Every page of the site, and the collisions between their output files.

    The page kinds (sitegen/kinds/) say which pages there are. They sit above plan and
    render, since each also says how its pages are rendered, so they are imported here
    when asked for rather than when this module is."""
    from sitegen.kinds import plan_site

    return plan_site(site)


def find_collisions(pages: list[Page], site: Site) -> list[Problem]:
    """Two things that would be written to one file: name both, fail the build."""
    owners: dict[str, str] = {}
    problems = []
    for page in pages:
        owner = page.source or f"the {page.kind.name} page"
        first = owners.setdefault(page.output, owner)
        if first != owner:
            problems.append(error(page.source or "site.toml", None,
                                  f"{page.url} would be written twice: by {first} and {owner}",
                                  "give one of them another slug", code="collision"))
    copied: dict[str, str] = {}
    for asset in site.assets:
        output = urls.output_path(asset.url)
        if output in owners:
            problems.append(error(asset.source, None,
                                  f"{asset.url} is also a page made by {owners[output]}",
                                  "rename or move the file", code="collision"))
        elif output in copied:  # static/media/x.jpg and content/media/x.jpg
            problems.append(error(asset.source, None,
                                  f"{asset.url} would be copied twice: from {copied[output]} "
                                  f"and {asset.source}",
                                  "keep one of the two files", code="collision"))
        copied.setdefault(output, asset.source)
    return problems
