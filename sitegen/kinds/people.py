"""People: the index of everyone, a person's page, their feed and their vCard."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sitegen import urls
from sitegen.kinds.base import Fact, Frame, Kind, Reads, Slice
from sitegen.kinds.feeds import SubjectFeed
from sitegen.kinds.html import HtmlKind
from sitegen.model import Article, Cluster, Person, Site
from sitegen.plan.formats import VCARD
from sitegen.plan.pages import Page
from sitegen.render import queries
from sitegen.render.context import Feed, text_view
from sitegen.render.structured import full_url, person_json, to_script
from sitegen.render.theme import Theme
from sitegen.render.vcard import render_vcard


@dataclass(frozen=True, slots=True)
class PeopleReads(Reads):
    people: Slice  # everyone, by name


class People(HtmlKind[PeopleReads]):
    name = "people"
    section, section_index = "people", True
    index = staticmethod(urls.people_index)

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.people_index(lang or ""), lang)

    def reads(self, site: Site, page: Page) -> PeopleReads:
        return PeopleReads(Slice("people", queries.people_sorted(site)))

    def context(self, frame: Frame, page: Page, reads: PeopleReads) -> dict[str, Any]:
        return {"people": reads.people.items}


@dataclass(frozen=True, slots=True)
class PersonReads(Reads):
    person: Person
    clusters: tuple[Cluster, ...]  # the person's, in their order
    articles: Slice  # by them, naming them as contact, or about them; newest first
    press_contact: Fact  # whether they are a press contact of any story


class PersonKind(HtmlKind[PersonReads]):
    name = "person"
    section = "people"

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        for ident, person in sorted(site.people.items()):
            yield self.page(urls.person(lang or "", ident), lang, subject=ident,
                            source=person.source)

    def reads(self, site: Site, page: Page) -> PersonReads:
        person = site.people[page.subject]
        lang = page.lang or ""
        return PersonReads(person, tuple(site.clusters[i] for i in person.clusters),
                           Slice(f"list:{lang}:person:{person.id}",
                                 queries.person_articles(site, lang, person.id)),
                           Fact("contacts", person.id in site.listings.contacts))

    def context(self, frame: Frame, page: Page, reads: PersonReads) -> dict[str, Any]:
        return {"person": reads.person, "articles": reads.articles.items,
                "clusters": list(reads.clusters),
                "press_contact": bool(reads.press_contact.value),
                "text": text_view(frame.config, reads.person.text_in(page.lang or ""),
                                  page.lang or "")}

    def shown(self, reads: PersonReads) -> Sequence[Article]:
        return reads.articles.items  # type: ignore[return-value]

    def alternate(self, code: str, page: Page, reads: PersonReads) -> tuple[str, bool]:
        return urls.person(code, page.subject), True

    def own_feeds(self, frame: Frame, page: Page, reads: PersonReads) -> list[Feed]:
        return [Feed(reads.person.name, urls.person_feed(page.lang or "", page.subject))]

    def json_ld(self, frame: Frame, page: Page, reads: PersonReads) -> str | None:
        return to_script(person_json(frame.config, reads.person, page.lang or ""))

    def title(self, frame: Frame, page: Page, reads: PersonReads) -> str:
        return reads.person.name

    def description(self, frame: Frame, page: Page, reads: PersonReads) -> str:
        person = reads.person
        role = person.role_in(page.lang or "")
        # A role that already names the organisation ("Analytiker, IFE") is not followed
        # by it a second time.
        organisation = person.organization if person.organization and (
            person.organization.casefold() not in role.casefold()) else None
        return ", ".join(filter(None, [role, organisation]))

    def image(self, frame: Frame, page: Page, reads: PersonReads) -> tuple[str | None, str | None]:
        person = reads.person
        if person.photo:
            return full_url(frame.config.base_url, person.photo.src), person.name
        return None, None


class PersonFeed(SubjectFeed):
    name = "person_feed"
    subject_kind = "person"
    feed_url = staticmethod(urls.person_feed)
    html_url = staticmethod(urls.person)

    def subjects(self, site: Site) -> Mapping[str, Person]:
        return site.people

    def articles(self, site: Site, lang: str, ident: str) -> tuple[Article, ...]:
        return queries.person_articles(site, lang, ident)

    def about(self, subject: Person, lang: str) -> str:
        return subject.role_in(lang)


@dataclass(frozen=True, slots=True)
class VcardReads(Reads):
    person: Person


class Vcard(Kind[VcardReads]):
    name = "vcard"
    format = VCARD

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        for ident in sorted(site.people):
            yield self.page(urls.vcard(lang or "", ident), lang, subject=ident)

    def reads(self, site: Site, page: Page) -> VcardReads:
        return VcardReads(site.people[page.subject])

    def render(self, frame: Frame, theme: Theme, page: Page, reads: VcardReads) -> bytes:
        return render_vcard(frame.config, reads.person, page.lang or "")


PEOPLE = People()
PERSON = PersonKind()
PERSON_FEED = PersonFeed()
VCARD_KIND = Vcard()
