"""People and organisations in both languages: texts per language (and the other
language's, marked, where one is missing), organisation types, bylines by an
organisation, mentions, press contacts, placeholder portraits, a publisher per language.
Read as a browser and real parsers read them (BeautifulSoup, feedparser, JSON-LD).
"""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import NOW, build_once

from sitegen.load.records import ORGANISATION_TYPES

ONLY_NORWEGIAN = """\
---
name: Nora Nordmann
role:
  da: Seniorforsker
  no: Seniorforsker
photo_credit: Anja Lillerud
---
::: no
Nora forsker på smarte strømnett.
:::
"""
ONLY_DANISH_ORG = """\
---
name: Dansk Forening
type: association
description:
  da: En forening.
  no: En forening.
---
::: da
Foreningen samler virksomheder i hele landet.
:::
"""
BY_ORGANISATION = """\
---
title: Foreningen holder årsmøde
date: 2021-12-01 09:00
authors: [dansk-forening]
contacts: [kurt-bennetsen]
mentions: [nora-nordmann]
---
Årsmødet holdes i Aalborg.
"""
TYPES = {f"content/clusters/type-{kind}.md": (
    f"---\nname: Type {kind}\ntype: {kind}\n---\n::: da\nDa.\n:::\n\n::: no\nNo.\n:::\n")
    for kind in ORGANISATION_TYPES}
LABELS = {  # kind -> (Danish, Norwegian), as the theme's catalogues say them
    "cluster": ("Klynge", "Klynge"),
    "partnership": ("Partnerskab", "Partnerskap"),
    "initiative": ("Initiativ", "Initiativ"),
    "chamber-of-commerce": ("Erhvervsorganisation", "Næringsforening"),
    "association": ("Brancheforening", "Bransjeforening"),
    "employers-organisation": ("Arbejdsgiverorganisation", "Arbeidsgiverorganisasjon"),
    "research-institute": ("Forskningsinstitut", "Forskningsinstitutt"),
    "research-company": ("Forskningsvirksomhed", "Forskningsselskap"),
    "company": ("Virksomhed", "Bedrift"),
    "public-body": ("Offentlig myndighed", "Offentlig virksomhet"),
}
PUBLISHERS = """
[languages.da.publisher]
name = "Erhverv Norddanmark"
phone = "+45 98 16 06 00"

[languages.no.publisher]
name = "Smart Innovation Norway"
phone = "+47 69 00 00 00"
"""


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import SITE_TOML

    root = tmp_path_factory.mktemp("entities") / "site"
    return build_once(root, {
        "site.toml": SITE_TOML.replace("[languages.no]", PUBLISHERS.strip() + "\n\n"
                                       "[languages.no]", 1)
        if "[languages.da.publisher]" not in SITE_TOML else SITE_TOML,
        "content/people/nora-nordmann.md": ONLY_NORWEGIAN,
        "content/clusters/dansk-forening.md": ONLY_DANISH_ORG,
        "content/da/2021/aarsmoede.md": BY_ORGANISATION,
        **TYPES,
    })


def page(out: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((out / url.strip("/") / "index.html").read_text(encoding="utf-8"),
                         "html.parser")


def test_a_text_in_one_language_is_shown_marked_in_the_other(out: Path):
    norwegian = page(out, "/no/personer/nora-nordmann/")
    text = norwegian.select_one(".p-note")
    assert text is not None and text.get("lang") is None  # the page's own language
    assert "strømnett" in text.get_text() and not norwegian.select(".translation-note")
    danish = page(out, "/da/personer/nora-nordmann/")
    text = danish.select_one(".p-note")
    assert text is not None and text["lang"] == "nb"
    note = text.select_one(".translation-note")
    assert note is not None and note["lang"] == "da"
    assert note.get_text(strip=True) == "Teksten findes kun på norsk."
    org = page(out, "/no/klynger/dansk-forening/").select_one(".cluster-body")
    assert org is not None and org["lang"] == "da"
    assert org.select_one(".translation-note").get_text(strip=True) == (  # type: ignore[union-attr]
        "Teksten finnes bare på dansk.")


def test_check_notes_the_missing_texts_without_failing_strict(make_site, run_cli):
    site = make_site({"content/people/nora-nordmann.md": ONLY_NORWEGIAN,
                      "content/clusters/dansk-forening.md": ONLY_DANISH_ORG,
                      "content/da/2021/aarsmoede.md": BY_ORGANISATION})
    code, _out, err = run_cli("check", "--site", site, "--now", NOW, "--strict", "--verbose")
    assert "content/people/nora-nordmann.md: note: no Danish text: its Danish pages show " \
        "the Norwegian one" in err
    assert "content/clusters/dansk-forening.md: note: no Norwegian text" in err
    # The minimal site's person and cluster have one text for every language.
    assert "content/people/kurt-bennetsen.md:" in err and "one text for every language" in err
    assert code == 0, err


@pytest.mark.parametrize("kind", ORGANISATION_TYPES)
def test_each_organisation_type_is_named_in_both_languages(out: Path, kind: str):
    danish, norwegian = LABELS[kind]
    assert page(out, f"/da/klynger/type-{kind}/").select_one(".kicker").get_text(  # type: ignore[union-attr]
        strip=True) == danish
    assert page(out, f"/no/klynger/type-{kind}/").select_one(".kicker").get_text(  # type: ignore[union-attr]
        strip=True) == norwegian


def test_an_unknown_type_is_an_error_that_suggests_one(make_site, run_cli):
    site = make_site({"content/clusters/x.md": "---\nname: X\ntype: asociation\n---\n"})
    code, _out, err = run_cli("build", "--site", site, "--now", NOW, "-q")
    assert code == 1
    assert ("content/clusters/x.md:3: 'type: asociation' is not a kind of organisation "
            "sitegen knows (did you mean 'association'?)") in err


def test_an_organisation_in_the_byline_feed_json_ld_and_its_page(out: Path):
    article = page(out, "/da/nyheder/aarsmoede/")
    byline = article.select_one(".byline")
    assert byline is not None and " ".join(byline.get_text().split()) == "Af Dansk Forening"
    assert byline.a is not None and byline.a["href"] == "/da/klynger/dansk-forening/"
    data = [json.loads(tag.string or "") for tag in
            article.find_all("script", type="application/ld+json")]
    news = next(d for d in data if d.get("@type") == "NewsArticle")
    assert news["author"] == [{"@type": "Organization", "name": "Dansk Forening",
                               "url": "https://nyheder.example.org/da/klynger/dansk-forening/"}]
    feed = feedparser.parse((out / "da/rss.xml").read_bytes())
    entry = next(e for e in feed.entries if e.title == "Foreningen holder årsmøde")
    assert entry.author == "Dansk Forening"
    org_page = (out / "da/klynger/dansk-forening/index.html").read_text(encoding="utf-8")
    assert "/da/nyheder/aarsmoede/" in org_page
    assert "Foreningen holder årsmøde" in (out / "da/klynger/dansk-forening/rss.xml").read_text(
        encoding="utf-8")


def test_contacts_are_press_contacts_and_mentioned_people_find_their_story(out: Path):
    article = page(out, "/da/nyheder/aarsmoede/")
    assert article.select_one("#contacts-heading").get_text() == "Pressekontakt"  # type: ignore[union-attr]
    assert page(out, "/da/personer/kurt-bennetsen/").select_one(".kicker").get_text() == (  # type: ignore[union-attr]
        "Kontaktperson")
    nora = page(out, "/da/personer/nora-nordmann/")
    assert nora.select_one(".kicker").get_text() == "Person"  # type: ignore[union-attr]
    assert nora.find("a", href="/da/nyheder/aarsmoede/") is not None  # she is mentioned


def test_a_person_without_photo_gets_initials_and_no_credit(out: Path):
    nora = page(out, "/da/personer/nora-nordmann/")
    placeholder = nora.select_one(".person-photo .portrait.placeholder")
    assert placeholder is not None and placeholder.get_text() == "NN"
    assert placeholder["aria-hidden"] == "true"
    assert not nora.select(".person-photo figcaption") and "Anja Lillerud" not in str(nora)
    people = page(out, "/da/personer/")
    assert len(people.select(".person-item .portrait")) == len(people.select(".person-item"))


def test_each_language_has_its_own_publisher_in_the_footer(out: Path):
    danish = page(out, "/da/").select_one(".footer-publisher")
    norwegian = page(out, "/no/").select_one(".footer-publisher")
    assert danish is not None and norwegian is not None
    assert "Erhverv Norddanmark" in danish.get_text() and "+45 98 16 06 00" in danish.get_text()
    assert "Smart Innovation Norway" in norwegian.get_text()
    assert "+47 69 00 00 00" in norwegian.get_text() and "+45" not in norwegian.get_text()
