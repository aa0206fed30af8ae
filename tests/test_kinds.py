"""Page kinds: each renders from its Reads alone, so its digest covers what it shows.

The check is from the outside: every record a page does not declare (its `page_inputs`)
is replaced by a poisoned copy (other titles, names, bodies, phone numbers), and the
page must come out byte for byte the same, with the same digest. A kind that read
anything it does not declare, in its renderer, its template or its Reads, would show
the poison. And the regression the kinds were made for: a preview's feed that kept an
old title because its declared items (drafts included) were not the ones it showed.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FIXED_NOW

from sitegen import kinds
from sitegen.engine import Builder
from sitegen.kinds import KINDS, page_digests, page_inputs
from sitegen.model import Article, Cluster, Person, Site
from sitegen.pipeline import Prepared, prepare
from sitegen.render.page import render_page
from sitegen.resolve import BuildOptions

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"


def article(title: str, date: str, extra: str = "") -> str:
    return (f"---\ntitle: {title}\ndate: {date}\nauthors: [kurt-bennetsen]\n"
            f"clusters: [green-hub-denmark]\ntags: [eksport]\n{extra}---\nTekst om {title}.\n")


ANNA = "---\nname: Anna Holm\nemail: anna@example.org\nclusters: [ife]\n---\nAnna.\n"
IFE = "---\nname: IFE\ndescription:\n  da: Et institut.\n  no: Et institutt.\n---\n"


def busy_files() -> dict[str, str]:
    """More than one page of news, a second person and cluster, drafts and an embargo."""
    files = {f"content/da/2021/n{n:02}.md": article(f"Nyhed {n}", f"2021-10-{n:02} 09:00")
             for n in range(1, 14)}
    files["content/da/2021/kladde.md"] = article("Kladde", "2021-12-01 09:00", "draft: true\n")
    files["content/da/2026/senere.md"] = article("Senere", "2026-02-01 09:00")
    files["content/da/2025/lukket.md"] = article(
        "Lukket", "2025-12-01 09:00", "embargo: 2026-03-01 09:00\npreview: true\n")
    files["content/da/2020/anna.md"] = (
        "---\ntitle: Annas nyhed\ndate: 2020-05-01 09:00\nauthors: [anna-holm]\n"
        "clusters: [ife]\ntags: [forskning]\n---\nForskning.\n")
    files["content/people/anna-holm.md"] = ANNA
    files["content/clusters/ife.md"] = IFE
    return files


def poisoned(site: Site, keep: set[str]) -> Site:
    """The site with every record whose id is not in `keep` replaced by a poisoned copy
    (lists, dates and relations kept, so every page still has the same slices). A page
    that reads the whole site ("site") keeps it whole."""
    if "site" in keep:
        return site

    def article_(a: Article) -> Article:
        if f"article:{a.key}" in keep:
            return a
        return replace(a, title=f"GIFT {a.title}", summary="GIFT", body_html="<p>GIFT</p>",
                       body_digest="gift", words=1)

    def person_(p: Person) -> Person:
        return p if f"person:{p.id}" in keep else replace(
            p, name=f"GIFT {p.name}", phone="+45 00000000", bio_html="<p>GIFT</p>")

    def cluster_(c: Cluster) -> Cluster:
        return c if f"cluster:{c.id}" in keep else replace(
            c, name=f"GIFT {c.name}", body_html="<p>GIFT</p>",
            description={k: "GIFT" for k in c.description})

    articles = {key: article_(a) for key, a in site.articles.items()}
    return replace(site, articles=articles,
                   previews={key: article_(a) for key, a in site.previews.items()},
                   people={i: person_(p) for i, p in site.people.items()},
                   clusters={i: cluster_(c) for i, c in site.clusters.items()},
                   ordered={lang: tuple(articles[a.key] for a in shown)
                            for lang, shown in site.ordered.items()})


@pytest.fixture(scope="module", params=[False, True], ids=["published", "preview"])
def prepared(request, tmp_path_factory) -> Prepared:
    from conftest import minimal_files, write_files

    root = write_files(tmp_path_factory.mktemp("kinds") / "site",
                       {**minimal_files(), **busy_files()})
    preview = request.param
    return prepare(root, BuildOptions(now=FIXED_NOW, drafts=preview, future=preview,
                                      preview_secret="a secret of the test suite"))


def samples(prepared: Prepared) -> list:
    """A few pages of every kind (first, last, and the second of a paginated list)."""
    chosen = []
    for kind in KINDS:
        of_kind = [p for p in prepared.pages if p.kind is kind]
        if kind is kinds.BY_NAME["preview"] and prepared.site.preview:
            assert not of_kind, "a preview build shows embargoed stories at their own URLs"
            continue
        assert of_kind, f"no {kind.name} page in the sample site"
        chosen += list(dict.fromkeys([of_kind[0], of_kind[-1], *of_kind[1:2]]))
    return chosen


def test_every_kind_renders_from_its_reads_alone(prepared: Prepared) -> None:
    site, theme, pages = prepared.site, prepared.theme, prepared.pages
    checked = 0
    for page in samples(prepared):
        keep = set(page_inputs(site, page))
        other = poisoned(site, keep)
        expected = render_page(site, theme, pages, page)
        assert render_page(other, theme, kinds.planned(other), page) == expected, (
            f"{page.kind.name} {page.url} shows something it does not declare")
        assert (page_digests(other, [page], "g")[page.output]
                == page_digests(site, [page], "g")[page.output]), page.url
        checked += 1
    assert checked > len(KINDS)


def test_what_a_page_declares_is_in_its_digest(prepared: Prepared) -> None:
    """The other way round: poisoning a record a page shows changes its digest (not for
    sitemaps: they read facts derived from records, dates and addresses, not titles)."""
    site = prepared.site
    for page in samples(prepared):
        if "sitemap" in page.format.name:
            continue
        records = [i for i in page_inputs(site, page)
                   if i.split(":")[0] in ("article", "person", "cluster") and i.count(":") == 1]
        if not records:
            continue
        other = poisoned(site, set(page_inputs(site, page)) - {records[0]})
        assert (page_digests(other, [page], "g")[page.output]
                != page_digests(site, [page], "g")[page.output]), (page.url, records[0])


def test_page_inputs_name_records_and_lists(prepared: Prepared) -> None:
    site = prepared.site
    by_url = {p.url: p for p in prepared.pages}
    inputs = page_inputs(site, by_url["/da/nyheder/mission-possible/"])
    assert inputs[0] == "article:da/2021/mission-possible"
    assert {"person:kurt-bennetsen", "cluster:green-hub-denmark",
            "article:no/2021/mission", "related:da/2021/mission-possible"} <= set(inputs)
    feed = page_inputs(site, by_url["/da/rss.xml"])
    assert feed[0] == "list:da" and "article:da/2021/kladde" not in feed
    assert page_inputs(site, by_url["/da/personer/"])[0] == "people"
    assert "members:ife" in page_inputs(site, by_url["/da/klynger/ife/"])
    assert page_inputs(site, by_url["/robots.txt"]) == ()


def test_the_feed_of_a_preview_follows_a_retitled_article(make_site, tmp_path) -> None:
    """The issue's case: the newest article a draft, a preview build, then a published
    article just outside the window the old code declared (the newest N, drafts
    included) is retitled. The feed shows the newest N published, so it must change."""
    site = make_site({
        "site.toml": (Path(make_site().joinpath("site.toml")).read_text()
                      .replace("feed_items = 20", "feed_items = 2")),
        "content/da/2021/a-kladde.md": article("Kladde", "2021-12-03 09:00", "draft: true\n"),
        "content/da/2021/b.md": article("B", "2021-12-02 09:00"),
        "content/da/2021/c.md": article("C", "2021-12-01 09:00"),
    })
    out, clean = tmp_path / "inc", tmp_path / "clean"
    builder = Builder(site, out, drafts=True, persistent=False, search="off")
    builder.build(START)
    assert "<title>C</title>" in (out / "da/rss.xml").read_text()
    path = site / "content/da/2021/c.md"
    path.write_text(path.read_text().replace("title: C", "title: C, ny titel"))
    builder.build(START)
    Builder(site, clean, drafts=True, persistent=False, search="off").build(START, clean=True)
    for feed in ("da/rss.xml", "da/personer/kurt-bennetsen/rss.xml",
                 "da/klynger/green-hub-denmark/rss.xml"):
        assert (out / feed).read_bytes() == (clean / feed).read_bytes(), feed
        assert "C, ny titel" in (out / feed).read_text()


def test_kinds_are_values_not_strings() -> None:
    """No code compares a page's kind with a string (search.py, owned elsewhere, aside:
    Kind == "name" still holds for it, see Kind.__eq__)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "search.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) \
                    and node.left.attr == "kind" and isinstance(node.left.value, ast.Name) \
                    and node.left.value.id == "page" \
                    and any(isinstance(c, (ast.Constant, ast.Tuple, ast.Set, ast.List))
                            for c in node.comparators):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_a_kind_pickles_as_itself() -> None:
    import pickle

    for kind in KINDS:
        assert pickle.loads(pickle.dumps(kind)) is kind
