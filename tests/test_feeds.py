"""RSS 2.0 feeds, read by a real feed parser (feedparser) and by an XML parser.

Two sites: a small one written here with every awkward case (titles with &, < and
quotes, æøå, summer and winter times, a lead image, a draft, an embargo), and the
repository's sample site, whose feeds are checked whatever they turn out to hold.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from conftest import FIXED_NOW, NOW, build_once, copy_sample
from pictures import photo

from sitegen.cli import main
from sitegen.pipeline import prepare
from sitegen.resolve import BuildOptions

BASE = "https://nyheder.example.org/"
NS = {"atom": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/elements/1.1/",
      "content": "http://purl.org/rss/1.0/modules/content/"}
ZONES = {"da": ZoneInfo("Europe/Copenhagen"), "no": ZoneInfo("Europe/Oslo")}
CHANNEL_LANGUAGE = {"da": "da", "no": "nb"}

TRICKY_TITLE = """Bølger & <bobler> "citat" 'æøå' </script>"""
TRICKY_SUMMARY = 'Sol & <sommer> "i" Århus'
LEAD_IMAGE = photo(48, 32)  # a real, small JPEG
TRICKY = f"""\
---
title: {json.dumps(TRICKY_TITLE, ensure_ascii=False)}
date: 2021-06-15 10:00
summary: {json.dumps(TRICKY_SUMMARY, ensure_ascii=False)}
authors: [kurt-bennetsen, eva-af-trolle]
contacts: [eva-af-trolle]
clusters: [green-hub-denmark]
tags: [sol & vind, Ærø]
image: media/2021/lead.jpg
image_alt: 'Et "billede" & <alt>'
---
Første afsnit med [Mission](mission-possible.md) og [programmet](#program).

![Kort](/media/2021/lead.jpg)

## Program

Se [personen](/da/personer/kurt-bennetsen/) og [ekstern](https://example.com/?a=1&b=2).

    <img src='a.png'> href="/x"
"""
SECOND_PERSON = """\
---
name: Eva af Trolle
role: Pressechef, Nord; Syd
organization: Trolle & Co
email: eva@example.org
---
"""
DRAFT = """\
---
title: Hemmelig kladde
date: 2021-12-01 09:00
authors: [kurt-bennetsen]
clusters: [green-hub-denmark]
draft: true
---
Ikke endnu.
"""
EMBARGOED = """\
---
title: Under embargo
date: 2026-03-01 09:00
authors: [kurt-bennetsen]
clusters: [green-hub-denmark]
---
Først i marts.
"""


def tricky_files() -> dict[str, str | bytes | None]:
    return {
        "content/media/2021/lead.jpg": LEAD_IMAGE,
        "content/people/eva-af-trolle.md": SECOND_PERSON,
        "content/da/2021/tricky.md": TRICKY,
        "content/da/2021/kladde.md": DRAFT,
        "content/da/2026/embargo.md": EMBARGOED,
    }


def parse(path: Path) -> feedparser.FeedParserDict:
    """feedparser's reading of a feed, which must have found nothing to complain about."""
    feed = feedparser.parse(path.read_bytes())
    assert feed.bozo == 0, f"{path}: {feed.get('bozo_exception')}"
    assert feed.version == "rss20"
    return feed


def items(path: Path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall("./channel/item")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v or "" for k, v in attrs if k in ("href", "src", "srcset", "poster")]


def urls_in(markup: str) -> list[str]:
    parser = _Links()
    parser.feed(markup)
    return parser.urls


def feed_url(out: Path, path: Path) -> str:
    return BASE + path.relative_to(out).as_posix()
@pytest.fixture(scope="module")
def tricky_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_once(tmp_path_factory.mktemp("tricky") / "site", tricky_files())


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = copy_sample(tmp_path_factory.mktemp("sample") / "site") / "build"
    assert main(["build", "--site", str(out.parent), "--out", str(out), "--now", NOW, "-q"]) == 0
    return out


# --- the small site -------------------------------------------------------------------


def test_channel_elements(tricky_out: Path) -> None:
    feed = parse(tricky_out / "da/rss.xml")
    channel = feed.feed
    assert channel.title == "Nyheder"
    assert channel.link == BASE + "da/"
    assert channel.subtitle == "Nyheder fra eksempel"
    assert channel.language == "da"
    assert channel.generator.startswith("sitegen")
    assert {"rel": "self", "href": BASE + "da/rss.xml", "type": "application/rss+xml"} in [
        dict(link) for link in channel.links]
    # lastBuildDate is the newest item's date, not the clock
    assert channel.updated == feed.entries[0].published == "Mon, 01 Nov 2021 09:00:00 +0100"


def test_norwegian_channel_says_nb(tricky_out: Path) -> None:
    feed = parse(tricky_out / "no/rss.xml")
    assert feed.feed.language == "nb"
    assert feed.feed.title == "Nyheter"
    assert feed.entries[0].published == "Mon, 01 Nov 2021 10:00:00 +0100"


def test_items_newest_first_with_zone_offsets(tricky_out: Path) -> None:
    feed = parse(tricky_out / "da/rss.xml")
    assert [e.link for e in feed.entries] == [BASE + "da/nyheder/mission-possible/",
                                             BASE + "da/nyheder/tricky/"]
    # winter time in November, summer time in June, each as Copenhagen saw it
    assert [e.published for e in feed.entries] == ["Mon, 01 Nov 2021 09:00:00 +0100",
                                                   "Tue, 15 Jun 2021 10:00:00 +0200"]


def test_awkward_text_survives(tricky_out: Path) -> None:
    entry = parse(tricky_out / "da/rss.xml").entries[1]
    assert entry.title == TRICKY_TITLE
    # description is HTML to readers: the plain-text summary reads back exactly
    assert html.unescape(entry.summary) == TRICKY_SUMMARY
    assert [t.term for t in entry.tags] == ["Green Hub Denmark", "sol & vind", "Ærø"]
    assert [a.name for a in entry.authors] == ["Kurt Bennetsen", "Eva af Trolle"]
    raw = items(tricky_out / "da/rss.xml")[1]
    assert raw.findtext("title") == TRICKY_TITLE
    assert [c.text for c in raw.findall("dc:creator", NS)] == ["Kurt Bennetsen", "Eva af Trolle"]


def test_guid_is_the_permalink(tricky_out: Path) -> None:
    for raw in items(tricky_out / "da/rss.xml"):
        guid = raw.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "true"
        assert guid.text == raw.findtext("link")


def test_lead_image_is_an_enclosure_of_the_right_size(tricky_out: Path) -> None:
    entry = parse(tricky_out / "da/rss.xml").entries[1]
    (enclosure,) = entry.enclosures
    assert enclosure.href == BASE + "media/2021/lead.jpg"
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == len(LEAD_IMAGE) == (tricky_out / "media/2021/lead.jpg"
                                                        ).stat().st_size
    assert parse(tricky_out / "da/rss.xml").entries[0].get("enclosures") == []


def test_content_encoded_is_full_html_with_absolute_urls(tricky_out: Path) -> None:
    raw = items(tricky_out / "da/rss.xml")[1]
    content = raw.findtext("content:encoded", namespaces=NS) or ""
    found = urls_in(content)
    assert BASE + "da/nyheder/mission-possible/" in found
    assert BASE + "da/nyheder/tricky/#program" in found
    assert BASE + "da/personer/kurt-bennetsen/" in found
    assert BASE + "media/2021/lead.jpg" in found
    assert "https://example.com/?a=1&b=2" in found
    assert all(re.match(r"(https://|mailto:|tel:)", url) for url in found), found
    # the lead image comes first, with its alt text intact
    assert content.startswith("<p><img ")
    assert 'Et "billede" & <alt>' in html.unescape(content.split(">", 2)[1])
    # an HTML example inside a code block is text, and stays as written
    assert "&lt;img src='a.png'&gt; href=&quot;/x&quot;" in content
    entry = parse(tricky_out / "da/rss.xml").entries[1]
    assert '<h2 id="program">Program</h2>' in entry.content[0].value


def test_hand_written_html_gets_absolute_urls_too(make_site, build_site) -> None:
    from conftest import SITE_TOML

    out = build_site(make_site({
        "site.toml": SITE_TOML.replace("feed_items = 20", "feed_items = 20\nunsafe_html = true"),
        "content/media/2021/lead.jpg": LEAD_IMAGE,
        "content/da/2021/raw.md": (
            "---\ntitle: Rå HTML\ndate: 2021-12-01 09:00\n---\n"
            "<p><img alt='a \"b\" src=/nej' SRC='/media/2021/lead.jpg' "
            "srcset=\"/media/2021/lead.jpg 1x, ../lead.jpg 2x\"></p>\n\n"
            "<video poster=/media/2021/lead.jpg><a href=\"?side=2#top\">x</a></video>\n"),
    }))
    content = items(out / "da/rss.xml")[0].findtext("content:encoded", namespaces=NS) or ""
    assert urls_in(content) == [
        BASE + "media/2021/lead.jpg",
        f"{BASE}media/2021/lead.jpg 1x, {BASE}da/nyheder/lead.jpg 2x",
        BASE + "media/2021/lead.jpg",
        BASE + "da/nyheder/raw/?side=2#top",
    ]
    assert "src=/nej" in html.unescape(content)  # inside alt: text, not an attribute


def test_media_names_with_spaces_and_letters_become_valid_uris(make_site, build_site) -> None:
    out = build_site(make_site({
        "content/media/2021/Grøn foto.jpg": LEAD_IMAGE,
        "content/da/2021/foto.md": (
            "---\ntitle: Foto\ndate: 2021-12-01 09:00\nimage: media/2021/Grøn foto.jpg\n"
            "image_alt: Grønt\n---\n![Igen](</media/2021/Grøn foto.jpg>)\n"),
    }))
    encoded = BASE + "media/2021/Gr%C3%B8n%20foto.jpg"
    entry = parse(out / "da/rss.xml").entries[0]
    (enclosure,) = entry.enclosures
    assert enclosure.href == encoded
    assert int(enclosure.length) == (out / "media/2021/Grøn foto.jpg").stat().st_size
    content = items(out / "da/rss.xml")[0].findtext("content:encoded", namespaces=NS) or ""
    found = urls_in(content)
    assert [url for url in found if "/media/" in url] == [encoded, encoded]
    assert all(url.isascii() for url in found)  # the copies' addresses (srcset) too
    page = (out / "da/nyheder/foto/index.html").read_text(encoding="utf-8")
    shared = re.search(r'<meta property="og:image" content="([^"]+)">', page)
    assert shared and shared.group(1).startswith(BASE + "images/")  # the widest copy
    assert shared.group(1).isascii()


def test_drafts_and_embargoed_articles_never_appear(tricky_out: Path) -> None:
    for path in sorted(tricky_out.rglob("*.xml")):
        text = path.read_text(encoding="utf-8")
        assert "Hemmelig kladde" not in text and "kladde" not in text
        assert "Under embargo" not in text and "embargo" not in text


@pytest.mark.parametrize("flags", [("--drafts",), ("--future",), ("--drafts", "--future")])
def test_previews_do_not_syndicate_drafts_or_embargoes(make_site, run_cli, flags) -> None:
    site = make_site(tricky_files())
    code, _, err = run_cli("build", "--site", site, "--out", site / "build", "--now", NOW,
                           *flags)
    assert code == 0, err
    feed = parse(site / "build/da/rss.xml")
    titles = [e.title for e in feed.entries]
    assert titles == ["Mission Possible", TRICKY_TITLE]
    cluster = parse(site / "build/da/klynger/green-hub-denmark/rss.xml")
    assert "Hemmelig kladde" not in [e.title for e in cluster.entries]


def test_embargo_lifts_when_the_clock_passes_it(make_site, run_cli) -> None:
    site = make_site(tricky_files())
    code, _, err = run_cli("build", "--site", site, "--out", site / "build",
                           "--now", "2026-03-01T08:00:01Z")
    assert code == 0, err
    feed = parse(site / "build/da/rss.xml")
    assert feed.entries[0].title == "Under embargo"
    assert feed.entries[0].published == "Sun, 01 Mar 2026 09:00:00 +0100"
    assert feed.feed.updated == feed.entries[0].published


def test_person_and_cluster_feeds(tricky_out: Path) -> None:
    eva = parse(tricky_out / "da/personer/eva-af-trolle/rss.xml")
    assert eva.feed.title == "Eva af Trolle – Nyheder"
    assert eva.feed.link == BASE + "da/personer/eva-af-trolle/"
    assert [e.title for e in eva.entries] == [TRICKY_TITLE]
    kurt = parse(tricky_out / "no/personer/kurt-bennetsen/rss.xml")
    assert kurt.feed.language == "nb"
    assert [e.link for e in kurt.entries] == [BASE + "no/nyheter/mission/"]
    cluster = parse(tricky_out / "da/klynger/green-hub-denmark/rss.xml")
    assert cluster.feed.title == "Green Hub Denmark – Nyheder"
    assert cluster.feed.subtitle == "En dansk klynge."
    assert len(cluster.entries) == 2
    empty = parse(tricky_out / "no/personer/eva-af-trolle/rss.xml")
    assert empty.entries == [] and "updated" not in empty.feed


def test_feed_items_limits_each_feed(make_site, build_site) -> None:
    from conftest import SITE_TOML

    files: dict[str, str | bytes | None] = {
        "site.toml": SITE_TOML.replace("feed_items = 20", "feed_items = 2")}
    for day in (1, 2, 3, 4):
        files[f"content/da/2022/n{day}.md"] = (
            f"---\ntitle: Nyhed {day}\ndate: 2022-03-0{day} 12:00\n"
            "clusters: [green-hub-denmark]\n---\nTekst.\n")
    out = build_site(make_site(files))
    assert [e.title for e in parse(out / "da/rss.xml").entries] == ["Nyhed 4", "Nyhed 3"]
    cluster = parse(out / "da/klynger/green-hub-denmark/rss.xml")
    assert [e.title for e in cluster.entries] == ["Nyhed 4", "Nyhed 3"]
    assert cluster.feed.updated == "Fri, 04 Mar 2022 12:00:00 +0100"


def test_feeds_do_not_change_with_the_clock(make_site, run_cli) -> None:
    """guid, lastBuildDate and everything else stay put when only the build time moves."""
    site = make_site(tricky_files())
    outputs = []
    for when in ("2026-01-01T12:00:00Z", "2026-02-01T12:00:00Z"):
        out = site / f"build-{when[:7]}"
        assert run_cli("build", "--site", site, "--out", out, "--now", when)[0] == 0
        outputs.append(out)
    first, second = outputs
    feeds = sorted(p.relative_to(first) for p in first.rglob("rss.xml"))
    assert feeds and feeds == sorted(p.relative_to(second) for p in second.rglob("rss.xml"))
    for rel in feeds:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


# --- discovery: pages advertise their feeds, one page lists them all ----------------------


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alternates: list[str] = []
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "alternate" and a.get(
                "type") == "application/rss+xml":
            self.alternates.append(a.get("href") or "")
        if tag == "a" and a.get("href"):
            self.anchors.append(a["href"] or "")


def head_of(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def html_pages(out: Path, lang: str) -> list[Path]:
    return sorted((out / lang).rglob("*.html"))


@pytest.mark.parametrize("lang", ["da", "no"])
def test_every_page_advertises_and_links_its_feeds(tricky_out: Path, lang: str) -> None:
    language_feed = f"/{lang}/rss.xml"
    for page in html_pages(tricky_out, lang):
        found = head_of(page)
        assert language_feed in found.alternates, page
        assert language_feed in found.anchors, f"{page}: no visible feed link"
    section = {"da": "personer", "no": "personer"}[lang]
    person = head_of(tricky_out / lang / section / "kurt-bennetsen/index.html")
    own = f"/{lang}/{section}/kurt-bennetsen/rss.xml"
    assert own in person.alternates and own in person.anchors
    cluster = head_of(tricky_out / lang / "klynger/green-hub-denmark/index.html")
    own = f"/{lang}/klynger/green-hub-denmark/rss.xml"
    assert own in cluster.alternates and own in cluster.anchors


def test_root_page_advertises_every_language_feed(tricky_out: Path) -> None:
    assert set(head_of(tricky_out / "index.html").alternates) >= {"/da/rss.xml", "/no/rss.xml"}


def check_feeds_page(out: Path, lang: str) -> None:
    page = out / lang / "feeds/index.html"
    text = html.unescape(page.read_text(encoding="utf-8"))
    feeds = sorted((out / lang).rglob("rss.xml"))
    assert feeds
    anchors = head_of(page).anchors
    for path in feeds:
        url = "/" + path.relative_to(out).as_posix()
        if not feedparser.parse(path.read_bytes()).entries:  # no news yet: not offered
            assert url not in anchors, f"{url} has no news but is listed on {page}"
            continue
        assert url in anchors, f"{url} is not linked from {page}"
        assert BASE + url[1:] in text, f"{url}'s address is not shown on {page}"
    # and a word on how to subscribe, in the page's language
    words = {"da": ("feed", "læser"), "no": ("feed", "leser")}[lang]
    lowered = re.sub(r"<[^>]+>", " ", text).lower()
    assert any(w in lowered for w in words)


@pytest.mark.parametrize("lang", ["da", "no"])
def test_feeds_page_lists_every_feed(tricky_out: Path, lang: str) -> None:
    check_feeds_page(tricky_out, lang)


# --- the sample site: every feed, whatever it holds --------------------------------------


def sample_feeds(out: Path) -> list[Path]:
    found = sorted(out.rglob("rss.xml"))
    assert found, "the sample site has no feeds"
    return found


def test_sample_feeds_parse_cleanly(sample: Path) -> None:
    import tomllib

    limit = tomllib.loads((sample.parent / "site.toml").read_text(encoding="utf-8"))["feed_items"]
    for path in sample_feeds(sample):
        lang = path.relative_to(sample).parts[0]
        feed = parse(path)
        assert feed.feed.language == CHANNEL_LANGUAGE[lang], path
        assert feed.feed.title and feed.feed.subtitle and feed.feed.generator
        assert feed.feed.link.startswith(BASE + lang + "/")
        selfs = [link.href for link in feed.feed.links if link.rel == "self"]
        assert selfs == [feed_url(sample, path)]
        assert len(feed.entries) <= limit
        dates = [parsedate_to_datetime(e.published) for e in feed.entries]
        assert dates == sorted(dates, reverse=True), f"{path}: not newest first"
        if feed.entries:
            assert feed.feed.updated == feed.entries[0].published
        for entry in feed.entries:
            check_sample_entry(sample, lang, entry)


def check_sample_entry(out: Path, lang: str, entry: feedparser.FeedParserDict) -> None:
    assert entry.title and entry.summary
    assert entry.link.startswith(f"{BASE}{lang}/")
    assert entry.id == entry.link
    assert (out / entry.link.removeprefix(BASE) / "index.html").is_file(), entry.link
    moment = parsedate_to_datetime(entry.published)
    local = moment.astimezone(ZONES[lang])
    assert moment.utcoffset() == local.utcoffset(), f"{entry.published} not in {lang}'s zone"
    assert entry.published.endswith(("+0100", "+0200"))
    for enclosure in entry.get("enclosures", []):
        file = out / enclosure.href.removeprefix(BASE)
        assert int(enclosure.length) == file.stat().st_size
        assert enclosure.type.startswith("image/")


def test_sample_content_links_are_absolute(sample: Path) -> None:
    for path in sample_feeds(sample):
        for raw in items(path):
            content = raw.findtext("content:encoded", namespaces=NS)
            assert content, f"{path}: an item without content:encoded"
            for url in urls_in(content):
                assert re.match(r"(https?://|mailto:|tel:)", url), f"{path}: {url}"


def test_sample_feeds_hold_no_draft_or_embargo(sample: Path) -> None:
    """Every article the sample keeps back (now or ever) is missing from every feed."""
    everything = prepare(sample.parent, BuildOptions(now=FIXED_NOW, drafts=True,
                                                    future=True)).site
    published = prepare(sample.parent, BuildOptions(now=FIXED_NOW)).site
    hidden = {BASE + a.url.lstrip("/") for a in everything.articles.values()
              if a.draft or a.date > FIXED_NOW}
    shown = {BASE + a.url.lstrip("/") for a in published.articles.values()}
    linked = {e.link for path in sample_feeds(sample) for e in parse(path).entries}
    assert not linked & hidden
    # and each language feed holds its newest published articles
    for lang in ("da", "no"):
        mine = {u for u in shown if u.startswith(f"{BASE}{lang}/")}
        entries = parse(sample / lang / "rss.xml").entries
        assert {e.link for e in entries} <= mine
        assert len(entries) == min(len(mine), published.config.feed_items)


@pytest.mark.parametrize("lang", ["da", "no"])
def test_sample_feeds_page(sample: Path, lang: str) -> None:
    check_feeds_page(sample, lang)


def test_sample_person_and_cluster_feeds_match_their_pages(sample: Path) -> None:
    """Each person's and cluster's page advertises exactly its own feed."""
    for path in sample_feeds(sample):
        rel = path.relative_to(sample)
        if len(rel.parts) < 4:  # the language feed
            continue
        page = path.parent / "index.html"
        found = head_of(page)
        assert "/" + rel.as_posix() in found.alternates, page
        assert "/" + rel.as_posix() in found.anchors, page


def test_rfc822_dates_have_four_digit_years_and_offsets(sample: Path) -> None:
    pattern = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
    for path in sample_feeds(sample):
        root = ET.parse(path).getroot()
        for date in root.iter("pubDate"):
            assert pattern.match(date.text or ""), date.text
        for date in root.iter("lastBuildDate"):
            assert pattern.match(date.text or ""), date.text
            assert isinstance(parsedate_to_datetime(date.text or ""), datetime)


def test_an_item_names_its_press_contacts(make_site, build_site) -> None:
    """A person's feed lists the stories they are press contact for: each item's content
    says so, even where the article's text never names them."""
    out = build_site(make_site({"content/da/2022/kontakt.md": (
        "---\ntitle: Ny aftale\ndate: 2022-03-01 12:00\ncontacts: [kurt-bennetsen]\n---\n"
        "En aftale er indgået.\n")}))
    feed = parse(out / "da/personer/kurt-bennetsen/rss.xml")
    entry = next(e for e in feed.entries if e.title == "Ny aftale")
    content = entry.content[0].value
    assert "En aftale er indgået." in content
    assert "<h2>Pressekontakt</h2>" in content and "<strong>Kurt Bennetsen</strong>" in content
    language = parse(out / "da/rss.xml")
    assert "Kurt Bennetsen" in next(e for e in language.entries
                                    if e.title == "Ny aftale").content[0].value


def test_the_feeds_page_lists_only_feeds_with_news(make_site, build_site) -> None:
    """A person without news in a language is not offered a feed there; the feed itself
    stays, so a subscription made from the person's page still works."""
    out = build_site(make_site({"content/people/tom.md": "---\nname: Tom Tomsen\n---\n"}))
    page = (out / "da/feeds/index.html").read_text(encoding="utf-8")
    assert "/da/personer/kurt-bennetsen/rss.xml" in page
    assert "/da/personer/tom/rss.xml" not in page
    assert parse(out / "da/personer/tom/rss.xml").entries == []
