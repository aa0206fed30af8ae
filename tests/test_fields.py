"""Typed readers of front-matter values: right type or a problem on the key's line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml

from sitegen.load import frontmatter
from sitegen.load.fields import FieldReader, Ref, parse_moment
from sitegen.load.frontmatter import Entry, split

PATH = "content/da/a.md"
CPH = ZoneInfo("Europe/Copenhagen")
LANGS = ("da", "no")


@pytest.fixture(autouse=True, params=["libyaml", "pyyaml"])
def yaml_engine(request, monkeypatch):
    """Every reader must behave the same with libyaml's composer and PyYAML's own."""
    if request.param == "pyyaml":
        monkeypatch.setattr(frontmatter, "FAST_LOADER", yaml.SafeLoader)


def entry(yaml_text: str, key: str | None = None) -> Entry | None:
    """The entry for `key` (default: the first key) of a front matter written as YAML."""
    source, problems = split(PATH, f"---\n{yaml_text}\n---\n")
    assert source is not None and problems == []
    return source.get(key) if key else source.entries[0]


def messages(reader: FieldReader) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in reader.problems]


# text


@pytest.mark.parametrize("yaml_text, value", [
    ("title: Mission Possible", "Mission Possible"),
    ("title: No", "No"),
    ("title: yes", "yes"),
    ("title: 2021", "2021"),
    ("title: 3.10", "3.10"),
    ("title: 2021-11-01", "2021-11-01"),
    ("title: '  Spaced  '", "Spaced"),
    ("title: |\n  Two\n  lines", "Two\nlines"),
    ("title: null text", "null text"),
])
def test_text_is_kept_as_the_editor_wrote_it(yaml_text, value):
    read = FieldReader(PATH)
    assert read.text(entry(yaml_text)) == value
    assert read.problems == []


@pytest.mark.parametrize("yaml_text", ["title:", "title: ~", "title: null", "title: ''"])
def test_a_required_text_that_is_empty_is_an_error_on_its_line(yaml_text):
    read = FieldReader(PATH)
    assert read.text(entry(f"date: x\n{yaml_text}", "title"), required=True) is None
    assert messages(read) == [(3, "'title' is empty")]


def test_an_optional_empty_text_is_none_without_a_problem():
    read = FieldReader(PATH)
    assert read.text(entry("summary:")) is None
    assert read.text(None) is None
    assert read.problems == []


@pytest.mark.parametrize("yaml_text", ["title: [a, b]", "title:\n  da: A"])
def test_a_list_or_table_where_text_belongs_is_an_error(yaml_text):
    read = FieldReader(PATH)
    assert read.text(entry(yaml_text)) is None
    assert messages(read) == [(2, "'title' must be a text, not a list or a table")]


# localized


def test_a_single_text_is_used_for_every_language():
    read = FieldReader(PATH)
    assert read.localized(entry("role: Direktør"), LANGS) == {"da": "Direktør",
                                                               "no": "Direktør"}


def test_a_table_gives_one_text_per_language():
    read = FieldReader(PATH)
    value = read.localized(entry("role:\n  da: Direktør\n  no: Daglig leder"), LANGS)
    assert value == {"da": "Direktør", "no": "Daglig leder"}
    assert read.problems == []


def test_a_table_with_an_unknown_language_names_its_line():
    read = FieldReader(PATH)
    value = read.localized(entry("role:\n  da: Direktør\n  se: Chef"), LANGS)
    assert value == {"da": "Direktør"}
    assert messages(read) == [(4, "'role' has a text for unknown language 'se'")]


def test_a_table_with_a_list_for_a_language_is_an_error():
    read = FieldReader(PATH)
    read.localized(entry("role:\n  da: [a, b]"), LANGS)
    assert messages(read) == [(3, "'role.da' must be a text")]


# flag


@pytest.mark.parametrize("yaml_text, value", [
    ("draft: true", True), ("draft: false", False), ("draft: yes", True), ("draft: No", False),
    ("draft: 'true'", True), ("draft:", False),
])
def test_flags(yaml_text, value):
    read = FieldReader(PATH)
    assert read.flag(entry(yaml_text)) is value
    assert read.problems == []


@pytest.mark.parametrize("yaml_text", ["draft: maybe", "draft: 1", "draft: [true]"])
def test_a_flag_that_is_not_true_or_false_is_an_error(yaml_text):
    read = FieldReader(PATH)
    assert read.flag(entry(yaml_text)) is False
    assert messages(read) == [(2, "'draft' must be true or false")]


# words and ids


@pytest.mark.parametrize("yaml_text, words", [
    ("tags: [eksport, usa]", ["eksport", "usa"]),
    ("tags: eksport", ["eksport"]),
    ("tags: eksport, usa", ["eksport", "usa"]),
    ("tags:\n  - eksport\n  - usa", ["eksport", "usa"]),
    ("tags: [2021, yes]", ["2021", "yes"]),
    ("tags: []", []),
    ("tags:", []),
])
def test_words_accept_every_list_form(yaml_text, words):
    read = FieldReader(PATH)
    assert [w for w, _ in read.words(entry(yaml_text))] == words
    assert read.problems == []


def test_a_single_id_given_as_a_string_is_not_split_into_letters():
    read = FieldReader(PATH)
    assert read.ids(entry("authors: kurt-bennetsen")) == (Ref("kurt-bennetsen", 2),)
    assert read.problems == []


def test_each_id_of_a_block_list_keeps_its_own_line():
    read = FieldReader(PATH)
    refs = read.ids(entry("authors:\n  - kurt-bennetsen\n  - mette-fritsch"))
    assert refs == (Ref("kurt-bennetsen", 3), Ref("mette-fritsch", 4))


def test_an_id_that_is_not_a_slug_is_an_error_on_its_line():
    read = FieldReader(PATH)
    refs = read.ids(entry("authors:\n  - kurt-bennetsen\n  - Mette Fritsch"))
    assert refs == (Ref("kurt-bennetsen", 3),)
    assert messages(read) == [(4, "'Mette Fritsch' in 'authors' is not a valid id")]


def test_a_nested_list_item_is_an_error():
    read = FieldReader(PATH)
    read.words(entry("tags:\n  - eksport\n  - [a, b]"))
    assert messages(read) == [(4, "each item of 'tags' must be a single word")]


def test_a_table_where_a_list_belongs_is_an_error():
    read = FieldReader(PATH)
    assert read.words(entry("tags:\n  a: b")) == ()
    assert messages(read) == [(2, "'tags' must be a list such as [a, b]")]


# slug


def test_a_valid_slug_is_kept():
    read = FieldReader(PATH)
    assert read.slug(entry("slug: mission-possible")) == "mission-possible"


@pytest.mark.parametrize("value", ["Mission-Possible", "mission possible", "mission--possible",
                                   "møde", "-a"])
def test_a_slug_must_already_be_a_slug(value):
    read = FieldReader(PATH)
    assert read.slug(entry(f"title: A\nslug: {value}", "slug")) is None
    assert messages(read) == [(3, f"slug '{value}' is not a valid slug")]


# dates


@pytest.mark.parametrize("text, expected", [
    ("2021-11-01", datetime(2021, 11, 1, tzinfo=CPH)),
    ("2021-11-01 09:00", datetime(2021, 11, 1, 9, 0, tzinfo=CPH)),
    ("2021-11-01T09:00", datetime(2021, 11, 1, 9, 0, tzinfo=CPH)),
    ("2021-11-01 09:00:30", datetime(2021, 11, 1, 9, 0, 30, tzinfo=CPH)),
    ("2021-11-01 09:00Z", datetime(2021, 11, 1, 9, 0, tzinfo=UTC)),
    ("2021-11-01T09:00:00+01:00", datetime(2021, 11, 1, 9, tzinfo=timezone(timedelta(hours=1)))),
    ("2021-11-01 09:00 -0530", datetime(2021, 11, 1, 9, tzinfo=timezone(-timedelta(hours=5.5)))),
])
def test_date_forms(text, expected):
    moment = parse_moment(text, CPH)
    assert moment == expected
    assert moment.tzinfo is not None


def test_a_date_without_offset_is_read_in_the_language_zone():
    summer = parse_moment("2021-07-01 12:00", CPH)
    oslo_winter = parse_moment("2021-01-01 12:00", ZoneInfo("Europe/Oslo"))
    assert summer.utcoffset() == timedelta(hours=2)
    assert oslo_winter.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize("text", [
    "1. november 2021", "2021-11-31", "2021-13-01", "2021-11-01 25:00", "2021-11-01 09:60",
    "21-11-01", "2021/11/01", "2021-11-01 09", "2021-11-01 09:00 +25:00", "2021-11-01 09:00 CET",
    "",
])
def test_invalid_dates_are_refused(text):
    assert parse_moment(text, CPH) is None


def test_an_invalid_date_is_an_error_on_its_line():
    read = FieldReader(PATH)
    assert read.moment(entry("title: A\ndate: 2021-02-30", "date"), CPH) is None
    assert messages(read) == [(3, "'date: 2021-02-30' is not a valid date")]


def test_a_yaml_timestamp_is_read_from_the_text_not_as_utc():
    read = FieldReader(PATH)
    moment = read.moment(entry("date: 2021-11-01 09:00:00"), CPH)
    assert moment == datetime(2021, 11, 1, 9, tzinfo=CPH)


def test_a_required_empty_date_is_an_error():
    read = FieldReader(PATH)
    assert read.moment(entry("date: ''"), CPH, required=True) is None
    assert messages(read) == [(2, "'date' is empty")]


@pytest.mark.parametrize("value", ["0221-11-01", "0001-01-01 00:00 +01:00",
                                   "9999-12-31 23:59 -01:00", "1899-12-31"])
def test_a_date_with_an_implausible_year_is_an_error(value):
    read = FieldReader(PATH)
    assert read.moment(entry(f"title: A\ndate: {value}", "date"), CPH) is None
    assert messages(read) == [(3, f"'date: {value}' has a year outside 1900-2999")]


# control characters (escapes in quoted YAML let them in)


@pytest.mark.parametrize("yaml_text, code", [
    ('title: "Bell\\u0007"', "0007"),
    ('title: "Nul\\0"', "0000"),
    ('title: "Esc\\e"', "001B"),
    ('title: "Not a character\\uFFFE"', "FFFE"),
])
def test_a_control_character_is_an_error_on_its_line(yaml_text, code):
    reader = FieldReader(PATH)
    assert reader.text(entry(yaml_text), required=True) is None
    assert messages(reader) == [(2, f"'title' contains a control character (U+{code})")]


def test_control_characters_in_lists_and_per_language_texts(monkeypatch):
    reader = FieldReader(PATH)
    assert reader.words(entry('tags: ["ok", "bad\\u0001"]')) == (("ok", 2),)
    assert reader.localized(entry('role:\n  da: "Chef\\u0002"\n  no: Sjef'), LANGS) == {
        "no": "Sjef"}
    assert [m for _, m in messages(reader)] == [
        "'tags' contains a control character (U+0001)",
        "'role' contains a control character (U+0002)"]


def test_tabs_and_line_breaks_stay_where_texts_allow_them():
    reader = FieldReader(PATH)
    assert reader.text(entry('summary: "Et\\tto\\ntre"')) == "Et\tto\ntre"
    assert reader.problems == []
