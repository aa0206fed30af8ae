"""No input an editor can write produces a traceback: random front matter and bytes give
problems (with the file and a sensible line), never an exception.

Deterministic (derandomized, no example database) and small enough to stay fast.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import FIXED_NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.config import load_config
from sitegen.errors import BuildFailed, Problem
from sitegen.load.records import ARTICLE_KEYS, PERSON_KEYS
from sitegen.load.sources import load_article, load_cluster, load_person
from sitegen.pipeline import check
from sitegen.resolve import BuildOptions

PATH = "content/da/2021/fuzz.md"
LANGS = ("da", "no")

FAST = settings(max_examples=300, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
SITE = settings(max_examples=25, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

RENDER = settings(SITE, max_examples=12)  # every example renders the whole small site

KEYS = st.sampled_from([*ARTICLE_KEYS, *PERSON_KEYS, "autors", "Title", "x", "- a", "? [a]",
                        "'quoted'", "<<", "1", "~", "æøå"])
VALUES = st.one_of(
    st.text(max_size=25),
    st.sampled_from([
        "", "~", "null", "yes", "No", "true", "1", "-1", "3.14", ".inf", "[]", "{}",
        "2021-11-01", "2021-11-01 09:00 +01:00", "2021-02-30", "0001-01-01", "9999-12-31",
        "2026-01-01 13:00", "2999-12-31 23:59 -23:59", "[kurt-bennetsen]", "kurt-bennetsen",
        "[green-hub-denmark]", "[a, [b]]", "{da: x, no: y}", "{da: [x]}", "&x [*x]", "*x",
        "|\n  a\n  b", "'", '"', "\n  - a\n  - b", "!!binary aGVq", "!!python/object:os.system",
        "media/x.jpg", "/media/x.jpg", "../../etc/passwd", "javascript:alert(1)",
        "mission-possible", "Mission Possible", "dkla", "[" * 50, "a: b: c", "\t",
    ]),
)
LINES = st.lists(st.tuples(KEYS, VALUES).map(lambda kv: f"{kv[0]}: {kv[1]}"), max_size=8)
BODIES = st.one_of(
    st.text(max_size=80),
    st.sampled_from([
        "[a](../2021/mission-possible.md)", "[a](nope.md)", "![b](/media/x.jpg)",
        "[c](javascript:alert(1))", "<script>x</script>", "| a |\n|---|\n| [b](c.md) |",
        "## Ø\n\n## Ø", "::: fakta\nx\n:::", "[d](<../møde i LA.md#del>)", "[e](/da/)",
        "[f](%)", "[g](../../../../etc/passwd.md)", "[h](//example.org)",
    ]),
)


def front_matter_files() -> st.SearchStrategy[bytes]:
    text = st.builds(lambda lines, body, fence: f"{fence}\n" + "\n".join(lines)
                     + f"\n{fence}\n{body}\n", LINES, BODIES,
                     st.sampled_from(["---", "---", "---", "...", "--- ", ""]))
    return st.one_of(text.map(lambda t: t.encode("utf-8")),
                     st.binary(max_size=120),
                     st.binary(max_size=120).map(lambda b: b"---\ntitle: " + b + b"\n---\n"))


def yaml_quote(text: str) -> str:
    """Any text as a YAML double-quoted scalar: control characters as escapes."""
    escaped = "".join(
        "\\" + ch if ch in '"\\' else
        f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F
        or ch in "\u2028\u2029\ufeff\ufffe\uffff" else ch
        for ch in text)
    return f'"{escaped}"'


ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1,
                   max_size=30).map(yaml_quote)
WORDS = st.lists(st.text("abcæøå -_1", min_size=1, max_size=8).map(yaml_quote), max_size=3)
DATES = st.sampled_from(["2021-11-01", "2025-12-31 23:59", "2026-01-01 13:00:01",
                         "2030-06-01T09:00+02:00", "1900-01-01 00:00 +14:00",
                         "2999-12-31 23:59 -12:00"])


def valid_article() -> st.SearchStrategy[bytes]:
    """Files that load, so that resolving and rendering are fuzzed too."""
    optional = st.fixed_dictionaries({}, optional={
        "summary": ANY_TEXT, "tags": WORDS.map(lambda w: f"[{', '.join(w)}]"),
        "authors": st.just("[kurt-bennetsen]"), "clusters": st.just("green-hub-denmark"),
        "updated": DATES, "draft": st.sampled_from(["true", "false"]),
        "translation_key": st.sampled_from(["dkla", "other"]), "image_credit": ANY_TEXT,
        "slug": st.sampled_from(["mission-possible", "x", "mission"]),
    })
    return st.builds(
        lambda title, date, fields, body: (
            f"---\ntitle: {title}\ndate: {date}\n"
            + "".join(f"{k}: {v}\n" for k, v in fields.items()) + f"---\n{body}\n"
        ).encode("utf-8"), ANY_TEXT, DATES, optional, BODIES)


def valid_person() -> st.SearchStrategy[bytes]:
    return st.builds(
        lambda name, role, extra: (f"---\nname: {name}\nrole: {role}\n{extra}---\n"
                                   ).encode(),
        ANY_TEXT, st.one_of(ANY_TEXT, st.builds(lambda a, b: f"{{da: {a}, no: {b}}}",
                                                ANY_TEXT, ANY_TEXT)),
        st.sampled_from(["", "phone: '+45 1234'\n", "email: a@b.dk\n",
                         "clusters: [green-hub-denmark]\n", "organization: 2021\n"]))


def assert_sensible(problems: list[Problem], path: str, data: bytes) -> None:
    lines = data.count(b"\n") + 1
    for problem in problems:
        assert problem.path == path
        assert problem.message
        assert problem.line is None or 1 <= problem.line <= lines + 1, problem


@FAST
@given(front_matter_files())
def test_loading_any_article_gives_a_record_or_errors(data):
    record, problems = load_article(PATH, data, lang="da", tz=ZoneInfo("Europe/Copenhagen"))
    assert_sensible(problems, PATH, data)
    if record is None:
        assert any(p.is_error for p in problems)
    else:
        assert record.title and record.date.tzinfo is not None


@FAST
@given(front_matter_files())
def test_loading_any_person_or_cluster_gives_a_record_or_errors(data):
    for loader, path in ((load_person, "content/people/p.md"),
                         (load_cluster, "content/clusters/c.md")):
        record, problems = loader(path, data, LANGS)
        assert_sensible(problems, path, data)
        assert record is not None or any(p.is_error for p in problems)


def check_without_exceptions(site: Path, preview: bool) -> None:
    """`sitegen check` as a library call: a report, or BuildFailed with the errors."""
    options = BuildOptions(now=FIXED_NOW, drafts=preview, future=preview)
    try:
        report = check(site, options)
    except BuildFailed as failed:
        assert any(p.is_error for p in failed.problems)
        assert all(p.path for p in failed.problems)
    else:
        assert not [p for p in report.problems if p.is_error]


@SITE
@given(article=front_matter_files(), person=front_matter_files())
def test_checking_a_site_with_any_files_gives_problems_not_exceptions(make_site, article,
                                                                      person):
    site: Path = make_site()
    (site / "content/da/2021/mission-possible.md").write_bytes(article)
    (site / "content/people/kurt-bennetsen.md").write_bytes(person)
    check_without_exceptions(site, preview=False)


@RENDER
@given(article=valid_article(), person=valid_person())
def test_rendering_any_loadable_text_gives_pages_or_problems(make_site, article, person):
    site: Path = make_site()
    (site / "content/da/2021/mission-possible.md").write_bytes(article)
    (site / "content/people/kurt-bennetsen.md").write_bytes(person)
    check_without_exceptions(site, preview=True)  # drafts and embargoed articles rendered


# site.toml

TOML_VALUES = st.one_of(
    st.text(max_size=20).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"')
                             .replace("\n", "\\n") + '"'),
    st.sampled_from([
        "1", "0", "-5", "true", "false", "3.5", "nan", "1979-05-27", "1979-05-27T07:32:00Z",
        "[]", "[1, 2]", '["da"]', "{}", '{ title = "x" }', '"https://example.org/"',
        '"/relative/"', '"da"', '"no"', '"Europe/Copenhagen"', '"Europe"', '"da_DK"',
        '"xx"', '"../x"', '"default"', '""', '"   "',
    ]),
)
TOML_KEYS = st.sampled_from(["base_url", "theme", "default_language", "feed_items",
                             "unsafe_html", "title", "publisher", "languages", "baseurl"])
LANGUAGE_LINES = st.lists(st.tuples(st.sampled_from(["title", "description", "locale",
                                                     "timezone", "tidszone"]), TOML_VALUES),
                          max_size=5)


@FAST
@given(top=st.lists(st.tuples(TOML_KEYS, TOML_VALUES), max_size=6, unique_by=lambda kv: kv[0]),
       tables=st.lists(st.tuples(st.sampled_from(["languages.da", "languages.no",
                                                  "languages.DK", "languages", "publisher",
                                                  "other"]), LANGUAGE_LINES),
                       max_size=3, unique_by=lambda t: t[0]))
def test_any_site_toml_gives_a_config_or_errors(tmp_path_factory, top, tables):
    lines = [f"{key} = {value}" for key, value in top]
    for name, entries in tables:
        lines.append(f"[{name}]")
        lines += [f"{key} = {value}" for key, value in dict(entries).items()]
    text = "\n".join(lines) + "\n"
    folder = tmp_path_factory.mktemp("toml")
    (folder / "site.toml").write_text(text, "utf-8")
    config, problems = load_config(folder)
    for problem in problems:
        assert problem.path == "site.toml"
        assert problem.line is None or 1 <= problem.line <= len(lines)
    if config is None:
        assert any(p.is_error for p in problems)
    else:
        assert config.base_url.startswith(("http://", "https://"))
        assert config.default_language in config.language_codes
