"""`sitegen check` as the reviewer: warnings a build does not give, with file and line."""

from __future__ import annotations

import json
import re

import pytest
from conftest import NOW
from pictures import jpeg_of_size

DA = "content/da/2021/mission-possible.md"
PERSON = "content/people/kurt-bennetsen.md"
NOBODY = """\
---
name: Anne Andersen
---
"""
QUIET_CLUSTER = """\
---
name: Stille Klynge
---
"""


def check_json(run_cli, site, *extra):  # type: ignore[no-untyped-def]
    code, out, err = run_cli("check", "--site", site, "--now", NOW, "--format", "json", *extra)
    return code, json.loads(out)


def codes(report: dict) -> list[tuple[str, int | None, str]]:
    return [(p["path"], p["line"], p["code"]) for p in report["problems"]]


def test_the_minimal_site_has_nothing_to_review_but_a_note(make_site, run_cli):
    """Its person's text is one text for every language: a note, not a warning."""
    code, report = check_json(run_cli, make_site(), "--strict")
    assert code == 0
    assert report["problems"] == []
    assert [(n["path"], n["code"]) for n in report["notes"]] == [
        ("content/people/kurt-bennetsen.md", "text-missing")]


def test_review_warnings_do_not_fail_unless_strict(make_site, run_cli, build_site):
    site = make_site({"content/people/anne-andersen.md": NOBODY})
    code, out, err = run_cli("check", "--site", site, "--now", NOW)
    assert code == 0
    assert "content/people/anne-andersen.md: warning: no article names Anne Andersen" in err
    assert "0 error(s), 1 warning(s)" in out
    code, _, _ = run_cli("check", "--site", site, "--now", NOW, "--strict")
    assert code == 1


def test_a_build_does_not_report_review_warnings(make_site, run_cli):
    site = make_site({"content/people/anne-andersen.md": NOBODY,
                      "content/clusters/stille-klynge.md": QUIET_CLUSTER})
    code, out, err = run_cli("build", "--site", site, "--now", NOW)
    assert code == 0
    assert err == ""
    assert re.search(r"^Built in \d+ ms, 0 warnings$", out, re.MULTILINE)


# translations


def test_a_translation_key_that_links_nothing_is_a_warning_on_its_line(make_site, run_cli):
    site = make_site({"content/no/2021/mission.md": """\
        ---
        title: Mission Possible på norsk
        date: 2021-11-01 10:00
        authors: [kurt-bennetsen]
        translation_key: dkla-typo
        ---
        Tjue bedrifter var i Los Angeles.
        """})
    _, report = check_json(run_cli, site)
    found = codes(report)
    assert ("content/no/2021/mission.md", 5, "translation-missing") in found
    assert (DA, 8, "translation-missing") in found
    message = next(p["message"] for p in report["problems"] if p["path"] == DA)
    assert message == "translation_key 'dkla' is shared by no Norwegian article"


def test_stories_in_one_language_are_notes_not_warnings(make_site, run_cli):
    site = make_site({"content/no/2022/bare-norsk.md": "---\ntitle: Bare norsk\n"
                      "date: 2022-01-01\nauthors: [kurt-bennetsen]\n---\nTekst.\n"})
    code, out, err = run_cli("check", "--site", site, "--now", NOW, "--strict")
    assert code == 0
    assert "0 error(s), 0 warning(s)" in out
    assert "Stories in one language only: 1 in Norwegian (--verbose lists them)" in out
    assert "bare-norsk" not in err
    _, out, err = run_cli("check", "--site", site, "--now", NOW, "--verbose")
    assert ("content/no/2022/bare-norsk.md: note: this story is in Norwegian only" in err)
    _, report = check_json(run_cli, site)
    assert [(n["path"], n["severity"], n["code"]) for n in report["notes"]
            if n["code"] == "one-language"] == [
        ("content/no/2022/bare-norsk.md", "note", "one-language")]
    assert report["warnings"] == 0


def test_a_translation_being_written_as_a_draft_counts(make_site, run_cli):
    site = make_site({"content/da/2022/kun-dansk.md": "---\ntitle: Kun dansk\n"
                      "date: 2022-01-01\nauthors: [kurt-bennetsen]\ntranslation_key: k\n---\nT.\n",
                      "content/no/2022/kun-dansk.md": "---\ntitle: Kladd\ndate: 2022-01-01\n"
                      "draft: true\nauthors: [kurt-bennetsen]\ntranslation_key: k\n---\nT.\n"})
    code, report = check_json(run_cli, site, "--strict")
    assert code == 0, report


# people and clusters


def test_a_contact_without_phone_or_email_is_a_warning(make_site, run_cli):
    person = "---\nname: Kurt Bennetsen\nclusters: [green-hub-denmark]\n---\n"
    _, report = check_json(run_cli, make_site({PERSON: person}))
    assert (PERSON, None, "contact-unreachable") in codes(report)
    problem = next(p for p in report["problems"] if p["code"] == "contact-unreachable")
    assert problem["message"] == ("Kurt Bennetsen is a contact in "
                                  f"{DA} but has neither phone nor e-mail")


@pytest.mark.parametrize("extra", ['phone: "+45 98 16 06 00"', "email: kurt@example.org"])
def test_one_way_to_reach_a_contact_is_enough(make_site, run_cli, extra):
    person = f"---\nname: Kurt Bennetsen\n{extra}\n---\n"
    _, report = check_json(run_cli, make_site({PERSON: person}))
    assert "contact-unreachable" not in [p["code"] for p in report["problems"]]


def test_people_and_clusters_no_article_uses(make_site, run_cli):
    site = make_site({"content/people/anne-andersen.md": NOBODY,
                      "content/clusters/stille-klynge.md": QUIET_CLUSTER})
    _, report = check_json(run_cli, site)
    assert codes(report) == [("content/clusters/stille-klynge.md", None, "unused-cluster"),
                             ("content/people/anne-andersen.md", None, "unused-person")]


def test_a_mention_or_a_link_is_a_use(make_site, run_cli):
    site = make_site({
        "content/people/anne-andersen.md": NOBODY,
        "content/people/bo-berg.md": "---\nname: Bo Berg\n---\n",
        "content/clusters/stille-klynge.md": QUIET_CLUSTER,
        "content/no/2021/mission.md": """\
            ---
            title: Mission Possible på norsk
            date: 2021-11-01 10:00
            authors: [kurt-bennetsen]
            translation_key: dkla
            ---
            Anne Andersen fra Stille Klynge var med, og [Bo](/no/personer/bo-berg/) også.
            """})
    code, report = check_json(run_cli, site, "--strict")
    assert code == 0, report


# links


def test_links_to_site_urls_that_lead_nowhere(make_site, run_cli):
    site = make_site({"content/no/2021/mission.md": """\
        ---
        title: Mission Possible på norsk
        date: 2021-11-01 10:00
        authors: [kurt-bennetsen]
        translation_key: dkla
        ---
        Se [Kurt](/no/personer/kurt-bennetsen/) og [klyngen](/no/klynger/green-hub-denmark).

        Men [ingen](/no/personer/ingen/), [RSS](/no/rss.xml) og [feil](/no/emner/x/#a).

        Og [en henvisning][r].

        [r]: /no/klynger/ingen/
        """})
    _, report = check_json(run_cli, site)
    dead = [(p["line"], p["message"]) for p in report["problems"] if p["code"] == "dead-link"]
    assert dead == [(9, "link to '/no/emner/x/#a' leads nowhere"),
                    (9, "link to '/no/personer/ingen/' leads nowhere"),
                    (11, "link to '/no/klynger/ingen/' leads nowhere")]


def test_an_article_with_only_source_links_is_not_parsed_again():
    from sitegen import review

    assert not review._may_link_to_site_urls("[a](../x.md) ![b](/media/x.jpg) [c](//x.org/)")
    assert review._may_link_to_site_urls('<a href="/da/personer/">')
    assert review._may_link_to_site_urls("[a]: </da/emner/x/>")


def test_links_in_drafts_and_embargoed_articles_are_checked_now(make_site, run_cli):
    site = make_site({
        "content/da/2021/kladde.md": "---\ntitle: K\ndate: 2021-12-01\ndraft: true\n"
                                     "authors: [kurt-bennetsen]\n---\nSe [x](findes-ikke.md).\n",
        "content/da/2099/senere.md": "---\ntitle: S\ndate: 2099-01-01\n"
                                     "authors: [kurt-bennetsen]\n---\n\nSe [y](/media/nej.jpg).\n"})
    code, report = check_json(run_cli, site)
    assert code == 0  # a build today does not publish them, so it does not fail
    dead = {(p["path"], p["line"]): p["message"] for p in report["problems"]
            if p["code"] == "dead-link"}
    assert dead == {
        ("content/da/2021/kladde.md", 7): "link to 'findes-ikke.md' leads nowhere; it will "
                                          "stop the build when this draft is published",
        ("content/da/2099/senere.md", 7): "link to '/media/nej.jpg' leads nowhere; it will "
                                          "stop the build when the embargo lifts"}


def test_links_in_people_and_cluster_texts(make_site, run_cli):
    person = ("---\nname: Kurt Bennetsen\nemail: k@example.org\n---\n"
              "Læs [artiklen](../da/2021/mission-possible.md) eller [siden](/da/ingen/).\n")
    _, report = check_json(run_cli, make_site({PERSON: person}))
    dead = [(p["path"], p["line"], p["message"]) for p in report["problems"]
            if p["code"] == "dead-link"]
    assert (PERSON, 5, "link to '/da/ingen/' leads nowhere") in dead
    assert any(path == PERSON and "published as written" in message
               for path, _, message in dead)


# images and summaries


def test_images_over_1_mb(make_site, run_cli):
    site = make_site({"content/media/2021/stor.jpg": jpeg_of_size(1_000_001),
                      "content/media/2021/lige-under.jpg": jpeg_of_size(1_000_000),
                      "content/media/2021/rapport.pdf": b"%" * 2_000_000})
    _, report = check_json(run_cli, site)
    assert codes(report) == [("content/media/2021/stor.jpg", None, "large-image")]
    assert report["problems"][0]["message"] == ("the image is 1.0 MB; readers on a phone "
                                                "wait for it")


def test_summaries_over_300_characters(make_site, run_cli):
    long_text = "Ord " * 80  # 320 characters
    site = make_site({"content/no/2021/mission.md": f"""\
        ---
        title: Mission Possible på norsk
        date: 2021-11-01 10:00
        summary: {long_text.strip()}
        authors: [kurt-bennetsen]
        translation_key: dkla
        ---
        Tjue bedrifter.
        """,
                      "content/da/2021/lang.md": "---\ntitle: L\ndate: 2021-01-01\n"
                      "authors: [kurt-bennetsen]\n---\n\n" + long_text + "\n\nMere.\n",
                      "content/da/2021/kort.md": "---\ntitle: K\ndate: 2021-01-01\n"
                      "authors: [kurt-bennetsen]\nsummary: " + "x" * 300 + "\n---\nT.\n"})
    _, report = check_json(run_cli, site)
    found = [(p["path"], p["line"]) for p in report["problems"] if p["code"] == "long-summary"]
    assert found == [("content/da/2021/lang.md", 7), ("content/no/2021/mission.md", 4)]


# placeholders


def test_placeholders_in_a_draft_are_left_alone(make_site, run_cli):
    site = make_site({"content/da/2021/kladde.md": "---\ntitle: 'SKRIV: titel'\n"
                      "date: 2021-12-01\ndraft: true\n---\nSKRIV: tekst\n"})
    _, report = check_json(run_cli, site)
    assert "placeholder" not in [p["code"] for p in report["problems"]]
    _, report = check_json(run_cli, site, "--drafts")  # previewing drafts: they are shown
    assert [(p["line"], p["code"]) for p in report["problems"]] == [(2, "placeholder"),
                                                                     (6, "placeholder")]


def test_a_placeholder_left_in_a_person_or_organisation_is_named(make_site, run_cli):
    """`sitegen new person` writes SKRIV: lines: a person's page is published whatever
    names them, so check names the lines left."""
    site = make_site({"content/people/anne.md": (
        "---\nname: Anne\n---\n::: da\nSKRIV: om Anne.\n:::\n\n::: no\nAnne forsker.\n:::\n")})
    code, _out, err = run_cli("check", "--site", site, "--now", NOW)
    assert code == 0
    assert ("content/people/anne.md:5: warning: text left from 'sitegen new': the line starts "
            "with 'SKRIV:'") in err
