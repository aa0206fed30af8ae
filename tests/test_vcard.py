"""vCard 3.0 contact cards, read back with vobject and compared with the person's data.

Also checks the RFC's form (CRLF, 75-octet folding, escaping) and that every person
page and every contact card in an article links its card, so a reader can save it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import vobject
from bs4 import BeautifulSoup
from conftest import FIXED_NOW, NOW, build_once, copy_sample
from pictures import photo

from sitegen.cli import main
from sitegen.model import Person
from sitegen.pipeline import prepare
from sitegen.resolve import BuildOptions

BASE = "https://nyheder.example.org/"
PHOTO = photo(40, 40)
LONG_ROLE = ("Pressechef, Nord; Syd – ansvarlig for kommunikation med æøå i Danmark, "
             "Norge og resten af Norden")
EVA = f"""\
---
name: Eva af Trolle
role:
  da: "{LONG_ROLE}"
  no: Pressesjef
organization: Trolle & Co; Nord
email: eva@example.org
phone: "+45 12 34 56 78"
photo: media/people/eva.jpg
---
"""
ONLY_NAME = """\
---
name: Åse Ødegård
---
"""
ARTICLE = """\
---
title: To kontakter
date: 2021-12-01 09:00
contacts: [eva-af-trolle, kurt-bennetsen, aase-oedegaard]
---
Tekst.
"""

# The small site's card for Kurt, byte for byte: the one golden file of this suite.
KURT_DA = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:Bennetsen;Kurt;;;\r\n"
    "FN:Kurt Bennetsen\r\n"
    "ORG:Erhverv Norddanmark\r\n"
    "TITLE:Direktør\r\n"
    "EMAIL;TYPE=INTERNET,WORK:info@example.org\r\n"
    "TEL;TYPE=WORK,VOICE:+45 98 16 06 00\r\n"
    "URL:https://nyheder.example.org/da/personer/kurt-bennetsen/\r\n"
    "UID:urn:uuid:{uid}\r\n"
    "END:VCARD\r\n"
)

@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_once(tmp_path_factory.mktemp("cards") / "site", {
        "content/people/eva-af-trolle.md": EVA,
        "content/people/aase-oedegaard.md": ONLY_NAME,
        "content/media/people/eva.jpg": PHOTO,
        "content/da/2021/kontakter.md": ARTICLE,
    })

@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = copy_sample(tmp_path_factory.mktemp("sample") / "site") / "build"
    assert main(["build", "--site", str(out.parent), "--out", str(out), "--now", NOW, "-q"]) == 0
    return out


def read_card(path: Path) -> vobject.base.Component:
    data = path.read_bytes()
    card = vobject.readOne(data.decode("utf-8"))
    assert card.name == "VCARD" and card.version.value == "3.0"
    return card


def physical_lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert not any(b"\n" in line or b"\r" in line for line in lines), "a bare LF or CR"
    return lines


def check_form(path: Path) -> None:
    """CRLF everywhere, no physical line over 75 octets, folds that unfold cleanly."""
    for line in physical_lines(path):
        assert len(line) <= 75, f"{path}: {len(line)} octets: {line!r}"
        line.decode("utf-8")  # a fold never cuts a character in two


def check_card(path: Path, person: Person, lang: str, out: Path) -> None:
    """The card says what the site says about the person, in the card's language."""
    card = read_card(path)
    assert card.fn.value == person.name
    name = card.n.value
    assert " ".join(filter(None, [name.given, name.additional, name.family])) == person.name
    assert name.family and (name.given or " " not in person.name)
    if person.organization:
        assert card.org.value == [person.organization]
    else:
        assert "org" not in card.contents
    if person.role_in(lang):
        assert card.title.value == person.role_in(lang)
    else:
        assert "title" not in card.contents
    if person.email:
        assert card.email.value == person.email
        assert "INTERNET" in card.email.params["TYPE"]
    else:
        assert "email" not in card.contents
    if person.phone:
        assert card.tel.value == person.phone
    else:
        assert "tel" not in card.contents
    if person.photo:
        assert card.photo.value == BASE + person.photo.src.lstrip("/")
        assert [v.lower() for v in card.photo.params["VALUE"]] == ["uri"]
        assert (out / person.photo.src.lstrip("/")).is_file()
    else:
        assert "photo" not in card.contents
    page = f"{BASE}{lang}/personer/{person.id}/"
    assert card.url.value == page
    assert (out / page.removeprefix(BASE) / "index.html").is_file()
    assert card.uid.value.startswith("urn:uuid:")


def people_of(site_root: Path) -> dict[str, Person]:
    return dict(prepare(site_root, BuildOptions(now=FIXED_NOW)).site.people)


# --- the small site -------------------------------------------------------------------


def test_card_matches_the_person_in_each_language(out: Path) -> None:
    people = people_of(out.parent)
    for lang in ("da", "no"):
        for ident, person in people.items():
            path = out / lang / "personer" / ident / f"{ident}.vcf"
            check_card(path, person, lang, out)
            check_form(path)


def test_escaped_and_folded_values_read_back(out: Path) -> None:
    path = out / "da/personer/eva-af-trolle/eva-af-trolle.vcf"
    card = read_card(path)
    assert card.title.value == LONG_ROLE  # commas and semicolons escaped, line folded
    assert card.org.value == ["Trolle & Co; Nord"]
    assert card.n.value.family == "af Trolle" and card.n.value.given == "Eva"
    assert card.photo.value == BASE + "media/people/eva.jpg"
    lines = physical_lines(path)
    assert any(line.startswith(b" ") for line in lines), "the long TITLE was not folded"
    assert b"TITLE:Pressechef\\, Nord\\; Syd" in path.read_bytes()
    no = read_card(out / "no/personer/eva-af-trolle/eva-af-trolle.vcf")
    assert no.title.value == "Pressesjef"
    assert no.url.value == BASE + "no/personer/eva-af-trolle/"


def test_a_name_alone_makes_a_valid_card(out: Path) -> None:
    card = read_card(out / "da/personer/aase-oedegaard/aase-oedegaard.vcf")
    assert card.fn.value == "Åse Ødegård"
    assert (card.n.value.family, card.n.value.given) == ("Ødegård", "Åse")
    assert not {"org", "title", "email", "tel", "photo"} & set(card.contents)


def test_one_uid_per_person_across_languages(out: Path) -> None:
    da = read_card(out / "da/personer/kurt-bennetsen/kurt-bennetsen.vcf")
    no = read_card(out / "no/personer/kurt-bennetsen/kurt-bennetsen.vcf")
    eva = read_card(out / "da/personer/eva-af-trolle/eva-af-trolle.vcf")
    assert da.uid.value == no.uid.value != eva.uid.value
    assert da.url.value != no.url.value


def test_golden_card(out: Path) -> None:
    data = (out / "da/personer/kurt-bennetsen/kurt-bennetsen.vcf").read_bytes()
    uid = read_card(out / "da/personer/kurt-bennetsen/kurt-bennetsen.vcf").uid.value
    assert data == KURT_DA.format(uid=uid.removeprefix("urn:uuid:")).encode("utf-8")


def vcard_links(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(name in the h-card, .vcf link in the same h-card) for every h-card on a page."""
    found = []
    for card in soup.select(".h-card"):
        name = card.select_one(".p-name")
        links = [a["href"] for a in card.select("a[href$='.vcf']")]
        assert name is not None and links, f"an h-card without a name or vCard link: {card}"
        found += [(name.get_text(" ", strip=True), href) for href in links]
    return found


def check_links(out: Path, page: Path, expected_names: list[str]) -> None:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = vcard_links(soup)
    assert [name for name, _ in found] == expected_names, page
    for name, href in found:
        assert href.startswith("/")
        assert read_card(out / href.lstrip("/")).fn.value == name


def test_person_page_links_its_card(out: Path) -> None:
    for lang in ("da", "no"):
        check_links(out, out / lang / "personer/eva-af-trolle/index.html", ["Eva af Trolle"])


def test_every_contact_card_in_an_article_links_its_card(out: Path) -> None:
    check_links(out, out / "da/nyheder/kontakter/index.html",
                ["Eva af Trolle", "Kurt Bennetsen", "Åse Ødegård"])


# --- the sample site --------------------------------------------------------------------


def test_sample_cards_match_their_people(sample: Path) -> None:
    people = people_of(sample.parent)
    cards = sorted(sample.rglob("*.vcf"))
    assert cards, "the sample site has no vCards"
    assert len(cards) == 2 * len(people)
    for path in cards:
        lang, _, ident = path.relative_to(sample).parts[:3]
        assert path.name == f"{ident}.vcf"
        check_card(path, people[ident], lang, sample)
        check_form(path)


def test_sample_pages_link_every_card(sample: Path) -> None:
    people = people_of(sample.parent)
    for lang in ("da", "no"):
        for ident, person in people.items():
            check_links(sample, sample / lang / "personer" / ident / "index.html", [person.name])
    articles = sorted(sample.glob("*/nyhe*/*/index.html"))
    assert articles
    for page in articles:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for name, href in vcard_links(soup):
            assert read_card(sample / href.lstrip("/")).fn.value == name
