"""A page's digest and input ids, both taken from its Reads: the keys of incremental builds.

A page is re-rendered when its digest differs from the last build's. The digest covers
the page's plan record and its Reads (see sitegen/kinds/base.py); the caller adds what
every page depends on (site.toml, the theme, sitegen's code, preview or not). Because
the renderer is given the same Reads and nothing else of the model, a page cannot show
something its digest does not cover; tests/test_kinds.py and the property test in
tests/test_incremental.py check that from the outside.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace

from sitegen.fingerprint import digest
from sitegen.kinds.base import Fact, Reads, Slice
from sitegen.model import Article, Cluster, Person, Site
from sitegen.plan.pages import Page

# Fingerprints kept from one build to the next: name -> (the record, its fingerprint).
# A record reused by resolve is the very same object, so `is` tells the entry is valid.
FingerprintMemo = dict[str, tuple[object, str]]


@dataclass
class Fingerprints:
    """Fingerprints of the model's records, each computed at most once."""

    memo: FingerprintMemo = field(default_factory=dict)

    def _of(self, name: str, record: object, text: Callable[[], str]) -> str:
        known = self.memo.get(name)
        if known is not None and known[0] is record:
            return known[1]
        value = digest([text()])
        self.memo[name] = (record, value)
        return value

    def article(self, record: Article) -> str:
        # body_digest stands for body_html: hashing the HTML again would cost as much as
        # rendering the page.
        return self._of("a:" + record.key, record, lambda: repr(replace(record, body_html="")))

    def person(self, record: Person) -> str:
        return self._of("p:" + record.id, record, lambda: repr(record))

    def cluster(self, record: Cluster) -> str:
        return self._of("c:" + record.id, record, lambda: repr(record))

    def values(self, value: object) -> Iterator[str]:
        """The strings a value's digest is made of, walking Reads, Slices and containers."""
        if isinstance(value, Article):
            yield self.article(value)
        elif isinstance(value, Person):
            yield self.person(value)
        elif isinstance(value, Cluster):
            yield self.cluster(value)
        elif isinstance(value, Slice):
            yield value.source
            for item in value.items:
                yield from self.values(item)
        elif isinstance(value, Fact):  # its sources are for the reverse index only
            yield repr(value.value)
        elif isinstance(value, Site):  # a kind that reads the whole site (see search)
            yield from _whole_site(self, value)
        elif isinstance(value, Reads) and is_dataclass(value):
            for f in fields(value):
                yield f.name
                yield from self.values(getattr(value, f.name))
        elif isinstance(value, (tuple, list)):
            yield f"[{len(value)}"
            for item in value:
                yield from self.values(item)
            yield "]"
        else:  # strings, numbers, dates, Tags, sitemap entries: their repr is their content
            yield repr(value)


def _whole_site(fp: Fingerprints, site: Site) -> Iterator[str]:
    yield repr(sorted(site.by_language.items()))
    for key in sorted(site.articles):
        yield from fp.values(site.articles[key])
    for ident in sorted(site.people):
        yield fp.person(site.people[ident])
    for ident in sorted(site.clusters):
        yield fp.cluster(site.clusters[ident])


def with_branding(global_digest: str, site: Site) -> str:
    """What every page depends on, with the site's logo and icon: every page's header
    shows the one and links the other, so they are part of every page's Frame."""
    if site.logo is None and site.icon is None:
        return global_digest
    return digest([global_digest, repr(site.logo), repr(site.icon)])


def digests_and_reads(site: Site, pages: Iterable[Page], global_digest: str,
                      memo: FingerprintMemo | None = None
                      ) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Each page's digest and the ids of what it reads, from one call of its kind's
    `reads`: output -> digest, output -> input ids (the reverse index's rows; none for
    kinds whose pages follow from the structure alone, which the quick path skips)."""
    fp = Fingerprints(memo if memo is not None else {})
    global_digest = with_branding(global_digest, site)
    digests, reads = {}, {}
    for page in pages:
        page_reads = page.kind.reads(site, page)
        digests[page.output] = digest([global_digest, repr(page), *fp.values(page_reads)])
        if not page.kind.structural:  # the quick path never looks these up
            reads[page.output] = tuple(dict.fromkeys(input_ids(page_reads)))
    return digests, reads


def page_digests(site: Site, pages: Iterable[Page], global_digest: str,
                 memo: FingerprintMemo | None = None) -> dict[str, str]:
    """Output path -> digest of every input the page is made from."""
    return digests_and_reads(site, pages, global_digest, memo)[0]


def page_inputs(site: Site, page: Page) -> tuple[str, ...]:
    """Ids of the model's records and lists the page reads, in the order met, each once.

    `article:<key>`, `person:<id>`, `cluster:<id>` for records; a list's id for a slice
    of a list (`list:<lang>`, `list:<lang>:person:<id>`, `list:<lang>:cluster:<id>`,
    `list:<lang>:tag:<slug>`, `related:<key>`, `members:<cluster>`, `people`,
    `clusters`, `news-window`, `pages` for the plan itself, `site` for everything).
    A page whose input ids are untouched by an edit may still need its digest checked
    (a list's membership can change without any of its records changing): the list
    ids are there for that."""
    found: dict[str, None] = {}
    for ident in input_ids(page.kind.reads(site, page)):
        found.setdefault(ident, None)
    return tuple(found)


def input_ids(value: object) -> Iterator[str]:
    """The input ids of a Reads or any part of it (with repeats)."""
    if isinstance(value, Article):
        yield f"article:{value.key}"
    elif isinstance(value, Person):
        yield f"person:{value.id}"
    elif isinstance(value, Cluster):
        yield f"cluster:{value.id}"
    elif isinstance(value, Slice):
        yield value.source
        for item in value.items:
            yield from input_ids(item)
    elif isinstance(value, Fact):
        yield from (value.source,) if isinstance(value.source, str) else value.source
    elif isinstance(value, Site):
        yield "site"
    elif isinstance(value, Reads) and is_dataclass(value):
        for f in fields(value):
            yield from input_ids(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from input_ids(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from input_ids(item)
