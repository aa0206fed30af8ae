"""`sitegen new person ID "Name"` and `sitegen new organisation ID "Name"`.

The file lists every field the loader knows (PERSON_KEYS, CLUSTER_KEYS; a test keeps
it so), each optional
one commented out with an example, so that an editor sees what can be said without
opening docs/content.md, and the file builds as it is. The text is one `::: <code>`
block per language of site.toml, each holding a placeholder line with the marker
`sitegen new` uses for articles. As in sitegen/scaffold.py, `person_text` and
`organisation_text` are pure; `create_entry` checks and writes, and never overwrites.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from sitegen.config import SiteConfig
from sitegen.errors import error
from sitegen.load.discover import discover
from sitegen.load.records import ORGANISATION_TYPES
from sitegen.scaffold import (
    Created,
    ScaffoldFailed,
    _config,
    _refuse_existing,
    _write_new,
    write_marker,
    yaml_text,
)
from sitegen.slugs import is_slug, slugify

FOLDERS = {"person": "content/people", "organisation": "content/clusters"}
OPTIONAL_NOTE = "# Optional: to use a line below, delete the '# ' in front of it."

# Examples in the site's languages (others get English ones).
ROLE = {"da": "Kommunikationschef", "no": "Kommunikasjonssjef"}
EMPLOYER = {"da": "Virksomhedens navn", "no": "Bedriftens navn"}
PHONE = {"da": "+45 12 34 56 78", "no": "+47 123 45 678"}
DESCRIPTION = {"da": "Hvad organisationen gør, i en eller to sætninger.",
               "no": "Hva organisasjonen gjør, i en eller to setninger."}
PERSON_TEXT = {"da": "Et par linjer om {name} på dansk. De står på personens side.",
               "no": "Noen linjer om {name} på norsk. De står på personens side."}
ORGANISATION_TEXT = {
    "da": "Et par linjer om {name} på dansk: hvad organisationen gør, og for hvem. De "
          "står på dens side.",
    "no": "Noen linjer om {name} på norsk: hva organisasjonen gjør, og for hvem. De står "
          "på dens side.",
}
ENGLISH = {"role": "Head of communications", "employer": "The employer's name",
           "phone": "+45 12 34 56 78", "description": "What it does, in a sentence or two.",
           "person": "A few lines about {name}. They are shown on the person's page.",
           "organisation": "A few lines about {name}: what it does, and for whom. They are "
                           "shown on its page."}


def _per_language(key: str, texts: dict[str, str], english: str,
                  languages: Sequence[str]) -> list[str]:
    """'# key:' with one '#   code: text' line per language."""
    return [f"# {key}:"] + [f"#   {code}: {yaml_text(texts.get(code, english))}"
                            for code in languages]


def _body(texts: dict[str, str], english: str, name: str,
          languages: Sequence[str]) -> str:
    """One block per language, each a line to write over (the checker's marker)."""
    blocks = [f"::: {code}\n{write_marker(code)} "
              f"{texts.get(code, english).format(name=name)}\n:::"
              for code in languages]
    return "\n" + "\n\n".join(blocks) + "\n"


def person_text(ident: str, name: str, languages: Sequence[str],
                cluster_example: str = "green-hub-denmark") -> str:
    """content/people/<ident>.md: the name, every other field commented out."""
    first = languages[0]
    lines = [
        "---", f"name: {yaml_text(name)}", OPTIONAL_NOTE,
        "# The job title: one text for every language, or one per language as here.",
        *_per_language("role", ROLE, ENGLISH["role"], languages),
        f"# organization: {yaml_text(EMPLOYER.get(first, ENGLISH['employer']))}",
        f"# email: {ident.replace('-', '.')}@example.org",
        f"# phone: \"{PHONE.get(first, ENGLISH['phone'])}\"",
        "# The portrait: a picture in content/media/ (the file must be there).",
        f"# photo: media/people/{ident}.jpg",
        "# photo_credit: Fotografens navn",
        "# photo_licence: editorial",
        "# The clusters and organisations the person belongs to: ids from "
        "content/clusters/.",
        f"# clusters: [{cluster_example}]",
        "---",
    ]
    return "\n".join(lines) + "\n" + _body(PERSON_TEXT, ENGLISH["person"], name, languages)


def organisation_text(ident: str, name: str, languages: Sequence[str]) -> str:
    """content/clusters/<ident>.md: the name, every other field commented out."""
    types = textwrap.wrap("What it is (without a type, a cluster), one of: "
                          + ", ".join(ORGANISATION_TYPES), 86)
    initials = "".join(word[0] for word in name.split() if word[0].isalnum()).upper()
    lines = [
        "---", f"name: {yaml_text(name)}", OPTIONAL_NOTE,
        *(f"# {line}" for line in types),
        "# type: cluster",
        "# An abbreviation, shown after the name on its page.",
        f"# short_name: {yaml_text(initials or name)}",
        "# website: https://example.org/",
        "# A sentence or two per language: on its page, and under the articles that name it.",
        *_per_language("description", DESCRIPTION, ENGLISH["description"], languages),
        "# The logo: a picture in content/media/ (the file must be there).",
        f"# logo: media/logos/{ident}.png",
        "---",
    ]
    return "\n".join(lines) + "\n" + _body(ORGANISATION_TEXT, ENGLISH["organisation"], name,
                                           languages)


def _checked_id(ident: str, kind: str) -> None:
    if is_slug(ident):
        return
    close = slugify(ident)
    meant = f" (did you mean '{close}'?)" if close else ""
    example = "kurt-bennetsen" if kind == "person" else "green-hub-denmark"
    raise ScaffoldFailed([error(
        "ID", None, f"'{ident}' cannot be an id{meant}",
        f"an id is lower-case letters, digits and '-', e.g. {example}: it becomes the "
        "file name and part of the web address", code="invalid-id")])


def _first_cluster(site_root: Path, config: SiteConfig) -> str:
    found, _ = discover(site_root, config.language_codes)
    ids = sorted(PurePosixPath(f.rel).stem for f in found.clusters)
    return next((i for i in ids if is_slug(i)), "green-hub-denmark")


def create_entry(site_root: Path, kind: str, ident: str, name: str) -> Created:
    """Write content/people/<ident>.md (kind 'person') or content/clusters/<ident>.md
    ('organisation'). Raises ScaffoldFailed, or BuildFailed when site.toml is broken."""
    config = _config(site_root)
    _checked_id(ident, kind)
    name = " ".join(name.split())
    if not name:
        raise ScaffoldFailed([error("NAME", None, f"the {kind} needs a name",
                                    'give it in quotes: "Kurt Bennetsen"')])
    rel = f"{FOLDERS[kind]}/{ident}.md"
    _refuse_existing(site_root, rel, "choose another id, or edit that file")
    languages = config.language_codes
    if kind == "person":
        text = person_text(ident, name, languages, _first_cluster(site_root, config))
    else:
        text = organisation_text(ident, name, languages)
    _write_new(site_root, rel, text)
    who = "the person" if kind == "person" else "the organisation"
    markers = ", ".join(sorted({write_marker(code) for code in languages}))
    return Created(rel, hint=(
        f"it builds as it is. Write over the {markers} lines: they are the text on "
        f"{who}'s page, shown there as they are until you do. To use a field, delete the "
        f"'# ' in front of it. sitegen check warns that no article names {who} until one "
        "does."))
