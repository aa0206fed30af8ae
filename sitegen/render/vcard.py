"""vCard 3.0 contact cards (RFC 2426), one per person and language.

Why 3.0 and not 4.0 (RFC 6350): every client a reader is likely to save a card with
imports 3.0 (iOS and macOS Contacts, Android's contact apps, Google Contacts, Outlook,
Thunderbird), while Outlook and several Android apps still refuse or mangle 4.0 files.
Nothing this site says about a person needs a 4.0 feature. docs/syndication.md has more.

The output follows the RFC to the letter: CRLF line ends, lines folded at 75 octets
without splitting a UTF-8 character, text values escaped, UTF-8 throughout.
"""

from __future__ import annotations

import uuid

from sitegen import urls
from sitegen.config import SiteConfig
from sitegen.model import Person
from sitegen.render.structured import full_url

# Lower-case words that begin a family name: "Ludwig van Beethoven", "Eva af Trolle".
NAME_PARTICLES = frozenset({"af", "av", "von", "van", "de", "der", "den", "du", "la", "le",
                            "di", "da", "dos", "del", "zu", "ter", "ten"})


def escape_value(text: str) -> str:
    """A TEXT value as RFC 2426 5.1 asks: backslash, ';', ',' and newlines escaped."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a line longer than 75 octets (RFC 2425 5.8.1), never inside a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def split_name(name: str) -> tuple[str, str, str]:
    """(family, given, additional): 'Marianne Jansson Bjerkman' -> Bjerkman, Marianne, Jansson.

    The last word is the family name, together with any particle before it
    ('Eva af Trolle' -> 'af Trolle', 'Eva'); an editor who needs another split can
    still rely on FN, which is always the name exactly as written.
    """
    parts = name.split()
    if len(parts) <= 1:
        return name.strip(), "", ""
    start = len(parts) - 1
    while start > 1 and parts[start - 1] in NAME_PARTICLES:
        start -= 1
    return " ".join(parts[start:]), parts[0], " ".join(parts[1:start])


def person_uid(config: SiteConfig, person: Person) -> str:
    """The same UID in every language's card, so saving both updates one contact."""
    name = f"{config.base_url}people/{person.id}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def render_vcard(config: SiteConfig, person: Person, lang: str) -> bytes:
    base = config.base_url
    family, given, additional = split_name(person.name)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{escape_value(family)};{escape_value(given)};{escape_value(additional)};;",
        f"FN:{escape_value(person.name)}",
    ]
    if person.organization:
        lines.append(f"ORG:{escape_value(person.organization)}")
    if person.role_in(lang):
        lines.append(f"TITLE:{escape_value(person.role_in(lang))}")
    if person.email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{escape_value(person.email)}")
    if person.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{escape_value(person.phone)}")
    if person.photo:
        lines.append(f"PHOTO;VALUE=uri:{full_url(base, person.photo.src)}")
    lines.append(f"URL:{full_url(base, urls.person(lang, person.id))}")
    lines.append(f"UID:{person_uid(config, person)}")
    lines.append("END:VCARD")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")

