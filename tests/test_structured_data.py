"""Metadata read by real parsers: h-card microformats (mf2py), schema.org JSON-LD
(json.loads), and the head's canonical, Open Graph, Twitter card and hreflang links.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import mf2py
import pytest
from bs4 import BeautifulSoup
from conftest import FIXED_NOW, NOW, build_once, copy_sample
from pictures import photo

from sitegen.cli import main
from sitegen.model import Article, Person, Site
from sitegen.pipeline import prepare
from sitegen.render.structured import share_image
from sitegen.resolve import BuildOptions

BASE = "https://nyheder.example.org/"
HTML_LANG = {"da": "da", "no": "nb"}
TITLE = """Bølger & <bobler> "citat" 'æøå' </script><!--"""
IMAGE = photo(60, 40)
PHOTO = photo(40, 40)
EVA = """\
---
name: Eva af Trolle
role: Pressechef, Nord & Syd
organization: Trolle & Co
email: eva@example.org
phone: "+45 12 34 56 78"
photo: media/people/eva.jpg
---
Eva skriver.
"""
ARTICLE = f"""\
---
title: {json.dumps(TITLE, ensure_ascii=False)}
date: 2021-06-15 10:00
updated: 2021-06-20 08:30
summary: "Sol & <sommer> i Århus"
authors: [eva-af-trolle, kurt-bennetsen]
contacts: [eva-af-trolle, kurt-bennetsen]
clusters: [green-hub-denmark]
image: media/2021/lead.jpg
image_alt: Havnen i "Århus" & omegn
translation_key: boelger
---
Tekst.
"""
ARTICLE_NO = """\
---
title: Bølger på norsk
date: 2021-06-15 11:00
translation_key: boelger
---
Tekst.
"""
LONELY = """\
---
title: Kun på dansk
date: 2021-07-01 09:00
---
Tekst.
"""


@dataclass
class Parsed:
    soup: BeautifulSoup
    mf2: dict[str, Any]
    json_ld: list[dict[str, Any]]

    def meta(self, key: str) -> str | None:
        tag = (self.soup.find("meta", attrs={"property": key})
               or self.soup.find("meta", attrs={"name": key}))
        return tag["content"] if tag else None  # type: ignore[index,return-value]

    def links(self, rel: str) -> list[dict[str, str]]:
        return [dict(tag.attrs) for tag in self.soup.find_all("link")
                if rel in (tag.get("rel") or [])]

    def hreflang(self) -> dict[str, str]:
        return {link["hreflang"]: link["href"] for link in self.links("alternate")
                if "hreflang" in link}


def read_page(out: Path, url: str) -> Parsed:
    """A page as a browser, a microformats parser and a JSON-LD reader see it."""
    text = (out / url.lstrip("/") / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    blocks = [json.loads(tag.string or "")
              for tag in soup.find_all("script", type="application/ld+json")]
    return Parsed(soup, mf2py.parse(doc=text, url=BASE + url.lstrip("/")), blocks)


def h_cards(mf2: dict[str, Any]) -> list[dict[str, Any]]:
    """Every h-card in the page, nested ones (contact cards in an h-entry) included."""
    found = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if "h-card" in item["type"]:
                found.append(item)
            walk(item.get("children", []))
            for values in item.get("properties", {}).values():
                walk([v for v in values if isinstance(v, dict) and "type" in v])

    walk(mf2["items"])
    return found


def value(prop: Any) -> Any:
    return prop["value"] if isinstance(prop, dict) else prop


def check_h_card(card: dict[str, Any], person: Person, lang: str) -> None:
    props = card["properties"]
    assert props["name"] == [person.name]
    assert BASE + f"{lang}/personer/{person.id}/" in [value(u) for u in props["url"]]
    role = person.role_in(lang)
    assert props.get("job-title", []) == ([role] if role else [])
    assert props.get("org", []) == ([person.organization] if person.organization else [])
    assert props.get("email", []) == ([f"mailto:{person.email}"] if person.email else [])
    assert props.get("tel", []) == ([person.phone] if person.phone else [])
    photos = [value(p) for p in props.get("photo", [])]
    assert photos == ([BASE + person.photo.src.lstrip("/")] if person.photo else [])


def one_of_type(blocks: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [b for b in blocks if b.get("@type") == kind]
    assert len(found) == 1, f"{len(found)} {kind} blocks"
    assert found[0]["@context"] == "https://schema.org"
    return found[0]


def check_person_json(page: dict[str, Any], person: Person, lang: str) -> None:
    """A ProfilePage whose main entity is the Person."""
    assert page["url"] == f"{BASE}{lang}/personer/{person.id}/"
    assert page["inLanguage"] == HTML_LANG[lang]
    data = page["mainEntity"]
    assert data["@type"] == "Person"
    assert data["name"] == person.name
    assert data["url"] == f"{BASE}{lang}/personer/{person.id}/"
    assert data.get("jobTitle") == (person.role_in(lang) or None)
    works_for = data.get("worksFor")
    assert (works_for or {}).get("name") == person.organization
    assert data.get("email") == (f"mailto:{person.email}" if person.email else None)
    assert data.get("telephone") == person.phone
    assert data.get("image") == (BASE + person.photo.src.lstrip("/") if person.photo else None)


def check_article_json(data: dict[str, Any], article: Article, site: Site) -> None:
    url = BASE + article.url.lstrip("/")
    assert data["headline"] == article.title
    assert datetime.fromisoformat(data["datePublished"]) == article.date
    assert datetime.fromisoformat(data["dateModified"]) == article.modified
    assert data["inLanguage"] == HTML_LANG[article.lang]
    assert data["mainEntityOfPage"]["@id"] == url
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"]
    authors = data["author"]
    if article.authors:
        assert [a["name"] for a in authors] == [site.people[i].name for i in article.authors]
        assert all(a["@type"] == "Person" and a["url"].startswith(BASE) for a in authors)
    else:
        assert authors and all(a["@type"] == "Organization" for a in authors)
    if article.image:
        assert [i["contentUrl"] for i in data["image"]] == [BASE + article.image.src.lstrip("/")]
        assert all(i["@type"] == "ImageObject" and i["width"] and i["height"]
                   for i in data["image"])
    elif site.logo is not None:  # the publisher's logo stands in for a picture
        assert data["image"] == [share_image(BASE, site.logo)]
        assert data["publisher"]["logo"]["@type"] == "ImageObject"
    else:
        assert "image" not in data


def check_article_head(page: Parsed, article: Article) -> None:
    url = BASE + article.url.lstrip("/")
    assert [link["href"] for link in page.links("canonical")] == [url]
    assert page.meta("description") == article.summary
    assert page.meta("og:type") == "article"
    assert page.meta("og:title") == article.title
    assert page.meta("og:description") == article.summary
    assert page.meta("og:url") == url
    assert page.meta("og:locale") in ("da_DK", "nb_NO")
    assert page.meta("twitter:title") == article.title
    assert page.meta("twitter:description") == article.summary
    assert datetime.fromisoformat(page.meta("article:published_time") or "") == article.date
    if article.image:
        assert article.image.largest is not None  # link previews get the widest copy
        image = BASE + article.image.largest.url.lstrip("/")
        assert page.meta("og:image") == page.meta("twitter:image") == image
        assert page.meta("og:image:alt") == article.image.alt
        assert page.meta("twitter:card") == "summary_large_image"
    elif "/images/" in (page.meta("og:image") or ""):  # the site's logo stands in
        assert page.meta("twitter:image") == page.meta("og:image")
    else:
        assert page.meta("og:image") is None
        assert page.meta("twitter:card") == "summary"


def check_hreflang(page: Parsed, article: Article, site: Site) -> None:
    links = page.hreflang()
    if not article.translations:
        assert links == {}
        return
    versions = {article.lang: article.url, **{
        lang: site.articles[key].url for lang, key in article.translations.items()}}
    expected = {HTML_LANG[lang]: BASE + url.lstrip("/") for lang, url in versions.items()}
    default = site.config.default_language
    if default in versions:
        expected["x-default"] = BASE + versions[default].lstrip("/")
    assert links == expected


# --- the small site ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Site]:
    out = build_once(tmp_path_factory.mktemp("small") / "site", {
        "content/people/eva-af-trolle.md": EVA,
        "content/media/people/eva.jpg": PHOTO,
        "content/media/2021/lead.jpg": IMAGE,
        "content/da/2021/boelger.md": ARTICLE,
        "content/no/2021/boelger.md": ARTICLE_NO,
        "content/da/2021/lonely.md": LONELY,
    })
    return out, prepare(out.parent, BuildOptions(now=FIXED_NOW)).site


def test_person_page_h_card(small: tuple[Path, Site]) -> None:
    out, site = small
    for lang in ("da", "no"):
        page = read_page(out, f"/{lang}/personer/eva-af-trolle/")
        (card,) = [item for item in page.mf2["items"] if "h-card" in item["type"]]
        check_h_card(card, site.people["eva-af-trolle"], lang)
        assert "Eva skriver." in value(card["properties"]["note"][0])
        (kurt,) = h_cards(read_page(out, f"/{lang}/personer/kurt-bennetsen/").mf2)
        check_h_card(kurt, site.people["kurt-bennetsen"], lang)


def test_contact_cards_in_an_article_are_h_cards(small: tuple[Path, Site]) -> None:
    out, site = small
    page = read_page(out, "/da/nyheder/boelger/")
    cards = h_cards(page.mf2)
    assert [c["properties"]["name"][0] for c in cards] == ["Eva af Trolle", "Kurt Bennetsen"]
    for card, ident in zip(cards, ["eva-af-trolle", "kurt-bennetsen"], strict=True):
        check_h_card(card, site.people[ident], "da")


def test_person_json_ld(small: tuple[Path, Site]) -> None:
    out, site = small
    for lang in ("da", "no"):
        for ident in ("eva-af-trolle", "kurt-bennetsen"):
            page = read_page(out, f"/{lang}/personer/{ident}/")
            check_person_json(one_of_type(page.json_ld, "ProfilePage"), site.people[ident], lang)


def test_news_article_json_ld_survives_any_title(small: tuple[Path, Site]) -> None:
    out, site = small
    page = read_page(out, "/da/nyheder/boelger/")
    data = one_of_type(page.json_ld, "NewsArticle")
    article = site.articles["da/2021/boelger"]
    assert data["headline"] == TITLE  # '</script><!--' did not break out of the element
    check_article_json(data, article, site)
    assert data["dateModified"] == "2021-06-20T08:30:00+02:00"
    assert data["author"][0]["url"] == BASE + "da/personer/eva-af-trolle/"
    no = read_page(out, "/no/nyheter/boelger/")
    data_no = one_of_type(no.json_ld, "NewsArticle")
    assert data_no["inLanguage"] == "nb"
    check_article_json(data_no, site.articles["no/2021/boelger"], site)
    text = (out / "da/nyheder/boelger/index.html").read_text(encoding="utf-8")
    assert text.count("</script>") == len(BeautifulSoup(text, "html.parser").find_all("script"))


def test_article_head_metadata(small: tuple[Path, Site]) -> None:
    out, site = small
    article = site.articles["da/2021/boelger"]
    page = read_page(out, article.url)
    check_article_head(page, article)
    assert (page.meta("og:image") or "").startswith(BASE + "images/")  # its widest copy
    assert page.meta("og:image:alt") == 'Havnen i "Århus" & omegn'
    assert page.meta("description") == "Sol & <sommer> i Århus"
    lonely = site.articles["da/2021/lonely"]
    check_article_head(read_page(out, lonely.url), lonely)


def test_hreflang_for_translations_with_x_default(small: tuple[Path, Site]) -> None:
    out, site = small
    da = read_page(out, "/da/nyheder/boelger/")
    no = read_page(out, "/no/nyheter/boelger/")
    expected = {"da": BASE + "da/nyheder/boelger/", "nb": BASE + "no/nyheter/boelger/",
                "x-default": BASE + "da/nyheder/boelger/"}
    assert da.hreflang() == no.hreflang() == expected
    assert read_page(out, "/da/nyheder/lonely/").hreflang() == {}
    for article in site.articles.values():
        check_hreflang(read_page(out, article.url), article, site)


def test_person_page_head(small: tuple[Path, Site]) -> None:
    out, _ = small
    page = read_page(out, "/da/personer/eva-af-trolle/")
    assert [link["href"] for link in page.links("canonical")] == [
        BASE + "da/personer/eva-af-trolle/"]
    assert page.meta("og:url") == BASE + "da/personer/eva-af-trolle/"
    assert page.meta("og:image") == BASE + "media/people/eva.jpg"
    assert page.hreflang() == {"da": BASE + "da/personer/eva-af-trolle/",
                               "nb": BASE + "no/personer/eva-af-trolle/",
                               "x-default": BASE + "da/personer/eva-af-trolle/"}


# --- the sample site ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Site]:
    root = copy_sample(tmp_path_factory.mktemp("sample") / "site")
    out = root / "build"
    assert main(["build", "--site", str(root), "--out", str(out), "--now", NOW, "-q"]) == 0
    return out, prepare(root, BuildOptions(now=FIXED_NOW)).site


def test_sample_person_pages(sample: tuple[Path, Site]) -> None:
    out, site = sample
    assert site.people
    for lang in site.config.language_codes:
        for ident, person in site.people.items():
            page = read_page(out, f"/{lang}/personer/{ident}/")
            (card,) = [item for item in page.mf2["items"] if "h-card" in item["type"]]
            check_h_card(card, person, lang)
            check_person_json(one_of_type(page.json_ld, "ProfilePage"), person, lang)


def test_sample_article_pages(sample: tuple[Path, Site]) -> None:
    out, site = sample
    assert site.articles
    for article in site.articles.values():
        page = read_page(out, article.url)
        check_article_json(one_of_type(page.json_ld, "NewsArticle"), article, site)
        check_article_head(page, article)
        check_hreflang(page, article, site)
        cards = h_cards(page.mf2)
        assert [c["properties"]["name"][0] for c in cards] == [
            site.people[i].name for i in article.contacts]
        for card, ident in zip(cards, article.contacts, strict=True):
            check_h_card(card, site.people[ident], article.lang)


def test_every_sample_json_ld_block_parses(sample: tuple[Path, Site]) -> None:
    out, _ = sample
    count = 0
    for path in sorted(out.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all("script", type="application/ld+json"):
            data = json.loads(tag.string or "")
            assert data["@context"] == "https://schema.org" and data["@type"], path
            count += 1
    assert count


def test_one_name_per_language_for_the_publication(tmp_path: Path) -> None:
    """JSON-LD's publisher, og:site_name, the news sitemap and the feed say one name,
    each language its own (the sample site gives each language its publisher)."""
    import re

    import feedparser

    site = copy_sample(tmp_path / "site")
    out = tmp_path / "out"
    assert main(["build", "--site", str(site), "--out", str(out), "--now",
                 "2022-12-09T12:00:00+01:00", "-q", "--no-search"]) == 0
    names = {}
    for lang, section in (("da", "nyheder"), ("no", "nyheter")):
        article = next((out / lang / section).glob("*/index.html")).parent
        page = read_page(out, "/" + article.relative_to(out).as_posix() + "/")
        news = one_of_type(page.json_ld, "NewsArticle")
        site_name = page.soup.find("meta", property="og:site_name")["content"]
        feed = feedparser.parse((out / lang / "rss.xml").read_bytes())
        assert news["publisher"]["name"] == site_name == feed.feed.publisher
        names[lang] = site_name
    assert names == {"da": "Erhverv Norddanmark", "no": "Smart Innovation Norway"}
    news_names = set(re.findall(r"<news:name>([^<]*)</news:name>",
                                (out / "news-sitemap.xml").read_text(encoding="utf-8")))
    assert news_names <= set(names.values()) and news_names


def test_an_article_is_an_h_entry_with_its_url_and_a_person_once_per_organisation(
        small: tuple[Path, Site]) -> None:
    out, site = small
    article = next(iter(site.articles.values()))
    page = read_page(out, article.url)
    entries = [item for item in page.mf2["items"] if "h-entry" in item["type"]]
    assert entries and entries[0]["properties"]["url"] == [BASE + article.url.lstrip("/")]


def test_og_description_names_the_organisation_once(make_site, run_cli) -> None:
    site = make_site({"content/people/ana.md": (
        "---\nname: Ana\nrole: Analytiker, Institutt for energiteknikk\n"
        "organization: Institutt for energiteknikk\n---\n")})
    out = site / "build"
    code, _, err = run_cli("build", "--site", site, "--out", out, "--now", NOW, "-q")
    assert code == 0, err
    page = read_page(out, "/no/personer/ana/")
    description = page.soup.find("meta", property="og:description")["content"]
    assert description == "Analytiker, Institutt for energiteknikk"


def test_the_json_ld_writer_is_json_dumps_indented_and_sorted():
    """to_script's own writer (json's indenting encoder is pure Python and was a tenth
    of an article page's cost) prints what json.dumps would, on seeded structures."""
    import json
    import random

    from sitegen.render.structured import to_script

    rng = random.Random(16)
    leaves = ["a", 'æøå "q" \\ </script> <!-- \n\t\u2028', "", 1, -3, 2.5, 1e20, 0.1,
              True, False, None]

    def make(depth: int = 0) -> object:
        roll = rng.random()
        if depth > 3 or roll < 0.3:
            return rng.choice(leaves)
        if roll < 0.65:
            return {rng.choice(["@type", "name", "url", "ø", "Z"]) + str(rng.randint(0, 3)):
                    make(depth + 1) for _ in range(rng.randint(0, 4))}
        return [make(depth + 1) for _ in range(rng.randint(0, 4))]

    for _ in range(3000):
        value = {"root": make()}
        expected = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
        assert to_script(value) == expected.replace("<", "\\u003c").replace(">", "\\u003e")
