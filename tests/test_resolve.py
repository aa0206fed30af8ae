"""Resolve: references, duplicates, translations, drafts and embargo, body links."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXED_NOW, NOW
from pictures import photo, tiny_jpeg

from sitegen.config import load_config
from sitegen.errors import Problem
from sitegen.load.content import load_content
from sitegen.model import Site
from sitegen.resolve import BuildOptions, resolve_site

DA = "content/da/2021/mission-possible.md"
NO = "content/no/2021/mission.md"


def article(title: str = "Nyhed", date: str = "2021-11-01 09:00", body: str = "Tekst.",
            **fields: str) -> str:
    lines = [f"title: {title}", f"date: {date}"] + [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def resolve(site_root: Path, drafts: bool = False,
            future: bool = False) -> tuple[Site | None, list[Problem]]:
    config, problems = load_config(site_root)
    assert config is not None, problems
    loaded, load_problems = load_content(site_root, config)
    assert not [p for p in load_problems if p.is_error], [p.format() for p in load_problems]
    options = BuildOptions(now=FIXED_NOW, drafts=drafts, future=future)
    return resolve_site(loaded, config, options)


def errors(problems: list[Problem]) -> list[str]:
    """'path:line: message' of each error, sorted."""
    return sorted(f"{p.path}:{p.line}: {p.message}" for p in problems if p.is_error)


def ok(site_root: Path, **options: bool) -> Site:
    site, problems = resolve(site_root, **options)
    assert site is not None, errors(problems)
    return site


# references


def test_the_minimal_site_resolves(make_site):
    site = ok(make_site())
    assert set(site.articles) == {"da/2021/mission-possible", "no/2021/mission"}
    mission = site.articles["da/2021/mission-possible"]
    assert mission.url == "/da/nyheder/mission-possible/"
    assert mission.authors == ("kurt-bennetsen",)
    assert mission.clusters == ("green-hub-denmark",)
    assert site.people["kurt-bennetsen"].clusters == ("green-hub-denmark",)


def test_an_unknown_person_suggests_the_closest_id(make_site):
    site, problems = resolve(make_site({DA: article(authors="[kurt-benetsen]")}))
    assert site is None
    assert errors(problems) == [
        f"{DA}:4: unknown person 'kurt-benetsen' (did you mean 'kurt-bennetsen'?)"]


def test_an_unknown_contact_in_a_block_list_is_on_its_own_line(make_site):
    text = article(contacts="\n  - kurt-bennetsen\n  - mette-fritsch")
    _, problems = resolve(make_site({DA: text}))
    assert errors(problems) == [f"{DA}:6: unknown person 'mette-fritsch'"]


def test_an_unknown_cluster_in_an_article_and_in_a_person(make_site, tmp_path):
    site_root = make_site({
        DA: article(clusters="[green-hub-denmar]"),
        "content/people/kurt-bennetsen.md": "---\nname: Kurt\nclusters: [greenhub]\n---\n",
    })
    _, problems = resolve(site_root)
    assert errors(problems) == [
        f"{DA}:4: unknown cluster 'green-hub-denmar' (did you mean 'green-hub-denmark'?)",
        "content/people/kurt-bennetsen.md:3: unknown cluster 'greenhub' "
        "(did you mean 'green-hub-denmark'?)",
    ]


def test_references_of_a_draft_are_checked_too(make_site):
    _, problems = resolve(make_site({DA: article(authors="[nobody]", draft="true")}))
    assert errors(problems) == [f"{DA}:4: unknown person 'nobody'"]


def test_all_reference_errors_are_collected(make_site):
    _, problems = resolve(make_site({
        DA: article(authors="[a1]", contacts="[b1]", clusters="[c1]"),
        NO: article(authors="[d1]"),
    }))
    assert len(errors(problems)) == 4


# duplicates


def test_two_articles_with_one_slug_in_a_language_name_both_files(make_site):
    _, problems = resolve(make_site({
        "content/da/2022/mission-possible.md": article(),
        "content/da/2023/andet.md": article(slug="mission-possible"),
    }))
    assert errors(problems) == [
        "content/da/2022/mission-possible.md:1: slug 'mission-possible' is already used "
        f"by {DA}",
        "content/da/2023/andet.md:4: slug 'mission-possible' is already used "
        f"by {DA}",
    ]


def test_a_draft_also_takes_its_slug(make_site):
    _, problems = resolve(make_site({"content/da/x/mission-possible.md": article(draft="true")}))
    assert len(errors(problems)) == 1


def test_one_slug_in_two_languages_is_fine(make_site):
    site = ok(make_site({NO: None, DA: article(),
                         "content/no/2021/mission-possible.md": article()}))
    assert {a.url for a in site.articles.values()} == {
        "/da/nyheder/mission-possible/", "/no/nyheter/mission-possible/"}


def test_a_translation_key_used_twice_in_one_language(make_site):
    _, problems = resolve(make_site({"content/da/2022/igen.md": article(translation_key="dkla")}))
    assert errors(problems) == [
        f"content/da/2022/igen.md:4: translation_key 'dkla' is already used by {DA} "
        "in the same language"]


# translations


def test_articles_sharing_a_translation_key_are_linked_both_ways(make_site):
    site = ok(make_site())
    assert site.articles["da/2021/mission-possible"].translations == {"no": "no/2021/mission"}
    assert site.articles["no/2021/mission"].translations == {"da": "da/2021/mission-possible"}


def test_articles_at_the_same_path_are_linked_when_neither_has_a_key(make_site):
    site = ok(make_site({
        "content/da/2022/klynger.md": article("Klynger"),
        "content/no/2022/klynger.md": article("Klynger på norsk"),
        "content/no/2022/andet.md": article("Andet"),
    }))
    assert site.articles["da/2022/klynger"].translations == {"no": "no/2022/klynger"}
    assert site.articles["no/2022/andet"].translations == {}


def test_a_key_on_one_side_only_does_not_link_by_path(make_site):
    site = ok(make_site({
        "content/da/2022/klynger.md": article("Klynger", translation_key="klynger-2022"),
        "content/no/2022/klynger.md": article("Klynger"),
    }))
    assert site.articles["da/2022/klynger"].translations == {}


def test_a_draft_translation_is_not_linked(make_site):
    site_root = make_site({DA: article(translation_key="dkla"),
                           NO: article("Utkast", translation_key="dkla", draft="true")})
    site = ok(site_root)
    assert "no/2021/mission" not in site.articles
    assert site.articles["da/2021/mission-possible"].translations == {}
    preview = ok(site_root, drafts=True)
    assert preview.articles["da/2021/mission-possible"].translations == {
        "no": "no/2021/mission"}


# drafts and embargo


def test_a_draft_is_left_out_unless_asked_for(make_site):
    site_root = make_site({"content/da/2022/kladde.md": article("Kladde", draft="true")})
    assert "da/2022/kladde" not in ok(site_root).articles
    preview = ok(site_root, drafts=True)
    assert preview.articles["da/2022/kladde"].draft is True
    assert preview.preview is True


def test_an_article_dated_in_the_future_is_under_embargo(make_site):
    site_root = make_site({"content/da/2030/senere.md": article("Senere", "2030-01-01")})
    assert "da/2030/senere" not in ok(site_root).articles
    preview = ok(site_root, future=True)
    assert preview.articles["da/2030/senere"].embargoed is True


@pytest.mark.parametrize("date, published", [
    # NOW is 12:00 UTC, which is 13:00 in Copenhagen in January.
    ("2026-01-01 12:59", True),
    ("2026-01-01 13:00", True),
    ("2026-01-01 13:01", False),
    ("2026-01-01 12:01Z", False),
    ("2026-01-01 11:59Z", True),
])
def test_the_embargo_ends_at_the_date_in_the_language_zone(make_site, date, published):
    site = ok(make_site({"content/da/2026/snart.md": article("Snart", date)}))
    assert ("da/2026/snart" in site.articles) is published


def test_a_draft_in_the_future_needs_both_options(make_site):
    site_root = make_site({"content/da/2030/x.md": article("X", "2030-01-01", draft="true")})
    assert "da/2030/x" not in ok(site_root, drafts=True).articles
    assert "da/2030/x" not in ok(site_root, future=True).articles
    assert "da/2030/x" in ok(site_root, drafts=True, future=True).articles


def test_articles_are_listed_newest_first_per_language(make_site):
    site = ok(make_site({"content/da/2022/b.md": article("B", "2022-01-01"),
                         "content/da/2020/a.md": article("A", "2020-01-01")}))
    assert site.by_language["da"] == ("da/2022/b", "da/2021/mission-possible", "da/2020/a")


# images


def test_an_image_that_exists_becomes_a_media_url(make_site):
    site = ok(make_site({
        "content/media/2021/la.jpg": tiny_jpeg(),
        DA: article(image="media/2021/la.jpg", image_alt="Los Angeles", image_credit="Anja"),
    }))
    image = site.articles["da/2021/mission-possible"].image
    assert image is not None
    assert (image.src, image.alt, image.credit, image.length) == (
        "/media/2021/la.jpg", "Los Angeles", "Anja", len(tiny_jpeg()))
    assert (image.width, image.height) == (8, 8)  # every <img> gets its size


def test_an_image_that_does_not_exist_suggests_a_close_one(make_site):
    _, problems = resolve(make_site({
        "content/media/2021/la.jpg": tiny_jpeg(),
        DA: article(image="media/2021/la.jpeg", image_alt="LA"),
    }))
    assert errors(problems) == [
        f"{DA}:4: image 'media/2021/la.jpeg' does not exist (did you mean 'media/2021/la.jpg'?)"]


def test_a_person_photo_that_does_not_exist(make_site):
    _, problems = resolve(make_site({
        "content/people/kurt-bennetsen.md": "---\nname: Kurt\nphoto: media/kurt.jpg\n---\n"}))
    assert errors(problems) == [
        "content/people/kurt-bennetsen.md:3: photo 'media/kurt.jpg' does not exist"]


# links in bodies


def test_links_to_articles_and_media_become_published_urls(make_site):
    body = ("[relativ](../2021/mission-possible.md#program) "
            "[fra content](/da/2021/mission-possible.md) "
            "[norsk](../../no/2021/mission.md) "
            "![foto](../../media/la.jpg) [side](/da/personer/)")
    site = ok(make_site({"content/da/2022/b.md": article(body=body),
                         "content/media/la.jpg": tiny_jpeg()}))
    html = site.articles["da/2022/b"].body_html
    assert 'href="/da/nyheder/mission-possible/#program"' in html
    assert 'href="/da/nyheder/mission-possible/"' in html
    assert 'href="/no/nyheter/mission/"' in html
    assert 'src="/media/la.jpg"' in html
    assert 'href="/da/personer/"' in html


def test_a_link_to_a_file_named_with_nordic_letters(make_site):
    site = ok(make_site({"content/da/2022/møde i aalborg.md": article("Møde"),
                         "content/da/2022/b.md": article(body="[m](<møde i aalborg.md>)")}))
    assert 'href="/da/nyheder/moede-i-aalborg/"' in site.articles["da/2022/b"].body_html


def test_a_link_that_leads_to_nothing_is_an_error_on_its_file_line(make_site):
    body = "Første afsnit.\n\nAndet afsnit med\nen [død](../2020/borte.md) henvisning."
    _, problems = resolve(make_site({"content/da/2022/b.md": article(body=body)}))
    assert errors(problems) == [
        "content/da/2022/b.md:8: link to '../2020/borte.md' leads to nothing"]


def test_a_link_to_a_draft_says_why(make_site):
    site_root = make_site({"content/da/2022/kladde.md": article(draft="true"),
                           "content/da/2022/b.md": article(body="[k](kladde.md)")})
    _, problems = resolve(site_root)
    assert errors(problems) == [
        "content/da/2022/b.md:5: link to 'kladde.md', an article that is a draft and so "
        "not published"]
    ok(site_root, drafts=True)


def test_a_link_in_a_draft_is_not_checked_in_a_published_build(make_site):
    ok(make_site({"content/da/2022/kladde.md": article(draft="true", body="[x](nope.md)")}))


# end to end: nothing of a hidden article anywhere in the output


def output_text(out: Path) -> str:
    return "\n".join(p.read_text("utf-8", "replace") for p in sorted(out.rglob("*"))
                     if p.is_file())


HIDDEN = {
    "content/da/2022/kladde.md": article("Hemmelig kladde", "2022-01-01", draft="true",
                                         authors="[kurt-bennetsen]",
                                         clusters="[green-hub-denmark]", tags="[kladdeord]",
                                         translation_key="dkla"),
    "content/da/2030/fremtid.md": article("Fremtidig nyhed", "2030-01-01",
                                          authors="[kurt-bennetsen]",
                                          clusters="[green-hub-denmark]", tags="[fremtidsord]"),
}


def test_hidden_articles_are_absent_from_every_output_file(make_site, build_site):
    site_root = make_site({DA: None, **HIDDEN})
    out = build_site(site_root)
    text = output_text(out)
    for needle in ("Hemmelig kladde", "kladde/", "kladdeord", "Fremtidig nyhed", "fremtid/",
                   "fremtidsord"):
        assert needle not in text
    assert not (out / "da/nyheder/kladde").exists()
    assert not (out / "da/emner/kladdeord").exists()


def test_drafts_and_future_bring_them_back(make_site, run_cli):
    site_root = make_site({DA: None, **HIDDEN})
    out = site_root / "preview"
    code, _, err = run_cli("build", "--site", site_root, "--out", out, "--now", NOW,
                           "--drafts", "--future")
    assert code == 0, err
    assert (out / "da/nyheder/kladde/index.html").is_file()
    assert (out / "da/nyheder/fremtid/index.html").is_file()
    norwegian = (out / "no/nyheter/mission/index.html").read_text()
    assert 'href="/da/nyheder/kladde/"' in norwegian


def test_a_built_translation_links_to_its_counterpart(make_site, build_site):
    out = build_site(make_site())
    danish = (out / "da/nyheder/mission-possible/index.html").read_text()
    norwegian = (out / "no/nyheter/mission/index.html").read_text()
    assert 'href="/no/nyheter/mission/"' in danish
    assert 'href="/da/nyheder/mission-possible/"' in norwegian


# a file with errors of its own is not reported again through references to it


def test_a_person_file_with_errors_is_not_also_an_unknown_person(make_site, check_site):
    site_root = make_site({"content/people/kurt-bennetsen.md": "---\nname: [Kurt]\n---\n"})
    code, output = check_site(site_root)
    assert code == 1
    assert "content/people/kurt-bennetsen.md:2: 'name' must be a text" in output
    assert "unknown person" not in output


def test_a_cluster_file_with_errors_is_not_also_an_unknown_cluster(make_site, check_site):
    site_root = make_site({"content/clusters/green-hub-denmark.md": ""})
    code, output = check_site(site_root)
    assert code == 1
    assert "content/clusters/green-hub-denmark.md: the file is empty" in output
    assert "unknown cluster" not in output


def test_a_link_to_an_article_with_errors_is_not_also_a_broken_link(make_site, check_site):
    site_root = make_site({"content/no/2021/mission.md": "---\ntitle: Mission\n---\n"})
    code, output = check_site(site_root)
    assert code == 1
    assert "content/no/2021/mission.md:1: the article has no 'date'" in output
    assert "leads to nothing" not in output
    assert "1 error(s)" in output


def test_media_used_only_by_an_embargoed_article_is_not_published(make_site, build_site):
    site = make_site({
        "content/media/2026/secret.jpg": photo(20, 10),
        "content/media/2026/inline.png": photo(20, 12, "PNG"),
        "content/media/2026/shared.jpg": photo(20, 14),
        "content/da/2026/later.md": (
            "---\ntitle: Later\ndate: 2099-01-01 09:00\nimage: media/2026/secret.jpg\n"
            "image_alt: Secret\n---\n![x](../../media/2026/inline.png) "
            "![y](/media/2026/shared.jpg)\n"),
        "content/da/2026/now.md": (
            "---\ntitle: Now\ndate: 2021-01-01 09:00\n---\n![y](/media/2026/shared.jpg)\n"),
    })
    out = build_site(site)
    assert not (out / "media/2026/secret.jpg").exists()
    assert not (out / "media/2026/inline.png").exists()
    assert (out / "media/2026/shared.jpg").exists()
    future = build_site(site, "--future")
    assert (future / "media/2026/secret.jpg").exists()
