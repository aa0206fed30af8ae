"""What loading one file yields: records as the editor wrote them, typed but unresolved.

References are still ids (with their lines); links in bodies are still paths. The
resolve step turns these into the site model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sitegen.load.fields import Ref


@dataclass(frozen=True, slots=True)
class ArticleSource:
    path: str  # relative to the site root: "content/da/2021/mission-possible.md"
    lang: str  # the language folder: "da"
    rel: str  # path under the language folder without ".md": "2021/mission-possible"
    title: str
    date: datetime  # timezone-aware
    updated: datetime | None
    summary: str | None
    authors: tuple[Ref, ...]
    contacts: tuple[Ref, ...]
    clusters: tuple[Ref, ...]
    tags: tuple[str, ...]
    translation_key: str | None
    slug: str
    slug_line: int
    image: str | None  # relative to content/: "media/2021/la.jpg"
    image_line: int
    image_alt: str | None
    image_credit: str | None
    draft: bool
    body: str
    body_line: int
    key_line: int  # line of translation_key, for duplicate messages
    # The story's embargo: no version of it (its translation group) is public before.
    embargo: datetime | None = None
    preview: bool = False  # build an embargo preview at a secret address (docs/content.md)
    date_line: int = 1
    embargo_line: int = 1
    preview_line: int = 1
    mentions: tuple[Ref, ...] = ()  # people the story is about, besides its bylines
    image_caption: str | None = None  # shown under the lead picture, in the press kit
    image_licence: str | None = None  # a code of sitegen/licences.py


@dataclass(frozen=True, slots=True)
class PersonSource:
    path: str
    id: str
    name: str
    role: dict[str, str]  # language code -> text
    organization: str | None
    email: str | None
    phone: str | None
    photo: str | None
    photo_line: int
    photo_credit: str | None
    clusters: tuple[Ref, ...]
    body: str
    body_line: int
    # The text per language (`::: da` blocks, sitegen/load/texts.py); `body` is then
    # what stands outside them. Empty: `body` is the one text of every language.
    texts: dict[str, str] = field(default_factory=dict)
    text_lines: dict[str, int] = field(default_factory=dict)
    photo_licence: str | None = None  # a code of sitegen/licences.py


@dataclass(frozen=True, slots=True)
class ClusterSource:
    path: str
    id: str
    name: str
    short_name: str | None
    website: str | None
    description: dict[str, str]
    body: str
    body_line: int
    texts: dict[str, str] = field(default_factory=dict)  # as PersonSource's
    text_lines: dict[str, int] = field(default_factory=dict)
    type: str = "cluster"  # one of ORGANISATION_TYPES
    logo: str | None = None  # "media/logos/x.png"
    logo_line: int = 1


# What an entry of content/clusters/ may be (docs/content.md): the theme names each in
# every language. "cluster" is the default, so that files older than `type:` build.
ORGANISATION_TYPES = (
    "cluster", "partnership", "initiative", "chamber-of-commerce", "association",
    "employers-organisation", "research-institute", "research-company", "company",
    "public-body",
)


ARTICLE_KEYS = (
    "title", "date", "updated", "summary", "authors", "contacts", "clusters", "tags",
    "translation_key", "slug", "image", "image_alt", "image_credit", "draft", "embargo",
    "preview", "mentions", "image_caption", "image_licence",
)
PERSON_KEYS = (
    "name", "role", "organization", "email", "phone", "photo", "photo_credit", "clusters",
    "photo_licence",
)
CLUSTER_KEYS = ("name", "type", "short_name", "website", "description", "logo")
