"""site.toml -> SiteConfig: strict, every problem with its line in site.toml."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from conftest import SITE_TOML

from sitegen.config import load_config
from sitegen.errors import Problem


def write_config(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "site.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return tmp_path


def line_of(text: str, needle: str, after: str = "") -> int:
    """1-based line of the first line containing `needle` (after the line holding `after`)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


def only_error(problems: list[Problem]) -> Problem:
    errors = [p for p in problems if p.is_error]
    assert len(errors) == 1, [p.format() for p in problems]
    return errors[0]


def test_the_fixture_config_loads_with_both_languages(tmp_path):
    config, problems = load_config(write_config(tmp_path, SITE_TOML))
    assert problems == []
    assert config is not None
    assert config.language_codes == ("da", "no")
    assert config.base_url == "https://nyheder.example.org/"
    assert config.default_language == "da"
    assert config.feed_items == 20
    assert config.unsafe_html is False
    assert config.publisher.name == "Eksempel"
    norwegian = config.language("no")
    assert norwegian.locale == "nb_NO"
    assert norwegian.html_lang == "nb"
    assert datetime(2021, 7, 1, tzinfo=norwegian.tz).utcoffset().total_seconds() == 7200


def test_base_url_gets_a_trailing_slash(tmp_path):
    text = SITE_TOML.replace('"https://nyheder.example.org/"', '"https://example.org/news"')
    config, problems = load_config(write_config(tmp_path, text))
    assert problems == [] and config is not None
    assert config.base_url == "https://example.org/news/"


@pytest.mark.parametrize("url", ["/news/", "nyheder.example.org", "ftp://example.org/",
                                 "https://"])
def test_a_base_url_that_is_not_absolute_is_an_error_on_its_line(tmp_path, url):
    text = SITE_TOML.replace('"https://nyheder.example.org/"', f'"{url}"')
    config, problems = load_config(write_config(tmp_path, text))
    assert config is None
    problem = only_error(problems)
    assert problem.path == "site.toml"
    assert problem.line == 1
    assert "base_url must be an absolute URL" in problem.message


def test_invalid_toml_names_the_line(tmp_path):
    text = SITE_TOML.replace('title = "Nyheter"', "title = Nyheter")
    config, problems = load_config(write_config(tmp_path, text))
    assert config is None
    problem = only_error(problems)
    assert problem.line == line_of(text, "title = Nyheter")
    assert "not valid TOML" in problem.message


def test_an_unknown_setting_suggests_the_known_one(tmp_path):
    text = SITE_TOML.replace("feed_items = 20", "feed_item = 20")
    config, problems = load_config(write_config(tmp_path, text))
    assert config is None
    problem = only_error(problems)
    assert problem.line == line_of(text, "feed_item = 20")
    assert problem.message == "unknown setting 'feed_item' (did you mean 'feed_items'?)"


def test_an_unknown_language_setting_is_found_in_its_own_table(tmp_path):
    text = SITE_TOML.replace('timezone = "Europe/Oslo"', 'tidszone = "Europe/Oslo"')
    config, problems = load_config(write_config(tmp_path, text))
    problem = only_error(problems)
    assert problem.message.startswith("unknown setting 'languages.no.tidszone'")
    assert problem.line == line_of(text, "tidszone")


def test_a_bad_value_in_the_second_language_points_at_that_language(tmp_path):
    # 'title' is also a key of [languages.da]: the line must be the one in [languages.no].
    text = SITE_TOML.replace('title = "Nyheter"', "title = 5")
    config, problems = load_config(write_config(tmp_path, text))
    assert config is None
    problem = only_error(problems)
    assert "'languages.no.title' must be a non-empty text" in problem.message
    assert problem.line == line_of(text, "title = 5")


def test_a_missing_language_setting_points_at_the_language_table(tmp_path):
    text = SITE_TOML.replace('title = "Nyheter"\n', "")
    config, problems = load_config(write_config(tmp_path, text))
    problem = only_error(problems)
    assert problem.message == "missing setting 'languages.no.title'"
    assert problem.line == line_of(text, "[languages.no]")


@pytest.mark.parametrize("zone", ["Europe/Kopenhagen", "Europe", "", "/etc/localtime"])
def test_an_unknown_time_zone_is_an_error(tmp_path, zone):
    text = SITE_TOML.replace('"Europe/Copenhagen"', f'"{zone}"')
    config, problems = load_config(write_config(tmp_path, text))
    assert config is None
    problem = only_error(problems)
    assert problem.line == line_of(text, "timezone", after="[languages.da]")
    assert "languages.da" in problem.message


@pytest.mark.parametrize("locale", ["xx_YY", "da-DK"])
def test_an_unknown_locale_is_an_error(tmp_path, locale):
    text = SITE_TOML.replace('"nb_NO"', f'"{locale}"')
    config, problems = load_config(write_config(tmp_path, text))
    assert config is None
    problem = only_error(problems)
    assert problem.message == f"unknown locale '{locale}' in [languages.no]"
    assert problem.line == line_of(text, "locale", after="[languages.no]")


def test_no_languages_is_an_error(tmp_path):
    text = SITE_TOML.split("[languages.da]")[0]
    config, problems = load_config(write_config(tmp_path, text))
    assert config is None
    assert only_error(problems).message == "site.toml defines no languages"


def test_a_language_table_must_be_named_by_a_language_code(tmp_path):
    text = SITE_TOML.replace("[languages.no]", "[languages.Norsk]")
    config, problems = load_config(write_config(tmp_path, text))
    assert config is None
    problem = only_error(problems)
    assert problem.line == line_of(text, "[languages.Norsk]")


def test_default_language_must_be_one_of_the_languages(tmp_path):
    text = SITE_TOML.replace('default_language = "da"', 'default_language = "dan"')
    config, problems = load_config(write_config(tmp_path, text))
    problem = only_error(problems)
    assert problem.line == 3
    assert problem.message.endswith("(did you mean 'da'?)")


@pytest.mark.parametrize("line, message", [
    ("feed_items = 0", "feed_items must be a whole number of at least 1"),
    ("feed_items = true", "feed_items must be a whole number of at least 1"),
    ('feed_items = "20"', "feed_items must be a whole number of at least 1"),
])
def test_feed_items_must_be_a_positive_number(tmp_path, line, message):
    text = SITE_TOML.replace("feed_items = 20", line)
    config, problems = load_config(write_config(tmp_path, text))
    problem = only_error(problems)
    assert (problem.line, problem.message) == (4, message)


def test_unsafe_html_must_be_a_boolean(tmp_path):
    text = SITE_TOML.replace("feed_items = 20\n", 'feed_items = 20\nunsafe_html = "yes"\n')
    config, problems = load_config(write_config(tmp_path, text))
    problem = only_error(problems)
    assert problem.message == "unsafe_html must be true or false (without quotes)"
    assert problem.line == 5


def test_unsafe_html_true_is_read(tmp_path):
    text = SITE_TOML.replace("feed_items = 20\n", "feed_items = 20\nunsafe_html = true\n")
    config, problems = load_config(write_config(tmp_path, text))
    assert problems == [] and config is not None and config.unsafe_html is True


def test_a_theme_that_does_not_exist_is_an_error(tmp_path):
    (tmp_path / "themes" / "nordic").mkdir(parents=True)
    text = SITE_TOML.replace('theme = "default"', 'theme = "nordc"')
    config, problems = load_config(write_config(tmp_path, text))
    assert config is None
    problem = only_error(problems)
    assert problem.line == 2
    assert problem.message.startswith("theme 'nordc' not found")
    assert "(did you mean 'nordic'?)" in problem.message


def test_a_theme_of_the_site_is_accepted(tmp_path):
    (tmp_path / "themes" / "nordic" / "templates").mkdir(parents=True)
    text = SITE_TOML.replace('theme = "default"', 'theme = "nordic"')
    config, problems = load_config(write_config(tmp_path, text))
    assert problems == [] and config is not None and config.theme == "nordic"


def test_a_theme_name_cannot_lead_out_of_the_site(tmp_path):
    text = SITE_TOML.replace('theme = "default"', 'theme = "../../elsewhere"')
    config, problems = load_config(write_config(tmp_path, text))
    assert config is None
    assert only_error(problems).line == 2


def test_an_unknown_publisher_key_is_an_error(tmp_path):
    text = SITE_TOML.replace('email = "info@example.org"', 'mail = "info@example.org"')
    config, problems = load_config(write_config(tmp_path, text))
    problem = only_error(problems)
    assert problem.message == "unknown setting 'publisher.mail' (did you mean 'email'?)"
    assert problem.line == line_of(text, "mail =")


def test_a_missing_site_toml_is_an_error(tmp_path):
    config, problems = load_config(tmp_path)
    assert config is None
    assert only_error(problems).message == "site.toml not found"


def test_a_site_toml_that_is_not_utf8_is_an_error(tmp_path):
    data = SITE_TOML.encode("utf-8") + b"# \xe6\n"
    config, problems = load_config(write_config(tmp_path, data))
    assert config is None
    problem = only_error(problems)
    assert problem.path == "site.toml"
    assert "cannot read site.toml" in problem.message


def test_all_problems_are_reported_at_once(tmp_path):
    text = (SITE_TOML.replace("feed_items = 20", "feed_item = 20")
            .replace('"nb_NO"', '"xx_YY"').replace('"Europe/Copenhagen"', '"Mars/Olympus"'))
    config, problems = load_config(write_config(tmp_path, text))
    assert config is None
    assert len([p for p in problems if p.is_error]) == 3
    assert all(p.line for p in problems)
