"""Read one article, person or cluster file into its record.

Each function sees exactly one file's bytes: this is what lets a rebuild re-read only
the files that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import PurePosixPath
from typing import TypeVar

from sitegen.errors import Problem, error, suggestion, warning
from sitegen.language import FAMILY, NAMES, other_language
from sitegen.load.fields import FieldReader
from sitegen.load.frontmatter import Entry, SourceText, decode, split
from sitegen.load.records import (
    ARTICLE_KEYS,
    CLUSTER_KEYS,
    ORGANISATION_TYPES,
    PERSON_KEYS,
    ArticleSource,
    ClusterSource,
    PersonSource,
)
from sitegen.load.texts import split_languages
from sitegen.slugs import is_slug, slug_from_filename

T = TypeVar("T")
EMAIL_HINT = "write it as name@example.org"


def _prepare(path: str, data: bytes, known: tuple[str, ...]) -> tuple[SourceText | None,
                                                                     list[Problem]]:
    text, problems = decode(path, data)
    if text is None:
        return None, problems
    source, problems = split(path, text)
    if source is None:
        return None, problems
    for entry in source.entries:
        if entry.key not in known:
            close = suggestion(entry.key, known)
            if close:  # a typing slip: 'autors' would publish a story without its byline,
                # 'embarg' a release before its embargo, so it stops the build.
                problems.append(error(
                    path, entry.line, f"unknown front-matter key '{entry.key}'{close}",
                    f"correct the spelling; known keys: {', '.join(known)}",
                    code="misspelt-key"))
            else:
                problems.append(warning(
                    path, entry.line, f"unknown front-matter key '{entry.key}'; it is "
                    "ignored", f"known keys: {', '.join(known)}", code="unknown-key"))
    return source, problems


def load_article(path: str, data: bytes, lang: str, tz: tzinfo) -> tuple[ArticleSource | None,
                                                                         list[Problem]]:
    source, problems = _prepare(path, data, ARTICLE_KEYS)
    if source is None:
        return None, problems
    read = FieldReader(path)
    get = source.get
    title = read.text(get("title"), required=True)
    if get("title") is None:
        read.problems.append(error(path, source.fm_line, "the article has no 'title'",
                                   "add a line such as: title: Mission Possible"))
    moment = read.moment(get("date"), tz, required=True)
    if get("date") is None:
        read.problems.append(error(path, source.fm_line, "the article has no 'date'",
                                   "add a line such as: date: 2021-11-01 09:00"))
    rel = str(PurePosixPath(path).relative_to(f"content/{lang}").with_suffix(""))
    slug_entry = get("slug")
    slug = read.slug(slug_entry) or slug_from_filename(PurePosixPath(path).stem)
    if not slug:
        read.problems.append(error(path, None, "cannot make a slug from the file name",
                                   "add a line such as: slug: mission-possible"))
    image_entry = get("image")
    image = read.text(image_entry)
    image_alt = read.text(get("image_alt"))
    if image and not image_alt:
        read.problems.append(error(
            path, (get("image_alt") or image_entry).line if image_entry else None,
            "the image has no 'image_alt' text",
            "describe the picture for readers who cannot see it: image_alt: ..."))
    key_entry = get("translation_key")
    translation_key = read.text(key_entry)
    tags = tuple(word for word, _ in read.words(get("tags")))
    article = ArticleSource(
        path=path, lang=lang, rel=rel, title=title or "", date=moment,  # type: ignore[arg-type]
        updated=read.moment(get("updated"), tz), summary=read.text(get("summary")),
        authors=read.ids(get("authors")), contacts=read.ids(get("contacts")),
        clusters=read.ids(get("clusters")), tags=tags, translation_key=translation_key,
        slug=slug, slug_line=slug_entry.line if slug_entry else 1,
        image=image.lstrip("/") if image else None,
        image_line=image_entry.line if image_entry else 1, image_alt=image_alt,
        image_credit=read.text(get("image_credit")), draft=read.flag(get("draft")),
        body=source.body, body_line=source.body_line,
        key_line=key_entry.line if key_entry else 1,
        embargo=read.moment(get("embargo"), tz), preview=read.flag(get("preview")),
        date_line=_line(get("date"), source.fm_line),
        embargo_line=_line(get("embargo"), source.fm_line),
        preview_line=_line(get("preview"), source.fm_line),
        mentions=read.ids(get("mentions")),
        image_caption=read.text(get("image_caption")),
        image_licence=_licence(read, get("image_licence")),
    )
    problems += read.problems
    looks = other_language(source.body, lang)
    if looks is not None:
        problems.append(warning(
            path, source.body_line, f"the text looks {NAMES[looks]}, but the file is in "
            f"content/{lang}/, so it is published as {NAMES[FAMILY[lang]]}",
            f"move the file to the {NAMES[looks]} folder (content/{looks}/...) if it is "
            f"the {NAMES[looks]} version", code="language-folder"))
    if any(p.is_error for p in problems):
        return None, problems
    return article, problems


def _licence(read: FieldReader, entry: Entry | None) -> str | None:
    """A licence code of the fixed list (sitegen/licences.py), or an error naming them."""
    from sitegen.licences import LICENCES

    code = read.text(entry)
    if code and code not in LICENCES:
        read.fail(entry, f"'{code}' is not a licence sitegen knows"  # type: ignore[arg-type]
                  f"{suggestion(code.lower(), LICENCES)}",
                  f"use one of: {', '.join(LICENCES)} (docs/content.md, Licences)")
        return None
    return code


def _line(entry: Entry | None, default: int) -> int:
    return entry.line if entry is not None else default


def _id_from(path: str) -> tuple[str, list[Problem]]:
    stem = PurePosixPath(path).stem
    if is_slug(stem):
        return stem, []
    return stem, [error(path, None, f"'{stem}' is not a valid id for a file name",
                        f"rename the file to '{slug_from_filename(stem)}.md'")]


@dataclass(frozen=True, slots=True)
class _Named:
    """What people and clusters share: a file named by its id, and a required name."""

    source: SourceText
    ident: str
    read: FieldReader
    name: str


def _open_named(path: str, data: bytes, known: tuple[str, ...], kind: str,
                example: str) -> tuple[_Named | None, list[Problem]]:
    source, problems = _prepare(path, data, known)
    if source is None:
        return None, problems
    ident, id_problems = _id_from(path)
    problems += id_problems
    read = FieldReader(path)
    name = read.text(source.get("name"), required=True)
    if source.get("name") is None:
        read.problems.append(error(path, source.fm_line, f"the {kind} has no 'name'",
                                   f"add a line such as: name: {example}"))
    return _Named(source, ident, read, name or ""), problems


def _finish(record: T, named: _Named, problems: list[Problem]) -> tuple[T | None,
                                                                        list[Problem]]:
    problems += named.read.problems
    if any(p.is_error for p in problems):
        return None, problems
    return record, problems


def load_person(path: str, data: bytes, languages: tuple[str, ...]) -> tuple[
        PersonSource | None, list[Problem]]:
    named, problems = _open_named(path, data, PERSON_KEYS, "person", "Kurt Bennetsen")
    if named is None:
        return None, problems
    read, get = named.read, named.source.get
    email = read.text(get("email"))
    if email and ("@" not in email or any(ch.isspace() for ch in email)):
        shown = " ".join(email.split())
        read.fail(get("email"), f"'{shown}' is not an e-mail address", EMAIL_HINT)  # type: ignore[arg-type]
    phone = read.text(get("phone"))
    if phone and "\n" in phone:
        read.fail(get("phone"), "the phone number runs over several lines",  # type: ignore[arg-type]
                  'write it on one line, in quotes: phone: "+45 98 16 06 00"')
    elif phone and not any(ch.isdigit() for ch in phone):
        read.fail(get("phone"), f"'{phone}' is not a phone number",  # type: ignore[arg-type]
                  'write it in quotes: phone: "+45 98 16 06 00"')
    photo_entry = get("photo")
    photo = read.text(photo_entry)
    person = PersonSource(
        path=path, id=named.ident, name=named.name,
        role=read.localized(get("role"), languages),
        organization=read.text(get("organization")), email=email, phone=phone,
        photo=photo.lstrip("/") if photo else None,
        photo_line=photo_entry.line if photo_entry else 1,
        photo_credit=read.text(get("photo_credit")), clusters=read.ids(get("clusters")),
        photo_licence=_licence(read, get("photo_licence")),
        **_texts(named, languages, problems),
    )
    return _finish(person, named, problems)


def _texts(named: _Named, languages: tuple[str, ...], problems: list[Problem]
           ) -> dict[str, object]:
    """The body's fields: the text per language, and what stands outside the blocks."""
    split, split_problems = split_languages(named.source.path, named.source.body,
                                            named.source.body_line, languages)
    problems += split_problems
    return {"body": split.shared, "body_line": named.source.body_line,
            "texts": split.texts, "text_lines": split.lines}


def load_cluster(path: str, data: bytes, languages: tuple[str, ...]) -> tuple[
        ClusterSource | None, list[Problem]]:
    named, problems = _open_named(path, data, CLUSTER_KEYS, "cluster", "Green Hub Denmark")
    if named is None:
        return None, problems
    read, get = named.read, named.source.get
    website = read.text(get("website"))
    if website and not website.startswith(("http://", "https://")):
        read.fail(get("website"), f"website '{website}' must start with https://")  # type: ignore[arg-type]
    type_entry = get("type")
    kind = read.text(type_entry) or "cluster"
    if type_entry is not None and kind not in ORGANISATION_TYPES:
        read.fail(type_entry, f"'type: {kind}' is not a kind of organisation sitegen knows"
                  f"{suggestion(kind, ORGANISATION_TYPES)}",
                  f"use one of: {', '.join(ORGANISATION_TYPES)}")
    logo_entry = get("logo")
    logo = read.text(logo_entry)
    cluster = ClusterSource(
        path=path, id=named.ident, name=named.name, short_name=read.text(get("short_name")),
        website=website, description=read.localized(get("description"), languages),
        type=kind, logo=logo.lstrip("/") if logo else None,
        logo_line=logo_entry.line if logo_entry else 1,
        **_texts(named, languages, problems),
    )
    return _finish(cluster, named, problems)
