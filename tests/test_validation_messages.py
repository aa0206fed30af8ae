"""One row per kind of error an editor can make: the files, then the exact
`path:line: message` that `sitegen check` prints for it.

Each row starts from the small valid site of conftest.py and changes a few files; the
check must exit 1, print the message with the file (relative to the site) and the line,
and never a traceback.
"""

from __future__ import annotations

import pytest
from conftest import SITE_TOML

DA = "content/da/2021/mission-possible.md"
X = "content/da/2022/x.md"
PERSON = "content/people/kurt-bennetsen.md"
CLUSTER = "content/clusters/green-hub-denmark.md"


def md(*lines: str, body: str = "Tekst.") -> str:
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def toml(old: str, new: str) -> dict[str, str]:
    assert old in SITE_TOML
    return {"site.toml": SITE_TOML.replace(old, new)}


OK = ("title: X", "date: 2022-01-01")  # lines 2 and 3 of an article

ERRORS = [
    ("misspelt key", {X: md(*OK, "autors: [kurt-bennetsen]")},
     f"{X}:4: unknown front-matter key 'autors' (did you mean 'authors'?)"),
    ("tab in the indentation", {X: md(*OK, "tags:\n\t- eksport")},
     f"{X}:5: a tab at column 1: the front matter must be indented with spaces"),
    ("quote never closed", {CLUSTER: md("name: \"Green Hub", "description: x")},
     f"{CLUSTER}:2: the quote (\") opened on line 2 is never closed"),
    # -- the file itself
    ("empty file", {X: "\n\n"}, f"{X}: the file is empty"),
    ("binary file", {X: b"\x89PNG\r\n\x1a\n\x00\x00"},
     f"{X}: this is a binary file, not Markdown text"),
    ("not UTF-8", {X: "---\ntitle: Århus\ndate: 2022-01-01\n---\n".encode("latin-1")},
     f"{X}:2: the file is not UTF-8 text"),
    ("no front matter", {X: "# X\n\nTekst.\n"},
     f"{X}:1: no front matter found at the top of the file"),
    ("front matter never closed", {X: "---\ntitle: X\ndate: 2022-01-01\n\nTekst.\n"},
     f"{X}:1: the front matter is never closed"),
    ("empty front matter", {X: "---\n---\nTekst.\n"}, f"{X}:1: the front matter is empty"),
    ("front matter not a mapping", {X: md("- title: X", "- date: 2022-01-01")},
     f"{X}:2: the front matter must be a list of 'key: value' lines"),
    ("malformed YAML", {X: md(*OK, "summary: Tid: nu")},
     f"{X}:4: the front matter is not valid YAML"),
    ("unclosed quote", {X: md(*OK, 'summary: "Tid', "tags: [a]")},
     f"{X}:4: the quote (\") opened on line 4 is never closed"),
    ("key given twice", {X: md(*OK, "title: Y")}, f"{X}:4: 'title' is given twice"),
    ("control character", {X: md(*OK, "summary: a\x1bb")},
     f"{X}:4: the front matter contains a control character (U+001B)"),
    # -- required fields and types
    ("missing title", {X: md("date: 2022-01-01")}, f"{X}:1: the article has no 'title'"),
    ("missing date", {X: md("title: X")}, f"{X}:1: the article has no 'date'"),
    ("empty title", {X: md("date: 2022-01-01", "title:")}, f"{X}:3: 'title' is empty"),
    ("list where text belongs", {X: md("title: [X, Y]", "date: 2022-01-01")},
     f"{X}:2: 'title' must be a text, not a list or a table"),
    ("table where a list belongs", {X: md(*OK, "tags:", "  a: b")},
     f"{X}:4: 'tags' must be a list such as [a, b]"),
    ("list item that is a list", {X: md(*OK, "tags:", "  - a", "  - [b, c]")},
     f"{X}:6: each item of 'tags' must be a single word"),
    ("not a date", {X: md("title: X", "date: 1. november 2021")},
     f"{X}:3: 'date: 1. november 2021' is not a valid date"),
    ("impossible date", {X: md("title: X", "date: 2022-02-30")},
     f"{X}:3: 'date: 2022-02-30' is not a valid date"),
    ("implausible year", {X: md("title: X", "date: 0221-11-01")},
     f"{X}:3: 'date: 0221-11-01' has a year outside 1900-2999"),
    ("bad updated date", {X: md(*OK, "updated: i går")},
     f"{X}:4: 'updated: i går' is not a valid date"),
    ("draft not a flag", {X: md(*OK, "draft: måske")}, f"{X}:4: 'draft' must be true or false"),
    ("id that is not a slug", {X: md(*OK, "authors: [Kurt Bennetsen]")},
     f"{X}:4: 'Kurt Bennetsen' in 'authors' is not a valid id"),
    ("slug that is not a slug", {X: md(*OK, "slug: Mission Possible")},
     f"{X}:4: slug 'Mission Possible' is not a valid slug"),
    ("no slug from the file name", {"content/da/2022/???.md": md(*OK)},
     "content/da/2022/???.md: cannot make a slug from the file name"),
    ("image without alt", {X: md(*OK, "image: media/la.jpg"), "content/media/la.jpg": b"\xff"},
     f"{X}:4: the image has no 'image_alt' text"),
    # -- references across files
    ("unknown person", {X: md(*OK, "authors: [kurt-benetsen]")},
     f"{X}:4: unknown person 'kurt-benetsen' (did you mean 'kurt-bennetsen'?)"),
    ("unknown person given as one string", {X: md(*OK, "contacts: kurt-benetsen")},
     f"{X}:4: unknown person 'kurt-benetsen' (did you mean 'kurt-bennetsen'?)"),
    ("unknown cluster", {X: md(*OK, "clusters:", "  - green-hub-danmark")},
     f"{X}:5: unknown cluster 'green-hub-danmark' (did you mean 'green-hub-denmark'?)"),
    ("unknown cluster of a person",
     {PERSON: md("name: Kurt", "clusters: [gren-hub-denmark]")},
     f"{PERSON}:3: unknown cluster 'gren-hub-denmark' (did you mean 'green-hub-denmark'?)"),
    ("missing image", {X: md(*OK, "image: media/2022/la.jpg", "image_alt: LA")},
     f"{X}:4: image 'media/2022/la.jpg' does not exist"),
    ("missing photo", {PERSON: md("name: Kurt", "photo: media/kurt.jpg")},
     f"{PERSON}:3: photo 'media/kurt.jpg' does not exist"),
    ("duplicate slug", {X: md(*OK, "slug: mission-possible")},
     f"{X}:4: slug 'mission-possible' is already used by {DA}"),
    ("duplicate translation key", {X: md(*OK, "translation_key: dkla")},
     f"{X}:4: translation_key 'dkla' is already used by {DA} in the same language"),
    ("broken body link", {X: md(*OK, body="Intro.\n\nSe [den](../2020/borte.md).")},
     f"{X}:7: link to '../2020/borte.md' leads to nothing"),
    ("link to a draft",
     {X: md(*OK, body="[k](kladde.md)"), "content/da/2022/kladde.md": md(*OK, "draft: true")},
     f"{X}:5: link to 'kladde.md', an article that is a draft and so not published"),
    # -- people and clusters
    ("person without name", {PERSON: md("email: a@b.dk")}, f"{PERSON}:1: the person has no 'name'"),
    ("bad e-mail", {PERSON: md("name: Kurt", "email: kurt(at)example.org")},
     f"{PERSON}:3: 'kurt(at)example.org' is not an e-mail address"),
    ("bad phone", {PERSON: md("name: Kurt", "phone: ring")}, f"{PERSON}:3: 'ring' is not a phone"),
    ("role for an unknown language", {PERSON: md("name: Kurt", "role:", "  sv: Chef")},
     f"{PERSON}:4: 'role' has a text for unknown language 'sv'"),
    ("person file name not an id",
     {"content/people/Kurt B.md": md("name: Kurt")},
     "content/people/Kurt B.md: 'Kurt B' is not a valid id for a file name"),
    ("cluster without name", {CLUSTER: md("short_name: GHD")},
     f"{CLUSTER}:1: the cluster has no 'name'"),
    ("cluster website", {CLUSTER: md("name: GHD", "website: www.ghd.dk")},
     f"{CLUSTER}:3: website 'www.ghd.dk' must start with https://"),
    # -- folders
    ("unknown folder", {"content/dansk/a.md": md(*OK)},
     "content/dansk: 'dansk' is not a language of site.toml"),
    ("file directly in content", {"content/a.md": md(*OK)},
     "content/a.md: files do not belong directly in content/"),
    ("subfolder in people", {"content/people/old/a.md": md("name: A")},
     "content/people/old/a.md: subfolders are not used in content/people/"),
    ("static file over a page", {"static/da/index.html": "<p>x</p>"},
     "static/da/index.html: /da/index.html is also a page made by the home page"),
    # -- site.toml
    ("site.toml not TOML", toml('title = "Nyheter"', "title = Nyheter"),
     "site.toml:13: site.toml is not valid TOML"),
    ("base_url not absolute", toml('"https://nyheder.example.org/"', '"nyheder.example.org"'),
     "site.toml:1: base_url must be an absolute URL, not 'nyheder.example.org'"),
    ("unknown setting", toml("feed_items", "feeditems"),
     "site.toml:4: unknown setting 'feeditems' (did you mean 'feed_items'?)"),
    ("unknown time zone", toml("Europe/Oslo", "Europe/Olso"),
     "site.toml:16: unknown time zone 'Europe/Olso' in [languages.no]"),
    ("unknown locale", toml("nb_NO", "nb_XX"),
     "site.toml:15: unknown locale 'nb_XX' in [languages.no]"),
    ("text setting of wrong type", toml('title = "Nyheter"', "title = 2"),
     "site.toml:13: 'languages.no.title' must be a non-empty text in quotes"),
    ("site.toml not UTF-8", {"site.toml": SITE_TOML.encode() + b"# \xff\n"},
     "site.toml: cannot read site.toml"),
    # A missing site.toml is a usage error (2), not a content error: test_cli_conventions.py
]


@pytest.mark.parametrize("files, expected", [row[1:] for row in ERRORS],
                         ids=[row[0] for row in ERRORS])
def test_each_error_names_its_file_and_line(make_site, check_site, files, expected):
    code, output = check_site(make_site(files))
    assert "Traceback" not in output
    assert "internal error" not in output
    assert code == 1, output
    assert expected in output, output


def test_the_table_has_one_row_per_kind():
    names = [row[0] for row in ERRORS]
    assert len(names) == len(set(names))


WARNINGS = [
    ("unknown key", {X: md(*OK, "farve: blå")},
     f"{X}:4: warning: unknown front-matter key 'farve'; it is ignored"),
    ("unknown key of a person", {PERSON: md("name: Kurt", "telefon: '1234'")},
     f"{PERSON}:3: warning: unknown front-matter key 'telefon'"),
    ("stray file", {"content/da/2022/la.jpg": b"\xff\xd8"},
     "content/da/2022/la.jpg: warning: not a .md file; ignored"),
]


@pytest.mark.parametrize("files, expected", [row[1:] for row in WARNINGS],
                         ids=[row[0] for row in WARNINGS])
def test_each_warning_names_its_file_and_line_and_does_not_fail(make_site, check_site, files,
                                                                 expected):
    code, output = check_site(make_site(files))
    assert code == 0, output
    assert expected in output


def test_a_run_reports_every_error_at_once(make_site, check_site):
    site = make_site({
        "content/da/2022/a.md": "",
        "content/da/2022/b.md": md(*OK, "summary: Tid: nu"),
        "content/da/2022/c.md": md(*OK, "authors: [kurt-benetsen]"),
        "content/da/2022/d.md": md(*OK, "slug: mission-possible"),
        "content/da/2022/e.md": md(*OK, body="[x](nope.md)"),
        "content/no/2022/f.md": md("title: F", "date: i morgen"),
        PERSON: md("name: Kurt", "clusters: [nothing]"),
        "content/dansk/g.md": md(*OK),
    })
    code, output = check_site(site)
    assert code == 1
    for expected in [
        "content/da/2022/a.md: the file is empty",
        "content/da/2022/b.md:4: the front matter is not valid YAML",
        "content/da/2022/c.md:4: unknown person 'kurt-benetsen'",
        "content/da/2022/d.md:4: slug 'mission-possible' is already used by",
        "content/da/2022/e.md:5: link to 'nope.md' leads to nothing",
        "content/no/2022/f.md:3: 'date: i morgen' is not a valid date",
        f"{PERSON}:3: unknown cluster 'nothing'",
        "content/dansk: 'dansk' is not a language",
    ]:
        assert expected in output
    assert "8 error(s)" in output
