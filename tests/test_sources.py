"""Loading one article, person or cluster file into its record, each file alone."""

from __future__ import annotations

import textwrap
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import ARTICLE_DA, CLUSTER, PERSON

from sitegen.errors import Problem
from sitegen.load.fields import Ref
from sitegen.load.sources import load_article, load_cluster, load_person

CPH = ZoneInfo("Europe/Copenhagen")
LANGS = ("da", "no")
ARTICLE_PATH = "content/da/2021/2021-11-01-mission-possible.md"


def article(text: str, path: str = ARTICLE_PATH):
    return load_article(path, textwrap.dedent(text).encode(), lang="da", tz=CPH)


def errors(problems: list[Problem]) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in problems if p.is_error]


def test_an_article_is_read_into_a_typed_record():
    record, problems = article(ARTICLE_DA)
    assert problems == []
    assert record is not None
    assert record.path == ARTICLE_PATH
    assert (record.lang, record.rel) == ("da", "2021/2021-11-01-mission-possible")
    assert record.title == "Mission Possible"
    assert record.date == datetime(2021, 11, 1, 9, 0, tzinfo=CPH)
    assert record.authors == (Ref("kurt-bennetsen", 4),)
    assert record.contacts == (Ref("kurt-bennetsen", 5),)
    assert record.clusters == (Ref("green-hub-denmark", 6),)
    assert record.tags == ("eksport",)
    assert record.translation_key == "dkla"
    assert record.slug == "mission-possible"  # the file name without its leading date
    assert record.draft is False
    assert record.body.startswith("Tyve virksomheder")
    assert record.body_line == 10


def test_the_slug_comes_from_the_file_name_with_nordic_letters_spelt_out():
    record, _ = article("---\ntitle: A\ndate: 2022-01-01\n---\n",
                        path="content/da/2022/Møde i Ålborg.md")
    assert record is not None and record.slug == "moede-i-aalborg"


def test_a_slug_in_front_matter_wins():
    record, _ = article("---\ntitle: A\ndate: 2022-01-01\nslug: eget-navn\n---\n")
    assert record is not None and (record.slug, record.slug_line) == ("eget-navn", 4)


def test_a_file_name_without_letters_needs_a_slug():
    record, problems = article("---\ntitle: A\ndate: 2022-01-01\n---\n",
                               path="content/da/!!!.md")
    assert record is None
    assert errors(problems) == [(None, "cannot make a slug from the file name")]


def test_a_missing_title_and_date_are_both_reported():
    record, problems = article("---\nsummary: Kort\n---\nText\n")
    assert record is None
    assert errors(problems) == [(1, "the article has no 'title'"),
                                (1, "the article has no 'date'")]


def test_an_empty_title_is_an_error_on_its_line():
    record, problems = article("---\ndate: 2022-01-01\ntitle:\n---\n")
    assert record is None
    assert errors(problems) == [(3, "'title' is empty")]


def test_title_no_is_the_word_no():
    record, _ = article("---\ntitle: No\ndate: 2022-01-01\n---\n")
    assert record is not None and record.title == "No"


def test_an_image_without_alt_text_is_an_error_on_the_image_line():
    record, problems = article("---\ntitle: A\ndate: 2022-01-01\nimage: media/a.jpg\n---\n")
    assert record is None
    assert errors(problems) == [(4, "the image has no 'image_alt' text")]


def test_an_empty_alt_text_is_an_error_on_its_own_line():
    record, problems = article(
        "---\ntitle: A\ndate: 2022-01-01\nimage: media/a.jpg\nimage_alt: ''\n---\n")
    assert record is None
    assert errors(problems) == [(5, "the image has no 'image_alt' text")]


def test_an_image_path_from_the_root_is_made_relative_to_content():
    record, _ = article(
        "---\ntitle: A\ndate: 2022-01-01\nimage: /media/a.jpg\nimage_alt: Et billede\n---\n")
    assert record is not None and record.image == "media/a.jpg"


def test_a_misspelt_key_is_an_error_that_suggests_the_known_key():
    """`autors:` would publish the story without its byline, `embarg:` a release
    before its embargo: a key one slip away from a known one stops the build."""
    record, problems = article("---\ntitle: A\ndate: 2022-01-01\nautors: [a]\n---\n")
    assert record is None
    assert len(problems) == 1
    problem = problems[0]
    assert problem.is_error
    assert problem.line == 4
    assert problem.message == "unknown front-matter key 'autors' (did you mean 'authors'?)"


def test_an_unknown_key_far_from_any_known_one_is_a_warning():
    record, problems = article("---\ntitle: A\ndate: 2022-01-01\nfarve: blå\n---\n")
    assert record is not None  # a warning does not stop the article
    assert [(p.line, p.message, p.is_error) for p in problems] == [
        (4, "unknown front-matter key 'farve'; it is ignored", False)]


def test_all_errors_of_one_file_are_reported_together():
    record, problems = article("""\
        ---
        title: [A, B]
        date: 1. november
        authors: [Kurt]
        draft: maybe
        slug: Mission
        ---
        """)
    assert record is None
    assert sorted(line for line, _ in errors(problems)) == [2, 3, 4, 5, 6]


def test_a_person_is_read_with_roles_per_language():
    record, problems = load_person("content/people/kurt-bennetsen.md", PERSON.encode(), LANGS)
    assert problems == []
    assert record is not None
    assert record.id == "kurt-bennetsen"
    assert record.name == "Kurt Bennetsen"
    assert record.role == {"da": "Direktør", "no": "Direktør"}
    assert record.phone == "+45 98 16 06 00"
    assert record.clusters == (Ref("green-hub-denmark", 9),)
    assert record.body.strip() == "Kurt leder Erhverv Norddanmark."


def test_a_phone_number_written_without_quotes_stays_text():
    record, _ = load_person("content/people/a.md", b"---\nname: A\nphone: 98160600\n---\n",
                            LANGS)
    assert record is not None and record.phone == "98160600"


@pytest.mark.parametrize("line, message", [
    ("email: kurt at example.org", "'kurt at example.org' is not an e-mail address"),
    ("phone: ring til mig", "'ring til mig' is not a phone number"),
    ("clusters: [Green Hub]", "'Green Hub' in 'clusters' is not a valid id"),
])
def test_person_fields_are_checked(line, message):
    record, problems = load_person("content/people/a.md",
                                   f"---\nname: A\n{line}\n---\n".encode(), LANGS)
    assert record is None
    assert errors(problems) == [(3, message)]


def test_a_person_needs_a_name():
    record, problems = load_person("content/people/a.md", b"---\nemail: a@b.dk\n---\n", LANGS)
    assert record is None
    assert errors(problems) == [(1, "the person has no 'name'")]


def test_a_person_file_name_must_be_an_id():
    record, problems = load_person("content/people/Kurt Bennetsen.md",
                                   b"---\nname: Kurt\n---\n", LANGS)
    assert record is None
    assert errors(problems) == [(None, "'Kurt Bennetsen' is not a valid id for a file name")]
    assert "kurt-bennetsen.md" in problems[0].hint


def test_a_cluster_is_read_with_descriptions_per_language():
    record, problems = load_cluster("content/clusters/green-hub-denmark.md", CLUSTER.encode(),
                                    LANGS)
    assert problems == []
    assert record is not None
    assert (record.id, record.name) == ("green-hub-denmark", "Green Hub Denmark")
    assert record.description == {"da": "En dansk klynge.", "no": "En dansk klynge."}


def test_a_cluster_website_must_be_a_web_address():
    record, problems = load_cluster("content/clusters/a.md",
                                    b"---\nname: A\nwebsite: www.example.org\n---\n", LANGS)
    assert record is None
    assert errors(problems) == [(3, "website 'www.example.org' must start with https://")]


def test_a_cluster_needs_a_name():
    record, problems = load_cluster("content/clusters/a.md", b"---\nshort_name: A\n---\n",
                                    LANGS)
    assert record is None
    assert errors(problems) == [(1, "the cluster has no 'name'")]


@pytest.mark.parametrize("loader", [
    lambda data: article(data.decode("utf-8", "replace")),
    lambda data: load_person("content/people/a.md", data, LANGS),
    lambda data: load_cluster("content/clusters/a.md", data, LANGS),
])
def test_every_kind_refuses_an_empty_file(loader):
    record, problems = loader(b"\n")
    assert record is None
    assert errors(problems) == [(None, "the file is empty")]


def test_a_line_break_in_an_email_or_phone_is_an_error():
    """It would end up in mailto: links, JSON-LD and vCards (a header injection in an
    e-mail client that takes `mailto:` literally)."""
    record, problems = load_person(
        "content/people/a.md",
        b'---\nname: A\nemail: "a@b.dk\\nBcc: x@y.dk"\nphone: "+45 12\\n34"\n---\n', LANGS)
    assert record is None
    assert [(p.line, p.message) for p in problems] == [
        (3, "'a@b.dk Bcc: x@y.dk' is not an e-mail address"),
        (4, "the phone number runs over several lines")]
