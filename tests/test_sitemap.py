"""sitemap.xml (an index) and its files, news-sitemap.xml and robots.txt, read with xml.etree.

The sitemaps together must list every published page exactly once, with lastmod and
the same hreflang alternates the page's own head gives; the index every sitemap file
with its newest lastmod; the news sitemap the articles of the two days before the
build's "now"; none ever a draft or an embargoed article. An edit to one article
changes at most its own year's file (and the index and the pages file when a date
moves), never a sitemap of every page.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXED_NOW, NOW, copy_sample

from sitegen.cli import main
from sitegen.kinds import page_digests
from sitegen.model import Site
from sitegen.pipeline import prepare
from sitegen.resolve import BuildOptions

BASE = "https://nyheder.example.org/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"

DRAFT = """\
---
title: Hemmelig kladde
date: 2021-11-01 12:00
draft: true
---
Ikke endnu.
"""
EMBARGOED = """\
---
title: Under embargo
date: 2026-03-01 09:00
---
Først i marts.
"""
TRICKY = """\
---
title: "Sol & <vind> på Ærø"
date: 2021-10-31 20:00
updated: 2021-11-05 08:00
tags: [vind]
---
Tekst.
"""


@dataclass
class Entry:
    loc: str
    lastmod: str | None
    alternates: dict[str, str]


def read_index(out: Path) -> dict[str, str | None]:
    """The index at /sitemap.xml: sitemap file path (under `out`) -> its lastmod."""
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == f"{SM}sitemapindex"
    found = {}
    for sitemap in root:
        assert sitemap.tag == f"{SM}sitemap"
        assert {child.tag for child in sitemap} <= {f"{SM}loc", f"{SM}lastmod"}
        loc = sitemap.findtext(f"{SM}loc") or ""
        assert loc.startswith(BASE + "sitemaps/") and loc.endswith(".xml"), loc
        found[loc.removeprefix(BASE)] = sitemap.findtext(f"{SM}lastmod")
    return found


def read_sitemaps(out: Path) -> list[Entry]:
    """Every entry of every file the index names; each file's lastmod is its newest."""
    index = read_index(out)
    assert sorted(index) == sorted(p.relative_to(out).as_posix()
                                   for p in (out / "sitemaps").glob("*.xml"))
    entries = []
    for rel, modified in index.items():
        found = read_sitemap(out / rel)
        assert found, f"{rel} is empty"
        dates = [datetime.fromisoformat(e.lastmod) for e in found if e.lastmod]
        assert (datetime.fromisoformat(modified) if modified else None) == (
            max(dates) if dates else None), rel
        entries += found
    return entries


def read_sitemap(path: Path) -> list[Entry]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SM}urlset"
    entries = []
    for url in root:
        assert url.tag == f"{SM}url"
        assert {child.tag for child in url} <= {f"{SM}loc", f"{SM}lastmod", f"{XHTML}link"}
        (loc,) = url.findall(f"{SM}loc")
        alternates = {}
        for link in url.findall(f"{XHTML}link"):
            assert link.get("rel") == "alternate"
            hreflang, href = link.get("hreflang"), link.get("href")
            assert hreflang and href and hreflang not in alternates
            alternates[hreflang] = href
        entries.append(Entry(loc.text or "", url.findtext(f"{SM}lastmod"), alternates))
    return entries


def published_pages(out: Path) -> set[str]:
    """Every HTML page in the output that search engines may index, as the URL it is
    served at: error pages and `noindex` pages (search, previews) aside."""
    found = set()
    for path in out.rglob("*.html"):
        rel = path.relative_to(out).as_posix()
        if path.name == "404.html" or '<meta name="robots" content="noindex' in path.read_text(
                encoding="utf-8"):
            continue
        found.add(BASE + (rel.removesuffix("index.html") if path.name == "index.html" else rel))
    return found


def head_hreflang(out: Path, url: str) -> dict[str, str]:
    path = out / url.removeprefix(BASE) / "index.html"
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return {tag["hreflang"]: tag["href"] for tag in soup.find_all("link", hreflang=True)
            if "alternate" in tag.get("rel", [])}


def check_sitemap(out: Path) -> list[Entry]:
    entries = read_sitemaps(out)
    locs = [e.loc for e in entries]
    assert len(locs) == len(set(locs)), "a page is listed twice"
    assert set(locs) == published_pages(out)
    for entry in entries:
        if entry.lastmod:
            assert datetime.fromisoformat(entry.lastmod).utcoffset() is not None
        if entry.alternates:
            assert entry.loc in entry.alternates.values()
            assert "x-default" in entry.alternates
            assert set(entry.alternates.values()) <= set(locs)
        assert entry.alternates == head_hreflang(out, entry.loc), entry.loc
    return entries


def read_news(path: Path) -> list[dict[str, str]]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SM}urlset"
    found = []
    for url in root.findall(f"{SM}url"):
        news = url.find(f"{NEWS}news")
        assert news is not None
        publication = news.find(f"{NEWS}publication")
        assert publication is not None
        item = {
            "loc": url.findtext(f"{SM}loc") or "",
            "name": publication.findtext(f"{NEWS}name") or "",
            "language": publication.findtext(f"{NEWS}language") or "",
            "date": news.findtext(f"{NEWS}publication_date") or "",
            "title": news.findtext(f"{NEWS}title") or "",
        }
        assert all(item.values()), item
        found.append(item)
    return found


def build(run_cli, site: Path, now: str, *flags: str) -> Path:
    out = site / ("build-" + re.sub(r"\W+", "-", " ".join((now, *flags))))
    code, _, err = run_cli("build", "--site", site, "--out", out, "--now", now, *flags)
    assert code == 0, err
    return out


@pytest.fixture
def site(make_site) -> Path:
    return make_site({"content/da/2021/kladde.md": DRAFT,
                      "content/da/2026/embargo.md": EMBARGOED,
                      "content/da/2021/sol.md": TRICKY})


# --- sitemap.xml ----------------------------------------------------------------------------


def test_every_published_page_once(site: Path, run_cli) -> None:
    out = build(run_cli, site, NOW)
    entries = check_sitemap(out)
    locs = {e.loc for e in entries}
    assert BASE + "da/nyheder/sol/" in locs and BASE + "da/personer/kurt-bennetsen/" in locs
    assert BASE + "da/404.html" not in locs and BASE + "404.html" not in locs
    assert not any(loc.endswith((".xml", ".vcf", ".txt")) for loc in locs)


def test_lastmod_is_the_newest_change(site: Path, run_cli) -> None:
    entries = {e.loc: e for e in check_sitemap(build(run_cli, site, NOW))}
    assert entries[BASE + "da/nyheder/mission-possible/"].lastmod == "2021-11-01T09:00:00+01:00"
    assert entries[BASE + "da/nyheder/sol/"].lastmod == "2021-11-05T08:00:00+01:00"
    assert entries[BASE + "da/"].lastmod == "2021-11-05T08:00:00+01:00"
    assert entries[BASE + "da/emner/vind/"].lastmod == "2021-11-05T08:00:00+01:00"
    assert entries[BASE + "no/"].lastmod == "2021-11-01T10:00:00+01:00"


def test_translations_carry_hreflang_and_x_default(site: Path, run_cli) -> None:
    entries = {e.loc: e for e in check_sitemap(build(run_cli, site, NOW))}
    expected = {"da": BASE + "da/nyheder/mission-possible/", "nb": BASE + "no/nyheter/mission/",
                "x-default": BASE + "da/nyheder/mission-possible/"}
    assert entries[expected["da"]].alternates == expected
    assert entries[expected["nb"]].alternates == expected
    assert entries[BASE + "da/nyheder/sol/"].alternates == {}  # not translated


def test_later_list_pages_claim_no_translation(make_site, run_cli) -> None:
    """Page 2 of the Danish list is not "the Danish version" of the Norwegian page 1."""
    many = {f"content/da/2022/n{n:02}.md":
            f"---\ntitle: Nyhed {n}\ndate: 2022-03-{n:02} 12:00\n---\nTekst.\n"
            for n in range(1, 13)}
    out = build(run_cli, make_site(many), NOW)
    entries = {e.loc: e for e in check_sitemap(out)}
    assert entries[BASE + "da/nyheder/side/2/"].alternates == {}
    assert entries[BASE + "da/nyheder/"].alternates == {
        "da": BASE + "da/nyheder/", "nb": BASE + "no/nyheter/", "x-default": BASE + "da/nyheder/"}
    assert entries[BASE + "da/"].alternates["x-default"] == BASE  # the language choice


@pytest.mark.parametrize("flags", [(), ("--drafts", "--future")])
def test_no_draft_or_embargo_in_any_sitemap(site: Path, run_cli, flags) -> None:
    out = build(run_cli, site, NOW, *flags)
    for path in [out / "sitemap.xml", out / "news-sitemap.xml",
                 *(out / "sitemaps").glob("*.xml")]:
        text = path.read_text(encoding="utf-8")
        assert "kladde" not in text and "embargo" not in text
    if flags:  # the preview shows both, but no sitemap names them
        assert (out / "da/nyheder/kladde/index.html").is_file()
        assert (out / "da/nyheder/embargo/index.html").is_file()
    else:
        check_sitemap(out)


def sitemap_digests(root: Path) -> dict[str, str]:
    prepared = prepare(root, BuildOptions(now=FIXED_NOW))
    digests = page_digests(prepared.site, prepared.pages, "same")
    return {out: value for out, value in digests.items() if "sitemap" in out}


def test_an_edit_touches_only_its_own_years_sitemap(make_site) -> None:
    older = {f"content/da/2020/n{n}.md":
             f"---\ntitle: Gammel {n}\ndate: 2020-03-0{n} 12:00\n---\nA.\n" for n in range(1, 4)}
    root = make_site(older)
    before = sitemap_digests(root)
    assert {"sitemap.xml", "sitemaps/da-2020.xml", "sitemaps/da-2021.xml",
            "sitemaps/no-2021.xml", "sitemaps/pages.xml"} <= set(before)
    path = root / "content/da/2020/n1.md"
    path.write_text(path.read_text().replace("Gammel 1", "Ny titel"))  # and a new body
    path.write_text(path.read_text().replace("\nA.\n", "\nEn helt anden tekst.\n"))
    assert sitemap_digests(root) == before  # neither title nor text is in any sitemap
    path.write_text(path.read_text().replace("date: 2020-03-01 12:00",
                                             "date: 2020-03-01 12:00\nupdated: 2020-06-01 12:00"))
    after = sitemap_digests(root)
    changed = {out for out in before if after[out] != before[out]}
    assert "sitemaps/da-2020.xml" in changed
    assert changed <= {"sitemaps/da-2020.xml", "sitemap.xml", "sitemaps/pages.xml"}


def test_sitemap_escapes(site: Path, run_cli) -> None:
    out = build(run_cli, site, "2021-11-01T21:00:00+01:00")
    titles = [item["title"] for item in read_news(out / "news-sitemap.xml")]
    assert "Sol & <vind> på Ærø" in titles


# --- news-sitemap.xml -------------------------------------------------------------------------


def test_news_sitemap_lists_the_last_two_days(site: Path, run_cli) -> None:
    out = build(run_cli, site, "2021-11-02T09:00:00+01:00")
    news = read_news(out / "news-sitemap.xml")
    assert [n["loc"] for n in news] == [BASE + "no/nyheter/mission/",
                                        BASE + "da/nyheder/mission-possible/",
                                        BASE + "da/nyheder/sol/"]
    no, da, _ = news
    # The publication's one name (the publisher's, site.toml): as JSON-LD and og:site_name.
    assert (no["language"], no["name"]) == ("nb", "Eksempel")
    assert (da["language"], da["name"]) == ("da", "Eksempel")
    assert da["title"] == "Mission Possible"
    assert datetime.fromisoformat(da["date"]) == datetime.fromisoformat("2021-11-01T09:00+01:00")


def test_news_window_edges(site: Path, run_cli) -> None:
    # two days and one second after the Danish article, one hour before the Norwegian's end
    out = build(run_cli, site, "2021-11-03T09:00:01+01:00")
    assert [n["loc"] for n in read_news(out / "news-sitemap.xml")] == [
        BASE + "no/nyheter/mission/"]
    # a week later, nothing is news any more; the file is still a valid, empty urlset
    out = build(run_cli, site, "2021-11-10T09:00:00+01:00")
    assert read_news(out / "news-sitemap.xml") == []


def test_news_sitemap_never_shows_the_embargoed(site: Path, run_cli) -> None:
    # at 21:00 on 31 October only "sol" (20:00) is out; both Mission articles, dated
    # the next morning, are under embargo, even in previews that show them
    for flags in ((), ("--future",), ("--drafts", "--future")):
        out = build(run_cli, site, "2021-10-31T21:00:00+01:00", *flags)
        assert [n["loc"] for n in read_news(out / "news-sitemap.xml")] == [
            BASE + "da/nyheder/sol/"]
        shown = (out / "da/nyheder/mission-possible/index.html").is_file()
        assert shown == ("--future" in flags)  # the preview does show it, on its own page


def test_news_sitemap_after_embargo_lifts(site: Path, run_cli) -> None:
    out = build(run_cli, site, "2026-03-01T10:00:00+01:00")
    assert [n["title"] for n in read_news(out / "news-sitemap.xml")] == ["Under embargo"]


# --- robots.txt ------------------------------------------------------------------------------


def check_robots(out: Path) -> None:
    lines = (out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines
    assert f"Sitemap: {BASE}news-sitemap.xml" in lines
    assert not any(line.strip() == "Disallow: /" for line in lines)


def test_robots_names_the_sitemaps(site: Path, run_cli) -> None:
    check_robots(build(run_cli, site, NOW))


# --- the sample site ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("sample") / "site")


@pytest.fixture(scope="module")
def sample_site(sample_root: Path) -> Site:
    return prepare(sample_root, BuildOptions(now=FIXED_NOW)).site


def build_sample(root: Path, tmp: Path, now: str) -> Path:
    out = tmp / "build"
    assert main(["build", "--site", str(root), "--out", str(out), "--now", now, "-q"]) == 0
    return out


def test_sample_sitemap(tmp_path: Path, sample_root: Path, sample_site: Site) -> None:
    out = build_sample(sample_root, tmp_path, NOW)
    entries = {e.loc: e for e in check_sitemap(out)}
    for article in sample_site.articles.values():
        entry = entries[BASE + article.url.lstrip("/")]
        assert datetime.fromisoformat(entry.lastmod or "") == article.modified
    check_robots(out)


def test_sample_news_sitemap(tmp_path: Path, sample_root: Path, sample_site: Site) -> None:
    newest = max(sample_site.articles.values(), key=lambda a: a.date)
    now = newest.date + timedelta(hours=1)
    out = build_sample(sample_root, tmp_path, now.isoformat())
    news = read_news(out / "news-sitemap.xml")
    assert news[0]["loc"] == BASE + newest.url.lstrip("/")
    everything = prepare(sample_root, BuildOptions(now=now, drafts=True, future=True)).site
    for item in news:
        (article,) = [a for a in everything.articles.values()
                      if BASE + a.url.lstrip("/") == item["loc"]]
        assert not article.draft and article.date <= now
        assert now - timedelta(days=2) <= datetime.fromisoformat(item["date"]) <= now
        assert item["title"] == article.title
        assert item["language"] == {"da": "da", "no": "nb"}[article.lang]
    expected = sorted((a for a in everything.articles.values() if not a.draft
                       and now - timedelta(days=2) <= a.date <= now),
                      key=lambda a: (a.date, a.key), reverse=True)
    assert [n["loc"] for n in news] == [BASE + a.url.lstrip("/") for a in expected]


def test_error_and_search_pages_ask_not_to_be_indexed(site: Path, run_cli) -> None:
    out = build(run_cli, site, "2026-01-01T12:00:00+00:00")

    def robots(rel: str) -> str | None:
        soup = BeautifulSoup((out / rel).read_text(encoding="utf-8"), "html.parser")
        tag = soup.find("meta", attrs={"name": "robots"})
        return str(tag["content"]) if tag else None

    for rel in ("404.html", "da/404.html", "no/404.html", "da/soeg/index.html",
                "no/sok/index.html"):
        assert robots(rel) == "noindex", rel
    for rel in ("index.html", "da/index.html", "da/nyheder/mission-possible/index.html"):
        assert "noindex" not in (robots(rel) or ""), rel


def test_every_html_page_advertises_a_feed(site: Path, run_cli) -> None:
    """The language-neutral pages advertise every language's feed."""
    out = build(run_cli, site, "2026-01-01T12:00:00+00:00")
    for path in out.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        feeds = soup.find_all("link", rel="alternate", type="application/rss+xml")
        assert feeds, path.relative_to(out)
    root_404 = BeautifulSoup((out / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert {tag["href"] for tag in root_404.find_all("link", type="application/rss+xml")} == {
        "/da/rss.xml", "/no/rss.xml"}
