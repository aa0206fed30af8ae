"""The default theme as a reader meets it: language, dates, contact cards, switcher, weight.

Small sites are written inline with `make_site`; the weight and self-containment tests
build the repository's sample site, the pages readers will really get.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pictures import photo

from sitegen.cli import main

REPO = Path(__file__).resolve().parent.parent
CSS_BUDGET = 20_000  # bytes, before compression
ARTICLE_BUDGET = 60_000  # an article page's HTML and CSS together, before compression


class Elements(HTMLParser):
    """Start tags with their attributes, and the text inside chosen elements."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Elements whose attributes contain the given values (class: one of its words)."""
        found = []
        for name, values in self.tags:
            if name != tag:
                continue
            ok = True
            for key, wanted in attrs.items():
                key = key.rstrip("_")
                if key == "class":
                    ok &= wanted in values.get("class", "").split()
                else:
                    ok &= values.get(key) == wanted
            if ok:
                found.append(values)
        return found


def read(out: Path, url: str) -> str:
    path = out / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))
    return path.read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """Visible text, tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def switcher_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.DOTALL)
    assert nav, "no language switcher"
    return re.findall(r'href="([^"]+)"', nav.group(0))


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def url_exists(out: Path, url: str) -> bool:
    path = out / url.lstrip("/")
    return (path / "index.html").is_file() if url.endswith("/") else path.is_file()


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's sample site, built once for this module."""
    out = tmp_path_factory.mktemp("sample") / "build"
    code = main(["build", "--site", str(REPO), "--out", str(out)])
    assert code == 0, "the sample site does not build"
    return out


# --- layout, language and the switcher -----------------------------------------------


def test_html_lang_matches_the_content(make_site, build_site):
    out = build_site(make_site())
    for page in html_pages(out):
        rel = page.relative_to(out).as_posix()
        lang = re.search(r'<html lang="([^"]+)"', page.read_text()).group(1)
        if rel.startswith("da/"):
            assert lang == "da", rel
        elif rel.startswith("no/"):
            assert lang == "nb", rel  # Norwegian content is Bokmål


def test_every_page_has_skip_link_navigation_footer_and_feed_link(make_site, build_site):
    out = build_site(make_site())
    for page in html_pages(out):
        html = page.read_text()
        rel = page.relative_to(out).as_posix()
        assert re.search(r'href="/(da|no)/rss\.xml"', html), f"{rel}: no visible feed link"
        assert 'id="main"' in html, rel
        if rel.startswith(("da/", "no/")):
            assert 'class="skip-link" href="#main"' in html, rel
            assert 'class="site-nav"' in html and "<footer" in html, rel
    danish = read(out, "/da/nyheder/")
    assert '<a class="site-title" href="/da/">Nyheder</a>' in danish
    for href in ("/da/nyheder/", "/da/personer/", "/da/klynger/"):
        assert f'href="{href}"' in danish
    assert "Eksempel" in danish and "mailto:info@example.org" in danish  # the publisher
    assert '<a class="site-title" href="/no/">Nyheter</a>' in read(out, "/no/nyheter/")


def test_switcher_leads_to_the_translation(make_site, build_site):
    out = build_site(make_site())
    assert switcher_links(read(out, "/da/nyheder/mission-possible/")) == ["/no/nyheter/mission/"]
    assert switcher_links(read(out, "/no/nyheter/mission/")) == ["/da/nyheder/mission-possible/"]
    assert switcher_links(read(out, "/da/personer/kurt-bennetsen/")) == [
        "/no/personer/kurt-bennetsen/"]
    assert switcher_links(read(out, "/da/404.html")) == ["/no/404.html"]
    danish = read(out, "/da/nyheder/mission-possible/")
    assert 'hreflang="nb" lang="nb">Norsk</a>' in danish
    assert 'hreflang="da" lang="da">Dansk</a>' in read(out, "/no/nyheter/mission/")


def test_switcher_never_leads_to_an_unpublished_translation(make_site, build_site):
    site = make_site({
        "content/da/2021/mission-possible.md": "---\ntitle: Mission Possible\n"
                                               "date: 2021-11-01\ntranslation_key: dkla\n"
                                               "---\nTyve virksomheder.\n",
        "content/no/2021/mission.md": """\
            ---
            title: Utkast
            date: 2021-11-01 10:00
            translation_key: dkla
            draft: true
            ---
            Ikke ferdig.
            """,
        "content/da/2021/alene.md": "---\ntitle: Alene\ndate: 2021-10-01\n---\nKun dansk.\n",
    })
    out = build_site(site)
    for url in ("/da/nyheder/mission-possible/", "/da/nyheder/alene/"):
        html = read(out, url)
        assert switcher_links(html) == ["/no/nyheter/"], url  # that language's index
        assert "Læs på norsk" not in html
    assert not (out / "no/nyheter/mission").exists()


def test_no_switcher_link_is_dead(make_site, build_site):
    out = build_site(make_site({
        "content/da/2021/alene.md": "---\ntitle: Alene\ndate: 2021-10-01\ntags: [kun-her]\n"
                                    "---\nKun dansk.\n"}))
    checked = 0
    for page in html_pages(out):
        html = page.read_text()
        if 'class="language-switcher"' in html:
            for url in switcher_links(html):
                assert url_exists(out, url), f"{page.relative_to(out)} -> {url}"
                checked += 1
    assert checked > 10


# --- the article page ------------------------------------------------------------------


ARTICLE_FULL = """\
---
title: Mission Possible
date: 2021-11-01 09:00
updated: 2021-11-03 14:30
summary: Fem dage i Los Angeles gav nye kontakter.
authors: [kurt-bennetsen]
contacts: [kurt-bennetsen]
clusters: [green-hub-denmark]
tags: [eksport]
translation_key: dkla
image: media/2021/la.jpg
image_alt: Delegationen foran SoFi Stadium
image_credit: Anja Lillerud
---
Tyve virksomheder var i Los Angeles.

::: fakta
**Fakta om turen**

- 20 deltagere
:::

| By | Dage |
|---|---:|
| Los Angeles | 5 |
"""

PERSON_FULL = """\
---
name: Kurt Bennetsen
role:
  da: Direktør
  no: Daglig leder
organization: Erhverv Norddanmark
email: kb@example.org
phone: "+45 98 16 06 00"
photo: media/people/kurt.jpg
clusters: [green-hub-denmark]
---
Kurt leder Erhverv Norddanmark.
"""


@pytest.fixture
def full_site(make_site, build_site) -> Path:
    return build_site(make_site({
        "content/da/2021/mission-possible.md": ARTICLE_FULL,
        "content/people/kurt-bennetsen.md": PERSON_FULL,
        "content/media/2021/la.jpg": photo(60, 40),
        "content/media/people/kurt.jpg": photo(40, 40),
        "content/da/2021/andet.md": "---\ntitle: Andet nyt\ndate: 2021-09-01\n"
                                    "clusters: [green-hub-denmark]\n---\nMere.\n",
    }))


def test_dates_are_written_as_danes_and_norwegians_write_them(full_site):
    danish = text_of(read(full_site, "/da/nyheder/mission-possible/"))
    assert "1. november 2021 kl. 09.00" in danish
    assert "Opdateret 3. november 2021" in danish
    norwegian = text_of(read(full_site, "/no/nyheter/mission/"))
    assert "1. november 2021 kl. 10:00" in norwegian
    html = read(full_site, "/da/nyheder/mission-possible/")
    assert 'datetime="2021-11-01T09:00:00+01:00"' in html


def test_dates_are_shown_in_the_language_time_zone(make_site, build_site):
    out = build_site(make_site({"content/da/2021/mission-possible.md":
                                ARTICLE_FULL.replace("2021-11-01 09:00", "2021-11-01T23:30Z")
                                .replace("updated: 2021-11-03 14:30\n", "")
                                .replace("image: media/2021/la.jpg\n", "")}))
    assert "2. november 2021 kl. 00.30" in text_of(read(out, "/da/nyheder/mission-possible/"))


def test_article_page_shows_what_a_reader_needs(full_site):
    html = read(full_site, "/da/nyheder/mission-possible/")
    page = Elements(html)
    text = text_of(html)
    assert page.find("h1", class_="p-name")
    assert "Fem dage i Los Angeles gav nye kontakter." in text  # the standfirst
    assert page.find("a", class_="p-author", href="/da/personer/kurt-bennetsen/")
    assert page.find("a", href="/da/klynger/green-hub-denmark/")
    assert page.find("a", class_="p-category", href="/da/emner/eksport/")
    image = [img for img in page.find("img") if img.get("alt") == "Delegationen foran SoFi Stadium"]
    assert image and (image[0]["width"], image[0]["height"]) == ("60", "40")
    assert image[0]["src"].startswith("/images/") and image[0]["loading"] == "eager"
    assert "Foto: Anja Lillerud" in text
    assert '<aside class="factbox">' in html
    assert '<div class="table-scroll" tabindex="0">' in html
    assert "Om Green Hub Denmark" in text and "En dansk klynge." in text
    related = re.search(r'<section class="related".*?</section>', html, re.DOTALL)
    assert related and 'href="/da/nyheder/andet/"' in related.group(0)


def test_translation_link_names_the_other_language(full_site):
    danish = read(full_site, "/da/nyheder/mission-possible/")
    assert re.search(r'<a href="/no/nyheter/mission/" hreflang="nb">Læs på norsk', danish)
    norwegian = read(full_site, "/no/nyheter/mission/")
    assert re.search(r'<a href="/da/nyheder/mission-possible/" hreflang="da">Les på dansk',
                     norwegian)


def test_contact_cards(full_site):
    html = read(full_site, "/da/nyheder/mission-possible/")
    section = re.search(r'<section class="contacts".*?</section>', html, re.DOTALL).group(0)
    card = Elements(section)
    assert "<h2" in section and ">Pressekontakt</h2>" in section
    assert card.find("div", class_="h-card")
    assert card.find("a", class_="p-name", href="/da/personer/kurt-bennetsen/")
    assert card.find("a", class_="p-tel", href="tel:+4598160600")
    assert card.find("a", class_="u-email", href="mailto:kb@example.org")
    assert card.find("img", class_="u-photo", src="/media/people/kurt.jpg")
    assert card.find("a", href="/da/personer/kurt-bennetsen/kurt-bennetsen.vcf")
    text = text_of(section)
    assert "Direktør" in text and "Erhverv Norddanmark" in text
    assert "Telefon" in text and "Gem kontakt" in text
    norwegian = text_of(read(full_site, "/no/nyheter/mission/"))
    assert "Daglig leder" not in norwegian  # the Norwegian version has no contacts
    person = text_of(read(full_site, "/no/personer/kurt-bennetsen/"))
    assert "Daglig leder" in person and "E-post" in person and "Lagre kontakt" in person


# --- listings --------------------------------------------------------------------------


def test_news_index_is_paginated(make_site, build_site):
    files: dict[str, str | bytes | None] = {
        f"content/da/2020/nyhed-{n:02d}.md":
            f"---\ntitle: Nyhed {n}\ndate: 2020-01-{n:02d}\nsummary: Resumé {n}.\n---\nTekst.\n"
        for n in range(1, 13)
    }
    out = build_site(make_site(files))
    first = read(out, "/da/nyheder/")
    second = read(out, "/da/nyheder/side/2/")
    assert 'rel="next" href="/da/nyheder/side/2/"' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="/da/nyheder/"' in second and 'rel="next"' not in second
    assert "Side 1 af 2" in text_of(first) and "Ældre nyheder" in text_of(first)
    assert "Resumé 12." in text_of(first) and "12. januar 2020" in text_of(first)
    assert "Nyhed 1<" in second


def test_indexes_person_and_cluster_pages(full_site):
    people = read(full_site, "/da/personer/")
    assert 'href="/da/personer/kurt-bennetsen/"' in people
    clusters = read(full_site, "/no/klynger/")
    assert 'href="/no/klynger/green-hub-denmark/"' in clusters
    cluster = text_of(read(full_site, "/da/klynger/green-hub-denmark/"))
    assert "Green Hub Denmark" in cluster and "Mission Possible" in cluster
    assert "Kurt Bennetsen" in cluster
    person = read(full_site, "/da/personer/kurt-bennetsen/")
    assert 'href="/da/personer/kurt-bennetsen/rss.xml"' in person
    assert "Mission Possible" in text_of(person)


def test_not_found_pages_in_both_languages(make_site, build_site):
    out = build_site(make_site())
    assert "Siden findes ikke" in text_of(read(out, "/da/404.html"))
    assert "Siden finnes ikke" in text_of(read(out, "/no/404.html"))
    both = read(out, "/404.html")
    assert "Siden findes ikke" in both and "Siden finnes ikke" in both
    assert '<li lang="nb">' in both
    root = read(out, "/")
    assert 'href="/da/"' in root and 'href="/no/"' in root


# --- lightness and self-containment ------------------------------------------------------


def test_css_and_article_weight(sample_site):
    css = (sample_site / "theme" / "style.css").stat().st_size
    assert css < CSS_BUDGET, f"style.css is {css} bytes"
    articles = [p for p in html_pages(sample_site)
                if re.match(r"(da/nyheder|no/nyheter)/[^/]+/index\.html$",
                            p.relative_to(sample_site).as_posix())]
    assert articles
    heaviest = max(articles, key=lambda p: p.stat().st_size)
    total = heaviest.stat().st_size + css
    assert total < ARTICLE_BUDGET, f"{heaviest}: HTML + CSS is {total} bytes"


def test_no_external_fonts_scripts_or_cdns(sample_site):
    for page in html_pages(sample_site):
        html = page.read_text()
        rel = page.relative_to(sample_site)
        assert not re.search(r'<script[^>]+src=', html), rel
        assert not re.search(r'<link[^>]+rel="(stylesheet|preload|preconnect)"[^>]+'
                             r'href="(https?:)?//', html), rel
        assert not re.search(r'<(img|iframe|video|audio|source)[^>]+src="(https?:)?//', html), rel
    css = (sample_site / "theme" / "style.css").read_text()
    assert "@import" not in css and "@font-face" not in css and "url(" not in css


# --- themes are swappable ----------------------------------------------------------------


def test_a_site_theme_overrides_templates_and_static_files(make_site, build_site):
    toml = (make_site() / "site.toml").read_text().replace('theme = "default"', 'theme = "mine"')
    site = make_site({
        "site.toml": toml,
        "themes/mine/templates/person.html": """\
            {% extends "base.html" %}
            {% block content %}
            <h1 class="mine">{{ person.name }} ({{ _("People") }})</h1>
            {% endblock %}
            """,
        "themes/mine/static/style.css": "body { color: rebeccapurple; }\n",
    })
    out = build_site(site)
    person = read(out, "/da/personer/kurt-bennetsen/")
    assert '<h1 class="mine">Kurt Bennetsen (Personer)</h1>' in person
    assert 'class="skip-link"' in person  # base.html still comes from the default theme
    assert (out / "theme/style.css").read_text() == "body { color: rebeccapurple; }\n"
    assert 'class="contact-card h-card"' in read(out, "/da/nyheder/mission-possible/")


def test_a_link_in_a_themes_static_folder_leading_outside_is_not_published(
        make_site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the web")
    site = make_site({"site.toml": None})
    from conftest import SITE_TOML

    (site / "site.toml").write_text(SITE_TOML.replace('theme = "default"', 'theme = "mine"'))
    static = site / "themes/mine/static"
    static.mkdir(parents=True)
    (static / "leak.txt").symlink_to(secret)
    (static / "own.css").write_text("p { }")
    (static / "inside.txt").symlink_to(site / "content/people/kurt-bennetsen.md")
    from conftest import FIXED_NOW

    from sitegen.engine import build
    from sitegen.resolve import BuildOptions

    out = tmp_path / "out"
    report = build(site, out, BuildOptions(now=FIXED_NOW), search=False)
    assert not (out / "theme/leak.txt").exists()
    assert (out / "theme/own.css").is_file() and (out / "theme/inside.txt").is_file()
    assert [p.format().splitlines()[0] for p in report.problems if p.code == "symlink"] == [
        "themes/mine/static/leak.txt: warning: symbolic link leads outside the site folder; "
        "skipped"]
