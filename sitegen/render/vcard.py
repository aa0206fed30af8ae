"""vCard 3.0 contact cards.

3.0 rather than 4.0: iOS Contacts, Android, Outlook and Gmail all import 3.0, while
Outlook and several Android contact apps still refuse or mangle 4.0 files.
"""

from __future__ import annotations

from sitegen import urls
from sitegen.model import Person, Site
from sitegen.plan.pages import Page


def escape_value(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold lines longer than 75 octets, as RFC 2425/6350 ask (UTF-8 safe)."""
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
    """'Marianne Jansson Bjerkman' -> ('Bjerkman', 'Marianne', 'Jansson')."""
    parts = name.split()
    if len(parts) == 1:
        return parts[0], "", ""
    return parts[-1], parts[0], " ".join(parts[1:-1])


def render_vcard(site: Site, person: Person, lang: str) -> bytes:
    base = site.config.base_url
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
        lines.append(f"PHOTO;VALUE=URI:{urls.absolute(base, person.photo.src)}")
    lines.append(f"URL:{urls.absolute(base, urls.person(lang, person.id))}")
    lines.append(f"UID:{urls.absolute(base, urls.person(lang, person.id))}")
    lines.append("END:VCARD")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")


def vcard_page(site: Site, page: Page) -> bytes:
    return render_vcard(site, site.people[page.subject], page.lang or "")
