"""The press kit of a language, and the web manifest: pages made for the press and
for phones.

The press-kit page (`/da/presse/`) gathers what a journalist comes for: the
publisher's logo and the organisations' logos, portraits of the press contacts, and
the pictures of the newest stories, each with its credit, terms and download (the
story's own page has the ZIP). Only published stories are in it, as in any press kit:
a draft or a story under embargo never is, not even in a preview build.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sitegen import urls
from sitegen.derived import in_press_kit, story_images
from sitegen.kinds.base import Frame, Kind, Reads, Slice
from sitegen.kinds.html import HtmlKind
from sitegen.model import Article, Site
from sitegen.plan.formats import MANIFEST
from sitegen.plan.pages import Page
from sitegen.render.theme import Theme

RECENT = 12  # stories whose pictures the press-kit page shows


@dataclass(frozen=True, slots=True)
class PressKitReads(Reads):
    stories: Slice  # the newest published stories with pictures, newest first
    contacts: Slice  # press contacts with a photo, by name
    organisations: Slice  # organisations with a logo, by name


class PressKit(HtmlKind[PressKitReads]):
    name = "press_kit"
    index = staticmethod(urls.press_kit)

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.press_kit(lang or ""), lang)

    def reads(self, site: Site, page: Page) -> PressKitReads:
        lang = page.lang or ""
        stories: list[Article] = []
        for article in site.newest(lang):
            if in_press_kit(article):
                stories.append(article)
                if len(stories) == RECENT:
                    break
        contacts = sorted((site.people[i] for i in site.listings.contacts
                           if i in site.people and site.people[i].photo),
                          key=lambda p: (p.name, p.id))
        logos = sorted((c for c in site.clusters.values() if c.logo),
                       key=lambda c: (c.name, c.id))
        return PressKitReads(Slice(f"list:{lang}", tuple(stories)),
                             Slice("people", tuple(contacts)), Slice("clusters", tuple(logos)))

    def context(self, frame: Frame, page: Page, reads: PressKitReads) -> dict[str, Any]:
        stories = reads.stories.items
        return {
            "stories": [(story, story_images(story),  # type: ignore[arg-type]
                         urls.press_zip(story.lang, story.slug))  # type: ignore[union-attr]
                        for story in stories],
            "contacts": reads.contacts.items,
            "organisations": reads.organisations.items,
            "logo": frame.logo,
        }


class Manifest(Kind[Reads]):
    """A language's web manifest: the name and icons a phone gives the site when a
    reader adds it to the home screen."""

    name = "manifest"
    format = MANIFEST

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.manifest(lang or ""), lang)

    def render(self, frame: Frame, theme: Theme, page: Page, reads: Reads) -> bytes:
        language = frame.config.language(page.lang or "")
        data = {
            "name": language.title,
            "short_name": language.title,
            "description": language.description,
            "lang": language.html_lang,
            "start_url": urls.home(language.code),
            "scope": "/",
            "display": "browser",
            "background_color": "#ffffff",
            "theme_color": "#0a57a4",
            "icons": [{"src": url, "sizes": f"{size}x{size}", "type": "image/png"}
                      for url, size in ((urls.ICON_192, 192), (urls.ICON_512, 512))],
        }
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
                + "\n").encode("utf-8")


PRESS_KIT = PressKit()
MANIFEST_KIND = Manifest()
