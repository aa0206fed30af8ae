"""`sitegen new`: start an article, or the other language's version of one.

The functions that decide what to write are pure (`article_text`, `translation_text`,
`add_translation_key`); `create_article` and `create_translation` read the site to
check ids, slugs and keys as a build would, then write. A file that exists is never
overwritten. Nothing is printed here. People and organisations: sitegen/scaffold_entries.py.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

import yaml

from sitegen.config import SiteConfig, load_config
from sitegen.errors import BuildFailed, Problem, error, suggestion
from sitegen.load.content import Loaded, load_content
from sitegen.load.discover import discover
from sitegen.load.fields import Ref
from sitegen.load.frontmatter import decode, split
from sitegen.load.records import ArticleSource
from sitegen.load.sources import load_article
from sitegen.resolve.references import check_refs
from sitegen.slugs import slug_from_filename, slugify

# Placeholders `sitegen check` looks for: text to write, and text to translate.
WRITE_MARKERS = {"da": "SKRIV:", "no": "SKRIV:", "nb": "SKRIV:", "nn": "SKRIV:"}
TRANSLATE_MARKERS = {"da": "OVERSÆT:", "no": "OVERSETT:", "nb": "OVERSETT:", "nn": "OMSET:"}
DEFAULT_WRITE, DEFAULT_TRANSLATE = "WRITE:", "TRANSLATE:"
ALL_MARKERS = tuple(sorted({*WRITE_MARKERS.values(), *TRANSLATE_MARKERS.values(),
                            DEFAULT_WRITE, DEFAULT_TRANSLATE}))

BODY = {
    "da": ("Første afsnit: hvem, hvad, hvornår og hvor. Det bliver artiklens resumé i "
           "lister og feeds.",
           'Resten af teksten. En mellemrubrik er en linje, der begynder med "## ".'),
    "no": ("Første avsnitt: hvem, hva, når og hvor. Det blir artikkelens sammendrag i "
           "lister og feeder.",
           'Resten av teksten. En mellomtittel er en linje som begynner med "## ".'),
}
BODY_EN = ("First paragraph: who, what, when and where. It becomes the article's summary "
           "in lists and feeds.",
           'The rest of the story. A subheading is a line that begins with "## ".')
TRANSLATE_NOTE = {
    "da": "teksten herunder er fra {source}. Oversæt den, og slet så denne linje.",
    "no": "teksten under er fra {source}. Oversett den, og slett så denne linjen.",
}
TRANSLATE_NOTE_EN = "the text below is from {source}. Translate it, then delete this line."
# The optional lines of a new article's header, commented out: (summary, image_alt). With
# the marker, a line uncommented but not written over is one `sitegen check` names.
OPTIONAL = {
    "da": ("En eller to sætninger til lister og feeds; uden den bruges første afsnit.",
           "Hvad billedet viser, for dem der ikke kan se det"),
    "no": ("En eller to setninger til lister og feeder; uten den brukes første avsnitt.",
           "Hva bildet viser, for dem som ikke kan se det"),
}
OPTIONAL_EN = ("One or two sentences for lists and feeds; without it, the first "
               "paragraph is used.", "What the picture shows, for those who cannot see it")
TITLE_EXAMPLE = {"da": "Dansk titel", "no": "Norsk tittel", "nb": "Norsk tittel"}
LANGUAGE_NAMES = {"da": "Danish", "no": "Norwegian", "nb": "Norwegian", "nn": "Nynorsk",
                  "sv": "Swedish", "en": "English", "de": "German"}


def write_marker(lang: str) -> str:
    return WRITE_MARKERS.get(lang, DEFAULT_WRITE)


def translate_marker(lang: str) -> str:
    return TRANSLATE_MARKERS.get(lang, DEFAULT_TRANSLATE)


def language_name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, lang)


class ScaffoldFailed(Exception):
    """`sitegen new` cannot go on; the problems say why (exit status 1)."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class Created:
    path: str  # relative to the site root
    original_edited: str | None = None  # the original, when a translation_key was added
    translation_key: str | None = None
    hint: str | None = None  # what to do next, when it is not obvious


# --- pure: the text of the files -------------------------------------------------------

def yaml_text(value: str, in_list: bool = False) -> str:
    """A YAML scalar that reads back as exactly `value`: plain when that is safe,
    otherwise double-quoted (JSON's escapes are valid YAML). `in_list`: for an item
    of a [a, b] list, where commas and brackets need quotes too."""
    value = " ".join(value.split())
    if in_list and any(ch in value for ch in ",[]{}#"):
        return json.dumps(value, ensure_ascii=False)
    try:
        node = yaml.compose(f"k: {value}", Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        node = None
    if (isinstance(node, yaml.MappingNode) and len(node.value) == 1
            and isinstance(node.value[0][1], yaml.ScalarNode)
            and node.value[0][1].style is None and node.value[0][1].value == value
            and value and value[0] not in "\"'!&*%@`{[|>"):
        return value
    return json.dumps(value, ensure_ascii=False)


def yaml_list(ids: Iterable[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def local_time(moment: datetime) -> str:
    """'2026-03-02 14:05': written without an offset, read in the language's zone."""
    return moment.strftime("%Y-%m-%d %H:%M")


def front_matter(fields: Sequence[tuple[str, str | None]]) -> str:
    lines = ["---"] + [f"{key}: {value}" for key, value in fields if value is not None]
    return "\n".join(lines + ["---", ""])


def article_text(lang: str, title: str, moment: datetime, authors: Sequence[str] = (),
                 contacts: Sequence[str] = (), clusters: Sequence[str] = (),
                 draft: bool = False) -> str:
    """A new article: front matter filled in, the optional lines an editor most often
    needs commented out (so the file builds as it is), and a body to write over."""
    first, rest = BODY.get(lang, BODY_EN)
    summary, alt = OPTIONAL.get(lang, OPTIONAL_EN)
    marker = write_marker(lang)
    header = front_matter([
        ("title", yaml_text(title)),
        ("date", local_time(moment)),
        ("authors", yaml_list(authors) if authors else None),
        ("contacts", yaml_list(contacts) if contacts else None),
        ("clusters", yaml_list(clusters) if clusters else None),
        ("draft", "true" if draft else None),
        ("# summary", yaml_text(f"{marker} {summary}")),
        ("# image", f"media/{moment.year}/{slugify(title) or 'billede'}.jpg"),
        ("# image_alt", yaml_text(f"{marker} {alt}")),
    ])
    return header + f"\n{marker} {first}\n\n{marker} {rest}\n"


def translation_text(original: ArticleSource, lang: str, moment: datetime,
                     key: str, title: str | None = None) -> str:
    """The other language's version: same people, clusters, image and key; the title
    (unless given, already translated), texts and body marked for translation."""
    marker = translate_marker(lang)

    def marked(text: str | None) -> str | None:
        return yaml_text(f"{marker} {text}") if text else None

    note = TRANSLATE_NOTE.get(lang, TRANSLATE_NOTE_EN).format(source=original.path)
    body = original.body.strip("\n")
    return front_matter([
        ("title", yaml_text(title) if title else marked(original.title)),
        ("date", local_time(moment)),
        ("summary", marked(original.summary)),
        ("authors", yaml_list(r.id for r in original.authors) if original.authors else None),
        ("contacts", yaml_list(r.id for r in original.contacts) if original.contacts
         else None),
        ("clusters", yaml_list(r.id for r in original.clusters) if original.clusters
         else None),
        ("tags", yaml_list(yaml_text(t, True) for t in original.tags) if original.tags else None),
        ("translation_key", yaml_text(key)),
        ("image", yaml_text(original.image) if original.image else None),
        ("image_alt", marked(original.image_alt)),
        ("image_credit", yaml_text(original.image_credit) if original.image_credit
         else None),
        ("draft", "true" if original.draft else None),
    ]) + f"\n{marker} {note}\n\n{body}\n"


def add_translation_key(data: bytes, key: str) -> bytes:
    """The file with `translation_key: key` added to its front matter, every other byte
    as it was (line endings, BOM, comments, key order). An empty `translation_key:` line
    is filled in instead."""
    text = data.decode("utf-8")
    lines = text.split("\n")
    crlf = "\r" if lines[0].endswith("\r") else ""
    end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    for i in range(1, end):
        if lines[i].split(":", 1)[0] == "translation_key":
            lines[i] = f"translation_key: {yaml_text(key)}{crlf}"
            break
    else:
        lines.insert(end, f"translation_key: {yaml_text(key)}{crlf}")
    return "\n".join(lines).encode("utf-8")


def new_key(original: ArticleSource, taken: set[str]) -> str:
    """A translation_key for a story that has none: its slug, made unique."""
    base = original.slug
    candidates = [base, f"{base}-{original.date.year}"]
    candidates += [f"{base}-{original.date.year}-{n}" for n in range(2, 1000)]
    return next(c for c in candidates if c not in taken)


# --- reading the site ------------------------------------------------------------------

def _config(site_root: Path) -> SiteConfig:
    config, problems = load_config(site_root)
    if config is None:
        raise BuildFailed(problems)
    return config


def _language(config: SiteConfig, lang: str, option: str) -> None:
    codes = config.language_codes
    if lang not in codes:
        raise ScaffoldFailed([error(
            option, None, f"'{lang}' is not a language of site.toml{suggestion(lang, codes)}",
            f"the languages are: {', '.join(codes)}", code="unknown-language")])


def _ids(site_root: Path, config: SiteConfig) -> tuple[set[str], set[str]]:
    found, _ = discover(site_root, config.language_codes)
    people = {PurePosixPath(f.rel).stem for f in found.people}
    clusters = {PurePosixPath(f.rel).stem for f in found.clusters}
    return people, clusters


def _check_ids(site_root: Path, config: SiteConfig,
               refs: Sequence[tuple[str, Sequence[Ref], str]]) -> None:
    """(path or option, refs, 'person'|'cluster'): unknown ids stop with did-you-mean."""
    people, clusters = _ids(site_root, config)
    problems: list[Problem] = []
    for where, ids, kind in refs:
        known = people if kind == "person" else clusters
        folder = "content/people" if kind == "person" else "content/clusters"
        problems += check_refs(where, ids, known, kind, folder)
    if problems:
        raise ScaffoldFailed(problems)


def _refuse_existing(site_root: Path, rel: str, hint: str) -> None:
    if (site_root / rel).exists():
        raise ScaffoldFailed([error(rel, None, "the file already exists; it is left as it is",
                                    hint, code="exists")])


def _write_new(site_root: Path, rel: str, text: str) -> None:
    path = site_root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldFailed([error(rel, None, "the file already exists; it is left as it is",
                                    code="exists")]) from None


def _replace(path: Path, data: bytes) -> None:
    """Write beside the file and rename over it, keeping its permissions."""
    mode = path.stat().st_mode & 0o777
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sitegen-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _slugs(loaded: Loaded, lang: str) -> dict[str, str]:
    return {a.slug: a.path for a in loaded.articles if a.lang == lang}


def create_article(site_root: Path, lang: str, title: str, now: datetime,
                   authors: Sequence[str] = (), contacts: Sequence[str] = (),
                   clusters: Sequence[str] = (), draft: bool = False) -> Created:
    """Write content/<lang>/<year>/<slug>.md. Raises ScaffoldFailed, or BuildFailed when
    site.toml itself is broken."""
    config = _config(site_root)
    _language(config, lang, "LANG")
    title = " ".join(title.split())
    slug = slugify(title)
    if not slug:
        raise ScaffoldFailed([error("TITLE", None, f"cannot make a file name from {title!r}",
                                    "give a title with letters or digits")])
    _check_ids(site_root, config, [
        ("--author", [Ref(i, 0) for i in authors], "person"),
        ("--contact", [Ref(i, 0) for i in contacts], "person"),
        ("--cluster", [Ref(i, 0) for i in clusters], "cluster"),
    ])
    moment = now.astimezone(config.language(lang).tz)
    rel = f"content/{lang}/{moment.year}/{slug}.md"
    _refuse_existing(site_root, rel, "choose another title, or edit that file")
    loaded, _ = load_content(site_root, config)
    other = _slugs(loaded, lang).get(slug)
    if other:
        raise ScaffoldFailed([error(
            rel, None, f"slug '{slug}' is already used by {other}",
            "choose another title: two articles in one language cannot share a URL",
            code="duplicate-slug")])
    text = article_text(lang, title, moment, _unique(authors), _unique(contacts),
                        _unique(clusters), draft)
    _write_new(site_root, rel, text)
    return Created(rel)


def _unique(ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _source_rel(site_root: Path, source: Path) -> str:
    """The original's path relative to the site root, accepting paths given from the
    current folder or from the site root."""
    candidates = [source] if source.is_absolute() else [Path.cwd() / source,
                                                        site_root / source]
    root = site_root.resolve()
    for candidate in candidates:
        try:
            rel = candidate.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        if (site_root / rel).is_file():
            return rel
    raise ScaffoldFailed([error(str(source), None, "no such article in the site",
                                "give the path of an article's .md file, e.g. "
                                "content/da/2021/mission-possible.md", code="not-found")])


def create_translation(site_root: Path, source: Path, now: datetime,
                       to: str | None = None, title: str | None = None) -> Created:
    """Write the other language's version of an article, and give the original a
    translation_key if it had none. With `title` (in the other language) the file name,
    and so the web address, are made from it; else they are the original's."""
    config = _config(site_root)
    rel = _source_rel(site_root, source)
    parts = PurePosixPath(rel).parts
    codes = config.language_codes
    if len(parts) < 3 or parts[0] != "content" or parts[1] not in codes:
        raise ScaffoldFailed([error(rel, None, "this is not an article",
                                    f"articles are under content/{{{','.join(codes)}}}/")])
    lang = parts[1]
    if to is None:
        others = [c for c in codes if c != lang]
        if len(others) != 1:
            raise ScaffoldFailed([error("--to", None, "which language should it go into?",
                                        f"add --to with one of: {', '.join(others)}")])
        to = others[0]
    _language(config, to, "--to")
    if to == lang:
        raise ScaffoldFailed([error("--to", None, f"{rel} is already in that language")])
    data = (site_root / rel).read_bytes()
    original, problems = load_article(rel, data, lang, config.language(lang).tz)
    if original is None:
        raise ScaffoldFailed([p for p in problems if p.is_error])
    _check_ids(site_root, config, [
        (rel, original.authors, "person"), (rel, original.contacts, "person"),
        (rel, original.clusters, "cluster")])
    folder = PurePosixPath(original.rel).parent
    if title is not None:
        slug = slugify(title)
        if not slug:
            raise ScaffoldFailed([error("--title", None,
                                        f"cannot make a file name from {title!r}",
                                        "give a title with letters or digits")])
        target = f"content/{to}/{(folder / slug).as_posix()}.md"
    else:
        target = f"content/{to}/{original.rel}.md"
        slug = slug_from_filename(PurePosixPath(original.rel).name)
    loaded, _ = load_content(site_root, config)
    _refuse_existing(site_root, target, "it may already be the translation: open it")
    key = original.translation_key
    if key:
        existing = [a.path for a in loaded.articles if a.lang == to and a.translation_key == key]
        if existing:
            raise ScaffoldFailed([error(
                rel, original.key_line,
                f"{existing[0]} already has translation_key '{key}': the "
                f"{language_name(to)} version exists", "open that file instead",
                code="exists")])
    else:
        key = new_key(original, {a.translation_key for a in loaded.articles
                                 if a.translation_key})
    other = _slugs(loaded, to).get(slug)
    if other:
        raise ScaffoldFailed([error(
            target, None, f"slug '{slug}' is already used by {other}",
            f'give the {language_name(to)} title: --title "..."' if title is None else
            "choose another title: two articles in one language cannot share a URL",
            code="duplicate-slug")])
    moment = now.astimezone(config.language(to).tz)
    _write_new(site_root, target, translation_text(original, to, moment, key, title))
    example = TITLE_EXAMPLE.get(to, "...")
    hint = None if title is not None else (
        f"its file name, and so its web address, are the {language_name(lang)} "
        f"original's; to have them in {language_name(to)}, rename the file, or delete it "
        f'and run: sitegen new --translate {rel} --title "{example}"')
    if original.translation_key:
        return Created(target, None, key, hint)
    try:
        _check_front_matter(rel, data)
        _replace(site_root / rel, add_translation_key(data, key))
    except BaseException:
        (site_root / target).unlink(missing_ok=True)
        raise
    return Created(target, rel, key, hint)


def _check_front_matter(rel: str, data: bytes) -> None:
    text, problems = decode(rel, data)
    if text is None or split(rel, text)[0] is None:
        raise ScaffoldFailed(problems or [error(rel, 1, "cannot read the front matter")])
